"""A local Telegram Bot API server: `POST /bot<token>/<method>` with JSON, form or multipart bodies,
answering `{"ok": true, "result": …}` or `{"ok": false, "error_code", "description", "parameters"}`
as the real one does. It speaks getMe, getUpdates (long polling over updates a test injects),
sendMessage, answerCallbackQuery, editMessageReplyMarkup, setWebhook, deleteWebhook and
getWebhookInfo; records what the bot sent; and lets a test script 429s (with
`parameters.retry_after`), 403s («Forbidden: bot was blocked by the user») and a request held in
flight.
"""

import contextlib
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

TOKEN = "123456:TEST-token"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "CompraAgil", "username": "CompraAgilBot"}
BLOCKED = "Forbidden: bot was blocked by the user"


@dataclass
class Failure:
    """Answer `method` calls (to `chat_id` when given) with this error, `times` times."""

    method: str
    error_code: int
    description: str
    retry_after: int | None = None
    chat_id: int | None = None
    times: int = 1


@dataclass
class Hold:
    """Keep the `number`-th sendMessage in flight until released, then answer 502 without sending it."""

    number: int
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


@dataclass
class Sent:
    chat_id: int
    text: str
    reply_markup: dict | None
    at: float


def _decode(content_type: str, body: bytes) -> dict:
    """The call's parameters; form values that hold JSON (objects, numbers) are decoded."""
    if not body:
        return {}
    if content_type.startswith("application/json"):
        return json.loads(body)
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        pairs = [
            (part.get_param("name", header="content-disposition"), part.get_content())
            for part in message.iter_parts()
        ]
    else:
        pairs = parse_qsl(body.decode(), keep_blank_values=True)
    params = {}
    for key, value in pairs:
        try:
            params[key] = json.loads(value)
        except (json.JSONDecodeError, TypeError):
            params[key] = value
    return params


class FakeTelegram:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.sent: list[Sent] = []
        self.calls: list[tuple[str, dict]] = []
        self.failures: list[Failure] = []
        self.holds: list[Hold] = []
        self.webhook: dict = {}
        self._updates: list[dict] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._sends = 0
        self._changed = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The API's root, as TELEGRAM_API_URL (the bot calls `<url>/bot<token>/<method>`)."""
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> "FakeTelegram":
        self._thread.start()
        return self

    def stop(self) -> None:
        for hold in self.holds:
            hold.release.set()
        self._server.shutdown()
        self._server.server_close()

    def fail(self, failure: Failure) -> None:
        self.failures.append(failure)

    def hold(self, number: int) -> Hold:
        hold = Hold(number)
        self.holds.append(hold)
        return hold

    # Updates a person would cause

    def _push_update(self, update: dict) -> None:
        with self._changed:
            self._updates.append(update)
            self._changed.notify_all()

    def _chat(self, chat_id: int) -> dict:
        return {"id": chat_id, "type": "private", "first_name": "Ana"}

    def _person(self, chat_id: int) -> dict:
        return {"id": chat_id, "is_bot": False, "first_name": "Ana", "language_code": "es"}

    def text_update(self, chat_id: int, text: str) -> dict:
        """The update Telegram makes when the person sends `text` (a leading /command gets its
        bot_command entity), for a webhook to receive."""
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": self._person(chat_id),
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return {"update_id": next(self._update_ids), "message": message}

    def type_text(self, chat_id: int, text: str) -> None:
        """The person sends `text`; the bot gets it from getUpdates."""
        self._push_update(self.text_update(chat_id, text))

    def press(self, chat_id: int, data: str) -> None:
        """The person presses an inline button with callback `data` under the bot's last message to them."""
        message = next(
            {
                "message_id": index,
                "date": int(sent.at),
                "chat": self._chat(chat_id),
                "from": BOT_USER,
                "text": sent.text,
            }
            for index, sent in reversed(list(enumerate(self.sent, start=1)))
            if sent.chat_id == chat_id
        )
        query = {
            "id": str(next(self._update_ids)),
            "from": self._person(chat_id),
            "chat_instance": str(chat_id),
            "message": message,
            "data": data,
        }
        self._push_update({"update_id": next(self._update_ids), "callback_query": query})

    # What the bot did

    def messages_to(self, chat_id: int) -> list[Sent]:
        return [sent for sent in self.sent if sent.chat_id == chat_id]

    def wait_for_messages(self, chat_id: int, count: int, timeout: float = 10) -> list[Sent]:
        """Block until the chat received `count` messages; AssertionError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.messages_to(chat_id)) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"chat {chat_id}: {[s.text for s in self.messages_to(chat_id)]}")
                self._changed.wait(left)
        return self.messages_to(chat_id)

    def called(self, method: str) -> list[dict]:
        return [params for name, params in self.calls if name == method]

    # The API

    def _scripted(self, method: str, params: dict) -> Failure | None:
        for failure in self.failures:
            same_chat = failure.chat_id is None or failure.chat_id == params.get("chat_id")
            if failure.method == method and same_chat and failure.times > 0:
                failure.times -= 1
                return failure
        return None

    def _get_updates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        with self._changed:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and time.monotonic() < deadline:
                self._changed.wait(deadline - time.monotonic())
            return self._updates[: int(params.get("limit") or 100)]

    def _send_message(self, params: dict) -> tuple[int, dict]:
        with self._changed:
            self._sends += 1
            number = self._sends
        hold = next((h for h in self.holds if h.number == number), None)
        if hold is not None:
            hold.holding.set()
            hold.release.wait(60)
            return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
        chat_id = int(params["chat_id"])
        with self._changed:
            self.sent.append(Sent(chat_id, params["text"], params.get("reply_markup"), time.monotonic()))
            message_id = len(self.sent)
            self._changed.notify_all()
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": BOT_USER,
            "text": params["text"],
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return 200, {"ok": True, "result": message}

    def _answer(self, method: str, params: dict) -> tuple[int, dict]:
        self.calls.append((method, params))
        if failure := self._scripted(method, params):
            body = {"ok": False, "error_code": failure.error_code, "description": failure.description}
            if failure.retry_after is not None:
                body["parameters"] = {"retry_after": failure.retry_after}
            return failure.error_code, body
        if method == "sendMessage":
            return self._send_message(params)
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        if method == "getMe":
            return 200, {"ok": True, "result": BOT_USER}
        if method == "setWebhook":
            self.webhook = params
            return 200, {"ok": True, "result": True, "description": "Webhook was set"}
        if method == "deleteWebhook":
            self.webhook = {}
            return 200, {"ok": True, "result": True, "description": "Webhook was deleted"}
        if method == "getWebhookInfo":
            info = {
                "url": self.webhook.get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": 0,
            }
            return 200, {"ok": True, "result": info}
        if method in ("answerCallbackQuery", "editMessageReplyMarkup"):
            return 200, {"ok": True, "result": True}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _reply(self, status: int, body: dict) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(payload)

            def _call(self, body: bytes) -> None:
                prefix, _, method = self.path.split("?")[0].lstrip("/").partition("/")
                if prefix != f"bot{fake.token}":
                    self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                    return
                params = _decode(self.headers.get("Content-Type", ""), body)
                self._reply(*fake._answer(method, params))

            def do_POST(self) -> None:
                self._call(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

            def do_GET(self) -> None:
                self._call(b"")

        return Handler
