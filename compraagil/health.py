"""Liveness of what the product depends on: the database and Redis."""

from dataclasses import asdict, dataclass

from sqlalchemy import text

from compraagil.db import get_engine
from compraagil.redis_client import get_redis


@dataclass(frozen=True)
class HealthReport:
    """Each dependency's status: `ok` or the error that was seen."""

    database: str
    redis: str

    @property
    def healthy(self) -> bool:
        """The app can serve while the database answers; Redis down only degrades it."""
        return self.database == "ok"

    def as_dict(self) -> dict:
        return {"status": "ok" if self.healthy else "error", **asdict(self)}


def _describe(error: Exception) -> str:
    return (
        f"error: {type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
    )


def check_health() -> HealthReport:
    """Ping the database and Redis once each."""
    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
        database = "ok"
    except Exception as error:  # any failure is a status to report, not to raise
        database = _describe(error)
    try:
        get_redis().ping()
        cache = "ok"
    except Exception as error:
        cache = _describe(error)
    return HealthReport(database=database, redis=cache)
