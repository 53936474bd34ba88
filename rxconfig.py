"""Reflex configuration. Ports are passed on the command line (`reflex run --single-port ...`)."""

import reflex as rx

config = rx.Config(
    app_name="compraagil_web",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    state_manager_mode="memory",
    plugins=[
        rx.plugins.SitemapPlugin(),
        rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="teal", radius="medium")),
    ],
)
