"""Reflex configuration. Ports are passed on the command line (`reflex run --single-port ...`).
In production only PUBLIC_URL may call the backend from a browser (CORS and the event socket)."""

from urllib.parse import urlsplit

import reflex as rx

from compraagil.config import Settings, get_settings


def allowed_origins(settings: Settings) -> list[str]:
    """The browser origins the backend answers: PUBLIC_URL's origin in production, any in development."""
    if not settings.production:
        return ["*"]
    url = urlsplit(settings.public_url)
    return [f"{url.scheme}://{url.netloc}"]


config = rx.Config(
    app_name="compraagil_web",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    state_manager_mode="memory",
    cors_allowed_origins=allowed_origins(get_settings()),
    plugins=[
        rx.plugins.SitemapPlugin(),
        rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="teal", radius="medium")),
    ],
)
