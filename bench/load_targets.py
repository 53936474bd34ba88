"""Where a load run goes: running products on this machine only, each with the folder of its
compiled frontend and, to start every level cold, its Redis."""

import ipaddress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Target:
    name: str
    base_url: str
    web_dir: Path
    redis_url: str | None = None


def target(text: str) -> Target:
    name, base_url, web_dir, *redis_url = text.split("=", 3)
    return Target(name, base_url.rstrip("/"), Path(web_dir), *redis_url)


def empty_cache(redis_url: str) -> None:
    """Every cached search, price analysis and profile of that product forgotten (one INCR)."""
    import redis

    from compraagil.cache import GENERATION_KEY

    redis.Redis.from_url(redis_url).incr(GENERATION_KEY)


def require_loopback(base_url: str, database_url: str | None) -> None:
    """Refuse anything but this machine: the load must never leave loopback."""
    host = urlsplit(base_url).hostname or ""
    if host != "localhost" and not _is_loopback_ip(host):
        raise SystemExit(f"refusing {base_url}: only loopback (localhost, 127.0.0.1, ::1)")
    if database_url:
        split = urlsplit(database_url)
        socket_dir = parse_qs(split.query).get("host", [""])[0]
        db_host = split.hostname or ""
        if not (socket_dir.startswith("/") or db_host in ("", "localhost") or _is_loopback_ip(db_host)):
            raise SystemExit(f"refusing database {db_host}: only a local socket or loopback")


def _is_loopback_ip(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
