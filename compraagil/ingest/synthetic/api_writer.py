"""Open Compra Ágil opportunities as the API v2 describes them (detail records)."""

from datetime import UTC, datetime, time, timedelta

from compraagil.chile.dates import SANTIAGO
from compraagil.chile.regions import REGIONS
from compraagil.ingest.synthetic.processes import ProcessFactory

OPEN_STATE = {"id_estado": 2, "codigo": "publicada", "glosa": "Publicada"}


def _local(moment: datetime) -> str:
    """The API's local form, `2026-09-23 09:49`."""
    return moment.astimezone(SANTIAGO).strftime("%Y-%m-%d %H:%M")


def open_details(factory: ProcessFactory, count: int, now: datetime) -> list[dict]:
    """`count` published processes closing within the next ten days, as API v2 detail records."""
    rng = factory.rng
    records = []
    for _ in range(count):
        closes = now.astimezone(SANTIAGO) + timedelta(hours=rng.randint(3, 240))
        closes = closes.replace(minute=rng.choice([0, 15, 30, 45]), second=0, microsecond=0)
        process = factory.make(closes.date(), open_state="Publicada")
        published = min(now, closes - timedelta(days=rng.choice([1, 2, 3])))
        changed = published + timedelta(minutes=rng.randint(1, 90))
        buyer = process.buyer
        records.append(
            {
                "codigo": process.codigo,
                "nombre": process.name,
                "descripcion": process.description,
                "estado": OPEN_STATE,
                "convocatoria": {"estado_convocatoria": 1, "descripcion": "Primer llamado"},
                "documentos": [],
                "fechas": {
                    "fecha_publicacion": _local(published),
                    "fecha_cierre": _local(
                        datetime.combine(closes.date(), time(closes.hour, closes.minute), SANTIAGO)
                    ),
                    "fecha_ultimo_cambio": changed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                },
                "presupuesto": {
                    "moneda": "CLP",
                    "monto_disponible": process.amount_available,
                    "monto_disponible_clp": process.amount_available,
                    "valor_cambio_moneda": 1,
                },
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
                        "descripcion": line.text,
                        "cantidad": line.quantity,
                        "unidad_medida": line.product.unit.capitalize(),
                    }
                    for line in process.lines
                ],
                "proveedores_cotizando": [],
                "resumen": {"total_ofertas_recibidas": rng.randint(0, 6)},
                "id_orden_compra": None,
                "flags": {"es_emt": 0},
            }
        )
    return records
