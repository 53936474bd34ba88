"""Email: sending through SMTP_URL, and a local SMTP server for development and tests."""
