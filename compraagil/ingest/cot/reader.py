"""Open COT open-data files (a monthly zip, or a single CSV) and stream them, never a whole file.

Each CSV's header is checked before any row is read; its records are parsed in blocks of columns
(`cot_blocks`) and known by their number in the file. Where a record starts and its exact text are
only needed for the few reported as rejected: `locate_records` finds them in a second pass. Quoted
fields may span lines. Text is Windows-1252, or UTF-8 in a file a person re-saved: each CSV is read
as UTF-8 whatever its encoding (`cot_encoding`), by both passes alike.

An error names the CSV inside a zip; a lone CSV is the source itself, named once by whoever opened it.
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import IO

from compraagil.ingest.cot.columns import HeaderMap, map_header
from compraagil.ingest.cot.encoding import EncodingError, ToUtf8

READ_BYTES = 1 << 20
SAMPLE_BYTES = 4 << 20
"""Read first from each CSV: its header, and enough text to tell its encoding."""
HEADER_MAX_BYTES = 1 << 16
FIELD_SIZE_LIMIT = 16 * 1024 * 1024

csv.field_size_limit(FIELD_SIZE_LIMIT)


class UnreadableFile(ValueError):
    """The source cannot be read at all (not a zip, no CSV inside, no header, not text, ...)."""


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


class Utf8Stream(io.RawIOBase):
    """A CSV's bytes after its header as UTF-8, whatever its encoding, read from the source in
    chunks of READ_BYTES (so both passes over a file see the same chunks)."""

    def __init__(self, source: _SourceBytes, to_utf8: ToUtf8, label: str):
        self._source = source
        self._to_utf8 = to_utf8
        self._label = label
        self._pending = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = size if size and size > 0 else READ_BYTES
        while len(self._pending) < size:
            data = self._source.read(READ_BYTES)
            self._pending += self._converted(data)
            if not data:
                break
        data, self._pending = self._pending[:size], self._pending[size:]
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def at_end(self) -> bool:
        """Whether nothing follows (reading ahead what `read` will give next)."""
        if not self._pending:
            self._pending = self._converted(self._source.read(READ_BYTES))
        return not self._pending

    def _converted(self, data: bytes) -> bytes:
        try:
            return self._to_utf8.convert(data, final=not data)
        except EncodingError as error:
            raise UnreadableFile(f"{self._label}{error}") from None


@dataclass
class CotFile:
    """One CSV of a source: its name, header map and size in bytes; what follows the header is
    read once, lazily, either as blocks of columns (`cot_blocks.read_blocks`) or as lines."""

    name: str
    header: HeaderMap
    source: _SourceBytes
    size: int
    to_utf8: ToUtf8
    label: str
    """What its errors start with: its name and a colon inside a zip, nothing for a lone CSV."""

    def utf8(self) -> Utf8Stream:
        """What follows the header, as UTF-8 bytes."""
        return Utf8Stream(self.source, self.to_utf8, self.label)

    def lines(self) -> IO[str]:
        return io.TextIOWrapper(io.BufferedReader(self.utf8()), encoding="utf-8", newline="")

    def unreadable(self, reason: str) -> UnreadableFile:
        """The error saying this CSV cannot be read, and why."""
        return UnreadableFile(f"{self.label}{reason}")

    @property
    def bytes_read(self) -> int:
        return self.source.count


def _split_header(sample: bytes) -> tuple[bytes, bytes]:
    """The header line and the bytes after it (a file may end its lines with a bare CR)."""
    end = sample.find(b"\n", 0, HEADER_MAX_BYTES)
    end = HEADER_MAX_BYTES if end == -1 else end + 1
    cut = sample.find(b"\r", 0, end)
    if cut != -1 and sample[cut + 1 : cut + 2] != b"\n":
        return sample[:cut], sample[cut + 1 :]
    return sample[:end], sample[end:]


def _open_csv(binary: IO[bytes], name: str, size: int, label: str) -> CotFile:
    """Read a CSV's first bytes: its encoding and its header, mapped by name."""
    sample = binary.read(SAMPLE_BYTES)
    try:
        to_utf8 = ToUtf8(sample)
        header_line, rest = _split_header(sample)
        text = to_utf8.convert(header_line).decode("utf-8")
    except EncodingError as error:
        raise UnreadableFile(f"{label}{error}") from None
    if not text.strip():
        raise UnreadableFile(f"{label}el archivo está vacío")
    header = next(csv.reader([text], delimiter=";", quotechar='"'))
    try:
        header_map = map_header(header)
    except ValueError as error:
        raise UnreadableFile(f"{label}{error}") from None
    source = _SourceBytes(binary, rest)
    return CotFile(name=name, header=header_map, source=source, size=size, to_utf8=to_utf8, label=label)


@contextmanager
def open_cot(path: Path) -> Iterator[list[CotFile]]:
    """Open a `.zip` (every CSV inside, by name) or a `.csv`; headers are checked before any row is read."""
    path = Path(path)
    if not path.exists():
        raise UnreadableFile("no existe")
    if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            raise UnreadableFile("no es un zip válido") from None
        with archive:
            members = sorted(n for n in archive.namelist() if n.lower().endswith(".csv"))
            if not members:
                raise UnreadableFile("el zip no contiene archivos CSV")
            try:
                yield [_open_csv(archive.open(m), m, archive.getinfo(m).file_size, f"{m}: ") for m in members]
            except zipfile.BadZipFile as error:
                raise UnreadableFile(f"zip dañado ({error})") from None
    else:
        with path.open("rb") as binary:
            yield [_open_csv(binary, path.name, path.stat().st_size, "")]


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
