"""The Telegram bot: a light companion to the web app."""
