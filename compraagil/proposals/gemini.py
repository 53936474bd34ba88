"""Proposals written by Gemini (the Gemini Developer API through google-genai), streamed as written."""

import logging
from collections.abc import Callable

import httpx
from google.genai import errors, types

from compraagil.gemini_client import RateLimitWaits, cause, gemini_client
from compraagil.proposals.prompt import Prompt

logger = logging.getLogger(__name__)

TEMPERATURE = 0.4


class GeminiUnavailable(Exception):
    """Gemini could not write it (bad key, quota, server error, network, timeout, no text): the caller
    falls back to the offline templates."""


def _unavailable(model: str, why: str) -> GeminiUnavailable:
    logger.warning("Gemini (%s) could not write the proposal: %s", model, why)
    return GeminiUnavailable(why)


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
    waits = RateLimitWaits(model)
    with gemini_client(api_key=api_key, base_url=base_url, timeout_seconds=timeout_seconds) as client:
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
                if text or not waits.wait_out(error):
                    raise _unavailable(model, cause(error)) from error
                continue
            except (httpx.HTTPError, errors.UnknownApiResponseError) as error:
                raise _unavailable(model, f"Gemini failed: {type(error).__name__}") from error
            if not text.strip():
                raise _unavailable(model, "Gemini answered no text")
            return text
