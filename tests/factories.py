"""Test data builders shared by test modules: accounts, API keys, a small COT history, the history's
monthly partitions."""

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from sqlalchemy import Connection, text

from compraagil.accounts.demo import create_account
from compraagil.api_keys.service import create_key
from compraagil.db import session_scope
from compraagil.ingest.cot.importer import import_cot_file
from tests.cot_files import header, row, write_csv

PASSWORD = "claves-y-candados-26"
PAPER_CODES = [f"2345-{number}-COT26" for number in range(1, 8)]
"""The Compras Ágiles of `paper_history`: one buyer, one supplier (78.167.575-K), seven processes."""


def account(email: str, plan: str = "PROFESIONAL") -> tuple[int, int]:
    """A verified owner of a new company on `plan`: (user id, company id)."""
    with session_scope() as session:
        user = create_account(session=session, email=email, password=PASSWORD, plan=plan, company=email)
        return user.id, user.company_id


def api_key(user_id: int, company_id: int, name: str = "ERP") -> str:
    """A new API key's secret."""
    with session_scope() as session:
        return create_key(session=session, user_id=user_id, company_id=company_id, name=name).secret


def paper_history(folder: Path) -> None:
    """Import seven Compras Ágiles of «Resma papel carta» (PAPER_CODES)."""
    lines = [
        row(CodigoCotizacion=codigo, NombreCotizacion=f"Resmas de papel carta lote {n}", ProductoCotizado="Resma papel carta")
        for n, codigo in enumerate(PAPER_CODES)
    ]  # fmt: skip
    import_cot_file(write_csv(folder / "cot.csv", [header(), *lines]))


HISTORY_TABLES = ("quotes", "quote_lines")


def ensure_month_partitions(conn: Connection, days: Iterable[date]) -> list[str]:
    """Create the partitions of `quotes` and `quote_lines` for the months of `days` that lack
    them; returns their names."""
    months = sorted({day.replace(day=1) for day in days})
    return [
        conn.execute(
            text("SELECT ensure_month_partition(:table, :month)"), {"table": table, "month": month}
        ).scalar_one()
        for month in months
        for table in HISTORY_TABLES
    ]
