import codecs
import io
from datetime import date

from sqlalchemy import text

from compraagil.db import get_engine
from compraagil.ingest.cot.importer import import_cot_file
from compraagil.ingest.synthetic import make_factory
from compraagil.ingest.synthetic.cot_writer import write_csv as write_generated
from tests.cot_files import row

SNAPSHOT_TABLES = ("tenders", "tender_items", "buyers", "suppliers", "products", "quotes", "quote_lines")


def fetch(sql: str):
    with get_engine().connect() as conn:
        return conn.execute(text(sql)).all()


def snapshot() -> dict[str, list]:
    """Every stored row of the tables an import writes, as text."""
    return {table: fetch(f"SELECT t::text FROM {table} t ORDER BY 1") for table in SNAPSHOT_TABLES}


def rejects(run_id: int) -> list:
    return fetch(
        f"SELECT file_name, line_number, reason, raw_line FROM import_rejects WHERE run_id = {run_id}"
        " ORDER BY line_number"
    )


def a_month_in_cp1252() -> bytes:
    """Generated rows (names with accents), a quote of our own with every accent, and broken rows."""
    out = io.BytesIO()
    factory = make_factory(11, 2_000, date(2026, 1, 1))
    write_generated(factory.history(2_000, 2), out, rows=2_000)
    extra = [
        row(34, NombreCotizacion="SECCIÓN ÑUBLE: “pilas” – €", CodigoCotizacion="9-99-COT26"),
        '"registro";"roto, con ñ"',
        row(34, CodigoCotizacion="9-98-COT26", MontoTotal="doce mil"),
    ]
    return out.getvalue() + "\r\n".join(extra).encode("cp1252") + b"\r\n"


def test_a_utf8_copy_with_bom_imports_as_the_original(tmp_path):
    original = a_month_in_cp1252()
    (tmp_path / "cp1252").mkdir()
    (tmp_path / "utf8").mkdir()
    (tmp_path / "cp1252" / "COT_2026-01.csv").write_bytes(original)
    copy = tmp_path / "utf8" / "COT_2026-01.csv"
    copy.write_bytes(codecs.BOM_UTF8 + original.decode("cp1252").encode())

    first = import_cot_file(tmp_path / "cp1252" / "COT_2026-01.csv")
    before = snapshot()
    again = import_cot_file(copy)

    assert first.counts.inserted > 1_000 and first.counts.rejected == 2
    c = again.counts
    assert (c.read, c.inserted, c.updated, c.duplicates, c.rejected) == (
        first.counts.read, 0, 0, first.counts.duplicates, 2,
    )  # fmt: skip
    assert snapshot() == before
    assert rejects(again.run_id) == rejects(first.run_id)
    assert "roto, con ñ" in rejects(again.run_id)[0][3]
    names = fetch("SELECT name FROM tenders WHERE codigo = '9-99-COT26'")
    assert names == [("SECCIÓN ÑUBLE: “pilas” – €",)]
