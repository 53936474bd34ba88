"""Cuenta: profile, company («Mi historial»), members (invite, role, remove) and accepting an
invitation, plan and this period's usage, subscription and invoices, Telegram, API keys, and security (password, email, close
every session). Every
handler re-checks the session and acts only on the signed-in user's own company."""

import dataclasses
import re
from collections.abc import Callable

import reflex as rx

from compraagil.accounts import companies, service
from compraagil.accounts.companies import SIZES, AccountOverview, Member
from compraagil.chile.regions import REGIONS
from compraagil.plans.table import get_plan
from compraagil.telegram import linking
from compraagil_web import routes
from compraagil_web.api_keys_state import ApiKeysState
from compraagil_web.billing_state import BillingState
from compraagil_web.components.account_cards import (
    ROLE_LABELS,
    invitation_card,
    members_card,
    plan_card,
    section_messages,
    security_card,
    telegram_card,
)
from compraagil_web.components.account_ui import error_message, field
from compraagil_web.components.api_keys_card import api_keys_card
from compraagil_web.components.billing_card import billing_card
from compraagil_web.components.layout import page
from compraagil_web.components.submit_button import submit_button
from compraagil_web.core_calls import CoreCalls
from compraagil_web.state import AuthState, signed_in_user, to_login


@dataclasses.dataclass
class UsageRow:
    key: str
    label: str
    text: str
    percent: int


@dataclasses.dataclass
class MemberRow:
    user_id: int
    email: str
    role: str
    role_code: str
    status: str


def _usage_rows(overview: AccountOverview) -> list[UsageRow]:
    rows = []
    for line in overview.usage:
        label = f"{line.label[0].upper()}{line.label[1:]} {line.period}"
        if line.limit is None:
            rows.append(UsageRow(line.feature.value, label, f"{line.used} · ilimitado", 0))
        else:
            percent = min(100, round(100 * line.used / line.limit))
            rows.append(UsageRow(line.feature.value, label, f"{line.used} de {line.limit}", percent))
    return rows


def _member_row(member: Member) -> MemberRow:
    status = "Confirmado" if member.verified else "Sin confirmar"
    return MemberRow(member.user_id, member.email, ROLE_LABELS[member.role], member.role, status)


class AccountState(CoreCalls, rx.State):
    email: str = ""
    role: str = ""
    is_owner: bool = False
    plan_name: str = ""
    plan_price: str = ""
    usage: list[UsageRow] = []
    company_name: str = ""
    rut: str = ""
    size: str = ""
    regions: list[str] = []
    keywords: str = ""
    history_href: str = ""
    members: list[MemberRow] = []
    section: str = ""
    notice: str = ""
    invitation: str = ""
    telegram_link: str = ""
    telegram_linked: bool = False

    def _show(self, overview: AccountOverview) -> None:
        plan = get_plan(overview.company.plan)
        company = overview.company
        self.email, self.role = overview.email, ROLE_LABELS[overview.role]
        self.is_owner = overview.role == "owner"
        self.plan_name, self.plan_price = plan.name, plan.price_label
        self.usage = _usage_rows(overview)
        self.company_name, self.rut, self.size = company.name, company.rut, company.size
        self.regions = [str(r) for r in company.regions]
        self.keywords = ", ".join(company.keywords)
        self.history_href = routes.supplier_url(company.rut_compact) if company.supplier_id else ""
        self.members = [_member_row(m) for m in overview.members]

    async def _refresh(self, user) -> None:
        found = await self._call(
            lambda session: (
                companies.account_overview(session=session, user_id=user.user_id, company_id=user.company_id),
                linking.is_linked(session=session, user_id=user.user_id),
            )
        )
        if found:
            self._show(found[0])
            self.telegram_linked = found[1]
            if self.telegram_linked:
                self.telegram_link = ""

    def _begin(self, section: str) -> None:
        self.section, self.notice, self.error = section, "", ""

    @rx.event
    async def load(self):
        self._start()
        self.section, self.notice = "", ""
        self.invitation = self.router.url.query_parameters.get("invitacion", "")
        user = await signed_in_user(self)
        if user is None:
            yield to_login(self)
            return
        await self._refresh(user)

    @rx.event
    async def save_company(self, form: dict):
        self._begin("company")
        user = await signed_in_user(self)
        if user is None:
            yield to_login(self)
            return
        regions = [
            int(key.split("-", 1)[1]) for key in form if key.startswith("region-") and key[7:].isdigit()
        ]
        keywords = [k for k in re.split(r"[,\n]", str(form.get("keywords", ""))) if k.strip()]
        saved = await self._call(
            lambda session: companies.update_company(
                session=session,
                user_id=user.user_id,
                company_id=user.company_id,
                name=str(form.get("company_name", "")),
                rut=str(form.get("rut", "")),
                size=str(form.get("size", "")),
                regions=regions,
                keywords=keywords,
            )
        )
        if saved:
            await self._refresh(user)
            self.section, self.notice = "company", "Guardamos los datos de tu empresa."

    @rx.event
    async def invite(self, form: dict):
        self._begin("members")
        user = await signed_in_user(self)
        if user is None:
            yield to_login(self)
            return
        email = str(form.get("invite_email", ""))
        await self._call(
            lambda session: companies.invite_member(
                session=session, user_id=user.user_id, company_id=user.company_id, email=email
            )
        )
        if not self.error:
            self.notice = f"Enviamos la invitación a {email.strip().lower()}."

    async def _reload(self, section: str, notice: str) -> None:
        """Show the account again as the server now sees it (the user's role or company may have changed)."""
        user = await signed_in_user(self)
        if user is not None:
            await self._refresh(user)
            self.section, self.notice = section, notice

    async def _change_members(self, change: Callable, done: Callable[[str], str]):
        """Run `change(session, user)` for the signed-in user (its email back), then show the team again."""
        self._begin("members")
        user = await signed_in_user(self)
        if user is None:
            return to_login(self)
        email = await self._call(lambda session: change(session, user))
        if email:
            await self._reload("members", done(email))
        return None

    @rx.event
    async def change_role(self, member_id: int, role: str):
        label = ROLE_LABELS.get(str(role), "").lower()
        return await self._change_members(
            lambda session, user: companies.change_role(
                session=session, user_id=user.user_id, company_id=user.company_id,
                member_id=int(member_id), role=str(role),
            ),
            lambda email: f"{email} ahora es {label}.",
        )  # fmt: skip

    @rx.event
    async def remove_member(self, member_id: int):
        return await self._change_members(
            lambda session, user: companies.remove_member(
                session=session, user_id=user.user_id, company_id=user.company_id, member_id=int(member_id)
            ),
            lambda email: f"Quitamos a {email} del equipo.",
        )

    @rx.event
    async def accept_invitation(self):
        self._begin("invitation")
        user = await signed_in_user(self)
        if user is None:
            yield to_login(self)
            return
        token = self.invitation
        name = await self._call(
            lambda session: companies.accept_invitation(session=session, user_id=user.user_id, token=token)
        )
        if name is not None:
            self.invitation = ""
            await self._reload("members", f"Te uniste a {name or 'la empresa'}.")

    @rx.event
    async def change_password(self, form: dict):
        self._begin("password")
        user = await signed_in_user(self)
        if user is None:
            yield to_login(self)
            return
        current, new = str(form.get("current_password", "")), str(form.get("new_password", ""))
        token = await self._call(
            lambda session: service.change_password(
                session=session, user_id=user.user_id, current_password=current, new_password=new
            )
        )
        if token:
            (await self.get_state(AuthState)).start_session(token)
            self.notice = "Cambiamos tu contraseña y cerramos las sesiones de otros dispositivos."

    @rx.event
    async def change_email(self, form: dict):
        self._begin("email")
        user = await signed_in_user(self)
        if user is None:
            yield to_login(self)
            return
        password, new_email = str(form.get("email_password", "")), str(form.get("new_email", ""))
        await self._call(
            lambda session: service.request_email_change(
                session=session, user_id=user.user_id, password=password, new_email=new_email
            )
        )
        if not self.error:
            self.notice = f"Te enviamos un enlace a {new_email.strip().lower()} para confirmar el cambio."

    @rx.event
    async def log_out_everywhere(self):
        user = await signed_in_user(self)
        if user is None:
            yield to_login(self)
            return
        await self._call(lambda session: service.log_out_everywhere(session=session, user_id=user.user_id))
        auth = await self.get_state(AuthState)
        yield auth.forget()

    @rx.event
    async def link_telegram(self):
        self._begin("telegram")
        user = await signed_in_user(self)
        if user is None:
            yield to_login(self)
            return
        url = await self._call(lambda session: linking.link_url(session=session, user_id=user.user_id))
        self.telegram_link = url or ""

    @rx.event
    async def check_telegram(self):
        """After linking in Telegram: show the card as it now is."""
        self._begin("telegram")
        user = await signed_in_user(self)
        if user is None:
            yield to_login(self)
            return
        await self._refresh(user)
        if not self.telegram_linked:
            self.error = "Aún no vemos el chat vinculado: abre el enlace y toca «Iniciar» en Telegram."

    @rx.event
    async def unlink_telegram(self):
        self._begin("telegram")
        user = await signed_in_user(self)
        if user is None:
            yield to_login(self)
            return
        await self._call(lambda session: linking.unlink_account(session=session, user_id=user.user_id))
        await self._refresh(user)
        self.notice = "Telegram desvinculado: ya no recibirás avisos por ese chat."


def _region_checkbox(number: int, name: str) -> rx.Component:
    return rx.el.label(
        rx.el.input(type="checkbox", name=f"region-{number}", default_checked=AccountState.regions.contains(str(number))),
        rx.text(name, as_="span", size="2"),
        style={"display": "flex", "gap": "0.4em", "align_items": "center"},
    )  # fmt: skip


def _company_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Tu empresa", size="4"),
            rx.cond(
                AccountState.history_href != "",
                rx.link(rx.icon("history", size=16), "Mi historial en Compra Ágil", href=AccountState.history_href, id="my-history"),
                rx.text("Con el RUT de tu empresa enlazamos tu historial de cotizaciones.", size="2", color_scheme="gray"),
            ),
            rx.form(
                rx.vstack(
                    field("Razón social", "company_name", default_value=AccountState.company_name, disabled=~AccountState.is_owner),
                    field("RUT", "rut", default_value=AccountState.rut, placeholder="76.123.456-7", disabled=~AccountState.is_owner),
                    rx.vstack(
                        rx.el.label(rx.text("Tamaño", size="2", weight="medium"), html_for="size"),
                        rx.el.select(
                            rx.el.option("Sin indicar", value=""),
                            *(rx.el.option(label, value=value) for value, label in SIZES.items()),
                            name="size", id="size", default_value=AccountState.size,
                            style={"padding": "0.45em", "border_radius": "6px", "border": "1px solid var(--gray-a7)"},
                        ),
                        spacing="1",
                    ),
                    rx.text("Regiones donde vendes", size="2", weight="medium"),
                    rx.grid(*(_region_checkbox(n, name) for n, name in REGIONS.items()), columns=rx.breakpoints(initial="1", sm="2", md="3"), spacing="1", width="100%"),
                    rx.vstack(
                        rx.el.label(rx.text("Productos o palabras clave que vendes (separados por coma)", size="2", weight="medium"), html_for="keywords"),
                        rx.text_area(name="keywords", id="keywords", default_value=AccountState.keywords, width="100%", rows="3"),
                        spacing="1",
                        width="100%",
                    ),
                    section_messages(AccountState, "company"),
                    rx.cond(AccountState.is_owner, submit_button("Guardar empresa", id="company-submit")),
                    spacing="3",
                    width="100%",
                ),
                on_submit=AccountState.save_company,
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )  # fmt: skip


@rx.page(
    route=routes.ACCOUNT,
    title="Cuenta · CompraAgil",
    on_load=[AccountState.load, BillingState.load, ApiKeysState.load],
)
def account_page() -> rx.Component:
    return page(
        rx.cond(
            AccountState.loading,
            rx.vstack(rx.skeleton(rx.box(height="120px"), width="100%"), rx.skeleton(rx.box(height="320px"), width="100%"), width="100%"),
            rx.vstack(
                rx.vstack(
                    rx.heading("Tu cuenta", size="7"),
                    rx.text(AccountState.email, " · ", AccountState.role, size="2", color_scheme="gray", id="account-email"),
                    spacing="1",
                ),
                rx.cond((AccountState.section == "") & (AccountState.error != ""), error_message(AccountState.error, id="account-error")),
                invitation_card(AccountState),
                rx.grid(
                    rx.vstack(plan_card(AccountState), billing_card(AccountState.is_owner), members_card(AccountState), api_keys_card(), spacing="4", width="100%"),
                    rx.vstack(_company_card(), telegram_card(AccountState), security_card(AccountState), spacing="4", width="100%"),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="4",
                    width="100%",
                ),
                spacing="4",
                width="100%",
                padding_y="1em",
            ),
        )
    )  # fmt: skip
