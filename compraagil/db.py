"""Database engine and sessions: DATABASE_URL, or the embedded server under the data folder."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import psycopg
from sqlalchemy import Engine, create_engine
from sqlmodel import Session

from compraagil.config import get_settings

SESSION_SETTINGS = {"timezone": "America/Santiago", "jit": "off", "plan_cache_mode": "force_custom_plan"}
"""Dates people type are Chilean calendar days, so comparisons with them happen in Santiago time.
JIT is off: compiling cost more than it saved on our analytical queries (price p95 at 10M rows:
740 ms with it, 489 ms without). Every plan is made for its parameters: psycopg prepares a query
run five times, and PostgreSQL's generic plan for it then ignores whether a region is given or how
broad a product is (price p95 at 1M rows: 251 ms with generic plans, see the README for without).
Sent as the connection's options; PgBouncer sets the same itself (`compraagil.scaled.pgbouncer`)."""
SESSION_OPTIONS = " ".join(f"-c {name}={value}" for name, value in SESSION_SETTINGS.items())


def sqlalchemy_url(url: str) -> str:
    """Make a PostgreSQL URL use the psycopg 3 driver (`postgresql://` → `postgresql+psycopg://`)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def libpq_url(url: str) -> str:
    """The same URL as libpq and psycopg understand it (no SQLAlchemy driver suffix)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def database_url() -> str:
    """DATABASE_URL when set; otherwise start (or attach to) the embedded server."""
    settings = get_settings()
    if settings.database_url:
        return sqlalchemy_url(settings.database_url)
    from compraagil.devservices import start_postgres

    return start_postgres(settings.data_dir / "postgres").url


@lru_cache
def get_engine() -> Engine:
    """The process-wide engine (pooled, checked before use)."""
    return _engine(database_url())


@lru_cache
def get_read_engine() -> Engine:
    """The engine of READ_DATABASE_URL, the replica that serves search and price reads."""
    return _engine(sqlalchemy_url(get_settings().read_database_url))


def _engine(url: str) -> Engine:
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=5,
        connect_args={"connect_timeout": 5, "options": _session_options(), **_pooler_arguments()},
    )


def _pooler_arguments() -> dict:
    """Through PgBouncer in transaction mode, psycopg must not prepare statements: the next
    transaction may run on another server connection, which has never seen them."""
    return {"prepare_threshold": None} if get_settings().database_pooled else {}


def _session_options() -> str:
    """SESSION_OPTIONS, with the statement timeout of processes that have one (the web app)."""
    seconds = get_settings().statement_timeout_seconds
    return f"{SESSION_OPTIONS} -c statement_timeout={seconds}s" if seconds else SESSION_OPTIONS


def is_statement_timeout(error: BaseException) -> bool:
    """Whether `error` (or the driver error it wraps) is PostgreSQL stopping a query at its timeout."""
    cause = getattr(error, "orig", error)
    return isinstance(cause, psycopg.errors.QueryCanceled) and "statement timeout" in str(cause)


def reset_engine() -> None:
    """Close the pooled connections and build new engines on next use (after settings change)."""
    for engine in (get_engine, get_read_engine):
        if engine.cache_info().currsize:
            engine().dispose()
        engine.cache_clear()


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(get_engine()) as session:
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise


@contextmanager
def reading(session: Session) -> Iterator[Session]:
    """Where search and price reads run: a session on the replica when READ_DATABASE_URL names one
    (its data may be a moment behind the primary's), otherwise `session` itself."""
    if not get_settings().read_database_url:
        yield session
        return
    with Session(get_read_engine()) as replica:
        yield replica


@contextmanager
def connect() -> Iterator[psycopg.Connection]:
    """A plain psycopg connection for bulk work (autocommit; group statements with `conn.transaction()`)."""
    with psycopg.connect(
        libpq_url(database_url()), autocommit=True, options=SESSION_OPTIONS, **_pooler_arguments()
    ) as conn:
        yield conn
