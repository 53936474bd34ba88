"""Semantic alerts (PYME and up): an alert that watches by meaning instead of by words.

- **Seed**: the alert's text when it has one («insumos de aseo para hospitales»), otherwise the
  products the company quoted in the last year (by its RUT, the 20 it quoted most), embedded and
  averaged into one unit vector per embedding model.
- **Threshold**: tuned so a new alert is not a flood: the similarity of the tender ranked
  DAILY_CAP × CALIBRATION_DAYS among those published in the last CALIBRATION_DAYS days, so over the
  last month it would have sent about DAILY_CAP a day; never below FLOOR.
- **Learning**: each 👍/👎 on a delivered tender moves the vector by Rocchio's rule, from the seed:
  ALPHA·seed + BETA·mean(👍 tenders) − GAMMA·mean(👎 tenders), normalised.
- **Matching**: tenders get their vectors after an import (the `ml` job), so semantic alerts are
  matched there, on the open tenders embedded since the last check, with the same filters and
  notices as keyword alerts (`compraagil.alerts.matching`).
"""

import json
import logging

import numpy as np
from sqlalchemy import text
from sqlmodel import Session

from compraagil.alerts.matching import CANDIDATES, FILTERS, NOTICE
from compraagil.embeddings.providers import Embedder
from compraagil.embeddings.store import vector_literal
from compraagil.errors import InvalidInput, NotFound
from compraagil.metrics import ALERT_DELIVERIES, ALERT_MATCHES
from compraagil.models import Alert, Company

log = logging.getLogger(__name__)

SEED_PRODUCTS = 20
DAILY_CAP = 5
CALIBRATION_DAYS = 30
FLOOR = 0.30
"""The lowest threshold: below it the offline model calls unrelated tenders alike."""
ALPHA, BETA, GAMMA = 1.0, 0.75, 0.25
"""Rocchio's weights (the classic ones): the seed, the 👍 tenders, the 👎 tenders."""
RECHECK_MARGIN = "10 minutes"
"""Tenders embedded this long before the last check are matched again (batches commit out of
order; a notice is never made twice)."""

QUOTED_PRODUCTS = text(
    """
    SELECT p.name FROM quote_lines l JOIN products p ON p.id = l.product_id
    WHERE l.supplier_id = (SELECT id FROM suppliers WHERE rut = :rut)
      AND l.closing_date >= current_date - 365
    GROUP BY p.name ORDER BY count(*) DESC, p.name LIMIT :limit
    """
)
CALIBRATION = text(
    f"""
    SELECT 1 - (x.embedding <=> CAST(:vector AS vector)) FROM text_embeddings x
    JOIN tender_embeddings e ON e.model = x.model AND e.text_digest = x.text_digest
    JOIN tenders t ON t.id = e.tender_id
    WHERE x.model = :model AND t.published_at >= now() - interval '{CALIBRATION_DAYS} days'
    ORDER BY x.embedding <=> CAST(:vector AS vector)
    LIMIT 1 OFFSET :rank
    """
)
SAVE = text(
    """
    INSERT INTO alert_vectors (alert_id, model, seed, vector, threshold, seeded_from)
    VALUES (:alert_id, :model, CAST(:vector AS vector), CAST(:vector AS vector), :threshold, :seeded_from)
    ON CONFLICT (alert_id, model) DO UPDATE
    SET seed = excluded.seed, vector = excluded.vector, threshold = excluded.threshold,
        seeded_from = excluded.seeded_from, updated_at = now()
    """
)
JUDGED = text(
    """
    SELECT n.useful, e.embedding::text FROM alert_notices n
    JOIN tender_vectors e ON e.tender_id = n.tender_id AND e.model = :model
    WHERE n.alert_id = :alert_id AND n.useful IS NOT NULL
    """
)
UNSEEDED = text(
    """
    SELECT a.id FROM alerts a
    WHERE a.semantic AND a.active
      AND NOT EXISTS (SELECT 1 FROM alert_vectors v WHERE v.alert_id = a.id AND v.model = :model)
    """
)
NEWLY_EMBEDDED = text(
    f"""
    SELECT e.tender_id, e.embedded_at FROM tender_embeddings e JOIN tenders t ON t.id = e.tender_id
    WHERE e.model = :model AND t.state = 'publicada' AND t.closes_at > now()
      AND e.embedded_at > coalesce(
          (SELECT embedded_until FROM semantic_alert_checks WHERE model = :model), '-infinity'
      ) - interval '{RECHECK_MARGIN}'
    ORDER BY e.tender_id
    """
)
MATCH = text(
    f"""
    WITH matched AS (
        SELECT a.id AS alert_id, a.user_id, a.channels, c.id AS tender_id
        FROM alerts a
        JOIN alert_vectors v ON v.alert_id = a.id AND v.model = :model
        JOIN alert_candidates c ON {FILTERS}
        JOIN tender_vectors e ON e.tender_id = c.id AND e.model = :model
        WHERE a.active AND a.semantic AND 1 - (e.embedding <=> v.vector) >= v.threshold
    ), {NOTICE}
    SELECT count(*), count(*) FILTER (WHERE in_inbox) FROM noticed
    """
)


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-9)


def _parse(literal: str) -> np.ndarray:
    """A vector from pgvector's text form («[0.1,-0.2,…]», which is JSON)."""
    return np.asarray(json.loads(literal), dtype=np.float32)


def seed_texts(session: Session, alert: Alert) -> tuple[list[str], str]:
    """What the alert's vector is made from, and that in words; InvalidInput when there is nothing."""
    if alert.text:
        return [alert.text], "el texto de la alerta"
    rut = session.get(Company, alert.company_id).rut
    products = (
        list(session.execute(QUOTED_PRODUCTS, {"rut": rut, "limit": SEED_PRODUCTS}).scalars()) if rut else []
    )
    if not products:
        raise InvalidInput(
            "Escribe qué vendes (por ejemplo «insumos de aseo») o registra el RUT de tu empresa en Cuenta"
            " para usar los productos que ya cotizaste."
        )
    return products, f"{len(products)} productos que tu empresa cotizó en el último año"


def threshold_for(session: Session, vector: str, model: str) -> float:
    """The similarity that would have let through about DAILY_CAP tenders a day over the last month."""
    session.execute(text("SET LOCAL hnsw.iterative_scan = relaxed_order"))
    similarity = session.execute(
        CALIBRATION, {"vector": vector, "model": model, "rank": DAILY_CAP * CALIBRATION_DAYS - 1}
    ).scalar_one_or_none()
    return max(FLOOR, float(similarity or 0))


def seed(*, session: Session, alert: Alert, embedder: Embedder) -> str:
    """Make (or remake) the alert's vector and threshold for the model; returns what it was seeded from."""
    texts, seeded_from = seed_texts(session, alert)
    vector = vector_literal(_unit(embedder.embed(texts).mean(axis=0)))
    session.execute(
        SAVE,
        {
            "alert_id": alert.id,
            "model": embedder.model,
            "vector": vector,
            "threshold": threshold_for(session, vector, embedder.model),
            "seeded_from": seeded_from,
        },
    )
    return seeded_from


def learn(session: Session, alert_id: int) -> None:
    """Move each of the alert's vectors by Rocchio's rule from its seed, with every 👍/👎 it has."""
    rows = session.execute(
        text("SELECT model, seed::text FROM alert_vectors WHERE alert_id = :alert_id"), {"alert_id": alert_id}
    ).all()
    for model, seed_literal in rows:
        judged = session.execute(JUDGED, {"alert_id": alert_id, "model": model}).all()
        vector = ALPHA * _parse(seed_literal)
        for useful, weight in ((True, BETA), (False, -GAMMA)):
            tenders = [_parse(embedding) for verdict, embedding in judged if verdict is useful]
            if tenders:
                vector = vector + weight * np.mean(tenders, axis=0)
        session.execute(
            text(
                "UPDATE alert_vectors SET vector = CAST(:vector AS vector), updated_at = now()"
                " WHERE alert_id = :alert_id AND model = :model"
            ),
            {"vector": vector_literal(_unit(vector)), "alert_id": alert_id, "model": model},
        )


def judge(*, session: Session, user_id: int, notice_id: int, useful: bool) -> str:
    """Record the user's 👍/👎 on a notice of theirs; a semantic alert learns from it. Returns what
    to tell the user."""
    row = session.execute(
        text(
            "UPDATE alert_notices n SET useful = :useful FROM alerts a"
            " WHERE n.id = :notice_id AND n.user_id = :user_id AND a.id = n.alert_id"
            " RETURNING a.id, a.name, a.semantic"
        ),
        {"useful": useful, "notice_id": notice_id, "user_id": user_id},
    ).first()
    if row is None:
        raise NotFound("Ese aviso no existe o no es tuyo.")
    if not row.semantic:
        return "Gracias por tu opinión."
    learn(session, row.id)
    more = "más" if useful else "menos"
    return f"Gracias: la alerta «{row.name}» te mostrará {more} Compras Ágiles como esta."


def seed_missing(*, session: Session, embedder: Embedder) -> int:
    """Seed the active semantic alerts that have no vector of this model yet (the model changed)."""
    done = 0
    for alert_id in session.execute(UNSEEDED, {"model": embedder.model}).scalars().all():
        try:
            seed(session=session, alert=session.get(Alert, alert_id), embedder=embedder)
            done += 1
        except InvalidInput:
            log.warning("semantic alert without a seed", extra={"alert_id": alert_id})
    return done


def match_new_tenders(*, session: Session, embedder: Embedder) -> int:
    """Match the open tenders embedded since the last check against the semantic alerts; returns
    new notices. Each batch and the check's watermark are committed together."""
    seed_missing(session=session, embedder=embedder)
    rows = session.execute(NEWLY_EMBEDDED, {"model": embedder.model}).all()
    notices = 0
    for start in range(0, len(rows), 1000):
        batch = rows[start : start + 1000]
        for statement in CANDIDATES:
            session.execute(text(statement), {"ids": [tender_id for tender_id, _ in batch]})
        created, in_inbox = session.execute(MATCH, {"model": embedder.model}).one()
        session.execute(
            text(
                "INSERT INTO semantic_alert_checks (model, embedded_until) VALUES (:model, :until)"
                " ON CONFLICT (model) DO UPDATE"
                " SET embedded_until = greatest(semantic_alert_checks.embedded_until, excluded.embedded_until)"
            ),
            {"model": embedder.model, "until": max(embedded_at for _, embedded_at in batch)},
        )
        session.commit()
        notices += created
        ALERT_MATCHES.inc(created)
        ALERT_DELIVERIES.labels(channel="inbox", outcome="sent").inc(in_inbox)
    return notices
