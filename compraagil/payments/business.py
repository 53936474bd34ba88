"""The business in figures (Admin page and /metrics): monthly recurring revenue by plan, paid
subscriptions, new and cancelled ones, failed payments, and how many companies that hit a plan
limit paid afterwards — all read from the database, so every process reports the same."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlmodel import Session

from compraagil.plans.table import PLANS

WINDOW_DAYS = 30

FIGURES = text(
    """
    SELECT
      (SELECT count(*) FROM payments WHERE status = 'paid' AND purpose = 'subscribe' AND settled_at > :since) AS new,
      (SELECT count(*) FROM subscriptions WHERE status = 'ended' AND updated_at > :since) AS ended,
      (SELECT count(*) FROM subscriptions WHERE status <> 'ended' AND cancel_at_period_end) AS ending,
      (SELECT count(*) FROM payments WHERE status IN ('rejected', 'canceled') AND settled_at > :since)
        + (SELECT count(*) FROM payment_events WHERE kind = 'invoice.payment_failed' AND received_at > :since) AS failed,
      (SELECT count(*) FROM subscriptions WHERE status = 'past_due') AS past_due,
      (SELECT count(DISTINCT company_id) FROM quota_refusals WHERE day > CAST(:since AS date)) AS refused,
      (SELECT count(DISTINCT r.company_id) FROM quota_refusals r
        WHERE r.day > CAST(:since AS date) AND EXISTS (
          SELECT 1 FROM payments p WHERE p.company_id = r.company_id AND p.status = 'paid'
            AND p.purpose IN ('subscribe', 'upgrade') AND p.settled_at::date >= r.day)) AS converted
    """
)


@dataclass(frozen=True)
class BusinessFigures:
    mrr_by_plan: dict[str, int]
    """Monthly recurring revenue (CLP, IVA included) of the paid subscriptions, by plan code."""
    subscriptions_by_plan: dict[tuple[str, str], int]
    """(plan, status) → count, status `active` or `past_due`."""
    new: int
    ended: int
    ending: int
    """Cancelled, still running to their period's end."""
    failed_payments: int
    past_due: int
    refused_companies: int
    converted_companies: int

    @property
    def mrr(self) -> int:
        return sum(self.mrr_by_plan.values())

    @property
    def conversion(self) -> float:
        return self.converted_companies / self.refused_companies if self.refused_companies else 0.0


def business_figures(*, session: Session, now: datetime) -> BusinessFigures:
    """The figures now; `new`, `ended`, `failed_payments` and the conversion cover the last 30 days."""
    held = session.execute(
        text("SELECT plan, status, count(*) FROM subscriptions WHERE status <> 'ended' GROUP BY plan, status")
    ).all()
    by_plan = {(plan, status): count for plan, status, count in held}
    mrr: dict[str, int] = {}
    for (plan, _), count in by_plan.items():
        mrr[plan] = mrr.get(plan, 0) + count * PLANS[plan].price_clp
    row = session.execute(FIGURES, {"since": now - timedelta(days=WINDOW_DAYS)}).one()
    return BusinessFigures(
        mrr_by_plan=mrr, subscriptions_by_plan=by_plan, new=row.new, ended=row.ended, ending=row.ending,
        failed_payments=row.failed, past_due=row.past_due, refused_companies=row.refused,
        converted_companies=row.converted,
    )  # fmt: skip
