"""Live figures of what the database holds."""

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import text
from sqlmodel import Session

from compraagil import cache

OPEN_STATE = "publicada"
EXACT_COUNT_BELOW = 500_000


class HomeFigures(BaseModel):
    """What the home page shows: open tenders, quotes in history, the last finished import."""

    open_tenders: int
    quotes_in_history: int
    quotes_count_is_estimate: bool
    last_import_at: datetime | None


def count_quotes(*, session: Session) -> tuple[int, bool]:
    """Rows in the history: the planner's estimate when large, an exact count when small."""
    estimate = session.execute(
        text(
            """
            SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'quotes'::regclass
            """
        )
    ).scalar_one()
    if estimate >= EXACT_COUNT_BELOW:
        return estimate, True
    return session.execute(text("SELECT count(*) FROM quotes")).scalar_one(), False


def home_figures(*, session: Session) -> HomeFigures:
    """Open tenders still taking quotes, history size, and the last successful import (cached)."""
    return cache.cached("dashboard", {"figures": "home"}, HomeFigures, lambda: _home_figures(session))


def _home_figures(session: Session) -> HomeFigures:
    open_tenders, last_import_at = session.execute(
        text(
            """
            SELECT
              (SELECT count(*) FROM tenders WHERE state = :open AND closes_at > now()),
              (SELECT max(finished_at) FROM import_runs WHERE status = 'succeeded')
            """
        ),
        {"open": OPEN_STATE},
    ).one()
    quotes, is_estimate = count_quotes(session=session)
    return HomeFigures(
        open_tenders=open_tenders,
        quotes_in_history=quotes,
        quotes_count_is_estimate=is_estimate,
        last_import_at=last_import_at,
    )
