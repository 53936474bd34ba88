"""Buscar by meaning beside the words, with the real offline model: a tender none of whose words were
typed is found by what it is about, marked and counted; word matches keep their place ahead of
tenders found by meaning alone; the other filters still apply; pages never repeat a tender; and
with no vectors yet, or with meaning turned off, the search is the words' alone."""

from compraagil.db import session_scope
from compraagil.search.query import SearchQuery
from compraagil.search.service import SearchPage, search_tenders
from tests.factories import LATEX_RECORD, LETTER_PAPER_RECORD, NITRILE_RECORD, embed, land, record

NOTEBOOK = record("3101-1-COT26", "Notebook 14 pulgadas 8 GB RAM 256 GB SSD", region=8)
FLUTES = record("3101-2-COT26", "Flautas dulces para la clase de música")
TENDERS = (NITRILE_RECORD, LATEX_RECORD, LETTER_PAPER_RECORD, NOTEBOOK, FLUTES)


def search(words: str, by_meaning: bool = True, **filters) -> SearchPage:
    with session_scope() as session:
        return search_tenders(
            session=session, query=SearchQuery(text=words, **filters), by_meaning=by_meaning
        )


def codigos(page: SearchPage) -> list[str]:
    return [hit.codigo for hit in page.hits]


def test_a_tender_about_what_was_asked_is_found_by_meaning_marked_and_counted(services):
    land(*TENDERS)
    embed()
    assert search("computador portátil", by_meaning=False).total == 0
    page = search("computador portátil")
    assert codigos(page)[:1] == [NOTEBOOK["codigo"]]
    assert page.hits[0].by_meaning
    assert page.total == len(page.hits)
    assert FLUTES["codigo"] not in codigos(page), "nothing merely less unrelated than the rest"


def test_word_matches_rank_ahead_of_tenders_found_by_meaning_alone(services):
    land(*TENDERS)
    embed()
    page = search("guantes de nitrilo")
    assert codigos(page)[0] == NITRILE_RECORD["codigo"] and not page.hits[0].by_meaning
    assert LATEX_RECORD["codigo"] in codigos(page), "the latex gloves, found by meaning"
    marks = [hit.by_meaning for hit in page.hits]
    assert marks == sorted(marks), "every word match before any meaning-only one"
    assert page.total == 1 + sum(marks)


def test_the_other_filters_apply_to_what_meaning_finds(services):
    land(*TENDERS)
    embed()
    assert NOTEBOOK["codigo"] in codigos(search("computador portátil", region=8))
    assert NOTEBOOK["codigo"] not in codigos(search("computador portátil", region=16))


def test_pages_of_a_fused_ranking_never_repeat_a_tender(services):
    land(*TENDERS)
    embed()
    first, second = search("guantes", page_size=1, page=1), search("guantes", page_size=1, page=2)
    whole = search("guantes", page_size=10)
    assert codigos(first) + codigos(second) == codigos(whole)[:2]
    assert len(set(codigos(whole))) == len(whole.hits)


def test_without_vectors_the_search_is_the_words_alone(services):
    land(*TENDERS)
    page = search("computador portátil")
    assert page.total == 0 and page.hits == []
    assert codigos(search("notebook")) == [NOTEBOOK["codigo"]]
