"""Telegram, framework-free: linking chats to users, what the bot answers, and pushing alerts."""
