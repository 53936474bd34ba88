"""The labelled query set for search by meaning (`bench/meaning_bench.py`).

How it was built: the queries were written as Chilean suppliers type them into a search box —
colloquial names («papel confort», «balón de gas»), categories («insumos de aseo»), plurals and
abbreviations — before any ranking was measured. Each is judged by product family: its relevant
tenders are those asking for any of the catalogue products listed (a whole family of
`compraagil.ingest.synthetic.vocabulary.PRODUCT_FAMILIES`, or some of its products). `exact`
queries use the catalogue's own words, so full text alone already finds them; hybrid ranking must
never do worse on those. The halves alternate within each kind; the dev half alone was used to tune
`compraagil.search.meaning` (its similarity floor and depth); the test half is only reported.
"""

from dataclasses import dataclass

from compraagil.ingest.synthetic.vocabulary import PRODUCT_FAMILIES


@dataclass(frozen=True)
class LabelledQuery:
    text: str
    relevant: tuple[str, ...]
    """Catalogue product names, or family names standing for all their products."""
    exact: bool
    half: str
    """«dev» (may be tuned on) or «test» (only reported)."""

    @property
    def products(self) -> list[str]:
        """The catalogue products whose tenders are relevant."""
        names = []
        for name in self.relevant:
            names += (
                [product for product, _, _ in PRODUCT_FAMILIES[name]] if name in PRODUCT_FAMILIES else [name]
            )
        return names


def _halves(kind: list[tuple[str, tuple[str, ...]]], exact: bool) -> list[LabelledQuery]:
    return [
        LabelledQuery(text, relevant, exact, "dev" if number % 2 == 0 else "test")
        for number, (text, relevant) in enumerate(kind)
    ]


BY_MEANING = [
    ("insumos de aseo", ("Aseo y limpieza",)),
    ("útiles de aseo", ("Aseo y limpieza",)),
    ("papel confort", ("Papel higiénico jumbo 500 m",)),
    ("artículos de limpieza", ("Aseo y limpieza",)),
    ("guantes quirúrgicos", ("Guantes de nitrilo talla M caja 100 unidades",)),
    ("insumos clínicos", ("Insumos médicos",)),
    ("computador portátil", ("Notebook 14 pulgadas 8 GB RAM 256 GB SSD",)),
    ("tinta para impresora", ("Tóner HP 85A negro",)),
    ("material de oficina", ("Artículos de oficina",)),
    ("balón de gas", ("Gas licuado cilindro 15 kg",)),
    ("materiales de construcción", ("Ferretería",)),
    ("muebles de oficina", ("Mobiliario",)),
    ("elementos de protección personal", ("Ropa de trabajo y EPP",)),
    ("colaciones para reunión", ("Servicio de coffee break para 30 personas",)),
    ("control de plagas", ("Servicio de fumigación y desratización",)),
    ("tapabocas", ("Mascarilla quirúrgica desechable caja 50 unidades",)),
    ("abarrotes", ("Alimentos",)),
    ("accesorios computacionales", ("Mouse óptico USB", "Teclado USB en español", "Pendrive 64 GB", "Cable HDMI 2 m")),
    ("lápices", ("Lápiz pasta azul", "Lápices de colores caja 12")),
    ("silla de oficina", ("Silla de escritorio ergonómica",)),
    ("calzado de seguridad", ("Zapato de seguridad dieléctrico",)),
    ("combustible para calefacción", ("Leña de eucalipto metro cúbico", "Parafina 20 litros", "Gas licuado cilindro 15 kg")),
    ("ropa de trabajo", ("Overol de gabardina", "Parka impermeable", "Chaleco reflectante")),
    ("aire acondicionado", ("Mantención de aire acondicionado",)),
]  # fmt: skip

BY_WORDS = [
    ("cloro", ("Cloro líquido 5 litros",)),
    ("mascarillas", ("Mascarilla quirúrgica desechable caja 50 unidades",)),
    ("cemento", ("Cemento saco 25 kg",)),
    ("guantes de nitrilo", ("Guantes de nitrilo talla M caja 100 unidades",)),
    ("notebook", ("Notebook 14 pulgadas 8 GB RAM 256 GB SSD",)),
    ("detergente", ("Detergente líquido multiuso 5 litros",)),
    ("pintura", ("Pintura látex blanca 1 galón",)),
    ("cuadernos", ("Cuaderno universitario 100 hojas",)),
    ("jeringas", ("Jeringa desechable 5 ml",)),
    ("parafina", ("Parafina 20 litros",)),
    ("ampolleta led", ("Ampolleta LED 9 W",)),
    ("resma papel carta", ("Resma papel carta 75 g 500 hojas",)),
    ("toalla de papel", ("Toalla de papel interfoliada",)),
    ("casco de seguridad", ("Casco de seguridad con barbiquejo",)),
    ("monitor", ("Monitor LED 24 pulgadas",)),
    ("café", ("Café instantáneo 170 g",)),
]  # fmt: skip

QUERIES = _halves(BY_MEANING, exact=False) + _halves(BY_WORDS, exact=True)
