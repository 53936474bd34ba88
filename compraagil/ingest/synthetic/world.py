"""A seeded market: buyers, suppliers and products with the price effects the history is drawn from."""

import math
import random
from dataclasses import dataclass
from itertools import accumulate

from compraagil.chile.regions import REGIONS
from compraagil.chile.rut import Rut, check_digit, format_rut
from compraagil.ingest.synthetic import vocabulary as vocab
from compraagil.ingest.synthetic.spellings import spell
from compraagil.ingest.values import product_name

REMOTE_REGION_MARKUP = {11: 1.15, 12: 1.14, 15: 1.10, 1: 1.08, 2: 1.07, 3: 1.05, 14: 1.03, 10: 1.03}


def random_rut(rng: random.Random, low: int, high: int) -> str:
    body = rng.randint(low, high)
    return format_rut(Rut(body, check_digit(body)))


@dataclass(frozen=True)
class Product:
    name: str
    family: str
    unit: str
    base_price: int
    code: str


@dataclass(frozen=True)
class Buyer:
    unit_code: str
    unit_name: str
    organismo: str
    rut: str
    region: int
    comuna: str
    families: tuple[str, ...]
    price_effect: float
    weight: float


@dataclass
class Supplier:
    rut: str
    name: str
    size: str
    region: int
    families: frozenset[str]
    markup: float
    wins: int = 0


class World:
    """Everything the history and the open tenders are drawn from, fixed by the seed."""

    def __init__(self, seed: int, *, buyers: int, suppliers: int):
        self.rng = random.Random(seed)
        self.spelled: dict[str, str] = {}
        """Every spelling written (as the product dictionary keeps it) → the product it spells."""
        self.products = self._products()
        self.products_by_family: dict[str, list[Product]] = {}
        for product in self.products:
            self.products_by_family.setdefault(product.family, []).append(product)
        self.buyers = [self._buyer(index) for index in range(buyers)]
        self.buyer_weights = [buyer.weight for buyer in self.buyers]
        self.suppliers = [self._supplier() for _ in range(suppliers)]
        self._weights: dict[tuple[str, int], list[float]] = {}
        self.specialists: dict[str, list[Supplier]] = {family: [] for family in vocab.PRODUCT_FAMILIES}
        for supplier in self.suppliers:
            for family in supplier.families:
                self.specialists[family].append(supplier)

    def _products(self) -> list[Product]:
        products = []
        for family_index, (family, items) in enumerate(vocab.PRODUCT_FAMILIES.items()):
            for item_index, (name, unit, price) in enumerate(items):
                code = f"{44 + family_index % 50:02d}{family_index:02d}{item_index:04d}"
                products.append(Product(name, family, unit, price, code))
        return products

    def _buyer(self, index: int) -> Buyer:
        rng = self.rng
        region = rng.choices(list(vocab.REGION_WEIGHTS), weights=list(vocab.REGION_WEIGHTS.values()))[0]
        comuna = rng.choice(vocab.COMUNAS[region])
        kind = rng.choices(
            [
                "municipalidad",
                "hospital",
                "servicio de salud",
                "universidad",
                "servicio público",
                "jardín infantil",
            ],
            weights=[40, 20, 8, 7, 18, 7],
        )[0]
        organismo = {
            "municipalidad": f"Ilustre Municipalidad de {comuna}",
            "hospital": f"{rng.choice(vocab.HOSPITALS)} de {comuna}",
            "servicio de salud": f"Servicio de Salud {vocab.COMUNAS[region][0]}",
            "universidad": vocab.UNIVERSITIES[region],
            "servicio público": f"{rng.choice(vocab.STATE_SERVICES)} {REGIONS[region]}",
            "jardín infantil": f"Junta Nacional de Jardines Infantiles {REGIONS[region]}",
        }[kind]
        return Buyer(
            unit_code=str(1_000_000 + index * 37),
            unit_name=f"{rng.choice(vocab.UNIT_NAMES)} {organismo}",
            organismo=organismo,
            rut=random_rut(rng, 60_000_000, 69_999_999),
            region=region,
            comuna=comuna,
            families=vocab.BUYER_KIND_FAMILIES[kind],
            price_effect=math.exp(rng.gauss(0, 0.08)),
            weight=rng.paretovariate(1.5),
        )

    def _supplier(self) -> Supplier:
        rng = self.rng
        region = rng.choices(list(vocab.REGION_WEIGHTS), weights=list(vocab.REGION_WEIGHTS.values()))[0]
        style = rng.random()
        if style < 0.45:
            name = f"{rng.choice(vocab.TRADE_PREFIXES)} {rng.choice(vocab.NAME_WORDS)} {rng.choice(vocab.LEGAL_FORMS)}"
        elif style < 0.8:
            name = (
                f"{rng.choice(vocab.SURNAMES)} y {rng.choice(vocab.SURNAMES)} {rng.choice(vocab.LEGAL_FORMS)}"
            )
        else:
            name = f"{rng.choice(vocab.TRADE_PREFIXES)} {rng.choice(vocab.SURNAMES)} Hermanos {rng.choice(vocab.LEGAL_FORMS)}"
        families = frozenset(rng.sample(list(vocab.PRODUCT_FAMILIES), k=rng.choice([1, 1, 2, 2, 3])))
        return Supplier(
            rut=random_rut(rng, 76_000_000, 77_999_999),
            name=name,
            size="Grande" if rng.random() < 0.12 else "MiPyme",
            region=region,
            families=families,
            markup=math.exp(rng.gauss(0, 0.10)),
        )

    def describe(self, product: Product) -> str:
        """The buyer's own wording of a product (`spellings.spell`); which product each spelling
        was written for is kept in `spelled`, by its dictionary form."""
        text = spell(product.name, self.rng)
        self.spelled[product_name(text)] = product.name
        return text

    def unit_price(self, product: Product, buyer: Buyer, supplier: Supplier, months_elapsed: int) -> float:
        """Log-normal around the product's base, moved by buyer, region, supplier and monthly drift."""
        drift = 1.004**months_elapsed
        region = REMOTE_REGION_MARKUP.get(buyer.region, 1.0)
        noise = math.exp(self.rng.gauss(0, 0.12))
        return product.base_price * buyer.price_effect * region * supplier.markup * drift * noise

    def _bidder_weights(self, family: str, region: int) -> list[float]:
        """Cumulative weights over the family's suppliers: local ones four times likelier (cached)."""
        key = (family, region)
        if key not in self._weights:
            pool = self.specialists[family] or self.suppliers
            self._weights[key] = list(accumulate(4.0 if s.region == region else 1.0 for s in pool))
        return self._weights[key]

    def bidders(self, family: str, buyer: Buyer, count: int) -> list[Supplier]:
        """Suppliers of the family, local ones far likelier, at least three."""
        pool = self.specialists[family] or self.suppliers
        weights = self._bidder_weights(family, buyer.region)
        chosen: dict[str, Supplier] = {}
        while len(chosen) < min(count, len(pool)):
            supplier = self.rng.choices(pool, cum_weights=weights)[0]
            chosen[supplier.rut] = supplier
        while len(chosen) < 3:
            supplier = self.rng.choice(self.suppliers)
            chosen[supplier.rut] = supplier
        return list(chosen.values())
