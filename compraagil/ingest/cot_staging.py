"""Turn COT records into rows for the staging tables (PostgreSQL COPY text), rejecting bad ones.

Rows of one cotización come together in the files, so the tender's own fields are read once per
group, repeated quotes are caught within the group, and a supplier whose several lines all carry
the same MontoTotal is recognised as quoting one total for the whole cotización (its lines then
get no unit price, rather than a wrong one). Staged rows are handed over in batches of whole
cotizaciones, so the database can load one batch while the next is read.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import NamedTuple

from compraagil.ingest import values
from compraagil.ingest.copy_format import copy_field, copy_line
from compraagil.ingest.cot_columns import HeaderMap
from compraagil.ingest.values import BadValue

QUOTE_COLUMNS = (
    "file_index", "line_no", "codigo", "closing_date", "published_date", "unit_code", "region", "supplier_rut",
    "product_code", "product_name", "quantity", "amount", "amount_is_quote_total", "currency", "winner",
)  # fmt: skip


class TenderRow(NamedTuple):
    """A cotización's own fields, read once per group of rows and staged with its items' names."""

    codigo: str
    closing_date: date
    published_date: date | None
    state: str | None
    name: str
    description: str | None
    delivery_address: str | None
    delivery_days: int | None
    amount_available: str | None
    unit_code: str | None
    unit_name: str | None
    organismo: str | None
    unit_rut: str | None
    region: int | None


TENDER_COLUMNS = (*TenderRow._fields, "items_text")


NULL_FIELD = "\\N"
PROGRESS_EVERY = 1 << 16
BATCH_ROWS = 50_000


class Reject(NamedTuple):
    """A record rejected while staging: the lines it spans, and why (its text is read later)."""

    file_name: str
    line_number: int
    last_line: int
    reason: str


@dataclass
class StagedBatch:
    """Whole cotizaciones in COPY text: their quotes and tenders, the suppliers and products first
    seen in them, and the records rejected on the way."""

    quotes: list[str] = field(default_factory=list)
    tenders: list[str] = field(default_factory=list)
    suppliers: list[str] = field(default_factory=list)
    products: set[str] = field(default_factory=set)
    rejects: list[Reject] = field(default_factory=list)
    rows: int = 0


def _or_null(value: object) -> str:
    return NULL_FIELD if value is None else str(value)


@dataclass
class Stager:
    """Consumes records file by file and hands batches of staged rows to `on_batch`."""

    on_batch: Callable[[StagedBatch], None]
    batch_rows: int = BATCH_ROWS
    suppliers: set[str] = field(default_factory=set)
    months: set[date] = field(default_factory=set)
    read: int = 0
    batch: StagedBatch = field(default_factory=StagedBatch)

    def hand_over(self) -> None:
        """Pass on the rows staged so far (called at cotización boundaries, and once at the end)."""
        if self.batch.rows or self.batch.tenders or self.batch.rejects:
            self.on_batch(self.batch)
            self.batch = StagedBatch()

    def _reject(self, file_name: str, line_number: int, last_line: int, reason: str) -> None:
        self.batch.rejects.append(Reject(file_name, line_number, last_line, reason))
        if len(self.batch.rejects) >= self.batch_rows:
            self.hand_over()

    def stage_file(self, file_index: int, file_name: str, header: HeaderMap, records, progress=None) -> None:
        """Validate every record of one file; the hot loop keeps everything it touches in locals."""
        ix = header.index
        width = header.width
        i_codigo, i_closing, i_rut = ix("CodigoCotizacion"), ix("FechaCierreParaCotizar"), ix("RUTProveedor")
        i_qty, i_amount, i_winner = ix("CantidadSolicitada"), ix("MontoTotal"), ix("ProveedorSeleccionado")
        i_product, i_generic, i_code = (
            ix("ProductoCotizado"),
            ix("NombreProductoGenerico"),
            ix("CodigoProducto"),
        )
        i_currency, i_supplier, i_size = ix("moneda"), ix("RazonSocialProveedor"), ix("Tamano")
        day, rut, number, flag, product_name = (
            values.day,
            values.rut,
            values.number,
            values.flag,
            values.product_name,
        )
        missing = values.MISSING
        suppliers = self.suppliers
        reject = self._reject
        group = _Group(self, file_index, header)
        seen = group.seen
        lines = group.lines
        read = self.read
        for line_number, last_line, fields in records:
            read += 1
            if progress and not read % PROGRESS_EVERY:
                progress(read)
            if len(fields) != width:
                reject(
                    file_name=file_name,
                    line_number=line_number,
                    last_line=last_line,
                    reason=f"La fila tiene {len(fields)} columnas y el encabezado {width}",
                )
                continue
            try:
                codigo = fields[i_codigo].strip()
                if not codigo:
                    raise BadValue("Falta CodigoCotizacion")
                closing = day(fields[i_closing], "FechaCierreParaCotizar")
                if closing is None:
                    raise BadValue("Falta FechaCierreParaCotizar")
                supplier_rut = rut(fields[i_rut])
                quantity = number(fields[i_qty], "CantidadSolicitada")
                if quantity is not None and quantity[0] == "-":
                    raise BadValue(f"CantidadSolicitada negativa: «{quantity}»")
                amount = number(fields[i_amount], "MontoTotal")
                winner = flag(fields[i_winner], "ProveedorSeleccionado")
                product = product_name(fields[i_product] if i_product is not None else "") or (
                    product_name(fields[i_generic]) if i_generic is not None else ""
                )
                if not product:
                    raise BadValue("Falta el producto cotizado")
            except BadValue as error:
                reject(file_name=file_name, line_number=line_number, last_line=last_line, reason=str(error))
                continue
            if codigo != group.codigo:
                group.flush()
                group.start(codigo, closing, fields)
            product_code = fields[i_code].strip() if i_code is not None else ""
            if product_code in missing:
                product_code = ""
            key = (supplier_rut, product_code, product)
            first = seen.get(key)
            if first:
                reject(
                    file_name=file_name,
                    line_number=line_number,
                    last_line=last_line,
                    reason=f"Fila repetida: este proveedor ya cotizó este producto en la línea {first}",
                )
                continue
            seen[key] = line_number
            currency = fields[i_currency].strip() if i_currency is not None else ""
            if currency in missing:
                currency = "CLP"
            texts = product_code + product + currency
            if "\\" in texts or "\t" in texts or "\n" in texts or "\r" in texts:
                product_code, product, currency = (
                    copy_field(product_code),
                    copy_field(product),
                    copy_field(currency),
                )
            lines.append(
                (line_number, supplier_rut, product_code, product, quantity, amount, currency, winner)
            )
            if supplier_rut not in suppliers:
                name = values.text_or_none(fields[i_supplier]) if i_supplier is not None else None
                size = values.size(fields[i_size]) if i_size is not None else None
                suppliers.add(supplier_rut)
                self.batch.suppliers.append(copy_line((supplier_rut, name or supplier_rut, size)))
        group.flush()
        self.read = read
        if progress:
            progress(read)


class _Group:
    """The lines of the cotización being read, written out when the next one starts."""

    def __init__(self, stager: Stager, file_index: int, header: HeaderMap):
        self.stager = stager
        self.file_index = file_index
        self.header = header
        self.codigo: str | None = None
        self.tender: TenderRow | None = None
        self.prefix = ""
        self.seen: dict[tuple[str, str, str], int] = {}
        self.lines: list[tuple] = []

    def _get(self, fields: list[str], name: str) -> str:
        index = self.header.index(name)
        return fields[index] if index is not None else ""

    def start(self, codigo: str, closing: date, fields: list[str]) -> None:
        self.codigo = codigo
        self.seen.clear()
        self.stager.months.add(closing.replace(day=1))
        self.tender = tender = self._tender_row(codigo, closing, fields)
        self.prefix = "\t".join(
            (
                copy_field(codigo),
                str(closing),
                _or_null(tender.published_date),
                copy_field(tender.unit_code),
                _or_null(tender.region),
            )
        )

    def _tender_row(self, codigo: str, closing: date, fields: list[str]) -> TenderRow:
        get = partial(self._get, fields)
        try:
            published = values.day(get("FechaPublicacionParaCotizar"), "FechaPublicacionParaCotizar")
        except BadValue:
            published = None
        try:
            available = values.number(get("MontoTotalDisponble"), "MontoTotalDisponble")
        except BadValue:
            available = None
        days = get("PlazoEntrega").strip()
        unit_rut = get("RUTUnidaddeCompra")
        try:
            unit_rut = values.rut(unit_rut) if unit_rut.strip() not in values.MISSING else None
        except BadValue:
            unit_rut = None
        organismo = values.text_or_none(get("RazonSocialUnidaddeCompra")) or values.text_or_none(
            get("NombreOOPP")
        )
        return TenderRow(
            codigo=codigo,
            closing_date=closing,
            published_date=published,
            state=values.state(get("Estado")),
            name=values.text_or_none(get("NombreCotizacion")) or codigo,
            description=values.text_or_none(get("DescripcionCotizacion")),
            delivery_address=values.text_or_none(get("DireccionEntrega")),
            delivery_days=int(days) if days.isdigit() and len(days) < 6 else None,
            amount_available=available,
            unit_code=values.text_or_none(get("CodigoUnidaddeCompra")),
            unit_name=values.text_or_none(get("NombreUnidaddeCompra")),
            organismo=organismo,
            unit_rut=unit_rut,
            region=values.region(get("Region")),
        )

    def flush(self) -> None:
        """Write the group's lines; a supplier whose lines all repeat one MontoTotal quoted a total."""
        lines = self.lines
        if not lines:
            return
        amounts: dict[str, set] = defaultdict(set)
        counts: dict[str, int] = defaultdict(int)
        for line in lines:
            amounts[line[1]].add(line[5])
            counts[line[1]] += 1
        totals = {rut for rut, count in counts.items() if count > 1 and len(amounts[rut]) == 1}
        products = {line[3] for line in lines}
        items_text = " · ".join(sorted(products))
        batch = self.stager.batch
        batch.tenders.append(copy_line((*self.tender, items_text)))
        batch.products.update(products)
        batch.rows += len(lines)
        head = f"{self.file_index}\t"
        prefix = f"\t{self.prefix}\t"
        batch.quotes.append(
            "".join(
                f"{head}{line_no}{prefix}{rut}\t{code}\t{product}\t{NULL_FIELD if qty is None else qty}\t"
                f"{NULL_FIELD if amount is None else amount}\t{'t' if rut in totals else 'f'}\t{currency}\t"
                f"{'t' if winner else 'f'}\n"
                for line_no, rut, code, product, qty, amount, currency, winner in lines
            )
        )
        lines.clear()
        if batch.rows >= self.stager.batch_rows:
            self.stager.hand_over()
