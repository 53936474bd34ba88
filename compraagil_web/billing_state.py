"""Cuenta's «Suscripción y boletas» card: the subscription's state and renewal (cancel or resume),
the billing details for facturas, and the documents issued with their PDFs."""

import dataclasses

import reflex as rx

from compraagil.chile.dates import format_date
from compraagil.chile.money import format_clp
from compraagil.payments import billing, subscriptions
from compraagil.payments.billing import BillingOverview
from compraagil_web.core_calls import CoreCalls
from compraagil_web.payment_routes import invoice_url
from compraagil_web.state import signed_in_user, to_login


@dataclasses.dataclass
class DocumentRow:
    label: str
    date: str
    total: str
    href: str


def _status_text(overview: BillingOverview) -> str:
    if not overview.subscribed:
        return f"Plan {overview.plan_name}, sin suscripción pagada."
    end = format_date(overview.period_end)
    if overview.status == "past_due":
        return f"No pudimos cobrar la renovación: mantienes el plan {overview.plan_name} hasta el {format_date(overview.grace_until)}."
    if overview.cancel_at_period_end:
        return f"Plan {overview.plan_name} hasta el {end}; no se renovará."
    how = (
        "se cobra a tu tarjeta"
        if overview.provider == "stripe"
        else "te avisamos 3 días antes para pagar con Flow"
    )
    return f"Plan {overview.plan_name}, pagado hasta el {end}; se renueva cada mes ({how})."


class BillingState(CoreCalls, rx.State):
    status_text: str = ""
    subscribed: bool = False
    cancel_at_period_end: bool = False
    giro: str = ""
    address: str = ""
    gets_factura: bool = False
    documents: list[DocumentRow] = []
    notice: str = ""

    def _show(self, overview: BillingOverview | None) -> None:
        if overview is None:
            return
        self.status_text, self.subscribed = _status_text(overview), overview.subscribed
        self.cancel_at_period_end, self.gets_factura = overview.cancel_at_period_end, overview.gets_factura
        self.giro, self.address = overview.giro, overview.address
        self.documents = [
            DocumentRow(
                f"{doc.label} N° {doc.number}",
                format_date(doc.issued_at),
                format_clp(doc.total_clp),
                invoice_url(doc.id),
            )
            for doc in overview.invoices
        ]

    async def _reload(self, company_id: int) -> None:
        self._show(
            await self._call(lambda session: billing.billing_overview(session=session, company_id=company_id))
        )

    @rx.event
    async def load(self):
        self.notice = ""
        user = await signed_in_user(self)
        if user is not None:
            await self._reload(user.company_id)

    @rx.event
    async def set_renewal(self, cancel: bool):
        self.error, self.notice = "", ""
        user = await signed_in_user(self)
        if user is None:
            yield to_login(self)
            return
        await self._call(
            lambda session: subscriptions.set_cancel_at_period_end(
                session, user_id=user.user_id, company_id=user.company_id, cancel=cancel
            )
        )
        await self._reload(user.company_id)
        if not self.error:
            self.notice = (
                "Renovación cancelada: mantienes tu plan hasta el fin del período."
                if cancel
                else "Renovación reanudada."
            )

    @rx.event
    async def save_billing(self, form: dict):
        self.error, self.notice = "", ""
        user = await signed_in_user(self)
        if user is None:
            yield to_login(self)
            return
        giro, address = str(form.get("billing_giro", "")), str(form.get("billing_address", ""))
        await self._call(
            lambda session: billing.update_billing(
                session=session, user_id=user.user_id, company_id=user.company_id, giro=giro, address=address
            )
        )
        await self._reload(user.company_id)
        if not self.error:
            self.notice = "Datos de facturación guardados."
