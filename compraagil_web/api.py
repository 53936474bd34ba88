"""The backend's own routes (FastAPI, mounted around Reflex): /healthz, /metrics, private downloads
(/api/exports/<id>) and invoices (/api/invoices/<id>), the payment providers' callbacks
(/api/payments/…), Telegram's webhook (/api/telegram/webhook, queued for the bot), the REST API
(/api/v1, documented at /api/), the MCP server (/mcp) and Alertmanager's webhook (/api/ops/alertmanager); security headers on every response (pages included); a core error
raised by any route becomes its HTTP status with `{"error": message}`."""

from typing import Literal

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from compraagil.config import get_settings
from compraagil.errors import CompraAgilError, TooManyAttempts
from compraagil.health import check_health
from compraagil.metrics import render
from compraagil.telegram import admin_alerts, updates
from compraagil_web import mcp_server
from compraagil_web.downloads import router as downloads
from compraagil_web.payment_routes import router as payments
from compraagil_web.request_id_middleware import RequestIds
from compraagil_web.rest import docs_page
from compraagil_web.rest.app import http_error as rest_http_error
from compraagil_web.rest.app import rest
from compraagil_web.route_metrics import RouteMetrics
from compraagil_web.scrape_metrics import register_scrape_metrics
from compraagil_web.security import SecurityHeaders

REST_PREFIX = "/api/v1"
api = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
api.add_middleware(SecurityHeaders)
api.add_middleware(RouteMetrics)
api.add_middleware(RequestIds)
register_scrape_metrics()
api.include_router(downloads)
api.include_router(payments)
api.mount(REST_PREFIX, rest)
api.add_route(mcp_server.MCP_PATH, mcp_server.asgi_app(), methods=["GET", "POST", "DELETE"])


@api.exception_handler(CompraAgilError)
async def core_error(request: Request, error: CompraAgilError) -> JSONResponse:
    """The one translation of core errors for the HTTP door."""
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, TooManyAttempts) else None
    return JSONResponse({"error": error.message}, status_code=error.http_status, headers=headers)


@api.exception_handler(HTTPException)
async def unmatched_path(request: Request, error: HTTPException) -> Response:
    """A path under /api/v1 that even the REST mount does not match (a newline in it: the mount's
    pattern stops at line ends) answers in the REST API's error shape; anything else as FastAPI does."""
    if request.url.path.startswith(REST_PREFIX):
        return await rest_http_error(request, error)
    return await http_exception_handler(request, error)


@api.get("/healthz")
def healthz() -> JSONResponse:
    """Database and Redis status; 503 when the database is down."""
    report = check_health()
    return JSONResponse(report.as_dict(), status_code=200 if report.healthy else 503)


@api.get("/metrics")
def metrics(scope: Literal["all", "local", "shared"] = "all") -> Response:
    """Prometheus text format: everything, or only this machine's web processes' counts (`local`) or
    only the figures every machine shares (`shared`), for a deployment of several web machines."""
    body, content_type = render(local=scope != "shared", shared=scope != "local")
    return Response(body, media_type=content_type)


@api.post(updates.WEBHOOK_PATH)
async def telegram_webhook(request: Request) -> JSONResponse:
    """An update from Telegram, checked against the webhook secret and queued for the bot."""
    body = await request.body()
    await run_in_threadpool(updates.accept, secret=request.headers.get(updates.SECRET_HEADER), body=body)
    return JSONResponse({"ok": True})


@api.get("/api/")
@api.get("/api")
def api_documentation() -> HTMLResponse:
    """The REST API's documentation page, made from its OpenAPI document."""
    settings = get_settings()
    return HTMLResponse(
        docs_page.render(
            rest.openapi(),
            base_url=settings.public_url,
            rate=settings.api_requests_per_second,
            burst=settings.api_burst,
        )
    )


@api.post("/api/ops/alertmanager")
async def alertmanager(request: Request) -> JSONResponse:
    """Alertmanager's webhook (bearer token): the alerts go to the operators' Telegram chat."""
    admin_alerts.check_token(request.headers.get("Authorization"))
    try:
        payload = await request.json()
    except ValueError:
        payload = None
    sent = await run_in_threadpool(admin_alerts.forward, payload if isinstance(payload, dict) else {})
    return JSONResponse({"sent": sent})
