"""/start and /ayuda."""

from telegram import Update
from telegram.ext import ContextTypes

from bot import texts
from compraagil.config import get_settings


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(texts.WELCOME.format(url=get_settings().public_url))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(texts.HELP)
