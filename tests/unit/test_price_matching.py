"""Which words of a price query a product name must hold: connectors and units are left out, since
buyers abbreviate them every which way; accents and capitals never matter."""

from compraagil.pricing.matching import matched_names, required_words


def test_a_query_requires_its_product_words_not_its_connectors_or_units():
    assert required_words("Guantes de nitrilo talla M caja 100 unidades") == ["guantes", "nitrilo", "100"]
    assert required_words("Cloro líquido 5 litros") == ["cloro", "liquido", "5"]
    assert required_words("Tóner HP 85A") == ["toner", "hp", "85a"]
    assert required_words("Post-it 76 x 76 mm") == ["post-it", "76", "76"]


def test_a_query_of_units_alone_requires_them():
    assert required_words("caja de 100") == ["100"]
    assert required_words("Caja") == ["caja"]


def test_each_required_word_is_a_condition_with_its_own_parameter():
    sql, params = matched_names("papel fotocopia carta")
    assert sql.count("%>>") == 3 and params == {"word0": "papel", "word1": "fotocopia", "word2": "carta"}


def test_a_long_item_text_requires_the_product_it_starts_with_not_its_details():
    item = "GUANTES NITRILO T/M CJ 100 UN MARCA BIC O SIMILAR PARA CESFAM 12"
    assert required_words(item) == ["guantes", "nitrilo", "100"]


def test_short_words_are_compared_loosely_and_numbers_as_whole_words():
    sql, params = matched_names("té en bolsitas 100")
    assert params == {"word0": "te", "word1": "bolsitas", "word2": "100"}
    assert "folded %> :word0" in sql and "folded %>> :word1" in sql and "folded %>> :word2" in sql
