"""Run a core command off the event loop and send its Reply as a Telegram message."""

import asyncio
from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from compraagil.db import session_scope
from compraagil.telegram.replies import Reply


def markup(reply: Reply) -> InlineKeyboardMarkup | None:
    """The reply's buttons as an inline keyboard (None when it has none)."""
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, url=b.url, callback_data=b.callback) for b in row]
            for row in reply.buttons
        ]
    )


def _run(command: Callable[..., Reply], kwargs: dict) -> Reply:
    with session_scope() as session:
        return command(session=session, **kwargs)


async def answer(update: Update, command: Callable[..., Reply], **kwargs) -> Message:
    """Call `command(session=…, chat_id=<this chat>, **kwargs)` in a thread and reply with its result."""
    reply = await asyncio.to_thread(_run, command, {"chat_id": update.effective_chat.id, **kwargs})
    return await update.effective_message.reply_text(reply.text, reply_markup=markup(reply))
