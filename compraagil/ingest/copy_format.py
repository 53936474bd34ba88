"""Values in PostgreSQL's COPY text format (tab-separated, `\\N` for NULL, backslash escapes)."""

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


def copy_field(value: object) -> str:
    """One value; text is escaped only when it holds a character that needs it."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    text = str(value)
    return (
        text.translate(_ESCAPES) if ("\\" in text or "\t" in text or "\n" in text or "\r" in text) else text
    )


def copy_line(row: tuple) -> str:
    """One row, newline-terminated."""
    return "\t".join(map(copy_field, row)) + "\n"
