"""The real bot Application polling a (fake) Bot API on its own event loop, in a thread: for tests and
benchmarks that drive it as a person would, through the fake's updates."""

import asyncio
import threading

from bot.main import build_application
from tests.fakes.telegram import TOKEN


class RunningBot:
    """The Application polling the fake server on its own event loop, in a thread."""

    def __init__(self, api_url: str) -> None:
        self.application = build_application(TOKEN, api_url=api_url)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def _run(self, coroutine) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(30)

    async def _start(self) -> None:
        await self.application.initialize()
        await self.application.updater.start_polling(poll_interval=0, timeout=1)
        await self.application.start()

    async def _stop(self) -> None:
        await self.application.updater.stop()
        await self.application.stop()
        await self.application.shutdown()

    def start(self) -> None:
        self.thread.start()
        self._run(self._start())

    def stop(self) -> None:
        self._run(self._stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
