"""How the rows of a cotización group: a supplier's quotes and their lines, duplicate lines, the
products it asked for, its own fields (from its first row), and a digest of its records. Work on whole blocks of staged rows (pyarrow
tables with a `group` column numbering their cotizaciones), with numpy for the counting."""

import hashlib
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from compraagil.ingest import values
from compraagil.ingest.cot import column_values
from compraagil.ingest.cot.staged_rows import ITEM_COLUMNS

KEY_SEPARATOR = "\x1f"
RAW_PREFIX = "field:"
"""Columns named so hold a record's fields as read, until its duplicates are found."""


def duplicate_rows(table: pa.Table) -> np.ndarray:
    """The rows identical in every field to an earlier row of the same cotización: rows whose
    line's own fields (`line`) repeat are compared field by field with the first of them."""
    _, first_index, inverse = np.unique(
        key_codes(table, ["group", "line"]), return_index=True, return_inverse=True
    )
    first_of_row = first_index[inverse]
    repeats = np.flatnonzero(first_of_row != np.arange(table.num_rows))
    if not len(repeats):
        return repeats
    identical = np.ones(len(repeats), bool)
    these, firsts = pa.array(repeats), pa.array(first_of_row[repeats])
    for name in table.column_names:
        if name.startswith(RAW_PREFIX):
            column = table.column(name)
            identical &= pc.equal(column.take(these), column.take(firsts)).to_numpy(zero_copy_only=False)
    return repeats[identical]


def string_slices(strings: pa.Array) -> tuple[memoryview, np.ndarray]:
    """A string array's bytes and the offsets where each of its values starts (and the last ends)."""
    if isinstance(strings, pa.ChunkedArray):
        strings = strings.combine_chunks()
    offsets = np.frombuffer(strings.buffers()[1], np.int32)[
        strings.offset : strings.offset + len(strings) + 1
    ]
    return memoryview(strings.buffers()[2]), offsets


def fingerprints(table: pa.Table, starts: np.ndarray) -> pa.Array:
    """A digest of each cotización's records as read (its first record's fields, then every
    line's own): equal digests mean the source says the same about it as last time."""
    raw_columns = [name for name in table.column_names if name.startswith(RAW_PREFIX)]
    first_records = pc.binary_join_element_wise(
        *(table.column(name).take(pa.array(starts)) for name in raw_columns), KEY_SEPARATOR
    )
    first_data, first_offsets = string_slices(first_records)
    line_data, line_offsets = string_slices(table.column("line"))
    line_bounds = line_offsets[np.r_[starts, table.num_rows]]
    digests = []
    for group in range(len(starts)):
        digest = hashlib.blake2b(first_data[first_offsets[group] : first_offsets[group + 1]], digest_size=12)
        digest.update(line_data[line_bounds[group] : line_bounds[group + 1]])
        digests.append(digest.hexdigest())
    return pa.array(digests, pa.string())


def key_codes(table: pa.Table, columns: list[str]) -> np.ndarray:
    """A code per row for the combination of `columns`, numbered in order of first appearance."""
    parts = [pc.cast(table.column(name), pa.string()) for name in columns]
    joined = pc.binary_join_element_wise(
        *parts, KEY_SEPARATOR, null_handling="replace", null_replacement="\x00"
    )
    if isinstance(joined, pa.ChunkedArray):
        joined = joined.combine_chunks()
    return joined.dictionary_encode().indices.to_numpy(zero_copy_only=False)


def first_of_each(table: pa.Table, columns: list[str]) -> np.ndarray:
    """The row of the first appearance of each combination of `columns`, in row order."""
    _, firsts = np.unique(key_codes(table, columns), return_index=True)
    return np.sort(firsts)


def rank_within(owners: np.ndarray) -> np.ndarray:
    """For each position, how many earlier positions share its owner (0 for the first)."""
    order = np.argsort(owners, kind="stable")
    sorted_owners = owners[order]
    run_starts = np.flatnonzero(np.r_[True, sorted_owners[1:] != sorted_owners[:-1]])
    run_lengths = np.diff(np.r_[run_starts, len(owners)])
    ranks = np.empty(len(owners), np.int64)
    ranks[order] = np.arange(len(owners)) - np.repeat(run_starts, run_lengths)
    return ranks


@dataclass
class QuoteNumbers:
    """How the lines of some cotizaciones group into quotes (arrays by row, or by quote)."""

    quote_number: np.ndarray
    """By row: which of its supplier's quotes in the cotización the line belongs to (1, 2, …)."""
    line_number: np.ndarray
    """By row: its place within its quote (1, 2, …)."""
    single_line: np.ndarray
    """By row: its quote has no other line (so its unit price is the total over the quantity)."""
    first_rows: np.ndarray
    """By quote: the row of its first line."""
    quote_groups: np.ndarray
    """By quote: its cotización's group number."""
    winners: np.ndarray
    line_counts: np.ndarray


def number_quotes(table: pa.Table) -> QuoteNumbers:
    """A supplier's lines in a cotización that carry one MontoTotal form one quote; quotes are
    numbered per supplier, and lines per quote, in the order they appear."""
    quote = key_codes(table, ["group", "rut", "amount"])
    supplier = key_codes(table, ["group", "rut"])
    quotes = int(quote.max()) + 1
    first_rows = np.full(quotes, len(quote))
    np.minimum.at(first_rows, quote, np.arange(len(quote)))
    quote_supplier = supplier[first_rows]
    number_of_quote = rank_within(quote_supplier) + 1
    line_counts = np.bincount(quote, minlength=quotes)
    winner = table.column("winner").to_numpy(zero_copy_only=False).astype(float)
    return QuoteNumbers(
        quote_number=number_of_quote[quote],
        line_number=rank_within(quote) + 1,
        single_line=line_counts[quote] == 1,
        first_rows=first_rows,
        quote_groups=table.column("group").to_numpy()[first_rows],
        winners=np.bincount(quote, weights=winner, minlength=quotes) > 0,
        line_counts=line_counts,
    )


def requested_items(file_index: int, table: pa.Table) -> pa.Table:
    """What each cotización asked for: its distinct products (code, text, quantity), numbered."""
    firsts = table.take(pa.array(first_of_each(table, ["group", "product_code", "product_text", "quantity"])))
    text = column_values.text_or_none
    return pa.table(
        {
            "codigo": firsts.column("codigo"),
            "line_number": pa.array(rank_within(firsts.column("group").to_numpy()) + 1),
            "file_index": pa.array(np.full(firsts.num_rows, file_index, np.int16)),
            "record": firsts.column("record"),
            "product_code": firsts.column("product_code"),
            "name": pc.coalesce(text(firsts.column("product_text")), text(firsts.column("generic_text"))),
            "quantity": firsts.column("quantity"),
        }
    ).select(ITEM_COLUMNS)


def items_text(table: pa.Table) -> pa.Array:
    """Each cotización's distinct product names, sorted, joined with « · »."""
    pairs = table.select(["group", "product"]).group_by(["group", "product"], use_threads=False).aggregate([])
    pairs = pairs.sort_by([("group", "ascending"), ("product", "ascending")])
    lists = pairs.group_by("group", use_threads=False).aggregate([("product", "list")]).sort_by("group")
    return pc.binary_join(lists.column("product_list"), " · ")


def tender_fields(firsts: pa.Table) -> pa.Table:
    """A cotización's own fields, from its first row (unreadable extras are left empty)."""
    text = column_values.text_or_none
    available, available_valid = column_values.number(firsts.column("available"))
    days = pc.utf8_trim_whitespace(firsts.column("days"))
    return pa.table(
        {
            "codigo": firsts.column("codigo"),
            "closing_date": firsts.column("closing"),
            "published_date": column_values.mapped(firsts.column("published"), values.parse_day, pa.date32()),
            "state": column_values.mapped(firsts.column("state"), values.state, pa.string()),
            "name": pc.coalesce(text(firsts.column("name")), firsts.column("codigo")),
            "description": text(firsts.column("description")),
            "delivery_address": text(firsts.column("address")),
            "delivery_days": pc.if_else(
                pc.match_substring_regex(days, r"^[0-9]{1,5}$"), days, pa.scalar(None, pa.string())
            ),
            "amount_available": pc.if_else(available_valid, available, pa.scalar(None, pa.string())),
            "unit_code": text(firsts.column("unit_code")),
            "unit_name": text(firsts.column("unit_name")),
            "organismo": pc.coalesce(text(firsts.column("unit_organismo")), text(firsts.column("oopp"))),
            "unit_rut": column_values.mapped(
                firsts.column("unit_rut"), column_values.optional_rut, pa.string()
            ),
            "region": column_values.mapped(firsts.column("region"), values.region, pa.int16()),
        }
    )
