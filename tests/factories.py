"""Test data builders shared by test modules: accounts, API keys, a small COT history."""

from pathlib import Path

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
