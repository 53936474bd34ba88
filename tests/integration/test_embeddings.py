"""Embeddings with the real offline model: every tender embedded once, again only when its text
changes, per model (another model's vectors are never mixed in); the tenders most like one are the
ones about the same thing, open ones first; a landed import enqueues the `ml` job that embeds it."""

import copy

import numpy as np
from rq import SimpleWorker
from sqlalchemy import text

from compraagil import after_import
from compraagil.db import session_scope
from compraagil.embeddings.providers import LocalEmbedder
from compraagil.embeddings.similar import similar_tenders
from compraagil.embeddings.store import count_pending
from compraagil.redis_client import get_redis
from jobs.queues import ML, get_queue
from jobs.tasks import ml
from jobs.tasks.ml import register_after_import
from tests.factories import LATEX_RECORD, LETTER_PAPER_RECORD, NITRILE_RECORD, embed, land, record

NOTEBOOK = record("3001-4-COT26", "Notebook 14 pulgadas 16 GB RAM")
CLOSED = record("3001-5-COT26", "Guantes de vinilo desechables")
CLOSED["estado"] = {"codigo": "cerrada", "glosa": "Cerrada"}


class ConstantEmbedder:
    """Another model: every text the same vector."""

    model = "constante"

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.tile(np.eye(1, 512, dtype=np.float32), (len(texts), 1))


def test_each_tender_is_embedded_once_and_again_when_its_text_changes(services):
    land(NITRILE_RECORD, LATEX_RECORD, LETTER_PAPER_RECORD)
    assert embed() == 3
    assert embed() == 0
    renamed = copy.deepcopy(LETTER_PAPER_RECORD)
    renamed["nombre"] = "Resmas de papel tamaño oficio"
    renamed["fechas"]["fecha_ultimo_cambio"] = "2026-12-06T10:00:00-03:00"
    land(renamed)
    with session_scope() as session:
        assert count_pending(session=session, embedder=LocalEmbedder()) == 1
    assert embed() == 1
    with session_scope() as session:
        norms = session.execute(text("SELECT vector_norm(embedding) FROM tender_vectors")).scalars().all()
    assert len(norms) == 3 and all(abs(norm - 1) < 1e-3 for norm in norms), "unit vectors"


class CountingEmbedder(LocalEmbedder):
    """The offline model, counting the texts it was given."""

    texts = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        CountingEmbedder.texts += len(texts)
        return super().embed(texts)


def test_tenders_with_the_same_text_share_one_vector_embedded_once(services):
    twin = {**copy.deepcopy(NITRILE_RECORD), "codigo": "3001-9-COT26"}
    land(NITRILE_RECORD, twin, LATEX_RECORD)
    assert embed(CountingEmbedder()) == 3
    assert CountingEmbedder.texts == 2, "the twins' text once"
    with session_scope() as session:
        assert session.execute(text("SELECT count(*) FROM text_embeddings")).scalar_one() == 2
        found = similar_tenders(
            session=session, embedder=LocalEmbedder(), codigo=NITRILE_RECORD["codigo"], limit=2
        )
    assert [(t.codigo, round(t.similarity, 3)) for t in found[:1]] == [(twin["codigo"], 1.0)]


def test_the_most_similar_tenders_are_about_the_same_thing_open_first(services):
    land(NITRILE_RECORD, LATEX_RECORD, LETTER_PAPER_RECORD, NOTEBOOK, CLOSED)
    embed()
    embed(ConstantEmbedder())
    with session_scope() as session:
        found = similar_tenders(
            session=session, embedder=LocalEmbedder(), codigo=NITRILE_RECORD["codigo"], limit=4
        )
    assert [t.codigo for t in found[:1]] == [LATEX_RECORD["codigo"]]
    assert [t.open for t in found] == [True, True, True, False]
    assert found[-1].codigo == CLOSED["codigo"]
    assert found[0].similarity > next(t.similarity for t in found if t.codigo == NOTEBOOK["codigo"])
    with session_scope() as session:
        assert similar_tenders(session=session, embedder=LocalEmbedder(), codigo="9-9-COT26") is None
        others = similar_tenders(
            session=session, embedder=ConstantEmbedder(), codigo=NITRILE_RECORD["codigo"], limit=10
        )
    assert len(others) == 4, "each model's vectors only"


def test_one_worker_embeds_at_a_time(services):
    land(NITRILE_RECORD, LATEX_RECORD)
    held = get_redis().lock(ml.EMBEDDING_LOCK, timeout=60)
    assert held.acquire(blocking=False)
    try:
        assert ml.embed_tenders() == "otro trabajador ya está calculando embeddings"
        with session_scope() as session:
            assert count_pending(session=session, embedder=LocalEmbedder()) == 2
    finally:
        held.release()
    assert ml.embed_tenders().startswith("2 Compras Ágiles con embedding nuevo")


def test_a_landed_import_enqueues_the_job_that_embeds_it(services, monkeypatch):
    monkeypatch.setattr(after_import, "_steps", [])
    register_after_import()
    land(NITRILE_RECORD, LATEX_RECORD)
    queue = get_queue(ML)
    assert [job.func_name for job in queue.get_jobs()] == [
        "jobs.tasks.ml.embed_tenders",
        "jobs.tasks.ml.keep_win_model_current",  # the win model's history follows every import too
    ]
    SimpleWorker([queue], connection=get_redis()).work(burst=True)
    with session_scope() as session:
        assert count_pending(session=session, embedder=LocalEmbedder()) == 0
        assert session.execute(text("SELECT count(*) FROM tender_embeddings")).scalar_one() == 2
