"""Parse a COT CSV into blocks of columns with pyarrow's CSV reader.

Every record gets its number in the file (1 is the first after the header); a malformed one (its
number of columns is not the header's) keeps its number but is not parsed. Empty lines count as
records of empty fields, so the numbers stay those `reader.locate_records` finds again.
"""

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import numpy as np
import pyarrow as pa
from pyarrow import csv as arrow_csv

from compraagil.ingest.cot.reader import CotFile

PARSE_BYTES = 1 << 20
"""Bytes of CSV pyarrow parses at a time; it reads up to 32 such blocks ahead, so they stay small."""
BLOCK_ROWS = 10_000
"""Records handed on at a time (parsed blocks are gathered up to this)."""


@dataclass(frozen=True)
class Malformed:
    """A record whose number of columns is not the header's."""

    record: int
    columns: int


@dataclass
class Block:
    """Records of one block: the well-formed ones as columns named by position ("0", "1", ...)
    with their record numbers, and the malformed ones among them."""

    table: pa.Table
    records: np.ndarray
    malformed: list[Malformed]


def read_blocks(cot_file: CotFile) -> Iterator[Block]:
    """The records of one CSV of a source, after its header, in blocks."""
    stream = cot_file.utf8()
    if stream.at_end():  # a header and nothing else: no records (pyarrow would call it an error)
        return iter(())
    return _blocks(stream, cot_file)


def _blocks(stream: IO[bytes], cot_file: CotFile) -> Iterator[Block]:
    """Parse the records after the header; malformed ones are numbered, not parsed. A record
    longer than two parse blocks makes the file unreadable (an unclosed quote, most likely)."""
    malformed: deque[Malformed] = deque()

    def on_malformed(row) -> str:
        malformed.append(Malformed(row.number, row.actual_columns))
        return "skip"

    names = [str(position) for position in range(cot_file.header.width)]
    next_record = 1
    try:
        reader = arrow_csv.open_csv(
            stream,
            read_options=arrow_csv.ReadOptions(column_names=names, block_size=PARSE_BYTES, use_threads=False),
            parse_options=arrow_csv.ParseOptions(
                delimiter=";",
                quote_char='"',
                newlines_in_values=True,
                ignore_empty_lines=False,  # an empty line is a record of empty fields: numbers stay right
                invalid_row_handler=on_malformed,
            ),
            convert_options=arrow_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=False,
            ),
        )
        for batches in _gathered(reader, BLOCK_ROWS):
            rows = sum(batch.num_rows for batch in batches)
            among = []
            while malformed and malformed[0].record < next_record + rows + len(among):
                among.append(malformed.popleft())
            records = np.arange(next_record, next_record + rows + len(among))
            if among:
                records = np.delete(records, [row.record - next_record for row in among])
            next_record += rows + len(among)
            yield Block(pa.Table.from_batches(batches, reader.schema), records, among)
    except pa.ArrowInvalid as error:
        raise cot_file.unreadable(
            f"no se puede leer después del registro {next_record - 1} ({error}): un registro"
            f" de más de {2 * PARSE_BYTES >> 20} MB, ¿comillas sin cerrar?"
        ) from None
    if malformed:
        yield Block(reader.schema.empty_table(), np.empty(0, int), list(malformed))


def _gathered(batches: Iterator[pa.RecordBatch], rows: int) -> Iterator[list[pa.RecordBatch]]:
    """Batches in groups of at least `rows` records (the last group may hold fewer)."""
    group: list[pa.RecordBatch] = []
    for batch in batches:
        group.append(batch)
        if sum(b.num_rows for b in group) >= rows:
            yield group
            group = []
    if group:
        yield group
