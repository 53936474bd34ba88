"""The payment providers' callbacks and the invoices' PDFs:

- `POST /api/payments/flow/confirmation`: Flow's server says an order changed (its token); we ask
  Flow itself and settle.
- `POST|GET /api/payments/flow/return`: the payer comes back from Flow; settled when Flow says so,
  then sent to the order's page (/pago), which shows its real state.
- `POST /api/payments/stripe/webhook`: Stripe's signed events, processed once.
- `GET /api/invoices/{id}`: a document's PDF, for signed-in members of its company only."""

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from compraagil.accounts.sessions import resolve_session
from compraagil.db import session_scope
from compraagil.errors import CompraAgilError, NotFound, Unauthorized
from compraagil.payments import checkout, gateways, invoice_pdf, invoices, stripe_events
from compraagil.payments.invoices import KIND_LABELS
from compraagil_web.state import SESSION_COOKIE

log = logging.getLogger(__name__)

router = APIRouter()


async def _token(request: Request) -> str:
    form = await request.form() if request.method == "POST" else {}
    return str(form.get("token") or request.query_params.get("token") or "")


def _confirm_flow(token: str) -> None:
    with session_scope() as session:
        checkout.confirm_flow(session=session, token=token, client=gateways.flow_client())


@router.post(gateways.FLOW_CONFIRMATION)
async def flow_confirmation(request: Request) -> JSONResponse:
    await run_in_threadpool(_confirm_flow, await _token(request))
    return JSONResponse({"ok": True})


def _order_of_token(token: str) -> str | None:
    with session_scope() as session:
        return checkout.flow_order_of(session=session, token=token)


@router.api_route(gateways.FLOW_RETURN, methods=["GET", "POST"])
async def flow_return(request: Request) -> RedirectResponse:
    token = await _token(request)
    try:
        await run_in_threadpool(_confirm_flow, token)
    except CompraAgilError as error:
        log.warning("flow return not settled", extra={"error": error.message})
    public_id = await run_in_threadpool(_order_of_token, token) if token else None
    target = gateways.result_url(public_id) if public_id else "/planes"
    return RedirectResponse(target, status_code=303)


def _stripe_event(payload: bytes, signature: str | None) -> str:
    event = stripe_events.verified_event(payload, signature)
    with session_scope() as session:
        return stripe_events.handle(session, event)


@router.post(gateways.STRIPE_WEBHOOK)
async def stripe_webhook(request: Request) -> JSONResponse:
    done = await run_in_threadpool(
        _stripe_event, await request.body(), request.headers.get("Stripe-Signature")
    )
    return JSONResponse({"received": True, "done": done})


def _invoice_pdf(token: str, invoice_id: int) -> tuple[bytes, str]:
    with session_scope() as session:
        try:
            user = resolve_session(session=session, token=token)
        except Unauthorized:
            raise NotFound("No encontramos ese documento.") from None
        invoice = invoices.get_invoice(session=session, company_id=user.company_id, invoice_id=invoice_id)
        name = f"{KIND_LABELS[invoice.kind].split()[0].lower()}-{invoice.number}.pdf"
        return invoice_pdf.render(invoice), name


def invoice_url(invoice_id: int) -> str:
    return f"/api/invoices/{invoice_id}"


@router.get("/api/invoices/{invoice_id}")
def invoice_file(invoice_id: int, request: Request) -> Response:
    body, name = _invoice_pdf(request.cookies.get(SESSION_COOKIE, ""), invoice_id)
    headers = {"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "private, no-store"}
    return Response(body, media_type="application/pdf", headers=headers)
