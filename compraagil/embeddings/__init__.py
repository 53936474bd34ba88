"""Search by meaning: tenders' texts as vectors (an offline model by default), stored per model."""
