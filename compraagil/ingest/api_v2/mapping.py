"""Compra Ágil API v2 records → tenders, requested items, quotes and quote lines, in CLP and
Santiago time.

The API mixes date forms (`"2026-09-23 09:49"` local, ISO with `Z` elsewhere), writes booleans as
0/1, and may state amounts in USD or UTF with a CLP conversion alongside. A supplier may send
several quotes in one process, and one quote may list the same product several times: every quote
and every line is kept, numbered by its position in the record.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from compraagil.chile.dates import SANTIAGO
from compraagil.ingest import values
from compraagil.ingest.values import BadValue

STATE_CODES = {2: "publicada", 3: "cerrada", 5: "cancelada", 6: "desierta"}
INADMISSIBLE = "inadmisible"
CENT = Decimal("0.0001")


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
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).replace(",", "."))
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
    """One line of a quote, amounts in CLP."""

    line_number: int
    product_code: str
    product_name: str
    description: str | None
    quantity: Decimal | None
    unit_price: Decimal | None
    amount: Decimal | None


@dataclass(frozen=True)
class Quote:
    """One supplier quote: `total` in the record's currency, `total_clp` converted."""

    supplier_rut: str
    supplier_name: str
    supplier_size: str | None
    quote_number: int
    source_quote_id: str | None
    state: str | None
    state_reason: str | None
    currency: str
    total: Decimal | None
    total_clp: Decimal | None
    winner: bool
    lines: list[QuoteLine]


@dataclass(frozen=True)
class TenderRecord:
    """One process as the API describes it, already in our units.

    `items` and `quotes` are None when the record does not tell them (a list item, or a detail
    that counts received quotes but lists none), so what is stored for them is left alone.
    """

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
    items: list[Item] | None = None
    quotes: list[Quote] | None = None

    @property
    def closing_day(self) -> date | None:
        return self.closes_at.astimezone(SANTIAGO).date() if self.closes_at else None

    @property
    def published_day(self) -> date | None:
        return self.published_at.astimezone(SANTIAGO).date() if self.published_at else None


def _state(record: dict) -> str:
    estado = record.get("estado")
    if isinstance(estado, dict):
        code = estado.get("codigo") or STATE_CODES.get(estado.get("id_estado")) or estado.get("glosa")
    else:
        code = estado
    return values.state(str(code or "")) or "publicada"


def _budget(record: dict) -> dict:
    return record.get("presupuesto") or record.get("montos") or {}


def _currency(record: dict) -> str:
    return str(_budget(record).get("moneda") or "CLP").strip().upper()


def _rate(record: dict) -> Decimal:
    """CLP per unit of the record's currency (1 for CLP)."""
    budget = _budget(record)
    currency = _currency(record)
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
    return None if value is None else (value * rate).quantize(CENT)


def _available_clp(record: dict, rate: Decimal) -> int | None:
    budget = _budget(record)
    clp = as_decimal(budget.get("monto_disponible_clp"))
    if clp is None:
        clp = _clp(as_decimal(budget.get("monto_disponible")), rate)
    return None if clp is None else int(clp.to_integral_value())


def _source_amount(product: dict) -> Decimal | None:
    """A quoted line's amount in the record's currency: `monto_total_producto`, else price × quantity."""
    amount = as_decimal(product.get("monto_total_producto"))
    price, quantity = as_decimal(product.get("precio_unitario")), as_decimal(product.get("cantidad"))
    if amount is None and price is not None and quantity is not None:
        amount = price * quantity
    return amount


def _line(line_number: int, product: dict, rate: Decimal, rut: str) -> QuoteLine:
    """One entry of `productos_cotizados`, converted to CLP."""
    name = values.product_name(str(product.get("nombre_producto") or product.get("descripcion") or ""))
    if not name:
        raise BadValue(f"cotización de {rut} sin nombre de producto")
    quantity = as_decimal(product.get("cantidad"))
    price = as_decimal(product.get("precio_unitario"))
    amount = _source_amount(product)
    if price is None and amount is not None and quantity:
        price = amount / quantity
    return QuoteLine(
        line_number=line_number,
        product_code=str(product.get("codigo_producto") or ""),
        product_name=name,
        description=str(product.get("descripcion") or "").strip() or None,
        quantity=quantity,
        unit_price=_clp(price, rate),
        amount=_clp(amount, rate),
    )


def _winner(supplier: dict) -> bool:
    """`proveedor_seleccionado` at the quote's level or inside `seleccion`."""
    selection = supplier.get("seleccion") or {}
    flag = supplier.get("proveedor_seleccionado", selection.get("proveedor_seleccionado", 0))
    return as_bool(flag or 0)


def _quote_state(supplier: dict) -> tuple[str | None, str | None]:
    """(state, reason): None for a valid quote, `inadmisible` with the buyer's reason otherwise."""
    reason = str(supplier.get("justificacion_inadmisibilidad") or "").strip() or None
    estado = supplier.get("estado")
    if isinstance(estado, dict):
        estado = estado.get("codigo") or estado.get("glosa")
    said_inadmissible = INADMISSIBLE in values.fold(str(estado or ""))
    return (INADMISSIBLE, reason) if reason or said_inadmissible else (None, None)


def _quote_total(supplier: dict) -> Decimal | None:
    """The quote's `monto_total`, else the sum of its lines (in the record's currency)."""
    total = as_decimal(supplier.get("monto_total"))
    if total is not None:
        return total
    amounts = [_source_amount(product) for product in supplier.get("productos_cotizados") or []]
    return sum(amounts) if amounts and None not in amounts else None


def _quote(supplier: dict, rut: str, quote_number: int, currency: str, rate: Decimal) -> Quote:
    lines = [
        _line(number, product, rate, rut)
        for number, product in enumerate(supplier.get("productos_cotizados") or [], start=1)
    ]
    total = _quote_total(supplier)
    state, reason = _quote_state(supplier)
    source_id = supplier.get("id_cotizacion")
    return Quote(
        supplier_rut=rut,
        supplier_name=str(supplier.get("razon_social") or rut).strip(),
        supplier_size="MiPyme" if as_bool(supplier.get("es_emt") or 0) else None,
        quote_number=quote_number,
        source_quote_id=None if source_id in (None, "") else str(source_id),
        state=state,
        state_reason=reason,
        currency=currency,
        total=total,
        total_clp=_clp(total, rate),
        winner=_winner(supplier),
        lines=lines,
    )


def _quotes(record: dict, rate: Decimal) -> list[Quote] | None:
    """Every quote, numbered 1, 2, … within each supplier's quotes in order of appearance."""
    suppliers = record.get("proveedores_cotizando")
    received = (record.get("resumen") or {}).get("total_ofertas_recibidas") or 0
    if suppliers is None or (not suppliers and int(received) > 0):
        return None
    numbers: dict[str, int] = {}
    quotes = []
    for supplier in suppliers:
        rut = values.rut(str(supplier.get("rut_proveedor") or ""))
        numbers[rut] = numbers.get(rut, 0) + 1
        quotes.append(_quote(supplier, rut, numbers[rut], _currency(record), rate))
    return quotes


def _items(record: dict) -> list[Item] | None:
    products = record.get("productos_solicitados")
    if not products:
        return None
    return [
        Item(
            line_number=index,
            product_code=str(product.get("codigo_producto") or ""),
            name=str(product.get("nombre") or product.get("descripcion") or "").strip() or "Producto",
            description=product.get("descripcion") or None,
            quantity=as_decimal(product.get("cantidad")),
            unit=product.get("unidad_medida") or None,
        )
        for index, product in enumerate(products, start=1)
    ]


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
    tender = TenderRecord(
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
        items=_items(record),
        quotes=_quotes(record, rate),
    )
    if tender.quotes and tender.closing_day is None:
        raise BadValue("cotizaciones recibidas sin fecha de cierre")
    return tender
