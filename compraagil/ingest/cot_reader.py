"""Stream the records of COT open-data files (a monthly zip, or a single CSV), never the whole file.

Each record comes with the physical line it starts on; the exact text of a rejected one is read
again afterwards (`record_texts`), so the main pass never keeps it. Quoted fields may span lines;
text is Windows-1252 (Latin-1 where cp1252 leaves a byte undefined).
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, NamedTuple

from compraagil.ingest.cot_columns import HeaderMap, map_header

ENCODING = "cp1252"
FIELD_SIZE_LIMIT = 16 * 1024 * 1024

codecs.register_error(
    "latin1_fallback", lambda error: (error.object[error.start : error.end].decode("latin-1"), error.end)
)
csv.field_size_limit(FIELD_SIZE_LIMIT)


class UnreadableFile(ValueError):
    """The source cannot be read at all (not a zip, no CSV inside, no header, ...)."""


class Record(NamedTuple):
    """A CSV record: the physical lines it starts and ends on, and its fields."""

    line_number: int
    last_line: int
    fields: list[str]


class _CountingReader(io.RawIOBase):
    """Counts the bytes read through it (for a progress percentage)."""

    def __init__(self, binary: IO[bytes]):
        self._binary = binary
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        read = self._binary.readinto(buffer)
        self.count += read
        return read


@dataclass
class CotFile:
    """One CSV of a source: its name, header map and size in bytes; read (once, lazily) either as
    records or as the raw lines after the header."""

    name: str
    header: HeaderMap
    stream: IO[str]
    size: int
    counter: _CountingReader

    @property
    def records(self) -> Iterator[Record]:
        return _records(self.stream, first_line=2)

    @property
    def lines(self) -> IO[str]:
        return self.stream

    @property
    def bytes_read(self) -> int:
        return self.counter.count


def _records(stream: IO[str], first_line: int) -> Iterator[Record]:
    reader = csv.reader(stream, delimiter=";", quotechar='"')
    start = first_line
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            fields = [f"<csv: {error}>"]
        last = first_line - 1 + reader.line_num
        if fields:
            yield Record(start, last, fields)
        start = last + 1


def _text(binary: IO[bytes]) -> IO[str]:
    return io.TextIOWrapper(binary, encoding=ENCODING, errors="latin1_fallback", newline="")


def _open_csv(name: str, binary: IO[bytes], size: int) -> CotFile:
    counter = _CountingReader(binary)
    stream = _text(io.BufferedReader(counter, buffer_size=1 << 16))
    header_line = stream.readline()
    if not header_line.strip():
        raise UnreadableFile(f"{name}: el archivo está vacío")
    header = next(csv.reader([header_line], delimiter=";", quotechar='"'))
    try:
        header_map = map_header(header)
    except ValueError as error:
        raise UnreadableFile(f"{name}: {error}") from None
    return CotFile(name=name, header=header_map, stream=stream, size=size, counter=counter)


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


def record_texts(path: Path, wanted: dict[str, dict[int, int | None]]) -> dict[tuple[str, int], str]:
    """The exact text of some records, by file name and the line each starts on.

    `wanted` maps each file's starting lines to the line the record ends on, when known; otherwise
    the record runs until its quotes balance (a quoted field can hold line breaks; a quote inside
    one is written twice). A second, line-by-line read of the source.
    """
    found: dict[tuple[str, int], str] = {}
    with open_cot(path) as files:
        for cot_file in files:
            starts = wanted.get(cot_file.name)
            if not starts:
                continue
            last_start = max(starts)
            collecting: list[str] = []
            start = quotes = 0
            end: int | None = None
            for number, line in enumerate(cot_file.lines, start=2):
                if not collecting:
                    if number > last_start:
                        break
                    if number not in starts:
                        continue
                    start, end, quotes = number, starts[number], 0
                collecting.append(line)
                quotes += line.count('"')
                if number == end or (end is None and quotes % 2 == 0):
                    found[(cot_file.name, start)] = "".join(collecting)
                    collecting = []
            if collecting:
                found[(cot_file.name, start)] = "".join(collecting)
    return found
