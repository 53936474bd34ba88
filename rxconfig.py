"""Reflex configuration. Ports are passed on the command line (`reflex run --single-port ...`).
In production only PUBLIC_URL may call the backend from a browser (CORS and the event socket)."""

import reflex as rx

from compraagil.config import get_settings

_settings = get_settings()

config = rx.Config(
    app_name="compraagil_web",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    state_manager_mode="memory",
    cors_allowed_origins=[_settings.public_url] if _settings.production else ["*"],
    plugins=[
        rx.plugins.SitemapPlugin(),
        rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="teal", radius="medium")),
    ],
)
