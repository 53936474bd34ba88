"""Pipeline jobs: after every import, move the cards whose outcome the history now shows."""

from compraagil import after_import
from compraagil.db import session_scope
from compraagil.ingest.runs import ImportCounts
from compraagil.pipeline.service import apply_outcomes


def apply_pipeline_outcomes() -> int:
    """Move pipeline items to ganada/perdida where the history shows the winner; returns how many moved."""
    with session_scope() as session:
        return apply_outcomes(session=session)


def outcomes_after_import(counts: ImportCounts) -> None:
    """The «after import» step: one cheap query, so it runs in the importing process."""
    apply_pipeline_outcomes()


def register_after_import() -> None:
    """Register this module's «after import» step (the worker calls it at start-up)."""
    after_import.register(outcomes_after_import)
