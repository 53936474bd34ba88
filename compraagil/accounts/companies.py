"""Companies: the owner fills in its data, invites members, changes their roles and removes them;
every read and change is scoped to the caller's own company (another company's id answers NotFound,
as if it did not exist), and a company never loses its last owner."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlmodel import Session

from compraagil.accounts import mails
from compraagil.accounts.emails import normalize_email
from compraagil.accounts.tokens import hash_token, new_token
from compraagil.chile.regions import REGIONS
from compraagil.chile.rut import InvalidRut, format_rut, parse_rut
from compraagil.config import get_settings
from compraagil.errors import Forbidden, InvalidInput, NotFound
from compraagil.models import Company, Invitation, Supplier, User
from compraagil.plans.quotas import UsageLine, usage

SIZES = {"mipyme": "MiPyme", "grande": "Grande"}
ROLES = ("owner", "member")
MAX_KEYWORDS = 50


@dataclass(frozen=True)
class Member:
    user_id: int
    email: str
    role: str
    verified: bool


@dataclass(frozen=True)
class CompanyView:
    id: int
    name: str
    rut: str
    """Display form `76.123.456-7`, or empty."""
    rut_compact: str
    size: str
    regions: list[int]
    keywords: list[str]
    plan: str
    supplier_id: int | None


def require_member(session: Session, user_id: int, company_id: int) -> User:
    """The user, when they belong to that company; NotFound otherwise (no hint the company exists)."""
    user = session.get(User, user_id)
    if user is None or user.company_id != company_id:
        raise NotFound("No encontramos esa empresa.")
    return user


def _owner(session: Session, user_id: int, company_id: int) -> User:
    user = require_member(session, user_id, company_id)
    if user.role != "owner":
        raise Forbidden("Solo el administrador de la empresa puede hacer esto.")
    return user


def get_company(*, session: Session, user_id: int, company_id: int) -> CompanyView:
    """The company's data, for one of its members."""
    require_member(session, user_id, company_id)
    company = session.get(Company, company_id)
    rut = parse_rut(company.rut) if company.rut else None
    return CompanyView(
        company.id,
        company.name,
        format_rut(rut) if rut else "",
        company.rut or "",
        company.size or "",
        list(company.regions),
        list(company.keywords),
        company.plan,
        company.supplier_id,
    )


def update_company(
    *,
    session: Session,
    user_id: int,
    company_id: int,
    name: str,
    rut: str,
    size: str = "",
    regions: list[int] | None = None,
    keywords: list[str] | None = None,
) -> CompanyView:
    """Save the company's data (owner only); the RUT links it to its supplier in the history."""
    _owner(session, user_id, company_id)
    company = session.get(Company, company_id)
    try:
        compact = parse_rut(rut).compact if rut.strip() else None
    except InvalidRut as error:
        raise InvalidInput(str(error)) from None
    if (
        compact
        and session.execute(
            select(Company.id).where(Company.rut == compact, Company.id != company_id)
        ).first()
    ):
        raise InvalidInput(
            "Ese RUT ya está registrado por otra cuenta: pide a su administrador que te invite."
        )
    if size and size not in SIZES:
        raise InvalidInput("El tamaño debe ser MiPyme o Grande.")
    unknown = [r for r in regions or [] if r not in REGIONS]
    if unknown:
        raise InvalidInput("Elige regiones de la lista.")
    cleaned = [k.strip()[:80] for k in keywords or [] if k.strip()]
    if len(cleaned) > MAX_KEYWORDS:
        raise InvalidInput(f"Puedes guardar hasta {MAX_KEYWORDS} productos o palabras clave.")
    company.name = name.strip()[:200]
    company.rut = compact
    company.size = size or None
    company.regions = sorted(set(regions or []))
    company.keywords = list(dict.fromkeys(cleaned))
    company.supplier_id = (
        session.execute(select(Supplier.id).where(Supplier.rut == compact)).scalar_one_or_none()
        if compact
        else None
    )
    session.flush()
    return get_company(session=session, user_id=user_id, company_id=company_id)


def list_members(*, session: Session, user_id: int, company_id: int) -> list[Member]:
    """The company's users, for one of its members."""
    require_member(session, user_id, company_id)
    users = session.execute(select(User).where(User.company_id == company_id).order_by(User.id)).scalars()
    return [Member(u.id, u.email, u.role, u.email_verified_at is not None) for u in users]


def invite_member(*, session: Session, user_id: int, company_id: int, email: str) -> None:
    """Email a single-use invitation to join the company as a member (owner only)."""
    _owner(session, user_id, company_id)
    email = normalize_email(email)
    token, token_hash = new_token()
    lifetime = timedelta(days=get_settings().invite_link_days)
    session.add(
        Invitation(
            token_hash=token_hash,
            company_id=company_id,
            email=email,
            invited_by=user_id,
            expires_at=datetime.now(UTC) + lifetime,
        )
    )
    session.flush()
    mails.send_invitation(to=email, company=session.get(Company, company_id).name, token=token)


def _lock_company(session: Session, company_id: int) -> None:
    """Serialise changes to a company's members (so two owners cannot both step down at once)."""
    session.execute(select(Company.id).where(Company.id == company_id).with_for_update())


def _keeps_an_owner(session: Session, company_id: int, without: int) -> bool:
    others = session.execute(
        select(func.count())
        .select_from(User)
        .where(User.company_id == company_id, User.role == "owner", User.id != without)
    ).scalar_one()
    return others > 0


def _require_another_owner(session: Session, company_id: int, member: User) -> None:
    if member.role == "owner" and not _keeps_an_owner(session, company_id, member.id):
        raise InvalidInput("La empresa no puede quedar sin administrador: nombra antes a otro.")


def change_role(*, session: Session, user_id: int, company_id: int, member_id: int, role: str) -> str:
    """Make a member of the company an owner or a member (owner only); returns their email."""
    if role not in ROLES:
        raise InvalidInput("El rol debe ser administrador o miembro.")
    _lock_company(session, company_id)
    _owner(session, user_id, company_id)
    member = require_member(session, member_id, company_id)
    if role == "member":
        _require_another_owner(session, company_id, member)
    member.role = role
    session.flush()
    return member.email


def remove_member(*, session: Session, user_id: int, company_id: int, member_id: int) -> str:
    """Take someone out of the company (owner only); their account stays, with an empty company of
    its own, so another company can invite them. Returns their email."""
    _lock_company(session, company_id)
    _owner(session, user_id, company_id)
    member = require_member(session, member_id, company_id)
    _require_another_owner(session, company_id, member)
    own = Company()
    session.add(own)
    session.flush()
    member.company_id, member.role = own.id, "owner"
    session.flush()
    return member.email


def _open_invitation(session: Session, token: str, email: str) -> Invitation:
    """The unused, unexpired invitation for `email`, locked; InvalidInput when it cannot be used."""
    invitation = session.execute(
        select(Invitation)
        .where(
            Invitation.token_hash == hash_token(token),
            Invitation.accepted_at.is_(None),
            Invitation.expires_at > datetime.now(UTC),
        )
        .with_for_update()
    ).scalar_one_or_none()
    if invitation is None:
        raise InvalidInput("La invitación no es válida, ya se usó o venció. Pide una nueva.")
    if invitation.email != email:
        raise InvalidInput(f"Esta invitación es para {invitation.email}: úsala con ese correo.")
    return invitation


def check_invitation(*, session: Session, token: str, email: str) -> None:
    """Raise InvalidInput unless the invitation is open and for `email` (nothing is changed)."""
    _open_invitation(session, token, email)


def claim_invitation(*, session: Session, token: str, email: str) -> int:
    """Mark the invitation for `email` used; returns its company; InvalidInput when it cannot be used."""
    invitation = _open_invitation(session, token, email)
    invitation.accepted_at = datetime.now(UTC)
    return invitation.company_id


def _has_a_company(session: Session, user: User) -> bool:
    """Whether the user's company is a real one: it has a RUT, a paid plan or other people."""
    company = session.get(Company, user.company_id)
    others = session.execute(
        select(func.count()).select_from(User).where(User.company_id == company.id, User.id != user.id)
    ).scalar_one()
    return company.rut is not None or company.plan != "FREE" or others > 0


def accept_invitation(*, session: Session, user_id: int, token: str) -> str:
    """Join the inviting company as a member, for an account that has no company yet (its empty one
    is removed); returns the company's name."""
    user = session.execute(select(User).where(User.id == user_id).with_for_update()).scalar_one_or_none()
    if user is None:
        raise NotFound("No encontramos tu cuenta.")
    invitation = _open_invitation(session, token, user.email)
    if invitation.company_id == user.company_id:
        raise InvalidInput("Ya eres parte de esta empresa.")
    if _has_a_company(session, user):
        raise InvalidInput(
            "Tu cuenta ya pertenece a una empresa en CompraAgil y no puede unirse a otra:"
            " pide que te inviten con otro correo."
        )
    invitation.accepted_at = datetime.now(UTC)
    empty, company_id = user.company_id, invitation.company_id
    user.company_id, user.role = company_id, "member"
    session.flush()
    session.execute(delete(Company).where(Company.id == empty))
    return session.get(Company, company_id).name


@dataclass(frozen=True)
class AccountOverview:
    """Everything the account page shows, for one signed-in user."""

    email: str
    role: str
    company: CompanyView
    members: list[Member]
    usage: list[UsageLine]


def account_overview(*, session: Session, user_id: int, company_id: int) -> AccountOverview:
    """The user's profile, company, members and this period's usage."""
    user = require_member(session, user_id, company_id)
    return AccountOverview(
        user.email,
        user.role,
        get_company(session=session, user_id=user_id, company_id=company_id),
        list_members(session=session, user_id=user_id, company_id=company_id),
        usage(session=session, company_id=company_id),
    )
