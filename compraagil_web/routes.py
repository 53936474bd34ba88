"""Page paths, so links and pages agree."""

HOME = "/"
SEARCH = "/buscar"
PRICES = "/precios"
ALERTS = "/alertas"
ACCOUNT = "/cuenta"

NAVIGATION = (
    ("Buscar", SEARCH),
    ("Precios", PRICES),
    ("Alertas", ALERTS),
    ("Cuenta", ACCOUNT),
)
