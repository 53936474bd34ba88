"""Members against the real PostgreSQL: roles and removal by owners only, never without an owner,
never across companies; invitations accepted by accounts that have no company yet."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from compraagil.accounts import companies, service
from compraagil.accounts.demo import create_account
from compraagil.db import session_scope
from compraagil.errors import Forbidden, InvalidInput, NotFound
from compraagil.models import Company, User

PASSWORD = "tornillos-de-acero-2026"


@pytest.fixture
def mailbox(monkeypatch):
    sent: list[dict] = []
    monkeypatch.setattr("compraagil.accounts.mails.send_mail_in_background", lambda **mail: sent.append(mail))
    return sent


def owner(email: str) -> tuple[int, int]:
    """(user id, company id) of a new verified owner of a FREE company with no RUT."""
    with session_scope() as session:
        user = create_account(session=session, email=email, password=PASSWORD, plan="FREE", company="")
        return user.id, user.company_id


def invite(mailbox, by: int, company: int, email: str) -> str:
    with session_scope() as session:
        companies.invite_member(session=session, user_id=by, company_id=company, email=email)
    return re.search(r"invitacion=([\w-]+)", mailbox[-1]["body"]).group(1)


def member(mailbox, by: int, company: int, email: str) -> int:
    """A new account joining the company by invitation; its user id."""
    token = invite(mailbox, by, company, email)
    with session_scope() as session:
        service.sign_up(session=session, email=email, password=PASSWORD, invitation=token)
        return session.execute(select(User.id).where(User.email == email)).scalar_one()


def user_row(user_id: int) -> User:
    with session_scope() as session:
        user = session.get(User, user_id)
        session.expunge(user)
        return user


def test_owner_changes_roles_but_the_company_keeps_an_owner(mailbox):
    ana, company = owner("ana@uno.cl")
    beto = member(mailbox, ana, company, "beto@uno.cl")
    with session_scope() as session, pytest.raises(InvalidInput, match="sin administrador"):
        companies.change_role(session=session, user_id=ana, company_id=company, member_id=ana, role="member")
    with session_scope() as session, pytest.raises(InvalidInput, match="sin administrador"):
        companies.remove_member(session=session, user_id=ana, company_id=company, member_id=ana)
    with session_scope() as session, pytest.raises(InvalidInput, match="rol"):
        companies.change_role(session=session, user_id=ana, company_id=company, member_id=beto, role="admin")
    with session_scope() as session:
        assert (
            companies.change_role(
                session=session, user_id=ana, company_id=company, member_id=beto, role="owner"
            )
            == "beto@uno.cl"
        )
    with session_scope() as session:
        companies.change_role(session=session, user_id=ana, company_id=company, member_id=ana, role="member")
    assert (user_row(ana).role, user_row(beto).role) == ("member", "owner")


def test_two_owners_stepping_down_at_once_leave_one_owner(mailbox):
    ana, company = owner("ana@uno.cl")
    beto = member(mailbox, ana, company, "beto@uno.cl")
    with session_scope() as session:
        companies.change_role(session=session, user_id=ana, company_id=company, member_id=beto, role="owner")

    def step_down(user_id: int) -> bool:
        try:
            with session_scope() as session:
                companies.change_role(
                    session=session, user_id=user_id, company_id=company, member_id=user_id, role="member"
                )
        except InvalidInput:
            return False
        return True

    with ThreadPoolExecutor(max_workers=2) as pool:
        assert sorted(pool.map(step_down, [ana, beto])) == [False, True]
    assert sorted([user_row(ana).role, user_row(beto).role]) == ["member", "owner"]


def test_a_member_can_neither_remove_nor_change_roles(mailbox):
    ana, company = owner("ana@uno.cl")
    beto = member(mailbox, ana, company, "beto@uno.cl")
    carla = member(mailbox, ana, company, "carla@uno.cl")
    with session_scope() as session:
        with pytest.raises(Forbidden):
            companies.remove_member(session=session, user_id=beto, company_id=company, member_id=carla)
        with pytest.raises(Forbidden):
            companies.change_role(
                session=session, user_id=beto, company_id=company, member_id=beto, role="owner"
            )
        with pytest.raises(Forbidden):
            companies.remove_member(session=session, user_id=beto, company_id=company, member_id=ana)
    assert (user_row(beto).role, user_row(carla).company_id, user_row(ana).role) == (
        "member",
        company,
        "owner",
    )


def test_nobody_reaches_another_companys_members_by_id(mailbox):
    ana, company_a = owner("ana@uno.cl")
    beto = member(mailbox, ana, company_a, "beto@uno.cl")
    diego, company_b = owner("diego@dos.cl")
    elena = member(mailbox, diego, company_b, "elena@dos.cl")
    with session_scope() as session:
        with pytest.raises(Forbidden):
            companies.remove_member(session=session, user_id=beto, company_id=company_a, member_id=elena)
        with pytest.raises(NotFound):
            companies.remove_member(session=session, user_id=ana, company_id=company_a, member_id=elena)
        with pytest.raises(NotFound):
            companies.change_role(
                session=session, user_id=ana, company_id=company_a, member_id=elena, role="owner"
            )
        with pytest.raises(NotFound):
            companies.remove_member(session=session, user_id=ana, company_id=company_b, member_id=elena)
    assert (user_row(elena).company_id, user_row(elena).role) == (company_b, "member")


def test_a_removed_member_keeps_the_account_and_can_join_another_company(mailbox):
    ana, company_a = owner("ana@uno.cl")
    beto = member(mailbox, ana, company_a, "beto@uno.cl")
    with session_scope() as session:
        assert (
            companies.remove_member(session=session, user_id=ana, company_id=company_a, member_id=beto)
            == "beto@uno.cl"
        )
    removed = user_row(beto)
    assert removed.company_id != company_a and removed.role == "owner"
    with session_scope() as session:
        assert [
            m.email for m in companies.list_members(session=session, user_id=ana, company_id=company_a)
        ] == ["ana@uno.cl"]
    diego, company_b = owner("diego@dos.cl")
    with session_scope() as session:
        session.get(Company, company_b).name = "Ferretería Dos"
    token = invite(mailbox, diego, company_b, "beto@uno.cl")
    with session_scope() as session:
        assert companies.accept_invitation(session=session, user_id=beto, token=token) == "Ferretería Dos"
    joined = user_row(beto)
    assert (joined.company_id, joined.role) == (company_b, "member")
    with session_scope() as session:
        assert session.get(Company, removed.company_id) is None, "the empty company is gone"


def test_an_account_with_a_company_is_refused_an_invitation(mailbox):
    diego, company_b = owner("diego@dos.cl")
    ana, company_a = owner("ana@uno.cl")
    with session_scope() as session:
        companies.update_company(
            session=session, user_id=ana, company_id=company_a, name="Uno", rut="76.123.456-0"
        )
    token = invite(mailbox, diego, company_b, "ana@uno.cl")
    with session_scope() as session, pytest.raises(InvalidInput, match="ya pertenece a una empresa"):
        companies.accept_invitation(session=session, user_id=ana, token=token)
    with session_scope() as session, pytest.raises(InvalidInput, match="Ya tengo cuenta"):
        service.sign_up(session=session, email="ana@uno.cl", password=PASSWORD, invitation=token)
    assert user_row(ana).company_id == company_a
    other = invite(mailbox, diego, company_b, "otra@dos.cl")
    with session_scope() as session, pytest.raises(InvalidInput, match="es para otra@dos.cl"):
        companies.accept_invitation(session=session, user_id=ana, token=other)
    with session_scope() as session, pytest.raises(InvalidInput, match="Ya eres parte"):
        companies.accept_invitation(
            session=session, user_id=diego, token=invite(mailbox, diego, company_b, "diego@dos.cl")
        )
    with session_scope() as session:
        companies.update_company(session=session, user_id=ana, company_id=company_a, name="Uno", rut="")
        companies.accept_invitation(session=session, user_id=ana, token=token)
    assert user_row(ana).company_id == company_b
