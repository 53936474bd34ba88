"""Keep `make run`'s processes up: a child that dies (the worker when Redis went away, the embedded
Redis itself) is started again after a backoff — 1 s, doubling up to a minute, back to 1 s once it
has stayed up a minute — while the others go on serving. Stopping signals every child's process
group in reverse order of start, then runs the stoppers (the embedded PostgreSQL, the mail server)."""

import contextlib
import logging
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

STOP_GRACE_SECONDS = 15
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 60.0
STABLE_SECONDS = 60.0
"""A child up this long has its backoff reset."""
GIVE_UP_AFTER = 6
"""Failures in a row (none up a minute, ~1 minute of tries) after which everything stops: a child
that cannot start at all (a broken build, a port taken) is reported, not retried forever."""


class ChildKeepsFailing(RuntimeError):
    pass


@dataclass
class Child:
    name: str
    start: Callable[[], subprocess.Popen]
    """Starts it (in a process group of its own) and returns its process."""
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    failures: int = 0
    restart_at: float | None = None

    def launch(self, now: float) -> None:
        self.process, self.started_at, self.restart_at = self.start(), now, None
        log.info("started %s (pid %s)", self.name, self.process.pid)


@dataclass
class Supervisor:
    children: list[Child] = field(default_factory=list)
    stoppers: list[Callable[[], None]] = field(default_factory=list)

    def keep(self, name: str, start: Callable[[], subprocess.Popen]) -> None:
        """Start a child and keep it running."""
        child = Child(name, start)
        child.launch(time.monotonic())
        self.children.append(child)

    def spawn(self, name: str, args: list[str], env: dict[str, str], cwd: str | os.PathLike) -> None:
        """`keep` a command."""
        self.keep(name, lambda: subprocess.Popen(args, cwd=cwd, env=env, start_new_session=True))

    def check(self, now: float) -> None:
        """Note the children that died and start those whose backoff is over; ChildKeepsFailing
        when one failed GIVE_UP_AFTER times in a row."""
        for child in self.children:
            if child.restart_at is None and child.process.poll() is not None:
                ran = now - child.started_at
                child.failures = 0 if ran >= STABLE_SECONDS else child.failures
                if child.failures >= GIVE_UP_AFTER:
                    raise ChildKeepsFailing(f"{child.name} failed {child.failures + 1} times in a row")
                delay = min(MAX_BACKOFF, FIRST_BACKOFF * 2**child.failures)
                child.failures += 1
                child.restart_at = now + delay
                log.error(
                    "%s exited with code %s after %.0f s; starting it again in %.0f s",
                    child.name, child.process.returncode, ran, delay,
                )  # fmt: skip
            elif child.restart_at is not None and now >= child.restart_at:
                try:
                    child.launch(now)
                except Exception:
                    log.exception("%s could not be started; trying again", child.name)
                    child.restart_at = now + min(MAX_BACKOFF, FIRST_BACKOFF * 2**child.failures)
                    child.failures += 1

    def watch(self) -> int:
        """Keep the children up until a signal interrupts (the caller stops them); 1 when one keeps
        failing."""
        while True:
            try:
                self.check(time.monotonic())
            except ChildKeepsFailing as failing:
                log.error("%s; stopping everything", failing)
                return 1
            time.sleep(0.5)

    def stop_all(self) -> None:
        running = [child for child in reversed(self.children) if child.process is not None]
        for child in running:
            _signal_group(child.process, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in running:
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop in time; killing it", child.name)
                _signal_group(child.process, signal.SIGKILL)
                child.process.wait()
            _signal_group(child.process, signal.SIGKILL)  # reap grandchildren left in the group
        for stop in reversed(self.stoppers):
            stop()


def _signal_group(process: subprocess.Popen, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
