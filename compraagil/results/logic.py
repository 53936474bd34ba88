"""«Mis resultados»: how each of a company's quotes fared against the other quotes of its process.

Pure functions on plain data. Totals are compared in CLP (`total_clp`) among admissible quotes that
have one; a quote without a known CLP total cannot be ranked or compared. A supplier that sent two
quotes in one process gets a row for each; both are ranked among all the process's quotes.
"""

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

CLOSE_LOSS_PCT = Decimal(5)
"""A loss «por poco»: my total was less than this percentage above the winner's."""


class Outcome(StrEnum):
    WON = "ganada"
    LOST = "perdida"
    DESERTED = "desierta"
    UNAWARDED = "sin_adjudicar"


@dataclass(frozen=True)
class Offer:
    """One quote of a process, as the history holds it."""

    supplier_id: int
    supplier_name: str
    """Needed for winners only (the one name shown); may be empty for the rest."""
    quote_number: int
    total_clp: Decimal | None
    admissible: bool
    winner: bool


@dataclass(frozen=True)
class Process:
    """A Compra Ágil the company quoted, with every quote it received."""

    codigo: str
    name: str
    organismo: str
    closing_date: date
    deserted: bool
    offers: tuple[Offer, ...]


@dataclass(frozen=True)
class MyLine:
    """One line of one of my quotes, with the market median of its product that month (CLP)."""

    codigo: str
    quote_number: int
    product: str
    unit_price: Decimal | None
    market_median: Decimal | None


@dataclass(frozen=True)
class LineComparison:
    product: str
    unit_price: Decimal | None
    market_median: Decimal | None
    vs_median_pct: Decimal | None
    """(my unit price / the median − 1) × 100; None when either is unknown."""


@dataclass(frozen=True)
class QuoteResult:
    """One of my quotes against its process."""

    codigo: str
    name: str
    organismo: str
    closing_date: date
    quote_number: int
    my_quotes: int
    """How many quotes I sent in this process (each is a row)."""
    outcome: Outcome
    """The process's outcome for my company (won when any of my quotes won)."""
    winning: bool
    """This very quote won."""
    admissible: bool
    total_clp: Decimal | None
    winner_name: str
    winner_total_clp: Decimal | None
    gap_clp: Decimal | None
    """My total − the winner's total; None when there is no winner or a total is missing."""
    gap_pct: Decimal | None
    rank: int | None
    """1 = cheapest among the admissible quotes with a known CLP total (ties share a rank)."""
    ranked: int
    """How many quotes were ranked."""
    quotes: int
    """How many quotes the process received."""
    lines: tuple[LineComparison, ...]


@dataclass(frozen=True)
class WinRate:
    name: str
    won: int
    decided: int
    """Processes with a winner (desiertas and unawarded ones are left out)."""

    @property
    def rate(self) -> Decimal:
        return Decimal(self.won) / Decimal(self.decided) if self.decided else Decimal(0)


@dataclass(frozen=True)
class Rival:
    """A supplier that won processes I lost, and by how much my quote was above theirs."""

    name: str
    times: int
    median_gap_pct: Decimal | None
    median_gap_clp: Decimal | None


@dataclass(frozen=True)
class Summary:
    processes: int
    won: int
    lost: int
    deserted: int
    unawarded: int
    close_losses: tuple[QuoteResult, ...]
    """Processes lost by less than CLOSE_LOSS_PCT (my best quote against the winner's), closest first."""
    cheaper_losses: int
    """Processes lost although my best quote was cheaper than the winner's (price was not why)."""
    incomparable: int
    """Processes with a winner where my total or the winner's is missing."""
    by_product: tuple[WinRate, ...]
    by_buyer: tuple[WinRate, ...]
    rivals: tuple[Rival, ...]

    @property
    def win_rate(self) -> Decimal:
        decided = self.won + self.lost
        return Decimal(self.won) / Decimal(decided) if decided else Decimal(0)


def rank_of(total: Decimal, totals: Iterable[Decimal]) -> int:
    """Competition ranking: 1 + how many totals are strictly cheaper (equal totals share a rank)."""
    return 1 + sum(1 for other in totals if other < total)


def gap(mine: Decimal | None, winner: Decimal | None) -> tuple[Decimal | None, Decimal | None]:
    """(my total − the winner's, that difference as a percentage of the winner's total)."""
    if mine is None or winner is None:
        return None, None
    difference = mine - winner
    return difference, (difference / winner * 100 if winner else None)


def vs_median(unit_price: Decimal | None, median: Decimal | None) -> Decimal | None:
    """How far a unit price is from the market median, in percent."""
    if unit_price is None or not median:
        return None
    return (unit_price / median - 1) * 100


def median(values: Iterable[Decimal | None]) -> Decimal | None:
    """The median of the known values, None when there are none."""
    known = [value for value in values if value is not None]
    return statistics.median(known) if known else None


def _outcome(process: Process, supplier_id: int) -> Outcome:
    winners = [offer for offer in process.offers if offer.winner]
    if any(offer.supplier_id == supplier_id for offer in winners):
        return Outcome.WON
    if winners:
        return Outcome.LOST
    return Outcome.DESERTED if process.deserted else Outcome.UNAWARDED


def _winner(process: Process) -> Offer | None:
    """The winning quote (the cheapest when the history marks several)."""
    winners = [offer for offer in process.offers if offer.winner]
    return min(winners, key=lambda o: (o.total_clp is None, o.total_clp or 0), default=None)


def quote_results(process: Process, supplier_id: int, lines: Iterable[MyLine] = ()) -> list[QuoteResult]:
    """A row for each of my quotes in the process, with its rank, gap and lines."""
    comparable = [o.total_clp for o in process.offers if o.admissible and o.total_clp is not None]
    winner = _winner(process)
    outcome = _outcome(process, supplier_id)
    mine = sorted((o for o in process.offers if o.supplier_id == supplier_id), key=lambda o: o.quote_number)
    by_quote: dict[int, list[LineComparison]] = defaultdict(list)
    for line in lines:
        by_quote[line.quote_number].append(
            LineComparison(
                line.product,
                line.unit_price,
                line.market_median,
                vs_median(line.unit_price, line.market_median),
            )
        )
    rows = []
    for offer in mine:
        gap_clp, gap_pct = gap(offer.total_clp, winner.total_clp if winner else None)
        ranked = offer.admissible and offer.total_clp is not None
        rows.append(
            QuoteResult(
                codigo=process.codigo,
                name=process.name,
                organismo=process.organismo,
                closing_date=process.closing_date,
                quote_number=offer.quote_number,
                my_quotes=len(mine),
                outcome=outcome,
                winning=offer.winner,
                admissible=offer.admissible,
                total_clp=offer.total_clp,
                winner_name=winner.supplier_name if winner else "",
                winner_total_clp=winner.total_clp if winner else None,
                gap_clp=gap_clp,
                gap_pct=gap_pct,
                rank=rank_of(offer.total_clp, comparable) if ranked else None,
                ranked=len(comparable),
                quotes=len(process.offers),
                lines=tuple(by_quote[offer.quote_number]),
            )
        )
    return rows


def best_rows(rows: Iterable[QuoteResult]) -> list[QuoteResult]:
    """One row per process: my winning quote, else my cheapest comparable one, else my first."""
    chosen: dict[str, QuoteResult] = {}
    for row in rows:
        current = chosen.get(row.codigo)
        if current is None or _better(row, current):
            chosen[row.codigo] = row
    return list(chosen.values())


def _better(row: QuoteResult, other: QuoteResult) -> bool:
    def key(r: QuoteResult) -> tuple:
        return (not r.winning, r.rank is None, r.total_clp or 0, r.quote_number)

    return key(row) < key(other)


def _win_rates(groups: dict[str, list[QuoteResult]]) -> tuple[WinRate, ...]:
    rates = []
    for name, rows in groups.items():
        decided = [r for r in rows if r.outcome in (Outcome.WON, Outcome.LOST)]
        if decided:
            won = sum(1 for r in decided if r.outcome is Outcome.WON)
            rates.append(WinRate(name, won, len(decided)))
    return tuple(sorted(rates, key=lambda r: (-r.decided, -r.won, r.name)))


def _rivals(losses: list[QuoteResult]) -> tuple[Rival, ...]:
    by_winner: dict[str, list[QuoteResult]] = defaultdict(list)
    for row in losses:
        by_winner[row.winner_name].append(row)
    rivals = [
        Rival(
            name,
            len(rows),
            median(r.gap_pct for r in rows),
            median(r.gap_clp for r in rows),
        )
        for name, rows in by_winner.items()
    ]
    return tuple(sorted(rivals, key=lambda r: (-r.times, r.name)))


def summarize(rows: Sequence[QuoteResult]) -> Summary:
    """Win rates by product and buyer, close losses and the rivals that beat me, per process."""
    best = best_rows(rows)
    by_outcome: dict[Outcome, list[QuoteResult]] = defaultdict(list)
    for row in best:
        by_outcome[row.outcome].append(row)
    losses = by_outcome[Outcome.LOST]
    compared = [r for r in losses if r.gap_pct is not None]
    by_product: dict[str, list[QuoteResult]] = defaultdict(list)
    by_buyer: dict[str, list[QuoteResult]] = defaultdict(list)
    products = _products_by_process(rows)
    for row in best:
        by_buyer[row.organismo].append(row)
        for product in products[row.codigo]:
            by_product[product].append(row)
    return Summary(
        processes=len(best),
        won=len(by_outcome[Outcome.WON]),
        lost=len(losses),
        deserted=len(by_outcome[Outcome.DESERTED]),
        unawarded=len(by_outcome[Outcome.UNAWARDED]),
        close_losses=tuple(
            sorted((r for r in compared if 0 <= r.gap_pct < CLOSE_LOSS_PCT), key=lambda r: r.gap_pct)
        ),
        cheaper_losses=sum(1 for r in compared if r.gap_pct < 0),
        incomparable=sum(1 for r in best if r.outcome in (Outcome.WON, Outcome.LOST) and r.gap_pct is None),
        by_product=_win_rates(by_product),
        by_buyer=_win_rates(by_buyer),
        rivals=_rivals(losses),
    )


def _products_by_process(rows: Iterable[QuoteResult]) -> dict[str, set[str]]:
    """The products of my lines in each process (over all my quotes there)."""
    products: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        products[row.codigo].update(line.product for line in row.lines)
    return products
