"""The client address for per-IP throttling: X-Forwarded-For only through trusted proxies."""

from ipaddress import ip_network

import pytest

from compraagil.accounts.client_ip import client_ip
from compraagil.config import Settings
from compraagil.errors import ConfigurationError

PROXIES = (ip_network("10.0.0.0/8"), ip_network("2001:db8::/32"))


def test_without_trusted_proxies_the_peer_is_the_client():
    assert client_ip(peer="203.0.113.7", forwarded_for="198.51.100.1", trusted=()) == "203.0.113.7"


def test_an_untrusted_peer_cannot_pick_its_address():
    assert client_ip(peer="203.0.113.7", forwarded_for="1.2.3.4", trusted=PROXIES) == "203.0.113.7"


def test_behind_trusted_proxies_the_nearest_untrusted_hop_is_the_client():
    forged_then_real = "1.2.3.4, 198.51.100.9, 10.0.0.2"
    assert client_ip(peer="10.0.0.1", forwarded_for=forged_then_real, trusted=PROXIES) == "198.51.100.9"
    assert client_ip(peer="2001:db8::1", forwarded_for="198.51.100.9", trusted=PROXIES) == "198.51.100.9"
    assert client_ip(peer="::ffff:10.0.0.1", forwarded_for="198.51.100.9", trusted=PROXIES) == "198.51.100.9"


def test_a_trusted_peer_without_a_usable_header_is_the_client_itself():
    assert client_ip(peer="10.0.0.1", forwarded_for="", trusted=PROXIES) == "10.0.0.1"
    assert client_ip(peer="10.0.0.1", forwarded_for=" , ", trusted=PROXIES) == "10.0.0.1"
    assert client_ip(peer="10.0.0.1", forwarded_for="10.0.0.3, 10.0.0.2", trusted=PROXIES) == "10.0.0.3"


def test_trusted_proxies_come_from_the_setting(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")
    settings = Settings(_env_file=None)
    assert settings.trusted_proxies == (ip_network("127.0.0.1/32"), ip_network("10.0.0.0/8"))
    monkeypatch.setattr("compraagil.accounts.client_ip.get_settings", lambda: settings)
    assert client_ip(peer="127.0.0.1", forwarded_for="198.51.100.9") == "198.51.100.9"
    monkeypatch.delenv("TRUSTED_PROXIES")
    assert Settings(_env_file=None).trusted_proxies == ()


def test_a_malformed_setting_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, proxy.local")
    with pytest.raises(ConfigurationError, match="TRUSTED_PROXIES"):
        Settings(_env_file=None)
