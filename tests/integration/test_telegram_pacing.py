"""Telegram's limits held across processes: pacers keep no state of their own, so two workers
reserving slots at once on one Redis never get two slots closer than OVERALL_INTERVAL, nor two
slots to one chat closer than 1 s; a 429 pause holds every sender."""

import threading

import pytest

from compraagil.redis_client import get_redis
from compraagil.telegram.pacing import OVERALL_INTERVAL, PER_CHAT_INTERVAL, Pacer


def reserve(chat_id: int) -> float:
    """A slot from a fresh pacer: its time on Redis's clock."""
    at, _ = Pacer(get_redis()).reserve(chat_id)
    return at


@pytest.mark.usefixtures("services")
def test_two_workers_together_keep_both_limits():
    slots: list[tuple[int, float]] = []
    lock = threading.Lock()

    def send(chats: list[int]) -> None:
        for chat in chats:
            at = reserve(chat)
            with lock:
                slots.append((chat, at))

    chats = [chat for chat in range(20) for _ in range(3)]
    workers = [
        threading.Thread(target=send, args=(chats[0::2],)),
        threading.Thread(target=send, args=(chats[1::2],)),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    times = sorted(at for _, at in slots)
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    assert len(times) == 60
    assert min(gaps) >= OVERALL_INTERVAL - 1e-6
    for chat in range(20):
        mine = sorted(at for c, at in slots if c == chat)
        assert min(b - a for a, b in zip(mine, mine[1:], strict=False)) >= PER_CHAT_INTERVAL - 1e-6


@pytest.mark.usefixtures("services")
def test_a_429_pause_holds_every_sender():
    reserve(1)
    seconds, micros = get_redis().time()
    Pacer(get_redis()).pause(5)
    assert reserve(2) >= seconds + micros / 1e6 + 5
