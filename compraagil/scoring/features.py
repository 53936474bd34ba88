"""What the win model knows about a quote, all of it known before the process closed: the price
against the buyer's budget and against the product's recent prices, the supplier's experience (in
general and with this buyer), its size, the buyer's usual number of quotes and its loyalty, and the
process's size. The same definitions twice: over the whole history at once, each quote as of its
closing day (`training_rows`), and for one quote of a company now (compraagil/scoring/context.py,
from a snapshot of the same history); a test checks that both agree."""

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlmodel import Session

FEATURES = (
    "budget_ratio", "price_ratio", "log_total", "supplier_quotes", "supplier_win_rate",
    "supplier_buyer_quotes", "supplier_buyer_wins", "mipyme", "buyer_avg_quotes", "buyer_loyalty",
    "log_budget", "items",
)  # fmt: skip
"""The model's columns, in order."""

LABELS = {
    "budget_ratio": "Tu total frente al presupuesto del organismo",
    "price_ratio": "Tus precios frente a los precios recientes de esos productos",
    "log_total": "Monto de tu cotización",
    "supplier_quotes": "Tu experiencia cotizando en Compra Ágil",
    "supplier_win_rate": "Tu tasa de adjudicación",
    "supplier_buyer_quotes": "Tus cotizaciones anteriores a este organismo",
    "supplier_buyer_wins": "Tus adjudicaciones anteriores con este organismo",
    "mipyme": "Ser MiPyme",
    "buyer_avg_quotes": "Competencia habitual (cotizaciones por proceso de este organismo)",
    "buyer_loyalty": "Lealtad del organismo a proveedores que ya le vendieron",
    "log_budget": "Tamaño del presupuesto",
    "items": "Cantidad de productos pedidos",
}
"""How each feature is named to a person (Spanish), for the reasons of a prediction."""


def label_of(feature: str, value: float) -> str:
    """The feature's name for a person; a yes/no one says which it is."""
    if feature == "mipyme" and not value:
        return "No figurar como MiPyme"
    return LABELS[feature]


PRIOR_WINS, PRIOR_QUOTES = 1.0, 5.0
"""Smoothing of a win rate: a supplier with no history counts as 1 win in 5 quotes (about the market's rate)."""

REFERENCE_PRICES = """
product_months AS (
    SELECT product_id, date_trunc('month', closing_date)::date AS month,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY unit_price) AS median
    FROM quote_lines WHERE unit_price > 0 AND currency = 'CLP' GROUP BY 1, 2
)"""
"""A product's median unit price per month; a line is compared with the month before its closing."""

DECIDED = """
decided AS (
    SELECT q.closing_date, q.tender_codigo, q.supplier_id, q.quote_number, q.buyer_id, q.total_clp, q.winner
    FROM quotes q
    WHERE q.state IS NULL AND q.total_clp > 0 AND q.buyer_id IS NOT NULL AND q.closing_date < :as_of
      AND EXISTS (SELECT 1 FROM quotes w WHERE w.closing_date = q.closing_date
                  AND w.tender_codigo = q.tender_codigo AND w.winner)
),
supplier_history AS (
    SELECT d.*,
        count(*) OVER per_supplier AS supplier_quotes,
        coalesce(sum(d.winner::int) OVER per_supplier, 0) AS supplier_wins,
        count(*) OVER per_pair AS supplier_buyer_quotes,
        coalesce(sum(d.winner::int) OVER per_pair, 0) AS supplier_buyer_wins
    FROM decided d
    WINDOW per_supplier AS (PARTITION BY d.supplier_id ORDER BY d.closing_date
                            RANGE BETWEEN UNBOUNDED PRECEDING AND '1 day' PRECEDING),
           per_pair AS (PARTITION BY d.supplier_id, d.buyer_id ORDER BY d.closing_date
                        RANGE BETWEEN UNBOUNDED PRECEDING AND '1 day' PRECEDING)
),
processes AS (
    SELECT tender_codigo, closing_date, buyer_id, count(*) AS quotes,
           bool_or(winner AND supplier_buyer_wins > 0) AS repeat_winner
    FROM supplier_history GROUP BY 1, 2, 3
)"""
"""The admissible quotes of decided processes closed before `:as_of`, each with its supplier's
history before its closing day; and the processes, with whether the winner had won with that buyer
before (the buyer's loyalty)."""

TRAINING_SQL = f"""
WITH {REFERENCE_PRICES}, {DECIDED},
buyer_history AS (
    SELECT p.tender_codigo, p.closing_date,
        avg(p.quotes) OVER per_buyer AS buyer_avg_quotes,
        avg(p.repeat_winner::int) OVER per_buyer AS buyer_loyalty
    FROM processes p
    WINDOW per_buyer AS (PARTITION BY p.buyer_id ORDER BY p.closing_date
                         RANGE BETWEEN UNBOUNDED PRECEDING AND '1 day' PRECEDING)
),
prices AS (
    SELECT l.closing_date, l.tender_codigo, l.supplier_id, l.quote_number,
           exp(avg(ln(l.unit_price / m.median))) AS price_ratio
    FROM quote_lines l
    JOIN product_months m ON m.product_id = l.product_id
     AND m.month = (date_trunc('month', l.closing_date) - interval '1 month')::date
    WHERE l.unit_price > 0 AND l.currency = 'CLP' AND m.median > 0
    GROUP BY 1, 2, 3, 4
),
items AS (SELECT tender_id, count(*) AS items FROM tender_items GROUP BY 1)
SELECT s.closing_date, s.tender_codigo, s.supplier_id, s.quote_number, s.winner,
       s.total_clp::float8 / nullif(t.amount_available, 0) AS budget_ratio,
       pr.price_ratio,
       ln(s.total_clp::float8) AS log_total,
       ln(1 + s.supplier_quotes) AS supplier_quotes,
       (s.supplier_wins + {PRIOR_WINS}) / (s.supplier_quotes + {PRIOR_QUOTES}) AS supplier_win_rate,
       ln(1 + s.supplier_buyer_quotes) AS supplier_buyer_quotes,
       ln(1 + s.supplier_buyer_wins) AS supplier_buyer_wins,
       (su.size = 'MiPyme')::int AS mipyme,
       b.buyer_avg_quotes,
       b.buyer_loyalty,
       ln(1 + coalesce(t.amount_available, 0)) AS log_budget,
       coalesce(i.items, 0) AS items,
       rank() OVER (PARTITION BY s.tender_codigo, s.closing_date ORDER BY s.total_clp) AS price_rank
FROM supplier_history s
JOIN suppliers su ON su.id = s.supplier_id
LEFT JOIN tenders t ON t.codigo = s.tender_codigo
LEFT JOIN items i ON i.tender_id = t.id
LEFT JOIN buyer_history b ON b.tender_codigo = s.tender_codigo AND b.closing_date = s.closing_date
LEFT JOIN prices pr ON pr.tender_codigo = s.tender_codigo AND pr.closing_date = s.closing_date
                   AND pr.supplier_id = s.supplier_id AND pr.quote_number = s.quote_number
ORDER BY s.closing_date, s.tender_codigo, s.supplier_id
"""
"""Every admissible quote of a decided process, with its features as of its closing day and its
outcome; `price_rank` (1 = cheapest, from the rivals' prices) is for the baselines only."""


@dataclass(frozen=True)
class TrainingRows:
    closing_dates: list[date]
    features: list[list[float]]
    won: list[int]
    price_ranks: list[int]


def training_rows(session: Session, as_of: date) -> TrainingRows:
    """Every decided quote closed before `as_of`, oldest first."""
    rows = session.execute(text(TRAINING_SQL), {"as_of": as_of}).mappings().all()
    return TrainingRows(
        closing_dates=[row["closing_date"] for row in rows],
        features=[[_number(row[name]) for name in FEATURES] for row in rows],
        won=[int(row["winner"]) for row in rows],
        price_ranks=[int(row["price_rank"]) for row in rows],
    )


def _number(value) -> float:
    return math.nan if value is None else float(value)
