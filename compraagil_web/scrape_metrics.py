"""Figures read from the shared stores when Prometheus scrapes /metrics (the same from any process):
jobs by queue and state, the newest backup's time, the free share of the data disk, and the business (MRR, subscriptions, the last
30 days' new and ended subscriptions, failed payments, conversion after a quota refusal)."""

import shutil
from datetime import UTC, datetime

from compraagil.backups.service import newest_backup_time
from compraagil.config import get_settings
from compraagil.db import session_scope
from compraagil.metrics import read_at_scrape
from compraagil.payments.business import BusinessFigures, business_figures
from jobs.queues import queue_figures


def _business() -> BusinessFigures:
    with session_scope() as session:
        return business_figures(session=session, now=datetime.now(UTC))


def _last_30_days() -> dict[tuple, float]:
    figures = _business()
    return {
        ("new_subscriptions",): figures.new, ("ended_subscriptions",): figures.ended,
        ("failed_payments",): figures.failed_payments, ("refused_companies",): figures.refused_companies,
        ("converted_companies",): figures.converted_companies,
    }  # fmt: skip


def _disk_free() -> dict[tuple, float]:
    usage = shutil.disk_usage(get_settings().data_dir)
    return {(str(get_settings().data_dir),): usage.free / usage.total}


def register_scrape_metrics() -> None:
    read_at_scrape("compraagil_jobs", "Background jobs by queue and state", ["queue", "state"], queue_figures)
    read_at_scrape(
        "compraagil_backup_last_taken_timestamp_seconds",
        "When the newest backup was taken (its manifest's time)",
        [],
        lambda: {(): taken} if (taken := newest_backup_time()) else {},
    )
    read_at_scrape(
        "compraagil_disk_free_ratio", "Free share of the disk holding DATA_DIR", ["path"], _disk_free
    )
    read_at_scrape(
        "compraagil_mrr_clp",
        "Monthly recurring revenue of paid subscriptions (CLP, IVA included)",
        ["plan"],
        lambda: {(plan,): amount for plan, amount in _business().mrr_by_plan.items()},
    )
    read_at_scrape(
        "compraagil_subscriptions",
        "Paid subscriptions running, by plan and status",
        ["plan", "status"],
        lambda: dict(_business().subscriptions_by_plan),
    )
    read_at_scrape(
        "compraagil_business_30d",
        "Last 30 days: new and ended subscriptions, failed payments, companies a plan limit refused and"
        " those of them that paid after",
        ["figure"],
        _last_30_days,
    )
