"""The one quota policy: every door asks here before using a plan's feature.

Metered features are counted per company and per Santiago day or month with one atomic statement
(`INSERT … ON CONFLICT … DO UPDATE … WHERE used < limit RETURNING`): concurrent requests can never
pass the limit together nor lose a count. Each consumption commits on its own. Work that fails by
our fault (not the user's) gives its use back (`metered`).
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from compraagil.db import get_engine
from compraagil.errors import NotFound, QuotaExceeded, is_users_fault
from compraagil.metrics import QUOTA_REFUSALS
from compraagil.models import Company, UsageCounter
from compraagil.plans.table import (
    FEATURES,
    Feature,
    Kind,
    Plan,
    describe_limit,
    get_plan,
    next_plan_giving_more,
)

log = logging.getLogger(__name__)

SANTIAGO = ZoneInfo("America/Santiago")

_CONSUME = text(
    """
    INSERT INTO usage_counters (company_id, feature, period_start, used) VALUES (:company_id, :feature, :period, 1)
    ON CONFLICT (company_id, feature, period_start)
    DO UPDATE SET used = usage_counters.used + 1
    WHERE CAST(:limit AS integer) IS NULL OR usage_counters.used < CAST(:limit AS integer)
    RETURNING used
    """
)

_RELEASE = text(
    """
    UPDATE usage_counters SET used = used - 1
    WHERE company_id = :company_id AND feature = :feature AND period_start = :period AND used > 0
    """
)


def period_start(kind: Kind, now: datetime) -> date:
    """The first day of the Santiago day or month that `now` falls in."""
    local = now.astimezone(SANTIAGO).date()
    return local.replace(day=1) if kind is Kind.MONTHLY else local


_REFUSED = text(
    """
    INSERT INTO quota_refusals (company_id, feature, day) VALUES (:company_id, :feature, :day)
    ON CONFLICT (company_id, feature, day) DO UPDATE SET times = quota_refusals.times + 1
    """
)


def refused(company_id: int, plan: Plan, feature: Feature, *, used_up: bool) -> QuotaExceeded:
    """The refusal to raise, counted first (in its own transaction: the caller's work is rolled back)."""
    QUOTA_REFUSALS.labels(feature.value).inc()
    try:
        with get_engine().begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '2s'"))
            conn.execute(
                _REFUSED,
                {"company_id": company_id, "feature": feature.value, "day": datetime.now(SANTIAGO).date()},
            )
    except SQLAlchemyError as error:
        log.warning("quota refusal not recorded", extra={"error": str(error)})
    return QuotaExceeded(upgrade_message(plan, feature, used_up=used_up))


def upgrade_message(plan: Plan, feature: Feature, *, used_up: bool) -> str:
    """Spanish: what the plan does not give, and what the next plan gives, with its price."""
    info = FEATURES[feature]
    better = next_plan_giving_more(plan, feature)
    if used_up:
        when = {Kind.DAILY: "de hoy", Kind.MONTHLY: "de este mes"}.get(info.kind, "")
        head = " ".join(f"Usaste tus {plan.limit(feature)} {info.label} {when} del plan {plan.name}.".split())
    else:
        head = f"Tu plan {plan.name} no incluye {info.label}."
    if better is None:
        return head
    return f"{head} El plan {better.name} da {describe_limit(better, feature)} por {better.price_label}."


def _plan_of(session: Session, company_id: int) -> Plan:
    code = session.execute(select(Company.plan).where(Company.id == company_id)).scalar_one_or_none()
    if code is None:
        raise NotFound("No encontramos tu empresa.")
    return get_plan(code)


def consume(
    *, session: Session, company_id: int, feature: Feature, now: datetime | None = None
) -> int | None:
    """Count one use of a metered feature; returns how many are left (None: unlimited); QuotaExceeded when none."""
    info = FEATURES[feature]
    if info.kind not in (Kind.DAILY, Kind.MONTHLY):
        raise ValueError(f"{feature} is not metered")
    plan = _plan_of(session, company_id)
    limit = plan.limit(feature)
    if limit == 0:
        raise refused(company_id, plan, feature, used_up=False)
    used = session.execute(
        _CONSUME,
        {
            "company_id": company_id,
            "feature": feature.value,
            "period": period_start(info.kind, now or datetime.now(SANTIAGO)),
            "limit": limit,
        },
    ).scalar_one_or_none()
    session.commit()
    if used is None:
        raise refused(company_id, plan, feature, used_up=True)
    return None if limit is None else limit - used


def release(*, session: Session, company_id: int, feature: Feature, now: datetime | None = None) -> None:
    """Give back one use counted in the period of `now` (atomic, never below 0); commits on its own."""
    period = period_start(FEATURES[feature].kind, now or datetime.now(SANTIAGO))
    session.execute(_RELEASE, {"company_id": company_id, "feature": feature.value, "period": period})
    session.commit()


@contextmanager
def metered(*, session: Session, company_id: int, feature: Feature) -> Iterator[int | None]:
    """Count one use for the work inside the block (yields how many are left); give it back when that
    work fails by our fault (database down, a bug), not when the user asked for something invalid."""
    now = datetime.now(SANTIAGO)
    left = consume(session=session, company_id=company_id, feature=feature, now=now)
    try:
        yield left
    except Exception as error:
        if not is_users_fault(error):
            _give_back(session, company_id, feature, now)
        raise


def _give_back(session: Session, company_id: int, feature: Feature, now: datetime) -> None:
    session.rollback()
    try:
        release(session=session, company_id=company_id, feature=feature, now=now)
    except Exception as error:
        log.warning("could not give a use back", extra={"feature": feature.value, "error": str(error)})


def includes(*, session: Session, company_id: int, feature: Feature) -> bool:
    """Whether the company's plan includes the feature (asking is not a refusal: nothing is counted)."""
    return _plan_of(session, company_id).limit(feature) != 0


def require_included(*, session: Session, company_id: int, feature: Feature) -> None:
    """QuotaExceeded unless the company's plan includes the feature."""
    plan = _plan_of(session, company_id)
    if plan.limit(feature) == 0:
        raise refused(company_id, plan, feature, used_up=False)


def require_below_cap(*, session: Session, company_id: int, feature: Feature, current: int) -> None:
    """QuotaExceeded when the company already keeps as many as its plan allows (alerts, saved tenders)."""
    plan = _plan_of(session, company_id)
    limit = plan.limit(feature)
    if limit == 0:
        raise refused(company_id, plan, feature, used_up=False)
    if limit is not None and current >= limit:
        raise refused(company_id, plan, feature, used_up=True)


def cap_of(*, session: Session, company_id: int, feature: Feature) -> int | None:
    """How many of a capped feature the company's plan lets it keep (None: no limit; 0: not included)."""
    if FEATURES[feature].kind is not Kind.CAP:
        raise ValueError(f"{feature} is not a cap")
    return _plan_of(session, company_id).limit(feature)


@dataclass(frozen=True)
class UsageLine:
    feature: Feature
    label: str
    used: int
    limit: int | None
    period: str


def usage(*, session: Session, company_id: int, now: datetime | None = None) -> list[UsageLine]:
    """Each metered feature the plan includes: used in the current period and its limit."""
    plan = _plan_of(session, company_id)
    now = now or datetime.now(SANTIAGO)
    lines = []
    for feature, info in FEATURES.items():
        if info.kind not in (Kind.DAILY, Kind.MONTHLY) or plan.limit(feature) == 0:
            continue
        used = session.execute(
            select(UsageCounter.used).where(
                UsageCounter.company_id == company_id,
                UsageCounter.feature == feature.value,
                UsageCounter.period_start == period_start(info.kind, now),
            )
        ).scalar_one_or_none()
        period = "hoy" if info.kind is Kind.DAILY else "este mes"
        lines.append(UsageLine(feature, info.label, used or 0, plan.limit(feature), period))
    return lines
