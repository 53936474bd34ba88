"""ML jobs: tenders' embeddings kept current after every import, and every few minutes for imports
made where no worker steps run (the CLI), the newly embedded open tenders matched against the
semantic alerts; the win model trained each month (or when missing) and the history it scores with
refreshed after every import."""

from compraagil import after_import
from compraagil.alerts import semantic
from compraagil.db import session_scope
from compraagil.embeddings.providers import get_embedder
from compraagil.embeddings.store import count_pending, embed_pending
from compraagil.ingest.runs import ImportCounts
from compraagil.redis_client import get_redis
from compraagil.scoring.training import refresh_context, state, train_and_keep
from jobs.queues import ML, enqueue_with_retry
from jobs.tasks.alerts import deliver_instant_when_due

EMBEDDING_LOCK = "compraagil:lock:embed-tenders"
"""Held while a job embeds: with several workers, the periodic job and the one a backfill chains
would otherwise embed the same newest tenders side by side."""
EMBEDDING_LOCK_SECONDS = 600
"""How long a killed worker's lock outlives it."""
JOB_LIMIT = 512
"""Tenders one job embeds (a few seconds) before handing over to a new job: a worker is never held
long by a backfill while alerts and exports wait (their queues come first)."""


def embed_tenders() -> str:
    """Embed up to JOB_LIMIT tenders whose embedding is missing or stale, newest first, and match the
    open ones against the semantic alerts; enqueue the next job when more remain. A job that finds
    another one embedding leaves the work to it."""
    lock = get_redis().lock(EMBEDDING_LOCK, timeout=EMBEDDING_LOCK_SECONDS)
    if not lock.acquire(blocking=False):
        return "otro trabajador ya está calculando embeddings"
    try:
        return _embed_tenders()
    finally:
        lock.release()


def _embed_tenders() -> str:
    embedder = get_embedder()
    with session_scope() as session:
        done = embed_pending(session=session, embedder=embedder, limit=JOB_LIMIT)
        more = count_pending(session=session, embedder=embedder) if done == JOB_LIMIT else 0
        notices = semantic.match_new_tenders(session=session, embedder=embedder)
    if more:
        enqueue_with_retry("jobs.tasks.ml.embed_tenders", ML)
    if notices:
        deliver_instant_when_due()
    return (
        f"{done} Compras Ágiles con embedding nuevo ({embedder.model}); faltan {more};"
        f" {notices} avisos de alertas por significado"
    )


def keep_win_model_current() -> str:
    """Train a new win model when none is a month old; otherwise refresh the history it scores with."""
    with session_scope() as session:
        now = state(session)
    if now.missing or now.stale:
        row = train_and_keep()
        return f"modelo de probabilidad {row.version}: AUC {row.metrics['auc']:.3f}"
    refresh_context()
    return "historial del modelo de probabilidad actualizado"


def ensure_win_model() -> str:
    """Every few minutes: only when there is no model yet, or its history snapshot is empty."""
    with session_scope() as session:
        now = state(session)
    if now.missing or now.empty:
        return keep_win_model_current()
    return "nada que hacer"


def embed_after_import(counts: ImportCounts) -> None:
    """The «after import» step: enqueue the embedding and the win model's history (the `ml` queue)."""
    enqueue_with_retry("jobs.tasks.ml.embed_tenders", ML)
    enqueue_with_retry("jobs.tasks.ml.keep_win_model_current", ML)


def register_after_import() -> None:
    """Register this module's «after import» step (the worker calls it at start-up)."""
    after_import.register(embed_after_import)
