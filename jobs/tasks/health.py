"""A job that proves the queue path end to end: it reports what the worker can reach."""

from compraagil.health import check_health


def health() -> dict:
    """The worker's view of the database and Redis."""
    return check_health().as_dict()
