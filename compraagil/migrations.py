"""Run the Alembic migrations from code (the CLI, `make run` and the tests use this)."""

from alembic.config import Config

from alembic import command
from compraagil.config import PROJECT_ROOT


def _config(url: str | None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    if url:
        config.attributes["url"] = url
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Bring the schema up to `revision` (default: the newest)."""
    command.upgrade(_config(url), revision)


def downgrade(url: str | None = None, revision: str = "base") -> None:
    """Take the schema down to `revision` (default: empty)."""
    command.downgrade(_config(url), revision)
