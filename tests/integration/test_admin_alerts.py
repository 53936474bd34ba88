"""Prometheus alerts reach the operators' Telegram chat: Alertmanager's webhook JSON, posted with the
bearer token, becomes one Spanish message at the (fake) Bot API; a wrong token is refused and sends
nothing; without a token configured the route does not exist."""

import pytest
from fastapi.testclient import TestClient

from compraagil.config import get_settings
from compraagil_web.api import api
from tests.fakes.telegram import TOKEN, FakeTelegram

ADMIN_CHAT = -100200300
NOTIFICATION = {
    "version": "4",
    "status": "firing",
    "receiver": "operators",
    "alerts": [
        {
            "status": "firing",
            "labels": {"alertname": "DiskAlmostFull", "severity": "critical", "path": "/app/var"},
            "annotations": {"summary": "Queda menos del 10 % de disco libre en /app/var"},
        },
        {
            "status": "resolved",
            "labels": {"alertname": "QueueBacklog", "severity": "warning"},
            "annotations": {"summary": "Cola ml con 250 trabajos esperando hace 10 minutos"},
        },
    ],
}


@pytest.fixture
def telegram(services, monkeypatch):
    fake = FakeTelegram().start()
    settings = get_settings()
    monkeypatch.setattr(settings, "telegram_token", TOKEN)
    monkeypatch.setattr(settings, "telegram_api_url", fake.url)
    monkeypatch.setattr(settings, "admin_telegram_chat_id", ADMIN_CHAT)
    monkeypatch.setattr(settings, "alertmanager_webhook_token", "token-de-alertmanager")
    yield fake
    fake.stop()


def test_alerts_go_to_the_admin_chat_with_the_right_token_only(telegram):
    client = TestClient(api)
    assert (
        client.post(
            "/api/ops/alertmanager", json=NOTIFICATION, headers={"Authorization": "Bearer otro"}
        ).status_code
        == 403
    )
    assert telegram.sent == []
    answer = client.post(
        "/api/ops/alertmanager", json=NOTIFICATION, headers={"Authorization": "Bearer token-de-alertmanager"}
    )
    assert answer.json() == {"sent": 2}
    (message,) = telegram.messages_to(ADMIN_CHAT)
    assert message.text.splitlines() == [
        "CompraAgil · operación",
        "🔴 Crítica · DiskAlmostFull: Queda menos del 10 % de disco libre en /app/var",
        "✅ Resuelta · QueueBacklog: Cola ml con 250 trabajos esperando hace 10 minutos",
    ]
    bad = client.post(
        "/api/ops/alertmanager",
        json={"no": "alertas"},
        headers={"Authorization": "Bearer token-de-alertmanager"},
    )
    assert bad.status_code == 422


def test_without_a_token_configured_the_route_is_not_there(services, monkeypatch):
    monkeypatch.setattr(get_settings(), "alertmanager_webhook_token", None)
    assert TestClient(api).post("/api/ops/alertmanager", json=NOTIFICATION).status_code == 404
