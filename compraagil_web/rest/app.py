"""The REST API v1 app (mounted at /api/v1): its OpenAPI document at /api/v1/openapi.json, errors as
`{"error": "<en español>"}` with the status the core chose (401, 402, 403, 404, 422, 429 with Retry-After)."""

from collections import defaultdict

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from compraagil.errors import CompraAgilError, TooManyAttempts
from compraagil_web.rest.routes import router

DESCRIPTION = """Las Compras Ágiles, sus precios, organismos, proveedores y el pipeline de tu empresa,
para tus propios sistemas. Incluida en el plan Profesional: crea una clave en Cuenta y envíala en
`Authorization: Bearer <clave>`. Las cuotas son las mismas del plan en la web."""

rest = FastAPI(
    title="CompraAgil API",
    version="1",
    description=DESCRIPTION,
    docs_url=None,
    redoc_url=None,
    openapi_url="/openapi.json",
    servers=[{"url": "/api/v1"}],
)
rest.include_router(router)


def _error(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


@rest.exception_handler(CompraAgilError)
async def core_error(request: Request, error: CompraAgilError) -> JSONResponse:
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, TooManyAttempts) else None
    return _error(error.http_status, error.message, headers)


PROBLEMS = {
    "missing": "falta",
    "string_too_short": "debe tener al menos {min_length} caracteres",
    "string_too_long": "debe tener a lo más {max_length} caracteres",
    "string_pattern_mismatch": "no tiene la forma esperada",
    "greater_than_equal": "debe ser mayor o igual a {ge}",
    "less_than_equal": "debe ser menor o igual a {le}",
    "int_parsing": "debe ser un número entero",
    "bool_parsing": "debe ser true o false",
    "enum": "debe ser uno de: {expected}",
    "literal_error": "debe ser uno de: {expected}",
}
"""Pydantic's error types, said in Spanish (anything else: «no es válido»)."""


@rest.exception_handler(RequestValidationError)
async def invalid_parameters(request: Request, error: RequestValidationError) -> JSONResponse:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ())[1:]) or "solicitud"
    limits = {key: str(value).replace(" or ", " o ") for key, value in (first.get("ctx") or {}).items()}
    problem = PROBLEMS.get(first.get("type", ""), "no es válido").format_map(defaultdict(str, limits))
    return _error(422, f"El parámetro «{where}» {problem}.")


@rest.exception_handler(HTTPException)
async def http_error(request: Request, error: HTTPException) -> JSONResponse:
    messages = {404: "Esa ruta no existe en la API: revisa /api/.", 405: "Esa ruta no acepta ese método."}
    return _error(error.status_code, messages.get(error.status_code, str(error.detail)), error.headers)
