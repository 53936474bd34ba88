"""Link a Telegram chat to a user with a single-use token made on Cuenta (15 minutes, only its hash
stored, as `user_tokens` with purpose `telegram`); unlink; find who a chat belongs to."""

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session

from compraagil.accounts.links import issue_link, use_link
from compraagil.config import get_settings
from compraagil.errors import InvalidInput, Unauthorized
from compraagil.models import TelegramLink, User

PURPOSE = "telegram"
LIFETIME = timedelta(minutes=15)
NOT_LINKED = (
    "Este chat no está vinculado a una cuenta de CompraAgil. Entra a la web, abre «Cuenta» y toca "
    "«Vincular Telegram»: el enlace te trae de vuelta aquí ya vinculado."
)


@dataclass(frozen=True)
class ChatOwner:
    user_id: int
    company_id: int
    email: str


def link_url(*, session: Session, user_id: int) -> str:
    """A fresh deep link `https://t.me/<bot>?start=<token>` (15 minutes, single use) for the user."""
    token = issue_link(session=session, user_id=user_id, purpose=PURPOSE, lifetime=LIFETIME)
    session.commit()
    return f"https://t.me/{get_settings().telegram_bot_username}?start={quote(token)}"


def link_chat(*, session: Session, token: str, chat_id: int) -> ChatOwner:
    """Use the token to link this chat to its user (replacing their earlier chat and this chat's earlier user)."""
    try:
        user_id = use_link(session=session, token=token, purposes=(PURPOSE,)).user_id
    except InvalidInput:
        raise InvalidInput(
            "Este enlace no es válido, ya se usó o venció (dura 15 minutos). Pide uno nuevo en «Cuenta»."
        ) from None
    session.execute(delete(TelegramLink).where(TelegramLink.chat_id == chat_id))
    session.execute(
        insert(TelegramLink)
        .values(user_id=user_id, chat_id=chat_id)
        .on_conflict_do_update(index_elements=["user_id"], set_={"chat_id": chat_id})
    )
    session.commit()
    return owner_of(session=session, chat_id=chat_id)


def unlink_chat(*, session: Session, chat_id: int) -> bool:
    """Forget this chat's link; whether there was one."""
    removed = session.execute(delete(TelegramLink).where(TelegramLink.chat_id == chat_id)).rowcount
    session.commit()
    return bool(removed)


def unlink_user(*, session: Session, user_id: int) -> None:
    """Forget the user's chat (they blocked the bot, or unlinked from the web)."""
    session.execute(delete(TelegramLink).where(TelegramLink.user_id == user_id))


def unlink_account(*, session: Session, user_id: int) -> None:
    """Cuenta's «Desvincular»: forget the user's chat."""
    unlink_user(session=session, user_id=user_id)
    session.commit()


def owner_of(*, session: Session, chat_id: int) -> ChatOwner:
    """Who this chat is linked to; Unauthorized (explaining how to link) when nobody."""
    row = session.execute(
        select(User.id, User.company_id, User.email)
        .join(TelegramLink, TelegramLink.user_id == User.id)
        .where(TelegramLink.chat_id == chat_id)
    ).first()
    if row is None:
        raise Unauthorized(NOT_LINKED)
    return ChatOwner(*row)


def is_linked(*, session: Session, user_id: int) -> bool:
    """Whether the user has a linked chat."""
    found = session.execute(select(TelegramLink.chat_id).where(TelegramLink.user_id == user_id)).first()
    return found is not None
