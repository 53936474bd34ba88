import copy
import io
import zipfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from compraagil.config import get_settings
from compraagil.db import get_engine
from compraagil.ingest.api_v2.client import ApiError, CompraAgilClient
from compraagil.ingest.api_v2.files import import_records
from compraagil.ingest.api_v2.sync import SyncFailed, sync_changes
from compraagil.ingest.download import MonthNotPublished
from compraagil.ingest.months import import_month
from tests.cot_files import header, row
from tests.fakes.mercadopublico import TICKET, Failure, FakeMercadoPublico

# A detail record in the documented shape: local and ISO dates mixed, 0/1 flags, an amount in USD
# with the API's own exchange rate, two suppliers quoting two lines each.
DETAIL_USD = {
    "codigo": "4321-55-COT26",
    "nombre": "Adquisición de guantes de nitrilo",
    "descripcion": "Guantes para el servicio de urgencia",
    "estado": {"id_estado": 3, "codigo": "cerrada", "glosa": "Cerrada"},
    "fechas": {
        "fecha_publicacion": "2026-09-21 09:49",
        "fecha_cierre": "2026-09-23 15:00",
        "fecha_ultimo_cambio": "2026-09-23T18:00:12.733Z",
    },
    "presupuesto": {"moneda": "USD", "monto_disponible": 500, "monto_disponible_clp": 470000, "valor_cambio_moneda": 940},
    "institucion": {
        "organismo_comprador": "HOSPITAL DE LOS ANGELES",
        "rut": "61.607.300-1",
        "unidad_compra": "Abastecimiento",
        "region": 8,
        "nombre_region": "Región del Biobío ",
    },
    "entrega": {"direccion_entrega": "Av. Ricardo Vicuña 147", "plazo_entrega_dias": 5},
    "productos_solicitados": [
        {"codigo_producto": 42132203, "nombre": "Guantes de nitrilo", "descripcion": "Talla M, caja 100", "cantidad": 20, "unidad_medida": "Caja"},
        {"codigo_producto": 42132205, "nombre": "Guantes de nitrilo", "descripcion": "Talla L, caja 100", "cantidad": 10, "unidad_medida": "Caja"},
    ],
    "proveedores_cotizando": [
        {
            "razon_social": "Comercial Biobío SpA", "rut_proveedor": "76.086.428-5", "es_emt": 1,
            "valor_neto": 250, "total_impuesto": 47.5, "monto_total": 297.5, "proveedor_seleccionado": 1,
            "productos_cotizados": [
                {"codigo_producto": 42132203, "nombre_producto": "Guantes de nitrilo talla M", "cantidad": 20, "precio_unitario": 8.5, "monto_total_producto": 170},
                {"codigo_producto": 42132205, "nombre_producto": "Guantes de nitrilo talla L", "cantidad": 10, "precio_unitario": 8, "monto_total_producto": 80},
            ],
        },
        {
            "razon_social": "Insumos Médicos del Sur Ltda.", "rut_proveedor": "78.167.575-K", "es_emt": 0,
            "monto_total": 321.3, "proveedor_seleccionado": 0,
            "productos_cotizados": [
                {"codigo_producto": 42132203, "nombre_producto": "Guantes de nitrilo talla M", "cantidad": 20, "precio_unitario": 9},
                {"codigo_producto": 42132205, "nombre_producto": "Guantes de nitrilo talla L", "cantidad": 10, "precio_unitario": 9},
            ],
        },
    ],
    "resumen": {"total_ofertas_recibidas": 2},
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
    quotes = fetch(
        "SELECT s.rut, s.size, p.name, q.unit_price, q.amount, q.winner, q.closing_date::text FROM quotes q"
        " JOIN suppliers s ON s.id = q.supplier_id JOIN products p ON p.id = q.product_id ORDER BY 1, 3"
    )
    assert quotes == [
        ("76086428-5", "MiPyme", "guantes de nitrilo talla l", Decimal("7520.0000"), Decimal("75200.00"), True, "2026-09-23"),
        ("76086428-5", "MiPyme", "guantes de nitrilo talla m", Decimal("7990.0000"), Decimal("159800.00"), True, "2026-09-23"),
        ("78167575-K", None, "guantes de nitrilo talla l", Decimal("8460.0000"), Decimal("84600.00"), False, "2026-09-23"),
        ("78167575-K", None, "guantes de nitrilo talla m", Decimal("8460.0000"), Decimal("169200.00"), False, "2026-09-23"),
    ]  # fmt: skip
    assert fetch("SELECT organismo, unit_code, rut, region FROM buyers") == [
        ("HOSPITAL DE LOS ANGELES", "4321", "61607300-1", 8)
    ]


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


def _records(count: int, base: datetime) -> dict[str, dict]:
    records = {}
    for number in range(count):
        record = copy.deepcopy(DETAIL_USD)
        record["codigo"] = f"4321-{number}-COT26"
        record["fechas"]["fecha_ultimo_cambio"] = (base + timedelta(minutes=number)).strftime(
            "%Y-%m-%dT%H:%M:%S.000Z"
        )
        records[record["codigo"]] = record
    return records


def test_sync_pages_through_and_resumes_after_a_failed_page(fake, client):
    now = datetime.now(UTC)
    fake.records = _records(120, now - timedelta(hours=5))
    fake.fail(Failure("/v2/compra-agil", 500, times=5, query="numero_pagina=2"))

    with pytest.raises(SyncFailed):
        sync_changes(client, now=now)
    assert fetch("SELECT count(*) FROM tenders") == [(50,)]
    assert fetch("SELECT count(*) FROM sync_state") == [(0,)]
    assert fetch("SELECT status FROM import_runs") == [("failed",)]
    fetched_first = len(fake.detail_requests())

    resumed = sync_changes(client, now=now)
    assert (resumed.counts.read, resumed.counts.inserted, resumed.counts.unchanged) == (120, 70, 50)
    assert len(fake.detail_requests()) - fetched_first == 70
    assert fetch("SELECT count(*), count(DISTINCT codigo) FROM tenders") == [(120, 120)]
    assert fetch("SELECT count(*) FROM quotes") == [(120 * 4,)]

    fake.records["4321-7-COT26"]["estado"] = {"id_estado": 6, "codigo": "desierta", "glosa": "Desierta"}
    fake.records["4321-7-COT26"]["fechas"]["fecha_ultimo_cambio"] = (now + timedelta(minutes=10)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    later = sync_changes(client, now=now + timedelta(minutes=30))
    assert (later.counts.read, later.counts.updated) == (1, 1)
    assert fetch("SELECT state FROM tenders WHERE codigo = '4321-7-COT26'") == [("desierta",)]


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
