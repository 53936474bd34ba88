"""A job for tests/integration/test_request_ids.py: it only writes a log line."""

import logging


def say_hello() -> str:
    logging.getLogger("tests.logging_job").info("hola desde el worker")
    return "hola"
