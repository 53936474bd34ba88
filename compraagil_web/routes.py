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
PROPOSALS = "/propuestas"
PROPOSAL = "/propuestas/[proposal_id]"

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


def proposal_url(proposal_id: str, version: int | None = None) -> str:
    return f"/propuestas/{proposal_id}" + (f"?version={version}" if version else "")


def proposal_document_url(proposal_id: str, version: int, extension: str) -> str:
    """Where the browser downloads one version of a proposal (`pdf` or `docx`)."""
    return f"/api/proposals/{proposal_id}/{version}/{extension}"
