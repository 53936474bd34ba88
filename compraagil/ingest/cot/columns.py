"""The COT open-data header: its known variants and how we map columns by name."""

from dataclasses import dataclass

HEADER_34 = (
    "NombreOOPP", "RazonSocialUnidaddeCompra", "NombreUnidaddeCompra", "RUTUnidaddeCompra",
    "CodigoUnidaddeCompra", "CodigoCotizacion", "NombreCotizacion", "DescripcionCotizacion",
    "DireccionEntrega", "Region", "FechaPublicacionParaCotizar", "FechaCierreParaCotizar",
    "PlazoEntrega", "MontoTotalDisponble", "ProductoCotizado", "CodigoProducto",
    "NombreProductoGenerico", "CantidadSolicitada", "Estado", "NOMBRECONTACTO",
    "RazonSocialProveedor", "RUTProveedor", "Tamano", "DetalleCotizacion", "ProveedorSeleccionado",
    "moneda", "MontoTotal", "NombreCriterio", "CodigoOC", "EstadoOC", "FechaAceptacionOCProveedor",
    "MotivoCancelacion", "ConsideraRequisitosMedioambientales",
    "ConsideraRequisitosImpactoSocialEconomico",
)  # fmt: skip
HEADER_33 = HEADER_34[1:]
HEADER_30 = HEADER_34[1 : HEADER_34.index("MotivoCancelacion") + 1]
HEADER_VARIANTS = {30: HEADER_30, 33: HEADER_33, 34: HEADER_34}

REQUIRED = (
    "CodigoCotizacion",
    "FechaCierreParaCotizar",
    "RUTProveedor",
    "MontoTotal",
    "CantidadSolicitada",
    "ProveedorSeleccionado",
)
"""Without these a row is not a quote; a file lacking any of them cannot be imported."""

KNOWN = frozenset(name.casefold() for name in HEADER_34) | {"montototaldisponible"}
ALIASES = {"montototaldisponible": "montototaldisponble"}
"""Spellings we accept for the same column (the official one keeps its typo)."""


class MissingColumns(ValueError):
    """The header lacks required columns: the file cannot be imported."""


@dataclass(frozen=True)
class HeaderMap:
    """Positions of the columns we read, found by name; unknown extra columns are listed."""

    width: int
    positions: dict[str, int]
    unknown: tuple[str, ...]

    def index(self, name: str) -> int | None:
        return self.positions.get(name.casefold())


def map_header(header: list[str]) -> HeaderMap:
    """Map columns by name (case-insensitive, trimmed); raise MissingColumns if required ones lack."""
    positions: dict[str, int] = {}
    unknown = []
    for position, raw in enumerate(header):
        name = raw.strip().lstrip("\ufeff").casefold()
        name = ALIASES.get(name, name)
        if name in KNOWN:
            positions.setdefault(name, position)
        else:
            unknown.append(raw.strip())
    missing = [name for name in REQUIRED if name.casefold() not in positions]
    if not {"productocotizado", "nombreproductogenerico"} & positions.keys():
        missing.append("ProductoCotizado o NombreProductoGenerico")
    if missing:
        raise MissingColumns(f"faltan columnas obligatorias: {', '.join(missing)}")
    return HeaderMap(width=len(header), positions=positions, unknown=tuple(unknown))
