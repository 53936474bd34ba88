"""Accounts: sign up, verify, log in and out, reset and change the password or the email.

Answers never tell whether an email has an account (sign-up and reset say the same either way, and
log-in verifies a dummy hash for unknown emails, so timing matches too).
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlmodel import Session

from compraagil.accounts import links, mails, sessions, throttle
from compraagil.accounts.companies import check_invitation, claim_invitation
from compraagil.accounts.emails import normalize_email
from compraagil.accounts.passwords import (
    check_new_password,
    dummy_hash,
    hash_password,
    needs_rehash,
    verify_password,
)
from compraagil.config import get_settings
from compraagil.errors import Forbidden, InvalidInput, NotFound, Unauthorized
from compraagil.models import Company, User

WRONG_CREDENTIALS = "Correo o contraseña incorrectos."


def _user_by_email(session: Session, email: str) -> User | None:
    return session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No encontramos tu cuenta.")
    return user


def _verify_lifetime() -> timedelta:
    return timedelta(hours=get_settings().verify_link_hours)


def sign_up(
    *, session: Session, email: str, password: str, company_name: str = "", invitation: str = ""
) -> None:
    """Create an account (and its company, or join the inviting one) and email the verification link."""
    email = normalize_email(email)
    check_new_password(password, email=email)
    password_hash = hash_password(password)
    if invitation:  # first, so only the holder of a valid invitation learns the email has an account
        check_invitation(session=session, token=invitation, email=email)
    if _user_by_email(session, email) is not None:
        if invitation:
            raise InvalidInput(
                "Este correo ya tiene una cuenta: entra con ella y acepta la invitación desde el enlace"
                " «Ya tengo cuenta» del correo."
            )
        mails.send_account_exists(to=email)
        return
    if invitation:
        company_id, role, verified = (
            claim_invitation(session=session, token=invitation, email=email),
            "member",
            datetime.now(UTC),
        )
    else:
        company = Company(name=company_name.strip()[:200])
        session.add(company)
        session.flush()
        company_id, role, verified = company.id, "owner", None
    user = User(
        email=email, password_hash=password_hash, company_id=company_id, role=role, email_verified_at=verified
    )
    session.add(user)
    session.flush()
    if verified is None:
        token = links.issue_link(
            session=session, user_id=user.id, purpose=links.VERIFY, lifetime=_verify_lifetime()
        )
        mails.send_verification(to=email, token=token)


def verify_email(*, session: Session, token: str) -> str:
    """Use a verification or email-change link; returns the confirmed address."""
    used = links.use_link(session=session, token=token, purposes=(links.VERIFY, links.EMAIL_CHANGE))
    user = _user(session, used.user_id)
    if used.purpose == links.EMAIL_CHANGE:
        if _user_by_email(session, used.new_email) is not None:
            raise InvalidInput("Ese correo ya tiene otra cuenta.")
        user.email = used.new_email
    user.email_verified_at = datetime.now(UTC)
    return user.email


def log_in(*, session: Session, email: str, password: str, ip: str, previous_token: str = "") -> str:
    """Check the credentials (throttled per account and IP) and open a fresh session; returns its token."""
    try:
        email = normalize_email(email)
    except InvalidInput:
        raise Unauthorized(WRONG_CREDENTIALS) from None
    throttle.check_login_allowed(email=email, ip=ip)
    user = _user_by_email(session, email)
    valid = verify_password(user.password_hash if user else dummy_hash(), password) and user is not None
    if not valid:
        throttle.record_login_failure(email=email, ip=ip)
        raise Unauthorized(WRONG_CREDENTIALS)
    if user.email_verified_at is None:
        token = links.issue_link(
            session=session, user_id=user.id, purpose=links.VERIFY, lifetime=_verify_lifetime()
        )
        mails.send_verification(to=email, token=token)
        session.commit()
        raise Forbidden(f"Confirma tu correo antes de entrar: te enviamos un enlace nuevo a {email}.")
    throttle.clear_login_failures(email=email)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    sessions.revoke_session(session=session, token=previous_token)
    return sessions.create_session(session=session, user_id=user.id)


def log_out(*, session: Session, token: str) -> None:
    """End this browser's session."""
    sessions.revoke_session(session=session, token=token)


def log_out_everywhere(*, session: Session, user_id: int) -> int:
    """End every session of the user, this one included; returns how many were open."""
    return sessions.revoke_all_sessions(session=session, user_id=user_id)


def request_password_reset(*, session: Session, email: str) -> None:
    """Email a reset link when the address has an account; says nothing either way."""
    email = normalize_email(email)
    user = _user_by_email(session, email)
    verify_password(dummy_hash(), email)  # the same work whether or not the address has an account
    if user is None:
        return
    token = links.issue_link(
        session=session,
        user_id=user.id,
        purpose=links.RESET,
        lifetime=timedelta(minutes=get_settings().reset_link_minutes),
    )
    mails.send_password_reset(to=email, token=token)


def reset_password(*, session: Session, token: str, new_password: str) -> None:
    """Use a reset link to set a new password; every session of the user ends."""
    used = links.use_link(session=session, token=token, purposes=(links.RESET,))
    user = _user(session, used.user_id)
    check_new_password(new_password, email=user.email)
    user.password_hash = hash_password(new_password)
    user.email_verified_at = user.email_verified_at or datetime.now(UTC)
    sessions.revoke_all_sessions(session=session, user_id=user.id)
    throttle.clear_login_failures(email=user.email)


def change_password(*, session: Session, user_id: int, current_password: str, new_password: str) -> str:
    """Replace the password after checking the current one; ends every session and returns a new one."""
    user = _user(session, user_id)
    if not verify_password(user.password_hash, current_password):
        raise Unauthorized("La contraseña actual no es correcta.")
    check_new_password(new_password, email=user.email)
    user.password_hash = hash_password(new_password)
    sessions.revoke_all_sessions(session=session, user_id=user.id)
    return sessions.create_session(session=session, user_id=user.id)


def request_email_change(*, session: Session, user_id: int, password: str, new_email: str) -> None:
    """Email a confirmation link to the new address (and a notice to the current one)."""
    user = _user(session, user_id)
    if not verify_password(user.password_hash, password):
        raise Unauthorized("La contraseña no es correcta.")
    new_email = normalize_email(new_email)
    if new_email == user.email:
        raise InvalidInput("Ese ya es tu correo.")
    mails.send_email_change_notice(to=user.email, new_email=new_email)
    if _user_by_email(session, new_email) is not None:
        return
    token = links.issue_link(
        session=session,
        user_id=user.id,
        purpose=links.EMAIL_CHANGE,
        lifetime=_verify_lifetime(),
        new_email=new_email,
    )
    mails.send_email_change(to=new_email, token=token)


def set_staff(*, session: Session, email: str, staff: bool = True) -> None:
    """Make an account staff (admin pages) or not; used from the command line."""
    updated = session.execute(update(User).where(User.email == normalize_email(email)).values(is_staff=staff))
    if not updated.rowcount:
        raise NotFound(f"No hay una cuenta con el correo {email}.")
