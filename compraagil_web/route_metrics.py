"""Count and time every request the backend's own routes answer (by route template, method and
status: `/api/exports/{export_id}`, never the id; a mounted app's routes with its mount path, as
`/api/v1/tenders`); Reflex's pages and assets are not counted here."""

import time

from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from compraagil.metrics import HTTP_REQUESTS, HTTP_SECONDS


class RouteMetrics:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = scope.get("route")
            if isinstance(route, APIRoute):
                path, method = scope.get("root_path", "") + route.path, scope["method"]
                HTTP_REQUESTS.labels(path, method, str(status)).inc()
                HTTP_SECONDS.labels(path, method).observe(time.perf_counter() - started)
