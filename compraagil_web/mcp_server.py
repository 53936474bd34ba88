"""The MCP server at /mcp (streamable HTTP, stateless, JSON answers): the REST API's operations as
tools for a subscriber's AI assistant, answered from the full history, with the same API keys, rate
limits and quotas (each tool calls the REST operation itself)."""

import contextlib
from collections.abc import AsyncIterator
from typing import Annotated, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from compraagil.api_keys.service import Caller, authenticate, bearer_token
from compraagil.db import session_scope
from compraagil.errors import CompraAgilError
from compraagil.pipeline.logic import STATUSES
from compraagil.pricing.service import PriceAnalysis
from compraagil.results.service import WINDOWS
from compraagil.search.query import Sort
from compraagil.tenders.service import TenderDetail
from compraagil_web.rest import routes
from compraagil_web.rest.auth import check_request

MCP_PATH = "/mcp"
INSTRUCTIONS = """CompraAgil: Compras Ágiles de Mercado Público (Chile) abiertas y su historial completo de
cotizaciones, precios y ganadores. Montos en pesos chilenos (CLP). Busca con `search_tenders`, abre
una con `get_tender`, analiza el precio de un producto con `analyze_prices` (usa la cuota diaria del
plan), y revisa el pipeline y los resultados de la empresa con `read_pipeline` y `my_results`."""

server = MCPServer(name="CompraAgil", instructions=INSTRUCTIONS, version="1")


async def _caller(ctx: Context) -> Caller:
    """The key's caller, rate-limited like a REST request; its refusal as the tool's error."""
    try:
        return await run_in_threadpool(check_request, (ctx.headers or {}).get("authorization"))
    except CompraAgilError as error:
        raise ToolError(error.message) from None


async def _run(operation, *args, **kwargs):
    try:
        return await run_in_threadpool(operation, *args, **kwargs)
    except CompraAgilError as error:
        raise ToolError(error.message) from None


@server.tool(description="Busca Compras Ágiles por palabras (con o sin tildes) y filtros; 10 por página.")
async def search_tenders(
    ctx: Context,
    text: Annotated[str, Field(max_length=200, description="Palabras, p. ej. «resma papel carta»")] = "",
    open_only: Annotated[bool, Field(description="Solo las abiertas a cotizar")] = True,
    region: Annotated[int | None, Field(ge=1, le=16, description="Región (1 a 16)")] = None,
    sort: Sort = Sort.RELEVANCE,
    cursor: Annotated[str | None, Field(description="El next_cursor de la página anterior")] = None,
) -> routes.TenderPage:
    caller = await _caller(ctx)
    return await _run(
        routes.search,
        caller,
        q=text,
        open_only=open_only,
        region=region,
        sort=sort,
        limit=10,
        cursor_text=cursor,
    )


@server.tool(
    description="Una Compra Ágil por su código: ítems pedidos, organismo, fechas y cotizaciones recibidas."
)
async def get_tender(
    ctx: Context,
    codigo: Annotated[str, Field(pattern=r"^[0-9A-Za-z-]{1,40}$", description="p. ej. «2345-10-COT26»")],
) -> TenderDetail:
    return await _run(routes.tender, await _caller(ctx), codigo)


@server.tool(
    description="Precios históricos de un producto: percentiles, precio sugerido, tendencia mensual y "
    "proveedores. Usa un análisis de la cuota diaria del plan."
)
async def analyze_prices(
    ctx: Context,
    product: Annotated[
        str, Field(min_length=3, max_length=200, description="El producto, como lo pediría un comprador")
    ],
    region: Annotated[int | None, Field(ge=1, le=16)] = None,
    months: Annotated[int, Field(ge=1, le=60)] = 24,
) -> PriceAnalysis:
    caller = await _caller(ctx)
    return await _run(
        routes.prices, caller, product=product, region=region, months=months, narrow=region is not None
    )


@server.tool(
    description="Las Compras Ágiles que la empresa guardó en su pipeline, con su estado y monto cotizado."
)
async def read_pipeline(
    ctx: Context, status: Literal[STATUSES] | None = None, cursor: str | None = None
) -> routes.PipelinePage:
    return await _run(routes.saved, await _caller(ctx), status=status, limit=50, cursor_text=cursor)


@server.tool(
    description="Mis resultados: cada cotización de la empresa (por su RUT) contra el ganador: resultado, "
    "diferencia con el ganador en %, lugar; y el resumen (ganadas, perdidas, perdidas siendo más barata)."
)
async def my_results(
    ctx: Context, months: Literal[WINDOWS] = 24, cursor: str | None = None
) -> routes.MyResultsPage:
    return await _run(routes.results, await _caller(ctx), months=months, limit=50, cursor_text=cursor)


class RequireApiKey:
    """Every HTTP request to /mcp names a valid key (401/402/403 as JSON in Spanish before the protocol)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = dict(scope["headers"])
            authorization = headers.get(b"authorization", b"").decode("latin-1") or None
            try:
                await run_in_threadpool(_authenticate, authorization)
            except CompraAgilError as error:
                await JSONResponse({"error": error.message}, status_code=error.http_status)(
                    scope, receive, send
                )
                return
        await self.app(scope, receive, send)


def _authenticate(authorization: str | None) -> None:
    with session_scope() as session:
        authenticate(session=session, token=bearer_token(authorization))


def asgi_app() -> ASGIApp:
    """The endpoint to route at MCP_PATH. Every request carries an API key, which a page on another
    site cannot send, so the SDK's DNS-rebinding guard (made for key-less local servers) is off."""
    app = server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        stateless_http=True,
        json_response=True,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    return RequireApiKey(app)


@contextlib.asynccontextmanager
async def lifespan() -> AsyncIterator[None]:
    """Runs the MCP sessions' task group for as long as the web backend runs."""
    async with server.session_manager.run():
        yield
