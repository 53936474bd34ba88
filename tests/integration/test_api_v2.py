import copy
import io
import json
import zipfile
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from compraagil import cli
from compraagil.chile.dates import SANTIAGO
from compraagil.config import get_settings
from compraagil.db import get_engine
from compraagil.ingest.api_v2 import sync
from compraagil.ingest.api_v2.client import ApiError, CompraAgilClient
from compraagil.ingest.api_v2.files import import_records
from compraagil.ingest.api_v2.sync import OVERLAP, SyncFailed, api_time, sync_changes, windows
from compraagil.ingest.cot.download import MonthNotPublished
from compraagil.ingest.cot.months import import_month
from compraagil.preflight import ConfigurationError
from jobs.tasks.imports import sync_api
from tests.cot_files import header, row
from tests.factories import DETAIL_USD
from tests.fakes.mercadopublico import TICKET, Failure, FakeMercadoPublico

# A real-shaped detail record budgeted in USD (rate 943,27): one supplier quotes twice (two
# id_cotizacion, the second selected through `seleccion`), another lists the same product code and
# name three times with different descriptions, quantities and prices (and one line without its
# amount), and a third quote was declared inadmissible.
REACTIVOS_USD = {
    "codigo": "2318-112-COT26",
    "nombre": "Adquisición de reactivos para laboratorio de química analítica",
    "descripcion": "Reactivos grado analítico para docencia de pregrado, primer semestre",
    "estado": {"id_estado": 3, "codigo": "cerrada", "glosa": "Cerrada"},
    "fechas": {
        "fecha_publicacion": "2026-10-05 10:12",
        "fecha_cierre": "2026-10-08 15:00",
        "fecha_ultimo_cambio": "2026-10-08 15:02",
    },
    "presupuesto": {"moneda": "USD", "monto_disponible": 1500, "monto_disponible_clp": 1414905, "valor_cambio_moneda": 943.27},
    "institucion": {
        "organismo_comprador": "UNIVERSIDAD DE CHILE",
        "rut": "60.910.000-1",
        "unidad_compra": "Facultad de Ciencias Químicas y Farmacéuticas",
        "region": 13,
        "nombre_region": "Región Metropolitana de Santiago",
    },
    "entrega": {"direccion_entrega": "Sergio Livingstone 1007, Independencia", "plazo_entrega_dias": 10},
    "productos_solicitados": [
        {"codigo_producto": 41116105, "nombre": "Reactivo de laboratorio", "descripcion": "Etanol absoluto 99,8% 1 L", "cantidad": 6, "unidad_medida": "Botella"},
        {"codigo_producto": 41116105, "nombre": "Reactivo de laboratorio", "descripcion": "Metanol grado HPLC 4 L", "cantidad": 2, "unidad_medida": "Botella"},
        {"codigo_producto": 41116105, "nombre": "Reactivo de laboratorio", "descripcion": "Acetona p.a. 1 L", "cantidad": 4, "unidad_medida": "Botella"},
    ],
    "proveedores_cotizando": [
        {
            "id_cotizacion": 881210, "razon_social": "Comercial Andes Lab SpA", "rut_proveedor": "76.543.210-3",
            "es_emt": 1, "valor_neto": 301.9, "total_impuesto": 57.36, "monto_despacho": 0, "monto_total": 359.26,
            "proveedor_seleccionado": 0, "descripcion_cotizacion": "Oferta con despacho incluido",
            "estado": "Enviada", "fecha_creacion": "2026-10-06 11:40",
            "productos_cotizados": [
                {"codigo_producto": 41116105, "nombre_producto": "Reactivo de laboratorio", "descripcion": "Etanol absoluto 99,8% Merck 1 L", "cantidad": 6, "precio_unitario": 18.4, "monto_total_producto": 110.4},
                {"codigo_producto": 41116105, "nombre_producto": "Reactivo de laboratorio", "descripcion": "Metanol HPLC Merck 4 L", "cantidad": 2, "precio_unitario": 95.75, "monto_total_producto": 191.5},
            ],
        },
        {
            "id_cotizacion": 881577, "razon_social": "Comercial Andes Lab SpA", "rut_proveedor": "76.543.210-3",
            "es_emt": 1, "valor_neto": 291.6, "total_impuesto": 55.4, "monto_despacho": 0, "monto_total": 347.0,
            "descripcion_cotizacion": "Alternativa con marca equivalente", "estado": "Enviada",
            "fecha_creacion": "2026-10-07 09:05", "seleccion": {"proveedor_seleccionado": 1},
            "productos_cotizados": [
                {"codigo_producto": 41116105, "nombre_producto": "Reactivo de laboratorio", "descripcion": "Etanol absoluto 99,8% Winkler 1 L", "cantidad": 6, "precio_unitario": 17.9, "monto_total_producto": 107.4},
                {"codigo_producto": 41116105, "nombre_producto": "Reactivo de laboratorio", "descripcion": "Metanol HPLC Winkler 4 L", "cantidad": 2, "precio_unitario": 92.1, "monto_total_producto": 184.2},
            ],
        },
        {
            "id_cotizacion": 881402, "razon_social": "Distribuidora Científica del Pacífico Ltda.", "rut_proveedor": "77.123.456-9",
            "es_emt": 1, "valor_neto": 401.55, "total_impuesto": 76.29, "monto_despacho": 0, "monto_total": 477.84,
            "proveedor_seleccionado": 0, "estado": "Enviada", "fecha_creacion": "2026-10-06 17:21",
            "productos_cotizados": [
                {"codigo_producto": 41116105, "nombre_producto": "Reactivo de laboratorio", "descripcion": "Acetona p.a. 1 L", "cantidad": 4, "precio_unitario": 12.35, "monto_total_producto": 49.4},
                {"codigo_producto": 41116105, "nombre_producto": "Reactivo de laboratorio", "descripcion": "Ácido clorhídrico 37% 2,5 L", "cantidad": 3, "precio_unitario": 38.9, "monto_total_producto": 116.7},
                {"codigo_producto": 41116105, "nombre_producto": "Reactivo de laboratorio", "descripcion": "Hexano grado HPLC 4 L", "cantidad": 1, "precio_unitario": 121.15, "monto_total_producto": 121.15},
                {"codigo_producto": 12352104, "nombre_producto": "Etanol absoluto", "descripcion": "Etanol absoluto 1 L", "cantidad": 6, "precio_unitario": 19.05},
            ],
        },
        {
            "id_cotizacion": 881633, "razon_social": "Importadora Biolab Chile S.A.", "rut_proveedor": "96.812.340-8",
            "es_emt": 0, "valor_neto": 97.2, "total_impuesto": 18.47, "monto_despacho": 0, "monto_total": 115.67,
            "proveedor_seleccionado": 0, "estado": "Inadmisible", "fecha_creacion": "2026-10-07 12:30",
            "justificacion_inadmisibilidad": "No adjunta ficha técnica de los reactivos ofertados",
            "productos_cotizados": [
                {"codigo_producto": 41116105, "nombre_producto": "Reactivo de laboratorio", "descripcion": "Etanol absoluto 1 L", "cantidad": 6, "precio_unitario": 16.2, "monto_total_producto": 97.2},
            ],
        },
    ],
    "resumen": {"total_ofertas_recibidas": 4},
}  # fmt: skip

# Reports three received quotes but lists none (the API withholds them while it is being evaluated).
ASEO_SIN_OFERTAS = {
    "codigo": "1057490-64-COT26",
    "nombre": "Artículos de aseo para CESFAM Dr. Víctor Manuel Fernández",
    "estado": {"id_estado": 3, "codigo": "cerrada", "glosa": "Cerrada"},
    "fechas": {"fecha_publicacion": "2026-10-01 08:30", "fecha_cierre": "2026-10-06 16:00", "fecha_ultimo_cambio": "2026-10-06T19:00:41Z"},
    "presupuesto": {"moneda": "CLP", "monto_disponible": 850000, "monto_disponible_clp": 850000},
    "institucion": {"organismo_comprador": "I MUNICIPALIDAD DE CONCEPCION", "rut": "69.150.400-K", "unidad_compra": "Departamento de Salud Municipal", "region": 8},
    "productos_solicitados": [
        {"codigo_producto": 47131811, "nombre": "Detergente líquido", "descripcion": "Bidón 5 L", "cantidad": 20, "unidad_medida": "Unidad"},
    ],
    "proveedores_cotizando": [],
    "resumen": {"total_ofertas_recibidas": 3},
}  # fmt: skip


def fetch(sql: str, **params):
    with get_engine().connect() as conn:
        return conn.execute(text(sql), params).all()


@pytest.fixture
def fake():
    server = FakeMercadoPublico().start()
    yield server
    server.stop()


@pytest.fixture
def client(fake):
    waits: list[float] = []
    with CompraAgilClient(fake.url, TICKET, sleep=waits.append) as api:
        api.waits = waits
        yield api


@pytest.fixture
def quiet_cli(monkeypatch):
    """The CLI without its logging set-up, which would take over the test run's handlers."""
    monkeypatch.setattr(cli, "configure_logging", lambda service: None)


@pytest.fixture
def settings_for(monkeypatch, quiet_cli):
    """Point the settings at the fake API with a ticket (or none), as the CLI and the job read them."""

    def configure(fake: FakeMercadoPublico, ticket: str = TICKET) -> None:
        monkeypatch.setenv("MERCADOPUBLICO_API_URL", fake.url)
        monkeypatch.setenv("MERCADOPUBLICO_TICKET", ticket)
        get_settings.cache_clear()

    yield configure
    monkeypatch.undo()
    get_settings.cache_clear()


def source_lines_clp(record: dict) -> list[Decimal]:
    """Every quoted line's amount in CLP, computed from the record itself."""
    rate = Decimal(str((record["presupuesto"] or {}).get("valor_cambio_moneda") or 1))
    amounts = []
    for quote in record["proveedores_cotizando"]:
        for line in quote["productos_cotizados"]:
            amount = line.get("monto_total_producto")
            if amount is None:
                amount = Decimal(str(line["precio_unitario"])) * Decimal(str(line["cantidad"]))
            amounts.append(Decimal(str(amount)) * rate)
    return amounts


def test_detail_lands_in_clp_with_unit_prices_and_santiago_times():
    summary = import_records([DETAIL_USD], source="test")
    assert (summary.counts.inserted, summary.counts.rejected) == (1, 0)

    tender = fetch(
        "SELECT codigo, state, amount_available, closes_at, published_at, region, delivery_days FROM tenders"
    )
    assert tender == [
        ("4321-55-COT26", "cerrada", 470000, datetime(2026, 9, 23, 18, 0, tzinfo=UTC),
         datetime(2026, 9, 21, 12, 49, tzinfo=UTC), 8, 5)
    ]  # fmt: skip
    assert fetch("SELECT line_number, product_code, quantity, unit FROM tender_items ORDER BY 1") == [
        (1, "42132203", Decimal("20.0000"), "Caja"),
        (2, "42132205", Decimal("10.0000"), "Caja"),
    ]
    lines = fetch(
        "SELECT s.rut, s.size, l.line_number, p.name, l.unit_price, l.amount, l.winner, l.closing_date::text"
        " FROM quote_lines l JOIN suppliers s ON s.id = l.supplier_id JOIN products p ON p.id = l.product_id"
        " ORDER BY 1, 3"
    )
    assert lines == [
        ("76086428-5", "MiPyme", 1, "guantes de nitrilo talla m", Decimal("7990.0000"), Decimal("159800.0000"), True, "2026-09-23"),
        ("76086428-5", "MiPyme", 2, "guantes de nitrilo talla l", Decimal("7520.0000"), Decimal("75200.0000"), True, "2026-09-23"),
        ("78167575-K", None, 1, "guantes de nitrilo talla m", Decimal("8460.0000"), Decimal("169200.0000"), False, "2026-09-23"),
        ("78167575-K", None, 2, "guantes de nitrilo talla l", Decimal("8460.0000"), Decimal("84600.0000"), False, "2026-09-23"),
    ]  # fmt: skip
    assert fetch("SELECT s.rut, q.currency, q.total, q.total_clp, q.line_count FROM quotes q"
                 " JOIN suppliers s ON s.id = q.supplier_id ORDER BY 1") == [
        ("76086428-5", "USD", Decimal("297.5000"), Decimal("279650.0000"), 2),
        ("78167575-K", "USD", Decimal("321.3000"), Decimal("302022.0000"), 2),
    ]  # fmt: skip
    assert fetch("SELECT organismo, unit_code, rut, region FROM buyers") == [
        ("HOSPITAL DE LOS ANGELES", "4321", "61607300-1", 8)
    ]


def test_every_quote_and_line_of_a_real_record_is_stored_in_clp():
    summary = import_records([REACTIVOS_USD, ASEO_SIN_OFERTAS], source="test")
    assert (summary.counts.inserted, summary.counts.rejected) == (2, 0)

    quotes = fetch(
        "SELECT s.name, q.quote_number, q.source_quote_id, q.state, q.state_reason, q.winner, q.line_count"
        " FROM quotes q JOIN suppliers s ON s.id = q.supplier_id ORDER BY q.source_quote_id"
    )
    assert quotes == [
        ("Comercial Andes Lab SpA", 1, "881210", None, None, False, 2),
        ("Distribuidora Científica del Pacífico Ltda.", 1, "881402", None, None, False, 4),
        ("Comercial Andes Lab SpA", 2, "881577", None, None, True, 2),
        ("Importadora Biolab Chile S.A.", 1, "881633", "inadmisible",
         "No adjunta ficha técnica de los reactivos ofertados", False, 1),
    ]  # fmt: skip
    repeated = fetch(
        "SELECT l.line_number, l.description, l.quantity, l.unit_price FROM quote_lines l"
        " JOIN suppliers s ON s.id = l.supplier_id JOIN products p ON p.id = l.product_id"
        " WHERE s.rut = '77123456-9' AND p.name = 'reactivo de laboratorio' ORDER BY 1"
    )
    assert repeated == [
        (1, "Acetona p.a. 1 L", Decimal("4.0000"), Decimal("11649.3845")),
        (2, "Ácido clorhídrico 37% 2,5 L", Decimal("3.0000"), Decimal("36693.2030")),
        (3, "Hexano grado HPLC 4 L", Decimal("1.0000"), Decimal("114277.1605")),
    ]

    rate = Decimal("943.27")
    assert fetch("SELECT count(*), sum(amount) FROM quote_lines") == [
        (9, sum(source_lines_clp(REACTIVOS_USD)))
    ]
    source_totals = [Decimal(str(q["monto_total"])) * rate for q in REACTIVOS_USD["proveedores_cotizando"]]
    assert fetch("SELECT sum(total_clp), sum(total) FROM quotes WHERE currency = 'USD'") == [
        (sum(source_totals), Decimal("1299.77"))
    ]
    net_by_quote = fetch(
        "SELECT q.source_quote_id, sum(l.amount) FROM quote_lines l JOIN quotes q USING"
        " (closing_date, tender_codigo, supplier_id, quote_number) GROUP BY 1 ORDER BY 1"
    )
    assert net_by_quote == sorted(
        (str(q["id_cotizacion"]), Decimal(str(q["valor_neto"])) * rate)
        for q in REACTIVOS_USD["proveedores_cotizando"]
    )
    assert fetch("SELECT codigo, quotes_received FROM tenders ORDER BY codigo") == [
        ("1057490-64-COT26", 3),
        ("2318-112-COT26", 4),
    ]


SNAPSHOT = {
    "tenders": "SELECT xmin::text, ctid::text, t.* FROM tenders t ORDER BY id",
    "tender_items": "SELECT xmin::text, ctid::text, i.* FROM tender_items i ORDER BY tender_id, line_number",
    "quotes": "SELECT xmin::text, ctid::text, q.* FROM quotes q ORDER BY 4, 5, 6",
    "quote_lines": "SELECT xmin::text, ctid::text, l.* FROM quote_lines l ORDER BY 4, 5, 6, 7",
    "buyers": "SELECT xmin::text, b.* FROM buyers b ORDER BY id",
    "suppliers": "SELECT xmin::text, s.* FROM suppliers s ORDER BY id",
    "products": "SELECT xmin::text, p.* FROM products p ORDER BY id",
}


def snapshot() -> dict[str, list]:
    """Every stored row with its xmin (and ctid): a rewritten row, even an identical one, shows."""
    return {table: fetch(sql) for table, sql in SNAPSHOT.items()}


def test_reloading_unchanged_records_writes_nothing():
    records = [REACTIVOS_USD, DETAIL_USD, ASEO_SIN_OFERTAS]
    import_records(copy.deepcopy(records), source="primera carga")
    before = snapshot()

    again = import_records(copy.deepcopy(records), source="segunda carga")
    c = again.counts
    assert (c.read, c.inserted, c.updated, c.unchanged, c.rejected) == (3, 0, 0, 3, 0)
    assert snapshot() == before
    assert len(before["quote_lines"]) == 9 + 4


def test_a_changed_price_updates_its_line_and_a_removed_quote_is_deleted():
    import_records([copy.deepcopy(REACTIVOS_USD)], source="primera carga")
    before = snapshot()

    changed = copy.deepcopy(REACTIVOS_USD)
    acid = changed["proveedores_cotizando"][2]["productos_cotizados"][1]
    acid.update(precio_unitario=36.5, monto_total_producto=109.5)
    summary = import_records([copy.deepcopy(changed)], source="precio corregido")
    assert (summary.counts.updated, summary.counts.unchanged) == (1, 0)

    after = snapshot()
    line = fetch(
        "SELECT l.unit_price, l.amount FROM quote_lines l JOIN suppliers s ON s.id = l.supplier_id"
        " WHERE s.rut = '77123456-9' AND l.line_number = 2"
    )
    assert line == [(Decimal("34429.3550"), Decimal("103288.0650"))]
    rewritten = [row for row in after["quote_lines"] if row not in before["quote_lines"]]
    supplier = dict(fetch("SELECT rut, id FROM suppliers"))
    assert [(r.supplier_id, r.quote_number, r.line_number) for r in rewritten] == [
        (supplier["77123456-9"], 1, 2)
    ]
    assert after["tender_items"] == before["tender_items"]
    assert after["tenders"][0].updated_at > before["tenders"][0].updated_at

    del changed["proveedores_cotizando"][1]
    changed["productos_solicitados"].pop()
    changed["fechas"]["fecha_ultimo_cambio"] = "2026-10-09 10:30"
    summary = import_records([changed], source="cotización retirada")
    assert summary.counts.updated == 1
    assert fetch("SELECT source_quote_id FROM quotes ORDER BY 1") == [("881210",), ("881402",), ("881633",)]
    lines_per_quote = fetch(
        "SELECT s.rut, l.quote_number, count(*) FROM quote_lines l JOIN suppliers s ON s.id = l.supplier_id"
        " GROUP BY 1, 2 ORDER BY 1, 2"
    )
    assert lines_per_quote == [("76543210-3", 1, 2), ("77123456-9", 1, 4), ("96812340-8", 1, 1)]
    assert fetch("SELECT line_number FROM tender_items ORDER BY 1") == [(1,), (2,)]
    assert fetch("SELECT source_changed_at FROM tenders") == [(datetime(2026, 10, 9, 13, 30, tzinfo=UTC),)]


def test_a_record_that_cannot_be_read_is_kept_as_a_reject():
    broken = {**copy.deepcopy(DETAIL_USD), "presupuesto": {"moneda": "UTF", "monto_disponible": 10}}
    summary = import_records([broken, {"nombre": "sin código"}], source="test")
    assert (summary.counts.read, summary.counts.inserted, summary.counts.rejected) == (2, 0, 2)
    reasons = [reason for (reason,) in fetch("SELECT reason FROM import_rejects ORDER BY line_number")]
    assert reasons == ["montos en UTF sin tipo de cambio a CLP", "registro sin código"]


def test_429_is_honoured_with_retry_after(fake, client):
    fake.records["4321-55-COT26"] = DETAIL_USD
    fake.fail(
        Failure("/v2/compra-agil/4321", 429, {"success": "NOK", "errors": ["cuota"]}, {"Retry-After": "7"})
    )
    assert client.detail("4321-55-COT26")["codigo"] == "4321-55-COT26"
    assert client.waits == [7.0]


def test_nok_envelope_and_missing_filter_are_clear_errors(fake, client):
    with pytest.raises(ApiError, match="NOK: .*no existe"):
        client.detail("0-0-COT26")
    with pytest.raises(ApiError, match="al menos un filtro"):
        client.list_page()
    raw = client._http.get("/v2/compra-agil")
    assert raw.status_code == 500


def _records(count: int, base: datetime, step: timedelta = timedelta(minutes=1)) -> dict[str, dict]:
    """`count` processes changed every `step` from `base`; every other one dated in the API's local
    form (`2026-09-23 09:49`), the rest in ISO."""
    records = {}
    for number in range(count):
        record = copy.deepcopy(DETAIL_USD)
        record["codigo"] = f"4321-{number}-COT26"
        changed = base + step * number
        record["fechas"]["fecha_ultimo_cambio"] = (
            changed.strftime("%Y-%m-%dT%H:%M:%S.000Z") if number % 2 else api_time(changed)
        )
        records[record["codigo"]] = record
    return records


def test_sync_pages_through_and_resumes_after_a_failed_page(fake, client):
    now = datetime.now(UTC)
    fake.records = _records(120, now - timedelta(hours=4))
    fake.fail(Failure("/v2/compra-agil", 500, times=5, query="numero_pagina=2"))

    with pytest.raises(SyncFailed, match="la próxima sincronización sigue desde ahí"):
        sync_changes(client, now=now)
    assert fetch("SELECT count(*) FROM tenders") == [(50,)]
    assert fetch("SELECT cursor FROM sync_state") == [(now - OVERLAP,)]
    assert fetch("SELECT status FROM import_runs") == [("failed",)]
    fetched_first = len(fake.detail_requests())

    resumed = sync_changes(client, now=now)
    assert (resumed.counts.read, resumed.counts.inserted, resumed.counts.unchanged) == (120, 70, 50)
    assert len(fake.detail_requests()) - fetched_first == 70
    assert fetch("SELECT count(*), count(DISTINCT codigo) FROM tenders") == [(120, 120)]
    assert fetch("SELECT count(*), count(DISTINCT tender_codigo) FROM quotes") == [(240, 120)]
    assert fetch("SELECT count(*) FROM quote_lines") == [(480,)]

    fake.records["4321-7-COT26"]["estado"] = {"id_estado": 6, "codigo": "desierta", "glosa": "Desierta"}
    fake.records["4321-7-COT26"]["fechas"]["fecha_ultimo_cambio"] = api_time(now + timedelta(minutes=10))
    fetched = len(fake.detail_requests())
    later = sync_changes(client, now=now + timedelta(minutes=30))
    assert (later.counts.inserted, later.counts.updated, later.counts.unchanged) == (0, 1, 119)
    assert len(fake.detail_requests()) - fetched == 1
    assert fetch("SELECT state FROM tenders WHERE codigo = '4321-7-COT26'") == [("desierta",)]


def test_windows_are_sent_in_santiago_local_time_and_overlap_the_cursor(fake, client):
    now = datetime(2026, 10, 8, 18, 30, tzinfo=UTC)
    sync_changes(client, now=now)
    sync_changes(client, now=now + timedelta(minutes=30))
    sent = [(query["cambio_desde"], query["cambio_hasta"]) for query in fake.list_queries]
    assert sent == [
        ("2026-10-06 10:30", "2026-10-07 10:30"),
        ("2026-10-07 10:30", "2026-10-08 10:30"),
        ("2026-10-08 10:30", "2026-10-08 15:30"),
        ("2026-10-08 10:30", "2026-10-08 16:00"),
    ]


def test_sync_since_backfills_the_range_and_a_second_sync_adds_nothing(fake, client):
    now = datetime.now(UTC)
    since = (now - timedelta(days=4)).astimezone(SANTIAGO).date()
    fake.records = _records(60, now - timedelta(days=4), step=timedelta(minutes=95))
    progress: list[tuple[int, float]] = []

    summary = sync_changes(client, since=since, now=now, progress=lambda *done: progress.append(done))
    # windows overlap (sent to the minute, as the API reads them): a record on a boundary is listed
    # twice and stored once
    assert summary.counts.inserted == 60 <= summary.counts.read
    assert summary.counts.read - summary.counts.inserted == summary.counts.unchanged
    assert fetch("SELECT count(*) FROM tenders") == [(60,)]
    assert fake.list_queries[0]["cambio_desde"] == api_time(
        datetime.combine(since, time(), SANTIAGO) - OVERLAP
    )
    planned = list(windows(datetime.combine(since, time(), SANTIAGO) - OVERLAP, now))
    assert progress[-1] == (summary.counts.read, 1.0) and len(progress) == len(planned), (
        "one report per window"
    )
    assert fetch("SELECT name, cursor FROM sync_state ORDER BY 1") == [
        ("compra_agil_v2", now),
        (f"compra_agil_v2 desde {since.isoformat()}", now),
    ]

    details = len(fake.detail_requests())
    for again in (sync_changes(client, since=since, now=now), sync_changes(client, now=now)):
        assert (again.counts.inserted, again.counts.updated, again.counts.rejected) == (0, 0, 0)
        assert again.counts.unchanged == again.counts.read > 0
    assert len(fake.detail_requests()) == details


def test_a_failed_backfill_resumes_where_it_stopped(fake, client):
    now = datetime.now(UTC)
    since = (now - timedelta(days=4)).astimezone(SANTIAGO).date()
    fake.records = _records(60, now - timedelta(days=4), step=timedelta(minutes=95))
    planned = list(windows(datetime.combine(since, time(), SANTIAGO) - OVERLAP, now))
    fake.fail(Failure("/v2/compra-agil", 503, times=5, query=f"cambio_desde={api_time(planned[2][0])}"))

    with pytest.raises(SyncFailed, match=f"vuelva a ejecutar `python -m compraagil sync --since {since}`"):
        sync_changes(client, since=since, now=now)
    assert fetch("SELECT name, cursor FROM sync_state") == [
        (f"compra_agil_v2 desde {since.isoformat()}", planned[1][1])
    ]
    stored = fetch("SELECT count(*) FROM tenders")[0][0]
    assert 0 < stored < 60
    fake.list_queries.clear()
    details = len(fake.detail_requests())

    resumed = sync_changes(client, since=since, now=now)
    assert fake.list_queries[0]["cambio_desde"] == api_time(planned[1][1] - OVERLAP)
    assert resumed.counts.inserted == 60 - stored
    assert len(fake.detail_requests()) - details == 60 - stored
    assert fetch("SELECT count(*), count(DISTINCT codigo) FROM tenders") == [(60, 60)]


def test_a_window_over_the_api_cap_is_split(fake, client, monkeypatch):
    monkeypatch.setattr(sync, "RESULTS_CAP", 40)
    now = datetime.now(UTC)
    fake.records = _records(60, now - timedelta(hours=3))
    summary = sync_changes(client, now=now)
    assert (summary.counts.inserted, fetch("SELECT count(*) FROM tenders")) == (60, [(60,)])
    assert len({query["cambio_desde"] for query in fake.list_queries}) > 3


def test_cli_and_job_run_the_same_sync(fake, settings_for, capsys):
    fake.records = _records(12, datetime.now(UTC) - timedelta(days=3), step=timedelta(hours=5))
    settings_for(fake)
    since = (datetime.now(UTC) - timedelta(days=3)).astimezone(SANTIAGO).date()

    assert cli.main(["sync", "--since", since.isoformat()]) == 0
    assert "nuevas 12" in capsys.readouterr().out
    assert "nuevas 0 · actualizadas 0" in sync_api(since.isoformat())
    assert "nuevas 0 · actualizadas 0" in sync_api()


def test_without_a_ticket_cli_and_job_fail_with_the_same_spanish_message(fake, settings_for, capsys):
    settings_for(fake, ticket="")
    assert cli.main(["sync"]) == 2
    message = capsys.readouterr().err.strip()
    assert message.startswith("error: MERCADOPUBLICO_TICKET no está configurado")
    with pytest.raises(ConfigurationError) as raised:
        sync_api()
    assert message == f"error: {raised.value}"
    assert cli.main(["sync", "--since", "2026-13-01"]) == 2
    assert "AAAA-MM-DD" in capsys.readouterr().err


def test_load_api_json_reads_every_shape_people_save(tmp_path, capsys, quiet_cli):
    one, two, three, four, five = (copy.deepcopy(DETAIL_USD) for _ in range(5))
    for number, record in enumerate((one, two, three, four, five), start=1):
        record["codigo"] = f"4321-{number}-COT26"
    del five["codigo"]
    shapes = {
        "registro.json": one,
        "lista.json": [two],
        "detalle.json": {"success": "OK", "trace": None, "payload": three, "errors": None},
        "listado.json": {"success": "OK", "payload": {"items": [four], "paginacion": {"total_paginas": 1}}},
        "por_codigo.json": {"4321-5-COT26": five, "2318-112-COT26": REACTIVOS_USD},
    }
    paths = []
    for name, document in shapes.items():
        paths.append(tmp_path / name)
        paths[-1].write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    assert cli.main(["load-api-json", *map(str, paths)]) == 0
    assert "leídas 6 · nuevas 6" in capsys.readouterr().out
    assert fetch("SELECT codigo FROM tenders ORDER BY codigo") == [
        ("2318-112-COT26",),
        *[(f"4321-{n}-COT26",) for n in range(1, 6)],
    ]


def test_load_api_json_refuses_a_file_that_is_not_json(tmp_path, capsys, quiet_cli):
    broken = tmp_path / "exportado.json"
    broken.write_text('{"codigo": "4321-1-COT26",\n "nombre": }', encoding="utf-8")
    assert cli.main(["load-api-json", str(broken)]) == 1
    err = capsys.readouterr().err
    assert err == f"error: {broken}: no es un JSON válido (línea 2, columna 12)\n"
    assert fetch("SELECT count(*) FROM import_runs") == [(0,)]


def test_import_month_downloads_from_the_configured_server(fake, monkeypatch):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("COT1_2026-03.csv", (header() + "\r\n" + row() + "\r\n").encode("cp1252"))
    fake.files["COT_2026-03.zip"] = archive.getvalue()
    monkeypatch.setenv("COT_BASE_URL", fake.url + "/trnspchc")
    get_settings.cache_clear()
    try:
        summary = import_month(datetime(2026, 3, 1).date())
        with pytest.raises(MonthNotPublished, match="COT_2026-04"):
            import_month(datetime(2026, 4, 1).date())
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert summary.counts.inserted == 1
    assert fetch("SELECT kind, source FROM import_runs WHERE status = 'succeeded'") == [
        ("cot_month", fake.url + "/trnspchc/COT_2026-03.zip")
    ]
