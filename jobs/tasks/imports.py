"""Import jobs: a file, a named month, the newest published month, the API v2 sync, and the prices'
catch-up."""

from datetime import UTC, datetime
from pathlib import Path

from compraagil.ingest.api_v2.sync import parse_since, sync_from_settings
from compraagil.ingest.cot.download import parse_month
from compraagil.ingest.cot.importer import import_cot_file
from compraagil.ingest.cot.months import import_latest_month, import_month
from compraagil.pricing import history


def import_file(path: str) -> str:
    """Import a COT file already on this machine; returns the run's summary line."""
    return import_cot_file(Path(path)).line()


def import_named_month(month: str) -> str:
    """Download and import `YYYY-MM`."""
    return import_month(parse_month(month)).line()


def import_newest_month() -> str:
    """The monthly job: the newest month ChileCompra has published."""
    return import_latest_month(datetime.now(UTC).date()).line()


def sync_api(since: str | None = None) -> str:
    """The half-hourly job: bring processes changed since the last sync (or since `AAAA-MM-DD`) up
    to date; without MERCADOPUBLICO_TICKET it fails with the same message as the CLI."""
    return sync_from_settings(since=parse_since(since) if since else None).line()


def refresh_prices() -> str:
    """Every five minutes: rebuild the months of prices an import marked and could not rebuild."""
    refreshed = history.catch_up()
    return f"price months rebuilt: {refreshed.months} in {refreshed.seconds:.1f} s"
