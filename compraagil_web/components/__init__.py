"""Reusable pieces of the web app's look."""
