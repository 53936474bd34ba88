"""Compra Ágil API v2 records → tenders, requested items and quotes, in CLP and Santiago time.

The API mixes date forms (`"2026-09-23 09:49"` local, ISO with `Z` elsewhere), writes booleans as
0/1, and may state amounts in USD or UTF with a CLP conversion alongside.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from compraagil.chile.dates import SANTIAGO
from compraagil.ingest import values
from compraagil.ingest.values import BadValue

STATE_CODES = {2: "publicada", 3: "cerrada", 5: "cancelada", 6: "desierta"}


def parse_moment(value: object) -> datetime | None:
    """A timezone-aware datetime from either form; naive local times are America/Santiago."""
    if value in (None, ""):
        return None
    text = str(value).strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadValue(f"fecha no reconocida: «{value}»") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=SANTIAGO)


def as_bool(value: object) -> bool:
    """0/1, true/false, "si"/"no" → bool."""
    if isinstance(value, str):
        return values.flag(value, "indicador")
    return bool(value)


def as_decimal(value: object) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", ".")) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise BadValue(f"monto no numérico: «{value}»") from None


@dataclass(frozen=True)
class Item:
    line_number: int
    product_code: str
    name: str
    description: str | None
    quantity: Decimal | None
    unit: str | None


@dataclass(frozen=True)
class QuoteLine:
    supplier_rut: str
    supplier_name: str
    supplier_size: str | None
    product_code: str
    product_name: str
    quantity: Decimal | None
    amount: Decimal | None
    unit_price: Decimal | None
    winner: bool


@dataclass(frozen=True)
class TenderRecord:
    """One process as the API describes it, already in our units."""

    codigo: str
    name: str
    description: str | None
    state: str
    unit_code: str
    unit_name: str
    organismo: str
    buyer_rut: str | None
    region: int | None
    published_at: datetime | None
    closes_at: datetime | None
    changed_at: datetime | None
    amount_available: int | None
    currency: str
    delivery_address: str | None
    delivery_days: int | None
    quotes_received: int | None
    items: list[Item] = field(default_factory=list)
    quotes: list[QuoteLine] = field(default_factory=list)

    @property
    def closing_day(self) -> date | None:
        return self.closes_at.astimezone(SANTIAGO).date() if self.closes_at else None


def _state(record: dict) -> str:
    estado = record.get("estado")
    if isinstance(estado, dict):
        code = estado.get("codigo") or STATE_CODES.get(estado.get("id_estado")) or estado.get("glosa")
    else:
        code = estado
    return values.state(str(code or "")) or "publicada"


def _rate(record: dict) -> Decimal:
    """CLP per unit of the record's currency (1 for CLP)."""
    budget = record.get("presupuesto") or record.get("montos") or {}
    currency = str(budget.get("moneda") or "CLP").upper()
    if currency == "CLP":
        return Decimal(1)
    rate = as_decimal(budget.get("valor_cambio_moneda"))
    available, available_clp = (
        as_decimal(budget.get("monto_disponible")),
        as_decimal(budget.get("monto_disponible_clp")),
    )
    if not rate and available and available_clp:
        rate = available_clp / available
    if not rate:
        raise BadValue(f"montos en {currency} sin tipo de cambio a CLP")
    return rate


def _clp(value: Decimal | None, rate: Decimal) -> Decimal | None:
    return None if value is None else (value * rate).quantize(Decimal("0.0001"))


def _available_clp(record: dict, rate: Decimal) -> int | None:
    budget = record.get("presupuesto") or record.get("montos") or {}
    clp = as_decimal(budget.get("monto_disponible_clp"))
    if clp is None:
        clp = _clp(as_decimal(budget.get("monto_disponible")), rate)
    return None if clp is None else int(clp.to_integral_value())


def _quotes(record: dict, rate: Decimal) -> list[QuoteLine]:
    lines = []
    for supplier in record.get("proveedores_cotizando") or []:
        rut = values.rut(str(supplier.get("rut_proveedor") or ""))
        name = (supplier.get("razon_social") or rut).strip()
        size = "MiPyme" if as_bool(supplier.get("es_emt", 0)) else None
        winner = as_bool(supplier.get("proveedor_seleccionado", 0))
        for product in supplier.get("productos_cotizados") or []:
            product_name = values.product_name(
                str(product.get("nombre_producto") or product.get("descripcion") or "")
            )
            if not product_name:
                raise BadValue(f"cotización de {rut} sin nombre de producto")
            quantity = as_decimal(product.get("cantidad"))
            unit_price = _clp(as_decimal(product.get("precio_unitario")), rate)
            amount = _clp(as_decimal(product.get("monto_total_producto")), rate)
            if amount is None and unit_price is not None and quantity is not None:
                amount = unit_price * quantity
            if unit_price is None and amount is not None and quantity:
                unit_price = (amount / quantity).quantize(Decimal("0.0001"))
            lines.append(
                QuoteLine(
                    supplier_rut=rut,
                    supplier_name=name,
                    supplier_size=size,
                    product_code=str(product.get("codigo_producto") or ""),
                    product_name=product_name,
                    quantity=quantity,
                    amount=amount,
                    unit_price=unit_price,
                    winner=winner,
                )
            )
    return lines


def _region(institution: dict) -> int | None:
    number = str(institution.get("region") or "")
    if number.isdigit() and 1 <= int(number) <= 16:
        return int(number)
    return values.region(str(institution.get("nombre_region") or ""))


def map_record(record: dict) -> TenderRecord:
    """A list item or a detail record → TenderRecord; raises BadValue with a reason when it cannot."""
    codigo = str(record.get("codigo") or "").strip()
    if not codigo:
        raise BadValue("registro sin código")
    institution = record.get("institucion") or {}
    dates = record.get("fechas") or {}
    delivery = record.get("entrega") or {}
    rate = _rate(record)
    buyer_rut = institution.get("rut")
    days = delivery.get("plazo_entrega_dias")
    return TenderRecord(
        codigo=codigo,
        name=str(record.get("nombre") or codigo).strip(),
        description=(record.get("descripcion") or None),
        state=_state(record),
        unit_code=codigo.split("-", 1)[0],
        unit_name=str(
            institution.get("unidad_compra") or institution.get("organismo_comprador") or ""
        ).strip(),
        organismo=str(institution.get("organismo_comprador") or "").strip(),
        buyer_rut=values.rut(str(buyer_rut)) if buyer_rut else None,
        region=_region(institution),
        published_at=parse_moment(dates.get("fecha_publicacion")),
        closes_at=parse_moment(dates.get("fecha_cierre")),
        changed_at=parse_moment(dates.get("fecha_ultimo_cambio")),
        amount_available=_available_clp(record, rate),
        currency="CLP",
        delivery_address=delivery.get("direccion_entrega") or None,
        delivery_days=int(days) if str(days or "").isdigit() else None,
        quotes_received=(record.get("resumen") or {}).get("total_ofertas_recibidas"),
        items=[
            Item(
                line_number=index,
                product_code=str(product.get("codigo_producto") or ""),
                name=str(product.get("nombre") or product.get("descripcion") or "").strip() or "Producto",
                description=product.get("descripcion") or None,
                quantity=as_decimal(product.get("cantidad")),
                unit=product.get("unidad_medida") or None,
            )
            for index, product in enumerate(record.get("productos_solicitados") or [], start=1)
        ],
        quotes=_quotes(record, rate),
    )
