"""A local Gemini Developer API (generativelanguage.googleapis.com REST, v1beta and v1):
`POST /<version>/models/<model>:<method>` with JSON bodies and the key in `x-goog-api-key`. It speaks
generateContent, streamGenerateContent (`alt=sse`: the answer in several `data: {…}` events over a
chunked response; without it one JSON array), embedContent and batchEmbedContents (deterministic
unit vectors of the requested `outputDimensionality` or DIMENSIONS). A wrong key gets Google's 400
INVALID_ARGUMENT with reason API_KEY_INVALID, a missing one its 403 PERMISSION_DENIED. It records
every call and lets a test script failures (`{"error": {"code", "message", "status", "details"}}`:
429 RESOURCE_EXHAUSTED with a RetryInfo `retryDelay`, 500 INTERNAL, 503 UNAVAILABLE…) and stall
its answers.
"""

import contextlib
import hashlib
import json
import math
import random
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlparse

API_KEY = "AIzaSy-test-gemini-key"
DIMENSIONS = 3072
"""gemini-embedding-001's default output dimensionality."""
ROUTE = re.compile(r"^/(?P<version>v1|v1beta)/models/(?P<model>[^/:]+):(?P<method>\w+)$")
METHODS = {"generateContent", "streamGenerateContent", "embedContent", "batchEmbedContents"}
STATUSES = {
    400: ("INVALID_ARGUMENT", "Request contains an invalid argument."),
    403: ("PERMISSION_DENIED", "The caller does not have permission"),
    404: ("NOT_FOUND", "Requested entity was not found."),
    429: (
        "RESOURCE_EXHAUSTED",
        "You exceeded your current quota, please check your plan and billing details.",
    ),
    500: (
        "INTERNAL",
        "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
    ),
    503: ("UNAVAILABLE", "The model is overloaded. Please try again later."),
    504: ("DEADLINE_EXCEEDED", "Deadline expired before operation could complete."),
}


def error_body(code: int, message: str | None = None, details: list[dict] | None = None) -> dict:
    """Google's JSON error for HTTP status `code`."""
    status, default = STATUSES.get(code, ("UNKNOWN", "Unknown error."))
    error = {"code": code, "message": message or default, "status": status}
    if details:
        error["details"] = details
    return {"error": error}


def _bad_key() -> dict:
    message = "API key not valid. Please pass a valid API key."
    error_info = {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": "API_KEY_INVALID",
        "domain": "googleapis.com",
        "metadata": {"service": "generativelanguage.googleapis.com"},
    }
    localized = {
        "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
        "locale": "en-US",
        "message": message,
    }
    return error_body(400, message, [error_info, localized])


def _no_key() -> dict:
    message = (
        "Method doesn't allow unregistered callers (callers without established identity). "
        "Please use API Key or other form of API consumer identity to call this API."
    )
    return error_body(403, message)


def vector(text: str, dimensions: int = DIMENSIONS) -> list[float]:
    """The fake's embedding of `text`: the same unit vector every time."""
    rng = random.Random(hashlib.sha256(text.encode()).digest())
    values = [rng.gauss(0, 1) for _ in range(dimensions)]
    norm = math.sqrt(sum(v * v for v in values))
    return [v / norm for v in values]


def _texts(content: dict | None) -> str:
    return "".join(part.get("text", "") for part in (content or {}).get("parts", []))


@dataclass
class Failure:
    """Answer the next `times` calls (of `method` when given; `math.inf`: all) with Google's error
    for `status`; a 429 carries a RetryInfo when `retry_delay` (e.g. "1s") is given."""

    status: int
    times: float = 1
    retry_delay: str | None = None
    method: str | None = None

    def body(self) -> dict:
        details = []
        if self.status == 429:
            violation = {
                "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
            }
            details.append(
                {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [violation]}
            )
        if self.retry_delay is not None:
            details.append(
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": self.retry_delay}
            )
        return error_body(self.status, details=details)


@dataclass
class Call:
    """One request the fake received."""

    method: str
    model: str
    """Without the `models/` prefix."""
    version: str
    query: dict[str, str]
    headers: dict[str, str]
    """Lower-case names."""
    body: dict
    at: float = field(default_factory=time.monotonic)

    @property
    def api_key(self) -> str | None:
        return self.headers.get("x-goog-api-key")

    @property
    def system_text(self) -> str:
        return _texts(self.body.get("systemInstruction"))

    @property
    def user_text(self) -> str:
        return "\n".join(_texts(c) for c in self.body.get("contents", []) if c.get("role", "user") == "user")

    @property
    def generation_config(self) -> dict:
        return self.body.get("generationConfig", {})

    @property
    def embedded_texts(self) -> list[str]:
        requests = self.body.get("requests", [self.body])
        return [_texts(request.get("content")) for request in requests]


class FakeGemini:
    """Start it (`start()` or `with`), point the client at `url` with `api_key`, set `answer`."""

    def __init__(self, api_key: str = API_KEY) -> None:
        self.api_key = api_key
        self.answer = "Propuesta de prueba."
        self.stream_chunks = 3
        """How many events a streamed answer is cut into (at word boundaries)."""
        self.stall = 0.0
        """Seconds every answer waits before its first byte (to make a client time out)."""
        self.calls: list[Call] = []
        self.failures: list[Failure] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        """The API's root, as base_url / GEMINI_API_URL (the client adds `/v1beta/models/…`)."""
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> "FakeGemini":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "FakeGemini":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def fail(
        self, status: int, *, times: float = 1, retry_delay: str | None = None, method: str | None = None
    ) -> None:
        self.failures.append(Failure(status, times, retry_delay, method))

    def called(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    # The API

    def _scripted(self, method: str) -> Failure | None:
        with self._lock:
            for failure in self.failures:
                if failure.times > 0 and failure.method in (None, method):
                    failure.times -= 1
                    return failure
        return None

    def _pieces(self) -> list[str]:
        """The answer cut into at most `stream_chunks` pieces that join back to it."""
        words = re.split(r"(?<=\s)(?=\S)", self.answer)
        size = math.ceil(len(words) / max(1, self.stream_chunks))
        return ["".join(words[i : i + size]) for i in range(0, len(words), size)]

    def _responses(self, model: str, pieces: list[str], prompt_tokens: int) -> list[dict]:
        """GenerateContentResponses carrying `pieces`, the last one finished (STOP)."""
        responses, answered = [], 0
        for index, piece in enumerate(pieces):
            answered += len(piece.split())
            content = {"role": "model", "parts": [{"text": piece}]} if piece else {"role": "model"}
            candidate = {"content": content, "index": 0}
            if index == len(pieces) - 1:
                candidate["finishReason"] = "STOP"
            usage = {
                "promptTokenCount": prompt_tokens,
                "candidatesTokenCount": answered,
                "totalTokenCount": prompt_tokens + answered,
            }
            responses.append(
                {
                    "candidates": [candidate],
                    "usageMetadata": usage,
                    "modelVersion": model,
                    "responseId": "fake",
                }
            )
        return responses

    def _embedding(self, request: dict) -> dict:
        return {
            "values": vector(
                _texts(request.get("content")), request.get("outputDimensionality") or DIMENSIONS
            )
        }

    def _answer(self, call: Call) -> dict | list[dict]:
        """The JSON answer to a well-made call; a stream's is the list of its events."""
        if call.method == "embedContent":
            return {"embedding": self._embedding(call.body)}
        if call.method == "batchEmbedContents":
            return {"embeddings": [self._embedding(r) for r in call.body.get("requests", [])]}
        prompt_tokens = len(call.user_text.split()) + len(call.system_text.split())
        if call.method == "streamGenerateContent":
            return self._responses(call.model, self._pieces(), prompt_tokens)
        return self._responses(call.model, [self.answer], prompt_tokens)[0]

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _reply(self, status: int, body: dict | list) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _stream(self, events: list[dict]) -> None:
                """Server-sent events, one HTTP chunk each, flushed as they go."""
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for event in events:
                    data = f"data: {json.dumps(event)}\r\n\r\n".encode()
                    self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")

            def _call(self) -> Call | None:
                """The call, or None once answered with an error."""
                parsed = urlparse(self.path)
                route = ROUTE.match(parsed.path)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if route is None or route["method"] not in METHODS:
                    self._reply(404, error_body(404, f"Method not found: {parsed.path}"))
                    return None
                try:
                    body = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    self._reply(400, error_body(400, "Invalid JSON payload received."))
                    return None
                call = Call(
                    method=route["method"],
                    model=route["model"],
                    version=route["version"],
                    query=dict(parse_qsl(parsed.query)),
                    headers={name.lower(): value for name, value in self.headers.items()},
                    body=body,
                )
                with fake._lock:
                    fake.calls.append(call)
                if call.api_key is None:
                    self._reply(403, _no_key())
                elif call.api_key != fake.api_key:
                    self._reply(400, _bad_key())
                elif failure := fake._scripted(call.method):
                    self._reply(failure.status, failure.body())
                else:
                    return call
                return None

            def do_POST(self) -> None:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    call = self._call()
                    if call is None:
                        return
                    time.sleep(fake.stall)
                    answer = fake._answer(call)
                    if call.method == "streamGenerateContent" and call.query.get("alt") == "sse":
                        self._stream(answer)
                    else:
                        self._reply(200, answer)

        return Handler
