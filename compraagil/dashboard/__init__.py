"""Figures for the home page."""
