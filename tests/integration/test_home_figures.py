from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from compraagil.dashboard.service import home_figures
from compraagil.db import get_engine, session_scope
from tests.factories import ensure_month_partitions


def test_home_figures_count_what_is_stored():
    now = datetime.now(UTC)
    with get_engine().begin() as conn:
        for codigo, state, closes in [
            ("1-1-COT26", "publicada", now + timedelta(days=2)),
            ("1-2-COT26", "publicada", now + timedelta(hours=3)),
            ("1-3-COT26", "publicada", now - timedelta(hours=1)),  # past its closing time
            ("1-4-COT26", "cerrada", now - timedelta(days=3)),
        ]:
            conn.execute(
                text(
                    "INSERT INTO tenders (codigo, name, state, closes_at, source) VALUES (:c, 'x', :s, :t, 'test')"
                ),
                {"c": codigo, "s": state, "t": closes},
            )
        ensure_month_partitions(conn, [now.date()])
        for supplier in range(5):
            conn.execute(
                text(
                    "INSERT INTO quotes (closing_date, tender_codigo, supplier_id, quote_number)"
                    " VALUES (:d, 'q', :s, 1)"
                ),
                {"d": now.date(), "s": supplier},
            )

        for source, status, finished in [
            ("a", "succeeded", "2026-01-02T10:00Z"),
            ("b", "failed", "2026-03-02T10:00Z"),
        ]:
            conn.execute(
                text(
                    "INSERT INTO import_runs (source, kind, status, finished_at)"
                    " VALUES (:source, 'cot_file', :status, :finished)"
                ),
                {"source": source, "status": status, "finished": finished},
            )

    with session_scope() as session:
        figures = home_figures(session=session)

    assert figures.open_tenders == 2
    assert figures.quotes_in_history == 5
    assert not figures.quotes_count_is_estimate
    assert figures.last_import_at == datetime(2026, 1, 2, 10, 0, tzinfo=UTC)
