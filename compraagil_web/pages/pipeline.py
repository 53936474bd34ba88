"""Pipeline: the tenders the signed-in company follows, as a board by status or a list.

The company comes from the server-side session only; every handler checks it again."""

from datetime import UTC, datetime

import reflex as rx

from compraagil.chile.dates import SANTIAGO, parse_date
from compraagil.errors import InvalidInput, QuotaExceeded
from compraagil.pipeline import service
from compraagil.pipeline.logic import STATUS_LABELS, STATUSES, Filters, matches, parse_amount, usage_label
from compraagil_web import routes
from compraagil_web.components.account_ui import error_message, upgrade_callout
from compraagil_web.components.error_state import error_state
from compraagil_web.components.export_button import export_controls
from compraagil_web.components.layout import page
from compraagil_web.components.pipeline_cards import SELECT_STYLE, CardRow, card_row, pipeline_card
from compraagil_web.core_calls import CoreCalls
from compraagil_web.export_state import ExportMixin
from compraagil_web.state import signed_in_user, to_login

WITHIN_DAYS = (
    ("1", "Cierra en 1 día o menos"),
    ("2", "Cierra en 2 días o menos"),
    ("7", "Cierra en 7 días o menos"),
    ("30", "Cierra en 30 días o menos"),
)


def _parse_reminder(text: str):
    try:
        return parse_date(text) if text.strip() else None
    except ValueError:
        raise InvalidInput("Elige una fecha de recordatorio válida.") from None


def _attempt(work):
    """`work(session)`, with a plan limit or bad input returned (for the page to show) instead of raised."""

    def run(session):
        try:
            work(session)
        except (QuotaExceeded, InvalidInput) as error:
            return error
        return None

    return run


class PipelineState(CoreCalls, ExportMixin, rx.State):
    view: str = "tablero"
    status_filter: str = ""
    within_days: str = ""
    text: str = ""
    shown: list[CardRow] = []
    column_counts: list[int] = [0] * len(STATUSES)
    usage: str = ""
    has_items: bool = False
    editing: int = 0
    message: str = ""
    upgrade: str = ""
    _cards: list[service.Card] = []

    async def _user(self):
        user = await signed_in_user(self)
        if user is None:
            return None, to_login(self)
        return user, None

    def _export_request(self) -> tuple[str, dict]:
        return "pipeline", {}

    @rx.event
    async def load(self):
        user, redirect = await self._user()
        if user is None:
            yield redirect
            return
        self._start()
        yield
        await self._reload(user)

    async def _reload(self, user) -> None:
        def read(session):
            cards = service.list_items(session=session, user_id=user.user_id, company_id=user.company_id)
            return cards, service.usage(session=session, user_id=user.user_id, company_id=user.company_id)

        found = await self._call(read)
        if found is not None:
            self._cards, used = found
            self.usage = usage_label(used.used, used.limit)
            self.has_items = bool(self._cards)
            self._filter()

    def _filter(self) -> None:
        now = datetime.now(UTC)
        days = int(self.within_days) if self.within_days.isdigit() else None
        filters = Filters(self.status_filter, days, self.text)
        kept = [
            c
            for c in self._cards
            if matches(
                filters,
                status=c.status,
                closes_at=c.closes_at,
                searchable=" ".join((c.name, c.codigo, c.organismo, c.notes)),
                now=now,
            )
        ]
        today = now.astimezone(SANTIAGO).date()
        self.shown = [card_row(c, now, today) for c in kept]
        self.column_counts = [sum(c.status == s for c in kept) for s in STATUSES]

    async def _change(self, work):
        """Run a change for the signed-in company, then show the pipeline again (or why not)."""
        user, redirect = await self._user()
        if user is None:
            return redirect
        refused = await self._call(_attempt(lambda session: work(session, user)))
        self.message = refused.message if isinstance(refused, InvalidInput) else ""
        self.upgrade = refused.message if isinstance(refused, QuotaExceeded) else ""
        await self._reload(user)
        return None

    @rx.event
    def set_view(self, view: str):
        self.view = view

    @rx.event
    def set_status_filter(self, status: str):
        self.status_filter = status
        self._filter()

    @rx.event
    def set_within_days(self, days: str):
        self.within_days = days
        self._filter()

    @rx.event
    def set_text(self, text: str):
        self.text = text
        self._filter()

    @rx.event
    def edit(self, item_id: int):
        self.editing = item_id

    @rx.event
    def cancel_edit(self):
        self.editing = 0

    @rx.event
    async def move(self, item_id: int, status: str):
        """A person moves a card (their choice is kept over the history's outcome)."""
        return await self._change(
            lambda session, user: service.move_item(
                session=session,
                user_id=user.user_id,
                company_id=user.company_id,
                item_id=int(item_id),
                status=status,
            )
        )

    @rx.event
    async def save_edit(self, form: dict):
        """Amount, notes and reminder from the card's form."""
        amount, remind_on = form.get("amount", ""), form.get("remind_on", "")
        self.editing = 0
        return await self._change(
            lambda session, user: service.edit_item(
                session=session,
                user_id=user.user_id,
                company_id=user.company_id,
                item_id=int(form["item_id"]),
                quoted_amount=parse_amount(amount),
                notes=form.get("notes", ""),
                remind_on=_parse_reminder(remind_on),
            )
        )

    @rx.event
    async def remove(self, item_id: int):
        return await self._change(
            lambda session, user: service.remove_item(
                session=session, user_id=user.user_id, company_id=user.company_id, item_id=int(item_id)
            )
        )


def _card(row: CardRow) -> rx.Component:
    return pipeline_card(
        row,
        editing=PipelineState.editing,
        on_move=PipelineState.move,
        on_edit=PipelineState.edit,
        on_save=PipelineState.save_edit,
        on_cancel=PipelineState.cancel_edit,
        on_remove=PipelineState.remove,
    )


def _in_column(status: str):
    """What a column renders for each shown card: the card when it has that status."""
    return lambda row: rx.cond(row.status == status, _card(row))


def _board() -> rx.Component:
    return rx.grid(
        *(
            rx.vstack(
                rx.hstack(
                    rx.heading(STATUS_LABELS[status], size="3"),
                    rx.badge(PipelineState.column_counts[index], variant="soft"),
                    align="center",
                ),
                rx.foreach(PipelineState.shown, _in_column(status)),
                spacing="2",
                width="100%",
                id=f"pipeline-column-{status}",
                padding="0.5em",
                border_radius="8px",
                background_color="var(--gray-a2)",
            )
            for index, status in enumerate(STATUSES)
        ),
        columns=rx.breakpoints(initial="1", md="3", lg="5"),
        spacing="3",
        width="100%",
        id="pipeline-board",
    )


def _list() -> rx.Component:
    return rx.vstack(rx.foreach(PipelineState.shown, _card), spacing="2", width="100%", id="pipeline-list")


def _select(options, value, on_change, label: str, id: str) -> rx.Component:
    return rx.el.select(
        *(rx.el.option(text, value=v) for v, text in options),
        value=value,
        on_change=on_change,
        aria_label=label,
        id=id,
        style=SELECT_STYLE,
    )


def _filters() -> rx.Component:
    return rx.hstack(
        rx.hstack(
            *(
                rx.button(
                    label,
                    on_click=PipelineState.set_view(view),
                    variant=rx.cond(PipelineState.view == view, "solid", "soft"),
                    size="2",
                    id=f"pipeline-view-{view}",
                )
                for view, label in (("tablero", "Tablero"), ("lista", "Lista"))
            ),
            spacing="1",
        ),
        _select(
            [("", "Todos los estados"), *((s, STATUS_LABELS[s]) for s in STATUSES)],
            PipelineState.status_filter,
            PipelineState.set_status_filter,
            "Estado",
            "pipeline-status-filter",
        ),
        _select(
            [("", "Cierre: cualquier fecha"), *WITHIN_DAYS],
            PipelineState.within_days,
            PipelineState.set_within_days,
            "Cierre",
            "pipeline-within-filter",
        ),
        rx.input(
            placeholder="Filtrar por texto",
            value=PipelineState.text,
            on_change=PipelineState.set_text.debounce(300),
            id="pipeline-text-filter",
        ),
        wrap="wrap",
        spacing="2",
        align="center",
        width="100%",
    )


def _empty() -> rx.Component:
    return rx.callout(
        rx.vstack(
            rx.text("Aún no guardas licitaciones. Abre una y toca «Guardar en pipeline»."),
            rx.link("Buscar licitaciones", href=routes.SEARCH),
            spacing="2",
        ),
        icon="info",
        width="100%",
        id="pipeline-empty",
    )


def _content() -> rx.Component:
    return rx.vstack(
        _filters(),
        error_message(PipelineState.message, id="pipeline-error"),
        upgrade_callout(PipelineState.upgrade),
        rx.cond(
            PipelineState.has_items,
            rx.cond(PipelineState.view == "tablero", _board(), _list()),
            _empty(),
        ),
        spacing="3",
        width="100%",
    )


@rx.page(route=routes.PIPELINE, title="Pipeline · CompraAgil", on_load=PipelineState.load)
def pipeline_page() -> rx.Component:
    return page(
        rx.vstack(
            rx.hstack(
                rx.heading("Pipeline", size="7"),
                rx.spacer(),
                rx.badge(PipelineState.usage, size="2", variant="soft", id="pipeline-usage"),
                export_controls(PipelineState, "pipeline"),
                width="100%",
                align="center",
                wrap="wrap",
            ),
            rx.cond(
                PipelineState.loading,
                rx.skeleton(rx.box(height="300px"), width="100%"),
                rx.cond(
                    PipelineState.error != "", error_state(PipelineState, PipelineState.load), _content()
                ),
            ),
            spacing="4",
            width="100%",
            padding_y="1em",
        )
    )
