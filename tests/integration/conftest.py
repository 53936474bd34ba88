"""Each integration test starts from empty tables and an empty Redis."""

import pytest
from sqlalchemy import text

from compraagil.db import get_engine
from compraagil.redis_client import get_redis

TABLES = "import_rejects, import_runs, quotes, quote_lines, tender_items, tenders, products, suppliers, buyers, sync_state"


@pytest.fixture(autouse=True)
def clean_state(services):
    yield
    with get_engine().begin() as conn:
        conn.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))
    get_redis().flushdb()
