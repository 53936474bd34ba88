"""Prometheus metrics (compraagil_* names, base units, no per-user labels).

The web app answers from several processes (Reflex's backend workers): with PROMETHEUS_MULTIPROC_DIR
(set by `make run` and compose for the web app) each process writes its counts to files there and
/metrics adds them all up. What the workers, the CLI and the bot count is kept in Redis instead
(`SHARED`), since their processes come and go."""

import logging
from collections.abc import Callable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from compraagil.config import get_settings
from compraagil.shared_metrics import SharedCounter, SharedHistogram

log = logging.getLogger(__name__)

MULTIPROCESS_DIR = get_settings().prometheus_multiproc_dir
if MULTIPROCESS_DIR:
    MULTIPROCESS_DIR.mkdir(parents=True, exist_ok=True)

HTTP_REQUESTS = Counter(
    "compraagil_http_requests_total", "HTTP requests served by the API routes", ["route", "method", "status"]
)
HTTP_SECONDS = Histogram(
    "compraagil_http_request_duration_seconds", "Time to answer the API routes", ["route", "method"]
)
PAGE_EVENTS = Counter(
    "compraagil_page_events_total", "Page events the web app received (`state.handler`)", ["event"]
)
PAGE_CALL_SECONDS = Histogram(
    "compraagil_page_call_duration_seconds",
    "Time a page event spent in its core calls (queries, analyses), by event",
    ["event"],
)
PAGE_CALL_ERRORS = Counter(
    "compraagil_page_call_errors_total",
    "Page events whose core call failed: `user` (a Spanish message for what was asked), `timeout`"
    " (stopped at the statement timeout) or `ours`",
    ["event", "kind"],
)
IMPORT_ROWS = SharedCounter(
    "compraagil_import_rows_total", "Rows handled by imports, by outcome", ["source", "outcome"]
)
CACHE_REQUESTS = Counter(
    "compraagil_cache_requests_total",
    "Cache lookups by kind and result (hit, miss, skipped)",
    ["kind", "result"],
)
QUOTA_REFUSALS = SharedCounter(
    "compraagil_quota_refusals_total", "Uses a plan refused (limit reached or not included)", ["feature"]
)
ALERT_MATCHES = SharedCounter(
    "compraagil_alert_matches_total", "Notices created by alerts matching new tenders"
)
ALERT_DELIVERIES = SharedCounter(
    "compraagil_alert_deliveries_total",
    "Alert and reminder deliveries by channel and outcome (sent, failed, skipped)",
    ["channel", "outcome"],
)
JOB_SECONDS = SharedHistogram(
    "compraagil_job_duration_seconds", "Time jobs took, by queue, task and outcome (ok, failed)",
    ["queue", "task", "outcome"],
)  # fmt: skip
SHARED = (IMPORT_ROWS, QUOTA_REFUSALS, ALERT_MATCHES, ALERT_DELIVERIES, JOB_SECONDS)
"""Counted in Redis (`compraagil.shared_metrics`): the workers, the CLI and the bot count them too."""


class ReadAtScrape:
    """A gauge family read from a shared store (PostgreSQL, Redis) when Prometheus scrapes, so it is
    the same whichever process or machine serves /metrics; empty (and logged) when the store is down."""

    def __init__(
        self, name: str, documentation: str, labels: list[str], read: Callable[[], dict[tuple, float]]
    ):
        self._name, self._documentation, self._labels, self._read = name, documentation, labels, read

    def collect(self):
        family = GaugeMetricFamily(self._name, self._documentation, labels=self._labels)
        try:
            figures = self._read()
        except Exception as error:  # a store down must not take /metrics (and the other figures) with it
            log.warning("metric not read", extra={"metric": self._name, "error": str(error)})
            figures = {}
        for values, number in figures.items():
            family.add_metric(list(values), number)
        yield family

    def describe(self):
        return [GaugeMetricFamily(self._name, self._documentation, labels=self._labels)]


_read_at_scrape: dict[str, ReadAtScrape] = {}


def read_at_scrape(
    name: str, documentation: str, labels: list[str], read: Callable[[], dict[tuple, float]]
) -> None:
    """Add a gauge family computed by `read` at each scrape (once per name)."""
    _read_at_scrape.setdefault(name, ReadAtScrape(name, documentation, labels, read))


def read_at_scrape_names() -> set[str]:
    return set(_read_at_scrape)


class _ThisProcess:
    """This process's own metrics (when there is one process to read)."""

    def collect(self):
        yield from REGISTRY.collect()


def render(*, local: bool = True, shared: bool = True) -> tuple[bytes, str]:
    """The current metrics in the Prometheus text format: this machine's web processes' counts
    (`local`; every process's, in multiprocess mode) and the figures kept in Redis and the database,
    the same from any machine (`shared`). With several web machines, Prometheus scrapes each one's
    local figures and the shared ones once, so sums do not count them once per machine."""
    registry = CollectorRegistry(auto_describe=False)
    if local and MULTIPROCESS_DIR:
        MultiProcessCollector(registry)
    elif local:
        registry.register(_ThisProcess())
    for collector in (*SHARED, *_read_at_scrape.values()) if shared else ():
        registry.register(collector)
    return generate_latest(registry), CONTENT_TYPE_LATEST
