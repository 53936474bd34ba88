"""Which quoted product names a price query covers: every spelling of the product asked for.

ProductoCotizado is the buyer's free text, so one product comes in thousands of spellings. A name is
covered when each word the query requires is one of its words, allowing the other grammatical number
or a letter dropped or doubled in a longer word (pg_trgm's strict word similarity, which compares
whole words; two letters swapped stay unmatched). Connectors and units are not required: buyers
abbreviate them every which way («caja» as «cj», «litros» as «lts», «talla M» as «T/M»)."""

from compraagil.ingest.values import fold

CONNECTORS = frozenset((
    "a", "al", "con", "de", "del", "el", "en", "la", "las", "los", "o", "para", "por", "sin", "su", "x", "y",
))  # fmt: skip
UNITS = frozenset((
    "u", "un", "uds", "unid", "unidad", "unidades", "caja", "cajas", "cj", "cja", "pack", "paquete", "paquetes",
    "l", "lt", "lts", "litro", "litros", "ml", "cc", "m", "mt", "mts", "metro", "metros", "cm", "mm",
    "kg", "kgs", "kilo", "kilos", "g", "gr", "grs", "gramo", "gramos", "h", "hjs", "hoja", "hojas",
    "talla", "t", "pulgada", "pulgadas", "pulg", "rollo", "rollos",
))  # fmt: skip
OPTIONAL_WORDS = CONNECTORS | UNITS
MAX_WORDS = 3
"""Words of a query that are required at most, the first ones: the product comes first, then its
details (brand, size, what it is for), so a tender's long item text still finds the product's other
spellings."""
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
"""Run in the transaction before `matched_names`' SQL."""


def required_words(query: str) -> list[str]:
    """The words a product name must hold to be covered by `query`: its first MAX_WORDS plain words
    (letters, digits and hyphens: «post-it») but connectors and units (any first ones when the query
    is nothing else)."""
    words = fold(query).split()
    plain = [word for word in words if word.replace("-", "").isalnum() and word not in OPTIONAL_WORDS]
    return (plain or words)[:MAX_WORDS]


def matched_names(query: str) -> tuple[str, dict[str, str]]:
    """SQL selecting the id and name of every product name `query` covers, with its parameters."""
    words = required_words(query)
    conditions = " AND ".join(
        f"folded {'%>' if len(word) <= 3 and word.isalpha() else '%>>'} :word{index}"
        for index, word in enumerate(words)
    )
    return (
        f"SELECT id, name FROM products WHERE {conditions}",
        {f"word{index}": word for index, word in enumerate(words)},
    )
