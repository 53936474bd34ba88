"""A price query covers the keys holding each word of its own key (its first three product words,
computed in SQL: see tests/integration/test_price_history.py): short words loosely, the rest as
whole words."""

from compraagil.pricing.matching import covered_keys


def test_each_word_is_a_condition_with_its_own_parameter():
    sql, params = covered_keys(["papel", "fotocopia", "carta"])
    assert sql.count("%>>") == 3 and params == {"word0": "papel", "word1": "fotocopia", "word2": "carta"}


def test_short_words_are_compared_loosely_and_numbers_as_whole_words():
    sql, params = covered_keys(["te", "bolsitas", "100"])
    assert params == {"word0": "te", "word1": "bolsitas", "word2": "100"}
    assert "key %> :word0" in sql and "key %>> :word1" in sql and "key %>> :word2" in sql


def test_a_query_without_words_covers_nothing():
    sql, params = covered_keys([])
    assert sql.endswith("WHERE false") and params == {}
