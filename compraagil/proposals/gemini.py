"""Proposals written by Gemini (the Gemini Developer API through google-genai), streamed as written."""

import logging
import time
from collections.abc import Callable

import httpx
from google import genai
from google.genai import errors, types

from compraagil.proposals.prompt import Prompt

logger = logging.getLogger(__name__)

API_VERSION = "v1beta"
TEMPERATURE = 0.4
MAX_RETRIES = 2
"""Retries after a 429; any other failure is not retried."""
MAX_WAIT_SECONDS = 10.0
"""The most all 429 retries may wait together: a longer RetryInfo delay ends the attempt at once."""
DEFAULT_RETRY_DELAY = 2.0
"""The wait after a 429 that says none (no RetryInfo)."""


class GeminiUnavailable(Exception):
    """Gemini could not write it (bad key, quota, server error, network, timeout, no text): the caller
    falls back to the offline templates."""


def _detail(error: errors.APIError, kind: str) -> dict:
    """The error's `google.rpc.<kind>` detail (RetryInfo, ErrorInfo…), or {}."""
    body = error.details if isinstance(error.details, dict) else {}
    details = body.get("error", {}).get("details") or []
    return next((d for d in details if str(d.get("@type", "")).endswith(f"google.rpc.{kind}")), {})


def _retry_delay(error: errors.APIError) -> float:
    """The seconds a 429 asks to wait (RetryInfo `retryDelay`, a Duration such as "1.5s")."""
    try:
        return float(str(_detail(error, "RetryInfo")["retryDelay"]).removesuffix("s"))
    except (KeyError, ValueError):
        return DEFAULT_RETRY_DELAY


def _cause(error: errors.APIError) -> str:
    reason = _detail(error, "ErrorInfo").get("reason")
    return f"Gemini answered {error.code} {error.status}" + (f" ({reason})" if reason else "")


def _unavailable(model: str, cause: str) -> GeminiUnavailable:
    logger.warning("Gemini (%s) could not write the proposal: %s", model, cause)
    return GeminiUnavailable(cause)


def write_with_gemini(
    prompt: Prompt,
    *,
    api_key: str,
    model: str,
    base_url: str | None = None,
    on_text: Callable[[str], None] | None = None,
    timeout_seconds: float = 60.0,
) -> str:
    """Stream the proposal from Gemini; `on_text` gets the text received so far after each chunk;
    returns the whole text."""
    config = types.GenerateContentConfig(
        system_instruction=prompt.system, temperature=TEMPERATURE, automatic_continuation=False
    )
    retries, waited = 0, 0.0
    with httpx.Client() as http:
        options = types.HttpOptions(
            base_url=base_url,
            api_version=API_VERSION,
            timeout=round(timeout_seconds * 1000),
            httpx_client=http,
        )
        client = genai.Client(enterprise=False, api_key=api_key, http_options=options)
        while True:
            text = ""
            try:
                for chunk in client.models.generate_content_stream(
                    model=model, contents=prompt.user, config=config
                ):
                    if chunk.text:
                        text += chunk.text
                        if on_text is not None:
                            on_text(text)
            except errors.APIError as error:
                delay = _retry_delay(error)
                if error.code != 429 or text or retries == MAX_RETRIES or waited + delay > MAX_WAIT_SECONDS:
                    raise _unavailable(model, _cause(error)) from error
                logger.info("Gemini (%s) answered 429: retrying in %.1f s", model, delay)
                time.sleep(delay)
                retries, waited = retries + 1, waited + delay
                continue
            except (httpx.HTTPError, errors.UnknownApiResponseError) as error:
                raise _unavailable(model, f"Gemini failed: {type(error).__name__}") from error
            if not text.strip():
                raise _unavailable(model, "Gemini answered no text")
            return text
