"""The web app's statement timeout: a query past it is told apart from one cancelled by hand, and
only processes with STATEMENT_TIMEOUT_SECONDS have one."""

import psycopg
import pytest
from sqlalchemy import text

from compraagil.config import get_settings
from compraagil.db import get_engine, is_statement_timeout, libpq_url, reset_engine, session_scope


@pytest.fixture
def one_second(monkeypatch):
    monkeypatch.setattr(get_settings(), "statement_timeout_seconds", 1)
    reset_engine()
    yield
    monkeypatch.undo()
    reset_engine()


def test_a_query_past_the_timeout_is_stopped_and_recognised(services, one_second):
    with pytest.raises(Exception) as stopped, session_scope() as session:
        session.execute(text("SELECT pg_sleep(3)"))
    assert is_statement_timeout(stopped.value)


def test_a_query_cancelled_by_hand_is_not_a_timeout(services):
    with psycopg.connect(libpq_url(services.database_url), autocommit=True) as conn:
        conn.execute("SET statement_timeout = 0")
        with pytest.raises(psycopg.errors.QueryCanceled) as cancelled:
            conn.execute("SELECT pg_cancel_backend(pg_backend_pid()), pg_sleep(1)")
    assert not is_statement_timeout(cancelled.value)
    with get_engine().connect() as conn:
        assert conn.execute(text("SHOW statement_timeout")).scalar_one() == "0"
