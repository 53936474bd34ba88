"""Checks that configured servers answer, failing fast with a message that names the variable."""

import psycopg
import redis
from sqlalchemy.engine import make_url

from compraagil.db import libpq_url, sqlalchemy_url
from compraagil.errors import ConfigurationError

CONNECT_TIMEOUT_SECONDS = 5


def _redacted(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def check_database(url: str) -> str:
    """Connect once to DATABASE_URL; return it in SQLAlchemy form or raise ConfigurationError."""
    url = sqlalchemy_url(url)
    try:
        with psycopg.connect(libpq_url(url), connect_timeout=CONNECT_TIMEOUT_SECONDS):
            pass
    except (psycopg.Error, ValueError) as error:
        raise ConfigurationError(
            f"DATABASE_URL: no se puede conectar a {_redacted(url)}: {_first_line(error)}"
        ) from None
    return url


def check_redis(url: str) -> str:
    """Ping REDIS_URL once; return it or raise ConfigurationError."""
    try:
        redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS).ping()
    except (redis.RedisError, ValueError) as error:
        raise ConfigurationError(
            f"REDIS_URL: no se puede conectar a {_redacted(url)}: {_first_line(error)}"
        ) from None
    return url
