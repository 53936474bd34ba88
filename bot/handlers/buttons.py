"""Inline button callbacks: «Guardar» a tender, pause or resume an alert, 👍/👎 on a pushed tender."""

from telegram import Update
from telegram.ext import ContextTypes

from bot.replies import answer
from compraagil.telegram import commands
from compraagil.telegram.replies import PAUSE, RESUME, SAVE, USEFUL, USELESS

PATTERN = rf"^({SAVE}|{PAUSE}|{RESUME}|{USEFUL}|{USELESS}):"


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer()
    action, _, value = update.callback_query.data.partition(":")
    if action == SAVE:
        await answer(update, commands.save, codigo=value)
    elif action in (USEFUL, USELESS):
        await answer(update, commands.judge, notice_id=int(value), useful=action == USEFUL)
    else:
        await answer(update, commands.set_alert_active, alert_id=int(value), active=action == RESUME)
