"""Search columns filled after a bulk import: a deferred writer leaves its tenders unsearchable
(and Buscar says how many) until `fill_pending` runs; the COT import fills them before it returns;
other writers, and text changes, get them at once; alert matching never matches a run whose
tenders are still pending."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import psycopg
from sqlalchemy import text

from compraagil.alerts.logic import AlertInput
from compraagil.alerts.matching import match_pending_runs
from compraagil.alerts.service import create_alert, inbox
from compraagil.db import connect, session_scope
from compraagil.search import indexing
from compraagil.search.query import SearchQuery
from compraagil.search.service import _search
from tests.factories import PAPER_CODES, account, paper_history


def found(words: str) -> list[str]:
    with session_scope() as session:
        page = _search(session, SearchQuery(text=words, open_only=False))
    return sorted(hit.codigo for hit in page.hits)


def indexing_count(words: str) -> int:
    with session_scope() as session:
        return _search(session, SearchQuery(text=words, open_only=False)).tenders_indexing


def insert_tender(conn: psycopg.Connection, codigo: str, name: str, *, state: str = "cerrada") -> None:
    conn.execute(
        "INSERT INTO tenders (codigo, name, state, closes_at, source) VALUES (%s, %s, %s, %s, 'cot')",
        (codigo, name, state, datetime.now(UTC) + timedelta(days=2)),
    )


def deferred(*tenders: tuple[str, str], state: str = "cerrada") -> None:
    """Insert tenders as a bulk import does: in a transaction that defers their search columns."""
    with connect() as conn, conn.transaction():
        conn.execute(indexing.DEFER)
        for codigo, name in tenders:
            insert_tender(conn, codigo, name, state=state)


def test_deferred_tenders_are_found_once_filled_and_buscar_says_how_many_wait():
    deferred(("1-1-COT26", "Resmas de papel carta"), ("1-2-COT26", "Guantes de nitrilo"))
    assert found("resma") == [] and indexing_count("resma") == 2

    assert indexing.fill_pending(lanes=2).tenders == 2
    assert found("resma") == ["1-1-COT26"] and found("nitrilo") == ["1-2-COT26"]
    assert indexing_count("resma") == 0
    assert indexing.fill_pending().tenders == 0


def test_a_cot_import_leaves_nothing_pending_and_is_found_at_once(tmp_path):
    paper_history(tmp_path)
    assert found("resmas carta") == sorted(PAPER_CODES)
    with connect() as conn:
        same = conn.execute(
            "SELECT bool_and(search_vector = tender_search_vector(name, items_text, description)"
            " AND search_document = tender_search_document(name, items_text)) FROM tenders"
        ).fetchone()[0]
    assert same is True


def test_other_writers_and_text_changes_get_their_search_columns_at_once():
    with connect() as conn:
        insert_tender(conn, "2-1-COT26", "Cloro líquido")
        assert found("cloro") == ["2-1-COT26"]
        conn.execute("UPDATE tenders SET name = 'Bolsas de basura' WHERE codigo = '2-1-COT26'")
    assert found("cloro") == [] and found("bolsa") == ["2-1-COT26"]

    with connect() as conn, conn.transaction():
        conn.execute(indexing.DEFER)
        conn.execute("UPDATE tenders SET items_text = 'Escobillón' WHERE codigo = '2-1-COT26'")
        conn.execute("UPDATE tenders SET state = 'desierta' WHERE codigo = '2-1-COT26'")
    assert found("escobillon") == [] and indexing_count("escobillon") == 1
    indexing.fill_pending()
    assert found("escobillon") == ["2-1-COT26"]


def test_a_state_change_keeps_the_search_columns():
    with connect() as conn:
        insert_tender(conn, "3-1-COT26", "Resmas de papel")
        conn.execute("UPDATE tenders SET state = 'desierta' WHERE codigo = '3-1-COT26'")
    assert found("resma") == ["3-1-COT26"]


def test_alert_matching_fills_a_runs_pending_tenders_before_matching():
    user_id, _ = account("ana@ferreteria.cl")
    with session_scope() as session:
        create_alert(session=session, user_id=user_id, fields=AlertInput(text="nitrilo"))
    with connect() as conn:
        run_id = conn.execute(
            "INSERT INTO import_runs (source, kind) VALUES ('cot.csv', 'cot_file') RETURNING id"
        ).fetchone()[0]
    deferred(("4-1-COT26", "Guantes de nitrilo talla M"), state="publicada")
    with connect() as conn:
        conn.execute(
            "UPDATE import_runs SET status = 'succeeded', finished_at = clock_timestamp() WHERE id = %s",
            (run_id,),
        )

    with session_scope() as session:
        (run,) = match_pending_runs(session=session)
        notices = inbox(session=session, user_id=user_id)
        pending = session.execute(
            text("SELECT count(*) FROM tenders WHERE search_vector IS NULL")
        ).scalar_one()
    assert (run.tenders, run.notices, pending) == (1, 1, 0)
    assert [notice.codigo for notice in notices] == ["4-1-COT26"]


def test_fillers_running_at_once_fill_each_tender_once_and_leave_none_pending():
    with connect() as conn, conn.transaction():
        conn.execute(indexing.DEFER)
        conn.execute(
            "INSERT INTO tenders (codigo, name, state, source)"
            " SELECT n || '-1-COT26', 'Resmas lote ' || n, 'cerrada', 'cot' FROM generate_series(1, 12000) n"
        )
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda lanes: indexing.fill_pending(lanes=lanes), [2, 3]))
    assert sum(run.tenders for run in runs) == 12000
    assert indexing_count("resma") == 0 and len(found("lote 11999")) >= 1
