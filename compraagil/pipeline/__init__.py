"""Pipeline: the tenders a company follows, by status, moved to ganada/perdida by the history."""
