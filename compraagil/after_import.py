"""«After import» steps: work that follows every import that changed data (architecture rule 11).

The core never imports `jobs`; the jobs side registers its steps at start-up instead, and
`compraagil.ingest.runs.landed` runs them once a run's data is committed:

    from compraagil import after_import

    def match_alerts(counts: ImportCounts) -> None: ...

    after_import.register(match_alerts)

A step receives the run's `ImportCounts` and runs in the importing process, after the commit: it
should be quick (enqueue anything slow). A step that fails is logged and the others still run —
the import itself has already landed.

A process that never registers the steps (the `python -m compraagil import` CLI) lands its runs
without them; the scheduler's every-minute catch-up jobs (alerts-match, pipeline-outcomes) pick
those runs up, so every step's work is done within about a minute either way.
"""

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from compraagil.ingest.runs import ImportCounts

log = logging.getLogger(__name__)

Step = Callable[["ImportCounts"], None]

_steps: list[Step] = []


def register(step: Step) -> Step:
    """Add a step (once: registering it again changes nothing); returns it, so it works as a decorator."""
    if step not in _steps:
        _steps.append(step)
    return step


def run(counts: "ImportCounts") -> None:
    """Run every registered step in registration order; a failing step is logged, not raised."""
    for step in list(_steps):
        try:
            step(counts)
        except Exception:
            log.exception(
                "after-import step failed", extra={"step": getattr(step, "__qualname__", repr(step))}
            )
