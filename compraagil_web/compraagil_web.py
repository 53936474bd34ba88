"""The Reflex app: its pages and the backend's own routes (the theme is set in rxconfig.py)."""

import reflex as rx

from compraagil.logs import configure_logging
from compraagil_web import mcp_server
from compraagil_web.api import api
from compraagil_web.event_metrics import EventMetrics
from compraagil_web.pages import (  # noqa: F401  (pages register with @rx.page)
    admin,
    alertas,
    crear_cuenta,
    cuenta,
    entrar,
    home,
    pago,
    pipeline,
    planes,
    prices,
    profiles,
    propuestas,
    recuperar,
    resultados,
    search,
    tender,
    upcoming,
    verificar,
)

configure_logging("web")

app = rx.App(html_lang="es-CL", api_transformer=api)
app.add_middleware(EventMetrics())
app.register_lifespan_task(mcp_server.lifespan)
upcoming.register(app)
