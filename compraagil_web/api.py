"""The backend's own routes (FastAPI, mounted around Reflex): /healthz, /metrics and private downloads
(/api/exports/<id>); security headers on every response (pages included); a core error raised by any
route becomes its HTTP status with `{"error": message}`."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from compraagil.errors import CompraAgilError, TooManyAttempts
from compraagil.health import check_health
from compraagil.metrics import render
from compraagil_web.downloads import router as downloads
from compraagil_web.security import SecurityHeaders

api = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
api.add_middleware(SecurityHeaders)
api.include_router(downloads)


@api.exception_handler(CompraAgilError)
async def core_error(request: Request, error: CompraAgilError) -> JSONResponse:
    """The one translation of core errors for the HTTP door."""
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, TooManyAttempts) else None
    return JSONResponse({"error": error.message}, status_code=error.http_status, headers=headers)


@api.get("/healthz")
def healthz() -> JSONResponse:
    """Database and Redis status; 503 when the database is down."""
    report = check_health()
    return JSONResponse(report.as_dict(), status_code=200 if report.healthy else 503)


@api.get("/metrics")
def metrics() -> Response:
    """Prometheus text format."""
    body, content_type = render()
    return Response(body, media_type=content_type)
