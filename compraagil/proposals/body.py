"""A proposal's text: a small subset of Markdown that people edit in a text box and the writers
produce, read into blocks for the PDF and DOCX documents.

    # Título                      the document's title (the first one)
    ## Sección                    a section heading
    - punto                       a bullet (consecutive ones form a list)
    | a | b | c |                 a table row (the first row is the header; `|---|` rows are skipped)
    texto                         a paragraph (consecutive lines join; a blank line ends it)

`**negrita**` marks are dropped: the documents set their own emphasis.
"""

import re
from dataclasses import dataclass, field

FORMAT_HELP = (
    "«# » título, «## » sección, «- » punto de lista, «| a | b |» fila de tabla; una línea en blanco"
    " separa párrafos."
)
"""The format in one Spanish sentence, for the editor and the writers' instructions."""

MAX_LENGTH = 30_000
"""Characters a proposal may have (a Compra Ágil quote letter is one or two pages)."""

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters a document cannot hold (XML 1.0): pasted or written by a model, they are dropped."""

SEPARATOR_ROW = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")


@dataclass
class Block:
    kind: str
    """`title`, `heading`, `paragraph`, `bullets` or `table`."""
    text: str = ""
    items: list[str] = field(default_factory=list)
    """Bullets' texts."""
    rows: list[list[str]] = field(default_factory=list)
    """A table's rows of cells, the header first."""


def printable(text: str) -> str:
    """The text without the control characters a PDF or DOCX cannot hold (tabs and newlines stay)."""
    return NOT_XML.sub("", text)


def _clean(text: str) -> str:
    return text.replace("**", "").strip()


def _cells(line: str) -> list[str]:
    return [_clean(cell) for cell in line.strip().strip("|").split("|")]


def parse(body: str) -> list[Block]:
    """The blocks of a proposal's text, in order."""
    blocks: list[Block] = []
    paragraph: list[str] = []

    def end_paragraph() -> None:
        if paragraph:
            blocks.append(Block("paragraph", " ".join(paragraph)))
            paragraph.clear()

    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            end_paragraph()
            continue
        if line.startswith("|"):
            end_paragraph()
            if SEPARATOR_ROW.match(line):
                continue
            if not blocks or blocks[-1].kind != "table":
                blocks.append(Block("table"))
            blocks[-1].rows.append(_cells(line))
        elif line.startswith(("- ", "* ")):
            end_paragraph()
            if not blocks or blocks[-1].kind != "bullets":
                blocks.append(Block("bullets"))
            blocks[-1].items.append(_clean(line[2:]))
        elif line.startswith("#"):
            end_paragraph()
            level = len(line) - len(line.lstrip("#"))
            kind = "title" if level == 1 and not any(b.kind == "title" for b in blocks) else "heading"
            blocks.append(Block(kind, _clean(line.lstrip("#"))))
        else:
            paragraph.append(_clean(line))
    end_paragraph()
    return blocks


def title_of(body: str, default: str) -> str:
    """The text's title, or `default` when it has none."""
    return next((block.text for block in parse(body) if block.kind == "title"), default)
