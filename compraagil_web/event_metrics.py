"""Every page event counted by its handler (`search_state.load`), and named for the core calls it
makes (`CoreCalls._call` times them under that name): a Reflex middleware sees each event before
its handler runs, in the same task, so a context variable carries the name to the handler."""

from contextvars import ContextVar

from reflex.middleware import Middleware

from compraagil.metrics import PAGE_EVENTS

current_event: ContextVar[str] = ContextVar("current_event", default="other")


def short_name(event_name: str) -> str:
    """`…pages___search____search_state.load` → `search_state.load` (a bounded set of labels)."""
    state, _, handler = event_name.rpartition(".")
    return f"{state.rpartition('____')[2] or state}.{handler}" if state else handler


class EventMetrics(Middleware):
    async def preprocess(self, app, state, event):
        name = short_name(event.name)
        PAGE_EVENTS.labels(name).inc()
        current_event.set(name)
        return None
