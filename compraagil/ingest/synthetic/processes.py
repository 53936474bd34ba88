"""Compra Ágil processes drawn from a World: requested lines, quotes, and a winner chosen by a rule
that mixes price, locality and experience (so that models have a signal to find).

The shapes of real records are drawn too, and kept as ground truth on the objects: a supplier
sending two quotes in one process, one product requested in several lines told apart only by their
descriptions, quote lines the COT files hold twice, and quotes declared inadmissible."""

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import count

from compraagil.ingest.synthetic import vocabulary as vocab
from compraagil.ingest.synthetic.world import Buyer, Product, Supplier, World

UNIT_QUANTITIES = {
    "unidad": (1, 60),
    "caja": (1, 40),
    "servicio": (1, 1),
    "ciento": (1, 10),
    "resma": (5, 200),
}
CONTACTS = (
    "María Fernández",
    "Juan Carrasco",
    "Carolina Vidal",
    "Pedro Saavedra",
    "Camila Orellana",
    "Luis Bravo",
)
CLOSED_STATES = (
    ("OC Emitida", 0.60),
    ("Proveedor seleccionado", 0.25),
    ("Desierta", 0.08),
    ("Cancelada", 0.07),
)
WINNING_STATES = ("OC Emitida", "Proveedor seleccionado")
MULTI_QUOTE_SHARE = 0.02  # of processes: one supplier sends a second quote
REPEATED_CODE_SHARE = 0.05  # of processes: one product is requested in several lines
REPEATED_LINE_SHARE = 0.031  # of quote lines the COT file holds twice, identically (3 % of rows)
INADMISSIBLE_SHARE = 0.04  # of quotes
FIRST_QUOTE_ID = 4_100_001


@dataclass(frozen=True)
class Line:
    """A requested line: `text` is the buyer's wording of the product, `description` tells the
    line apart from another line of the same product (it equals `text` when there is none)."""

    product: Product
    text: str
    description: str
    quantity: int


@dataclass(frozen=True)
class Quote:
    """One quote of a supplier: a unit price for each of the process's lines, in order.

    `total` is the quote's net amount (what COT files write as MontoTotal on each of its lines);
    `repeated` holds the indexes of the lines whose COT row is written twice, identically."""

    id: int
    supplier: Supplier
    unit_prices: tuple[int, ...]
    total: int
    repeated: frozenset[int]
    inadmissible: str | None

    @property
    def row_count(self) -> int:
        """Rows of this quote in a COT file, identical repeats included."""
        return len(self.unit_prices) + len(self.repeated)


@dataclass(frozen=True)
class Process:
    codigo: str
    name: str
    description: str
    buyer: Buyer
    contact: str
    published: date
    closing: date
    state: str
    delivery_days: int
    amount_available: int
    lines: tuple[Line, ...]
    quotes: tuple[Quote, ...]
    winner: int | None
    order_code: str | None

    @property
    def row_count(self) -> int:
        """Rows of this process in a COT file, identical repeats included."""
        return sum(quote.row_count for quote in self.quotes)

    def offer(self, line: Line) -> str:
        """What the suppliers write for a line (COT DetalleCotizacion, API `descripcion`)."""
        return f"Ofrecemos {line.description.lower()}, despacho en {self.delivery_days} días hábiles."


def _quantity(rng: random.Random, product: Product) -> int:
    low, high = UNIT_QUANTITIES.get(product.unit, (1, 30))
    return max(low, min(high, int(rng.lognormvariate(math.log(max(low, high / 6)), 0.8))))


def _closed_state(rng: random.Random) -> str:
    return rng.choices([s for s, _ in CLOSED_STATES], weights=[w for _, w in CLOSED_STATES])[0]


def _appeal(rng: random.Random, quote: Quote, cheapest: int, buyer: Buyer) -> float:
    """How much the buyer likes a quote: its price against the cheapest, helped by being local,
    experienced or a MiPyme, plus the buyer's own judgement."""
    return (
        -4.0 * (quote.total / cheapest - 1)
        + (0.5 if quote.supplier.region == buyer.region else 0.0)
        + 0.25 * math.log1p(quote.supplier.wins)
        + (0.15 if quote.supplier.size == "MiPyme" else 0.0)
        + rng.gauss(0, 0.25)
    )


def _winner(rng: random.Random, quotes: tuple[Quote, ...], buyer: Buyer) -> int | None:
    """The index of the admissible quote the buyer likes best; None when every one is inadmissible."""
    admissible = [index for index, quote in enumerate(quotes) if quote.inadmissible is None]
    if not admissible:
        return None
    cheapest = min(quotes[index].total for index in admissible)
    return max(admissible, key=lambda index: _appeal(rng, quotes[index], cheapest, buyer))


class ProcessFactory:
    """Makes processes one at a time; winners gain experience, so the market evolves."""

    def __init__(self, world: World, first_month: date):
        self.world = world
        self.rng = world.rng
        self.first_month = first_month
        self.sequence: dict[str, int] = {}
        self.quote_ids = count(FIRST_QUOTE_ID)

    def _lines(self, family: str) -> tuple[Line, ...]:
        """1–4 products of the family; sometimes the first one requested in 2–4 variants."""
        world, rng = self.world, self.rng
        products = rng.sample(
            world.products_by_family[family],
            k=min(len(world.products_by_family[family]), rng.choice([1, 1, 1, 2, 2, 3, 4])),
        )
        repeats = rng.random() < REPEATED_CODE_SHARE
        lines = []
        for index, product in enumerate(products):
            text = world.describe(product)
            descriptions = self._variants(text) if repeats and index == 0 else (text,)
            lines.extend(
                Line(product, text, description, _quantity(rng, product)) for description in descriptions
            )
        return tuple(lines)

    def _variants(self, text: str) -> tuple[str, ...]:
        """2–4 descriptions of one product, each a different variant of it."""
        variants = self.rng.sample(vocab.LINE_VARIANTS, k=self.rng.choice([2, 2, 3, 4]))
        return tuple(f"{text}, {variant}" for variant in variants)

    def _quote(
        self,
        supplier: Supplier,
        buyer: Buyer,
        lines: tuple[Line, ...],
        months: int,
        *,
        unlike: int | None = None,
    ) -> Quote:
        """A supplier's quote on every line; its total differs from `unlike` (another quote's total)."""
        rng = self.rng
        prices = [
            max(1, round(self.world.unit_price(line.product, buyer, supplier, months))) for line in lines
        ]
        total = sum(price * line.quantity for price, line in zip(prices, lines, strict=True))
        if total == unlike:
            prices[0] += 1
            total += lines[0].quantity
        repeated = frozenset(index for index in range(len(lines)) if rng.random() < REPEATED_LINE_SHARE)
        reason = rng.choice(vocab.INADMISSIBILITY_REASONS) if rng.random() < INADMISSIBLE_SHARE else None
        return Quote(next(self.quote_ids), supplier, tuple(prices), total, repeated, reason)

    def _quotes(self, family: str, buyer: Buyer, lines: tuple[Line, ...], months: int) -> tuple[Quote, ...]:
        """One quote per bidder; sometimes a bidder sends a second one, after the others."""
        rng = self.rng
        bidders = self.world.bidders(family, buyer, 3 + min(9, int(rng.expovariate(1 / 2.5))))
        quotes = [self._quote(supplier, buyer, lines, months) for supplier in bidders]
        if rng.random() < MULTI_QUOTE_SHARE:
            first = rng.choice(quotes)
            quotes.append(self._quote(first.supplier, buyer, lines, months, unlike=first.total))
        return tuple(quotes)

    def make(self, closing: date, *, open_state: str | None = None) -> Process:
        world, rng = self.world, self.rng
        buyer = rng.choices(world.buyers, weights=world.buyer_weights)[0]
        family = rng.choice(buyer.families)
        lines = self._lines(family)
        months = (closing.year - self.first_month.year) * 12 + closing.month - self.first_month.month
        quotes = () if open_state else self._quotes(family, buyer, lines, months)
        state = open_state or _closed_state(rng)
        winner = _winner(rng, quotes, buyer) if state in WINNING_STATES else None
        if winner is not None:
            quotes[winner].supplier.wins += 1
        elif state in WINNING_STATES:
            state = "Desierta"
        number = self.sequence[buyer.unit_code] = self.sequence.get(buyer.unit_code, 0) + 1
        year = closing.year % 100
        base_total = sum(line.product.base_price * line.quantity for line in lines)
        first = lines[0].product.name
        name = f"Adquisición de {first[0].lower()}{first[1:]}" + (" y otros" if len(lines) > 1 else "")
        return Process(
            codigo=f"{buyer.unit_code}-{number}-COT{year:02d}",
            name=name,
            description=f"Se requiere {family.lower()} para {buyer.organismo}, {buyer.comuna}. "
            f"Entrega en dependencias del organismo.",
            buyer=buyer,
            contact=rng.choice(CONTACTS),
            published=closing - timedelta(days=rng.choice([1, 2, 3, 3, 4, 5, 7])),
            closing=closing,
            state=state,
            delivery_days=rng.choice([2, 3, 5, 5, 7, 10, 15]),
            amount_available=int(math.ceil(base_total * rng.uniform(1.05, 1.4) / 1000) * 1000),
            lines=lines,
            quotes=quotes,
            winner=winner,
            order_code=f"{buyer.unit_code}-{number}-AG{year:02d}" if state == "OC Emitida" else None,
        )

    def history(self, rows: int, months: int) -> Iterator[Process]:
        """Closed processes spread over `months` months from `first_month`, until `rows` COT rows."""
        produced = 0
        span = months * 30
        while produced < rows:
            closing = self.first_month + timedelta(days=int(self.rng.random() * span))
            process = self.make(closing)
            produced += process.row_count
            yield process
