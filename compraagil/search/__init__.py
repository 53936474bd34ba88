"""Tender search: Spanish full text plus fuzzy matching, with filters and sorting."""
