"""Keep every tender's embedding current: tenders without one for the model, or whose text changed
since (its digest differs), are embedded in batches. Each distinct text is embedded once
(`text_embeddings`); a tender whose text is known already only records it. Resumable: each batch is
committed, so a run stopped halfway goes on from where it stopped."""

import hashlib
from collections.abc import Callable

from sqlalchemy import text
from sqlmodel import Session

from compraagil.embeddings.providers import Embedder

BATCH = 100
"""Texts per call of the model, each batch committed (Gemini takes at most 100 a request)."""
CHUNK = 4096
"""Pending tenders read per query (finding them reads every tender: done once per chunk)."""
DESCRIPTION_CHARS = 300
"""How much of a description stands in for the items when a tender lists none."""

TENDER_TEXT = f"""
concat_ws('. ', t.name, coalesce(nullif(t.items_text, ''), left(t.description, {DESCRIPTION_CHARS})))
"""
"""What a tender is about: its name and what it asks for. Descriptions are mostly boilerplate («se
requiere … para el Cesfam») that pulls unrelated tenders together: the start of one is used only
when no items are listed."""

STALE = f"""
    FROM tenders t LEFT JOIN tender_embeddings e ON e.tender_id = t.id AND e.model = :model
    WHERE e.tender_id IS NULL
       OR (e.embedded_at < t.updated_at AND e.text_digest <> md5({TENDER_TEXT}))
"""
"""Tenders without an embedding of the model, or changed since theirs was made and with another
text now (both importers move `updated_at` only when a tender really changed)."""
PENDING = text(f"SELECT t.id, {TENDER_TEXT} AS body {STALE} ORDER BY t.id DESC LIMIT :limit")
"""Newest first: what people are looking at now is embedded before the history."""
COUNT_PENDING = text(f"SELECT count(*) {STALE}")
KNOWN = text("SELECT text_digest FROM text_embeddings WHERE model = :model AND text_digest = ANY(:digests)")
SAVE_TEXTS = text(
    """
    INSERT INTO text_embeddings (model, text_digest, embedding)
    VALUES (:model, :digest, CAST(:embedding AS vector))
    ON CONFLICT (model, text_digest) DO NOTHING
    """
)
SAVE_TENDERS = text(
    """
    INSERT INTO tender_embeddings (tender_id, model, text_digest)
    VALUES (:tender_id, :model, :digest)
    ON CONFLICT (tender_id, model) DO UPDATE SET text_digest = excluded.text_digest, embedded_at = now()
    """
)


def vector_literal(vector) -> str:
    """A vector as pgvector reads it: «[0.1,-0.2,…]» (6 significant digits, plenty for cosine)."""
    return "[" + ",".join(f"{value:.6g}" for value in vector) + "]"


def digest(body: str) -> str:
    """The md5 of a tender's text, as PostgreSQL's md5() writes it."""
    return hashlib.md5(body.encode()).hexdigest()


def count_pending(*, session: Session, embedder: Embedder) -> int:
    """Tenders whose embedding is missing or stale."""
    return session.execute(COUNT_PENDING, {"model": embedder.model}).scalar_one()


def embed_pending(
    *,
    session: Session,
    embedder: Embedder,
    limit: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Embed the tenders whose embedding is missing or stale (up to `limit`), newest first; returns
    how many. Each batch is committed as it is done."""
    done = 0
    while limit is None or done < limit:
        wanted = CHUNK if limit is None else min(CHUNK, limit - done)
        rows = session.execute(PENDING, {"model": embedder.model, "limit": wanted}).all()
        if not rows:
            break
        for start in range(0, len(rows), BATCH):
            _save(session, embedder, rows[start : start + BATCH])
            done += len(rows[start : start + BATCH])
            if progress:
                progress(done)
    return done


def _save(session: Session, embedder: Embedder, rows: list) -> None:
    """Embed the batch's texts not embedded yet (each once), then record every tender's text."""
    bodies = {digest(body): body for _, body in rows}
    known = set(session.execute(KNOWN, {"model": embedder.model, "digests": list(bodies)}).scalars())
    new = {key: body for key, body in bodies.items() if key not in known}
    if new:
        vectors = embedder.embed(list(new.values()))
        session.execute(
            SAVE_TEXTS,
            [
                {"model": embedder.model, "digest": key, "embedding": vector_literal(vector)}
                for key, vector in zip(new, vectors, strict=True)
            ],
        )
    session.execute(
        SAVE_TENDERS,
        [
            {"tender_id": tender_id, "model": embedder.model, "digest": digest(body)}
            for tender_id, body in rows
        ],
    )
    session.commit()
