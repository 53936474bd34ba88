"""Chile's 16 regions, numbered 1..16 as Mercado Público numbers them."""

import unicodedata

REGIONS: dict[int, str] = {
    1: "Región de Tarapacá",
    2: "Región de Antofagasta",
    3: "Región de Atacama",
    4: "Región de Coquimbo",
    5: "Región de Valparaíso",
    6: "Región del Libertador General Bernardo O'Higgins",
    7: "Región del Maule",
    8: "Región del Biobío",
    9: "Región de La Araucanía",
    10: "Región de Los Lagos",
    11: "Región de Aysén del General Carlos Ibáñez del Campo",
    12: "Región de Magallanes y de la Antártica Chilena",
    13: "Región Metropolitana de Santiago",
    14: "Región de Los Ríos",
    15: "Región de Arica y Parinacota",
    16: "Región de Ñuble",
}

SHORT_NAMES: dict[int, str] = {
    1: "Tarapacá",
    2: "Antofagasta",
    3: "Atacama",
    4: "Coquimbo",
    5: "Valparaíso",
    6: "O'Higgins",
    7: "Maule",
    8: "Biobío",
    9: "La Araucanía",
    10: "Los Lagos",
    11: "Aysén",
    12: "Magallanes",
    13: "Metropolitana",
    14: "Los Ríos",
    15: "Arica y Parinacota",
    16: "Ñuble",
}


def region_name(number: int) -> str:
    """The full name, e.g. 16 → `Región de Ñuble`; KeyError for numbers outside 1..16."""
    return REGIONS[number]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


_BY_NAME = {_fold(name): number for number in REGIONS for name in (REGIONS[number], SHORT_NAMES[number])}
_BY_NAME[_fold("Región Metropolitana")] = 13


_SHORT_FOLDED = sorted(((_fold(name), n) for n, name in SHORT_NAMES.items()), key=lambda p: -len(p[0]))
_SHORT_FOLDED.append((_fold("Bío-Bío"), 8))


def region_number(name: str) -> int | None:
    """The number for a region's name as the sources spell it (accents and case ignored)."""
    folded = _fold(name)
    if folded in _BY_NAME:
        return _BY_NAME[folded]
    for short, number in _SHORT_FOLDED:
        if short in folded:
            return number
    return None
