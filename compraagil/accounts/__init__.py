"""Accounts: users, sessions, passwords, emailed links, companies and their members, staff admin."""
