"""Helpers of the e2e tests that several modules share: a tender of the running product's demo data,
an open API record to load through its CLI, and how long its worker's matching may take."""

from datetime import datetime, timedelta

import psycopg

from compraagil.chile.dates import SANTIAGO
from tests.e2e.conftest import RunningProduct

CODIGO = "9090-1-COT26"
"""The código of `open_record`."""
MATCHING_WAIT_SECONDS = 180
"""The CLI's import is matched by the worker's every-minute job (rq-scheduler polls every 30 s)."""


def open_record(name: str) -> dict:
    """An open Compra Ágil CODIGO named `name`, as the API v2 gives it (for the CLI's `load-api-json`)."""
    now = datetime.now(SANTIAGO)
    return {
        "codigo": CODIGO,
        "nombre": name,
        "descripcion": "Instrumentos para la escuela de música.",
        "estado": {"codigo": "publicada", "glosa": "Publicada"},
        "fechas": {
            "fecha_publicacion": (now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
            "fecha_cierre": (now + timedelta(days=3)).strftime("%Y-%m-%d %H:%M"),
            "fecha_ultimo_cambio": now.isoformat(),
        },
        "presupuesto": {"moneda": "CLP", "monto_disponible": 240_000, "monto_disponible_clp": 240_000, "valor_cambio_moneda": 1},
        "institucion": {"organismo_comprador": "Ilustre Municipalidad de Chillán", "unidad_compra": "Educación Chillán", "region": 16},
        "productos_solicitados": [{"codigo_producto": 60131000, "nombre": name, "descripcion": name, "cantidad": 4, "unidad_medida": "Unidad"}],
    }  # fmt: skip


def an_open_tender(product: RunningProduct) -> tuple[str, str]:
    """(código, name) of a demo tender."""
    with psycopg.connect(product.database_url) as conn:
        return conn.execute(
            "SELECT codigo, name FROM tenders ORDER BY closes_at DESC NULLS LAST LIMIT 1"
        ).fetchone()
