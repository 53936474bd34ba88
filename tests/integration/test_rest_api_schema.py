"""Property-based: schemathesis generates requests from the API's own OpenAPI document and sends
them to the app (real database and Redis, a PROFESIONAL key): no 5xx, and every answer matches
the document (statuses, content types, bodies). Two checks are left out: a request
the document allows may still get a 422 where a rule cannot be written in it (a RUT's check digit,
a minimum above the maximum, a cursor we did not make), and a request it forbids may pass because
unknown query parameters are ignored and the test always sends its key."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from compraagil.config import get_settings
from compraagil_web.api import api
from tests.factories import account, api_key, paper_history

schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", api)


@pytest.fixture
def key(tmp_path, monkeypatch):
    paper_history(tmp_path)
    monkeypatch.setattr(get_settings(), "api_burst", 100_000)
    return api_key(*account("pro@ejemplo.cl"))


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_to_its_document(case, key):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {key}"},
        excluded_checks=[positive_data_acceptance, negative_data_rejection],
    )
