"""The four plans, their prices and what each gives (seed plan, «Distribución de Features por Tier»).

Each feature is one of: metered per Santiago day or month (counted in `usage_counters`), a cap on
how many of something a company keeps (alerts, saved tenders), or simply included or not.
"""

from dataclasses import dataclass
from enum import StrEnum

from compraagil.chile.money import format_clp
from compraagil.errors import InvalidInput


class Feature(StrEnum):
    PRICE_ANALYSIS = "price_analysis"
    KEYWORD_ALERTS = "keyword_alerts"
    SEMANTIC_ALERTS = "semantic_alerts"
    SCORING = "scoring"
    PROPOSALS = "proposals"
    COMPETITOR_ANALYSIS = "competitor_analysis"
    API = "api"
    SAVED_TENDERS = "saved_tenders"
    EXCEL_EXPORTS = "excel_exports"


class Kind(StrEnum):
    DAILY = "daily"
    MONTHLY = "monthly"
    CAP = "cap"
    INCLUDED = "included"


@dataclass(frozen=True)
class FeatureInfo:
    kind: Kind
    label: str
    """How a person names it, in a sentence: «análisis de precio»."""
    unit: str = ""
    """What the count is of: «análisis de precio al día»."""
    unlimited: str = ""
    """The phrase for no limit: «análisis de precio ilimitados»."""


FEATURES: dict[Feature, FeatureInfo] = {
    Feature.PRICE_ANALYSIS: FeatureInfo(
        Kind.DAILY, "análisis de precio", "análisis de precio al día", "análisis de precio ilimitados"
    ),
    Feature.KEYWORD_ALERTS: FeatureInfo(
        Kind.CAP,
        "alertas por palabra clave",
        "alertas por palabra clave",
        "alertas por palabra clave ilimitadas",
    ),
    Feature.SEMANTIC_ALERTS: FeatureInfo(Kind.INCLUDED, "alertas semánticas (IA)"),
    Feature.SCORING: FeatureInfo(Kind.INCLUDED, "probabilidad de ganar"),
    Feature.PROPOSALS: FeatureInfo(
        Kind.MONTHLY, "propuestas generadas", "propuestas al mes", "propuestas ilimitadas"
    ),
    Feature.COMPETITOR_ANALYSIS: FeatureInfo(Kind.INCLUDED, "análisis de competencia"),
    Feature.API: FeatureInfo(Kind.INCLUDED, "acceso a la API"),
    Feature.SAVED_TENDERS: FeatureInfo(
        Kind.CAP, "licitaciones guardadas", "licitaciones guardadas", "licitaciones guardadas ilimitadas"
    ),
    Feature.EXCEL_EXPORTS: FeatureInfo(
        Kind.MONTHLY,
        "exportaciones a Excel",
        "exportaciones a Excel al mes",
        "exportaciones a Excel ilimitadas",
    ),
}

UNLIMITED = None
"""A limit of None means no limit; for INCLUDED features, 1 means included and 0 not."""


@dataclass(frozen=True)
class Plan:
    code: str
    name: str
    price_clp: int
    limits: dict[Feature, int | None]

    @property
    def price_label(self) -> str:
        return "Gratis" if self.price_clp == 0 else f"{format_clp(self.price_clp)} al mes"

    def limit(self, feature: Feature) -> int | None:
        """How many of the feature the plan gives per period (None: unlimited; 0: not included)."""
        return self.limits[feature]


def _plan(code: str, name: str, price: int, *limits: int | None) -> Plan:
    return Plan(code, name, price, dict(zip(Feature, limits, strict=True)))


PLANS: dict[str, Plan] = {
    plan.code: plan
    for plan in (
        #     code           name           CLP/mes  precio alert sem scor prop comp api  saved excel
        _plan("FREE", "Free", 0, 2, 0, 0, 0, 0, 0, 0, 10, 0),
        _plan("EMPRENDEDOR", "Emprendedor", 4_990, 5, 3, 0, 0, 0, 0, 0, 50, 10),
        _plan("PYME", "Pyme", 9_990, 10, 10, 1, 1, 5, 0, 0, 200, 50),
        _plan("PROFESIONAL", "Profesional", 19_990, None, None, 1, 1, None, 1, 1, None, None),
    )
}
ORDER = list(PLANS)


def get_plan(code: str) -> Plan:
    """The plan with this code; InvalidInput when there is none."""
    try:
        return PLANS[code]
    except KeyError:
        raise InvalidInput(f"«{code}» no es un plan. Planes: {', '.join(ORDER)}.") from None


def next_plan_giving_more(plan: Plan, feature: Feature) -> Plan | None:
    """The cheapest higher plan that gives more of the feature, if any."""
    current = plan.limit(feature)
    for code in ORDER[ORDER.index(plan.code) + 1 :]:
        better = PLANS[code]
        limit = better.limit(feature)
        if limit is None or (current is not None and limit > current):
            return better
    return None


def describe_limit(plan: Plan, feature: Feature) -> str:
    """What the plan gives of the feature, as a short Spanish phrase («5 análisis de precio al día»)."""
    info, limit = FEATURES[feature], plan.limit(feature)
    if info.kind is Kind.INCLUDED:
        return f"{info.label}: {'incluido' if limit else 'no incluido'}"
    if limit is None:
        return info.unlimited
    return f"{limit} {info.unit}"
