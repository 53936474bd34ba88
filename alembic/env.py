"""Alembic environment: the URL comes from the core (DATABASE_URL or the embedded server)."""

from sqlalchemy import create_engine, pool
from sqlmodel import SQLModel

from alembic import context
from compraagil import models  # noqa: F401  (registers the tables)
from compraagil.db import database_url

target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    context.configure(url=database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = context.config.attributes.get("url") or database_url()
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
