"""«Redactar propuesta» on a tender's page: records a proposal (counted by the plan) and opens it,
where its job's progress and text are shown as it is written."""

import asyncio
from urllib.parse import unquote

import reflex as rx

from compraagil.db import session_scope
from compraagil.errors import QuotaExceeded
from compraagil.proposals.service import request_proposal
from compraagil_web import routes
from compraagil_web.core_calls import describe
from compraagil_web.state import signed_in_user, to_login
from jobs import queues


def _request(user_id: int, company_id: int, codigo: str) -> str:
    with session_scope() as session:
        return request_proposal(
            session=session,
            user_id=user_id,
            company_id=company_id,
            codigo=codigo,
            enqueue=queues.enqueue_proposal,
        )


class ProposalRequestState(rx.State):
    working: bool = False
    message: str = ""
    upgrade: bool = False

    @rx.event
    async def start(self):
        user = await signed_in_user(self)
        if user is None:
            yield to_login(self)
            return
        codigo = unquote(self.router.url.path.rstrip("/").rsplit("/", 1)[-1])
        self.working, self.message, self.upgrade = True, "", False
        yield
        try:
            proposal_id = await asyncio.to_thread(_request, user.user_id, user.company_id, codigo)
        except Exception as error:
            self.message, self.upgrade = describe(error)[0], isinstance(error, QuotaExceeded)
            return
        finally:
            self.working = False
        yield rx.redirect(routes.proposal_url(proposal_id))


def proposal_button() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Propuesta", size="4"),
            rx.text(
                "Redactamos la cotización para enviar: cada producto con su precio sugerido, el total con IVA y"
                " las condiciones de entrega. Luego la editas y la descargas en PDF o Word.",
                size="2",
            ),
            rx.button(
                rx.icon("file-pen-line", size=16), "Redactar propuesta",
                on_click=ProposalRequestState.start, loading=ProposalRequestState.working, id="proposal-start",
            ),
            rx.cond(
                ProposalRequestState.message != "",
                rx.text(
                    ProposalRequestState.message,
                    rx.cond(ProposalRequestState.upgrade, rx.link(" Ver planes", href=routes.PLANS)),
                    size="2", color_scheme="red", id="proposal-error",
                ),
            ),
            spacing="2",
            align="start",
            width="100%",
        ),
        width="100%",
        id="proposal-section",
    )  # fmt: skip
