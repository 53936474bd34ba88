"""Every HTTP request runs under a request id (the caller's `X-Request-ID` when it looks like one, a
new one otherwise), answered back in the same header: its log lines and the jobs it enqueues carry it."""

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from compraagil import request_ids


class RequestIds:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(request_ids.HEADER.lower().encode(), b"").decode("latin-1")
        request_id = request_ids.from_header(given or None)

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[request_ids.HEADER] = request_id
            await send(message)

        with request_ids.bound(request_id):
            await self.app(scope, receive, sending)
