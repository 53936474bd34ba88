"""Match the tenders an import run brought or really changed against every active alert.

A run's tenders are the open ones whose `updated_at` falls inside the run (from its start to its
end): both importers move `updated_at` only when a tender really changed (the API store compares
every value; the COT importer skips unchanged cotizaciones), so tenders merely re-read are never
matched again. Runs are found by what is not yet in `alert_run_checks`, so an import made from the
CLI, a lost job or a failed sync's landed windows are matched by the next job all the same.

Matching many alerts: the run's tenders (a batch of up to 1,000) go into a temporary table with its
own GIN index, and each text alert probes it with its stored tsquery (the one Buscar builds with
`websearch_to_tsquery('es_unaccent', …)`) — one statement per batch, a small index lookup per alert.
Semantic alerts are matched by `compraagil.alerts.semantic` once the tenders have vectors. Each
(alert, tender) becomes a notice at most once (a unique index): in the inbox at once when the
alert uses it, with the alert's push channels (email) pending for `delivery`.

Tenders a COT import left without search columns (see `compraagil.search.indexing`) get them
once a run is found and before it is matched, so a run is never matched while its tenders cannot be found.
"""

import logging
import time
from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session

from compraagil.metrics import ALERT_DELIVERIES, ALERT_MATCHES
from compraagil.search import indexing

log = logging.getLogger(__name__)

BATCH = 1000

PENDING_RUN = text(
    """
    SELECT r.id FROM import_runs r
    WHERE r.status <> 'running' AND NOT EXISTS (SELECT 1 FROM alert_run_checks c WHERE c.run_id = r.id)
    ORDER BY r.id LIMIT 1
    """
)

RUN_TENDERS = text(
    """
    SELECT t.id FROM tenders t, import_runs r
    WHERE r.id = :run_id AND t.state = 'publicada' AND t.closes_at > now()
      AND t.updated_at >= r.started_at AND t.updated_at <= coalesce(r.finished_at, now())
    ORDER BY t.id
    """
)

CANDIDATES = (
    """
    CREATE TEMP TABLE alert_candidates ON COMMIT DROP AS
    SELECT t.id, t.search_vector, t.region, t.amount_available, t.published_at, t.closes_at,
           fold(coalesce(b.organismo, '') || ' ' || coalesce(b.unit_name, '')) AS buyer_text
    FROM tenders t LEFT JOIN buyers b ON b.id = t.buyer_id
    WHERE t.id = ANY(:ids)
    """,
    "CREATE INDEX ON alert_candidates USING gin (search_vector)",
    "ANALYZE alert_candidates",
)

FILTERS = """
    (a.region IS NULL OR c.region = a.region)
    AND (a.organismo = '' OR strpos(c.buyer_text, fold(a.organismo)) > 0)
    AND (a.min_amount IS NULL OR c.amount_available >= a.min_amount)
    AND (a.max_amount IS NULL OR c.amount_available <= a.max_amount)
    AND (a.published_from IS NULL OR c.published_at >= a.published_from)
    AND (a.published_to IS NULL OR c.published_at < a.published_to + 1)
    AND (a.closes_from IS NULL OR c.closes_at >= a.closes_from)
    AND (a.closes_to IS NULL OR c.closes_at < a.closes_to + 1)
    AND (a.closes_within_days IS NULL OR c.closes_at <= now() + make_interval(days => a.closes_within_days))
"""
"""An alert's Buscar filters, as `compraagil.search.service` applies them, against a candidate."""

NOTICE = """noticed AS (
        INSERT INTO alert_notices (user_id, tender_id, kind, alert_id, in_inbox, pending)
        SELECT user_id, tender_id, 'alert', alert_id, 'inbox' = ANY(channels), array_remove(channels, 'inbox')
        FROM matched
        ON CONFLICT (alert_id, tender_id) WHERE alert_id IS NOT NULL DO NOTHING
        RETURNING in_inbox
    )"""
"""Each `matched` (alert, tender) as a notice, once: in the inbox at once, its push channels pending."""

MATCH = text(
    f"""
    WITH matched AS (
        SELECT a.id AS alert_id, a.user_id, a.channels, c.id AS tender_id
        FROM alerts a CROSS JOIN LATERAL (
            SELECT c.id FROM alert_candidates c WHERE c.search_vector @@ a.query AND {FILTERS}
        ) c
        WHERE a.active AND NOT a.semantic AND a.text <> ''
        UNION ALL
        SELECT a.id, a.user_id, a.channels, c.id FROM alerts a JOIN alert_candidates c ON {FILTERS}
        WHERE a.active AND NOT a.semantic AND a.text = ''
    ), {NOTICE}
    SELECT count(*), count(*) FILTER (WHERE in_inbox) FROM noticed
    """
)


@dataclass(frozen=True)
class RunMatch:
    run_id: int
    tenders: int
    notices: int
    seconds: float


def match_tenders(*, session: Session, tender_ids: list[int]) -> int:
    """Match these tenders against every active alert (in batches, each committed); returns new notices."""
    notices = 0
    for start in range(0, len(tender_ids), BATCH):
        for statement in CANDIDATES:
            session.execute(text(statement), {"ids": tender_ids[start : start + BATCH]})
        created, in_inbox = session.execute(MATCH).one()
        session.commit()
        notices += created
        ALERT_MATCHES.inc(created)
        ALERT_DELIVERIES.labels(channel="inbox", outcome="sent").inc(in_inbox)
    return notices


def match_run(*, session: Session, run_id: int) -> RunMatch:
    """Match one run's new and changed open tenders, then record the run as checked."""
    started = time.monotonic()
    tender_ids = list(session.execute(RUN_TENDERS, {"run_id": run_id}).scalars())
    notices = match_tenders(session=session, tender_ids=tender_ids)
    session.execute(
        text(
            "INSERT INTO alert_run_checks (run_id, tenders, notices) VALUES (:run_id, :tenders, :notices)"
            " ON CONFLICT (run_id) DO UPDATE SET notices = alert_run_checks.notices + excluded.notices"
        ),
        {"run_id": run_id, "tenders": len(tender_ids), "notices": notices},
    )
    session.commit()
    result = RunMatch(run_id, len(tender_ids), notices, time.monotonic() - started)
    log.info("alerts matched", extra=result.__dict__)
    return result


def match_pending_runs(*, session: Session) -> list[RunMatch]:
    """Match every finished run not matched yet, oldest first."""
    done = []
    while (run_id := session.execute(PENDING_RUN).scalar_one_or_none()) is not None:
        indexing.catch_up()  # after the run was found: its tenders are searchable
        done.append(match_run(session=session, run_id=run_id))
    return done
