"""Bot commands end to end: `/buscar` and `/precio` typed into the fake Bot API, taken by the real
Application (long polling), handled, and answered back to the fake; each figure is the time from
the update being available to the answer arriving. The first pass asks distinct questions (no
cached answer); the second asks them again (search answers cached in Redis).

.venv/bin/python -m bench.bot_bench [--rows 1000000] [--queries 240] [--database-url URL]
"""

import time

from sqlalchemy import text

from bench.common import machine, populated_database, product_queries, query_bench_arguments, report
from compraagil.accounts.demo import create_account
from compraagil.db import session_scope
from compraagil.models import TelegramLink
from tests.bot_harness import RunningBot
from tests.fakes.telegram import FakeTelegram

CHAT = 4242


def link_a_subscriber() -> None:
    with session_scope() as session:
        user = create_account(
            session=session,
            email=f"bot-bench-{time.time_ns()}@example.cl",
            password="clave-del-benchmark",
            plan="PROFESIONAL",
            company="Benchmark SpA",
        )
        session.add(TelegramLink(user_id=user.id, chat_id=CHAT))


def answer_millis(fake: FakeTelegram, command: str) -> float:
    """Milliseconds from typing `command` to the bot's answer reaching the fake API."""
    count = len(fake.messages_to(CHAT))
    started = time.monotonic()
    fake.type_text(CHAT, command)
    answer = fake.wait_for_messages(CHAT, count + 1, timeout=30)[-1]
    return (answer.at - started) * 1000


def main() -> None:
    args = query_bench_arguments(__doc__, seed=11)
    with populated_database(args.rows, args.seed, args.database_url):
        with session_scope() as session:
            quotes = session.execute(text("SELECT count(*) FROM quote_lines")).scalar_one()
        print(f"bot benchmark · {machine()} · {quotes:,} quote lines")
        link_a_subscriber()
        fake = FakeTelegram().start()
        bot = RunningBot(fake.url)
        bot.start()
        try:
            words = product_queries(args.queries, args.seed)
            answer_millis(fake, "/ayuda")
            for command in ("/buscar", "/precio"):
                report(f"{command}, distinct", [answer_millis(fake, f"{command} {w}") for w in words])
                report(f"{command}, asked again", [answer_millis(fake, f"{command} {w}") for w in words])
        finally:
            bot.stop()
            fake.stop()


if __name__ == "__main__":
    main()
