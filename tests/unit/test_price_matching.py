"""A price query covers the keys holding each word of its own key (its first three product words,
computed in SQL: see tests/integration/test_price_history.py): short words exactly, in either
grammatical number, numbers exactly, the rest a typo away."""

import pytest

from compraagil.pricing.matching import covered_keys, short_word_forms


def test_each_word_is_a_condition_with_its_own_parameter():
    sql, params = covered_keys(["papel", "fotocopia", "carta"])
    assert sql.count("levenshtein") == 3 and sql.count("%>>") == 6  # the word as asked, and its stem
    assert [params[f"word{index}"] for index in range(3)] == ["papel", "fotocopia", "carta"]
    assert [params[f"typos{index}"] for index in range(3)] == [1, 2, 1]  # papel, fotocopia, carta


def test_a_short_word_or_a_number_must_be_a_word_of_the_key_and_a_longer_word_a_typo_away():
    sql, params = covered_keys(["te", "bolsitas", "100"])
    assert params == {
        "word0": "te", "forms0": ["te", "tees", "tes"],
        "word1": "bolsitas", "stem1": "bolsita", "typos1": 2,
        "word2": "100", "forms2": ["100"],
    }  # fmt: skip
    assert "key %> :word0 AND string_to_array(key, ' ') && CAST(:forms0 AS text[])" in sql
    assert "(key %>> :word1 OR key %>> :stem1) AND EXISTS" in sql
    assert "levenshtein(rtrim(k, 's'), :stem1) <= :typos1" in sql
    assert "key %> :word2 AND string_to_array(key, ' ') && CAST(:forms2 AS text[])" in sql


def test_a_word_of_six_letters_or_more_allows_two_edits():
    _, params = covered_keys(["guantes", "gasa"])
    assert (params["stem0"], params["typos0"], params["typos1"]) == ("guante", 2, 1)


@pytest.mark.parametrize(
    ("word", "holds"),
    [
        ("te", {"te", "tes"}),
        ("tes", {"te", "tes"}),
        ("pan", {"pan", "panes"}),
        ("panes", {"pan", "panes"}),
        ("c", {"c"}),
    ],
)
def test_a_short_word_takes_either_grammatical_number(word, holds):
    assert holds <= set(short_word_forms(word))
    assert not {"tela", "teclado", "pantalon"} & set(short_word_forms(word))


@pytest.mark.parametrize("word", ["nitrilo", "ajos", "a4", "100"])
def test_longer_words_and_codes_have_no_short_forms(word):
    assert short_word_forms(word) is None


def test_a_query_without_words_covers_nothing():
    sql, params = covered_keys([])
    assert sql.endswith("WHERE false") and params == {}
