"""A job for the worker tests: its first attempt kills the process running it, as an OOM kill would."""

import os
import signal
from pathlib import Path


def crash_once(marker: str) -> str:
    path = Path(marker)
    if not path.exists():
        path.write_text("crashed once")
        os.kill(os.getpid(), signal.SIGKILL)
    return "finished on retry"
