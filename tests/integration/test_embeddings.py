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
from compraagil.embeddings.store import count_pending, embed_pending
from compraagil.ingest.api_v2.files import import_records
from compraagil.redis_client import get_redis
from jobs.queues import ML, get_queue
from jobs.tasks.ml import register_after_import
from tests.integration.test_alerts import record

NITRILE = record("3001-1-COT26", "Guantes de nitrilo talla M caja 100 unidades")
LATEX = record("3001-2-COT26", "Guantes quirúrgicos de látex estériles")
PAPER = record("3001-3-COT26", "Resmas de papel tamaño carta")
NOTEBOOK = record("3001-4-COT26", "Notebook 14 pulgadas 16 GB RAM")
CLOSED = record("3001-5-COT26", "Guantes de vinilo desechables")
CLOSED["estado"] = {"codigo": "cerrada", "glosa": "Cerrada"}


class ConstantEmbedder:
    """Another model: every text the same vector."""

    model = "constante"

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.tile(np.eye(1, 512, dtype=np.float32), (len(texts), 1))


def land(*records: dict) -> None:
    import_records([copy.deepcopy(r) for r in records], source="test")


def embed(embedder=None) -> int:
    with session_scope() as session:
        return embed_pending(session=session, embedder=embedder or LocalEmbedder())


def test_each_tender_is_embedded_once_and_again_when_its_text_changes(services):
    land(NITRILE, LATEX, PAPER)
    assert embed() == 3
    assert embed() == 0
    renamed = copy.deepcopy(PAPER)
    renamed["nombre"] = "Resmas de papel tamaño oficio"
    renamed["fechas"]["fecha_ultimo_cambio"] = "2026-12-06T10:00:00-03:00"
    land(renamed)
    with session_scope() as session:
        assert count_pending(session=session, embedder=LocalEmbedder()) == 1
    assert embed() == 1
    with session_scope() as session:
        norms = session.execute(text("SELECT vector_norm(embedding) FROM tender_embeddings")).scalars().all()
    assert len(norms) == 3 and all(abs(norm - 1) < 1e-3 for norm in norms), "unit vectors"


def test_the_most_similar_tenders_are_about_the_same_thing_open_first(services):
    land(NITRILE, LATEX, PAPER, NOTEBOOK, CLOSED)
    embed()
    embed(ConstantEmbedder())
    with session_scope() as session:
        found = similar_tenders(session=session, embedder=LocalEmbedder(), codigo=NITRILE["codigo"], limit=4)
    assert [t.codigo for t in found[:1]] == [LATEX["codigo"]]
    assert [t.open for t in found] == [True, True, True, False]
    assert found[-1].codigo == CLOSED["codigo"]
    assert found[0].similarity > next(t.similarity for t in found if t.codigo == NOTEBOOK["codigo"])
    with session_scope() as session:
        assert similar_tenders(session=session, embedder=LocalEmbedder(), codigo="9-9-COT26") is None
        others = similar_tenders(
            session=session, embedder=ConstantEmbedder(), codigo=NITRILE["codigo"], limit=10
        )
    assert len(others) == 4, "each model's vectors only"


def test_a_landed_import_enqueues_the_job_that_embeds_it(services, monkeypatch):
    monkeypatch.setattr(after_import, "_steps", [])
    register_after_import()
    land(NITRILE, LATEX)
    queue = get_queue(ML)
    assert [job.func_name for job in queue.get_jobs()] == [
        "jobs.tasks.ml.embed_tenders",
        "jobs.tasks.ml.keep_win_model_current",  # the win model's history follows every import too
    ]
    SimpleWorker([queue], connection=get_redis()).work(burst=True)
    with session_scope() as session:
        assert count_pending(session=session, embedder=LocalEmbedder()) == 0
        assert session.execute(text("SELECT count(*) FROM tender_embeddings")).scalar_one() == 2
