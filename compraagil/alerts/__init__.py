"""Alerts: saved searches matched against every import's new tenders, deadline reminders for the
pipeline, and their delivery to the inbox and by email."""
