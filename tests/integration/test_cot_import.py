import csv
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
from compraagil.db import database_url, get_engine
from compraagil.errors import ImportFailed
from compraagil.ingest.cot.columns import HEADER_VARIANTS
from compraagil.ingest.cot.importer import import_cot_file
from compraagil.ingest.cot.staged_rows import StagedBatch
from compraagil.ingest.cot.staging_process import staged
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
        row(33, CodigoCotizacion="2345-14-COT26", DescripcionCotizacion="Primera línea\nsegunda línea",
            FechaCierreParaCotizar="06/03/2026"),  # 12-13: identical to 10-11, a duplicate
        row(33, CodigoCotizacion="", ),  # 14: no codigo
    ]  # fmt: skip
    return write_csv(tmp_path / "COT1_2026-03.csv", lines), lines


@pytest.mark.parametrize("batch_rows", [50_000, 1], ids=["one batch", "a batch per cotización"])
def test_mixed_file_counts_every_row(tmp_path, batch_rows):
    path, lines = mixed_file(tmp_path)

    summary = import_cot_file(path, batch_rows=batch_rows)

    counts = summary.counts
    outcome = (counts.read, counts.inserted, counts.updated, counts.duplicates, counts.rejected)
    assert outcome == (11, 4, 0, 1, 6)
    rejects = fetch(
        "SELECT line_number, reason, raw_line, file_name FROM import_rejects ORDER BY line_number"
    )
    reasons = {line: reason for line, reason, _, _ in rejects}
    assert "dígito verificador" in reasons[5]
    assert reasons[6] == "FechaCierreParaCotizar: «ayer» no es una fecha"
    assert reasons[7] == "MontoTotal no es un número: «12,3,4»"
    assert "«si» o «no»" in reasons[8]
    assert reasons[9] == "La fila tiene 3 columnas y el encabezado 33"
    assert reasons[14] == "Falta CodigoCotizacion"
    assert 12 not in reasons
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

    lines = fetch(
        """
        SELECT s.rut, q.quote_number, q.line_number, p.name, q.description, q.quantity, q.amount, q.unit_price,
               q.winner, q.region, q.closing_date::text
        FROM quote_lines q JOIN suppliers s ON s.id = q.supplier_id JOIN products p ON p.id = q.product_id
        WHERE q.tender_codigo = '2345-10-COT26' ORDER BY s.rut, q.quote_number
        """
    )
    # MontoTotal is a quote's total: the Lautaro lines carry two (13500 and NA), so two quotes
    assert lines == [
        ("76086428-5", 1, 1, "batería recargable aa", "Marca Energizer", Decimal("10"), None,
         Decimal("1350.0000"), False, 16, "2026-03-05"),
        ("76086428-5", 2, 1, "pilas alcalinas aaa", "Marca Energizer", Decimal("10"), None, None, False, 16,
         "2026-03-05"),
        ("78167575-K", 1, 1, "batería recargable aa", "Marca Energizer", Decimal("10"), None,
         Decimal("1299.0500"), True, 16, "2026-03-05"),
    ]  # fmt: skip
    quotes = fetch(
        """
        SELECT s.rut, q.quote_number, q.total, q.total_clp, q.currency, q.winner, q.line_count
        FROM quotes q JOIN suppliers s ON s.id = q.supplier_id
        WHERE q.tender_codigo = '2345-10-COT26' ORDER BY s.rut, q.quote_number
        """
    )
    assert quotes == [
        ("76086428-5", 1, Decimal("13500"), Decimal("13500"), "CLP", False, 1),
        ("76086428-5", 2, None, None, "CLP", False, 1),
        ("78167575-K", 1, Decimal("12990.5"), Decimal("12990.5"), "CLP", True, 1),
    ]
    tender = fetch(
        "SELECT t.name, t.state, t.description, t.quotes_received, b.organismo, b.region, b.rut FROM tenders t"
        " JOIN buyers b ON b.id = t.buyer_id WHERE codigo = '2345-14-COT26'"
    )
    assert tender == [
        ("Compra de baterías para radios", "oc_emitida", "Primera línea\nsegunda línea", 1,
         "Ilustre Municipalidad de Chillán", 16, "69140900-7")
    ]  # fmt: skip
    assert fetch(
        "SELECT t.quotes_received, i.line_number, i.product_code, i.name, i.quantity FROM tenders t"
        " JOIN tender_items i ON i.tender_id = t.id WHERE t.codigo = '2345-10-COT26' ORDER BY i.line_number"
    ) == [
        (3, 1, "26111702", "Batería recargable AA", Decimal("10")),
        (3, 2, "26111701", "Pilas alcalinas AAA", Decimal("10")),
    ]
    run = fetch(
        "SELECT status, rows_read, rows_inserted, rows_rejected, rows_unchanged, rows_duplicates FROM import_runs"
    )
    assert run == [("succeeded", 11, 4, 6, 0, 1)]


def test_reimport_is_idempotent_and_reports_changes(tmp_path):
    path, _ = mixed_file(tmp_path)
    import_cot_file(path)

    again = import_cot_file(path).counts
    assert (again.read, again.inserted, again.updated, again.unchanged, again.duplicates, again.rejected) == (
        11, 0, 0, 4, 1, 6,
    )  # fmt: skip
    assert fetch("SELECT count(*) FROM quote_lines") == [(4,)]
    assert fetch("SELECT count(*) FROM tender_items") == [(3,)]

    changed = write_csv(tmp_path / "changed.csv", [header(33), row(33, MontoTotal="11990")])
    assert import_cot_file(changed).counts.updated == 1
    assert fetch("SELECT total FROM quotes WHERE winner AND tender_codigo = '2345-10-COT26'") == [
        (Decimal("11990"),)
    ]
    assert fetch("SELECT unit_price FROM quote_lines WHERE winner AND tender_codigo = '2345-10-COT26'") == [
        (Decimal("1199.0000"),)
    ]


def test_a_changed_supplier_name_counts_its_lines_updated(tmp_path):
    import_cot_file(write_csv(tmp_path / "first.csv", [header(), row(), row(**GOOD_SUPPLIER_2)]))
    renamed = {**GOOD_SUPPLIER_2, "RazonSocialProveedor": "Ferretería Lautaro SpA"}
    counts = import_cot_file(write_csv(tmp_path / "renamed.csv", [header(), row(), row(**renamed)])).counts
    assert (counts.updated, counts.unchanged) == (1, 1)
    assert fetch("SELECT name FROM suppliers WHERE rut = '76086428-5'") == [("Ferretería Lautaro SpA",)]


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
    assert fetch("SELECT tableoid::regclass::text, total FROM quotes ORDER BY closing_date") == [
        ("quotes_y2026m03", Decimal("11990.0000")),
        ("quotes_y2026m04", Decimal("12990.5000")),
    ]
    assert fetch("SELECT tableoid::regclass::text FROM quote_lines ORDER BY closing_date") == [
        ("quote_lines_y2026m03",),
        ("quote_lines_y2026m04",),
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
    partitions = fetch("SELECT tableoid::regclass::text, count(*) FROM quote_lines GROUP BY 1 ORDER BY 1")
    assert partitions == [("quote_lines_y2026m03", 1), ("quote_lines_y2026m04", 2)]


def test_montototal_is_the_quotes_total_never_a_lines_amount(tmp_path):
    """One supplier quotes 30000 for two lines (one quote); another sends two quotes, one per
    MontoTotal; a third repeats one product code and name on three lines of one quote."""
    third = {"RazonSocialProveedor": "Distribuidora Itata Ltda.", "RUTProveedor": "77.814.808-0"}
    path = write_csv(
        tmp_path / "total.csv",
        [
            header(),
            row(MontoTotal="30000"),
            row(ProductoCotizado="Cargador de baterías", CodigoProducto="26111710", MontoTotal="30000"),
            row(MontoTotal="12000", **GOOD_SUPPLIER_2),
            row(ProductoCotizado="Cargador de baterías", CodigoProducto="26111710", MontoTotal="18000",
                **GOOD_SUPPLIER_2),
            row(MontoTotal="45000", DetalleCotizacion="Marca Duracell", CantidadSolicitada="10", **third),
            row(MontoTotal="45000", DetalleCotizacion="Marca Varta", CantidadSolicitada="5", **third),
            row(MontoTotal="45000", DetalleCotizacion="Genérica", CantidadSolicitada="5", **third),
        ],
    )  # fmt: skip
    counts = import_cot_file(path).counts
    assert (counts.read, counts.inserted, counts.duplicates) == (7, 7, 0)
    lines = fetch(
        "SELECT s.rut, q.quote_number, q.line_number, q.description, q.unit_price, q.amount FROM quote_lines q"
        " JOIN suppliers s ON s.id = q.supplier_id ORDER BY 1, 2, 3"
    )
    assert lines == [
        ("76086428-5", 1, 1, "Marca Energizer", Decimal("1200.0000"), None),
        ("76086428-5", 2, 1, "Marca Energizer", Decimal("1800.0000"), None),
        ("77814808-0", 1, 1, "Marca Duracell", None, None),
        ("77814808-0", 1, 2, "Marca Varta", None, None),
        ("77814808-0", 1, 3, "Genérica", None, None),
        ("78167575-K", 1, 1, "Marca Energizer", None, None),
        ("78167575-K", 1, 2, "Marca Energizer", None, None),
    ]
    quotes = fetch(
        "SELECT s.rut, q.quote_number, q.total_clp, q.line_count FROM quotes q"
        " JOIN suppliers s ON s.id = q.supplier_id ORDER BY 1, 2"
    )
    assert quotes == [
        ("76086428-5", 1, Decimal("12000.0000"), 1),
        ("76086428-5", 2, Decimal("18000.0000"), 1),
        ("77814808-0", 1, Decimal("45000.0000"), 3),
        ("78167575-K", 1, Decimal("30000.0000"), 2),
    ]
    assert fetch("SELECT quotes_received FROM tenders") == [(4,)]
    assert fetch("SELECT sum(total_clp) FROM quotes") == [(Decimal("105000.0000"),)]


def test_a_cotizacions_quotes_land_on_its_closing_date_even_where_a_row_says_otherwise(tmp_path):
    path = write_csv(
        tmp_path / "dates.csv",
        [header(), row(), row(FechaCierreParaCotizar="2026-04-09", **GOOD_SUPPLIER_2)],
    )
    import_cot_file(path)
    assert fetch("SELECT DISTINCT closing_date::text FROM quote_lines") == [("2026-03-05",)]
    assert fetch("SELECT closes_at::date::text FROM tenders") == [("2026-03-05",)]


def test_identical_lines_far_apart_are_duplicates(tmp_path):
    lines = [header(), row(), row(CodigoCotizacion="9-9-COT26"), row(), row(MontoTotal="15000")]
    path = write_csv(tmp_path / "scattered.csv", lines)

    counts = import_cot_file(path).counts

    assert (counts.read, counts.inserted, counts.duplicates, counts.rejected) == (4, 3, 1, 0)
    assert fetch("SELECT count(*) FROM import_rejects") == [(0,)]
    # the cotización's parts are one: its supplier's second MontoTotal is its second quote
    assert fetch("SELECT quote_number, line_number, total FROM quotes JOIN quote_lines USING"
                 " (closing_date, tender_codigo, supplier_id, quote_number)"
                 " WHERE tender_codigo = '2345-10-COT26' ORDER BY 1") == [
        (1, 1, Decimal("12990.5000")), (2, 1, Decimal("15000.0000"))
    ]  # fmt: skip
    assert fetch("SELECT codigo, quotes_received FROM tenders ORDER BY 1") == [
        ("2345-10-COT26", 2), ("9-9-COT26", 1)
    ]  # fmt: skip
    again = import_cot_file(path).counts
    assert (again.unchanged, again.duplicates) == (3, 1)


def test_a_month_zip_whose_cotizacion_spans_both_files(tmp_path):
    second = {"RazonSocialProveedor": "Ferretería Lautaro Ltda.", "RUTProveedor": "76.086.428-5"}
    path = write_zip(
        tmp_path / "COT_2026-03.zip",
        {
            "COT1_2026-03.csv": [header(), row(), row(ProductoCotizado="Pilas AAA")],
            "COT2_2026-03.csv": [header(), row(), row(**second), row(ProductoCotizado="Cargador")],
        },
    )
    counts = import_cot_file(path).counts
    assert (counts.read, counts.inserted, counts.duplicates) == (5, 4, 1)
    assert fetch(
        "SELECT q.quote_number, l.line_number, p.name FROM quote_lines l JOIN products p ON p.id = l.product_id"
        " JOIN quotes q USING (closing_date, tender_codigo, supplier_id, quote_number)"
        " JOIN suppliers s ON s.id = l.supplier_id WHERE s.rut = '78167575-K' ORDER BY 1, 2"
    ) == [(1, 1, "batería recargable aa"), (1, 2, "pilas aaa"), (1, 3, "cargador")]
    assert fetch("SELECT quotes_received FROM tenders") == [(2,)]
    again = import_cot_file(path).counts
    assert (again.unchanged, again.duplicates, again.updated) == (4, 1, 0)


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
    for table in ("quotes", "quote_lines", "tenders", "tender_items", "suppliers", "products"):
        assert fetch(f"SELECT count(*) FROM {table}") == [(0,)]
    assert fetch("SELECT count(*) FROM import_rejects") == [(0,)]


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
    assert (
        "leídas 11 · nuevas 4 · actualizadas 0 · sin cambios 0 · duplicadas 1 · rechazadas 6"
        in job.return_value()
    )


def broken_copy(lines: list[str], seed: int) -> tuple[list[str], int, int, int]:
    """Generated records with about one in six broken in a way real files break; also how many
    records were added (a short row, a repeated row), how many must be rejected (those short rows,
    and a bad date, RUT or amount) and how many are duplicates (a record identical to an earlier
    good one: the repeats added here and those the generator writes, as real files have them)."""
    rnd = random.Random(seed)
    added = rejected = duplicates = 0
    seen: set[str] = set()

    def good(line: str) -> None:
        nonlocal duplicates
        duplicates += line in seen
        seen.add(line)
        out.append(line)

    position = {name: index for index, name in enumerate(HEADER_VARIANTS[34])}
    out = [lines[0]]
    for line in lines[1:]:
        fields = line.split('";"')
        damage = rnd.randrange(24)
        added += damage in (1, 6)
        rejected += damage in (1, 3, 4, 5)
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
            good(line)
        elif damage == 7:
            fields[position["ProductoCotizado"]] += ' 3/4"" pulgada'
        if damage in (3, 4, 5):
            out.append('";"'.join(fields))
        else:
            good('";"'.join(fields))
    return out, added, rejected, duplicates


def test_a_broken_file_accounts_for_every_record_and_says_the_same_twice(tmp_path):
    buffer = io.BytesIO()
    write_generated(make_factory(9, 3000, date(2025, 1, 1)).history(3000, 3), buffer, rows=3000)
    lines, added, rejected, duplicates = broken_copy(buffer.getvalue().decode("cp1252").split("\r\n")[:-1], 9)
    path = write_csv(tmp_path / "COT.csv", lines)
    text = path.read_bytes().decode("cp1252").split("\r\n")

    first = import_cot_file(path).counts
    rejects = fetch("SELECT line_number, reason, raw_line FROM import_rejects ORDER BY 1")
    again = import_cot_file(path).counts

    stored = 3000 + added - rejected - duplicates
    assert (first.read, first.inserted, first.duplicates, first.rejected) == (
        3000 + added, stored, duplicates, rejected,
    )  # fmt: skip
    assert len(rejects) == rejected
    for line, reason, raw in rejects:
        assert raw.split("\r\n")[0] == text[line - 1], (line, reason)
    assert (again.unchanged, again.duplicates, again.rejected) == (stored, duplicates, rejected)
    assert fetch("SELECT count(*) FROM quote_lines") == [(stored,)]


def test_a_republished_cotizacion_keeps_only_what_its_records_now_say(tmp_path):
    """The month is published again: a supplier dropped its second quote and one line of its
    first; those rows go, the rest stays, and the tender's counts follow."""
    second = {"RazonSocialProveedor": "Ferretería Lautaro Ltda.", "RUTProveedor": "76.086.428-5"}
    first = write_csv(
        tmp_path / "first.csv",
        [
            header(),
            row(MontoTotal="30000"),
            row(ProductoCotizado="Cargador de baterías", CodigoProducto="26111710", MontoTotal="30000"),
            row(MontoTotal="12000", **second),
            row(MontoTotal="15000", ProductoCotizado="Pilas AAA", **second),
        ],
    )
    import_cot_file(first)
    again = write_csv(
        tmp_path / "again.csv", [header(), row(MontoTotal="30000"), row(MontoTotal="12000", **second)]
    )
    import_cot_file(again)
    assert fetch(
        "SELECT s.rut, q.quote_number, q.line_count FROM quotes q JOIN suppliers s ON s.id = q.supplier_id"
        " ORDER BY 1, 2"
    ) == [("76086428-5", 1, 1), ("78167575-K", 1, 1)]
    assert fetch("SELECT count(*) FROM quote_lines") == [(2,)]
    assert fetch("SELECT t.quotes_received, count(i.*) FROM tenders t JOIN tender_items i ON i.tender_id = t.id"
                 " GROUP BY t.quotes_received") == [(2, 1)]  # fmt: skip


def test_a_cotizacion_now_in_two_files_whose_first_part_is_what_it_was_keeps_both(tmp_path):
    """The reader leaves out what is read exactly as last imported; a part of a cotización can be
    exactly what the whole was, and the rest must not land as the whole without it."""
    second = {"RazonSocialProveedor": "Ferretería Lautaro Ltda.", "RUTProveedor": "76.086.428-5"}
    import_cot_file(write_csv(tmp_path / "COT1_2026-03.csv", [header(), row()]))
    path = write_zip(
        tmp_path / "COT_2026-03.zip",
        {
            "COT1_2026-03.csv": [header(), row()],
            "COT2_2026-03.csv": [header(), row(MontoTotal="15000", **second)],
        },
    )

    counts = import_cot_file(path).counts

    assert (counts.read, counts.inserted, counts.unchanged) == (2, 1, 1)
    assert fetch("SELECT count(*) FROM quote_lines") == [(2,)]
    assert fetch("SELECT quotes_received FROM tenders") == [(2,)]
    again = import_cot_file(path).counts
    assert (again.unchanged, again.inserted, again.updated) == (2, 0, 0)
    assert fetch("SELECT count(*) FROM quote_lines") == [(2,)]


def test_a_reimport_stages_only_the_cotizaciones_that_changed(tmp_path):
    lines = [header(), row(), row(CodigoCotizacion="9-9-COT26"), row(CodigoCotizacion="9-10-COT26")]
    import_cot_file(write_csv(tmp_path / "first.csv", lines))
    lines[2] = row(CodigoCotizacion="9-9-COT26", MontoTotal="15000")

    staged = staged_codigos(write_csv(tmp_path / "again.csv", lines))

    assert staged == ["9-9-COT26"]
    assert import_cot_file(tmp_path / "again.csv").counts.updated == 1


def staged_codigos(path) -> list[str]:
    """The cotizaciones the reader stages from `path`, leaving out those as last imported here."""
    codigos = []
    with staged(path, 50_000, False, database_url()) as messages:
        for message in messages:
            if isinstance(message, StagedBatch):
                codigos += [
                    record[0]
                    for chunk in message.tenders
                    for record in csv.reader(io.StringIO(chunk.decode()))
                ]
    return codigos
