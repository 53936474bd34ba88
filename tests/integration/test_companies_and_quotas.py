"""Companies, plans and quotas against the real PostgreSQL: isolation between companies, the one
quota policy under concurrency, and the audited plan change."""

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DataError

from compraagil.accounts import admin, companies, service
from compraagil.accounts.demo import create_account
from compraagil.db import session_scope
from compraagil.errors import Forbidden, InvalidInput, NotFound, QuotaExceeded
from compraagil.models import AuditEntry, Supplier, UsageCounter, User
from compraagil.plans.quotas import SANTIAGO, consume, metered, release, usage
from compraagil.plans.table import Feature
from compraagil.pricing.service import PriceQuery, metered_price_analysis
from compraagil.search.query import validated

PASSWORD = "tornillos-de-acero-2026"


def account(email: str, plan: str = "FREE", staff: bool = False) -> tuple[int, int]:
    """(user id, company id) of a new verified owner."""
    with session_scope() as session:
        user = create_account(
            session=session, email=email, password=PASSWORD, plan=plan, company=email, staff=staff
        )
        return user.id, user.company_id


def use_price_analysis(company_id: int) -> bool:
    with session_scope() as session:
        try:
            consume(session=session, company_id=company_id, feature=Feature.PRICE_ANALYSIS)
        except QuotaExceeded:
            return False
    return True


def test_fifty_parallel_analyses_with_ten_left_let_exactly_ten_through():
    _, company = account("pyme@ejemplo.cl", plan="PYME")
    with ThreadPoolExecutor(max_workers=25) as pool:
        results = list(pool.map(use_price_analysis, [company] * 50))
    assert results.count(True) == 10
    with session_scope() as session:
        assert session.execute(select(UsageCounter.used)).scalar_one() == 10


def test_free_plan_third_analysis_says_what_the_next_plan_gives():
    _, company = account("free@ejemplo.cl")
    with session_scope() as session:
        assert consume(session=session, company_id=company, feature=Feature.PRICE_ANALYSIS) == 1
        assert consume(session=session, company_id=company, feature=Feature.PRICE_ANALYSIS) == 0
        with pytest.raises(QuotaExceeded) as refused:
            consume(session=session, company_id=company, feature=Feature.PRICE_ANALYSIS)
    assert refused.value.message == (
        "Usaste tus 2 análisis de precio de hoy del plan Free."
        " El plan Emprendedor da 5 análisis de precio al día por $4.990 al mes."
    )
    with session_scope() as session, pytest.raises(QuotaExceeded, match="no incluye propuestas"):
        consume(session=session, company_id=company, feature=Feature.PROPOSALS)


def test_periods_are_santiago_days_and_months():
    _, company = account("pro@ejemplo.cl", plan="PROFESIONAL")
    late_night = datetime(2026, 3, 10, 23, 30, tzinfo=SANTIAGO)
    next_morning = datetime(2026, 3, 11, 0, 30, tzinfo=SANTIAGO)
    with session_scope() as session:
        for now in (late_night, late_night, next_morning):
            assert (
                consume(session=session, company_id=company, feature=Feature.PRICE_ANALYSIS, now=now) is None
            )
            consume(session=session, company_id=company, feature=Feature.PROPOSALS, now=now)
        days = session.execute(
            text(
                "SELECT period_start::text, used FROM usage_counters WHERE feature = 'price_analysis' ORDER BY 1"
            )
        ).all()
        lines = {line.feature: line for line in usage(session=session, company_id=company, now=next_morning)}
    assert days == [("2026-03-10", 2), ("2026-03-11", 1)]
    assert lines[Feature.PROPOSALS].used == 3 and lines[Feature.PROPOSALS].limit is None
    assert lines[Feature.PRICE_ANALYSIS].used == 1


def test_one_company_never_reaches_another():
    ana, ana_company = account("ana@uno.cl")
    beto, beto_company = account("beto@dos.cl", plan="PYME")
    assert use_price_analysis(ana_company)
    with session_scope() as session:
        attempts = [
            lambda: companies.get_company(session=session, user_id=ana, company_id=beto_company),
            lambda: companies.list_members(session=session, user_id=ana, company_id=beto_company),
            lambda: companies.update_company(
                session=session, user_id=ana, company_id=beto_company, name="X", rut=""
            ),
            lambda: companies.invite_member(
                session=session, user_id=ana, company_id=beto_company, email="a@b.cl"
            ),
            lambda: companies.account_overview(session=session, user_id=ana, company_id=beto_company),
        ]
        for attempt in attempts:
            with pytest.raises(NotFound):
                attempt()
        beto_usage = {line.feature: line.used for line in usage(session=session, company_id=beto_company)}
        beto_members = companies.list_members(session=session, user_id=beto, company_id=beto_company)
    assert beto_usage[Feature.PRICE_ANALYSIS] == 0
    assert [m.email for m in beto_members] == ["beto@dos.cl"]


def test_company_rut_links_the_history_and_is_unique(monkeypatch):
    monkeypatch.setattr("compraagil.accounts.mails.send_mail_in_background", lambda **mail: None)
    ana, company = account("ana@uno.cl")
    _, other_company = account("beto@dos.cl")
    with session_scope() as session:
        session.add(Supplier(rut="76123456-0", name="Ferretería Ana SpA", size="mipyme"))
    with session_scope() as session:
        with pytest.raises(InvalidInput, match="dígito verificador"):
            companies.update_company(
                session=session, user_id=ana, company_id=company, name="Ana", rut="76.123.456-7"
            )
        view = companies.update_company(
            session=session, user_id=ana, company_id=company, name="Ferretería Ana SpA", rut="76.123.456-0",
            size="mipyme", regions=[13, 5], keywords=["tornillos", " guantes ", ""],
        )  # fmt: skip
    assert (view.rut, view.rut_compact, view.regions, view.keywords) == (
        "76.123.456-0", "76123456-0", [5, 13], ["tornillos", "guantes"]
    )  # fmt: skip
    assert view.supplier_id is not None
    with session_scope() as session, pytest.raises(InvalidInput, match="otra cuenta"):
        beto_id = session.execute(select(User.id).where(User.email == "beto@dos.cl")).scalar_one()
        companies.update_company(
            session=session, user_id=beto_id, company_id=other_company, name="B", rut="76123456-0"
        )


def test_invited_member_joins_once_and_cannot_edit_the_company(monkeypatch):
    sent = []
    monkeypatch.setattr("compraagil.accounts.mails.send_mail_in_background", lambda **mail: sent.append(mail))
    owner, company = account("duena@empresa.cl")
    with session_scope() as session:
        companies.invite_member(
            session=session, user_id=owner, company_id=company, email="vendedor@empresa.cl"
        )
    token = re.search(r"invitacion=([\w-]+)", sent[-1]["body"]).group(1)
    with session_scope() as session, pytest.raises(InvalidInput, match="para vendedor@empresa.cl"):
        service.sign_up(session=session, email="otro@empresa.cl", password=PASSWORD, invitation=token)
    with session_scope() as session:
        service.sign_up(session=session, email="vendedor@empresa.cl", password=PASSWORD, invitation=token)
    with session_scope() as session, pytest.raises(InvalidInput, match="ya se usó"):
        service.sign_up(session=session, email="tercero@empresa.cl", password=PASSWORD, invitation=token)
    with session_scope() as session:
        member = session.execute(select(User).where(User.email == "vendedor@empresa.cl")).scalar_one()
        assert (member.company_id, member.role, member.email_verified_at is not None) == (
            company,
            "member",
            True,
        )
        with pytest.raises(Forbidden):
            companies.update_company(session=session, user_id=member.id, company_id=company, name="X", rut="")
        assert len(companies.list_members(session=session, user_id=member.id, company_id=company)) == 2


def test_admin_plan_change_is_staff_only_needs_a_reason_and_is_audited():
    staff, _ = account("equipo@compraagil.cl", staff=True)
    user, company = account("cliente@pyme.cl")
    with session_scope() as session:
        with pytest.raises(Forbidden):
            admin.change_plan(
                session=session, user_id=user, company_id=company, plan="PROFESIONAL", reason="yo"
            )
        with pytest.raises(Forbidden):
            admin.list_users(session=session, user_id=user)
        with pytest.raises(InvalidInput, match="motivo"):
            admin.change_plan(session=session, user_id=staff, company_id=company, plan="PYME", reason="")
        with pytest.raises(InvalidInput):
            admin.change_plan(session=session, user_id=staff, company_id=company, plan="ORO", reason="regalo")
    with session_scope() as session:
        admin.change_plan(
            session=session, user_id=staff, company_id=company, plan="PYME", reason="transferencia 12-03"
        )
    with session_scope() as session:
        entry = session.execute(select(AuditEntry)).scalar_one()
        assert (entry.actor_user_id, entry.target_id, entry.before, entry.after, entry.reason) == (
            staff, company, {"plan": "FREE"}, {"plan": "PYME"}, "transferencia 12-03"
        )  # fmt: skip
        listed = {row.id: row.plan for row in admin.list_companies(session=session, user_id=staff)}
        log = admin.audit_log(session=session, user_id=staff)
    assert listed[company] == "PYME"
    assert log[0].actor == "equipo@compraagil.cl"
    for _ in range(10):
        assert use_price_analysis(company)
    assert not use_price_analysis(company)


def used_today(company_id: int) -> int:
    with session_scope() as session:
        lines = {line.feature: line.used for line in usage(session=session, company_id=company_id)}
    return lines[Feature.PRICE_ANALYSIS]


def test_an_invalid_price_query_uses_nothing():
    _, company = account("free@ejemplo.cl")
    with session_scope() as session, pytest.raises(InvalidInput, match="al menos 3 letras"):
        metered_price_analysis(session=session, company_id=company, query=validated(PriceQuery, product="ab"))
    assert used_today(company) == 0


def test_an_analysis_that_fails_on_our_side_gives_the_use_back(monkeypatch):
    _, company = account("free@ejemplo.cl")
    query = validated(PriceQuery, product="resma papel carta")
    monkeypatch.setattr("compraagil.pricing.service.analyze_prices", lambda **_: 1 / 0)
    with session_scope() as session, pytest.raises(ZeroDivisionError):
        metered_price_analysis(session=session, company_id=company, query=query)
    with (
        session_scope() as session,
        pytest.raises(DataError),
        metered(session=session, company_id=company, feature=Feature.PRICE_ANALYSIS),
    ):
        session.execute(text("SELECT 1 / 0"))
    assert used_today(company) == 0

    def users_fault(**_):
        raise InvalidInput("Filtro inválido")

    monkeypatch.setattr("compraagil.pricing.service.analyze_prices", users_fault)
    with session_scope() as session, pytest.raises(InvalidInput):
        metered_price_analysis(session=session, company_id=company, query=query)
    assert used_today(company) == 1


def test_release_is_atomic_and_never_goes_below_zero():
    _, company = account("pyme@ejemplo.cl", plan="PYME")
    for _ in range(10):
        assert use_price_analysis(company)

    def give_back(_: int) -> None:
        with session_scope() as session:
            release(session=session, company_id=company, feature=Feature.PRICE_ANALYSIS)

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(give_back, range(25)))
    assert used_today(company) == 0
    _, fresh = account("nueva@ejemplo.cl")
    give_back(0)
    with session_scope() as session:
        release(session=session, company_id=fresh, feature=Feature.PRICE_ANALYSIS)
    assert used_today(fresh) == 0
