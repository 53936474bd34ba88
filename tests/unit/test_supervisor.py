"""The supervisor with real processes: a child that dies is started again after 1 s, then 2 s, 4 s…
while one that keeps running is left alone; one that stayed up a minute starts over at 1 s; a start
that fails is tried again; one that never stays up is given up on; stopping ends them all."""

import subprocess
import sys

import pytest

from compraagil.supervisor import GIVE_UP_AFTER, STABLE_SECONDS, ChildKeepsFailing, Supervisor


def command(code: str):
    return lambda: subprocess.Popen([sys.executable, "-c", code], start_new_session=True)


def test_a_dying_child_is_restarted_with_a_growing_backoff_and_the_others_left_alone():
    supervisor = Supervisor()
    supervisor.keep("dies", command("raise SystemExit(3)"))
    supervisor.keep("sleeps", command("import time; time.sleep(60)"))
    dies, sleeps = supervisor.children
    first_sleeper = sleeps.process.pid
    try:
        delays = []
        now = dies.started_at
        for _ in range(3):
            dies.process.wait(10)
            supervisor.check(now)
            delays.append(dies.restart_at - now)
            supervisor.check(dies.restart_at - 0.01)
            assert dies.restart_at is not None, "not before its time"
            now, before = dies.restart_at, dies.process
            supervisor.check(now)
            assert dies.restart_at is None and dies.process is not before, "started again"
        assert delays == [1.0, 2.0, 4.0]
        assert sleeps.process.pid == first_sleeper and sleeps.process.poll() is None
        dies.process.wait(10)
        supervisor.check(now + STABLE_SECONDS)
        assert dies.restart_at - (now + STABLE_SECONDS) == 1.0, "up a minute: back to 1 s"
    finally:
        supervisor.stop_all()
    assert sleeps.process.poll() is not None


def test_a_start_that_fails_is_tried_again():
    attempts = []

    def flaky():
        attempts.append(1)
        if len(attempts) == 2:
            raise RuntimeError("port taken")
        return subprocess.Popen([sys.executable, "-c", "pass"], start_new_session=True)

    supervisor = Supervisor()
    supervisor.keep("flaky", flaky)
    child = supervisor.children[0]
    child.process.wait(10)
    supervisor.check(child.started_at)
    supervisor.check(child.restart_at)
    assert len(attempts) == 2 and child.restart_at is not None
    supervisor.check(child.restart_at)
    assert len(attempts) == 3 and child.restart_at is None
    supervisor.stop_all()


def test_a_child_that_never_stays_up_is_given_up_on():
    supervisor = Supervisor()
    supervisor.keep("broken", command("raise SystemExit(1)"))
    child = supervisor.children[0]
    with pytest.raises(ChildKeepsFailing, match="broken failed"):
        for _ in range(GIVE_UP_AFTER + 1):
            child.process.wait(10)
            supervisor.check(child.started_at)
            supervisor.check(child.restart_at)
    supervisor.stop_all()
