"""Per-key request limits shared by every web process: a generic cell rate algorithm on Redis's clock
(one atomic script), so a key may send a burst at once and then a steady rate (any rate: the
interval may be a fraction of a millisecond). An unreachable Redis lets requests through (logged
once a while): the limit protects the service, it must not take it down."""

import logging
import math
import time

import redis

from compraagil.config import get_settings
from compraagil.errors import TooManyAttempts
from compraagil.redis_client import get_redis

log = logging.getLogger(__name__)

KEY = "api:rate:{}"

GCRA = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local interval, tolerance = tonumber(ARGV[1]), tonumber(ARGV[2])
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or now), now)
if tat - tolerance > now then
    return tat - tolerance - now
end
redis.call('SET', KEYS[1], tat + interval, 'PX', math.ceil(tat + interval - now) + 1000)
return 0
"""
"""Admit a request or say in how many milliseconds the next one would be admitted."""

_unreachable_reported_at = 0.0


def admit(key_id: int) -> None:
    """Count one request of the key; TooManyAttempts (429 with Retry-After) when over its limit."""
    settings = get_settings()
    interval = 1000 / settings.api_requests_per_second
    try:
        wait_ms = get_redis().eval(GCRA, 1, KEY.format(key_id), interval, interval * (settings.api_burst - 1))
    except (redis.ConnectionError, redis.TimeoutError) as error:
        _report_unreachable(error)
        return
    if wait_ms > 0:
        raise TooManyAttempts(
            "Demasiadas solicitudes con esta clave: espera un momento y vuelve a intentarlo.",
            retry_after=max(1, math.ceil(wait_ms / 1000)),
        )


def _report_unreachable(error: Exception) -> None:
    global _unreachable_reported_at
    if time.monotonic() - _unreachable_reported_at > 60:
        _unreachable_reported_at = time.monotonic()
        log.warning("redis unavailable: API requests not rate-limited", extra={"error": str(error)})
