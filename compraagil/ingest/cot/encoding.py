"""The text encoding of a COT CSV: Windows-1252 as ChileCompra publishes it, or UTF-8 when a person
re-saved the file (Excel writes UTF-8, often with a BOM).

A file is read in order, in chunks, never whole. A UTF-8 BOM says UTF-8. Otherwise the first chunk
holding non-ASCII bytes decides: UTF-8 when it decodes as such, Windows-1252 when not (the text
before it is ASCII, the same in both). The first chunk is a sample of a few MB, so a Windows-1252
file, whose accented letters are not valid UTF-8, is known at once. In a file read as UTF-8, a byte
that is not valid UTF-8 further on means the file mixes both: it cannot be read. (The other way
cannot be told: UTF-8 read as Windows-1252 is valid Windows-1252, and real files hold such text.)
Neither is a file that is no text at all (UTF-16, binary). Windows-1252 leaves five bytes
undefined: they read as Latin-1.
"""

import codecs

from compraagil.chile.money import format_count

UTF8 = "utf-8"
CP1252 = "cp1252"
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
CONTROL_BYTES = bytes(byte for byte in range(32) if byte not in b"\t\n\r")
MAX_CONTROL_SHARE = 0.01
"""Text may hold a stray control character (copied from a word processor); more is not text."""

codecs.register_error(
    "latin1_fallback", lambda error: (error.object[error.start : error.end].decode("latin-1"), error.end)
)


class EncodingError(ValueError):
    """The bytes are neither UTF-8 nor Windows-1252 text; the message says why, in Spanish."""


def check_text(sample: bytes) -> None:
    """Raise EncodingError when the first bytes of a file are not UTF-8 or Windows-1252 text."""
    if sample.startswith(UTF16_BOMS):
        raise EncodingError("está en UTF-16: guárdelo como CSV en UTF-8 o Windows-1252")
    if b"\0" in sample:
        raise EncodingError("contiene bytes nulos: no es un CSV de texto (¿UTF-16 o un archivo binario?)")
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    if controls > MAX_CONTROL_SHARE * len(sample):
        raise EncodingError("contiene caracteres de control: no es un CSV de texto")


def is_utf8(data: bytes) -> bool:
    """Whether `data` is valid UTF-8 (a sequence cut at its end counts as valid)."""
    try:
        codecs.getincrementaldecoder(UTF8)().decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


class ToUtf8:
    """The bytes of one file, fed in order from its first, as UTF-8: UTF-8 passes through (checked,
    its BOM dropped), Windows-1252 is converted. `encoding` is None while only ASCII has been seen."""

    def __init__(self, sample: bytes):
        """Decide what the first bytes of the file (a sample of a few MB) can tell."""
        check_text(sample)
        self.encoding = None
        self._decoder = None
        self._offset = 0
        self._bom = sample.startswith(codecs.BOM_UTF8)
        if self._bom:
            self._use(UTF8)
        elif not sample.isascii():
            self._use(UTF8 if is_utf8(sample) else CP1252)

    def _use(self, encoding: str) -> None:
        self.encoding = encoding
        errors = "strict" if encoding == UTF8 else "latin1_fallback"
        self._decoder = codecs.getincrementaldecoder(encoding)(errors=errors)

    def convert(self, data: bytes, final: bool = False) -> bytes:
        """The next bytes as UTF-8; EncodingError when a UTF-8 file has a byte that is not UTF-8."""
        if self._bom:
            self._bom = False
            data = data.removeprefix(codecs.BOM_UTF8)
            self._offset += len(codecs.BOM_UTF8)
        if self._decoder is None:
            if data.isascii():
                self._offset += len(data)
                return data
            self._use(UTF8 if is_utf8(data) else CP1252)
        if self.encoding == CP1252:
            return self._decoder.decode(data, final).encode()
        self._check_utf8(data, final)
        return data

    def _check_utf8(self, data: bytes, final: bool) -> None:
        pending = len(self._decoder.getstate()[0])
        try:
            self._decoder.decode(data, final)
        except UnicodeDecodeError as error:
            position = format_count(self._offset - pending + error.start + 1)
            raise EncodingError(
                f"mezcla UTF-8 y Windows-1252 (el byte {position} no es UTF-8 válido):"
                " guárdelo de nuevo con una sola codificación"
            ) from None
        self._offset += len(data)
