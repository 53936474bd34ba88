"""One family of errors, translated once per door: HTTP status + JSON, one CLI line, a page message."""

import pytest
from fastapi.testclient import TestClient

from compraagil import cli, errors
from compraagil.errors import CompraAgilError, ConfigurationError, InvalidInput, NotFound, TooManyAttempts
from compraagil_web import api
from compraagil_web.core_calls import GENERIC_MESSAGE, describe


def _family() -> list[type[CompraAgilError]]:
    found, pending = [], [CompraAgilError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


@pytest.mark.parametrize("error_class", _family(), ids=lambda cls: cls.__name__)
def test_every_error_has_an_http_status_and_its_message(error_class):
    error = error_class("No encontramos eso.")
    assert 400 <= error.http_status <= 599
    assert error.message == str(error) == "No encontramos eso."


def test_the_family_covers_what_the_doors_must_know():
    names = {cls.__name__ for cls in _family()}
    assert {"NotFound", "InvalidInput", "Unauthorized", "Forbidden", "QuotaExceeded"} <= names
    assert {"TooManyAttempts", "ImportFailed", "ConfigurationError"} <= names
    assert errors.ImportFailed.http_status == 500


def test_an_api_route_answers_a_core_error_with_its_status_and_message(monkeypatch):
    def failing():
        raise NotFound("No encontramos esa Compra Ágil.")

    monkeypatch.setattr(api, "check_health", failing)
    response = TestClient(api.api).get("/healthz")
    assert response.status_code == 404
    assert response.json() == {"error": "No encontramos esa Compra Ágil."}


def test_too_many_attempts_says_when_to_come_back(monkeypatch):
    def failing():
        raise TooManyAttempts("Demasiados intentos: espera un minuto.", retry_after=60)

    monkeypatch.setattr(api, "check_health", failing)
    response = TestClient(api.api).get("/healthz")
    assert (response.status_code, response.headers["retry-after"]) == (429, "60")


def test_the_cli_prints_one_spanish_line(monkeypatch, capsys):
    def failing():
        raise ConfigurationError("DATABASE_URL: no se puede conectar a postgresql://db/x: timeout")

    monkeypatch.setattr(cli, "configure_logging", lambda service: None)
    monkeypatch.setattr(cli, "_ensure_schema", failing)
    assert cli.main(["stats"]) == 2
    assert (
        capsys.readouterr().err == "error: DATABASE_URL: no se puede conectar a postgresql://db/x: timeout\n"
    )


def test_a_page_shows_a_core_message_and_hides_anything_else():
    assert describe(NotFound("No encontramos ese proveedor.")) == ("No encontramos ese proveedor.", False)
    assert describe(InvalidInput("Escribe al menos 3 letras del producto")) == (
        "Escribe al menos 3 letras del producto",
        False,
    )
    assert describe(ConfigurationError("REDIS_URL: no se puede conectar a …")) == (
        "REDIS_URL: no se puede conectar a …",
        True,
    )
    assert describe(RuntimeError("connection refused")) == (GENERIC_MESSAGE, True)
