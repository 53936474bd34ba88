"""Build COT files byte for byte as ChileCompra publishes them (cp1252, `;`, quoted fields)."""

import zipfile
from pathlib import Path

from compraagil.ingest.cot.columns import HEADER_VARIANTS

DEFAULTS = {
    "NombreOOPP": "Ilustre Municipalidad de Chillán",
    "RazonSocialUnidaddeCompra": "Ilustre Municipalidad de Chillán",
    "NombreUnidaddeCompra": "Departamento de Adquisiciones",
    "RUTUnidaddeCompra": "69.140.900-7",
    "CodigoUnidaddeCompra": "2345",
    "CodigoCotizacion": "2345-10-COT26",
    "NombreCotizacion": "Compra de baterías para radios",
    "DescripcionCotizacion": "Baterías de respaldo para la oficina de emergencia",
    "DireccionEntrega": "18 de Septiembre 510, Chillán",
    "Region": "Región de Ñuble  ",
    "FechaPublicacionParaCotizar": "2026-03-02",
    "FechaCierreParaCotizar": "2026-03-05",
    "PlazoEntrega": "5",
    "MontoTotalDisponble": "250000",
    "ProductoCotizado": "Batería recargable AA",
    "CodigoProducto": "26111702",
    "NombreProductoGenerico": "Baterías recargables",
    "CantidadSolicitada": "10",
    "Estado": "OC Emitida",
    "NOMBRECONTACTO": "Sofía Muñoz",
    "RazonSocialProveedor": "Comercial Ñandú SpA",
    "RUTProveedor": "78.167.575-K",
    "Tamano": "MiPyme",
    "DetalleCotizacion": "Marca Energizer",
    "ProveedorSeleccionado": "si",
    "moneda": "CLP",
    "MontoTotal": "12990,5",
    "NombreCriterio": "Mejor precio",
    "CodigoOC": "2345-77-AG26",
    "EstadoOC": "Aceptada",
    "FechaAceptacionOCProveedor": "2026-03-07",
    "MotivoCancelacion": "NA",
    "ConsideraRequisitosMedioambientales": "no",
    "ConsideraRequisitosImpactoSocialEconomico": "no",
}


def quoted(values: list[str]) -> str:
    return ";".join('"' + value.replace('"', '""') + '"' for value in values)


def row(columns: int = 34, extra: tuple[str, ...] = (), **changes: str) -> str:
    """One record's text for the given header variant, defaults overridden by `changes`."""
    values = {**DEFAULTS, **changes}
    return quoted([values[name] for name in HEADER_VARIANTS[columns]] + list(extra))


def header(columns: int = 34, extra: tuple[str, ...] = ()) -> str:
    return quoted(list(HEADER_VARIANTS[columns]) + list(extra))


def encoded(lines: list[str], encoding: str = "cp1252") -> bytes:
    """The file's bytes: CRLF line ends, in `encoding` (`utf-8-sig` writes a BOM, as Excel does)."""
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def write_csv(path: Path, lines: list[str], encoding: str = "cp1252") -> Path:
    path.write_bytes(encoded(lines, encoding))
    return path


def write_zip(path: Path, members: dict[str, list[str]], encoding: str = "cp1252") -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, lines in members.items():
            archive.writestr(name, encoded(lines, encoding))
    return path
