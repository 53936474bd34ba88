"""API keys: a PROFESIONAL company's users make them in Cuenta (the key is shown once, only its
SHA-256 and first characters are kept), revoke them, and every API or MCP call names one."""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import func, select, update
from sqlmodel import Session

from compraagil.accounts.tokens import hash_token
from compraagil.errors import Forbidden, InvalidInput, NotFound, Unauthorized
from compraagil.models import ApiKey, Company, User
from compraagil.plans.quotas import includes, refused, require_included, upgrade_message
from compraagil.plans.table import Feature, get_plan

KEY_START = "ca_"
PREFIX_LENGTH = 10
MAX_ACTIVE_KEYS = 10
MAX_NAME_LENGTH = 60
TOUCH_EVERY_SECONDS = 60
"""`last_used_at` is written at most this often per key (not on every request)."""


@dataclass(frozen=True)
class Caller:
    """Who an API request acts for."""

    key_id: int
    user_id: int
    company_id: int


class KeyView(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewKey(BaseModel):
    key: KeyView
    secret: str
    """The whole key: shown to the person once, never stored."""


def _view(row: ApiKey) -> KeyView:
    return KeyView.model_validate(row, from_attributes=True)


def create_key(*, session: Session, user_id: int, company_id: int, name: str) -> NewKey:
    """A new key for the company (its plan must include the API); the secret is returned once."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(
            f"Ponle un nombre a la clave (hasta {MAX_NAME_LENGTH} caracteres), como «ERP» o «planilla»."
        )
    require_included(session=session, company_id=company_id, feature=Feature.API)
    active = session.execute(
        select(func.count()).where(ApiKey.company_id == company_id, ApiKey.revoked_at.is_(None))
    ).scalar_one()
    if active >= MAX_ACTIVE_KEYS:
        raise InvalidInput(
            f"Tu empresa ya tiene {MAX_ACTIVE_KEYS} claves activas: revoca una para crear otra."
        )
    secret = KEY_START + secrets.token_urlsafe(32)
    row = ApiKey(
        company_id=company_id,
        user_id=user_id,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        key_hash=hash_token(secret),
    )
    session.add(row)
    session.flush()
    session.refresh(row)
    return NewKey(key=_view(row), secret=secret)


class KeysOverview(BaseModel):
    """What Cuenta shows about the API: the keys, or why the plan gives none."""

    included: bool
    upgrade_message: str
    keys: list[KeyView]


def keys_overview(*, session: Session, company_id: int) -> KeysOverview:
    """Showing the card is not a refusal: nothing is counted."""
    included = includes(session=session, company_id=company_id, feature=Feature.API)
    plan = get_plan(session.get(Company, company_id).plan)
    message = "" if included else upgrade_message(plan, Feature.API, used_up=False)
    return KeysOverview(
        included=included, upgrade_message=message, keys=list_keys(session=session, company_id=company_id)
    )


def list_keys(*, session: Session, company_id: int) -> list[KeyView]:
    """The company's keys, active first, newest first."""
    rows = session.execute(
        select(ApiKey)
        .where(ApiKey.company_id == company_id)
        .order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc(), ApiKey.id.desc())
    ).scalars()
    return [_view(row) for row in rows]


def revoke_key(*, session: Session, user_id: int, company_id: int, key_id: int) -> None:
    """Revoke one of the company's keys: its owner may revoke any, a member only the keys they made."""
    row = session.get(ApiKey, key_id)
    if row is None or row.company_id != company_id:
        raise NotFound("No encontramos esa clave.")
    user = session.get(User, user_id)
    if row.user_id != user_id and (user is None or user.role != "owner"):
        raise Forbidden("Solo quien creó la clave o el dueño de la empresa puede revocarla.")
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        session.add(row)


def bearer_token(authorization: str | None) -> str:
    """The key in an `Authorization: Bearer <key>` header; Unauthorized when there is none."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Falta la clave de API: envía el encabezado «Authorization: Bearer <clave>».")
    return token.strip()


def authenticate(*, session: Session, token: str) -> Caller:
    """The caller a key acts for (one query; `last_used_at` written at most once a minute).
    401: unknown or revoked key; 403: its maker left the company; 402: the company's plan no longer
    includes the API."""
    row = session.execute(
        select(ApiKey.id, ApiKey.user_id, ApiKey.company_id, ApiKey.revoked_at, ApiKey.last_used_at,
               User.company_id.label("maker_company"), Company.plan)
        .join(Company, Company.id == ApiKey.company_id)
        .outerjoin(User, User.id == ApiKey.user_id)
        .where(ApiKey.key_hash == hash_token(token))
    ).one_or_none()  # fmt: skip
    if row is None:
        raise Unauthorized("La clave de API no es válida.")
    if row.revoked_at is not None:
        raise Unauthorized("Esta clave de API fue revocada: crea otra en Cuenta.")
    if row.maker_company != row.company_id:
        raise Forbidden("Quien creó esta clave ya no pertenece a la empresa: crea otra en Cuenta.")
    plan = get_plan(row.plan)
    if plan.limit(Feature.API) == 0:
        raise refused(row.company_id, plan, Feature.API, used_up=False)
    now = datetime.now(UTC)
    if row.last_used_at is None or row.last_used_at < now - timedelta(seconds=TOUCH_EVERY_SECONDS):
        session.execute(update(ApiKey).where(ApiKey.id == row.id).values(last_used_at=now))
    return Caller(key_id=row.id, user_id=row.user_id, company_id=row.company_id)
