"""Each integration test starts from empty tables and an empty Redis; the fixtures several modules
share (`history`, the gloves price history)."""

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from compraagil.db import get_engine, libpq_url
from compraagil.redis_client import get_redis
from tests.factories import gloves_history

TABLES = "price_lines, price_keys, price_months_pending, text_embeddings, semantic_alert_checks, alert_vectors, proposal_versions, proposals, win_models, win_supplier_stats, win_pair_stats, win_buyer_stats, quota_refusals, invoices, payment_events, subscriptions, payments, api_keys, exports, alert_run_checks, alert_deliveries, alert_notices, alerts, pipeline_items, import_rejects, import_runs, quotes, quote_lines, tender_items, tenders, products, suppliers, buyers, sync_state, audit_log, usage_counters, invitations, user_tokens, user_sessions, users, companies"


def empty_everything() -> None:
    with get_engine().begin() as conn:
        conn.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))
        conn.execute(text("UPDATE invoice_numbers SET last = 0"))
    get_redis().flushdb()


@pytest.fixture(autouse=True)
def clean_state(services):
    yield
    empty_everything()


@pytest.fixture
def scratch_database(services):
    """An empty database `scratch` beside the test one (its URL), dropped afterwards."""

    def on(database: str) -> str:
        return make_url(services.database_url).set(database=database).render_as_string(hide_password=False)

    admin = libpq_url(on("postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS scratch")
        conn.execute("CREATE DATABASE scratch")
    yield on("scratch")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("DROP DATABASE scratch WITH (FORCE)")


@pytest.fixture
def history(tmp_path):
    """The forty-process gloves price history of `tests.factories.gloves_history`, imported."""
    gloves_history(tmp_path)
