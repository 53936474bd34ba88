"""The REST API v1 on a real database and Redis: keys made, shown once and revoked; every
operation answering for a PROFESIONAL key; 401/402/403/422/429 as JSON in Spanish; cursor pages
covering a search exactly once; the same quotas as the web; the documentation page."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from compraagil.accounts.companies import update_company
from compraagil.api_keys.service import create_key, keys_overview, list_keys, revoke_key
from compraagil.config import get_settings
from compraagil.db import session_scope
from compraagil.errors import QuotaExceeded
from compraagil.pipeline.service import save_tender
from compraagil_web.api import api
from tests.factories import PAPER_CODES, account, api_key, paper_history

CODES = PAPER_CODES


@pytest.fixture
def history(tmp_path):
    paper_history(tmp_path)


@pytest.fixture
def client(services):
    return TestClient(api)


def get(client, path: str, key: str | None, **params):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return client.get(path, params=params, headers=headers)


def test_a_key_is_shown_once_and_opens_every_operation(client, history):
    user_id, company_id = account("pro@ejemplo.cl")
    key = api_key(user_id, company_id)
    with session_scope() as session:
        (listed,) = list_keys(session=session, company_id=company_id)
        stored = session.execute(text("SELECT key_hash FROM api_keys")).scalar_one()
        save_tender(session=session, user_id=user_id, company_id=company_id, codigo=CODES[0])
    assert key.startswith("ca_") and listed.prefix == key[:10] and key not in stored

    found = get(client, "/api/v1/tenders", key, q="resmas carta")
    assert found.status_code == 200, found.text
    assert {hit["codigo"] for hit in found.json()["data"]} == set(CODES)
    detail = get(client, f"/api/v1/tenders/{CODES[0]}", key).json()
    assert detail["codigo"] == CODES[0] and detail["quotes"]
    assert get(client, "/api/v1/prices", key, product="resma papel carta").json()["sample_size"] == len(CODES)
    buyer_id = detail["buyer_id"]
    assert get(client, f"/api/v1/buyers/{buyer_id}", key).json()["processes"] == len(CODES)
    assert get(client, "/api/v1/suppliers/78.167.575-K", key).json()["name"] == "Comercial Ñandú SpA"
    assert [card["codigo"] for card in get(client, "/api/v1/pipeline", key).json()["data"]] == [CODES[0]]
    with session_scope() as session:
        (used,) = list_keys(session=session, company_id=company_id)
    assert used.last_used_at is not None
    metrics = client.get("/metrics").text
    assert (
        'compraagil_http_requests_total{method="GET",route="/api/v1/tenders/{codigo}",status="200"}'
        in metrics
    )


def test_missing_wrong_and_revoked_keys_get_401_in_spanish(client, history):
    user_id, company_id = account("pro@ejemplo.cl")
    key = api_key(user_id, company_id)
    assert get(client, "/api/v1/tenders", None).json() == {
        "error": "Falta la clave de API: envía el encabezado «Authorization: Bearer <clave>»."
    }
    assert get(client, "/api/v1/tenders", "ca_inventada").status_code == 401
    with session_scope() as session:
        (listed,) = list_keys(session=session, company_id=company_id)
        revoke_key(session=session, user_id=user_id, company_id=company_id, key_id=listed.id)
    answer = get(client, "/api/v1/tenders", key)
    assert answer.status_code == 401 and "revocada" in answer.json()["error"]


def test_free_plans_make_no_keys_and_a_downgraded_company_gets_402(client, history):
    free_user, free_company = account("gratis@ejemplo.cl", plan="FREE")
    with session_scope() as session:
        shown = keys_overview(session=session, company_id=free_company)
        assert not shown.included and "Profesional" in shown.upgrade_message
        assert (
            session.execute(text("SELECT count(*) FROM quota_refusals")).scalar_one() == 0
        )  # seeing is no refusal
    with session_scope() as session, pytest.raises(QuotaExceeded, match="Profesional"):
        create_key(session=session, user_id=free_user, company_id=free_company, name="ERP")
    user_id, company_id = account("pro@ejemplo.cl")
    key = api_key(user_id, company_id)
    with session_scope() as session:
        session.execute(text("UPDATE companies SET plan = 'PYME' WHERE id = :id"), {"id": company_id})
    answer = get(client, "/api/v1/tenders", key)
    assert answer.status_code == 402 and "no incluye acceso a la API" in answer.json()["error"]


def test_a_key_whose_maker_left_the_company_gets_403(client, history):
    user_id, company_id = account("pro@ejemplo.cl")
    _, other_company = account("otra@ejemplo.cl")
    key = api_key(user_id, company_id)
    with session_scope() as session:
        session.execute(
            text("UPDATE users SET company_id = :other WHERE id = :id"),
            {"other": other_company, "id": user_id},
        )
    assert get(client, "/api/v1/tenders", key).status_code == 403


def test_each_key_has_its_own_rate_limit(client, history, monkeypatch):
    monkeypatch.setattr(get_settings(), "api_burst", 3)
    monkeypatch.setattr(get_settings(), "api_requests_per_second", 0.3)  # 3333.3 ms apart: not a whole ms
    user_id, company_id = account("pro@ejemplo.cl")
    first, second = api_key(user_id, company_id, "uno"), api_key(user_id, company_id, "dos")
    statuses = [get(client, f"/api/v1/tenders/{CODES[0]}", first).status_code for _ in range(3)]
    refused = get(client, f"/api/v1/tenders/{CODES[0]}", first)
    assert statuses == [200, 200, 200] and refused.status_code == 429
    assert (
        int(refused.headers["Retry-After"]) in (3, 4) and "Demasiadas solicitudes" in refused.json()["error"]
    )
    assert get(client, f"/api/v1/tenders/{CODES[0]}", second).status_code == 200


def test_cursor_pages_cover_a_search_exactly_once(client, history):
    key = api_key(*account("pro@ejemplo.cl"))
    seen, cursor, pages = [], None, 0
    while True:
        params = {"cursor": cursor} if cursor else {"q": "resmas", "limit": 3, "sort": "cierre"}
        if cursor:
            params |= {"q": "resmas", "sort": "cierre"}
        page = get(client, "/api/v1/tenders", key, **params).json()
        seen += [hit["codigo"] for hit in page["data"]]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(CODES) and pages == 3
    forged = get(client, "/api/v1/tenders", key, cursor="no-es-un-cursor")
    assert forged.status_code == 422 and "cursor" in forged.json()["error"]


def test_a_price_analysis_by_api_counts_on_the_plans_daily_quota(client, history):
    user_id, company_id = account("pro@ejemplo.cl")
    key = api_key(user_id, company_id)
    for _ in range(2):
        assert get(client, "/api/v1/prices", key, product="resma papel carta").status_code == 200
    with session_scope() as session:
        used = session.execute(
            text("SELECT used FROM usage_counters WHERE company_id = :id AND feature = 'price_analysis'"),
            {"id": company_id},
        ).scalar_one()
    assert used == 2


def test_bad_parameters_and_unknown_routes_answer_json_in_spanish(client, history):
    key = api_key(*account("pro@ejemplo.cl"))
    region = get(client, "/api/v1/tenders", key, region=99)
    assert region.status_code == 422
    assert region.json()["error"] == "El parámetro «region» debe ser menor o igual a 16."
    short = get(client, "/api/v1/prices", key, product="ab")
    assert short.status_code == 422 and short.json() == {
        "error": "El parámetro «product» debe tener al menos 3 caracteres."
    }
    assert get(client, "/api/v1/suppliers/76.086.428-4", key).status_code == 422
    status = get(client, "/api/v1/pipeline", key, status="ganadas").json()["error"]
    assert status.startswith("El parámetro «status» debe ser uno de: 'evaluando'") and status.endswith(
        " o 'descartada'."
    )
    assert get(client, "/api/v1/tenders/9999-1-COT26", key).status_code == 404
    assert get(client, "/api/v1/nada", key).json() == {"error": "Esa ruta no existe en la API: revisa /api/."}


def test_the_documentation_page_lists_every_operation(client):
    document = client.get("/api/v1/openapi.json").json()
    page = client.get("/api/")
    assert page.status_code == 200 and "Authorization: Bearer" in page.text
    for path in document["paths"]:
        assert f"/api/v1{path}" in page.text


def test_my_results_by_api_follow_the_companys_rut(client, history):
    user_id, company_id = account("pro@ejemplo.cl")
    key = api_key(user_id, company_id)
    assert get(client, "/api/v1/results", key).json()["processes"] == 0
    with session_scope() as session:
        update_company(
            session=session, user_id=user_id, company_id=company_id, name="Ñandú", rut="78.167.575-K"
        )
    first = get(client, "/api/v1/results", key, months=36, limit=4).json()
    rest = get(client, "/api/v1/results", key, cursor=first["next_cursor"]).json()
    assert (first["rut"], first["processes"], first["won"]) == ("78.167.575-K", len(CODES), len(CODES))
    assert sorted(row["codigo"] for row in first["data"] + rest["data"]) == sorted(CODES)
    assert rest["next_cursor"] is None and {row["outcome"] for row in first["data"]} == {"ganada"}


def test_odd_characters_get_an_answer_in_the_apis_shape(client, history):
    """What schemathesis found: a NUL in a state filter (PostgreSQL refuses it: was a 500) and a
    newline in a path (the mount's pattern stops at it: was FastAPI's own 404 body)."""
    user_id, company_id = account("raro@ferreteria.cl")
    key = api_key(user_id, company_id)
    assert get(client, "/api/v1/tenders", key, state="\x00").status_code == 200
    missing = get(client, "/api/v1/suppliers/x%0Ay", key)
    assert missing.status_code == 404 and "error" in missing.json()
