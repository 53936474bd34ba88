"""HTTP client for `GET /v2/compra-agil` (list) and `GET /v2/compra-agil/{codigo}` (detail).

Honours 429 with Retry-After, retries 5xx with backoff, and turns `NOK`/`ERROR` envelopes into
ApiError. Authentication is the `ticket` header.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import httpx

log = logging.getLogger(__name__)

PAGE_SIZE_MAX = 50


class ApiError(RuntimeError):
    """The API answered with an error we cannot retry away."""


@dataclass(frozen=True)
class Page:
    items: list[dict]
    number: int
    total_pages: int
    total_results: int


class CompraAgilClient:
    """A small client; `sleep` is injectable so callers decide how waiting is done."""

    def __init__(
        self,
        base_url: str,
        ticket: str,
        *,
        timeout: float = 30.0,
        max_attempts: int = 5,
        max_wait_seconds: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ):
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"ticket": ticket, "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
        )
        self.max_attempts = max_attempts
        self.max_wait_seconds = max_wait_seconds
        self.sleep = sleep

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "CompraAgilClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def list_page(self, *, page: int = 1, page_size: int = PAGE_SIZE_MAX, **filters) -> Page:
        """One page of the list; filters as the API names them (e.g. cambio_desde, estado, region)."""
        if not filters:
            raise ApiError("la API exige al menos un filtro (ventana de cambios, fechas, estado, id o q)")
        params = {**filters, "numero_pagina": page, "tamano_pagina": max(10, min(PAGE_SIZE_MAX, page_size))}
        payload = self._get("/v2/compra-agil", params)
        paging = payload.get("paginacion") or {}
        items = payload.get("items") or payload.get("resultados") or payload.get("listado") or []
        return Page(
            items=items,
            number=int(paging.get("numero_pagina", page)),
            total_pages=int(paging.get("total_paginas", 1)),
            total_results=int(paging.get("total_resultados", len(items))),
        )

    def detail(self, codigo: str) -> dict:
        """The full record of one process."""
        return self._get(f"/v2/compra-agil/{codigo}", None)

    def _get(self, path: str, params: dict | None) -> dict:
        for attempt in range(1, self.max_attempts + 1):
            try:
                response = self._http.get(path, params=params)
            except httpx.TransportError as error:
                if attempt == self.max_attempts:
                    raise ApiError(f"sin respuesta de la API en {path}: {error}") from error
                self._wait(2**attempt, f"transport error {error}")
                continue
            if response.status_code == 429 and attempt < self.max_attempts:
                self._wait(self._retry_after(response, default=2**attempt), "429 Too Many Requests")
                continue
            if response.status_code >= 500 and attempt < self.max_attempts:
                self._wait(2**attempt, f"HTTP {response.status_code}")
                continue
            return self._payload(path, response)
        raise ApiError(f"{path}: se agotaron los reintentos")

    def _payload(self, path: str, response: httpx.Response) -> dict:
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code == 429:
            raise ApiError(f"{path}: cuota diaria de la API agotada (HTTP 429)")
        if not isinstance(body, dict):
            raise ApiError(f"{path}: HTTP {response.status_code} sin un JSON válido")
        success = str(body.get("success", "")).upper()
        if response.status_code >= 400 or success != "OK":
            errors = body.get("errors") or body.get("message") or body.get("trace") or "sin detalle"
            raise ApiError(f"{path}: la API respondió {success or response.status_code}: {errors}")
        payload = body.get("payload")
        if not isinstance(payload, dict):
            raise ApiError(f"{path}: respuesta OK sin payload")
        return payload

    def _retry_after(self, response: httpx.Response, default: float) -> float:
        value = response.headers.get("Retry-After", "")
        if value.strip().isdigit():
            return float(value)
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return default
        return max(0.0, moment.timestamp() - time.time())

    def _wait(self, seconds: float, reason: str) -> None:
        seconds = min(seconds, self.max_wait_seconds)
        log.warning("compra agil api: waiting before retry", extra={"seconds": seconds, "reason": reason})
        self.sleep(seconds)
