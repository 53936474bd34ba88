"""Pure rules of accounts and plans: passwords, tokens, emails, the plan table, quota arithmetic,
safe redirects and the security headers."""

from datetime import UTC, date, datetime

import pytest

from compraagil.accounts.emails import normalize_email
from compraagil.accounts.passwords import check_new_password, hash_password, needs_rehash, verify_password
from compraagil.accounts.tokens import hash_token, new_token
from compraagil.errors import InvalidInput
from compraagil.plans.quotas import period_start, upgrade_message
from compraagil.plans.table import (
    FEATURES,
    ORDER,
    PLANS,
    Feature,
    Kind,
    describe_limit,
    get_plan,
    next_plan_giving_more,
)
from compraagil_web.security import content_security_policy
from compraagil_web.state import safe_next


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("corta", "al menos 10"),
        ("x" * 129, "como máximo"),
        ("contraseña", "común"),
        ("Password123", "común"),
        ("1234567890", "común"),
        ("aaaaaaaaaaaa", "común"),
        ("ana.perez-2026!", "correo"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, reason):
    with pytest.raises(InvalidInput, match=reason):
        check_new_password(password, email="ana.perez@ferreteria.cl")


def test_a_good_password_passes_and_hashes_with_argon2id():
    check_new_password("tornillos-de-acero-2026", email="ana@ferreteria.cl")
    stored = hash_password("tornillos-de-acero-2026")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "tornillos-de-acero-2026")
    assert not verify_password(stored, "tornillos-de-acero-2025")
    assert not verify_password("not a hash", "x")
    assert not needs_rehash(stored)


def test_tokens_are_random_and_only_their_hash_is_kept():
    token, token_hash = new_token()
    other, _ = new_token()
    assert token != other and len(token) >= 43
    assert token_hash == hash_token(token) and len(token_hash) == 64 and token not in token_hash


def test_emails_are_normalised_or_refused():
    assert normalize_email("  Ana@Ferreteria.CL ") == "ana@ferreteria.cl"
    for bad in ("", "ana", "ana@", "@x.cl", "a b@x.cl", "ana@x"):
        with pytest.raises(InvalidInput):
            normalize_email(bad)


def test_plan_table_matches_the_seed_plan():
    assert ORDER == ["FREE", "EMPRENDEDOR", "PYME", "PROFESIONAL"]
    assert [PLANS[c].price_clp for c in ORDER] == [0, 4_990, 9_990, 19_990]
    assert [PLANS[c].price_label for c in ORDER] == [
        "Gratis",
        "$4.990 al mes",
        "$9.990 al mes",
        "$19.990 al mes",
    ]

    def column(feature):
        return [PLANS[c].limit(feature) for c in ORDER]

    assert column(Feature.PRICE_ANALYSIS) == [2, 5, 10, None]
    assert column(Feature.KEYWORD_ALERTS) == [0, 3, 10, None]
    assert column(Feature.SEMANTIC_ALERTS) == [0, 0, 1, 1]
    assert column(Feature.SCORING) == [0, 0, 1, 1]
    assert column(Feature.PROPOSALS) == [0, 0, 5, None]
    assert column(Feature.COMPETITOR_ANALYSIS) == [0, 0, 0, 1]
    assert column(Feature.API) == [0, 0, 0, 1]
    assert FEATURES[Feature.PROPOSALS].kind is Kind.MONTHLY
    with pytest.raises(InvalidInput):
        get_plan("ORO")


def test_next_plan_and_messages():
    free, pyme, pro = PLANS["FREE"], PLANS["PYME"], PLANS["PROFESIONAL"]
    assert next_plan_giving_more(free, Feature.PRICE_ANALYSIS).code == "EMPRENDEDOR"
    assert next_plan_giving_more(free, Feature.SCORING).code == "PYME"
    assert next_plan_giving_more(pyme, Feature.PROPOSALS).code == "PROFESIONAL"
    assert next_plan_giving_more(pro, Feature.PRICE_ANALYSIS) is None
    assert describe_limit(pro, Feature.PRICE_ANALYSIS) == "análisis de precio ilimitados"
    assert upgrade_message(pyme, Feature.PRICE_ANALYSIS, used_up=True) == (
        "Usaste tus 10 análisis de precio de hoy del plan Pyme."
        " El plan Profesional da análisis de precio ilimitados por $19.990 al mes."
    )
    assert upgrade_message(free, Feature.COMPETITOR_ANALYSIS, used_up=False).startswith(
        "Tu plan Free no incluye análisis de competencia. El plan Profesional"
    )


def test_periods_are_santiago_calendar_days_and_months():
    utc_after_midnight_in_chile = datetime(2026, 3, 11, 3, 30, tzinfo=UTC)  # 00:30 in Santiago (UTC-3)
    utc_before_midnight_in_chile = datetime(2026, 3, 11, 2, 30, tzinfo=UTC)  # 23:30 on the 10th
    assert period_start(Kind.DAILY, utc_after_midnight_in_chile) == date(2026, 3, 11)
    assert period_start(Kind.DAILY, utc_before_midnight_in_chile) == date(2026, 3, 10)
    assert period_start(Kind.MONTHLY, datetime(2026, 4, 1, 2, 0, tzinfo=UTC)) == date(2026, 3, 1)


def test_after_login_only_local_paths_are_followed():
    assert safe_next("/precios?producto=x") == "/precios?producto=x"
    for hostile in ("https://malo.cl", "//malo.cl", "/\\malo.cl", "javascript:alert(1)"):
        assert safe_next(hostile) == "/cuenta"


def test_csp_allows_only_this_site_and_no_framing():
    policy = content_security_policy("https://compraagil.cl")
    assert "frame-ancestors 'none'" in policy
    assert "connect-src 'self' wss://compraagil.cl" in policy
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
