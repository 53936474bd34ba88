"""Admin (staff only): users, companies with plan and today's usage, plan changes with a reason,
and the audit log of those changes."""

import dataclasses

import reflex as rx

from compraagil.accounts import admin
from compraagil.chile.dates import format_datetime
from compraagil.plans.table import PLANS
from compraagil_web import routes
from compraagil_web.components.account_ui import error_message, ok_message
from compraagil_web.components.layout import page
from compraagil_web.components.submit_button import submit_button
from compraagil_web.core_calls import CoreCalls
from compraagil_web.state import signed_in_user, to_login


@dataclasses.dataclass
class CompanyRow:
    id: str
    name: str
    rut: str
    plan: str
    members: str
    today: str


@dataclasses.dataclass
class UserRow:
    email: str
    company: str
    role: str
    status: str
    created: str


@dataclasses.dataclass
class AuditRow:
    at: str
    actor: str
    change: str
    reason: str


def _overview(session, user_id: int) -> tuple:
    return (
        admin.list_companies(session=session, user_id=user_id),
        admin.list_users(session=session, user_id=user_id),
        admin.audit_log(session=session, user_id=user_id),
    )


class AdminState(CoreCalls, rx.State):
    allowed: bool = False
    companies: list[CompanyRow] = []
    users: list[UserRow] = []
    audit: list[AuditRow] = []
    notice: str = ""

    async def _refresh(self, user_id: int) -> None:
        loaded = await self._call(lambda session: _overview(session, user_id))
        self.allowed = loaded is not None
        if loaded is None:
            return
        companies, users, audit = loaded
        self.companies = [
            CompanyRow(
                str(c.id),
                c.name or "(sin nombre)",
                c.rut,
                c.plan,
                str(c.members),
                str(c.price_analyses_today),
            )
            for c in companies
        ]
        self.users = [
            UserRow(
                u.email,
                f"{u.company or '(sin nombre)'} (#{u.company_id})",
                ("staff · " if u.staff else "") + u.role,
                "confirmado" if u.verified else "sin confirmar",
                format_datetime(u.created_at),
            )
            for u in users
        ]
        self.audit = [
            AuditRow(
                format_datetime(a.at),
                a.actor,
                f"{a.target}: {(a.before or {}).get('plan')} → {(a.after or {}).get('plan')}",
                a.reason,
            )
            for a in audit
        ]

    @rx.event
    async def load(self):
        self._start()
        self.notice = ""
        user = await signed_in_user(self)
        if user is None:
            yield to_login(self)
            return
        await self._refresh(user.user_id)

    @rx.event
    async def change_plan(self, form: dict):
        self.notice, self.error = "", ""
        user = await signed_in_user(self)
        if user is None:
            yield to_login(self)
            return
        company = str(form.get("company_id", ""))
        plan, reason = str(form.get("plan", "")), str(form.get("reason", ""))
        if not company.isdigit():
            self.error = "Elige una empresa."
            return
        await self._call(
            lambda session: admin.change_plan(
                session=session, user_id=user.user_id, company_id=int(company), plan=plan, reason=reason
            )
        )
        if not self.error:
            await self._refresh(user.user_id)
            self.notice = f"La empresa #{company} quedó en el plan {PLANS[plan].name}."


def _select(name: str, options, label: str) -> rx.Component:
    return rx.el.select(
        *options, name=name, id=name, aria_label=label, required=True,
        style={"padding": "0.45em", "border_radius": "6px", "border": "1px solid var(--gray-a7)", "max_width": "100%"},
    )  # fmt: skip


def _plan_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Cambiar plan", size="4"),
                rx.flex(
                    _select("company_id", [rx.el.option("Empresa…", value=""), rx.foreach(AdminState.companies, lambda c: rx.el.option(c.name + " (#" + c.id + ")", value=c.id))], "Empresa"),
                    _select("plan", [rx.el.option(p.name, value=p.code) for p in PLANS.values()], "Plan"),
                    rx.input(name="reason", placeholder="Motivo (p. ej. transferencia 12-03)", aria_label="Motivo", required=True, flex="1", min_width="200px"),
                    submit_button("Cambiar plan", id="admin-change-plan"),
                    gap="2",
                    wrap="wrap",
                    width="100%",
                ),
                error_message(AdminState.error, id="admin-error"),
                ok_message(AdminState.notice, id="admin-ok"),
                spacing="3",
                width="100%",
            ),
            on_submit=AdminState.change_plan,
            reset_on_submit=True,
            width="100%",
        ),
        width="100%",
    )  # fmt: skip


def _table(headers: list[str], rows, cells) -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*(rx.table.column_header_cell(h) for h in headers))),
            rx.table.body(rx.foreach(rows, lambda r: rx.table.row(*(rx.table.cell(c) for c in cells(r))))),
            variant="surface",
            size="1",
            width="100%",
        ),
        width="100%",
        overflow_x="auto",
    )


@rx.page(route=routes.ADMIN, title="Admin · CompraAgil", on_load=AdminState.load)
def admin_page() -> rx.Component:
    return page(
        rx.cond(
            AdminState.loading,
            rx.skeleton(rx.box(height="240px"), width="100%"),
            rx.cond(
                AdminState.allowed,
                rx.vstack(
                    rx.heading("Admin", size="7"),
                    _plan_form(),
                    rx.heading("Empresas", size="4"),
                    _table(["#", "Empresa", "RUT", "Plan", "Usuarios", "Análisis hoy"], AdminState.companies, lambda c: [c.id, c.name, c.rut, c.plan, c.members, c.today]),
                    rx.heading("Usuarios", size="4"),
                    _table(["Correo", "Empresa", "Rol", "Estado", "Alta"], AdminState.users, lambda u: [u.email, u.company, u.role, u.status, u.created]),
                    rx.heading("Registro de cambios", size="4"),
                    _table(["Cuándo", "Quién", "Cambio", "Motivo"], AdminState.audit, lambda a: [a.at, a.actor, a.change, a.reason]),
                    spacing="4",
                    width="100%",
                    padding_y="1em",
                ),
                error_message(AdminState.error, id="admin-forbidden"),
            ),
        )
    )  # fmt: skip
