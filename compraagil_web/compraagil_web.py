"""The Reflex app: its pages and the backend's own routes (the theme is set in rxconfig.py)."""

import reflex as rx

from compraagil.logs import configure_logging
from compraagil_web.api import api
from compraagil_web.pages import home, prices, profiles, search, tender, upcoming  # noqa: F401  (pages register with @rx.page)

configure_logging("web")

app = rx.App(html_lang="es-CL", api_transformer=api)
upcoming.register(app)
