"""Admin (staff only): the business in figures, users, companies with plan and today's usage, plan
changes and notas de crédito with a reason, and the audit log of those changes."""

import dataclasses
from datetime import UTC, datetime

import reflex as rx

from compraagil.accounts import admin
from compraagil.chile.dates import format_datetime
from compraagil.chile.money import format_clp
from compraagil.payments.business import BusinessFigures, business_figures
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


@dataclasses.dataclass
class FigureRow:
    label: str
    value: str


def _overview(session, user_id: int) -> tuple:
    return (
        admin.list_companies(session=session, user_id=user_id),
        admin.list_users(session=session, user_id=user_id),
        admin.audit_log(session=session, user_id=user_id),
        business_figures(session=session, now=datetime.now(UTC)),
    )


def _figure_rows(figures: BusinessFigures) -> list[FigureRow]:
    by_plan = ", ".join(
        f"{PLANS[plan].name} {format_clp(amount)}" for plan, amount in sorted(figures.mrr_by_plan.items())
    )
    running = sum(figures.subscriptions_by_plan.values())
    return [
        FigureRow(
            "Ingreso mensual recurrente (IVA incluido)",
            f"{format_clp(figures.mrr)}" + (f" · {by_plan}" if by_plan else ""),
        ),
        FigureRow(
            "Suscripciones pagadas",
            f"{running} ({figures.past_due} con pago pendiente, {figures.ending} terminan este período)",
        ),
        FigureRow(
            "Últimos 30 días",
            f"{figures.new} nuevas · {figures.ended} terminadas · {figures.failed_payments} pagos fallidos",
        ),
        FigureRow(
            "Conversión tras un límite del plan (30 días)",
            f"{figures.converted_companies} de {figures.refused_companies} empresas pagaron ({figures.conversion:.0%})",
        ),
    ]


def _change_text(entry) -> str:
    if entry.action == "credit_note":
        return f"{entry.target}: nota de crédito N° {(entry.after or {}).get('nota_credito')} anula {(entry.before or {}).get('document')}"
    return f"{entry.target}: {(entry.before or {}).get('plan')} → {(entry.after or {}).get('plan')}"


class AdminState(CoreCalls, rx.State):
    allowed: bool = False
    companies: list[CompanyRow] = []
    users: list[UserRow] = []
    audit: list[AuditRow] = []
    figures: list[FigureRow] = []
    notice: str = ""

    async def _refresh(self, user_id: int) -> None:
        loaded = await self._call(lambda session: _overview(session, user_id))
        self.allowed = loaded is not None
        if loaded is None:
            return
        companies, users, audit, figures = loaded
        self.figures = _figure_rows(figures)
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
                _change_text(a),
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

    @rx.event
    async def credit_note(self, form: dict):
        self.notice, self.error = "", ""
        user = await signed_in_user(self)
        if user is None:
            yield to_login(self)
            return
        kind, number, reason = (
            str(form.get("kind", "")),
            str(form.get("number", "")),
            str(form.get("reason", "")),
        )
        if not number.isdigit():
            self.error = "Escribe el número del documento."
            return
        made = await self._call(
            lambda session: admin.credit_note(
                session=session, user_id=user.user_id, kind=kind, number=int(number), reason=reason
            )
        )
        if made is not None:
            await self._refresh(user.user_id)
            self.notice = (
                f"Nota de crédito N° {made} emitida. Devuelve el dinero desde el panel de Flow o Stripe."
            )


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


def _credit_note_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Nota de crédito (reembolso)", size="4"),
                rx.flex(
                    _select("kind", [rx.el.option("Boleta", value="boleta"), rx.el.option("Factura", value="factura")], "Documento"),
                    rx.input(name="number", placeholder="N°", aria_label="Número", required=True, width="90px"),
                    rx.input(name="reason", placeholder="Razón (p. ej. reembolso pedido el 12-03)", aria_label="Razón de la nota de crédito", required=True, flex="1", min_width="200px"),
                    submit_button("Emitir nota de crédito", id="admin-credit-note", color_scheme="red", variant="soft"),
                    gap="2",
                    wrap="wrap",
                    width="100%",
                ),
                rx.text("Anula el documento completo. El plan se cambia arriba si corresponde.", size="1", color_scheme="gray"),
                spacing="3",
                width="100%",
            ),
            on_submit=AdminState.credit_note,
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
                    _table(["Negocio", ""], AdminState.figures, lambda f: [f.label, f.value]),
                    _plan_form(),
                    _credit_note_form(),
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
