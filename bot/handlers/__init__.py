"""One module per bot feature."""
