"""How buyers write a product in ProductoCotizado: free text, so one product comes in thousands of
spellings. Units and sizes abbreviated («cj», «lts», «t/»), the first word singular or plural, «de»
dropped, capitals, a brand, «o su equivalente», what it is for («para Escuela D-412»), typos. The
product's own words stay recognisable (a typo at most), as in real files; which product a spelling
is stays known to the generator (`Spelling.product`), the ground truth the price benchmark measures
its matching against."""

import random

ABBREVIATIONS = {
    "unidades": ("un", "unid", "u", "uds", "unidades"),
    "unidad": ("un", "unid", "u"),
    "caja": ("cj", "cja", "caja", "cajas"),
    "litros": ("lts", "lt", "l", "litros"),
    "litro": ("lt", "l", "lts"),
    "metros": ("mts", "m", "mt"),
    "hojas": ("hjs", "hojas", "h"),
    "pulgadas": ('"', "pulg", "pulgadas"),
    "talla": ("t/", "t.", "talla", "tall"),
    "kg": ("kg", "kilo", "kgs", "kilos"),
    "ml": ("ml", "cc", "mls"),
    "rollo": ("rollo", "rll", "rol"),
}
DROPPED = {"de", "para", "con", "en", "del"}
CLOSINGS = (
    "o su equivalente", "o similar", "o equivalente técnico", "según bases", "según especificaciones técnicas",
    "de buena calidad", "con despacho incluido", "entrega inmediata", "nuevo", "original",
)  # fmt: skip
BRANDS = (
    "Torre", "Rhein", "Proquímica", "Elite", "Artel", "Bic", "3M", "Kimberly", "Faber", "Stanley", "Bosch",
    "Tork", "Clorox", "Virginia", "HP", "Samsung", "Lenovo", "Nestlé", "Colún", "Sodimac",
)  # fmt: skip
PLACES = (
    "Cesfam", "Escuela", "Liceo", "Jardín Infantil", "Sala Cuna", "DAEM", "bodega central", "Departamento de Salud",
    "oficina de partes", "Hospital", "Posta Rural", "Juzgado", "Biblioteca Municipal", "Estadio", "Cecosf",
)  # fmt: skip
TYPO_SHARE = 0.15
"""Of spellings: one word of five letters or more with a letter dropped, doubled or swapped."""


def spell(product_name: str, rng: random.Random) -> str:
    """One buyer's spelling of `product_name`."""
    words = product_name.split()
    if rng.random() < 0.5:
        words = [_abbreviated(word, rng) for word in words]
    if rng.random() < 0.4:
        words = [word for index, word in enumerate(words) if index == 0 or word.lower() not in DROPPED]
    if rng.random() < 0.3:
        words[0] = _other_number(words[0])
    if rng.random() < 0.25:
        words.append(f"marca {rng.choice(BRANDS)}")
    if rng.random() < 0.3:
        words.append(rng.choice(CLOSINGS))
    if rng.random() < 0.35:
        place = rng.choice(PLACES)
        words.append(f"para {place} {rng.randint(1, 999)}" if rng.random() < 0.5 else f"para {place}")
    if rng.random() < TYPO_SHARE:
        words = _with_a_typo(words, rng)
    text = " ".join(words)
    shape = rng.random()
    if shape < 0.35:
        return text.upper()
    return text.lower() if shape < 0.45 else text


def _abbreviated(word: str, rng: random.Random) -> str:
    forms = ABBREVIATIONS.get(word.lower())
    return rng.choice(forms) if forms else word


def _other_number(word: str) -> str:
    """The first word in the other grammatical number, roughly («Guantes» ↔ «Guante»)."""
    return word[:-1] if word.lower().endswith("s") and len(word) > 4 else f"{word}s"


def _with_a_typo(words: list[str], rng: random.Random) -> list[str]:
    long = [index for index, word in enumerate(words) if len(word) >= 5 and word.isalpha()]
    if not long:
        return words
    index = rng.choice(long)
    word = words[index]
    at = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.4:
        word = word[:at] + word[at + 1 :]
    elif kind < 0.7:
        word = word[:at] + word[at] + word[at:]
    else:
        word = word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]
    return [*words[:index], word, *words[index + 1 :]]
