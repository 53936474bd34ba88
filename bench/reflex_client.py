"""One browser-like Reflex session, speaking the frontend's own protocol (Reflex 0.10, state.js).

The browser opens a socket.io websocket at `/_event/` with a fresh client token in the query; the
CONNECT packet's auth carries the page's `hydrate_and_load` event (with the browser's cookies as
client storage vars and the compiled initial-state hashes) and the state schema. The backend answers
with `event` packets holding state deltas. A client-side navigation sends `update_vars_internal`
(when cookies are set) and `on_load_internal` with the new route's router data; a form sends its
handler by name. Reflex 0.10 marks no delta `final`, so an event is over when its answer is there:
a page load when `is_hydrated` goes false then true and each page state named in `settled` has
finished loading (the last `loading` this event gave it is false); a handler when `done` says so.
A delta with a page error (`error`), the backend's exception toast, or a redirect ends it too.

Engine.IO 4 / Socket.IO 5 are spoken directly over `websockets` (python-socketio's asyncio client
would need aiohttp): open `0{...}`, ping `2` / pong `3`, CONNECT `40/_event,{auth}`, EVENT
`42/_event,[...]` (the namespace is `/_event`).
"""

import asyncio
import contextlib
import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import websockets
from reflex_base.constants import Reflex

ROOT = "reflex___state____state"
HYDRATE_AND_LOAD = f"{ROOT}.hydrate_and_load"
ON_LOAD_INTERNAL = f"{ROOT}.reflex___state____on_load_internal_state.on_load_internal"
UPDATE_VARS_INTERNAL = f"{ROOT}.reflex___state____update_vars_internal_state.update_vars_internal"
FIELD = "_rx_state_"
IS_HYDRATED = "is_hydrated" + FIELD
LOADING = "loading" + FIELD
ERROR = "error" + FIELD
EVENT_PATH = "/_event"
"""Both the socket.io path (with a slash added, as socket.io-client does) and its namespace: the
frontend calls `io("ws://host/_event", {path: "/_event"})`, and a URL's path names the namespace."""
BACKEND_ERROR = "backend_error"
"""The id of the toast Reflex's default backend exception handler sends."""


class EventFailed(Exception):
    """The backend did not answer the event as a page would need (or not in time)."""


@dataclass(frozen=True)
class Frontend:
    """What the compiled frontend sends with the CONNECT packet (from its utils/context.jsx)."""

    state_schema: str | None = None
    initial_state_hashes: list[str] | None = None

    @classmethod
    def from_web_dir(cls, web_dir: Path) -> "Frontend":
        """Read the compiled schema and hashes; an empty Frontend when the build is not there."""
        context = web_dir / "utils" / "context.jsx"
        if not context.exists():
            return cls()
        text = context.read_text()
        hashes = re.search(r"export const initialStateHashes = (\[.*?\])\s*$", text, re.M)
        schema = re.search(r'export const stateSchema = "([0-9a-f]+)"', text)
        return cls(schema and schema.group(1), hashes and json.loads(hashes.group(1)))


@dataclass
class Answer:
    """The updates one event brought, and how long they took (send to last one needed)."""

    millis: float = 0.0
    deltas: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)

    def var(self, state: str, name: str, default=None):
        """The last value this event gave a state's var (`state` is its full name)."""
        for delta in reversed(self.deltas):
            if name + FIELD in delta.get(state, {}):
                return delta[state][name + FIELD]
        return default

    def seen(self, state: str, name: str, value) -> bool:
        return any(delta.get(state, {}).get(name + FIELD, object()) == value for delta in self.deltas)

    @property
    def redirect(self) -> str | None:
        """Where the backend sent the browser (`rx.redirect`), if it did."""
        for event in self.events:
            if event.get("name") == "_redirect":
                return event.get("payload", {}).get("path")
        return None

    @property
    def page_error(self) -> str:
        """The page's error message, or the backend's exception toast; empty when none."""
        for delta in self.deltas:
            for values in delta.values():
                if values.get(ERROR):
                    return str(values[ERROR])
        return BACKEND_ERROR if any(BACKEND_ERROR in json.dumps(e) for e in self.events) else ""


def router_data(path: str, query: dict[str, str] | None = None, params: dict[str, str] | None = None) -> dict:
    """The router data the frontend attaches: pathname, asPath and the query (with route params)."""
    search = f"?{urlencode(query)}" if query else ""
    data = {"pathname": path, "asPath": path + search}
    if query or params:
        data["query"] = {**(query or {}), **(params or {})}
    return data


class ReflexSession:
    """One browser tab: a fresh client token, the cookies it holds, one websocket."""

    def __init__(
        self, base_url: str, *, cookies: dict[str, str] | None = None, frontend: Frontend = Frontend()
    ):
        split = urlsplit(base_url)
        scheme = "wss" if split.scheme == "https" else "ws"
        self.token = str(uuid.uuid4())
        self.url = f"{scheme}://{split.netloc}{EVENT_PATH}/?{urlencode({'EIO': 4, 'transport': 'websocket', 'token': self.token})}"
        self.cookies = dict(cookies or {})
        """The tab's cookie vars, `{state full name}.{var}_rx_state_` -> value ("" while unset)."""
        self.frontend = frontend
        self.connection = None
        self.updates: asyncio.Queue = asyncio.Queue()
        self.reader: asyncio.Task | None = None

    async def open(self, path: str, query=None, params=None, *, settled=(), timeout=30.0) -> Answer:
        """Load a page as a new tab does: connect with hydrate_and_load in the CONNECT packet."""
        payload = {}
        if cookies := self._set_cookies():
            payload["vars"] = cookies
        if self.frontend.initial_state_hashes:
            payload["hashes"] = self.frontend.initial_state_hashes
        event = {
            "name": HYDRATE_AND_LOAD,
            "payload": payload,
            "router_data": router_data(path, query, params),
        }
        auth = {"event": event}
        if self.frontend.state_schema:
            auth["state_schema"] = self.frontend.state_schema
        started = time.perf_counter()
        self.connection = await websockets.connect(
            self.url, subprotocols=[Reflex.VERSION], open_timeout=timeout, max_size=None
        )
        handshake = await asyncio.wait_for(self.connection.recv(), timeout)
        if not handshake.startswith("0"):
            raise EventFailed(f"engine.io handshake: {handshake[:80]}")
        await self.connection.send(f"40{EVENT_PATH}," + json.dumps(auth))
        self.reader = asyncio.create_task(self._read())
        return await self._await_page(started, settled, timeout)

    async def navigate(self, path: str, query=None, params=None, *, settled=(), timeout=30.0) -> Answer:
        """A client-side navigation: the on_load events of another route, on the same socket."""
        route = router_data(path, query, params)
        started = time.perf_counter()
        if cookies := self._set_cookies():
            await self._emit(
                {"name": UPDATE_VARS_INTERNAL, "payload": {"vars": cookies}, "router_data": route}
            )
        await self._emit({"name": ON_LOAD_INTERNAL, "router_data": route})
        return await self._await_page(started, settled, timeout)

    async def call(
        self,
        handler: str,
        payload: dict,
        path: str,
        *,
        done: Callable[[Answer], bool],
        query=None,
        timeout=30.0,
    ) -> Answer:
        """A named handler (e.g. a form's on_submit) sent from `path`, until `done(answer)`."""
        started = time.perf_counter()
        await self._emit({"name": handler, "payload": payload, "router_data": router_data(path, query)})
        return await self._collect(started, lambda answer: done(answer) or bool(answer.page_error), timeout)

    async def close(self) -> None:
        if self.reader:
            self.reader.cancel()
        if self.connection:
            with contextlib.suppress(websockets.ConnectionClosed):
                await self.connection.send(f"41{EVENT_PATH},")
            await self.connection.close()

    async def _await_page(self, started: float, settled, timeout: float) -> Answer:
        def done(answer: Answer) -> bool:
            if answer.redirect or answer.page_error:
                return True
            hydrated = answer.seen(ROOT, "is_hydrated", False) and answer.var(ROOT, "is_hydrated") is True
            return hydrated and all(answer.var(state, "loading") is False for state in settled)

        return await self._collect(started, done, timeout)

    async def _collect(self, started: float, done: Callable[[Answer], bool], timeout: float) -> Answer:
        answer = Answer()
        deadline = started + timeout
        while not done(answer):
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise EventFailed(f"no complete answer in {timeout:.0f} s")
            try:
                update = await asyncio.wait_for(self.updates.get(), remaining)
            except TimeoutError:
                continue
            if isinstance(update, Exception):
                raise EventFailed(f"socket: {update}")
            answer.deltas.append(update.get("delta") or {})
            answer.events.extend(update.get("events") or [])
            self._keep_cookies(update.get("delta") or {})
        answer.millis = (time.perf_counter() - started) * 1000
        return answer

    def _set_cookies(self) -> dict[str, str]:
        """The cookies the browser holds, as client storage vars (an unset cookie is not sent)."""
        return {name: value for name, value in self.cookies.items() if value}

    def _keep_cookies(self, delta: dict) -> None:
        """Cookies the backend set in this tab (e.g. the session after a login) go with later events."""
        for state, values in delta.items():
            for name, value in values.items():
                if f"{state}.{name}" in self.cookies:
                    self.cookies[f"{state}.{name}"] = value

    async def _emit(self, event: dict) -> None:
        await self.connection.send(f"42{EVENT_PATH}," + json.dumps(["event", event]))

    async def _read(self) -> None:
        """Answer pings; queue each `event` update; a refused CONNECT or a closed socket as an error."""
        try:
            async for message in self.connection:
                if message == "2":
                    await self.connection.send("3")
                elif message.startswith(f"44{EVENT_PATH},"):
                    await self.updates.put(EventFailed(f"connect refused: {message[:200]}"))
                elif message.startswith(f"42{EVENT_PATH},"):
                    name, *args = json.loads(message[len(EVENT_PATH) + 3 :])
                    if name == "event" and args:
                        await self.updates.put(args[0])
            await self.updates.put(EventFailed("socket closed by the server"))
        except websockets.ConnectionClosed as error:
            await self.updates.put(EventFailed(f"socket closed: {error}"))
