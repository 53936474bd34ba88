"""The Gemini proposal writer against a local Gemini (tests/fakes/gemini.py), through google-genai."""

import math
import time
from itertools import pairwise

import httpx
import pytest
from google import genai
from google.genai import types

from compraagil.proposals.gemini import GeminiUnavailable, write_with_gemini
from compraagil.proposals.prompt import Prompt
from tests.fakes.gemini import API_KEY, DIMENSIONS, FakeGemini, vector

MODEL = "gemini-2.5-flash"
PROMPT = Prompt(
    system="Eres un redactor de cotizaciones para Compra Ágil.",
    user="Licitación 1234-56-COT25: 10 resmas de papel carta a $4.990 c/u.",
)
ANSWER = (
    "Estimados señores:\n\nOfrecemos 10 resmas de papel carta a $4.990 cada una, con despacho en 48 horas."
)


@pytest.fixture
def fake():
    with FakeGemini() as server:
        server.answer = ANSWER
        yield server


def write(fake: FakeGemini, **kwargs) -> str:
    return write_with_gemini(PROMPT, api_key=API_KEY, model=MODEL, base_url=fake.url, **kwargs)


def test_the_streamed_text_arrives_whole_and_on_text_sees_it_grow(fake):
    seen: list[str] = []
    assert write(fake, on_text=seen.append) == ANSWER
    assert len(seen) == fake.stream_chunks
    assert all(later.startswith(earlier) and later != earlier for earlier, later in pairwise(seen))
    assert seen[-1] == ANSWER


def test_the_request_carries_model_system_instruction_user_text_and_key(fake):
    write(fake)
    [call] = fake.calls
    assert (call.version, call.model, call.method, call.query) == (
        "v1beta",
        MODEL,
        "streamGenerateContent",
        {"alt": "sse"},
    )
    assert call.api_key == API_KEY
    assert call.system_text == PROMPT.system
    assert call.user_text == PROMPT.user
    assert call.generation_config == {"temperature": 0.4}


def test_a_wrong_key_is_unavailable(fake, caplog):
    with pytest.raises(GeminiUnavailable, match="400 INVALID_ARGUMENT.*API_KEY_INVALID"):
        write_with_gemini(PROMPT, api_key="AIza-wrong", model=MODEL, base_url=fake.url)
    assert len(fake.calls) == 1
    assert "AIza-wrong" not in caplog.text
    assert [r.levelname for r in caplog.records if r.name == "compraagil.proposals.gemini"] == ["WARNING"]


def test_a_429_once_waits_what_the_server_asks_then_writes(fake):
    fake.fail(429, retry_delay="1s")
    started = time.monotonic()
    assert write(fake) == ANSWER
    first, second = fake.calls
    assert second.at - first.at >= 1.0
    assert time.monotonic() - started < 5


def test_429_forever_is_unavailable_after_two_retries(fake):
    fake.fail(429, times=math.inf, retry_delay="0.2s")
    started = time.monotonic()
    with pytest.raises(GeminiUnavailable, match="429 RESOURCE_EXHAUSTED"):
        write(fake)
    assert len(fake.calls) == 3
    assert time.monotonic() - started < 3


def test_a_429_asking_too_long_a_wait_is_unavailable_at_once(fake):
    fake.fail(429, times=math.inf, retry_delay="37s")
    started = time.monotonic()
    with pytest.raises(GeminiUnavailable, match="429"):
        write(fake)
    assert len(fake.calls) == 1
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(("status", "name"), [(500, "INTERNAL"), (503, "UNAVAILABLE")])
def test_a_server_error_is_unavailable_without_retrying(fake, status, name):
    fake.fail(status)
    with pytest.raises(GeminiUnavailable, match=f"{status} {name}"):
        write(fake)
    assert len(fake.calls) == 1


def test_an_empty_answer_is_unavailable(fake):
    fake.answer = ""
    with pytest.raises(GeminiUnavailable, match="no text"):
        write(fake)


def test_a_timeout_is_unavailable(fake):
    fake.stall = 3
    started = time.monotonic()
    with pytest.raises(GeminiUnavailable, match="Timeout"):
        write(fake, timeout_seconds=0.5)
    assert time.monotonic() - started < 2


def test_an_unreachable_server_is_unavailable():
    with FakeGemini() as gone:
        url = gone.url
    with pytest.raises(GeminiUnavailable, match="ConnectError"):
        write_with_gemini(PROMPT, api_key=API_KEY, model=MODEL, base_url=url)


def test_the_fake_embeds_deterministically(fake):
    """The fake's embedding endpoints: batchEmbedContents as google-genai calls it, embedContent raw."""
    client = genai.Client(api_key=API_KEY, http_options=types.HttpOptions(base_url=fake.url))
    config = types.EmbedContentConfig(output_dimensionality=8)
    first = client.models.embed_content(
        model="gemini-embedding-001", contents=["papel", "toner"], config=config
    )
    again = client.models.embed_content(model="gemini-embedding-001", contents=["papel"], config=config)
    assert [len(e.values) for e in first.embeddings] == [8, 8]
    assert first.embeddings[0].values == again.embeddings[0].values != first.embeddings[1].values
    assert fake.called("batchEmbedContents")[0].embedded_texts == ["papel", "toner"]
    single = httpx.post(
        f"{fake.url}/v1beta/models/gemini-embedding-001:embedContent",
        headers={"x-goog-api-key": API_KEY},
        json={"content": {"parts": [{"text": "papel"}]}},
    )
    assert single.json()["embedding"]["values"] == vector("papel") and len(vector("papel")) == DIMENSIONS
