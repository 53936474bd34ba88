"""A proposal version as a document to send: PDF (reportlab) or DOCX (python-docx), both drawn from
the same blocks of its text (`compraagil.proposals.body`)."""

import io
from xml.sax.saxutils import escape

from docx import Document
from docx.shared import Pt
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from compraagil.proposals.body import Block, parse

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORMATS = {"pdf": PDF, "docx": DOCX}
"""File extension → media type."""


def _pdf_table(block: Block, styles) -> Table:
    width = max(len(row) for row in block.rows)
    rows = [
        [Paragraph(escape(cell), styles["BodyText"]) for cell in row + [""] * (width - len(row))]
        for row in block.rows
    ]
    table = Table(rows, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def to_pdf(body: str, *, title: str) -> bytes:
    styles = getSampleStyleSheet()
    flowables = []
    for block in parse(body):
        if block.kind == "title":
            flowables.append(Paragraph(escape(block.text), styles["Title"]))
        elif block.kind == "heading":
            flowables.append(Paragraph(escape(block.text), styles["Heading2"]))
        elif block.kind == "paragraph":
            flowables.append(Paragraph(escape(block.text), styles["BodyText"]))
        elif block.kind == "bullets":
            items = [ListItem(Paragraph(escape(item), styles["BodyText"])) for item in block.items]
            flowables.append(ListFlowable(items, bulletType="bullet", leftIndent=12))
        else:
            flowables.append(_pdf_table(block, styles))
        flowables.append(Spacer(1, 2 * mm))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=title, leftMargin=20 * mm, rightMargin=20 * mm).build(flowables)
    return out.getvalue()


def to_docx(body: str, *, title: str) -> bytes:
    document = Document()
    document.core_properties.title = title
    document.styles["Normal"].font.size = Pt(11)
    for block in parse(body):
        if block.kind == "title":
            document.add_heading(block.text, level=0)
        elif block.kind == "heading":
            document.add_heading(block.text, level=2)
        elif block.kind == "paragraph":
            document.add_paragraph(block.text)
        elif block.kind == "bullets":
            for item in block.items:
                document.add_paragraph(item, style="List Bullet")
        else:
            width = max(len(row) for row in block.rows)
            table = document.add_table(rows=len(block.rows), cols=width)
            table.style = "Table Grid"
            for cells, row in zip(table.rows, block.rows, strict=True):
                for cell, text in zip(cells.cells, row, strict=False):
                    cell.text = text
            for cell in table.rows[0].cells:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render(body: str, *, title: str, extension: str) -> bytes:
    """The document in `extension`'s format (`pdf` or `docx`)."""
    return to_pdf(body, title=title) if extension == "pdf" else to_docx(body, title=title)
