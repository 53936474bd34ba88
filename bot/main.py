"""Bot entry point: long polling when TELEGRAM_TOKEN is set; otherwise it says so and exits.

python -m bot.main
"""

import logging

from telegram.ext import Application, CallbackQueryHandler, CommandHandler

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


def build_application(token: str, *, api_url: str) -> Application:
    """The bot with every handler, talking to the Bot API at `api_url`."""
    application = (
        Application.builder()
        .token(token)
        .base_url(f"{api_url.rstrip('/')}/bot")
        .base_file_url(f"{api_url.rstrip('/')}/file/bot")
        .build()
    )
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
    build_application(settings.telegram_token, api_url=settings.telegram_api_url).run_polling()


if __name__ == "__main__":
    main()
