"""Email through SMTP_URL to the local development server, which keeps each message."""

import pytest

from compraagil.config import get_settings
from compraagil.devservices import free_port
from compraagil.errors import ConfigurationError
from compraagil.mail.devserver import read_messages, start_dev_mail_server
from compraagil.mail.sender import send_mail, send_mail_in_background


@pytest.fixture
def mail_server(tmp_path, monkeypatch):
    server = start_dev_mail_server(tmp_path / "mail", free_port(), echo=False)
    monkeypatch.setenv("SMTP_URL", server.url)
    get_settings.cache_clear()
    yield server
    server.stop()
    get_settings.cache_clear()


def test_sent_mail_arrives_in_the_dev_server(mail_server):
    send_mail(
        to="ana@ferreteria.cl", subject="Confirma tu correo", body="Hola, ñandú: http://x/verificar?token=abc"
    )
    send_mail_in_background(to="beto@ferreteria.cl", subject="Segundo", body="otro").join(timeout=10)
    first, second = read_messages(mail_server.folder)
    assert (first["To"], first["Subject"]) == ("ana@ferreteria.cl", "Confirma tu correo")
    assert "ñandú" in first.get_content() and second["To"] == "beto@ferreteria.cl"


def test_without_smtp_url_sending_fails_in_spanish(monkeypatch):
    monkeypatch.delenv("SMTP_URL", raising=False)
    monkeypatch.setattr(get_settings(), "smtp_url", None)
    with pytest.raises(ConfigurationError, match="SMTP_URL"):
        send_mail(to="a@b.cl", subject="x", body="y")
