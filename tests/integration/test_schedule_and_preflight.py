import subprocess
import sys

from rq_scheduler import Scheduler

from compraagil.config import PROJECT_ROOT, child_environment
from compraagil.redis_client import get_redis
from jobs.schedule import periodic_jobs, register


def test_periodic_jobs_are_registered_once(services):
    scheduler = Scheduler(connection=get_redis())
    register(scheduler)
    ids = register(scheduler)  # a restart replaces, never duplicates
    scheduled = scheduler.get_jobs()
    assert sorted(job.id for job in scheduled) == ids == sorted(job.id for job in periodic_jobs())
    assert all(job.meta["cron_string"] for job in scheduled)


def test_run_with_an_unreachable_database_fails_fast_naming_the_variable(tmp_path):
    env = child_environment(
        DATABASE_URL="postgresql://nobody:secret@127.0.0.1:9/none",
        DATA_DIR=str(tmp_path),
    )
    finished = subprocess.run(
        [sys.executable, "-m", "compraagil", "run"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 2
    assert "DATABASE_URL" in finished.stderr
    assert "secret" not in finished.stderr
    assert "Traceback" not in finished.stderr
