"""The history a quote is scored with, now: a snapshot of every supplier's, pair's and buyer's
record (the training rows' own definitions, over everything closed before the snapshot's day),
refreshed after imports; then a quote's model row for any price in that context."""

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlmodel import Session

from compraagil.models import Supplier, WinBuyerStats, WinPairStats, WinSupplierStats
from compraagil.scoring.features import DECIDED, FEATURES, PRIOR_QUOTES, PRIOR_WINS

REFRESH_SQL = f"""
WITH {DECIDED},
suppliers_done AS (
    INSERT INTO win_supplier_stats (supplier_id, quotes, wins)
    SELECT supplier_id, count(*), count(*) FILTER (WHERE winner) FROM decided GROUP BY 1
    RETURNING 1
),
pairs_done AS (
    INSERT INTO win_pair_stats (supplier_id, buyer_id, quotes, wins)
    SELECT supplier_id, buyer_id, count(*), count(*) FILTER (WHERE winner) FROM decided GROUP BY 1, 2
    RETURNING 1
)
INSERT INTO win_buyer_stats (buyer_id, avg_quotes, loyalty)
SELECT buyer_id, avg(quotes), avg(repeat_winner::int) FROM processes GROUP BY 1
"""


def refresh(session: Session, as_of: date) -> None:
    """Replace the snapshot by the history closed before `as_of` (one transaction: readers see the
    old one until the commit)."""
    session.execute(
        text("DELETE FROM win_supplier_stats; DELETE FROM win_pair_stats; DELETE FROM win_buyer_stats")
    )
    session.execute(text(REFRESH_SQL), {"as_of": as_of})


@dataclass(frozen=True)
class Context:
    """What does not change with the price: the supplier's record, the buyer's, the process."""

    supplier_quotes: int
    supplier_wins: int
    pair_quotes: int
    pair_wins: int
    mipyme: bool
    buyer_avg_quotes: float | None
    buyer_loyalty: float | None
    budget: int | None
    items: int


def context_for(
    session: Session, *, supplier_id: int | None, buyer_id: int, budget: int | None, items: int
) -> Context:
    """A supplier (None: one with no history) quoting to a buyer, from the snapshot: three key lookups."""
    mine = session.get(WinSupplierStats, supplier_id) if supplier_id else None
    pair = session.get(WinPairStats, (supplier_id, buyer_id)) if supplier_id else None
    buyer = session.get(WinBuyerStats, buyer_id)
    supplier = session.get(Supplier, supplier_id) if supplier_id else None
    return Context(
        mine.quotes if mine else 0, mine.wins if mine else 0, pair.quotes if pair else 0, pair.wins if pair else 0,
        bool(supplier and supplier.size == "MiPyme"), buyer.avg_quotes if buyer else None,
        buyer.loyalty if buyer else None, budget, items,
    )  # fmt: skip


def features_now(context: Context, *, total_clp: float, price_ratio: float | None) -> list[float]:
    """The model's row for a quote of `total_clp` (and its prices against history) in that context."""
    values = {
        "budget_ratio": total_clp / context.budget if context.budget else math.nan,
        "price_ratio": math.nan if price_ratio is None else price_ratio,
        "log_total": math.log(total_clp),
        "supplier_quotes": math.log1p(context.supplier_quotes),
        "supplier_win_rate": (context.supplier_wins + PRIOR_WINS) / (context.supplier_quotes + PRIOR_QUOTES),
        "supplier_buyer_quotes": math.log1p(context.pair_quotes),
        "supplier_buyer_wins": math.log1p(context.pair_wins),
        "mipyme": float(context.mipyme),
        "buyer_avg_quotes": math.nan if context.buyer_avg_quotes is None else context.buyer_avg_quotes,
        "buyer_loyalty": math.nan if context.buyer_loyalty is None else context.buyer_loyalty,
        "log_budget": math.log1p(context.budget or 0),
        "items": float(context.items),
    }
    return [values[name] for name in FEATURES]
