"""Embeddings by Gemini (the local fake Gemini, tests/fakes/gemini.py) when GEMINI_API_KEY is set:
512-d unit vectors under the Gemini model's own name, at most 100 texts a request; the offline
model's rows stay as they were and are never compared with Gemini's; a 429 is waited out, a wrong
key fails the embedding job (RQ retries it later) instead of finishing it with another model."""

import time
from collections.abc import Iterator

import numpy as np
import pytest
from rq import SimpleWorker
from sqlalchemy import text

from compraagil.config import get_settings
from compraagil.db import session_scope
from compraagil.embeddings.providers import GeminiEmbedder, GeminiEmbeddingFailed, LocalEmbedder, get_embedder
from compraagil.embeddings.similar import similar_tenders
from compraagil.embeddings.store import count_pending
from compraagil.redis_client import get_redis
from jobs.queues import ML, enqueue_with_retry, get_queue
from tests.factories import LATEX_RECORD, LETTER_PAPER_RECORD, NITRILE_RECORD, embed, land, record
from tests.fakes.gemini import DIMENSIONS, FakeGemini, vector

MODEL = "gemini-embedding-001@512"
SCALE = 0.37
"""Gemini's reduced embeddings are not unit length: the fake's are shrunk by this much."""


class ReducedGemini(FakeGemini):
    """Gemini as it really answers below its full 3072 dimensions: vectors that are not unit length."""

    def _embedding(self, request: dict) -> dict:
        values = super()._embedding(request)["values"]
        if len(values) < DIMENSIONS:
            values = [value * SCALE for value in values]
        return {"values": values}


def use_gemini(monkeypatch: pytest.MonkeyPatch, fake: FakeGemini, key: str | None = None) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", key or fake.api_key)
    monkeypatch.setenv("GEMINI_API_URL", fake.url)
    get_settings.cache_clear()
    get_embedder.cache_clear()


@pytest.fixture
def gemini(services) -> Iterator[tuple[ReducedGemini, pytest.MonkeyPatch]]:
    """The fake Gemini and the environment (without a key yet) to point the settings at it; restored
    afterwards, and the cached settings and embedder forgotten."""
    with ReducedGemini() as fake, pytest.MonkeyPatch.context() as env:
        env.delenv("GEMINI_API_KEY", raising=False)
        env.delenv("GEMINI_API_URL", raising=False)
        get_settings.cache_clear()
        get_embedder.cache_clear()
        yield fake, env
    get_settings.cache_clear()
    get_embedder.cache_clear()


def stored(model: str) -> dict[str, tuple[str, str]]:
    """Each tender's codigo: its vector (as text) and when it was made, for `model`."""
    with session_scope() as session:
        rows = session.execute(
            text(
                "SELECT t.codigo, e.embedding::text, e.embedded_at::text FROM tender_vectors e"
                " JOIN tenders t ON t.id = e.tender_id WHERE e.model = :model"
            ),
            {"model": model},
        ).all()
    return {codigo: (embedding, at) for codigo, embedding, at in rows}


def test_without_a_key_the_offline_model_embeds_and_with_one_gemini(gemini):
    fake, env = gemini
    assert isinstance(get_embedder(), LocalEmbedder)
    use_gemini(env, fake)
    embedder = get_embedder()
    assert isinstance(embedder, GeminiEmbedder) and embedder.model == MODEL
    assert get_embedder() is embedder, "cached"
    assert fake.calls == [], "nothing is asked before there is something to embed"


def test_tenders_are_embedded_as_512_unit_vectors_at_most_100_a_request(gemini):
    fake, env = gemini
    land(*(record(f"3100-{n}-COT26", f"Artículo de prueba número {n}") for n in range(150)))
    use_gemini(env, fake)
    assert embed(get_embedder()) == 150

    calls = fake.called("batchEmbedContents")
    assert max(len(call.embedded_texts) for call in calls) == 100
    assert sum(len(call.embedded_texts) for call in calls) == 150
    assert {(call.version, call.model, call.api_key) for call in calls} == {
        ("v1beta", "gemini-embedding-001", fake.api_key)
    }
    requests = [request for call in calls for request in call.body["requests"]]
    assert {(r["taskType"], r["outputDimensionality"], r["model"]) for r in requests} == {
        ("SEMANTIC_SIMILARITY", 512, "models/gemini-embedding-001")
    }
    with session_scope() as session:
        dimensions, smallest, largest = session.execute(
            text(
                "SELECT min(vector_dims(embedding)), min(vector_norm(embedding)), max(vector_norm(embedding))"
                " FROM tender_vectors WHERE model = :model"
            ),
            {"model": MODEL},
        ).one()
        assert count_pending(session=session, embedder=get_embedder()) == 0
    assert dimensions == 512 and abs(smallest - 1) < 1e-3 and abs(largest - 1) < 1e-3, "normalised here"


def test_the_offline_rows_stay_and_similar_tenders_reads_only_geminis(gemini):
    fake, env = gemini
    land(NITRILE_RECORD, LATEX_RECORD, LETTER_PAPER_RECORD)
    embed(LocalEmbedder())
    offline = stored(LocalEmbedder.model)
    use_gemini(env, fake)
    later = record("3001-6-COT26", "Guantes de nitrilo talla L caja 100 unidades")
    land(later)
    assert embed(get_embedder()) == 4

    assert stored(LocalEmbedder.model) == offline, "the offline model's rows are left alone"
    assert len(stored(MODEL)) == 4
    with session_scope() as session:
        found = similar_tenders(
            session=session, embedder=get_embedder(), codigo=NITRILE_RECORD["codigo"], limit=10
        )
        assert similar_tenders(session=session, embedder=LocalEmbedder(), codigo=later["codigo"]) is None
    assert sorted(t.codigo for t in found) == sorted(
        r["codigo"] for r in (LATEX_RECORD, LETTER_PAPER_RECORD, later)
    )

    sent = {
        body.split(".")[0]: body for call in fake.called("batchEmbedContents") for body in call.embedded_texts
    }
    nitrile, latex = (np.array(vector(sent[r["nombre"]], 512)) for r in (NITRILE_RECORD, LATEX_RECORD))
    similarity = next(t.similarity for t in found if t.codigo == LATEX_RECORD["codigo"])
    assert similarity == pytest.approx(max(0.0, nitrile @ latex), abs=1e-3), (
        "Gemini's vectors, not the offline ones"
    )


def test_a_429_with_a_short_retry_delay_is_waited_out(gemini):
    fake, env = gemini
    land(NITRILE_RECORD, LATEX_RECORD)
    use_gemini(env, fake)
    fake.fail(429, retry_delay="1s", method="batchEmbedContents")
    started = time.monotonic()
    assert embed(get_embedder()) == 2
    first, second = fake.called("batchEmbedContents")
    assert second.at - first.at >= 1.0 and time.monotonic() - started < 5
    assert len(stored(MODEL)) == 2


def test_a_wrong_key_fails_clearly_and_stores_nothing(gemini):
    fake, env = gemini
    land(NITRILE_RECORD, LATEX_RECORD)
    use_gemini(env, fake, key="AIza-wrong")
    with pytest.raises(
        GeminiEmbeddingFailed, match=r"gemini-embedding-001.*400 INVALID_ARGUMENT \(API_KEY_INVALID\)"
    ):
        embed(get_embedder())
    assert len(fake.calls) == 1, "not retried"
    assert stored(MODEL) == {}


def test_the_embedding_job_fails_for_rq_to_retry_instead_of_using_the_offline_model(gemini, caplog):
    fake, env = gemini
    land(NITRILE_RECORD, LATEX_RECORD)
    use_gemini(env, fake)
    fake.fail(503, times=float("inf"), method="batchEmbedContents")
    job = enqueue_with_retry("jobs.tasks.ml.embed_tenders", ML)
    SimpleWorker([get_queue(ML)], connection=get_redis()).work(burst=True)
    job.refresh()
    assert (job.get_status(), job.retries_left) == ("scheduled", 2), "RQ tries it again later"
    assert (
        "GeminiEmbeddingFailed: Gemini (gemini-embedding-001) could not embed 2 texts: Gemini answered 503 UNAVAILABLE"
        in caplog.text
    )
    with session_scope() as session:
        assert session.execute(text("SELECT count(*) FROM tender_embeddings")).scalar_one() == 0
