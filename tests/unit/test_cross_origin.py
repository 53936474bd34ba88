"""Cross-origin requests get nothing in production: the Reflex config allows only PUBLIC_URL, the
backend's own routes answer another origin without Access-Control-Allow-Origin, and the session
cookie is Secure and SameSite=Lax."""

from types import SimpleNamespace

import pytest
import reflex.app
from starlette.applications import Starlette
from starlette.testclient import TestClient

from compraagil.config import Settings
from compraagil_web.api import api
from compraagil_web.state import SESSION_COOKIE, session_cookie
from rxconfig import allowed_origins

PUBLIC_URL = "https://compraagil.cl"
EVIL = "https://evil.example"


@pytest.fixture
def production(monkeypatch) -> Settings:
    for variable in ("APP_ENV", "PUBLIC_URL", "DATABASE_URL", "REDIS_URL", "SMTP_URL", "SECRET_KEY"):
        monkeypatch.delenv(variable, raising=False)
    return Settings(
        _env_file=None,
        app_env="production",
        public_url=PUBLIC_URL,
        secret_key="un-secreto-de-verdad",
        database_url="postgresql://db/compraagil",
        redis_url="redis://redis:6379/0",
        smtp_url="smtp://mail:25",
    )


def test_production_allows_only_the_public_origin(production):
    assert allowed_origins(production) == [PUBLIC_URL]
    assert allowed_origins(production.model_copy(update={"public_url": PUBLIC_URL + "/"})) == [PUBLIC_URL]
    assert allowed_origins(Settings(_env_file=None, app_env="development")) == ["*"]


@pytest.fixture
def backend(production, monkeypatch) -> TestClient:
    """The backend's own routes wrapped in CORS exactly as Reflex wraps them (`App._add_cors`), with
    the production origins; /healthz answers without touching a database."""
    config = SimpleNamespace(cors_allowed_origins=allowed_origins(production))
    monkeypatch.setattr(reflex.app, "get_config", lambda: config)
    monkeypatch.setattr("compraagil_web.api.check_health", lambda: _Healthy())
    top = Starlette()
    top.mount("", api)
    reflex.app.App._add_cors(top)
    return TestClient(top)


class _Healthy:
    healthy = True

    def as_dict(self) -> dict:
        return {"status": "ok"}


def _paths() -> list[str]:
    paths = [route.path for route in api.routes if "GET" in getattr(route, "methods", ())]
    assert {"/healthz", "/metrics"} <= set(paths)
    return [*paths, "/api/v1/licitaciones"]


def test_backend_routes_give_another_origin_nothing(backend):
    for path in _paths():
        answer = backend.get(path, headers={"Origin": EVIL})
        assert "access-control-allow-origin" not in answer.headers, path
        preflight = backend.options(path, headers={"Origin": EVIL, "Access-Control-Request-Method": "GET"})
        assert "access-control-allow-origin" not in preflight.headers, path
        assert preflight.status_code == 400, path


def test_backend_routes_answer_the_public_origin(backend):
    answer = backend.get("/healthz", headers={"Origin": PUBLIC_URL})
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == PUBLIC_URL


def test_session_cookie_is_secure_and_lax_in_production(production):
    cookie = session_cookie(production)
    assert (cookie.name, cookie.secure, cookie.same_site, cookie.path) == (SESSION_COOKIE, True, "lax", "/")
    assert cookie.max_age == 400 * 24 * 3600  # the server ends sessions; the browser just keeps the token
    assert session_cookie(Settings(_env_file=None, app_env="development")).secure is False
