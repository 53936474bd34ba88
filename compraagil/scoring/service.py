"""«Probabilidad de ganar» for a company and a tender (PYME and up): the chance at the suggested
total, the curve of the chance against the total, the totals that give 50 % and 70 %, each
requested item's own curve against its unit price (`item_curves`), and the main reasons — each
feature's signed effect, measured on the model itself (the chance with the feature as it is, minus
the chance with it at a typical quote's value)."""

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlmodel import Session

from compraagil.models import Company, Supplier, WinPairStats
from compraagil.plans.quotas import includes, upgrade_message
from compraagil.plans.table import Feature, get_plan
from compraagil.pricing.quote_guidance import guide_tender
from compraagil.scoring.context import context_for, features_now
from compraagil.scoring.features import FEATURES, label_of
from compraagil.scoring.item_curves import (
    MULTIPLIERS,
    ItemCurve,
    highest_reaching,
    item_curves,
    price_ratio,
    priced,
)
from compraagil.scoring.model import current
from compraagil.tenders.service import get_tender

REASONS = 5
RIVALS = 5


@dataclass(frozen=True)
class Reason:
    label: str
    points: float
    """Percentage points this feature adds (+) or takes (−) against a typical quote's value."""


@dataclass(frozen=True)
class Rival:
    name: str
    quotes: int
    wins: int


@dataclass(frozen=True)
class WinChance:
    available: bool
    message: str
    version: str = ""
    total_clp: float = 0.0
    probability: float = 0.0
    curve: tuple[tuple[float, float], ...] = ()
    """(total, chance) from the cheapest to the dearest."""
    total_for_50: float | None = None
    total_for_70: float | None = None
    reasons: tuple[Reason, ...] = ()
    with_history: bool = False
    """Whether the company's RUT has quotes in the history (without them it is scored as a newcomer)."""
    upsell: bool = False
    """The plan does not include it: `message` says which plan does."""
    rivals: tuple[Rival, ...] = ()
    """Who quotes this buyer most (from the snapshot): how often, and how often they won."""
    items: tuple[ItemCurve, ...] = ()
    """Each priced requested item's chance against its unit price."""


def win_chance(*, session: Session, company_id: int, codigo: str) -> WinChance:
    if not includes(session=session, company_id=company_id, feature=Feature.SCORING):
        plan = get_plan(session.get(Company, company_id).plan)
        return WinChance(False, upgrade_message(plan, Feature.SCORING, used_up=False), upsell=True)
    model = current(session)
    if model is None:
        return WinChance(
            False, "El modelo aún no está entrenado: se entrena solo cada mes y tras la primera importación."
        )
    detail = get_tender(session=session, codigo=codigo)
    if detail.buyer_id is None:
        return WinChance(
            False, "Esta Compra Ágil no tiene organismo conocido: no podemos estimar la probabilidad."
        )
    guidance = guide_tender(session=session, detail=detail).quote
    base = guidance.total or detail.amount_available
    if not base:
        return WinChance(
            False, "Sin historial de precios ni presupuesto para esta Compra Ágil: no podemos estimarla."
        )
    supplier_id = session.get(Company, company_id).supplier_id
    context = context_for(
        session,
        supplier_id=supplier_id,
        buyer_id=detail.buyer_id,
        budget=detail.amount_available,
        items=len(detail.items),
    )
    ratio = price_ratio([(item.suggested_unit_price, item.median) for item in priced(guidance.items)])
    rows = np.array(
        [
            features_now(context, total_clp=base * share, price_ratio=ratio * share if ratio else None)
            for share in MULTIPLIERS
        ]
    )
    chances = model.estimator.predict_proba(rows)[:, 1]
    curve = [(float(base * share), float(chance)) for share, chance in zip(MULTIPLIERS, chances, strict=True)]
    here = MULTIPLIERS.index(1.0)  # the base total itself is a point of the curve
    probability = float(chances[here])
    return WinChance(
        True, "", model.version, float(base), probability, tuple(curve),
        highest_reaching(curve, 0.5), highest_reaching(curve, 0.7),
        _reasons(model, rows[here], probability), supplier_id is not None, False,
        _rivals(session, detail.buyer_id, supplier_id), item_curves(model, context, guidance.items, base),
    )  # fmt: skip


def _reasons(model, row: np.ndarray, probability: float) -> tuple[Reason, ...]:
    """Each known feature's effect: the chance as is, minus the chance with that feature at the reference."""
    swapped = np.repeat(row[None, :], len(FEATURES), axis=0)
    for index, reference in enumerate(model.reference):
        swapped[index, index] = reference
    without = model.estimator.predict_proba(swapped)[:, 1]
    effects = [
        (FEATURES[i], 100 * (probability - float(without[i])), row[i])
        for i in range(len(FEATURES))
        if not np.isnan(row[i])  # a feature we do not know for this quote is no reason
    ]
    effects = [effect for effect in effects if abs(effect[1]) >= 0.5]
    effects.sort(key=lambda effect: -abs(effect[1]))
    return tuple(Reason(label_of(name, value), round(points, 1)) for name, points, value in effects[:REASONS])


def _rivals(session: Session, buyer_id: int, me: int | None) -> tuple[Rival, ...]:
    rows = session.execute(
        select(Supplier.name, WinPairStats.quotes, WinPairStats.wins)
        .join(Supplier, Supplier.id == WinPairStats.supplier_id)
        .where(WinPairStats.buyer_id == buyer_id, WinPairStats.supplier_id != (me or -1))
        .order_by(WinPairStats.quotes.desc(), WinPairStats.wins.desc())
        .limit(RIVALS)
    ).all()
    return tuple(Rival(name, quotes, wins) for name, quotes, wins in rows)
