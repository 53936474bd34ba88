"""The whole product as `make run` starts it, in a temporary data folder, and a headless Chromium."""

import hashlib
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import psycopg
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from compraagil.config import PROJECT_ROOT, child_environment
from compraagil.devservices import free_port
from tests.fakes.telegram import TOKEN, FakeTelegram

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT_SECONDS = 300
SESSION_COOKIE = "compraagil_sesion"
E2E_USER = "e2e-pro@compraagil.cl"
E2E_PASSWORD = "clave-de-pruebas-para-chromium"


@dataclass
class RunningProduct:
    """A `python -m compraagil run` process and where to reach it."""

    process: subprocess.Popen
    data_dir: Path
    base_url: str
    log_path: Path
    redis_url: str
    descendants: set[int] = field(default_factory=set)

    @property
    def database_url(self) -> str:
        return f"postgresql://postgres@/compraagil?host={self.data_dir / 'postgres'}"

    @property
    def mail_dir(self) -> Path:
        """Where the dev SMTP server of `make run` keeps each message it receives."""
        return self.data_dir / "mail"

    def cli(self, *args: str) -> str:
        """`python -m compraagil ARGS` against this product's database; its output."""
        env = child_environment(DATABASE_URL=self.database_url, DATA_DIR=str(self.data_dir))
        done = subprocess.run(
            [sys.executable, "-m", "compraagil", *args],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def sign_in(self, context: BrowserContext, email: str = E2E_USER) -> None:
        """Sign the browser context in as `email` (made on PROFESIONAL when missing) with a fresh
        session written to the database, as logging in would."""
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM users WHERE email = %s", (email,)).fetchone():
                self.cli("users", "create", email, "--password", E2E_PASSWORD, "--plan", "PROFESIONAL")
            token = secrets.token_urlsafe(32)
            conn.execute(
                "INSERT INTO user_sessions (token_hash, user_id, expires_at)"
                " SELECT %s, id, now() + interval '1 day' FROM users WHERE email = %s",
                (hashlib.sha256(token.encode()).hexdigest(), email),
            )
        context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": self.base_url}])

    def stop(self) -> int:
        """Ctrl-C, as a person would press it; returns the exit code."""
        self.descendants |= {child.pid for child in psutil.Process(self.process.pid).children(recursive=True)}
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=60)


def start_product(
    data_dir: Path, log_path: Path, telegram_api_url: str | None = None, arguments: tuple[str, ...] = ()
) -> RunningProduct:
    """`make run` in `data_dir` (`python -m compraagil run ARGUMENTS`); with `telegram_api_url`, its bot
    and alert pushes talk to that Bot API."""
    port, redis_port = free_port(), free_port()
    env = child_environment(
        DATA_DIR=str(data_dir),
        WEB_PORT=str(port),
        EMBEDDED_REDIS_PORT=str(redis_port),
        DEV_SMTP_PORT=str(free_port()),
        DEV_PAYMENTS_PORT=str(free_port()),
        PUBLIC_URL=f"http://localhost:{port}",
    )
    for variable in (
        "DATABASE_URL", "REDIS_URL", "SMTP_URL", "TELEGRAM_TOKEN", "TELEGRAM_WEBHOOK_SECRET",
        "FLOW_API_KEY", "FLOW_SECRET_KEY", "FLOW_API_URL", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_URL",
    ):  # fmt: skip
        env.pop(variable, None)
    if telegram_api_url:
        env |= {"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_API_URL": telegram_api_url}
    log = log_path.open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "compraagil", "run", *arguments],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    product = RunningProduct(
        process, data_dir, f"http://localhost:{port}", log_path, f"redis://127.0.0.1:{redis_port}/0"
    )
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"make run exited early:\n{log_path.read_text()[-4000:]}")
        try:
            if httpx.get(f"{product.base_url}/healthz", timeout=2).status_code == 200:
                return product
        except httpx.HTTPError:
            pass
        time.sleep(1)
    product.stop()
    raise RuntimeError(f"the web app did not come up:\n{log_path.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def telegram() -> Iterator[FakeTelegram]:
    """The Bot API the product's bot polls and its workers push to (a local fake)."""
    fake = FakeTelegram().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def product(tmp_path_factory: pytest.TempPathFactory, telegram: FakeTelegram) -> Iterator[RunningProduct]:
    root = tmp_path_factory.mktemp("product")
    running = start_product(root / "var", root / "run.log", telegram.url)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, product: RunningProduct) -> Iterator[Page]:
    """A desktop tab signed in on PROFESIONAL (price pages and profiles need an account)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="es-CL")
    product.sign_in(context)
    yield context.new_page()
    context.close()


@pytest.fixture
def visitor(browser: Browser) -> Iterator[Page]:
    """A desktop tab of someone not signed in."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="es-CL")
    yield context.new_page()
    context.close()
