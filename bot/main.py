"""Bot entry point: long polling when TELEGRAM_TOKEN is set; otherwise it says so and exits.

python -m bot.main
"""

import logging

from telegram.ext import Application, CommandHandler

from bot.handlers import errors, welcome
from compraagil.config import get_settings
from compraagil.logs import configure_logging

log = logging.getLogger(__name__)


def build_application(token: str) -> Application:
    application = Application.builder().token(token).build()
    application.add_handler(CommandHandler("start", welcome.start))
    application.add_handler(CommandHandler("ayuda", welcome.help_command))
    application.add_error_handler(errors.reply_with_error)
    return application


def main() -> None:
    configure_logging("bot")
    token = get_settings().telegram_token
    if not token:
        log.warning("TELEGRAM_TOKEN is not set: the bot is not started")
        return
    build_application(token).run_polling()


if __name__ == "__main__":
    main()
