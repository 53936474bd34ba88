"""Which address a request comes from, for per-IP throttling behind reverse proxies.

X-Forwarded-For is written by whoever sent the request, so it is believed only when the direct peer
is a trusted proxy (TRUSTED_PROXIES), and then only up to the nearest address that is not one.
"""

from collections.abc import Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address

from compraagil.config import get_settings

Network = IPv4Network | IPv6Network


def _is_trusted(address: str, trusted: Sequence[Network]) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    ip = getattr(ip, "ipv4_mapped", None) or ip
    return any(ip in network for network in trusted)


def client_ip(*, peer: str, forwarded_for: str, trusted: Sequence[Network] | None = None) -> str:
    """The direct peer, or, when it is a trusted proxy, the last X-Forwarded-For hop that is not one."""
    trusted = get_settings().trusted_proxies if trusted is None else trusted
    if not _is_trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer
