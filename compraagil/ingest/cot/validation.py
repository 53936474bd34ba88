"""Where COT rows are validated: the rules every record must pass, run on whole columns of a block
(dates, RUTs, flags and product names once per distinct value; numbers and texts with pyarrow
kernels); the few records that fail are checked again one by one with the rules of
`compraagil/ingest/values.py`, which say why. Records that pass come out cleaned, with their fields
as read and their line's own fields joined (to find duplicates when staging)."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from compraagil.ingest import values
from compraagil.ingest.cot import column_values
from compraagil.ingest.cot.blocks import Block
from compraagil.ingest.cot.columns import HeaderMap
from compraagil.ingest.cot.groups import KEY_SEPARATOR, RAW_PREFIX
from compraagil.ingest.cot.staged_rows import Reject
from compraagil.ingest.values import BadValue

RAW_FIELDS = {
    "supplier_name": "RazonSocialProveedor", "size": "Tamano", "published": "FechaPublicacionParaCotizar",
    "available": "MontoTotalDisponble", "days": "PlazoEntrega", "unit_rut": "RUTUnidaddeCompra",
    "unit_organismo": "RazonSocialUnidaddeCompra", "oopp": "NombreOOPP", "state": "Estado",
    "name": "NombreCotizacion", "description": "DescripcionCotizacion", "address": "DireccionEntrega",
    "unit_code": "CodigoUnidaddeCompra", "unit_name": "NombreUnidaddeCompra", "region": "Region",
    "product_text": "ProductoCotizado", "generic_text": "NombreProductoGenerico", "detail": "DetalleCotizacion",
}  # fmt: skip
"""Fields kept as read: a cotización's own (from its first row), a supplier's (from its first line),
and a line's texts as the buyer and the supplier wrote them."""

LINE_FIELDS = (
    "RUTProveedor", "RazonSocialProveedor", "Tamano", "ProductoCotizado", "CodigoProducto", "NombreProductoGenerico",
    "CantidadSolicitada", "DetalleCotizacion", "MontoTotal", "moneda", "ProveedorSeleccionado", "CodigoOC",
    "EstadoOC", "FechaAceptacionOCProveedor",
)  # fmt: skip
"""The fields a line (a supplier's quote of a product) has of its own; the others are its cotización's."""


@dataclass(frozen=True)
class Validated:
    accepted: pa.Table
    """The records that pass every rule, cleaned."""
    rejects: list[Reject]
    """The others, each with its reason."""
    blank: int
    """Empty lines, skipped unread (neither read nor rejected)."""


def column(header: HeaderMap, table: pa.Table, name: str) -> pa.Array:
    """A column of a block by its name in the header; one the header lacks reads as empty."""
    position = header.index(name)
    if position is None:
        return pa.array([""] * table.num_rows, pa.string())
    return table.column(str(position)).combine_chunks()


def _reason(field: Callable[[str], str]) -> str | None:
    """Why a record is rejected, by the rules of `values` in the order they are checked
    (`field` gives a column's text by name)."""
    try:
        if not field("CodigoCotizacion").strip():
            raise BadValue("Falta CodigoCotizacion")
        if values.day(field("FechaCierreParaCotizar"), "FechaCierreParaCotizar") is None:
            raise BadValue("Falta FechaCierreParaCotizar")
        values.rut(field("RUTProveedor"))
        quantity = values.number(field("CantidadSolicitada"), "CantidadSolicitada")
        if quantity is not None and quantity[0] == "-":
            raise BadValue(f"CantidadSolicitada negativa: «{quantity}»")
        values.number(field("MontoTotal"), "MontoTotal")
        values.flag(field("ProveedorSeleccionado"), "ProveedorSeleccionado")
        if not (
            values.product_name(field("ProductoCotizado"))
            or values.product_name(field("NombreProductoGenerico"))
        ):
            raise BadValue("Falta el producto cotizado")
    except BadValue as error:
        return str(error)
    return None


def validate_block(file_name: str, header: HeaderMap, block: Block) -> Validated:
    """The block's records that pass every rule, cleaned (with their fields as read, and their
    line's own fields joined, until duplicates are found); the others are rejected with their reason."""
    table = block.table
    raw = partial(column, header, table)
    codigo = pc.utf8_trim_whitespace(raw("CodigoCotizacion"))
    closing = column_values.mapped(raw("FechaCierreParaCotizar"), values.parse_day, pa.date32())
    rut, rut_failed = column_values.map_distinct(raw("RUTProveedor"), values.rut, pa.string())
    quantity, quantity_valid = column_values.number(raw("CantidadSolicitada"))
    amount, amount_valid = column_values.number(raw("MontoTotal"))
    winner, winner_failed = column_values.map_distinct(
        raw("ProveedorSeleccionado"), lambda text: values.flag(text, "ProveedorSeleccionado"), pa.bool_()
    )
    product = column_values.mapped(raw("ProductoCotizado"), values.product_name, pa.string())
    generic = column_values.mapped(raw("NombreProductoGenerico"), values.product_name, pa.string())
    product = pc.if_else(pc.equal(product, ""), generic, product)
    failed = [
        pc.equal(codigo, ""),
        pc.is_null(closing),
        rut_failed,
        pc.invert(quantity_valid),
        pc.fill_null(pc.starts_with(quantity, "-"), False),
        pc.invert(amount_valid),
        winner_failed,
        pc.equal(product, ""),
    ]
    bad = failed[0]
    for check in failed[1:]:
        bad = pc.or_(bad, check)
    keep = pc.invert(bad)
    rejects, blank = (
        _rejects(file_name, header, block, np.flatnonzero(bad)) if pc.any(bad).as_py() else ([], 0)
    )
    product_code = pc.utf8_trim_whitespace(raw("CodigoProducto"))
    currency = pc.utf8_trim_whitespace(raw("moneda"))
    cleaned = {
        "record": pa.array(block.records, pa.int64()),
        "codigo": codigo,
        "closing": closing,
        "rut": rut,
        "product_code": pc.if_else(pc.is_in(product_code, column_values.MISSING), "", product_code),
        "product": product,
        "quantity": quantity,
        "amount": amount,
        "currency": pc.if_else(pc.is_in(currency, column_values.MISSING), "CLP", currency),
        "winner": winner,
    }
    cleaned.update({name: raw(column) for name, column in RAW_FIELDS.items()})
    cleaned["line"] = pc.binary_join_element_wise(*(raw(name) for name in LINE_FIELDS), KEY_SEPARATOR)
    cleaned.update({f"{RAW_PREFIX}{position}": column for position, column in enumerate(table.columns)})
    accepted = pa.table(cleaned)
    return Validated(accepted.filter(keep) if rejects or blank else accepted, rejects, blank)


def _rejects(file_name: str, header: HeaderMap, block: Block, rows: np.ndarray) -> tuple[list[Reject], int]:
    """Reject the records that broke a rule, with the reason; an empty line is skipped unread."""
    rejects, blank = [], 0
    for row, fields in zip(rows, block.table.take(pa.array(rows)).to_pylist(), strict=True):
        if not any(fields.values()):
            blank += 1
            continue

        def field(name: str, fields: dict = fields) -> str:
            position = header.index(name)
            return "" if position is None else fields[str(position)]

        reason = _reason(field) or "La fila tiene un valor que no se puede leer"
        rejects.append(Reject(file_name, int(block.records[row]), reason))
    return rejects, blank
