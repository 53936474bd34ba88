"""A local Mercado Público: the Compra Ágil API v2 (list, detail) and the COT open-data files.

It speaks the documented wire shapes — `ticket` header, `{"success", "payload", "errors"}` envelopes,
`paginacion`, HTTP 500 when the list gets no filter — and lets a test script failures.
"""

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote_plus, urlparse
from zoneinfo import ZoneInfo

TICKET = "ticket-de-prueba"
SANTIAGO = ZoneInfo("America/Santiago")


def _moment(text: str) -> datetime:
    """ISO (`…Z`, `…-03:00`) or the API's local form `2026-09-23 09:49[:12]`, read as Santiago time."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=SANTIAGO)


@dataclass
class Failure:
    """Answer requests whose path contains `path` (and whose decoded query contains `query`) with
    `status` and `body`, `times` times."""

    path: str
    status: int
    body: dict | None = None
    headers: dict = field(default_factory=dict)
    times: int = 1
    query: str = ""


class FakeMercadoPublico:
    def __init__(self) -> None:
        self.records: dict[str, dict] = {}
        self.files: dict[str, bytes] = {}
        self.failures: list[Failure] = []
        self.requests: list[str] = []
        self.list_queries: list[dict[str, str]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> "FakeMercadoPublico":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail(self, failure: Failure) -> None:
        self.failures.append(failure)

    def detail_requests(self) -> list[str]:
        return [path for path in self.requests if path.startswith("/v2/compra-agil/")]

    def _scripted(self, path: str, query: str) -> Failure | None:
        for failure in self.failures:
            if failure.path in path and failure.query in unquote_plus(query) and failure.times > 0:
                failure.times -= 1
                return failure
        return None

    def _list(self, params: dict[str, list[str]]) -> tuple[int, dict]:
        filters = {
            "cambio_desde",
            "cambio_hasta",
            "ttl_cambio_ms",
            "publicado_desde",
            "estado",
            "region",
            "id",
            "q",
        }
        if not filters & params.keys():
            return 500, {
                "success": "ERROR",
                "trace": "NullReference",
                "payload": None,
                "errors": ["error interno"],
            }
        items = list(self.records.values())
        if "cambio_desde" in params:
            start, end = _moment(params["cambio_desde"][0]), _moment(params["cambio_hasta"][0])
            items = [r for r in items if start <= _moment(r["fechas"]["fecha_ultimo_cambio"]) <= end]
        items.sort(key=lambda r: _moment(r["fechas"]["fecha_ultimo_cambio"]))
        size = int(params.get("tamano_pagina", ["15"])[0])
        if not 10 <= size <= 50:
            return 400, {
                "success": "NOK",
                "payload": None,
                "errors": ["tamano_pagina debe estar entre 10 y 50"],
            }
        page = int(params.get("numero_pagina", ["1"])[0])
        chunk = items[(page - 1) * size : page * size]
        summary_keys = ("codigo", "nombre", "estado", "fechas", "institucion", "resumen")
        return 200, {
            "success": "OK",
            "trace": None,
            "payload": {
                "items": [{key: r.get(key) for key in summary_keys} for r in chunk],
                "paginacion": {
                    "total_paginas": max(1, -(-len(items) // size)),
                    "numero_pagina": page,
                    "tamano_pagina": size,
                    "total_resultados": len(items),
                },
            },
            "errors": None,
        }

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _send(self, status: int, body: dict | bytes | None, headers: dict | None = None) -> None:
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header(
                    "Content-Type", "application/zip" if isinstance(body, bytes) else "application/json"
                )
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                parsed = urlparse(self.path)
                fake.requests.append(parsed.path)
                if parsed.path == "/v2/compra-agil":
                    fake.list_queries.append({k: v[0] for k, v in parse_qs(parsed.query).items()})
                if failure := fake._scripted(parsed.path, parsed.query):
                    self._send(
                        failure.status,
                        failure.body or {"success": "ERROR", "errors": ["falla"]},
                        failure.headers,
                    )
                    return
                if parsed.path.endswith(".zip"):
                    name = parsed.path.rsplit("/", 1)[-1]
                    if name in fake.files:
                        self._send(200, fake.files[name])
                    else:
                        self._send(404, {"error": "BlobNotFound"})
                    return
                if self.headers.get("ticket") != TICKET:
                    self._send(401, {"success": "NOK", "payload": None, "errors": ["ticket inválido"]})
                    return
                if parsed.path == "/v2/compra-agil":
                    self._send(*fake._list(parse_qs(parsed.query)))
                    return
                codigo = parsed.path.removeprefix("/v2/compra-agil/")
                record = fake.records.get(codigo)
                if record is None:
                    self._send(404, {"success": "NOK", "payload": None, "errors": [f"{codigo} no existe"]})
                else:
                    self._send(200, {"success": "OK", "trace": None, "payload": record, "errors": None})

        return Handler
