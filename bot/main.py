"""Bot entry point: long polling in development; with TELEGRAM_WEBHOOK_SECRET (production) the updates
Telegram posts to the web app's webhook (`bot.webhook`). Without TELEGRAM_TOKEN it says so and exits.

python -m bot.main
"""

import asyncio
import logging

from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot import webhook
from bot.handlers import buttons, commands, errors
from compraagil.config import get_settings
from compraagil.logs import configure_logging

log = logging.getLogger(__name__)

COMMANDS = {
    "start": commands.start,
    "buscar": commands.search,
    "precio": commands.price,
    "alertas": commands.alerts,
    "plan": commands.plan,
    "ayuda": commands.help_command,
    "desvincular": commands.unlink,
}


def build_application(token: str, *, api_url: str, polling: bool = True) -> Application:
    """The bot with every handler, talking to the Bot API at `api_url` (without an Updater when
    updates come by webhook)."""
    builder = (
        Application.builder()
        .token(token)
        .base_url(f"{api_url.rstrip('/')}/bot")
        .base_file_url(f"{api_url.rstrip('/')}/file/bot")
    )
    application = (builder if polling else builder.updater(None)).build()
    for name, handler in COMMANDS.items():
        application.add_handler(CommandHandler(name, handler))
    application.add_handler(CallbackQueryHandler(buttons.pressed, pattern=buttons.PATTERN))
    application.add_error_handler(errors.reply_with_error)
    return application


def main() -> None:
    configure_logging("bot")
    settings = get_settings()
    if not settings.telegram_token:
        log.warning("TELEGRAM_TOKEN is not set: the bot is not started")
        return
    secret = settings.telegram_webhook_secret
    application = build_application(
        settings.telegram_token, api_url=settings.telegram_api_url, polling=not secret
    )
    if secret:
        asyncio.run(webhook.serve(application, secret=secret))
    else:
        application.run_polling()


if __name__ == "__main__":
    main()
