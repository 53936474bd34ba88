"""Fetch a month's COT open-data zip (`COT_<YYYY-MM>.zip`), streamed to disk."""

import re
from datetime import date
from pathlib import Path

import httpx

from compraagil.config import get_settings
from compraagil.errors import NotFound

MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


class MonthNotPublished(NotFound):
    """ChileCompra has not published that month yet (it answers 404 until it does)."""


def parse_month(text: str) -> date:
    """`2026-03` → 2026-03-01; ValueError with the expected form otherwise."""
    match = MONTH.fullmatch(text.strip())
    if not match:
        raise ValueError(f"mes inválido «{text}»: se espera AAAA-MM, por ejemplo 2026-03")
    return date(int(match.group(1)), int(match.group(2)), 1)


def month_url(month: date) -> str:
    return f"{get_settings().cot_base_url.rstrip('/')}/COT_{month:%Y-%m}.zip"


def download_month(month: date, directory: Path) -> Path:
    """Download the month's zip into `directory`; MonthNotPublished on 404."""
    url = month_url(month)
    target = directory / f"COT_{month:%Y-%m}.zip"
    with httpx.stream("GET", url, timeout=httpx.Timeout(30.0, read=300.0), follow_redirects=True) as response:
        if response.status_code == 404:
            raise MonthNotPublished(f"COT_{month:%Y-%m} aún no está publicado ({url})")
        response.raise_for_status()
        with target.open("wb") as out:
            for chunk in response.iter_bytes(1 << 20):
                out.write(chunk)
    return target
