"""Which backups to keep: the newest of each of the last 7 days, of each of the last 4 ISO weeks and
of each of the last 12 months (grandfather-father-son); the rest can go."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from compraagil.chile.dates import add_months

DAILY, WEEKLY, MONTHLY = 7, 4, 12


def to_keep(taken: Iterable[datetime], now: datetime) -> set[datetime]:
    """The backups (by when they were taken) the rotation keeps."""
    newest_first = sorted(taken, reverse=True)
    today = now.date()
    days = {today - timedelta(days=n) for n in range(DAILY)}
    weeks = {(today - timedelta(weeks=n)).isocalendar()[:2] for n in range(WEEKLY)}
    months = {(month.year, month.month) for month in (add_months(today, -n) for n in range(MONTHLY))}
    kept: set[datetime] = set()
    for buckets, key in (
        (days, lambda moment: moment.date()),
        (weeks, lambda moment: moment.date().isocalendar()[:2]),
        (months, lambda moment: (moment.year, moment.month)),
    ):
        seen = set()
        for moment in newest_first:
            bucket = key(moment)
            if bucket in buckets and bucket not in seen:
                seen.add(bucket)
                kept.add(moment)
    return kept
