"""An issued boleta, factura or nota de crédito as a PDF (reportlab), from its stored row alone."""

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from compraagil.chile.dates import format_date
from compraagil.chile.money import format_clp
from compraagil.config import get_settings
from compraagil.models import Invoice
from compraagil.payments.invoices import KIND_LABELS, VAT_RATE


def _buyer_rows(invoice: Invoice) -> list[list[str]]:
    if invoice.buyer_rut:
        return [
            ["Razón social", invoice.buyer_name], ["RUT", invoice.buyer_rut],
            ["Giro", invoice.buyer_giro or ""], ["Dirección", invoice.buyer_address or ""],
        ]  # fmt: skip
    return [["Cliente", invoice.buyer_name]]


def render(invoice: Invoice) -> bytes:
    settings = get_settings()
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=f"{KIND_LABELS[invoice.kind]} N° {invoice.number}",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
    )
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    amounts = Table(
        [
            ["Detalle", "Monto"],
            [Paragraph(invoice.description, styles["BodyText"]), format_clp(invoice.net_clp)],
            ["Neto", format_clp(invoice.net_clp)],
            [f"IVA {VAT_RATE} %", format_clp(invoice.vat_clp)],
            ["Total", format_clp(invoice.total_clp)],
        ],
        colWidths=[120 * mm, 45 * mm],
    )
    amounts.setStyle(
        TableStyle(
            [
                *grid.getCommands(),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ]
        )
    )
    buyer = Table(_buyer_rows(invoice), colWidths=[35 * mm, 130 * mm])
    buyer.setStyle(grid)
    document.build([
        Paragraph(f"{KIND_LABELS[invoice.kind]} N° {invoice.number}", styles["Title"]),
        Paragraph(f"{settings.invoice_issuer_name} · RUT {settings.invoice_issuer_rut} · {settings.invoice_issuer_address}", styles["Normal"]),
        Paragraph(f"Fecha de emisión: {format_date(invoice.issued_at)}", styles["Normal"]),
        Spacer(1, 6 * mm),
        buyer,
        Spacer(1, 6 * mm),
        amounts,
    ])  # fmt: skip
    return out.getvalue()
