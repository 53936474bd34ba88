"""Compra Ágil processes as the API v2 describes them in detail records: open ones, and closed ones
with their quotes in the real shape (a supplier quoting twice, inadmissible quotes, USD budgets,
quotes counted but not listed, local and ISO dates mixed)."""

import random
from datetime import UTC, datetime, timedelta

from compraagil.chile.dates import SANTIAGO
from compraagil.chile.regions import REGIONS
from compraagil.ingest.synthetic.processes import Line, Process, ProcessFactory

OPEN_STATE = {"id_estado": 2, "codigo": "publicada", "glosa": "Publicada"}
CLOSED_STATES = {
    "OC Emitida": {"id_estado": 3, "codigo": "cerrada", "glosa": "Cerrada"},
    "Proveedor seleccionado": {"id_estado": 3, "codigo": "cerrada", "glosa": "Cerrada"},
    "Cancelada": {"id_estado": 5, "codigo": "cancelada", "glosa": "Cancelada"},
    "Desierta": {"id_estado": 6, "codigo": "desierta", "glosa": "Desierta"},
}
IVA = 0.19
USD_SHARE = 0.04  # of closed records: budget and quotes in US dollars
UNLISTED_QUOTES_SHARE = 0.05  # of closed records: quotes counted in `resumen` but not listed


def _local(moment: datetime) -> str:
    """The API's local form, `2026-09-23 09:49`."""
    return moment.astimezone(SANTIAGO).strftime("%Y-%m-%d %H:%M")


def _iso(moment: datetime) -> str:
    """The API's ISO form in UTC, `2026-09-23T12:49:00.000Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _closing_time(rng: random.Random, moment: datetime) -> datetime:
    """`moment` in Santiago time on a quarter hour, as buyers set closing times."""
    return moment.astimezone(SANTIAGO).replace(minute=rng.choice([0, 15, 30, 45]), second=0, microsecond=0)


def _round(value: float, rate: float | None) -> int | float:
    """Whole pesos in a CLP record, dollars with cents in a USD one."""
    return round(value) if rate is None else round(value, 2)


def _money(clp: int, rate: float | None) -> int | float:
    """A CLP amount as the record states it: as is, or in US dollars at `rate` CLP each."""
    return clp if rate is None else round(clp / rate, 2)


def _budget(process: Process, rate: float | None) -> dict:
    return {
        "moneda": "CLP" if rate is None else "USD",
        "monto_disponible": _money(process.amount_available, rate),
        "monto_disponible_clp": process.amount_available,
        "valor_cambio_moneda": 1 if rate is None else rate,
    }


def _quoted_product(process: Process, line: Line, price: int, rate: float | None) -> dict:
    unit_price = _money(price, rate)
    return {
        "codigo_producto": int(line.product.code),
        "nombre_producto": line.product.name,
        "descripcion": process.offer(line),
        "cantidad": line.quantity,
        "precio_unitario": unit_price,
        "monto_total_producto": _round(unit_price * line.quantity, rate),
    }


def _quote(process: Process, index: int, rate: float | None) -> dict:
    """One entry of `proveedores_cotizando[]`: the quote, its taxes, state and quoted products,
    the amounts adding up in the record's currency."""
    quote = process.quotes[index]
    products = [
        _quoted_product(process, line, price, rate)
        for line, price in zip(process.lines, quote.unit_prices, strict=True)
    ]
    net = _round(sum(product["monto_total_producto"] for product in products), rate)
    tax = _round(net * IVA, rate)
    return {
        "id_cotizacion": quote.id,
        "rut_proveedor": quote.supplier.rut,
        "razon_social": quote.supplier.name,
        "es_emt": int(quote.supplier.size == "MiPyme"),
        "valor_neto": net,
        "total_impuesto": tax,
        "monto_total": _round(net + tax, rate),
        "proveedor_seleccionado": int(index == process.winner),
        "estado": "Enviada" if quote.inadmissible is None else "Inadmisible",
        "justificacion_inadmisibilidad": quote.inadmissible,
        "productos_cotizados": products,
    }


def _record(
    process: Process, *, estado: dict, fechas: dict, rate: float | None, quotes: list[dict], received: int
) -> dict:
    """A detail record of `process` with the given state, dates, currency and quotes."""
    buyer = process.buyer
    return {
        "codigo": process.codigo,
        "nombre": process.name,
        "descripcion": process.description,
        "estado": estado,
        "convocatoria": {"estado_convocatoria": 1, "descripcion": "Primer llamado"},
        "documentos": [],
        "fechas": fechas,
        "presupuesto": _budget(process, rate),
        "institucion": {
            "organismo_comprador": buyer.organismo,
            "rut": buyer.rut,
            "unidad_compra": buyer.unit_name,
            "region": buyer.region,
            "nombre_region": REGIONS[buyer.region] + " ",
        },
        "entrega": {
            "direccion_entrega": f"Calle {buyer.comuna} {100 + int(buyer.unit_code) % 900}, {buyer.comuna}",
            "plazo_entrega_dias": process.delivery_days,
        },
        "productos_solicitados": [
            {
                "codigo_producto": int(line.product.code),
                "nombre": line.product.name,
                "descripcion": line.description,
                "cantidad": line.quantity,
                "unidad_medida": line.product.unit.capitalize(),
            }
            for line in process.lines
        ],
        "proveedores_cotizando": quotes,
        "resumen": {"total_ofertas_recibidas": received},
        "id_orden_compra": process.order_code,
        "flags": {"es_emt": 0},
    }


def open_details(factory: ProcessFactory, count: int, now: datetime) -> list[dict]:
    """`count` published processes closing within the next ten days, as API v2 detail records."""
    rng = factory.rng
    records = []
    for _ in range(count):
        closes = _closing_time(rng, now + timedelta(hours=rng.randint(3, 240)))
        process = factory.make(closes.date(), open_state="Publicada")
        published = min(now, closes - timedelta(days=rng.choice([1, 2, 3])))
        changed = min(now, published + timedelta(minutes=rng.randint(1, 90)))
        fechas = {
            "fecha_publicacion": _local(published),
            "fecha_cierre": _local(closes),
            "fecha_ultimo_cambio": _iso(changed),
        }
        records.append(
            _record(
                process, estado=OPEN_STATE, fechas=fechas, rate=None, quotes=[], received=rng.randint(0, 6)
            )
        )
    return records


def closed_details(factory: ProcessFactory, count: int, now: datetime) -> list[dict]:
    """`count` processes closed within the last sixty days, as API v2 detail records with their quotes."""
    rng = factory.rng
    records = []
    for _ in range(count):
        closes = _closing_time(rng, now - timedelta(hours=rng.randint(6, 60 * 24)))
        process = factory.make(closes.date())
        fechas = {
            "fecha_publicacion": _local(closes - timedelta(days=rng.choice([1, 2, 3, 5]))),
            "fecha_cierre": _local(closes),
            "fecha_ultimo_cambio": _iso(min(now, closes + timedelta(minutes=rng.randint(5, 4 * 24 * 60)))),
        }
        rate = round(rng.uniform(880, 990), 2) if rng.random() < USD_SHARE else None
        listed = rng.random() >= UNLISTED_QUOTES_SHARE
        quotes = [_quote(process, index, rate) for index in range(len(process.quotes))] if listed else []
        records.append(
            _record(
                process,
                estado=CLOSED_STATES[process.state],
                fechas=fechas,
                rate=rate,
                quotes=quotes,
                received=len(process.quotes),
            )
        )
    return records
