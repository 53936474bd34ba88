"""Production: Telegram posts updates to the web app, which queues them in Redis
(`compraagil.telegram.updates`); here the bot registers that webhook with its secret, takes the
queued updates and handles up to CONCURRENT at a time, acknowledging each once handled.

Run one bot process per token: at start it takes back the updates a stopped one left unfinished."""

import asyncio
import contextlib
import json
import logging
import signal

import redis
from telegram import Update
from telegram.ext import Application

from compraagil.redis_client import get_redis
from compraagil.telegram import updates

log = logging.getLogger(__name__)

CONCURRENT = 8
ALLOWED_UPDATES = ["message", "callback_query"]
REDIS_RETRY_SECONDS = 2


async def _handle(application: Application, raw: bytes, slots: asyncio.Semaphore) -> None:
    try:
        await application.process_update(Update.de_json(json.loads(raw), application.bot))
    finally:
        await asyncio.to_thread(updates.done, get_redis(), raw)
        slots.release()


async def _take(stopping: asyncio.Event) -> bytes | None:
    try:
        return await asyncio.to_thread(updates.take, get_redis(), timeout=1)
    except redis.RedisError as error:
        log.warning("Redis unavailable; updates wait", extra={"error": str(error)})
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), REDIS_RETRY_SECONDS)
        return None


async def serve(application: Application, *, secret: str) -> None:
    """Register the webhook, then handle queued updates until SIGTERM or SIGINT."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    await application.initialize()
    await application.bot.set_webhook(
        url=updates.webhook_url(), secret_token=secret, allowed_updates=ALLOWED_UPDATES
    )
    await application.start()
    requeued = await asyncio.to_thread(updates.requeue_unfinished, get_redis())
    log.info("bot taking webhook updates", extra={"url": updates.webhook_url(), "requeued": requeued})
    slots = asyncio.Semaphore(CONCURRENT)
    tasks: set[asyncio.Task] = set()
    try:
        while not stopping.is_set():
            await slots.acquire()
            raw = await _take(stopping)
            if raw is None:
                slots.release()
                continue
            task = asyncio.create_task(_handle(application, raw, slots))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        await application.stop()
        await application.shutdown()
