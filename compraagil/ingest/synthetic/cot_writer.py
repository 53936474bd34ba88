"""Write processes as ChileCompra writes COT files: `;`, quoted fields, `NA`, cp1252 as published
(or UTF-8, with or without a BOM, as a file re-saved by Excel).

As in the real files, MontoTotal is the supplier's total for the whole quote, repeated on each of
its lines, and a few rows are written twice, identically."""

import codecs
import math
import zipfile
from collections.abc import Iterable, Iterator
from operator import itemgetter
from pathlib import Path

from compraagil.chile.regions import REGIONS
from compraagil.ingest.cot.columns import HEADER_VARIANTS
from compraagil.ingest.synthetic.processes import Line, Process

CRITERIA = "Mejor precio"
ENCODINGS = ("cp1252", "utf-8", "utf-8-sig")
BATCH_ROWS = 2000


def _process_fields(process: Process) -> dict[str, str]:
    """The columns every row of a process shares."""
    buyer = process.buyer
    return {
        "NombreOOPP": buyer.organismo,
        "RazonSocialUnidaddeCompra": buyer.organismo,
        "NombreUnidaddeCompra": buyer.unit_name,
        "RUTUnidaddeCompra": buyer.rut,
        "CodigoUnidaddeCompra": buyer.unit_code,
        "CodigoCotizacion": process.codigo,
        "NombreCotizacion": process.name,
        "DescripcionCotizacion": process.description,
        "DireccionEntrega": f"Calle {buyer.comuna} {100 + int(buyer.unit_code) % 900}, {buyer.comuna}",
        "Region": REGIONS[buyer.region] + ("  " if buyer.region % 3 == 0 else ""),
        "FechaPublicacionParaCotizar": process.published.isoformat(),
        "FechaCierreParaCotizar": process.closing.isoformat(),
        "PlazoEntrega": str(process.delivery_days),
        "MontoTotalDisponble": str(process.amount_available),
        "Estado": process.state,
        "NOMBRECONTACTO": process.contact,
        "NombreCriterio": CRITERIA,
        "MotivoCancelacion": "Sin presupuesto disponible" if process.state == "Cancelada" else "NA",
        "ConsideraRequisitosMedioambientales": "no",
        "ConsideraRequisitosImpactoSocialEconomico": "no",
    }


def _line_fields(process: Process, line: Line) -> dict[str, str]:
    """The columns of one requested line, the same in every quote."""
    return {
        "ProductoCotizado": line.text,
        "CodigoProducto": line.product.code,
        "NombreProductoGenerico": line.product.name,
        "CantidadSolicitada": str(line.quantity),
        "DetalleCotizacion": process.offer(line),
    }


def _quote_fields(process: Process, index: int) -> dict[str, str]:
    """The columns of one quote, the same on each of its lines: MontoTotal is the quote's total."""
    quote = process.quotes[index]
    ordered = index == process.winner and process.order_code is not None
    return {
        "RazonSocialProveedor": quote.supplier.name,
        "RUTProveedor": quote.supplier.rut,
        "Tamano": quote.supplier.size,
        "ProveedorSeleccionado": "si" if index == process.winner else "no",
        "moneda": "CLP",
        "MontoTotal": str(quote.total),
        "CodigoOC": process.order_code if ordered else "NA",
        "EstadoOC": "Aceptada" if ordered else "NA",
        "FechaAceptacionOCProveedor": process.closing.isoformat() if ordered else "NA",
    }


def process_rows(process: Process) -> Iterator[dict[str, str]]:
    """One row per quote per requested line, keyed by the 34-column header's names; a row the
    quote marks as repeated comes twice in a row."""
    shared = _process_fields(process)
    lines = [_line_fields(process, line) for line in process.lines]
    for index, quote in enumerate(process.quotes):
        fields = {**shared, **_quote_fields(process, index)}
        for number, line in enumerate(lines):
            row = {**fields, **line}
            yield row
            if number in quote.repeated:
                yield row


def _csv_line(values: Iterable[str]) -> str:
    """A fully quoted `;` line, as the source writes them (quotes inside doubled)."""
    return '"' + "\x1f".join(values).replace('"', '""').replace("\x1f", '";"') + '"\r\n'


def write_csv(
    processes: Iterable[Process],
    out,
    *,
    rows: int | None = None,
    columns: int = 34,
    encoding: str = "cp1252",
) -> int:
    """Write a COT CSV to the binary stream `out` in `encoding` (cp1252, utf-8 or utf-8-sig);
    stop after `rows` rows, identical repeats counted. Returns rows written."""
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding must be one of {ENCODINGS}, not {encoding!r}")
    header = HEADER_VARIANTS[columns]
    in_order = itemgetter(*header)
    encode = codecs.getincrementalencoder(encoding)(errors="replace").encode
    limit = math.inf if rows is None else rows
    out.write(encode(_csv_line(header)))
    written = 0
    batch: list[str] = []
    for process in processes:
        for row in process_rows(process):
            if written >= limit:
                break
            batch.append(_csv_line(in_order(row)))
            written += 1
        if len(batch) >= BATCH_ROWS:
            out.write(encode("".join(batch)))
            batch.clear()
        if written >= limit:
            break
    out.write(encode("".join(batch)))
    return written


def write_month_zip(
    processes: Iterable[Process], path: Path, *, rows: int, columns: int = 34, encoding: str = "cp1252"
) -> int:
    """`COT_<YYYY-MM>.zip` holding COT1 and COT2 as the real months do: the first `rows` rows, split
    between the two files at the cotización nearest the middle. Returns rows written."""
    month = path.stem.removeprefix("COT_")
    processes = iter(processes)
    first: list[Process] = []
    first_rows = 0
    while first_rows < rows // 2 and (process := next(processes, None)):
        first.append(process)
        first_rows += process.row_count
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(f"COT1_{month}.csv", "w", force_zip64=True) as member:
            written = write_csv(first, member, rows=rows, columns=columns, encoding=encoding)
        with archive.open(f"COT2_{month}.csv", "w", force_zip64=True) as member:
            written += write_csv(processes, member, rows=rows - written, columns=columns, encoding=encoding)
    return written
