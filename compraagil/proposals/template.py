"""The offline writer: a complete quote letter from templates (no external service), and the same
facts as a prompt for Gemini. The prices are always ours: each requested item at the history's
suggested unit price (`guide_tender`); a writer never invents one."""

from decimal import Decimal

from compraagil.chile.dates import format_date
from compraagil.chile.money import IVA_RATE, format_clp, format_quantity
from compraagil.chile.regions import region_name
from compraagil.proposals.body import FORMAT_HELP
from compraagil.proposals.context import ProposalContext
from compraagil.proposals.prompt import Prompt

VALID_DAYS = 30
TO_CONFIRM = "Por confirmar"


def _quantity(quantity: Decimal | None, unit: str | None) -> str:
    if quantity is None:
        return "—"
    return f"{format_quantity(quantity)} {unit}".strip() if unit else format_quantity(quantity)


def offer_table(context: ProposalContext) -> list[str]:
    """The economic offer: a row per requested item, then the net total, IVA and total."""
    rows = ["| N° | Producto | Cantidad | Precio unitario neto | Subtotal neto |", "|---|---|---|---|---|"]
    for number, item in enumerate(context.guidance.items, start=1):
        price = format_clp(item.suggested_unit_price) if item.suggested_unit_price is not None else TO_CONFIRM
        subtotal = format_clp(item.subtotal) if item.subtotal is not None else TO_CONFIRM
        rows.append(
            f"| {number} | {item.product} | {_quantity(item.quantity, item.unit)} | {price} | {subtotal} |"
        )
    net = Decimal(str(round(context.guidance.total)))
    tax = (net * IVA_RATE).quantize(Decimal(1))
    rows += [
        f"| | Total neto | | | {format_clp(net)} |",
        f"| | IVA (19 %) | | | {format_clp(tax)} |",
        f"| | Total | | | {format_clp(net + tax)} |",
    ]
    return rows


def _identity(context: ProposalContext) -> str:
    supplier = context.supplier
    parts = [supplier.name]
    if supplier.rut:
        parts.append(f"RUT {supplier.rut}")
    if supplier.giro:
        parts.append(f"giro {supplier.giro}")
    if supplier.address:
        parts.append(f"domicilio en {supplier.address}")
    return ", ".join(parts)


def _conditions(context: ProposalContext) -> list[str]:
    tender = context.tender
    days = f"{tender.delivery_days} días hábiles desde la emisión de la orden de compra" if tender.delivery_days else (
        "según el plazo indicado en la Compra Ágil"
    )  # fmt: skip
    place = tender.delivery_address or "la dirección que indique la unidad de compra"
    lines = [
        f"- Plazo de entrega: {days}.",
        f"- Lugar de entrega: {place}.",
        f"- Validez de la oferta: {VALID_DAYS} días corridos desde la fecha de esta cotización.",
        "- Forma de pago: según lo dispuesto para Compra Ágil, contra factura y recepción conforme.",
        "- Los productos cumplen lo solicitado en la ficha de la Compra Ágil; cualquier equivalente se"
        " informa antes del despacho.",
    ]
    if context.guidance.unpriced or context.guidance.left_out:
        lines.append(
            "- Los productos marcados «Por confirmar» se cotizan a pedido y no están incluidos en el total."
        )
    return lines


def write_offline(context: ProposalContext) -> str:
    """A complete proposal in the body format, ready to send after a read."""
    tender, supplier = context.tender, context.supplier
    buyer = tender.organismo or "la unidad de compra"
    region = f", {region_name(tender.region)}" if tender.region else ""
    closes = f" (cierre: {format_date(tender.closes_at)})" if tender.closes_at else ""
    contact = f"Correo de contacto: {supplier.contact_email}." if supplier.contact_email else ""
    return "\n".join(
        [
            f"# Cotización {tender.codigo}: {tender.name}",
            "",
            f"{format_date(context.today)}",
            "",
            "Señores",
            f"{buyer}" + (f", {tender.unit_name}" if tender.unit_name and tender.unit_name != buyer else "") + region,
            "Presente",
            "",
            "## Presentación",
            f"{_identity(context)}, presenta su cotización para la Compra Ágil {tender.codigo}, «{tender.name}»{closes}."
            " Ofrecemos los productos solicitados en las cantidades requeridas.",
            "",
            "## Oferta económica",
            *offer_table(context),
            "",
            "Precios en pesos chilenos; el IVA se indica por separado.",
            "",
            "## Condiciones comerciales",
            *_conditions(context),
            "",
            "## Contacto",
            f"Quedamos atentos a cualquier consulta sobre esta cotización. {contact}".strip(),
            "",
            "Atentamente,",
            "",
            supplier.name + (f" · RUT {supplier.rut}" if supplier.rut else ""),
        ]
    )  # fmt: skip


SYSTEM = f"""Eres un redactor de cotizaciones para proveedores chilenos que venden al Estado por Compra
Ágil (Mercado Público). Escribes en español de Chile, formal y breve (una o dos páginas), sin
inventar datos: usa solo los hechos que te dan. Copia la tabla de la oferta económica tal cual, sin
cambiar ningún precio ni total. Formato del texto: {FORMAT_HELP} Empieza con el título «# …»; usa
las secciones Presentación, Oferta económica, Condiciones comerciales y Contacto. No uses negritas
ni otros adornos."""


def gemini_prompt(context: ProposalContext) -> Prompt:
    """The same facts as the template, for Gemini to write the letter around our prices."""
    tender, supplier = context.tender, context.supplier
    items = "\n".join(
        f"- {item.name}: {_quantity(item.quantity, item.unit)}" + (f" ({item.description})" if item.description else "")
        for item in tender.items
    )  # fmt: skip
    facts = [
        f"Compra Ágil {tender.codigo}: «{tender.name}»",
        f"Descripción: {tender.description or '—'}",
        f"Organismo: {tender.organismo or '—'}; unidad de compra: {tender.unit_name or '—'}",
        f"Cierre: {format_date(tender.closes_at)}; entrega: {tender.delivery_address or '—'}, "
        f"{tender.delivery_days or '—'} días",
        f"Productos solicitados:\n{items or '—'}",
        f"Proveedor: {_identity(context)}; contacto: {supplier.contact_email or '—'}",
        f"Fecha de la cotización: {format_date(context.today)}; validez {VALID_DAYS} días",
        "Oferta económica (cópiala tal cual):\n" + "\n".join(offer_table(context)),
        "Condiciones comerciales:\n" + "\n".join(_conditions(context)),
    ]
    return Prompt(system=SYSTEM, user="Redacta la cotización con estos datos:\n\n" + "\n\n".join(facts))
