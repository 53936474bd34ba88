"""Throttling in Redis: login failures counted per account and per IP within a window, and the
account emails one address may receive in an hour (nobody can flood an inbox through our forms).

When Redis is down the counts live in this process instead (a warning is logged once), so
throttling weakens to per-process but never switches off.
"""

import logging
import math
import threading
import time

import redis

from compraagil.accounts.tokens import hash_token
from compraagil.config import get_settings
from compraagil.errors import TooManyAttempts
from compraagil.redis_client import get_redis

log = logging.getLogger(__name__)


class _LocalCounts:
    """Failure counts with expiry, kept in memory while Redis cannot be reached."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: dict[str, tuple[int, float]] = {}
        self.reported = False

    def incr(self, key: str, window: int) -> None:
        with self.lock:
            count, until = self._live(key)
            self.counts[key] = (count + 1, until or time.monotonic() + window)

    def get(self, key: str) -> tuple[int, int]:
        with self.lock:
            count, until = self._live(key)
            return count, max(0, math.ceil(until - time.monotonic()))

    def delete(self, key: str) -> None:
        with self.lock:
            self.counts.pop(key, None)

    def _live(self, key: str) -> tuple[int, float]:
        count, until = self.counts.get(key, (0, 0.0))
        return (count, until) if until > time.monotonic() else (0, 0.0)

    def report(self, error: Exception) -> None:
        if not self.reported:
            log.warning("redis unavailable: login throttling kept in memory", extra={"error": str(error)})
            self.reported = True


_local = _LocalCounts()


def _keys(email: str, ip: str) -> tuple[str, str]:
    return f"login:fail:account:{hash_token(email)}", f"login:fail:ip:{ip or 'unknown'}"


def _count(key: str) -> tuple[int, int]:
    try:
        client = get_redis()
        with client.pipeline() as pipe:
            count, ttl = pipe.get(key).ttl(key).execute()
        return int(count or 0), max(0, int(ttl))
    except redis.RedisError as error:
        _local.report(error)
        return _local.get(key)


def check_login_allowed(*, email: str, ip: str) -> None:
    """Raise TooManyAttempts when this account or this IP failed too often lately."""
    settings = get_settings()
    account_key, ip_key = _keys(email, ip)
    for key, limit in (
        (account_key, settings.login_failures_per_account),
        (ip_key, settings.login_failures_per_ip),
    ):
        count, ttl = _count(key)
        if count >= limit:
            minutes = max(1, math.ceil(ttl / 60))
            raise TooManyAttempts(
                f"Demasiados intentos fallidos. Espera {minutes} minuto{'s' if minutes != 1 else ''}"
                " e intenta de nuevo, o recupera tu contraseña.",
                retry_after=ttl or 60,
            )


def record_login_failure(*, email: str, ip: str) -> None:
    """Count a failed login against the account and the IP (each key expires after the window)."""
    window = get_settings().login_lockout_minutes * 60
    for key in _keys(email, ip):
        try:
            client = get_redis()
            with client.pipeline() as pipe:
                pipe.set(key, 0, ex=window, nx=True).incr(key).execute()
        except redis.RedisError as error:
            _local.report(error)
            _local.incr(key, window)


def clear_login_failures(*, email: str) -> None:
    """Forget an account's failures after it signs in (the IP's count stays)."""
    key, _ = _keys(email, "")
    _local.delete(key)
    try:
        get_redis().delete(key)
    except redis.RedisError as error:
        _local.report(error)


MAILS_PER_ADDRESS_PER_HOUR = 5


def mail_allowed(address: str) -> bool:
    """Count one more account email to `address`; False once it has had its hourly allowance."""
    key, window = f"mail:to:{hash_token(address.strip().lower())}", 3600
    try:
        client = get_redis()
        with client.pipeline() as pipe:
            _, count = pipe.set(key, 0, ex=window, nx=True).incr(key).execute()
    except redis.RedisError as error:
        _local.report(error)
        _local.incr(key, window)
        count, _ = _local.get(key)
    return int(count) <= MAILS_PER_ADDRESS_PER_HOUR
