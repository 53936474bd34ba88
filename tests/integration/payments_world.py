"""The payments test world: the web backend's routes served over real HTTP (uvicorn in a thread),
the local Flow and Stripe («pago de prueba») speaking their wire protocols to it, a dev SMTP server,
and the settings pointing at all of them."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from compraagil.config import get_settings
from compraagil.devservices import free_port
from compraagil.mail.devserver import DevMailServer, start_dev_mail_server
from compraagil.payments.devserver import DevPayments, start_dev_payments
from compraagil_web.api import api


@dataclass
class World:
    base_url: str
    payments: DevPayments
    mail: DevMailServer


@contextmanager
def payments_world(monkeypatch, folder: Path) -> Iterator[World]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = uvicorn.Server(
        uvicorn.Config(api, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(base_url + "/healthz", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.1)
    payments = start_dev_payments(0, base_url)
    mail = start_dev_mail_server(folder / "mail", free_port(), echo=False)
    settings = get_settings()
    monkeypatch.setattr(settings, "public_url", base_url)
    monkeypatch.setattr(settings, "smtp_url", mail.url)
    for name, value in payments.environment().items():
        monkeypatch.setattr(settings, name.lower(), value)
    try:
        yield World(base_url, payments, mail)
    finally:
        payments.stop()
        mail.stop()
        server.should_exit = True
        thread.join(timeout=10)
