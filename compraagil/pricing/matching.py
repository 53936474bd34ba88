"""Which product keys a price query covers: every spelling of the product asked for.

ProductoCotizado is the buyer's free text, so one product comes in thousands of spellings. Each
name has a key: its first three product words, folded, leaving out connectors and units (buyers
abbreviate those every which way: «caja» as «cj», «litros» as «lts», «talla M» as «T/M»); the
product comes first, its details after. `product_key()` in SQL (migration 0023) computes it, for
the names and for the query alike. A key is covered when each word of the query's key is one of
its words, allowing the other grammatical number or a letter dropped or doubled in a longer word
(pg_trgm's strict word similarity, which compares whole words; two letters swapped stay unmatched).
"""

from sqlalchemy import text
from sqlmodel import Session

WORD_SIMILARITY = 0.45
"""Whole words (strict word similarity): the plain word similarity found «lente» inside «o su
equivalente»; 0.45 keeps «parafina» from «para» (0.40) and takes «nitrlo» for «nitrilo» (0.50)."""
SHORT_WORD_SIMILARITY = 0.6
"""Words of up to three letters are compared by plain word similarity (pg_trgm's default threshold):
as whole words the other number of «té» is too far («tés»: 0.40)."""
SIMILARITY_SETTING = (
    f"SET LOCAL pg_trgm.strict_word_similarity_threshold = {WORD_SIMILARITY};"
    f" SET LOCAL pg_trgm.word_similarity_threshold = {SHORT_WORD_SIMILARITY}"
)
"""Run in the transaction before `covered_keys`' SQL."""

QUERY_WORDS = text("SELECT product_key(fold(:query))")


def query_words(session: Session, query: str) -> list[str]:
    """The words of the query's own key: the words a covered key must hold."""
    return session.execute(QUERY_WORDS, {"query": query}).scalar_one().split()


def covered_keys(words: list[str]) -> tuple[str, dict[str, str]]:
    """SQL selecting the key, names and plainest name of every key holding `words`, with its parameters."""
    conditions = " AND ".join(
        f"key {'%>' if len(word) <= 3 and word.isalpha() else '%>>'} :word{index}"
        for index, word in enumerate(words)
    )
    return (
        f"SELECT key, names, plainest FROM price_keys WHERE {conditions or 'false'}",
        {f"word{index}": word for index, word in enumerate(words)},
    )
