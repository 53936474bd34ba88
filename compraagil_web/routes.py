"""Page paths, so links and pages agree."""

from urllib.parse import quote, urlencode

HOME = "/"
SEARCH = "/buscar"
PRICES = "/precios"
ALERTS = "/alertas"
ACCOUNT = "/cuenta"
TENDER = "/licitacion/[codigo]"
BUYER = "/organismo/[buyer_id]"
SUPPLIER = "/proveedor/[rut]"
LOGIN = "/entrar"
SIGNUP = "/crear-cuenta"
RECOVER = "/recuperar"
VERIFY = "/verificar"
PLANS = "/planes"
ADMIN = "/admin"
RESULTS = "/resultados"
PIPELINE = "/pipeline"
PAYMENT = "/pago"

NAVIGATION = (
    ("Buscar", SEARCH),
    ("Precios", PRICES),
    ("Alertas", ALERTS),
    ("Planes", PLANS),
)


def tender_url(codigo: str) -> str:
    return f"/licitacion/{quote(codigo)}"


def buyer_url(buyer_id: int) -> str:
    return f"/organismo/{buyer_id}"


def supplier_url(rut: str) -> str:
    return f"/proveedor/{quote(rut)}"


def prices_url(product: str, **filters: object) -> str:
    return f"{PRICES}?{urlencode({'producto': product, **{k: v for k, v in filters.items() if v}})}"
