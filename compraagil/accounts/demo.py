"""Ready-made accounts: the demo login `make run` prints, one user per plan, staff from the CLI."""

import secrets
from datetime import UTC, datetime

from sqlalchemy import select
from sqlmodel import Session

from compraagil.accounts.emails import normalize_email
from compraagil.accounts.passwords import check_new_password, hash_password
from compraagil.errors import InvalidInput
from compraagil.models import Company, User
from compraagil.plans.table import ORDER, get_plan

DEMO_EMAIL = "demo@compraagil.cl"
DEMO_COMPANY = "Demo Suministros SpA"


def _new_password() -> str:
    return secrets.token_urlsafe(12)


def create_account(
    *, session: Session, email: str, password: str, plan: str, company: str, staff: bool = False
) -> User:
    """A verified user owning a new company on `plan` (InvalidInput when the email is taken)."""
    email = normalize_email(email)
    check_new_password(password, email=email)
    get_plan(plan)
    if session.execute(select(User.id).where(User.email == email)).first():
        raise InvalidInput(f"Ya existe una cuenta con el correo {email}.")
    owned = Company(name=company, plan=plan)
    session.add(owned)
    session.flush()
    user = User(
        email=email,
        password_hash=hash_password(password),
        company_id=owned.id,
        role="owner",
        is_staff=staff,
        email_verified_at=datetime.now(UTC),
    )
    session.add(user)
    session.flush()
    return user


def ensure_demo_account(*, session: Session) -> tuple[str, str] | None:
    """Create the demo user and company on PROFESIONAL when missing; returns (email, password) then."""
    if session.execute(select(User.id).where(User.email == DEMO_EMAIL)).first():
        return None
    password = _new_password()
    create_account(
        session=session, email=DEMO_EMAIL, password=password, plan="PROFESIONAL", company=DEMO_COMPANY
    )
    return DEMO_EMAIL, password


def seed_users(*, session: Session) -> list[tuple[str, str, str]]:
    """One user per plan (`<plan>@demo.compraagil.cl`) where missing; returns (email, plan, password)."""
    created = []
    for plan in ORDER:
        email = f"{plan.lower()}@demo.compraagil.cl"
        if session.execute(select(User.id).where(User.email == email)).first():
            continue
        password = _new_password()
        create_account(
            session=session, email=email, password=password, plan=plan, company=f"Demo {plan.title()}"
        )
        created.append((email, plan, password))
    return created
