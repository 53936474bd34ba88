"""The field rules of `values`, applied to whole columns (pyarrow arrays) of COT records.

Columns hold few distinct dates, RUTs, regions or flags, so those are parsed once per distinct
value by the scalar rules themselves; numbers and free text are handled with pyarrow kernels that
follow the same rules.
"""

from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

from compraagil.ingest import values
from compraagil.ingest.values import BadValue

MISSING = pa.array(sorted(values.MISSING))
MISSING_TEXT = pa.array(sorted({*values.MISSING, "1900-01-01"}))
NUMBER = r"^-?[0-9]+(\.[0-9]+)?$"


def map_distinct(
    column: pa.Array, rule: Callable[[str], object], kind: pa.DataType
) -> tuple[pa.Array, pa.Array]:
    """`rule` applied once per distinct value: (results, failed), null where it raised BadValue."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    encoded = column.dictionary_encode()
    results, failed = [], []
    for value in encoded.dictionary.to_pylist():
        try:
            results.append(rule(value))
            failed.append(False)
        except BadValue:
            results.append(None)
            failed.append(True)
    return pa.array(results, kind).take(encoded.indices), pa.array(failed, pa.bool_()).take(encoded.indices)


def mapped(column: pa.Array, rule: Callable[[str], object], kind: pa.DataType) -> pa.Array:
    """`rule` applied once per distinct value; null where it raised BadValue."""
    return map_distinct(column, rule, kind)[0]


def number(column: pa.Array) -> tuple[pa.Array, pa.Array]:
    """`values.number` over a column: (the numbers as COPY reads them, null when missing; valid)."""
    text = pc.utf8_trim_whitespace(column)
    missing = pc.is_in(text, MISSING)
    decimal = pc.replace_substring(pc.replace_substring(text, ".", ""), ",", ".")
    text = pc.if_else(pc.match_substring(text, ","), decimal, text)
    valid = pc.or_(missing, pc.match_substring_regex(text, NUMBER))
    return pc.if_else(missing, pa.scalar(None, pa.string()), text), valid


def text_or_none(column: pa.Array) -> pa.Array:
    """`values.text_or_none` over a column."""
    text = pc.utf8_trim_whitespace(column)
    return pc.if_else(pc.is_in(text, MISSING_TEXT), pa.scalar(None, pa.string()), text)


def optional_rut(text: str) -> str | None:
    """A buyer's RUT; None when it is missing (BadValue when it is invalid)."""
    return None if text.strip() in values.MISSING else values.rut(text)
