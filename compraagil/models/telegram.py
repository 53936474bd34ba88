"""Telegram chats linked to users."""

from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from compraagil.models.columns import now_column


class TelegramLink(SQLModel, table=True):
    """A user's Telegram chat (one each way): where the bot answers them and pushes their alerts."""

    __tablename__ = "telegram_links"

    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    )
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, unique=True))
    linked_at: datetime | None = Field(default=None, sa_column=now_column())
