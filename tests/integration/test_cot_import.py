import io
import random
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest
from rq.job import JobStatus
from sqlalchemy import text

from compraagil.config import PROJECT_ROOT, child_environment
from compraagil.db import get_engine
from compraagil.ingest.cot_columns import HEADER_VARIANTS
from compraagil.ingest.cot_import import ImportFailed, import_cot_file
from compraagil.ingest.synthetic import make_factory
from compraagil.ingest.synthetic.cot_writer import write_csv as write_generated
from jobs.queues import SCRAPING, enqueue_with_retry
from tests.cot_files import header, row, write_csv, write_zip

GOOD_SUPPLIER_2 = {"RazonSocialProveedor": "Ferretería Lautaro Ltda.", "RUTProveedor": "76.086.428-5"}


def fetch(sql: str, **params):
    with get_engine().connect() as conn:
        return conn.execute(text(sql), params).all()


def mixed_file(tmp_path):
    """A 33-column file with good rows, a multi-line field, NA values and every kind of broken row."""
    lines = [
        header(33),
        row(33),  # line 2: good
        row(33, ProveedorSeleccionado="no", MontoTotal="13500", **GOOD_SUPPLIER_2),  # 3: good
        row(33, ProductoCotizado="Pilas alcalinas AAA", CodigoProducto="26111701",
            MontoTotal="NA", ProveedorSeleccionado="no", **GOOD_SUPPLIER_2),  # 4: good, no amount
        row(33, RUTProveedor="77.814.808-2"),  # 5: wrong check digit
        row(33, CodigoCotizacion="2345-11-COT26", FechaCierreParaCotizar="ayer"),  # 6: bad date
        row(33, CodigoCotizacion="2345-12-COT26", MontoTotal="12,3,4"),  # 7: bad number
        row(33, CodigoCotizacion="2345-13-COT26", ProveedorSeleccionado="quizás"),  # 8: bad flag
        '"solo";"tres";"columnas"',  # 9: wrong width
        row(33, CodigoCotizacion="2345-14-COT26", DescripcionCotizacion="Primera línea\nsegunda línea",
            FechaCierreParaCotizar="06/03/2026"),  # 10-11: good, spans two lines
        row(33, CodigoCotizacion="2345-14-COT26", FechaCierreParaCotizar="06/03/2026"),  # 12: repeat of 10
        row(33, CodigoCotizacion="", ),  # 13: no codigo
    ]  # fmt: skip
    return write_csv(tmp_path / "COT1_2026-03.csv", lines), lines


@pytest.mark.parametrize("batch_rows", [50_000, 1], ids=["one batch", "a batch per cotización"])
def test_mixed_file_counts_every_row(tmp_path, batch_rows):
    path, lines = mixed_file(tmp_path)

    summary = import_cot_file(path, batch_rows=batch_rows)

    counts = summary.counts
    assert (counts.read, counts.inserted, counts.updated, counts.rejected) == (11, 4, 0, 7)
    rejects = fetch(
        "SELECT line_number, reason, raw_line, file_name FROM import_rejects ORDER BY line_number"
    )
    reasons = {line: reason for line, reason, _, _ in rejects}
    assert "dígito verificador" in reasons[5]
    assert reasons[6] == "FechaCierreParaCotizar: «ayer» no es una fecha"
    assert reasons[7] == "MontoTotal no es un número: «12,3,4»"
    assert "«si» o «no»" in reasons[8]
    assert reasons[9] == "La fila tiene 3 columnas y el encabezado 33"
    assert reasons[12] == "Fila repetida: este proveedor ya cotizó este producto en la línea 10"
    assert reasons[13] == "Falta CodigoCotizacion"
    raw = {line: raw for line, _, raw, _ in rejects}
    assert raw[9] == lines[8]
    assert raw[5] == lines[4]
    assert {name for *_, name in rejects} == {"COT1_2026-03.csv"}
    assert fetch("SELECT codigo, items_text LIKE '%pilas alcalinas aaa%' FROM tenders ORDER BY codigo") == [
        ("2345-10-COT26", True),
        ("2345-14-COT26", False),
    ]


def test_values_land_as_written(tmp_path):
    path, _ = mixed_file(tmp_path)
    import_cot_file(path)

    quotes = fetch(
        """
        SELECT s.rut, s.name, p.name, q.quantity, q.amount, q.unit_price, q.winner, q.region, q.closing_date::text
        FROM quotes q JOIN suppliers s ON s.id = q.supplier_id JOIN products p ON p.id = q.product_id
        WHERE q.tender_codigo = '2345-10-COT26' ORDER BY s.rut, p.name
        """
    )
    assert quotes == [
        ("76086428-5", "Ferretería Lautaro Ltda.", "batería recargable aa", Decimal("10"), Decimal("13500"),
         Decimal("1350.0000"), False, 16, "2026-03-05"),
        ("76086428-5", "Ferretería Lautaro Ltda.", "pilas alcalinas aaa", Decimal("10"), None, None, False, 16,
         "2026-03-05"),
        ("78167575-K", "Comercial Ñandú SpA", "batería recargable aa", Decimal("10"), Decimal("12990.5"),
         Decimal("1299.0500"), True, 16, "2026-03-05"),
    ]  # fmt: skip
    tender = fetch(
        "SELECT t.name, t.state, t.description, b.organismo, b.region, b.rut FROM tenders t"
        " JOIN buyers b ON b.id = t.buyer_id WHERE codigo = '2345-14-COT26'"
    )
    assert tender == [
        ("Compra de baterías para radios", "oc_emitida", "Primera línea\nsegunda línea",
         "Ilustre Municipalidad de Chillán", 16, "69140900-7")
    ]  # fmt: skip
    run = fetch("SELECT status, rows_read, rows_inserted, rows_rejected, rows_unchanged FROM import_runs")
    assert run == [("succeeded", 11, 4, 7, 0)]


def test_reimport_is_idempotent_and_reports_changes(tmp_path):
    path, _ = mixed_file(tmp_path)
    import_cot_file(path)

    again = import_cot_file(path).counts
    assert (again.read, again.inserted, again.updated, again.unchanged, again.rejected) == (11, 0, 0, 4, 7)
    assert fetch("SELECT count(*) FROM quotes") == [(4,)]

    changed = write_csv(tmp_path / "changed.csv", [header(33), row(33, MontoTotal="11990")])
    assert import_cot_file(changed).counts.updated == 1
    assert fetch("SELECT amount FROM quotes WHERE winner AND tender_codigo = '2345-10-COT26'") == [
        (Decimal("11990"),)
    ]


def test_a_file_spanning_a_known_and_a_new_month_lands_in_both_partitions(tmp_path):
    march = write_csv(tmp_path / "march.csv", [header(33), row(33)])
    import_cot_file(march)
    both = write_csv(
        tmp_path / "both.csv",
        [
            header(33),
            row(33, MontoTotal="11990"),
            row(33, CodigoCotizacion="2345-20-COT26", FechaCierreParaCotizar="2026-04-02"),
        ],
    )

    counts = import_cot_file(both).counts

    assert (counts.inserted, counts.updated) == (1, 1)
    assert fetch("SELECT tableoid::regclass::text, amount FROM quotes ORDER BY closing_date") == [
        ("quotes_y2026m03", Decimal("11990")),
        ("quotes_y2026m04", Decimal("12990.50")),
    ]


def test_zip_with_two_header_variants_and_an_unknown_column(tmp_path):
    path = write_zip(
        tmp_path / "COT_2026-04.zip",
        {
            "COT1_2026-04.csv": [header(34), row(34, CodigoCotizacion="1-1-COT26")],
            "COT2_2026-04.csv": [
                header(30, extra=("ColumnaNueva",)),
                row(30, extra=("x",), CodigoCotizacion="1-2-COT26", FechaCierreParaCotizar="2026-04-10"),
                row(30, extra=("x",), CodigoCotizacion="1-2-COT26", FechaCierreParaCotizar="2026-04-10",
                    **GOOD_SUPPLIER_2),
            ],
        },
    )  # fmt: skip
    counts = import_cot_file(path).counts
    assert (counts.read, counts.inserted, counts.rejected) == (3, 3, 0)
    partitions = fetch("SELECT tableoid::regclass::text, count(*) FROM quotes GROUP BY 1 ORDER BY 1")
    assert partitions == [("quotes_y2026m03", 1), ("quotes_y2026m04", 2)]


def test_a_supplier_quoting_one_total_for_several_lines_gets_no_unit_price(tmp_path):
    path = write_csv(
        tmp_path / "total.csv",
        [
            header(),
            row(MontoTotal="30000"),
            row(ProductoCotizado="Cargador de baterías", CodigoProducto="26111710", MontoTotal="30000"),
            row(MontoTotal="12000", **GOOD_SUPPLIER_2),
            row(ProductoCotizado="Cargador de baterías", CodigoProducto="26111710", MontoTotal="18000",
                **GOOD_SUPPLIER_2),
        ],
    )  # fmt: skip
    import_cot_file(path)
    prices = fetch(
        "SELECT s.rut, q.unit_price FROM quotes q JOIN suppliers s ON s.id = q.supplier_id ORDER BY 1, 2"
    )
    assert prices == [
        ("76086428-5", Decimal("1200.0000")),
        ("76086428-5", Decimal("1800.0000")),
        ("78167575-K", None),
        ("78167575-K", None),
    ]


def test_a_cotizacions_quotes_land_on_its_closing_date_even_where_a_row_says_otherwise(tmp_path):
    path = write_csv(
        tmp_path / "dates.csv",
        [header(), row(), row(FechaCierreParaCotizar="2026-04-09", **GOOD_SUPPLIER_2)],
    )
    import_cot_file(path)
    assert fetch("SELECT DISTINCT closing_date::text FROM quotes") == [("2026-03-05",)]
    assert fetch("SELECT closes_at::date::text FROM tenders") == [("2026-03-05",)]


def test_repeats_far_apart_are_rejected_with_their_raw_line(tmp_path):
    lines = [header(), row(), row(CodigoCotizacion="9-9-COT26"), row()]
    path = write_csv(tmp_path / "scattered.csv", lines)

    counts = import_cot_file(path).counts

    assert (counts.read, counts.inserted, counts.rejected) == (3, 2, 1)
    assert fetch("SELECT line_number, reason, raw_line FROM import_rejects") == [
        (4, "Fila repetida: este proveedor ya cotizó este producto en la línea 2", lines[3])
    ]
    again = import_cot_file(path).counts
    assert (again.unchanged, again.rejected) == (2, 1)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.zip", b"PK\x03\x04 not really a zip", "no es un zip válido"),
        ("empty.csv", b"", "vacío"),
        ("columns.csv", '"CodigoCotizacion";"MontoTotal"\r\n"1";"2"\r\n'.encode("cp1252"), "faltan columnas"),
        (
            "huge.csv",
            f"{header()}\r\n{row()}\r\n{row(DescripcionCotizacion='x' * 3_000_000)}\r\n".encode(),
            "comillas",
        ),
    ],
)
def test_unreadable_files_fail_the_run_and_write_nothing(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(ImportFailed, match=message):
        import_cot_file(path)

    assert fetch("SELECT status, error IS NOT NULL FROM import_runs") == [("failed", True)]
    for table in ("quotes", "tenders", "suppliers", "products", "import_rejects"):
        assert fetch(f"SELECT count(*) FROM {table}") == [(0,)]


def test_a_file_with_only_its_header_imports_nothing_and_succeeds(tmp_path):
    counts = import_cot_file(write_csv(tmp_path / "COT.csv", [header()])).counts
    assert (counts.read, counts.inserted, counts.rejected) == (0, 0, 0)


def test_the_import_job_runs_in_a_real_worker_process(services, tmp_path):
    """The reading child process starts from inside RQ's work horse, too."""
    path, _ = mixed_file(tmp_path)
    job = enqueue_with_retry("jobs.tasks.imports.import_file", SCRAPING, str(path))
    env = child_environment(DATABASE_URL=services.database_url, REDIS_URL=services.redis_url)
    finished = subprocess.run(
        [sys.executable, "-m", "jobs.worker", "--queues", SCRAPING, "--burst"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert finished.returncode == 0, finished.stderr
    job.refresh()
    assert job.get_status() == JobStatus.FINISHED, finished.stderr
    assert "read 11 · inserted 4 · updated 0 · unchanged 0 · rejected 7" in job.return_value()


def broken_copy(lines: list[str], seed: int) -> tuple[list[str], int, int]:
    """Generated records with about one in six broken in a way real files break; also how many
    records were added (a short row, a repeated row) and how many must be rejected (those, and a
    bad date, RUT or amount)."""
    rnd = random.Random(seed)
    added = rejected = 0
    position = {name: index for index, name in enumerate(HEADER_VARIANTS[34])}
    out = [lines[0]]
    for line in lines[1:]:
        fields = line.split('";"')
        damage = rnd.randrange(24)
        added += damage in (1, 6)
        rejected += damage in (1, 3, 4, 5, 6)
        if damage == 0:
            out.append("")
        elif damage == 1:
            out.append('"corta";"fila"')
        elif damage == 2:
            fields[position["DescripcionCotizacion"]] += '\r\nsegunda línea ""citada""'
        elif damage == 3:
            fields[position["FechaCierreParaCotizar"]] = "31-02-2025"
        elif damage == 4:
            fields[position["RUTProveedor"]] = "76.123.456-1"
        elif damage == 5:
            fields[position["MontoTotal"]] = "1.234,5,6"
        elif damage == 6:
            out.append(line)
        elif damage == 7:
            fields[position["ProductoCotizado"]] += ' 3/4"" pulgada'
        out.append('";"'.join(fields))
    return out, added, rejected


def test_a_broken_file_accounts_for_every_record_and_says_the_same_twice(tmp_path):
    buffer = io.BytesIO()
    write_generated(make_factory(9, 3000, date(2025, 1, 1)).history(3000, 3), buffer, rows=3000)
    lines, added, rejected = broken_copy(buffer.getvalue().decode("cp1252").split("\r\n")[:-1], 9)
    path = write_csv(tmp_path / "COT.csv", lines)
    text = path.read_bytes().decode("cp1252").split("\r\n")

    first = import_cot_file(path).counts
    rejects = fetch("SELECT line_number, reason, raw_line FROM import_rejects ORDER BY 1")
    again = import_cot_file(path).counts

    assert (first.read, first.inserted, first.rejected) == (3000 + added, 3000 + added - rejected, rejected)
    assert len(rejects) == rejected
    for line, reason, raw in rejects:
        assert raw.split("\r\n")[0] == text[line - 1], (line, reason)
    assert (again.unchanged, again.rejected) == (first.inserted, first.rejected)
    assert fetch("SELECT count(*) FROM quotes") == [(first.inserted,)]
