"""Test data builders shared by test modules: accounts, API keys, alerts, COT histories (the
seven-process paper one, the forty-process gloves price history, a pipeline's quotes), API v2
records (open tenders, a detail in USD, the embedding tenders), the history's monthly partitions,
and the few helpers that land or read them (`call`, `sync`, `land`, `embed`, `analyze`)."""

import copy
import random
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, text

from compraagil.accounts.companies import update_company
from compraagil.accounts.demo import create_account
from compraagil.alerts import service as alert_service
from compraagil.alerts.delivery import deliver
from compraagil.alerts.logic import AlertInput, Frequency
from compraagil.alerts.matching import match_pending_runs
from compraagil.api_keys.service import create_key
from compraagil.chile.dates import SANTIAGO
from compraagil.chile.rut import Rut, check_digit, format_rut
from compraagil.db import session_scope
from compraagil.embeddings.providers import LocalEmbedder
from compraagil.embeddings.store import embed_pending
from compraagil.ingest.api_v2.files import import_records
from compraagil.ingest.cot.importer import import_cot_file
from compraagil.pricing.service import PriceQuery, analyze_prices
from tests.cot_files import header, row, write_csv

PASSWORD = "claves-y-candados-26"
PAPER_CODES = [f"2345-{number}-COT26" for number in range(1, 8)]
"""The Compras Ágiles of `paper_history`: one buyer, one supplier (78.167.575-K), seven processes."""


def account(email: str, plan: str = "PROFESIONAL") -> tuple[int, int]:
    """A verified owner of a new company on `plan`: (user id, company id)."""
    with session_scope() as session:
        user = create_account(session=session, email=email, password=PASSWORD, plan=plan, company=email)
        return user.id, user.company_id


def api_key(user_id: int, company_id: int, name: str = "ERP") -> str:
    """A new API key's secret."""
    with session_scope() as session:
        return create_key(session=session, user_id=user_id, company_id=company_id, name=name).secret


def paper_history(folder: Path) -> None:
    """Import seven Compras Ágiles of «Resma papel carta» (PAPER_CODES)."""
    lines = [
        row(CodigoCotizacion=codigo, NombreCotizacion=f"Resmas de papel carta lote {n}", ProductoCotizado="Resma papel carta")
        for n, codigo in enumerate(PAPER_CODES)
    ]  # fmt: skip
    import_cot_file(write_csv(folder / "cot.csv", [header(), *lines]))


HISTORY_TABLES = ("quotes", "quote_lines")


def ensure_month_partitions(conn: Connection, days: Iterable[date]) -> list[str]:
    """Create the partitions of `quotes` and `quote_lines` for the months of `days` that lack
    them; returns their names."""
    months = sorted({day.replace(day=1) for day in days})
    return [
        conn.execute(
            text("SELECT ensure_month_partition(:table, :month)"), {"table": table, "month": month}
        ).scalar_one()
        for month in months
        for table in HISTORY_TABLES
    ]


def call(function, **kwargs):
    """`function(session=…, **kwargs)` in its own session (committed when it returns); its result."""
    with session_scope() as session:
        return function(session=session, **kwargs)


# Accounts ---------------------------------------------------------------------------------------

USER_PASSWORD = "guantes-y-resmas-26"
OWNER_PASSWORD = "pilas-y-cargadores-26"


def user_account(email: str, plan: str = "PROFESIONAL") -> int:
    """A verified owner of a new company on `plan`: the user id only."""
    with session_scope() as session:
        return create_account(
            session=session, email=email, password=USER_PASSWORD, plan=plan, company=email
        ).id


def company_owner(email: str, rut: str | None = None, plan: str = "FREE") -> tuple[int, int]:
    """A new company's owner, on FREE unless `plan` says otherwise, the company's RUT set when `rut`
    is given: (user id, company id)."""
    with session_scope() as session:
        user = create_account(session=session, email=email, password=OWNER_PASSWORD, plan=plan, company=email)
        if rut:
            update_company(session=session, user_id=user.id, company_id=user.company_id, name=email, rut=rut)
        return user.id, user.company_id


# API v2 records and alerts ----------------------------------------------------------------------


def record(
    codigo: str,
    name: str,
    *,
    region: int = 16,
    amount: int = 150_000,
    closes_in: timedelta = timedelta(days=3),
) -> dict:
    """An open Compra Ágil as the API v2 gives it."""
    now = datetime.now(SANTIAGO)
    return {
        "codigo": codigo,
        "nombre": name,
        "descripcion": f"Se requiere {name.lower()} para el Cesfam.",
        "estado": {"codigo": "publicada", "glosa": "Publicada"},
        "fechas": {
            "fecha_publicacion": (now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
            "fecha_cierre": (now + closes_in).strftime("%Y-%m-%d %H:%M"),
            "fecha_ultimo_cambio": now.isoformat(),
        },
        "presupuesto": {"moneda": "CLP", "monto_disponible": amount, "monto_disponible_clp": amount, "valor_cambio_moneda": 1},
        "institucion": {
            "organismo_comprador": "Ilustre Municipalidad de Chillán", "rut": "69.140.900-7",
            "unidad_compra": "Salud Chillán", "region": region,
        },
        "productos_solicitados": [{"codigo_producto": 42132203, "nombre": name, "descripcion": name, "cantidad": 10, "unidad_medida": "Caja"}],
    }  # fmt: skip


GLOVES_RECORD = record("1001-1-COT26", "Guantes de nitrilo talla M")
PAPER_RECORD = record("1001-2-COT26", "Resmas de papel carta")


def new_alert(user_id: int, **fields):
    """A new alert of `user_id` with `fields` (those of AlertInput)."""
    return call(alert_service.create_alert, user_id=user_id, fields=AlertInput(**fields))


def sync(*records: dict) -> None:
    """Land the records as an import run, then run the matching and the instant delivery jobs' work."""
    import_records([copy.deepcopy(r) for r in records], source="test")
    call(match_pending_runs)
    call(deliver, frequency=Frequency.INSTANT)


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


NOW = datetime.now(UTC)
"""When this module was imported: the clock of `tender`'s dates."""


def tender(
    codigo: str,
    name: str,
    *,
    items: list[str],
    region: int,
    amount: int,
    closes_in: timedelta,
    state="publicada",
):
    """A tender in `state` as the API v2 gives it, shaped like DETAIL_USD without quotes: one
    requested line per item, an amount in CLP, dates around NOW."""
    record = copy.deepcopy(DETAIL_USD)
    record.update(codigo=codigo, nombre=name, descripcion=f"Requerimiento: {name}", proveedores_cotizando=[])
    record["estado"] = {"codigo": state}
    record["presupuesto"] = {"moneda": "CLP", "monto_disponible": amount, "monto_disponible_clp": amount}
    record["institucion"] = {**record["institucion"], "region": region}
    record["fechas"] = {
        "fecha_publicacion": (NOW - timedelta(days=1)).isoformat(),
        "fecha_cierre": (NOW + closes_in).isoformat(),
        "fecha_ultimo_cambio": NOW.isoformat(),
    }
    record["productos_solicitados"] = [
        {"codigo_producto": 1, "nombre": item, "cantidad": 1} for item in items
    ]
    return record


# The tenders of the embedding tests: two about gloves, one about paper.
NITRILE_RECORD = record("3001-1-COT26", "Guantes de nitrilo talla M caja 100 unidades")
LATEX_RECORD = record("3001-2-COT26", "Guantes quirúrgicos de látex estériles")
LETTER_PAPER_RECORD = record("3001-3-COT26", "Resmas de papel tamaño carta")


def land(*records: dict) -> None:
    """Import copies of the records as an import run (nothing else runs)."""
    import_records([copy.deepcopy(r) for r in records], source="test")


def embed(embedder=None) -> int:
    """Embed every pending tender with `embedder` (the offline model by default); how many."""
    with session_scope() as session:
        return embed_pending(session=session, embedder=embedder or LocalEmbedder())


# COT histories ----------------------------------------------------------------------------------

TODAY = date(2026, 11, 20)
"""The day `gloves_history` and `analyze` read the prices on."""
GLOVES_PRODUCT = "Guantes de nitrilo talla M caja 100"
"""The product of `gloves_history` (a product name, not a record)."""


def rut(body: int) -> str:
    """The RUT `body` with its check digit, formatted (76.100.000-…)."""
    return format_rut(Rut(body, check_digit(body)))


def gloves_history(folder: Path) -> None:
    """Import forty Compras Ágiles of «Guantes de nitrilo talla M caja 100» and «Cloro líquido 5 litros» closed every 15 days
    before TODAY, three offers each (one in Chillán for every two in Santiago, 15 % dearer there; one
    typed sixty times too high), the cheapest one the winner."""
    rng = random.Random(3)
    lines = [header()]
    for number in range(40):
        closing = TODAY - timedelta(days=15 * number + 3)
        chillan = number % 3 == 0
        unit = (
            {"CodigoUnidaddeCompra": "2345", "Region": "Región de Ñuble"}
            if chillan
            else {
                "CodigoUnidaddeCompra": "7777",
                "Region": "Región Metropolitana de Santiago",
                "RazonSocialUnidaddeCompra": "Hospital San José",
                "RUTUnidaddeCompra": rut(61608000),
            }
        )
        offers = sorted(
            round(6500 * (1.15 if chillan else 1.0) * rng.lognormvariate(0, 0.1)) for _ in range(3)
        )
        if number == 7:
            offers[2] = offers[2] * 60  # a typing error in the source: an outlier
        for position, price in enumerate(offers):
            lines.append(
                row(
                    CodigoCotizacion=f"500-{number}-COT26",
                    FechaCierreParaCotizar=closing.isoformat(),
                    FechaPublicacionParaCotizar=(closing - timedelta(days=2)).isoformat(),
                    ProductoCotizado=GLOVES_PRODUCT,
                    CodigoProducto="42132203",
                    CantidadSolicitada="10",
                    MontoTotal=str(price * 10),
                    ProveedorSeleccionado="si" if position == 0 else "no",
                    RUTProveedor=rut(76_100_000 + position),
                    RazonSocialProveedor=f"Proveedor {position + 1} SpA",
                    **unit,
                )
            )
            lines.append(
                row(
                    CodigoCotizacion=f"500-{number}-COT26",
                    FechaCierreParaCotizar=closing.isoformat(),
                    ProductoCotizado="Cloro líquido 5 litros",
                    CodigoProducto="47131801",
                    CantidadSolicitada="2",
                    MontoTotal=str(round(3490 * 2 * rng.uniform(0.9, 1.1))),
                    ProveedorSeleccionado="no",
                    RUTProveedor=rut(76_100_000 + position),
                    RazonSocialProveedor=f"Proveedor {position + 1} SpA",
                    **unit,
                )
            )
    import_cot_file(write_csv(folder / "prices.csv", lines))  # fmt: skip


def analyze(**fields):
    """The price analysis of PriceQuery(**fields) as on TODAY."""
    with session_scope() as session:
        return analyze_prices(session=session, query=PriceQuery(**fields), today=TODAY)


# The pipeline's history: our company (ME), a competitor (Y), and three processes.
ME = {"RazonSocialProveedor": "Comercial Ñandú SpA", "RUTProveedor": "78.167.575-K"}
Y = {"RazonSocialProveedor": "Ferretería Lautaro Ltda.", "RUTProveedor": "76.086.428-5"}
WON, LOST, MINE = "2345-1-COT26", "2345-2-COT26", "2345-3-COT26"


def quote(codigo: str, supplier: dict, total: str, won: bool = False) -> str:
    """A COT line: `supplier` quoted `total` on Compra Ágil `codigo`, selected when `won`."""
    return row(
        CodigoCotizacion=codigo,
        NombreCotizacion=f"Baterías {codigo}",
        **supplier,
        MontoTotal=total,
        ProveedorSeleccionado="si" if won else "no",
    )


def cot_history(folder: Path, name: str, lines: list[str]) -> None:
    """Import the COT `lines` (under a header) from the file `name` in `folder`."""
    import_cot_file(write_csv(folder / name, [header(), *lines]))
