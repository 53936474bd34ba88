"""Import whole months of COT open data, by name, from ChileCompra's server."""

import tempfile
from datetime import date
from pathlib import Path

from compraagil.chile.dates import add_months
from compraagil.ingest.cot.download import MonthNotPublished, download_month, month_url
from compraagil.ingest.cot.importer import Progress, import_cot_file
from compraagil.ingest.runs import ImportSummary

PUBLICATION_LAG_MONTHS = 3
"""Months are published one to two months late; look this far back for the newest."""


def import_month(month: date, *, progress: Progress | None = None) -> ImportSummary:
    """Download `COT_<YYYY-MM>.zip` to a temporary folder and import it."""
    with tempfile.TemporaryDirectory(prefix="cot-") as directory:
        path = download_month(month, Path(directory))
        return import_cot_file(path, kind="cot_month", source=month_url(month), progress=progress)


def import_latest_month(today: date) -> ImportSummary:
    """Import the newest published month (the last one, or the one before, ...)."""
    missing = []
    for month in (add_months(today, -back) for back in range(1, PUBLICATION_LAG_MONTHS + 1)):
        try:
            return import_month(month)
        except MonthNotPublished as error:
            missing.append(str(error))
    raise MonthNotPublished("; ".join(missing))
