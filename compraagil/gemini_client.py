"""What our Gemini callers share (the Gemini Developer API through google-genai): a client over our
own httpx connection, Google's error explained in one line, and the bounded wait after a 429 that
honours its RetryInfo."""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from google import genai
from google.genai import errors, types

logger = logging.getLogger(__name__)

API_VERSION = "v1beta"
MAX_RETRIES = 2
"""Retries after a 429; any other failure is not retried."""
MAX_WAIT_SECONDS = 10.0
"""The most all 429 retries of one request may wait together: a longer RetryInfo delay ends it at once."""
DEFAULT_RETRY_DELAY = 2.0
"""The wait after a 429 that says none (no RetryInfo)."""


@contextmanager
def gemini_client(*, api_key: str, base_url: str | None, timeout_seconds: float) -> Iterator[genai.Client]:
    """A Gemini Developer API client on its own connection, closed on leaving."""
    with httpx.Client() as http:
        options = types.HttpOptions(
            base_url=base_url,
            api_version=API_VERSION,
            timeout=round(timeout_seconds * 1000),
            httpx_client=http,
        )
        yield genai.Client(enterprise=False, api_key=api_key, http_options=options)


def _detail(error: errors.APIError, kind: str) -> dict:
    """The error's `google.rpc.<kind>` detail (RetryInfo, ErrorInfo…), or {}."""
    body = error.details if isinstance(error.details, dict) else {}
    details = body.get("error", {}).get("details") or []
    return next((d for d in details if str(d.get("@type", "")).endswith(f"google.rpc.{kind}")), {})


def retry_delay(error: errors.APIError) -> float:
    """The seconds a 429 asks to wait (RetryInfo `retryDelay`, a Duration such as "1.5s")."""
    try:
        return float(str(_detail(error, "RetryInfo")["retryDelay"]).removesuffix("s"))
    except (KeyError, ValueError):
        return DEFAULT_RETRY_DELAY


def cause(error: errors.APIError) -> str:
    """Google's answer in one line, e.g. «Gemini answered 400 INVALID_ARGUMENT (API_KEY_INVALID)»."""
    reason = _detail(error, "ErrorInfo").get("reason")
    return f"Gemini answered {error.code} {error.status}" + (f" ({reason})" if reason else "")


class RateLimitWaits:
    """The waits one request may make after 429s: at most MAX_RETRIES, MAX_WAIT_SECONDS together."""

    def __init__(self, model: str) -> None:
        self.model = model
        self.retries = 0
        self.waited = 0.0

    def wait_out(self, error: errors.APIError) -> bool:
        """After a 429 within the bounds: sleep what it asks and return True; otherwise False."""
        delay = retry_delay(error)
        if error.code != 429 or self.retries == MAX_RETRIES or self.waited + delay > MAX_WAIT_SECONDS:
            return False
        logger.info("Gemini (%s) answered 429: retrying in %.1f s", self.model, delay)
        time.sleep(delay)
        self.retries += 1
        self.waited += delay
        return True
