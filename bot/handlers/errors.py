"""The bot's one translation of errors: a core error's message as the reply (a quota refusal with a
link to the plans), anything else logged."""

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot import texts
from bot.replies import markup
from compraagil.errors import CompraAgilError, QuotaExceeded
from compraagil.telegram.replies import Reply, plans_button

log = logging.getLogger(__name__)


async def reply_with_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Error handler: tell the person what went wrong (in Spanish) when there is someone to tell."""
    error = context.error
    if not isinstance(error, CompraAgilError):
        log.error("bot handler failed", exc_info=error)
    if isinstance(update, Update) and update.effective_message:
        text = error.message if isinstance(error, CompraAgilError) else texts.FAILED
        buttons = [[plans_button()]] if isinstance(error, QuotaExceeded) else []
        await update.effective_message.reply_text(text, reply_markup=markup(Reply(text, buttons)))
