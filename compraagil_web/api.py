"""The backend's own routes (FastAPI, mounted around Reflex): /healthz and /metrics."""

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response

from compraagil.health import check_health
from compraagil.metrics import render

api = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)


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
