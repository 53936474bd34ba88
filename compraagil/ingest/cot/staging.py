"""Turn blocks of COT records into rows for the staging tables (CSV for COPY), after `validation`
keeps the records that pass its rules and rejects the others with their reason. Rows of one
cotización come together in the files, so the tender's own fields are read from its first row and
its quotes are told apart within it: `MontoTotal` is the total of a supplier's whole quote,
repeated on each of its lines, so a supplier's lines that carry one MontoTotal are one quote, and
a second MontoTotal is a second quote (`quote_number` 2). Lines are numbered within their quote;
a line identical in every field to an earlier one of the same quote is a duplicate, counted and
not staged. A cotización read exactly as last imported (its fingerprint, a digest of its records,
is the one stored) is not staged either: re-importing a month stages only what changed. Staged
rows are handed over in batches of whole cotizaciones, so the database can load one batch while the
next is read.
"""

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import partial

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as arrow_csv

from compraagil.ingest import values
from compraagil.ingest.cot import column_values
from compraagil.ingest.cot.blocks import Block
from compraagil.ingest.cot.columns import HeaderMap
from compraagil.ingest.cot.groups import (
    RAW_PREFIX,
    duplicate_rows,
    fingerprints,
    items_text,
    number_quotes,
    requested_items,
    tender_fields,
)
from compraagil.ingest.cot.staged_rows import (
    BATCH_ROWS,
    LINE_COLUMNS,
    QUOTE_COLUMNS,
    SUPPLIER_COLUMNS,
    TENDER_COLUMNS,
    Reject,
    StagedBatch,
)
from compraagil.ingest.cot.validation import validate_block

_CSV = arrow_csv.WriteOptions(include_header=False)


def _csv(table: pa.Table) -> bytes:
    out = io.BytesIO()
    arrow_csv.write_csv(table, out, _CSV)
    return out.getvalue()


def _shifted_differs(column: pa.Array) -> pa.Array:
    """True where a value differs from the one before it (and on the first row)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    previous = pa.concat_arrays([pa.nulls(1, column.type), column.slice(0, len(column) - 1)])
    return pc.fill_null(pc.not_equal(column, previous), True)


def _group_numbers(starts: pa.Array) -> pa.Array:
    """The number of each row's group (0, 1, …), from where each group starts."""
    return pc.subtract(pc.cumulative_sum(pc.cast(starts, pa.int32())), 1)


@dataclass
class Stager:
    """Consumes blocks of records file by file and hands batches of staged rows to `on_batch`."""

    on_batch: Callable[[StagedBatch], None]
    batch_rows: int = BATCH_ROWS
    suppliers: set[str] = field(default_factory=set)
    months: set[date] = field(default_factory=set)
    read: int = 0
    duplicates: int = 0
    batch: StagedBatch = field(default_factory=StagedBatch)
    cotizaciones: list[pa.Array] = field(default_factory=list)
    """The codigo of every group of rows staged, in order (small: one per cotización)."""
    last_imported: Callable[[list[str]], dict[str, str]] | None = None
    """The fingerprints stored for the cotizaciones asked for: those read exactly as last imported
    are not staged (None: every cotización is staged)."""
    unstaged: list[pa.Array] = field(default_factory=list)
    """The codigo of every group of rows left out as exactly as last imported."""

    def split_cotizaciones(self) -> list[str]:
        """The cotizaciones whose rows came in more than one group (across a zip's two files, or
        scattered in one): their quotes and duplicates are only known whole, so the loader
        numbers them again once everything is staged."""
        groups = self.cotizaciones + self.unstaged
        if not groups:
            return []
        counts = pc.value_counts(pa.chunked_array(groups, pa.string()))
        return counts.field("values").filter(pc.greater(counts.field("counts"), 1)).to_pylist()

    def unstaged_part(self, split: list[str]) -> bool:
        """Whether a part of a `split` cotización was left out: its other parts alone would land
        as the whole (a part can be what a whole cotización was last time)."""
        return bool(split and self.unstaged) and bool(
            pc.any(
                pc.is_in(pa.chunked_array(self.unstaged, pa.string()), pa.array(split, pa.string()))
            ).as_py()
        )

    def hand_over(self) -> None:
        """Pass on the rows staged so far (called between cotizaciones, and once at the end)."""
        if self.batch.rows or self.batch.tenders or self.batch.rejects:
            self.on_batch(self.batch)
            self.batch = StagedBatch()

    def _reject(self, reject: Reject) -> None:
        self.batch.rejects.append(reject)
        if len(self.batch.rejects) >= self.batch_rows:
            self.hand_over()

    def stage_file(
        self,
        file_index: int,
        file_name: str,
        header: HeaderMap,
        blocks: Iterable[Block],
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Validate every record of one file; a cotización cut by a block's end waits for the next block."""
        waiting: pa.Table | None = None
        for block in blocks:
            for malformed in block.malformed:
                self._reject(
                    Reject(
                        file_name,
                        malformed.record,
                        f"La fila tiene {malformed.columns} columnas y el encabezado {header.width}",
                    )
                )
            self.read += len(block.malformed)
            accepted = self._accept(file_name, header, block)
            if waiting is not None:
                accepted = pa.concat_tables([waiting, accepted])
            if accepted.num_rows:
                starts = np.flatnonzero(_shifted_differs(accepted.column("codigo").combine_chunks()))
                self._stage_cotizaciones(file_index, accepted.slice(0, starts[-1]))
                waiting = accepted.slice(starts[-1])
            if progress:
                progress(self.read)
        if waiting is not None:
            self._stage_cotizaciones(file_index, waiting)

    def _accept(self, file_name: str, header: HeaderMap, block: Block) -> pa.Table:
        """The block's records that pass every rule (`validation`); the others are rejected."""
        validated = validate_block(file_name, header, block)
        self.read += block.table.num_rows - validated.blank
        for reject in validated.rejects:
            self._reject(reject)
        return validated.accepted

    def _stage_cotizaciones(self, file_index: int, table: pa.Table) -> None:
        """Stage whole cotizaciones: duplicate lines are counted and dropped, quotes are told
        apart and their lines numbered, then lines, quotes, tenders, requested items, new
        suppliers and products are written as CSV."""
        if not table.num_rows:
            return
        table = table.combine_chunks()
        starts = _shifted_differs(table.column("codigo"))
        table = table.append_column("group", _group_numbers(starts))
        digests = fingerprints(table, np.flatnonzero(starts))
        table = self._drop_duplicates(table)
        table, digests = self._changed(table, digests)
        if not table.num_rows:
            return
        table = table.append_column("row", pa.array(np.arange(table.num_rows)))
        group = table.column("group")
        quotes = number_quotes(table)
        tenders = tender_fields(table.filter(_shifted_differs(group)))
        tenders = (
            tenders.append_column("items_text", items_text(table))
            .append_column(
                "quotes_received", pa.array(np.bincount(quotes.quote_groups, minlength=tenders.num_rows))
            )
            .append_column("fingerprint", digests)
        )
        self.cotizaciones.append(tenders.column("codigo").combine_chunks())
        per_row = partial(_per_row, tenders, group)
        batch = self.batch
        batch.tenders.append(_csv(tenders.select(TENDER_COLUMNS)))
        batch.lines.append(
            _csv(
                pa.table(
                    {
                        "file_index": pa.array(np.full(table.num_rows, file_index, np.int16)),
                        "record": table.column("record"),
                        "codigo": table.column("codigo"),
                        # every line of a cotización takes its closing date, as its tender
                        "closing_date": per_row("closing_date"),
                        "published_date": per_row("published_date"),
                        "unit_code": per_row("unit_code"),
                        "region": per_row("region"),
                        "supplier_rut": table.column("rut"),
                        "quote_number": pa.array(quotes.quote_number),
                        "line_number": pa.array(quotes.line_number),
                        "single_line": pa.array(quotes.single_line),
                        "product_code": table.column("product_code"),
                        "product_name": table.column("product"),
                        "description": column_values.text_or_none(table.column("detail")),
                        "quantity": table.column("quantity"),
                        "quote_total": table.column("amount"),
                        "currency": table.column("currency"),
                        "winner": table.column("winner"),
                    }
                ).select(LINE_COLUMNS)
            )
        )
        firsts = table.take(pa.array(quotes.first_rows))
        quote_groups = pa.array(quotes.quote_groups)
        batch.quotes.append(
            _csv(
                pa.table(
                    {
                        "codigo": firsts.column("codigo"),
                        "closing_date": tenders.column("closing_date").take(quote_groups),
                        "unit_code": tenders.column("unit_code").take(quote_groups),
                        "region": tenders.column("region").take(quote_groups),
                        "supplier_rut": firsts.column("rut"),
                        "quote_number": pa.array(quotes.quote_number[quotes.first_rows]),
                        "total": firsts.column("amount"),
                        "currency": firsts.column("currency"),
                        "winner": pa.array(quotes.winners),
                        "line_count": pa.array(quotes.line_counts),
                    }
                ).select(QUOTE_COLUMNS)
            )
        )
        batch.items.append(_csv(requested_items(file_index, table)))
        batch.products.append(_csv(pa.table({"name": pc.unique(table.column("product"))})))
        self._new_suppliers(table)
        self.months.update(
            day.replace(day=1) for day in pc.unique(tenders.column("closing_date")).to_pylist()
        )
        batch.rows += table.num_rows
        if batch.rows >= self.batch_rows:
            self.hand_over()

    def _drop_duplicates(self, table: pa.Table) -> pa.Table:
        """Drop (and count) the lines identical in every field to an earlier line of the same
        cotización; the fields as read are not needed after this."""
        duplicates = duplicate_rows(table)
        table = table.drop_columns(
            [name for name in table.column_names if name.startswith(RAW_PREFIX)] + ["line"]
        )
        if not len(duplicates):
            return table
        keep = np.ones(table.num_rows, bool)
        keep[duplicates] = False
        self.duplicates += len(duplicates)
        return table.filter(pa.array(keep))

    def _changed(self, table: pa.Table, digests: pa.Array) -> tuple[pa.Table, pa.Array]:
        """The rows and digests of the cotizaciones not read exactly as last imported (all of
        them without `last_imported`); the others are only counted as read, and their groups
        renumbered away."""
        if self.last_imported is None:
            return table, digests
        codigos = table.column("codigo").take(pc.indices_nonzero(_shifted_differs(table.column("group"))))
        listed = codigos.to_pylist()
        stored = self.last_imported(listed)
        same = pa.array(
            [stored.get(codigo) == digest for codigo, digest in zip(listed, digests.to_pylist(), strict=True)]
        )
        if not pc.any(same).as_py():
            return table, digests
        self.unstaged.append(codigos.filter(same))
        kept = pc.invert(same)
        table = table.filter(kept.take(table.column("group").combine_chunks()))
        if not table.num_rows:
            return table, digests.filter(kept)
        group = _group_numbers(_shifted_differs(table.column("group")))
        return table.set_column(table.column_names.index("group"), "group", group), digests.filter(kept)

    def _new_suppliers(self, table: pa.Table) -> None:
        """Suppliers not seen before in this file, with the name and size of their first quote."""
        firsts = table.select(["rut", "row"]).group_by("rut", use_threads=False).aggregate([("row", "min")])
        known = pc.is_in(firsts.column("rut"), pa.array(list(self.suppliers), pa.string()))
        new = firsts.filter(pc.invert(known))
        if not new.num_rows:
            return
        rows = table.take(new.column("row_min"))
        name = column_values.text_or_none(rows.column("supplier_name"))
        size = column_values.mapped(rows.column("size"), values.size, pa.string())
        self.suppliers.update(new.column("rut").to_pylist())
        self.batch.suppliers.append(
            _csv(
                pa.table(
                    {"rut": rows.column("rut"), "name": pc.coalesce(name, rows.column("rut")), "size": size}
                ).select(SUPPLIER_COLUMNS)
            )
        )


def _per_row(tenders: pa.Table, group: pa.Array, name: str) -> pa.Array:
    """A cotización's own field repeated on each of its rows."""
    return tenders.column(name).take(group)
