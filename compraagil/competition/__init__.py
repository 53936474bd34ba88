"""Market insight: who buys what from whom, and how suppliers fare."""
