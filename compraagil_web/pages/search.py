"""Buscar: Compras Ágiles by text and filters; the whole search lives in the URL, so it can be shared."""

import dataclasses
from datetime import UTC, datetime
from urllib.parse import urlencode

import reflex as rx

from compraagil.chile.dates import closing_label, format_datetime
from compraagil.chile.money import format_clp, format_count
from compraagil.chile.regions import REGIONS, SHORT_NAMES
from compraagil.search.query import SearchQuery, Sort, validated
from compraagil.search.service import TenderHit, search_tenders
from compraagil_web import routes
from compraagil_web.components.error_state import error_state
from compraagil_web.components.export_button import export_controls
from compraagil_web.components.layout import page
from compraagil_web.components.submit_button import submit_button
from compraagil_web.components.tender_list import tender_list
from compraagil_web.core_calls import CoreCalls
from compraagil_web.export_state import ExportMixin

FILTERS = (
    "q",
    "region",
    "alcance",
    "min",
    "max",
    "dias",
    "orden",
    "organismo",
    "pub_desde",
    "pub_hasta",
    "cierre_desde",
    "cierre_hasta",
)
DATE_FILTERS = {
    "pub_desde": "published_from",
    "pub_hasta": "published_to",
    "cierre_desde": "closes_from",
    "cierre_hasta": "closes_to",
}
"""URL parameter → SearchQuery field, for the date ranges (ISO dates, as <input type=date> sends them)."""
STATE_LABELS = {
    "publicada": "Publicada",
    "cerrada": "Cerrada",
    "desierta": "Desierta",
    "cancelada": "Cancelada",
}


@dataclasses.dataclass
class Segment:
    text: str
    marked: bool


@dataclasses.dataclass
class ResultRow:
    codigo: str
    href: str
    segments: list[Segment]
    organismo: str
    region: str
    amount: str
    closes: str
    closes_at: str
    urgency: str
    state: str
    by_meaning: bool


def result_row(hit: TenderHit, now: datetime) -> ResultRow:
    label, urgency = closing_label(hit.closes_at, now)
    return ResultRow(
        codigo=hit.codigo,
        href=routes.tender_url(hit.codigo),
        segments=[Segment(text, marked) for text, marked in hit.name_segments],
        organismo=hit.organismo or "Organismo no informado",
        region=SHORT_NAMES.get(hit.region, "") if hit.region else "",
        amount=format_clp(hit.amount_available),
        closes=label,
        closes_at=format_datetime(hit.closes_at),
        urgency=urgency,
        state=STATE_LABELS.get(hit.state, hit.state.replace("_", " ").capitalize()),
        by_meaning=hit.by_meaning,
    )


def _number(text: str) -> int | None:
    digits = "".join(ch for ch in text if ch.isdigit())
    return int(digits) if digits else None


class SearchState(CoreCalls, ExportMixin, rx.State):
    """The filters as the URL states them, and the page of results they give."""

    text: str = ""
    region: str = ""
    scope: str = "abiertas"
    min_amount: str = ""
    max_amount: str = ""
    within: str = ""
    organismo: str = ""
    published_from: str = ""
    published_to: str = ""
    closes_from: str = ""
    closes_to: str = ""
    sort: str = Sort.RELEVANCE.value
    page: int = 1
    rows: list[ResultRow] = []
    total_label: str = ""
    corrected: str = ""
    indexing_label: str = ""
    has_next: bool = False

    def _fields(self) -> dict:
        """The SearchQuery fields the URL states (validated in the core call)."""
        return dict(
            text=self.text,
            open_only=self.scope == "abiertas",
            region=int(self.region) if self.region.isdigit() else None,
            min_amount=_number(self.min_amount),
            max_amount=_number(self.max_amount),
            closes_within_days=_number(self.within),
            organismo=self.organismo,
            **{field: value for field in DATE_FILTERS.values() if (value := getattr(self, field))},
            sort=self.sort if self.sort in {s.value for s in Sort} else Sort.RELEVANCE,
            page=self.page,
        )

    def _export_request(self) -> tuple[str, dict]:
        return "busqueda", {k: v for k, v in self._fields().items() if k != "page"}

    @rx.event
    async def load(self):
        params = self.router.url.query_parameters
        self.text = params.get("q", "")
        self.region = params.get("region", "")
        self.scope = params.get("alcance", "abiertas")
        self.min_amount, self.max_amount = params.get("min", ""), params.get("max", "")
        self.within = params.get("dias", "")
        self.organismo = params.get("organismo", "")
        for key, field in DATE_FILTERS.items():
            setattr(self, field, params.get(key, ""))
        self.sort = params.get("orden", Sort.RELEVANCE.value)
        self.page = _number(params.get("pagina", "1")) or 1
        self.rows, self.total_label = [], ""
        self._start()
        yield
        fields = self._fields()
        result = await self._call(
            lambda session: search_tenders(session=session, query=validated(SearchQuery, **fields))
        )
        if result is None:
            return
        now = datetime.now(UTC)
        self.rows = [result_row(hit, now) for hit in result.hits]
        prefix = "Más de " if result.total_is_estimate else ""
        noun = "resultado" if result.total == 1 else "resultados"
        self.total_label = f"{prefix}{format_count(result.total)} {noun}"
        self.corrected = result.corrected_text or ""
        self.indexing_label = _indexing_label(result.tenders_indexing)
        self.has_next = result.page * result.page_size < result.total

    def _url(self, **changes: object) -> str:
        values = {
            "q": self.text, "region": self.region, "alcance": self.scope, "min": self.min_amount,
            "max": self.max_amount, "dias": self.within, "orden": self.sort, "pagina": self.page,
            "organismo": self.organismo, **{key: getattr(self, field) for key, field in DATE_FILTERS.items()},
        }  # fmt: skip
        values.update(changes)
        kept = {key: value for key, value in values.items() if value not in ("", None, 1) or key == "alcance"}
        return f"{routes.SEARCH}?{urlencode(kept)}"

    @rx.event
    def submit(self, form: dict):
        fields = {key: str(form.get(key, "")).strip() for key in FILTERS}
        self.text, self.region, self.scope = fields["q"], fields["region"], fields["alcance"] or "abiertas"
        self.min_amount, self.max_amount, self.within = fields["min"], fields["max"], fields["dias"]
        self.sort = fields["orden"] or Sort.RELEVANCE.value
        self.organismo = fields["organismo"]
        for key, field in DATE_FILTERS.items():
            setattr(self, field, fields[key])
        return rx.redirect(self._url(pagina=1))

    @rx.event
    def create_alert(self):
        """Open Alertas with a new alert made of this search's text and filters."""
        return rx.redirect(self._url(pagina=1).replace(routes.SEARCH, routes.ALERTS, 1) + "&nueva=1")

    @rx.event
    def next_page(self):
        return rx.redirect(self._url(pagina=self.page + 1))

    @rx.event
    def previous_page(self):
        return rx.redirect(self._url(pagina=max(1, self.page - 1)))


def _select(name: str, options: list[tuple[str, str]], value: rx.Var, label: str) -> rx.Component:
    return rx.el.select(
        *(rx.el.option(text, value=key) for key, text in options),
        name=name,
        default_value=value,
        aria_label=label,
        class_name="rt-reset",
        style={
            "padding": "0.45em",
            "border_radius": "6px",
            "border": "1px solid var(--gray-a7)",
            "width": "100%",
        },
    )


def _date(name: str, label: str, value: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(label, size="1", color_scheme="gray", white_space="nowrap", min_width="7.5em"),
        rx.input(type="date", name=name, default_value=value, aria_label=label, width="100%"),
        align="center",
        width="100%",
    )


def filters() -> rx.Component:
    regions = [("", "Todas las regiones")] + [(str(n), name) for n, name in REGIONS.items()]
    return rx.form(
        rx.vstack(
            rx.hstack(
                rx.input(
                    name="q", default_value=SearchState.text, placeholder="Ej.: guantes de nitrilo, resmas carta",
                    size="3", width="100%", aria_label="Buscar",
                ),
                submit_button(rx.icon("search"), "Buscar", size="3", id="search-submit"),
                width="100%",
            ),
            rx.grid(
                _select("region", regions, SearchState.region, "Región"),
                _select("alcance", [("abiertas", "Solo abiertas"), ("todas", "Abiertas y cerradas")], SearchState.scope, "Estado"),
                _select("dias", [("", "Cierre: cualquier fecha"), ("1", "Cierra en 24 horas"), ("2", "Cierra en 2 días"), ("7", "Cierra en 7 días")], SearchState.within, "Cierre"),
                _select("orden", [("relevancia", "Más relevantes"), ("cierre", "Cierre más próximo"), ("monto", "Mayor monto")], SearchState.sort, "Orden"),
                rx.input(name="min", default_value=SearchState.min_amount, placeholder="Monto mínimo $", inputmode="numeric"),
                rx.input(name="max", default_value=SearchState.max_amount, placeholder="Monto máximo $", inputmode="numeric"),
                rx.input(name="organismo", default_value=SearchState.organismo, placeholder="Organismo, ej.: Municipalidad de Chillán", aria_label="Organismo"),
                _date("pub_desde", "Publicada desde", SearchState.published_from),
                _date("pub_hasta", "Publicada hasta", SearchState.published_to),
                _date("cierre_desde", "Cierra desde", SearchState.closes_from),
                _date("cierre_hasta", "Cierra hasta", SearchState.closes_to),
                columns=rx.breakpoints(initial="1", sm="2", md="3"),
                spacing="2",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=SearchState.submit,
        width="100%",
    )  # fmt: skip


def _indexing_label(tenders: int) -> str:
    if not tenders:
        return ""
    if tenders == 1:
        return (
            "1 licitación recién importada aún se está indexando: aparecerá en la búsqueda en unos segundos."
        )
    return (
        f"{format_count(tenders)} licitaciones recién importadas aún se están indexando:"
        " aparecerán en la búsqueda en unos segundos."
    )


def results() -> rx.Component:
    return rx.fragment(
        rx.cond(
            SearchState.indexing_label != "",
            rx.callout(SearchState.indexing_label, icon="hourglass", size="1", id="search-indexing"),
        ),
        _results(),
    )


def _results() -> rx.Component:
    return rx.cond(
        SearchState.loading,
        rx.vstack(*(rx.skeleton(rx.box(height="56px"), width="100%") for _ in range(5)), width="100%"),
        rx.cond(
            SearchState.error != "",
            error_state(SearchState, SearchState.load),
            rx.cond(
                SearchState.rows.length() > 0,
                rx.vstack(
                    rx.text(SearchState.total_label, size="2", color_scheme="gray", id="search-total"),
                    rx.cond(
                        SearchState.corrected != "",
                        rx.text("Mostramos resultados para «", SearchState.corrected, "»", size="2", id="search-corrected"),
                    ),
                    tender_list(SearchState.rows),
                    rx.hstack(
                        rx.button("← Anterior", variant="soft", on_click=SearchState.previous_page, disabled=SearchState.page <= 1),
                        rx.text("Página ", SearchState.page, size="2"),
                        rx.button("Siguiente →", variant="soft", on_click=SearchState.next_page, disabled=~SearchState.has_next),
                        align="center",
                        justify="center",
                        width="100%",
                    ),
                    width="100%",
                    spacing="3",
                ),
                rx.callout(
                    rx.cond(
                        SearchState.text != "",
                        "Sin resultados para «" + SearchState.text + "»: prueba con menos palabras o quita filtros.",
                        "No hay Compras Ágiles con estos filtros: prueba quitando alguno.",
                    ),
                    icon="info",
                    id="search-empty",
                ),
            ),
        ),
    )  # fmt: skip


@rx.page(route=routes.SEARCH, title="Buscar Compras Ágiles · CompraAgil", on_load=SearchState.load)
def search_page() -> rx.Component:
    return page(
        rx.vstack(
            rx.hstack(
                rx.heading("Buscar", size="7"),
                rx.button(
                    rx.icon("bell_plus", size=16),
                    "Crear alerta con esta búsqueda",
                    variant="soft",
                    on_click=SearchState.create_alert,
                    id="search-create-alert",
                ),
                export_controls(SearchState, "search"),
                justify="between",
                align="center",
                wrap="wrap",
                width="100%",
            ),
            filters(),
            results(),
            spacing="4",
            width="100%",
            padding_y="1em",
        )
    )
