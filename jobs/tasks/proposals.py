"""Proposal jobs: write one (progress and the streamed text in the job's meta), give up on it when
its last attempt fails, and every ten minutes on those whose job was lost."""

import time

from rq import get_current_job

from compraagil.db import session_scope
from compraagil.errors import is_users_fault
from compraagil.proposals.service import fail_proposal, fail_stale_proposals, write_proposal
from jobs.queues import DRAFT_META, PROGRESS_META

EXPECTED_LENGTH = 2500
"""About how long a proposal is, to turn streamed text into a percentage."""
REPORT_EVERY = 0.5
"""Seconds between two saves of the streamed text (each one is a Redis write)."""


class _Draft:
    """Reports the text written so far into the job's meta, at most every REPORT_EVERY seconds."""

    def __init__(self) -> None:
        self.job = get_current_job()
        self.saved_at = 0.0

    def __call__(self, text: str) -> None:
        if self.job is None or time.monotonic() - self.saved_at < REPORT_EVERY:
            return
        self.job.meta[DRAFT_META] = text
        self.job.meta[PROGRESS_META] = min(95, 10 + round(85 * len(text) / EXPECTED_LENGTH))
        self.job.save_meta()
        self.saved_at = time.monotonic()


def write(proposal_id: str) -> int:
    """Write the proposal's first version; returns its length."""
    job = get_current_job()
    if job is not None:
        job.meta[PROGRESS_META] = 10
        job.save_meta()
    with session_scope() as session:
        return write_proposal(session=session, proposal_id=proposal_id, on_draft=_Draft())


def on_failure(job, connection, exc_type, exc_value, traceback) -> None:
    """RQ's failure callback: after the last attempt, mark the proposal failed and, when the failure
    was ours (not a 4xx core error), give the plan's use back."""
    if job.should_retry:
        return
    ours = not is_users_fault(exc_value)
    with session_scope() as session:
        fail_proposal(session=session, proposal_id=job.args[0], ours=ours)


def fail_stale() -> int:
    """The periodic job: fail proposals pending too long (their use given back); returns how many."""
    with session_scope() as session:
        return fail_stale_proposals(session=session)
