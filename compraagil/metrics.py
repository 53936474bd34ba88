"""Prometheus metrics (compraagil_* names, base units, no per-user labels)."""

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

HTTP_REQUESTS = Counter(
    "compraagil_http_requests_total", "HTTP requests served by the API routes", ["route", "status"]
)
IMPORT_ROWS = Counter(
    "compraagil_import_rows_total", "Rows handled by imports, by outcome", ["source", "outcome"]
)
CACHE_REQUESTS = Counter(
    "compraagil_cache_requests_total",
    "Cache lookups by kind and result (hit, miss, skipped)",
    ["kind", "result"],
)
JOB_SECONDS = Histogram("compraagil_job_duration_seconds", "Duration of background jobs", ["job"])
ALERT_MATCHES = Counter("compraagil_alert_matches_total", "Notices created by alerts matching new tenders")
ALERT_DELIVERIES = Counter(
    "compraagil_alert_deliveries_total",
    "Alert and reminder deliveries by channel and outcome (sent, failed, skipped)",
    ["channel", "outcome"],
)


def render() -> tuple[bytes, str]:
    """The current metrics in the Prometheus text format, and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST
