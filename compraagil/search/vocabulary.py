"""Typo correction: each word of a query is matched against the words tenders actually use."""

from sqlalchemy import text
from sqlmodel import Session

from compraagil.db import connect

CLOSEST_WORD = """
SELECT coalesce(
    (SELECT word FROM search_vocabulary WHERE word = :word),
    (SELECT word FROM search_vocabulary WHERE word % :word
     ORDER BY similarity(word, :word) DESC, frequency DESC LIMIT 1),
    :word)
"""


def corrected(*, session: Session, query: str) -> str | None:
    """The query with misspelt words replaced by the closest known ones, or None if nothing changed."""
    words = session.execute(
        text("SELECT w FROM regexp_split_to_table(fold(:q), '[^[:alnum:]]+') AS w WHERE w <> ''"),
        {"q": query},
    ).scalars()
    original = list(words)
    fixed = [
        session.execute(text(CLOSEST_WORD), {"word": word}).scalar_one() if len(word) >= 3 else word
        for word in original
    ]
    return " ".join(fixed) if fixed != original else None


def refresh() -> None:
    """Rebuild the vocabulary from the tenders (after imports land), without blocking readers."""
    with connect() as conn:
        conn.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY search_vocabulary")
