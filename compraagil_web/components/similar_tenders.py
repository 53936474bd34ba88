"""«Compras Ágiles parecidas» on a tender's page: the nearest in meaning, open ones first, each with
its buyer, closing and amount; loaded after the page, on its own."""

import dataclasses
from datetime import UTC, datetime
from urllib.parse import unquote

import reflex as rx

from compraagil.chile.dates import closing_label
from compraagil.chile.money import format_clp
from compraagil.embeddings.providers import get_embedder
from compraagil.embeddings.similar import SimilarTender, similar_tenders
from compraagil_web import routes
from compraagil_web.core_calls import CoreCalls


@dataclasses.dataclass
class SimilarRow:
    name: str
    href: str
    organismo: str
    closes: str
    urgency: str
    amount: str


def _row(tender: SimilarTender, now: datetime) -> SimilarRow:
    closes, urgency = closing_label(tender.closes_at, now) if tender.open else ("Cerrada", "gray")
    return SimilarRow(
        name=tender.name,
        href=routes.tender_url(tender.codigo),
        organismo=tender.organismo or "Organismo no informado",
        closes=closes,
        urgency=urgency,
        amount=format_clp(tender.amount_available, missing="Monto no informado"),
    )


class SimilarState(CoreCalls, rx.State):
    rows: list[SimilarRow] = []
    pending: bool = False
    """The tender has no embedding yet (it is new): its similar ones come in a few minutes."""

    @rx.event
    async def load(self):
        self._start()
        self.rows, self.pending = [], False
        codigo = unquote(self.router.url.path.rstrip("/").rsplit("/", 1)[-1])
        found = await self._call(
            lambda session: similar_tenders(session=session, embedder=get_embedder(), codigo=codigo)
        )
        self.pending = found is None and not self.error
        now = datetime.now(UTC)
        self.rows = [_row(tender, now) for tender in found or []]


def _item(row) -> rx.Component:
    return rx.vstack(
        rx.link(row.name, href=row.href, weight="medium", class_name="similar-link"),
        rx.hstack(
            rx.text(row.organismo, " · ", row.amount, size="1", color_scheme="gray"),
            rx.badge(row.closes, color_scheme=row.urgency, variant="soft"),
            wrap="wrap",
            align="center",
        ),
        spacing="1",
        padding_y="0.5em",
        border_bottom="1px solid var(--gray-a5)",
        width="100%",
        class_name="similar-row",
    )


def similar_section() -> rx.Component:
    return rx.vstack(
        rx.heading("Compras Ágiles parecidas", size="4"),
        rx.cond(
            SimilarState.loading,
            rx.skeleton(rx.box(height="80px"), width="100%"),
            rx.cond(
                SimilarState.pending,
                rx.text("Estamos analizando esta Compra Ágil: las parecidas aparecerán en unos minutos.", size="2", color_scheme="gray", id="similar-pending"),
                rx.cond(
                    SimilarState.error != "",
                    rx.text(SimilarState.error, size="2", color_scheme="red"),
                    rx.vstack(rx.foreach(SimilarState.rows, _item), spacing="0", width="100%", id="similar-tenders"),
                ),
            ),
        ),
        on_mount=SimilarState.load,
        spacing="3",
        width="100%",
    )  # fmt: skip
