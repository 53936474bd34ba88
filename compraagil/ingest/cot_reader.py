"""Stream the records of COT open-data files (a monthly zip, or a single CSV), never the whole file.

pyarrow's CSV reader parses each block of a file into columns, and every record gets its number
in the file (1 is the first after the header; a malformed record keeps its number too). Where a
record starts and its exact text are only needed for the few that are reported as rejected:
`locate_records` finds them in a second, line-by-line pass. Quoted fields may span lines; text is
Windows-1252 (Latin-1 where cp1252 leaves a byte undefined).
"""

import codecs
import csv
import io
import zipfile
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa
from pyarrow import csv as arrow_csv

from compraagil.ingest.cot_columns import HeaderMap, map_header

ENCODING = "cp1252"
PARSE_BYTES = 1 << 20
"""Bytes of CSV pyarrow parses at a time; it reads up to 32 such blocks ahead, so they stay small."""
BLOCK_ROWS = 20_000
"""Records handed on at a time (parsed blocks are gathered up to this)."""
READ_BYTES = 1 << 20
HEADER_MAX_BYTES = 1 << 16
FIELD_SIZE_LIMIT = 16 * 1024 * 1024

codecs.register_error(
    "latin1_fallback", lambda error: (error.object[error.start : error.end].decode("latin-1"), error.end)
)
csv.field_size_limit(FIELD_SIZE_LIMIT)


class UnreadableFile(ValueError):
    """The source cannot be read at all (not a zip, no CSV inside, no header, ...)."""


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


class _SourceBytes(io.RawIOBase):
    """The bytes after the header, counted as they are read (for a progress percentage)."""

    def __init__(self, binary: IO[bytes], first: bytes):
        self._binary = binary
        self._first = first
        self.count = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._first:
            data, self._first = self._first, b""
        else:
            data = self._binary.read(size if size and size > 0 else READ_BYTES)
        self.count += len(data)
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class _Utf8(io.RawIOBase):
    """Windows-1252 bytes read as UTF-8, for pyarrow."""

    def __init__(self, source: _SourceBytes):
        self._source = source
        self._decoder = codecs.getincrementaldecoder(ENCODING)(errors="latin1_fallback")
        self._pending = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = size if size and size > 0 else READ_BYTES
        while len(self._pending) < size:
            data = self._source.read(max(size, READ_BYTES))
            self._pending += self._decoder.decode(data, final=not data).encode()
            if not data:
                break
        data, self._pending = self._pending[:size], self._pending[size:]
        return data


@dataclass
class CotFile:
    """One CSV of a source: its name, header map and size in bytes; its records are read once,
    lazily, either as blocks of columns or, for `locate_records`, line by line."""

    name: str
    header: HeaderMap
    source: _SourceBytes
    size: int

    def blocks(self) -> Iterator[Block]:
        return _blocks(_Utf8(self.source), self.header.width)

    def lines(self) -> IO[str]:
        return io.TextIOWrapper(
            io.BufferedReader(self.source), encoding=ENCODING, errors="latin1_fallback", newline=""
        )

    @property
    def bytes_read(self) -> int:
        return self.source.count


def _blocks(stream: IO[bytes], width: int) -> Iterator[Block]:
    """Parse the records after the header; malformed ones are numbered, not parsed."""
    malformed: deque[Malformed] = deque()

    def on_malformed(row) -> str:
        malformed.append(Malformed(row.number, row.actual_columns))
        return "skip"

    names = [str(position) for position in range(width)]
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
    next_record = 1
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


def _split_header(binary: IO[bytes]) -> tuple[bytes, bytes]:
    """The header line and the bytes read past it (a file may end its lines with a bare CR)."""
    line = binary.readline(HEADER_MAX_BYTES)
    cut = line.find(b"\r")
    if cut != -1 and line[cut + 1 : cut + 2] != b"\n":
        return line[:cut], line[cut + 1 :]
    return line, b""


def _open_csv(name: str, binary: IO[bytes], size: int) -> CotFile:
    header_line, rest = _split_header(binary)
    text = header_line.decode(ENCODING, errors="latin1_fallback")
    if not text.strip():
        raise UnreadableFile(f"{name}: el archivo está vacío")
    header = next(csv.reader([text], delimiter=";", quotechar='"'))
    try:
        header_map = map_header(header)
    except ValueError as error:
        raise UnreadableFile(f"{name}: {error}") from None
    return CotFile(name=name, header=header_map, source=_SourceBytes(binary, rest), size=size)


@contextmanager
def open_cot(path: Path) -> Iterator[list[CotFile]]:
    """Open a `.zip` (every CSV inside, by name) or a `.csv`; headers are checked before any row is read."""
    path = Path(path)
    if not path.exists():
        raise UnreadableFile(f"{path}: no existe")
    if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            raise UnreadableFile(f"{path.name}: no es un zip válido") from None
        with archive:
            members = sorted(n for n in archive.namelist() if n.lower().endswith(".csv"))
            if not members:
                raise UnreadableFile(f"{path.name}: el zip no contiene archivos CSV")
            try:
                yield [_open_csv(m, archive.open(m), archive.getinfo(m).file_size) for m in members]
            except zipfile.BadZipFile as error:
                raise UnreadableFile(f"{path.name}: zip dañado ({error})") from None
    else:
        with path.open("rb") as binary:
            yield [_open_csv(path.name, binary, path.stat().st_size)]


class _Captured:
    """Lines handed to the csv module, kept until the record they belong to is complete."""

    def __init__(self, lines: IO[str]):
        self._lines = lines
        self.taken: list[str] = []
        self.number = 1  # the header

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.taken.append(line)
        self.number += 1
        return line


def locate_records(path: Path, wanted: dict[str, set[int]]) -> dict[tuple[str, int], tuple[int, str]]:
    """The line each wanted record starts on and its exact text (line endings dropped), by file
    name and record number: a second pass, through Python's csv module, up to the last one wanted."""
    found: dict[tuple[str, int], tuple[int, str]] = {}
    with open_cot(path) as files:
        for cot_file in files:
            records = wanted.get(cot_file.name)
            if not records:
                continue
            lines = _Captured(cot_file.lines())
            reader = csv.reader(lines, delimiter=";", quotechar='"')
            last = max(records)
            for record in count(1):
                lines.taken.clear()
                start = lines.number + 1
                try:
                    next(reader)
                except StopIteration:
                    break
                except csv.Error:
                    pass
                if record in records:
                    found[(cot_file.name, record)] = (start, "".join(lines.taken).rstrip("\r\n"))
                if record >= last:
                    break
    return found
