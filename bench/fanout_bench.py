"""Telegram fan-out: U subscribers with linked chats, each with an alert two syncs match, so 2 × U
alert messages (default 10,000 to 5,000 chats) go out through W RQ worker processes to the fake Bot
API; one work-horse is killed a third of the way into the first wave. Prints the send rate, the
busiest second overall, the shortest gap between two messages to one chat, and what was lost or
sent twice.

.venv/bin/python -m bench.fanout_bench [--users 5000] [--workers 2]
"""

import argparse
import bisect
import subprocess
import sys
import time
from collections import Counter, defaultdict

import psutil
from rq import Retry
from sqlalchemy import text

from bench.common import machine, populated_database
from compraagil.alerts.matching import match_pending_runs
from compraagil.config import PROJECT_ROOT, child_environment
from compraagil.db import session_scope
from compraagil.ingest.api_v2.files import import_records
from compraagil.redis_client import redis_url
from jobs.queues import ALERTS, get_queue
from tests.fakes.telegram import TOKEN, FakeTelegram
from tests.integration.test_alerts import record

FIRST_CHAT = 900_000_000
WAVES = (("9100-1-COT26", "Guantes de nitrilo talla M"), ("9100-2-COT26", "Guantes de vinilo talla L"))


def subscribers(count: int) -> None:
    """`count` verified users, one company each, a linked chat and an alert on «guantes» by Telegram."""
    with session_scope() as session:
        for sql in (
            "INSERT INTO companies (name, plan) SELECT 'Fan-out ' || n, 'PROFESIONAL' FROM generate_series(1, :n) n",
            "INSERT INTO users (email, password_hash, company_id, email_verified_at)"
            " SELECT 'fanout' || id || '@example.cl', 'x', id, now() FROM companies WHERE name LIKE 'Fan-out %'",
            "INSERT INTO telegram_links (user_id, chat_id) SELECT id, :first + id FROM users WHERE email LIKE 'fanout%'",
            "INSERT INTO alerts (company_id, user_id, name, text, channels)"
            " SELECT company_id, id, 'Guantes', 'guantes', '{inbox,telegram}' FROM users WHERE email LIKE 'fanout%'",
        ):
            session.execute(text(sql), {"n": count, "first": FIRST_CHAT})


def start_workers(count: int, database_url: str, api_url: str) -> list[subprocess.Popen]:
    env = child_environment(
        DATABASE_URL=database_url, REDIS_URL=redis_url(), TELEGRAM_TOKEN=TOKEN, TELEGRAM_API_URL=api_url
    )
    command = [sys.executable, "-m", "jobs.worker", "--queues", ALERTS]
    return [
        subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(count)
    ]


def kill_a_work_horse(workers: list[subprocess.Popen]) -> bool:
    for worker in workers:
        for horse in psutil.Process(worker.pid).children():
            horse.kill()
            return True
    return False


def wave(
    fake: FakeTelegram, codigo: str, name: str, expected: int, workers: list, kill_at: int | None
) -> float:
    """Land one matching tender, enqueue one delivery job per worker, wait for every message; seconds."""
    import_records([record(codigo, name)], source="fan-out bench", kind="bench")
    with session_scope() as session:
        match_pending_runs(session=session)
    started = time.monotonic()
    for _ in workers:
        get_queue(ALERTS).enqueue("jobs.tasks.alerts.deliver_instant", retry=Retry(max=3), job_timeout=3600)
    while (done := sum(1 for sent in fake.sent if codigo in sent.text)) < expected:
        if kill_at is not None and done >= kill_at and kill_a_work_horse(workers):
            print(f"  killed a work-horse after {done:,} messages of this wave")
            kill_at = None
        if time.monotonic() - started > expected / 10 + 120:
            print(f"  gave up waiting: {done:,} of {expected:,}")
            break
        time.sleep(0.2)
    return time.monotonic() - started


def busiest_second(times: list[float]) -> int:
    """The most messages sent within any one second."""
    return max(bisect.bisect_left(times, at + 1.0) - index for index, at in enumerate(times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with populated_database(2_000, 5, None) as database_url:
        with session_scope() as session:
            match_pending_runs(session=session)  # the seed's own runs, before any alert exists
        subscribers(args.users)
        fake = FakeTelegram().start()
        workers = start_workers(args.workers, database_url, fake.url)
        print(f"fan-out benchmark · {machine()} · {args.users:,} chats · {args.workers} workers")
        try:
            for number, (codigo, name) in enumerate(WAVES):
                kill_at = args.users // 3 if number == 0 else None
                seconds = wave(fake, codigo, name, args.users, workers, kill_at)
                print(
                    f"  wave {number + 1}: {args.users:,} messages in {seconds:.1f} s ({args.users / seconds:.1f}/s)"
                )
        finally:
            for worker in workers:
                worker.terminate()
                worker.wait(30)
            fake.stop()
        report(fake, args.users)


def report(fake: FakeTelegram, users: int) -> None:
    times = sorted(sent.at for sent in fake.sent)
    by_chat: dict[int, list[float]] = defaultdict(list)
    for sent in fake.sent:
        by_chat[sent.chat_id].append(sent.at)
    repeats = sum(n - 1 for n in Counter((s.chat_id, s.text) for s in fake.sent).values() if n > 1)
    expected = {(FIRST_CHAT + user, codigo) for user in range(1, users + 1) for codigo, _ in WAVES}
    got = {(s.chat_id, codigo) for s in fake.sent for codigo, _ in WAVES if codigo in s.text}
    gaps = [b - a for chat in by_chat.values() for a, b in zip(sorted(chat), sorted(chat)[1:], strict=False)]
    print(
        f"sent {len(fake.sent):,} messages to {len(by_chat):,} chats · busiest second {busiest_second(times)}"
        f" · shortest gap in one chat {min(gaps):.2f} s · lost {len(expected - got)} · sent twice {repeats}"
    )


if __name__ == "__main__":
    main()
