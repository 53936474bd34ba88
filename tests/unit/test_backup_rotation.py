"""The rotation keeps the newest backup of each of the last 7 days, 4 ISO weeks and 12 months."""

from datetime import UTC, datetime, timedelta

from compraagil.backups.rotation import to_keep

NOW = datetime(2026, 12, 5, 3, 30, tzinfo=UTC)


def test_a_year_of_nightly_backups_keeps_days_weeks_and_months():
    nightly = [NOW - timedelta(days=n) for n in range(400)]
    kept = sorted(to_keep(nightly, NOW), reverse=True)
    assert kept[:7] == nightly[:7], "the last 7 days"
    weekly = [moment.date().isoformat() for moment in kept[7:9]]
    assert weekly == ["2026-11-22", "2026-11-15"], (
        "the newest of this and the 3 weeks before (29-11 is a daily)"
    )
    monthly = [moment.date().isoformat() for moment in kept[9:]]
    assert monthly == [
        f"2026-{month:02d}-{day}"
        for month, day in zip(range(10, 0, -1), (31, 30, 31, 31, 30, 31, 30, 31, 28, 31), strict=True)
    ]
    assert len(kept) == 7 + 2 + 10


def test_several_backups_a_day_keep_the_newest_of_that_day():
    morning, evening = NOW - timedelta(hours=3), NOW
    assert to_keep([morning, evening], NOW) == {evening}
