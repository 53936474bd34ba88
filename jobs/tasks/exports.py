"""Excel export jobs: build one export (progress in the job's meta), give up on it when its last
attempt fails, and delete exports older than a day."""

from rq import get_current_job

from compraagil.db import session_scope
from compraagil.errors import is_users_fault
from compraagil.exports.service import build_export, delete_expired, fail_export
from jobs.queues import PROGRESS_META


def _report(done: float) -> None:
    job = get_current_job()
    if job is not None:
        job.meta[PROGRESS_META] = round(done * 100)
        job.save_meta()


def build(export_id: str) -> int:
    """Write the export's workbook; returns its data rows."""
    with session_scope() as session:
        return build_export(session=session, export_id=export_id, progress=_report)


def on_failure(job, connection, exc_type, exc_value, traceback) -> None:
    """RQ's failure callback: after the last attempt, mark the export failed and, when the failure
    was ours (not a 4xx core error), give the plan's use back."""
    if job.should_retry:
        return
    ours = not is_users_fault(exc_value)
    with session_scope() as session:
        fail_export(session=session, export_id=job.args[0], ours=ours)


def delete_old_exports() -> int:
    """The periodic job: delete exports older than a day, with their files; returns how many."""
    with session_scope() as session:
        return delete_expired(session=session)
