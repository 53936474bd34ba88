"""Accounts against the real PostgreSQL and Redis: sign-up, links, sessions, throttling, enumeration."""

import re
import statistics
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from compraagil.accounts import links, service, sessions
from compraagil.accounts.demo import create_account
from compraagil.accounts.passwords import dummy_hash
from compraagil.db import session_scope
from compraagil.errors import Forbidden, InvalidInput, TooManyAttempts, Unauthorized
from compraagil.models import Invitation, User, UserToken
from jobs.schedule import periodic_jobs
from jobs.tasks.accounts import delete_expired_accounts_data

PASSWORD = "tornillos-de-acero-2026"


@pytest.fixture
def mailbox(monkeypatch):
    """Emails the accounts code sends, captured instead of going through SMTP."""
    sent: list[dict] = []
    monkeypatch.setattr(
        "compraagil.accounts.mails.send_mail_in_background",
        lambda *, to, subject, body: sent.append({"to": to, "subject": subject, "body": body}),
    )
    return sent


def token_in(mail: dict) -> str:
    return re.search(r"(?:token|invitacion)=([\w-]+)", mail["body"]).group(1)


def sign_up_verified(mailbox, email: str = "ana@ferreteria.cl") -> None:
    with session_scope() as session:
        service.sign_up(session=session, email=email, password=PASSWORD, company_name="Ferretería Ana")
    with session_scope() as session:
        service.verify_email(session=session, token=token_in(mailbox[-1]))


def log_in(
    email: str = "ana@ferreteria.cl", password: str = PASSWORD, ip: str = "10.0.0.1", previous: str = ""
):
    with session_scope() as session:
        return service.log_in(session=session, email=email, password=password, ip=ip, previous_token=previous)


def resolve(token: str, now: datetime | None = None):
    with session_scope() as session:
        return sessions.resolve_session(session=session, token=token, now=now)


def test_sign_up_verify_and_log_in(mailbox):
    with session_scope() as session:
        service.sign_up(
            session=session, email=" Ana@Ferreteria.CL ", password=PASSWORD, company_name="Ferretería Ana"
        )
    assert mailbox[-1]["to"] == "ana@ferreteria.cl"
    with pytest.raises(Forbidden, match="Confirma tu correo"):
        log_in()
    assert len(mailbox) == 2
    with session_scope() as session:
        assert service.verify_email(session=session, token=token_in(mailbox[-1])) == "ana@ferreteria.cl"
    with session_scope() as session, pytest.raises(InvalidInput, match="ya se usó"):
        service.verify_email(session=session, token=token_in(mailbox[-1]))
    user = resolve(log_in())
    assert user.email == "ana@ferreteria.cl" and user.role == "owner" and user.plan == "FREE"
    with session_scope() as session:
        stored = session.execute(select(User.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$")


def test_weak_passwords_are_refused(mailbox):
    for weak in ("corta", "contraseña", "password123", "ana@ferreteria.cl-clave"):
        with session_scope() as session, pytest.raises(InvalidInput):
            service.sign_up(session=session, email="ana@ferreteria.cl", password=weak)
    assert mailbox == []


def test_sessions_slide_expire_rotate_and_are_revoked(mailbox):
    sign_up_verified(mailbox)
    first = log_in()
    now = datetime.now(UTC)
    assert resolve(first, now + timedelta(days=29)).email == "ana@ferreteria.cl"
    assert resolve(first, now + timedelta(days=58)).email == "ana@ferreteria.cl", "used at day 29: slid to 59"
    with pytest.raises(Unauthorized):
        resolve(first, now + timedelta(days=90))
    second = log_in(previous=first)
    with pytest.raises(Unauthorized):
        resolve(first)
    other_device = log_in()
    with session_scope() as session:
        service.log_out(session=session, token=second)
    with pytest.raises(Unauthorized):
        resolve(second)
    assert resolve(other_device)
    with session_scope() as session:
        fresh = service.change_password(
            session=session, user_id=resolve(other_device).user_id, current_password=PASSWORD,
            new_password="clavos-y-martillos-99",
        )  # fmt: skip
    with pytest.raises(Unauthorized):
        resolve(other_device)
    assert resolve(fresh)
    with session_scope() as session:
        assert service.log_out_everywhere(session=session, user_id=resolve(fresh).user_id) == 1
    with pytest.raises(Unauthorized):
        resolve(fresh)


def test_forged_or_empty_tokens_are_refused(mailbox):
    sign_up_verified(mailbox)
    token = log_in()
    for forged in ("", "x" * 43, token[:-1] + ("A" if token[-1] != "A" else "B")):
        with pytest.raises(Unauthorized):
            resolve(forged)


def test_reset_link_is_single_use_expires_and_ends_sessions(mailbox):
    sign_up_verified(mailbox)
    token = log_in()
    with session_scope() as session:
        service.request_password_reset(session=session, email="ana@ferreteria.cl")
    reset = token_in(mailbox[-1])
    with session_scope() as session:
        service.reset_password(session=session, token=reset, new_password="nueva-clave-segura-1")
    with pytest.raises(Unauthorized):
        resolve(token)
    with session_scope() as session, pytest.raises(InvalidInput, match="ya se usó"):
        service.reset_password(session=session, token=reset, new_password="otra-clave-segura-2")
    assert resolve(log_in(password="nueva-clave-segura-1"))

    with session_scope() as session:
        service.request_password_reset(session=session, email="ana@ferreteria.cl")
    late = datetime.now(UTC) + timedelta(hours=2)
    with session_scope() as session, pytest.raises(InvalidInput):
        links.use_link(session=session, token=token_in(mailbox[-1]), purposes=(links.RESET,), now=late)


def test_unknown_email_gets_the_same_answers(mailbox):
    sign_up_verified(mailbox)
    sent = len(mailbox)
    with session_scope() as session:
        assert service.request_password_reset(session=session, email="nadie@ejemplo.cl") is None
    assert len(mailbox) == sent
    dummy_hash()
    errors, timings = {}, {}
    for email in ("nadie@ejemplo.cl", "ana@ferreteria.cl"):
        durations = []
        for attempt in range(4):
            started = time.perf_counter()
            with pytest.raises(Unauthorized) as caught:
                log_in(email=email, password=f"equivocada-{attempt}", ip=f"10.1.{attempt}.1")
            durations.append(time.perf_counter() - started)
        timings[email] = statistics.median(durations)
        errors[email] = caught.value.message
    assert errors["nadie@ejemplo.cl"] == errors["ana@ferreteria.cl"] == service.WRONG_CREDENTIALS
    assert 0.33 < timings["nadie@ejemplo.cl"] / timings["ana@ferreteria.cl"] < 3, timings
    with session_scope() as session:
        assert service.sign_up(session=session, email="ana@ferreteria.cl", password=PASSWORD) is None
    assert mailbox[-1]["subject"] == "Ya tienes una cuenta en CompraAgil"


def test_login_is_throttled_per_account(mailbox):
    sign_up_verified(mailbox)
    for attempt in range(5):
        with pytest.raises(Unauthorized):
            log_in(password="no-es-la-clave", ip=f"10.2.0.{attempt}")
    with pytest.raises(TooManyAttempts, match=r"Espera 15 minutos") as caught:
        log_in(ip="10.9.9.9")
    assert 0 < caught.value.retry_after <= 900


def test_login_is_throttled_per_ip(mailbox):
    for attempt in range(30):
        with pytest.raises(Unauthorized):
            log_in(email=f"persona{attempt}@ejemplo.cl", password="no-es-la-clave", ip="10.3.0.1")
    with pytest.raises(TooManyAttempts):
        log_in(email="otra@ejemplo.cl", password="no-es-la-clave", ip="10.3.0.1")
    with pytest.raises(Unauthorized):
        log_in(email="otra@ejemplo.cl", password="no-es-la-clave", ip="10.3.0.2")


def test_throttling_survives_redis_down(mailbox, services):
    sign_up_verified(mailbox)
    services.stop_redis()
    try:
        for _ in range(5):
            with pytest.raises(Unauthorized):
                log_in(password="no-es-la-clave", ip="10.4.0.1")
        with pytest.raises(TooManyAttempts):
            log_in(ip="10.4.0.1")
    finally:
        services.start_redis()
        from compraagil.accounts.throttle import _local

        _local.counts.clear()


def test_email_change_is_confirmed_from_the_new_address(mailbox):
    sign_up_verified(mailbox)
    user = resolve(log_in())
    with session_scope() as session:
        service.request_email_change(
            session=session, user_id=user.user_id, password=PASSWORD, new_email="ana@nueva.cl"
        )
    notice, confirm = mailbox[-2], mailbox[-1]
    assert notice["to"] == "ana@ferreteria.cl" and confirm["to"] == "ana@nueva.cl"
    with session_scope() as session:
        assert service.verify_email(session=session, token=token_in(confirm)) == "ana@nueva.cl"
    assert resolve(log_in(email="ana@nueva.cl"))


def test_staff_flag_from_the_command_line_helpers():
    with session_scope() as session:
        create_account(
            session=session, email="equipo@compraagil.cl", password=PASSWORD, plan="FREE", company="CA"
        )
        service.set_staff(session=session, email="equipo@compraagil.cl")
    with session_scope() as session:
        assert session.execute(select(User.is_staff)).scalar_one() is True


def test_the_daily_job_deletes_expired_sessions_links_and_invitations(mailbox):
    sign_up_verified(mailbox)
    live = log_in()
    user_id = resolve(live).user_id
    long_ago = datetime.now(UTC) - timedelta(days=90)
    with session_scope() as session:
        sessions.create_session(session=session, user_id=user_id, now=long_ago)
        links.issue_link(
            session=session, user_id=user_id, purpose=links.RESET, lifetime=timedelta(minutes=-1)
        )
        company_id = session.get(User, user_id).company_id
        session.add(
            Invitation(token_hash="vencida", company_id=company_id, email="x@y.cl", expires_at=long_ago)
        )
        session.add(
            Invitation(
                token_hash="vigente",
                company_id=company_id,
                email="z@y.cl",
                expires_at=datetime.now(UTC) + timedelta(days=1),
            )
        )
    assert "periodic-accounts-cleanup" in {job.id for job in periodic_jobs()}
    assert delete_expired_accounts_data() == {"sessions": 1, "links": 1, "invitations": 1}
    assert resolve(live).user_id == user_id
    with session_scope() as session:
        assert session.execute(select(Invitation.token_hash)).scalars().all() == ["vigente"]
        assert session.execute(select(func.count()).select_from(UserToken)).scalar_one() == 1, (
            "the used verify link"
        )
    assert delete_expired_accounts_data() == {"sessions": 0, "links": 0, "invitations": 0}


def test_one_address_gets_at_most_five_account_emails_an_hour():
    from compraagil.accounts.throttle import MAILS_PER_ADDRESS_PER_HOUR, mail_allowed

    allowed = [mail_allowed("victima@ejemplo.cl") for _ in range(MAILS_PER_ADDRESS_PER_HOUR + 3)]
    assert allowed == [True] * MAILS_PER_ADDRESS_PER_HOUR + [False] * 3
    assert mail_allowed("otra@ejemplo.cl")
