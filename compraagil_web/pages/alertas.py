"""Alertas: the signed-in user's saved searches (create, edit, pause, delete; usage against the plan's
cap) and the inbox of what they found. A search from Buscar arrives as `?nueva=1&q=…` with its filters."""

from datetime import UTC, datetime

import reflex as rx

from compraagil.alerts import semantic, service
from compraagil.alerts.logic import FREQUENCY_LABELS, Channel, Frequency
from compraagil.chile.money import format_count
from compraagil.chile.regions import REGIONS
from compraagil.errors import InvalidInput
from compraagil.telegram import linking
from compraagil_web import routes
from compraagil_web.components.account_ui import error_message, upgrade_callout
from compraagil_web.components.alert_inbox import inbox
from compraagil_web.components.alert_rows import (
    EMPTY_FORM,
    AlertRow,
    InboxRow,
    alert_input,
    alert_row,
    form_values,
    inbox_row,
)
from compraagil_web.components.error_state import error_state
from compraagil_web.components.layout import BellState, page
from compraagil_web.components.submit_button import submit_button
from compraagil_web.core_calls import CoreCalls
from compraagil_web.state import signed_in_user, to_login, within_quota


class AlertsState(CoreCalls, rx.State):
    alerts: list[AlertRow] = []
    inbox: list[InboxRow] = []
    usage: str = ""
    form_open: bool = False
    editing: int = 0
    form: dict[str, str] = EMPTY_FORM
    email: bool = True
    in_inbox: bool = True
    telegram: bool = False
    semantic: bool = False
    telegram_linked: bool = True
    feedback: str = ""
    form_key: int = 0
    form_error: str = ""
    quota_error: str = ""

    async def _user_id(self) -> int | None:
        user = await signed_in_user(self)
        return user.user_id if user else None

    @rx.event
    async def load(self):
        user_id = await self._user_id()
        if user_id is None:
            yield to_login(self)
            return
        params = self.router.url.query_parameters
        self.form_error = self.quota_error = ""
        if params.get("nueva"):
            self._open(
                {key: params.get(key, "") for key in EMPTY_FORM} | {"frecuencia": Frequency.INSTANT.value}
            )
        self._start()
        yield
        await self._refresh(user_id)

    async def _refresh(self, user_id: int) -> None:
        def read(session):
            return (
                service.list_alerts(session=session, user_id=user_id),
                service.alert_usage(session=session, user_id=user_id),
                service.inbox(session=session, user_id=user_id),
                service.unread_count(session=session, user_id=user_id),
                linking.is_linked(session=session, user_id=user_id),
            )

        result = await self._call(read)
        if result is None:
            return
        alerts, usage, inbox, unread, self.telegram_linked = result
        now = datetime.now(UTC)
        self.alerts = [alert_row(alert, now) for alert in alerts]
        self.inbox = [inbox_row(entry, now) for entry in inbox]
        limit = "sin límite" if usage.limit is None else format_count(usage.limit)
        self.usage = f"{format_count(usage.used)} de {limit} alertas"
        bell = await self.get_state(BellState)
        bell.unread = unread

    def _open(
        self,
        values: dict[str, str],
        editing: int = 0,
        channels: list[str] | None = None,
        semantic: bool = False,
    ) -> None:
        channels = [Channel.INBOX.value, Channel.EMAIL.value] if channels is None else channels
        self.semantic = semantic
        self.form, self.editing, self.form_open = EMPTY_FORM | values, editing, True
        self.email, self.in_inbox = Channel.EMAIL.value in channels, Channel.INBOX.value in channels
        self.telegram = Channel.TELEGRAM.value in channels
        self.form_key += 1
        self.form_error = self.quota_error = ""

    @rx.event
    def new_alert(self):
        self._open({})

    @rx.event
    async def edit(self, alert_id: int):
        user_id = await self._user_id()
        if user_id is None:
            return to_login(self)
        alerts = await self._call(lambda session: service.list_alerts(session=session, user_id=user_id))
        for alert in alerts or []:
            if alert.id == alert_id:
                self._open(form_values(alert), alert_id, alert.channels, alert.semantic)

    @rx.event
    def close_form(self):
        self.form_open, self.editing = False, 0
        return rx.redirect(routes.ALERTS, replace=True)

    @rx.event
    async def save(self, form: dict):
        user_id = await self._user_id()
        if user_id is None:
            yield to_login(self)
            return
        channels = [channel for channel in Channel if form.get(channel.value)]
        self.email, self.in_inbox = Channel.EMAIL in channels, Channel.INBOX in channels
        self.telegram = Channel.TELEGRAM in channels
        self.semantic = bool(form.get("significado"))
        self.form = EMPTY_FORM | {key: str(value) for key, value in form.items() if key in EMPTY_FORM}
        try:
            fields = alert_input(form, channels, self.semantic)
        except InvalidInput as error:
            self.form_error = error.message
            return
        alert_id = self.editing
        if alert_id:
            saved = await self._call(
                lambda session: service.update_alert(
                    session=session, user_id=user_id, alert_id=alert_id, fields=fields
                )
            )
        else:
            saved = await within_quota(
                self, lambda session: service.create_alert(session=session, user_id=user_id, fields=fields)
            )
        self.form_error, self.error = self.error, ""
        if saved is None:
            return
        self.form_open, self.editing = False, 0
        yield rx.redirect(routes.ALERTS, replace=True)

    @rx.event
    async def set_active(self, alert_id: int, active: bool):
        user_id = await self._user_id()
        if user_id is None:
            return to_login(self)
        await self._call(
            lambda session: service.set_active(
                session=session, user_id=user_id, alert_id=alert_id, active=active
            )
        )
        await self._refresh(user_id)

    @rx.event
    async def delete(self, alert_id: int):
        user_id = await self._user_id()
        if user_id is None:
            return to_login(self)
        await self._call(
            lambda session: service.delete_alert(session=session, user_id=user_id, alert_id=alert_id)
        )
        await self._refresh(user_id)

    @rx.event
    async def mark_read(self, notice_id: int):
        user_id = await self._user_id()
        if user_id is None:
            return to_login(self)
        await self._call(
            lambda session: service.mark_read(session=session, user_id=user_id, notice_id=notice_id)
        )
        await self._refresh(user_id)

    @rx.event
    async def judge(self, notice_id: int, useful: bool):
        """👍/👎 on a notice of a semantic alert: the alert learns from it."""
        user_id = await self._user_id()
        if user_id is None:
            return to_login(self)
        message = await self._call(
            lambda session: semantic.judge(
                session=session, user_id=user_id, notice_id=notice_id, useful=useful
            )
        )
        self.feedback = message or ""
        await self._refresh(user_id)

    @rx.event
    async def mark_all_read(self):
        user_id = await self._user_id()
        if user_id is None:
            return to_login(self)
        await self._call(lambda session: service.mark_read(session=session, user_id=user_id))
        await self._refresh(user_id)


def _input(key: str, label: str, **props) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.input(name=key, default_value=AlertsState.form[key], aria_label=label, width="100%", **props),
        spacing="1",
        width="100%",
    )


def _select(key: str, label: str, options: list[tuple[str, str]]) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.el.select(
            *(rx.el.option(text, value=value) for value, text in options),
            name=key, default_value=AlertsState.form[key], aria_label=label, class_name="rt-reset",
            style={"padding": "0.45em", "border_radius": "6px", "border": "1px solid var(--gray-a7)", "width": "100%"},
        ),
        spacing="1",
        width="100%",
    )  # fmt: skip


def alert_form() -> rx.Component:
    regions = [("", "Todas las regiones")] + [(str(n), name) for n, name in REGIONS.items()]
    within = [
        ("", "Cualquier fecha de cierre"),
        ("1", "Cierra en 24 horas"),
        ("2", "Cierra en 2 días"),
        ("7", "Cierra en 7 días"),
    ]
    frequencies = [(f.value, label) for f, label in FREQUENCY_LABELS.items()]
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(rx.cond(AlertsState.editing > 0, "Editar alerta", "Nueva alerta"), size="4"),
                rx.grid(
                    _input("q", "Palabras", placeholder="Ej.: guantes de nitrilo"),
                    _input("nombre", "Nombre (opcional)", placeholder="Ej.: Guantes Ñuble"),
                    _select("region", "Región", regions),
                    _input("organismo", "Organismo", placeholder="Ej.: Municipalidad de Chillán"),
                    _input("min", "Monto mínimo $", inputmode="numeric"),
                    _input("max", "Monto máximo $", inputmode="numeric"),
                    _select("dias", "Cierre", within),
                    _input("pub_desde", "Publicada desde", type="date"),
                    _input("pub_hasta", "Publicada hasta", type="date"),
                    _input("cierre_desde", "Cierra desde", type="date"),
                    _input("cierre_hasta", "Cierra hasta", type="date"),
                    _select("frecuencia", "Frecuencia", frequencies),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                rx.vstack(
                    rx.checkbox("Por significado (IA)", name="significado", default_checked=AlertsState.semantic, id="alert-semantic"),
                    rx.text(
                        "Avisa de Compras Ágiles que tratan de lo mismo aunque usen otras palabras, y aprende de tus 👍/👎."
                        " Sin palabras, usa los productos que tu empresa ya cotizó. Desde el plan PYME.",
                        size="1", color_scheme="gray",
                    ),
                    spacing="1",
                ),
                rx.hstack(
                    rx.text("Avisar por:", size="2"),
                    rx.checkbox("Bandeja", name="inbox", default_checked=AlertsState.in_inbox),
                    rx.checkbox("Correo", name="email", default_checked=AlertsState.email),
                    rx.checkbox("Telegram", name="telegram", default_checked=AlertsState.telegram),
                    spacing="4",
                    align="center",
                    wrap="wrap",
                ),
                rx.cond(
                    AlertsState.telegram_linked,
                    rx.fragment(),
                    rx.text("Para recibir avisos por Telegram, vincula tu chat en ", rx.link("Cuenta", href="/cuenta"), ".", size="1", color_scheme="gray", id="alert-telegram-hint"),
                ),
                rx.text("Las alertas avisan de Compras Ágiles abiertas, nuevas o que cambiaron.", size="1", color_scheme="gray"),
                error_message(AlertsState.form_error, id="alert-form-error"),
                upgrade_callout(AlertsState.quota_error),
                rx.hstack(
                    submit_button("Guardar alerta", id="alert-save"),
                    rx.button("Cancelar", type="button", variant="soft", color_scheme="gray", on_click=AlertsState.close_form),
                    spacing="3",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=AlertsState.save,
            key=AlertsState.form_key,
            width="100%",
        ),
        width="100%",
        id="alert-form",
    )  # fmt: skip


def _alert_card(row: AlertRow) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.text(row.name, weight="bold", size="3"),
                rx.text(row.filters, size="2"),
                rx.text(row.frequency, " · ", row.channels, size="1", color_scheme="gray"),
                rx.cond(
                    row.learns_from != "",
                    rx.text("Por significado, hecha con ", row.learns_from, "; aprende de tus 👍/👎.", size="1", color_scheme="violet", class_name="alert-learns"),
                ),
                spacing="1",
                flex="1",
                min_width="0",
            ),
            rx.vstack(
                rx.hstack(
                    rx.text(rx.cond(row.active, "Activa", "En pausa"), size="1", color_scheme="gray"),
                    rx.switch(checked=row.active, on_change=lambda on: AlertsState.set_active(row.id, on), aria_label="Activa"),
                    align="center",
                ),
                rx.hstack(
                    rx.button("Editar", size="1", variant="soft", on_click=AlertsState.edit(row.id)),
                    rx.button("Eliminar", size="1", variant="soft", color_scheme="red", on_click=AlertsState.delete(row.id)),
                ),
                align="end",
                spacing="2",
            ),
            width="100%",
            wrap="wrap",
        ),
        width="100%",
        class_name="alert-row",
    )  # fmt: skip


def alert_list() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Mis alertas", size="5"),
            rx.badge(AlertsState.usage, size="2", id="alert-usage"),
            rx.spacer(),
            rx.cond(~AlertsState.form_open, rx.button(rx.icon("plus", size=16), "Nueva alerta", on_click=AlertsState.new_alert, id="alert-new")),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.cond(AlertsState.form_open, alert_form()),
        rx.foreach(AlertsState.alerts, _alert_card),
        rx.cond(
            (AlertsState.alerts.length() == 0) & ~AlertsState.form_open,
            rx.callout(
                "Aún no tienes alertas. Crea una aquí o desde Buscar con «Crear alerta con esta búsqueda», y te avisamos cuando aparezca una Compra Ágil que calce.",
                icon="bell",
            ),
        ),
        spacing="3",
        width="100%",
    )  # fmt: skip


@rx.page(route=routes.ALERTS, title="Alertas · CompraAgil", on_load=AlertsState.load)
def alerts_page() -> rx.Component:
    return page(
        rx.vstack(
            rx.heading("Alertas", size="7"),
            rx.cond(
                AlertsState.loading,
                rx.vstack(*(rx.skeleton(rx.box(height="64px"), width="100%") for _ in range(3)), width="100%"),
                rx.cond(
                    AlertsState.error != "",
                    error_state(AlertsState, AlertsState.load),
                    rx.grid(alert_list(), inbox(AlertsState), columns=rx.breakpoints(initial="1", md="2"), spacing="5", width="100%"),
                ),
            ),
            spacing="4",
            width="100%",
            padding_y="1em",
        )
    )  # fmt: skip
