"""Write processes as ChileCompra writes COT files: cp1252, `;`, quoted fields, comma decimals, `NA`."""

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from compraagil.chile.regions import REGIONS
from compraagil.ingest.cot_columns import HEADER_VARIANTS
from compraagil.ingest.synthetic.processes import Process

CRITERIA = "Mejor precio"


def _amount(value: float) -> str:
    """Comma decimals, as in the source: `129900` or `12990,5`."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def process_rows(process: Process) -> Iterator[dict[str, str]]:
    """One row per supplier quote per requested line, keyed by the 34-column header's names."""
    buyer = process.buyer
    region = REGIONS[buyer.region] + ("  " if buyer.region % 3 == 0 else "")
    shared = {
        "NombreOOPP": buyer.organismo,
        "RazonSocialUnidaddeCompra": buyer.organismo,
        "NombreUnidaddeCompra": buyer.unit_name,
        "RUTUnidaddeCompra": buyer.rut,
        "CodigoUnidaddeCompra": buyer.unit_code,
        "CodigoCotizacion": process.codigo,
        "NombreCotizacion": process.name,
        "DescripcionCotizacion": process.description,
        "DireccionEntrega": f"Calle {buyer.comuna} {100 + int(buyer.unit_code) % 900}, {buyer.comuna}",
        "Region": region,
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
    for index, quote in enumerate(process.quotes):
        won = index == process.winner
        supplier = quote.supplier
        for line, unit_price in zip(process.lines, quote.unit_prices, strict=True):
            yield {
                **shared,
                "ProductoCotizado": line.text,
                "CodigoProducto": line.product.code,
                "NombreProductoGenerico": line.product.name,
                "CantidadSolicitada": str(line.quantity),
                "RazonSocialProveedor": supplier.name,
                "RUTProveedor": supplier.rut,
                "Tamano": supplier.size,
                "DetalleCotizacion": f"Ofrecemos {line.text.lower()}, despacho en {process.delivery_days} días hábiles.",
                "ProveedorSeleccionado": "si" if won else "no",
                "moneda": "CLP",
                "MontoTotal": _amount(unit_price * line.quantity),
                "CodigoOC": process.order_code if won and process.order_code else "NA",
                "EstadoOC": "Aceptada" if won and process.order_code else "NA",
                "FechaAceptacionOCProveedor": process.closing.isoformat()
                if won and process.order_code
                else "NA",
            }


def _csv_line(values: list[str]) -> str:
    """A fully quoted `;` line, as the source writes them (quotes inside doubled)."""
    return '"' + '";"'.join(v.replace('"', '""') if '"' in v else v for v in values) + '"\r\n'


def write_csv(processes: Iterable[Process], out, *, rows: int | None = None, columns: int = 34) -> int:
    """Write a COT CSV (bytes, cp1252) to the binary stream `out`; stop after `rows` rows. Returns rows written."""
    header = HEADER_VARIANTS[columns]
    out.write(_csv_line(list(header)).encode("cp1252"))
    written = 0
    batch: list[str] = []
    for process in processes:
        for row in process_rows(process):
            if rows is not None and written >= rows:
                break
            batch.append(_csv_line([row[name] for name in header]))
            written += 1
        if len(batch) >= 2000:
            out.write("".join(batch).encode("cp1252", errors="replace"))
            batch.clear()
        if rows is not None and written >= rows:
            break
    out.write("".join(batch).encode("cp1252", errors="replace"))
    return written


def write_month_zip(processes: Iterable[Process], path: Path, *, rows: int, columns: int = 34) -> int:
    """`COT_<YYYY-MM>.zip` holding COT1 and COT2 as the real months do: the first `rows` rows, split
    between the two files at the cotización nearest the middle. Returns rows written."""
    month = path.stem.removeprefix("COT_")
    processes = iter(processes)
    first: list[Process] = []
    first_rows = 0
    while first_rows < rows // 2 and (process := next(processes, None)):
        first.append(process)
        first_rows += len(process.quotes) * len(process.lines)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(f"COT1_{month}.csv", "w", force_zip64=True) as member:
            written = write_csv(first, member, rows=rows, columns=columns)
        with archive.open(f"COT2_{month}.csv", "w", force_zip64=True) as member:
            written += write_csv(processes, member, rows=rows - written, columns=columns)
    return written
