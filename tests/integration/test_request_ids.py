"""A request id follows one action: the web answers it back (the caller's, or a new one), a job
enqueued meanwhile remembers it, and the job's log lines in the worker carry it."""

import logging
import re

from fastapi.testclient import TestClient

from compraagil import request_ids
from compraagil.redis_client import get_redis
from compraagil.request_ids import RequestIdFilter
from compraagil_web.api import api
from jobs.queues import DEFAULT, TracedJob, enqueue_with_retry


def test_the_web_answers_with_the_callers_request_id_or_a_new_one(services):
    client = TestClient(api)
    assert (
        client.get("/healthz", headers={"X-Request-ID": "balanceador-12345"}).headers["X-Request-ID"]
        == "balanceador-12345"
    )
    made = client.get("/healthz", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)


def test_a_job_runs_and_logs_under_the_request_id_it_was_enqueued_with(services, caplog):
    with request_ids.bound("pedido-de-prueba-1"):
        job = enqueue_with_retry("tests.integration.logging_job.say_hello", DEFAULT)
    assert request_ids.current() is None
    fetched = TracedJob.fetch(job.id, connection=get_redis())
    assert fetched.meta["request_id"] == "pedido-de-prueba-1"
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO, logger="tests.logging_job"):
        assert fetched.perform() == "hola"
    (line,) = [record for record in caplog.records if record.name == "tests.logging_job"]
    assert line.request_id == "pedido-de-prueba-1"
