"""A deploy's migration: a database with data at an older revision is backed up first, upgraded, and
every table keeps its rows; an empty one needs no backup; a table that lost rows is named."""

import psycopg
from alembic.script import ScriptDirectory

from compraagil import migrations
from compraagil.backups.deploy import lost_rows, safe_upgrade
from compraagil.backups.service import table_counts
from compraagil.config import PROJECT_ROOT
from compraagil.db import libpq_url

HEAD = ScriptDirectory(str(PROJECT_ROOT / "alembic")).get_current_head()


def test_an_older_database_with_data_is_backed_up_then_upgraded_without_losing_rows(
    scratch_database, tmp_path
):
    migrations.upgrade(scratch_database, "0012")
    with psycopg.connect(libpq_url(scratch_database), autocommit=True) as conn:
        conn.execute(
            "INSERT INTO tenders (codigo, name, state, source) VALUES ('1-1-COT26', 'Resmas', 'cerrada', 'test')"
        )
    before = table_counts(libpq_url(scratch_database))
    taken = safe_upgrade(database=scratch_database, directory=tmp_path)
    assert taken is not None and taken.exists() and taken.with_suffix(".json").exists()
    after = table_counts(libpq_url(scratch_database))
    assert "tender_embeddings" in after and "tender_embeddings" not in before
    assert {name: after[name] for name in before} == before
    with psycopg.connect(libpq_url(scratch_database)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD


def test_an_empty_database_needs_no_backup(scratch_database, tmp_path):
    assert safe_upgrade(database=scratch_database, directory=tmp_path) is None
    assert list(tmp_path.iterdir()) == []


def test_a_table_that_lost_rows_is_named():
    assert lost_rows({"tenders": 10, "users": 0, "quotes": 5}, {"tenders": 10, "quotes": 4}) == [
        "quotes: 5 → 4"
    ]
    assert lost_rows({"tenders": 3}, {}) == ["tenders: 3 → 0"]
