"""Open COT open-data files (a monthly zip, or a single CSV) and stream them, never a whole file.

Each CSV's header is checked before any row is read; its records are parsed in blocks of columns
(`cot_blocks`) and known by their number in the file. Where a record starts and its exact text are
only needed for the few reported as rejected: `locate_records` finds them in a second pass. Quoted
fields may span lines; text is Windows-1252 (Latin-1 where cp1252 leaves a byte undefined).
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import IO

from compraagil.ingest.cot_columns import HeaderMap, map_header

ENCODING = "cp1252"
READ_BYTES = 1 << 20
HEADER_MAX_BYTES = 1 << 16
FIELD_SIZE_LIMIT = 16 * 1024 * 1024

codecs.register_error(
    "latin1_fallback", lambda error: (error.object[error.start : error.end].decode("latin-1"), error.end)
)
csv.field_size_limit(FIELD_SIZE_LIMIT)


class UnreadableFile(ValueError):
    """The source cannot be read at all (not a zip, no CSV inside, no header, ...)."""


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


@dataclass
class CotFile:
    """One CSV of a source: its name, header map and size in bytes; what follows the header is
    read once, lazily, either as blocks of columns (`cot_blocks.read_blocks`) or as lines."""

    name: str
    header: HeaderMap
    source: _SourceBytes
    size: int

    def lines(self) -> IO[str]:
        return io.TextIOWrapper(
            io.BufferedReader(self.source), encoding=ENCODING, errors="latin1_fallback", newline=""
        )

    @property
    def bytes_read(self) -> int:
        return self.source.count


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
