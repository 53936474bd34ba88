"""Monthly periods and the credit an upgrade gets for the unused part of one."""

from datetime import datetime

from dateutil.relativedelta import relativedelta


def month_after(moment: datetime) -> datetime:
    """The same day and time a month later (31 January → 28/29 February)."""
    return moment + relativedelta(months=1)


def unused_credit(price_clp: int, period_start: datetime, period_end: datetime, now: datetime) -> int:
    """The part of `price_clp` paid for the rest of the period (whole pesos, never negative)."""
    total = (period_end - period_start).total_seconds()
    left = (period_end - now).total_seconds()
    if total <= 0 or left <= 0:
        return 0
    return int(price_clp * min(left, total) // total)
