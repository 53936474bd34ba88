"""Which product keys a price query covers: every spelling of the product asked for.

ProductoCotizado is the buyer's free text, so one product comes in thousands of spellings. Each
name has a key: its first three product words, folded, leaving out connectors and units (buyers
abbreviate those every which way: «caja» as «cj», «litros» as «lts», «talla M» as «T/M»); the
product comes first, its details after. `product_key()` in SQL (migration 0023) computes it, for
the names and for the query alike. A key is covered when each word of the query's key is one of
its words, in either grammatical number:

- a longer word allowing a typo: a letter dropped, doubled or changed, or two swapped in a word of
  six letters or more (two edits). pg_trgm's strict word similarity finds the keys with a similar
  whole word through the index (as asked or without its plural's «s»), and the Levenshtein distance
  keeps those within a typo: by similarity alone «gasa» took «gas» and «plasticina» took «plástico».
  A typo near the start of a short word («gaza», «rsema») leaves too few trigrams to be found;
- a short word («té», «pan», «sal») exactly: by similarity «té» was found in «tela» and «teclado»,
  «pan» in «pantalón»;
- a word with digits exactly: «100» is not «1000».
"""

from sqlalchemy import Connection, text
from sqlmodel import Session

WORD_SIMILARITY = 0.45
"""The index's pass for a longer word (strict word similarity): the plain word similarity found
«lente» inside «o su equivalente»; 0.45 keeps «parafina» from «para» (0.40) and takes «nitrlo» for
«nitrilo» (0.50)."""
SHORT_WORD_SIMILARITY = 0.6
"""The index's pass for a word matched exactly, a short word or a number (plain word similarity to
its shortest form, which takes «tés» for «té»: 0.67)."""
SIMILARITY_SETTING = (
    f"SET LOCAL pg_trgm.strict_word_similarity_threshold = {WORD_SIMILARITY};"
    f" SET LOCAL pg_trgm.word_similarity_threshold = {SHORT_WORD_SIMILARITY}"
)
"""Run in the transaction before `covered_keys`' SQL."""
LONG_WORD = 6
"""From this many letters (without a plural's «s») a word allows two edits (two letters swapped),
below it one."""

QUERY_WORDS = text("SELECT product_key(fold(:query))")


def query_words(session: Session | Connection, query: str) -> list[str]:
    """The words of the query's own key: the words a covered key must hold."""
    return session.execute(QUERY_WORDS, {"query": query}).scalar_one().split()


def short_word_forms(word: str) -> list[str] | None:
    """The forms a short (folded) word may take in a key: itself and its singular, each in either
    grammatical number («tes»: te, tes, tees…; some forms are no word at all); None for a word
    compared by similarity. Short: up to three letters, or the «-es» plural of one («panes»)."""
    if not word.isalpha() or not (len(word) <= 3 or (len(word) <= 5 and word.endswith("es"))):
        return None
    singulars = [word] + [word[: -len(ending)] for ending in ("s", "es") if word.endswith(ending)]
    numbers = {form for one in singulars if len(one) >= 2 for form in (one, one + "s", one + "es")}
    return sorted({word} | numbers)


def _word_condition(index: int, word: str) -> tuple[str, dict[str, str | int | list[str]]]:
    """The condition a key meets when it holds `word` (see the module's docstring), with its parameters."""
    name = f"word{index}"
    forms = [word] if any(character.isdigit() for character in word) else short_word_forms(word)
    if forms is not None:
        return f"key %> :{name} AND string_to_array(key, ' ') && CAST(:forms{index} AS text[])", {
            name: min(forms, key=len),
            f"forms{index}": forms,
        }
    stem = word.rstrip("s")  # «gasas» is further from «gassa» than «gasa» is, «surtida» from «surtdias»
    return (
        f"(key %>> :{name} OR key %>> :stem{index}) AND EXISTS (SELECT FROM unnest(string_to_array(key, ' ')) k"
        f" WHERE levenshtein(rtrim(k, 's'), :stem{index}) <= :typos{index})",
        {name: word, f"stem{index}": stem, f"typos{index}": 1 if len(stem) < LONG_WORD else 2},
    )


def covered_keys(words: list[str]) -> tuple[str, dict[str, str | int | list[str]]]:
    """SQL selecting the key, names and plainest name of every key holding `words`, with its parameters."""
    conditions, params = [], {}
    for index, word in enumerate(words):
        condition, word_params = _word_condition(index, word)
        conditions.append(condition)
        params |= word_params
    return (
        f"SELECT key, names, plainest FROM price_keys WHERE {' AND '.join(conditions) or 'false'}",
        params,
    )
