"""Deadline reminders: a tender a company is still evaluating in its pipeline gets a notice for each
of its users 48 hours and again 24 hours before it closes (each at most once): in the inbox, and by mail."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlmodel import Session

from compraagil.alerts.logic import REMINDER_HOURS, Channel, reminder_due
from compraagil.metrics import ALERT_DELIVERIES
from compraagil.pipeline.logic import EVALUANDO

CLOSING_SOON = text(
    """
    SELECT u.id AS user_id, t.id AS tender_id, t.closes_at
    FROM pipeline_items p
    JOIN tenders t ON t.id = p.tender_id
    JOIN users u ON u.company_id = p.company_id
    WHERE p.status = :status AND t.closes_at > :now AND t.closes_at <= :horizon
    """
)

NOTICE = text(
    """
    WITH noticed AS (
        INSERT INTO alert_notices (user_id, tender_id, kind, pending)
        SELECT user_id, tender_id, kind, CAST(:channels AS text[])
        FROM unnest(CAST(:user_ids AS integer[]), CAST(:tender_ids AS integer[]), CAST(:kinds AS text[]))
             AS due(user_id, tender_id, kind)
        ON CONFLICT (user_id, tender_id, kind) WHERE alert_id IS NULL DO NOTHING
        RETURNING 1
    )
    SELECT count(*) FROM noticed
    """
)


def create_reminders(*, session: Session, now: datetime | None = None) -> int:
    """Add the reminders now due; returns how many notices are new."""
    now = now or datetime.now(UTC)
    horizon = now + timedelta(hours=max(REMINDER_HOURS.values()))
    rows = session.execute(CLOSING_SOON, {"status": EVALUANDO, "now": now, "horizon": horizon}).all()
    due = [(row.user_id, row.tender_id, kind) for row in rows if (kind := reminder_due(row.closes_at, now))]
    if not due:
        return 0
    user_ids, tender_ids, kinds = (list(column) for column in zip(*due, strict=True))
    created = session.execute(
        NOTICE,
        {
            "user_ids": user_ids,
            "tender_ids": tender_ids,
            "kinds": kinds,
            "channels": [Channel.EMAIL.value],
        },
    ).scalar_one()
    session.commit()
    ALERT_DELIVERIES.labels(channel="inbox", outcome="sent").inc(created)
    return created
