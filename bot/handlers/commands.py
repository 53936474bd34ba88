"""The slash commands: each parses its text and answers with one core command."""

from telegram import Update
from telegram.ext import ContextTypes

from bot.replies import answer
from compraagil.telegram import commands


def _text(context: ContextTypes.DEFAULT_TYPE) -> str:
    return " ".join(context.args or [])


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await answer(update, commands.start, token=_text(context))


async def unlink(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await answer(update, commands.unlink)


async def search(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await answer(update, commands.search, text=_text(context))


async def price(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await answer(update, commands.price, text=_text(context))


async def alerts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await answer(update, commands.alert_list)


async def plan(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await answer(update, commands.plan)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(commands.HELP)
