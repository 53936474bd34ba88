"""Compra Ágil processes drawn from a World: requested lines, quotes, and a winner chosen by a rule
that mixes price, locality and experience (so that models have a signal to find)."""

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

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


@dataclass(frozen=True)
class Line:
    product: Product
    text: str
    quantity: int


@dataclass(frozen=True)
class Quote:
    supplier: Supplier
    unit_prices: tuple[int, ...]


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
        return len(self.lines) * len(self.quotes)


def _quantity(rng: random.Random, product: Product) -> int:
    low, high = UNIT_QUANTITIES.get(product.unit, (1, 30))
    return max(low, min(high, int(rng.lognormvariate(math.log(max(low, high / 6)), 0.8))))


def _winner(rng: random.Random, quotes: list[Quote], lines: tuple[Line, ...], buyer: Buyer) -> int:
    totals = [sum(p * line.quantity for p, line in zip(q.unit_prices, lines, strict=True)) for q in quotes]
    cheapest = min(totals)
    scores = [
        -4.0 * (total / cheapest - 1)
        + (0.5 if quote.supplier.region == buyer.region else 0.0)
        + 0.25 * math.log1p(quote.supplier.wins)
        + (0.15 if quote.supplier.size == "MiPyme" else 0.0)
        + rng.gauss(0, 0.25)
        for quote, total in zip(quotes, totals, strict=True)
    ]
    return max(range(len(quotes)), key=scores.__getitem__)


class ProcessFactory:
    """Makes processes one at a time; winners gain experience, so the market evolves."""

    def __init__(self, world: World, first_month: date):
        self.world = world
        self.rng = world.rng
        self.first_month = first_month
        self.sequence: dict[str, int] = {}

    def make(self, closing: date, *, open_state: str | None = None) -> Process:
        world, rng = self.world, self.rng
        buyer = rng.choices(world.buyers, weights=world.buyer_weights)[0]
        family = rng.choice(buyer.families)
        products = rng.sample(
            world.products_by_family[family],
            k=min(len(world.products_by_family[family]), rng.choice([1, 1, 1, 2, 2, 3, 4])),
        )
        lines = tuple(Line(p, world.describe(p), _quantity(rng, p)) for p in products)
        months = (closing.year - self.first_month.year) * 12 + closing.month - self.first_month.month
        bidders = (
            [] if open_state else world.bidders(family, buyer, 3 + min(9, int(rng.expovariate(1 / 2.5))))
        )
        quotes = [
            Quote(s, tuple(max(1, round(world.unit_price(line.product, buyer, s, months))) for line in lines))
            for s in bidders
        ]
        state = (
            open_state or rng.choices([s for s, _ in CLOSED_STATES], weights=[w for _, w in CLOSED_STATES])[0]
        )
        winner = None
        if quotes and state in ("OC Emitida", "Proveedor seleccionado"):
            winner = _winner(rng, quotes, lines, buyer)
            quotes[winner].supplier.wins += 1
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
            quotes=tuple(quotes),
            winner=winner,
            order_code=f"{buyer.unit_code}-{number}-AG{year:02d}" if state == "OC Emitida" else None,
        )

    def history(self, rows: int, months: int) -> Iterator[Process]:
        """Closed processes spread over `months` months from `first_month`, until `rows` quote rows."""
        produced = 0
        span = months * 30
        while produced < rows:
            closing = self.first_month + timedelta(days=int(self.rng.random() * span))
            process = self.make(closing)
            produced += process.row_count
            yield process
