from datetime import timedelta

import pytest
from pydantic import ValidationError

from compraagil.db import session_scope
from compraagil.ingest.api_v2.files import import_records
from compraagil.search.query import SearchQuery, Sort, validation_message
from compraagil.search.service import Breadth, _search, search_tenders
from tests.factories import NOW, tender


@pytest.fixture
def tenders():
    import_records(
        [
            tender("100-1-COT26", "Compra de baterías para radios", items=["Batería recargable AA"], region=16,
                   amount=250_000, closes_in=timedelta(hours=20)),
            tender("100-2-COT26", "Insumos de enfermería", items=["Guantes de nitrilo talla M", "Mascarillas"],
                   region=13, amount=1_200_000, closes_in=timedelta(days=5)),
            tender("100-3-COT26", "Artículos de aseo", items=["Cloro líquido 5 litros"], region=13,
                   amount=90_000, closes_in=timedelta(days=2, hours=6)),
            tender("100-4-COT26", "Guantes de cuero para soldador", items=["Guante cuero"], region=8,
                   amount=400_000, closes_in=-timedelta(days=3), state="cerrada"),
        ],
        source="test",
    )  # fmt: skip


def search(**fields):
    with session_scope() as session:
        return search_tenders(session=session, query=SearchQuery(**fields))


def codes(page) -> list[str]:
    return [hit.codigo for hit in page.hits]


def test_spanish_full_text_ignores_accents_and_stems(tenders):
    assert codes(search(text="baterias")) == ["100-1-COT26"]
    assert codes(search(text="BATERÍA")) == ["100-1-COT26"]
    assert set(codes(search(text="guante"))) == {"100-2-COT26", "100-4-COT26"}


def test_requested_items_are_searched_and_typos_are_corrected(tenders):
    assert codes(search(text="nitrilo")) == ["100-2-COT26"]
    typo = search(text="guantes nitrillo")
    assert codes(typo) == ["100-2-COT26"]
    assert typo.corrected_text == "guantes nitrilo"
    assert search(text="nitrilo").corrected_text is None


def test_filters_combine(tenders):
    assert codes(search(text="guantes", open_only=True)) == ["100-2-COT26"]
    assert codes(search(states=["cerrada"])) == ["100-4-COT26"]
    assert codes(search(region=13, sort=Sort.AMOUNT)) == ["100-2-COT26", "100-3-COT26"]
    assert codes(search(min_amount=100_000, max_amount=500_000, sort=Sort.AMOUNT)) == [
        "100-4-COT26",
        "100-1-COT26",
    ]
    assert codes(search(closes_within_days=1)) == ["100-1-COT26"]
    assert codes(search(open_only=True, sort=Sort.CLOSING)) == ["100-1-COT26", "100-3-COT26", "100-2-COT26"]


def test_organismo_and_date_ranges(tenders):
    assert len(search(organismo="hospital de los angeles").hits) == 4
    assert codes(search(organismo="municipalidad")) == []
    today = NOW.date()
    assert codes(search(closes_from=today, closes_to=today + timedelta(days=1), sort=Sort.CLOSING)) == [
        "100-1-COT26"
    ]
    assert len(search(published_from=today - timedelta(days=2), published_to=today).hits) == 4
    assert codes(search(closes_to=today - timedelta(days=1))) == ["100-4-COT26"]


def test_pagination_and_exact_total(tenders):
    first = search(sort=Sort.CLOSING, page_size=3)
    second = search(sort=Sort.CLOSING, page_size=3, page=2)
    assert (first.total, first.total_is_estimate) == (4, False)
    assert len(first.hits) == 3 and len(second.hits) == 1
    assert not set(codes(first)) & set(codes(second))


@pytest.fixture
def many_gloves():
    """30 tenders for gloves, one closing each day; the oldest but one says «guantes» three times."""
    import_records(
        [
            tender(
                f"200-{day}-COT26",
                "Guantes guantes guantes" if day == 1 else f"Guantes lote {day}",
                items=["Guante de nitrilo"],
                region=13,
                amount=10_000 * ((day * 7) % 30 + 1),
                closes_in=timedelta(days=day - 15),
            )
            for day in range(30)
        ],
        source="test",
    )


BROAD = Breadth(matches=5, window=12, candidates=6)


def uncached(query: SearchQuery, breadth: Breadth):
    with session_scope() as session:
        return _search(session, query, breadth)


@pytest.mark.parametrize("sort", [Sort.CLOSING, Sort.AMOUNT])
@pytest.mark.parametrize("page", [1, 2, 4])
def test_a_broad_search_sorted_by_closing_or_amount_gives_the_exact_page(many_gloves, sort, page):
    query = SearchQuery(text="guantes", sort=sort, page=page, page_size=5)
    broad = uncached(query, BROAD)
    assert broad.total_is_estimate and broad.total >= BROAD.matches
    assert codes(broad) == codes(uncached(query, Breadth()))
    assert len(broad.hits) == 5


def test_a_broad_search_ranks_its_newest_matches(many_gloves):
    query = SearchQuery(text="guantes", page_size=3)
    assert codes(uncached(query, Breadth()))[0] == "200-1-COT26"
    assert codes(uncached(query, BROAD)) == ["200-29-COT26", "200-28-COT26", "200-27-COT26"]


def test_matched_words_are_highlighted(tenders):
    hit = search(text="baterías").hits[0]
    assert ("baterías", True) in hit.name_segments
    assert "".join(text for text, _ in hit.name_segments) == "Compra de baterías para radios"


@pytest.mark.parametrize(
    "text", ["'; DROP TABLE tenders; --", "🧤 guantes", 'guantes" OR 1=1', "a & | ! ( ) : *", "\x00"]
)
def test_hostile_text_gives_a_clean_result(tenders, text):
    page = search(text=text)
    assert page.total >= 0


def test_bad_input_gets_a_clear_message():
    with pytest.raises(ValidationError) as too_long:
        SearchQuery(text="x" * 10_000)
    assert validation_message(too_long.value) == "La búsqueda es demasiado larga: usa hasta 200 caracteres"
    with pytest.raises(ValidationError) as inverted:
        SearchQuery(min_amount=10, max_amount=5)
    assert validation_message(inverted.value) == "El monto mínimo es mayor que el máximo"
    with pytest.raises(ValidationError) as region:
        SearchQuery(region=17)
    assert validation_message(region.value) == "Filtro «región» inválido"
    with pytest.raises(ValidationError) as day:
        SearchQuery(closes_from="31-02-2026")
    assert validation_message(day.value) == "Filtro «cierra desde» inválido"
