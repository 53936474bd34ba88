"""Telegram's sending limits shared by every worker process: about 30 messages a second overall and
one a second per chat. Each send reserves its slot in Redis with one atomic script (on Redis's own
clock), so two workers pushing alerts at once still stay within the limits together. Slots are 1/28 s
apart, so the network's jitter cannot bunch more than 30 into any one second."""

import time

import redis

OVERALL_INTERVAL = 1 / 28
PER_CHAT_INTERVAL = 1.0
NEXT_ANY = "telegram:pace:any"
NEXT_CHAT = "telegram:pace:chat:{}"

RESERVE = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or 0), tonumber(redis.call('GET', KEYS[2]) or 0))
redis.call('SET', KEYS[1], string.format('%.6f', at + tonumber(ARGV[1])), 'EX', 3600)
redis.call('SET', KEYS[2], string.format('%.6f', at + tonumber(ARGV[2])), 'EX', 60)
return {string.format('%.6f', at), string.format('%.6f', at - now)}
"""
"""Take the first free slot for the chat; returns its time on Redis's clock and the seconds until it."""

PAUSE = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local until_ = math.max(tonumber(redis.call('GET', KEYS[1]) or 0), now + tonumber(ARGV[1]))
redis.call('SET', KEYS[1], string.format('%.6f', until_), 'EX', 3600)
return 1
"""
"""No slot for anyone before `ARGV[1]` seconds from now."""


class Pacer:
    """Spaces sends: OVERALL_INTERVAL between any two, PER_CHAT_INTERVAL between two to one chat,
    across every process that uses the same Redis."""

    def __init__(self, connection: redis.Redis, sleep=time.sleep) -> None:
        self._reserve = connection.register_script(RESERVE)
        self._pause = connection.register_script(PAUSE)
        self._sleep = sleep

    def reserve(self, chat_id: int) -> tuple[float, float]:
        """Take the next slot for a message to `chat_id`: its time (Redis's clock) and the seconds until it."""
        at, delay = self._reserve(
            keys=[NEXT_ANY, NEXT_CHAT.format(chat_id)], args=[OVERALL_INTERVAL, PER_CHAT_INTERVAL]
        )
        return float(at), float(delay)

    def wait(self, chat_id: int) -> None:
        """Return when a message to `chat_id` may be sent."""
        _, delay = self.reserve(chat_id)
        if delay > 0:
            self._sleep(delay)

    def pause(self, seconds: float) -> None:
        """Telegram said wait (429): no message to anyone until then."""
        self._pause(keys=[NEXT_ANY], args=[seconds])
