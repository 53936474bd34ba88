"""The real bot Application against the fake Bot API (updates arrive through getUpdates): linking
with a Cuenta token, every command, the «Guardar» and pause/resume buttons, 👍/👎 under a semantic
alert's push, the plan's quota, and an unlinked chat told how to link."""

import copy
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import text

from compraagil.alerts import semantic
from compraagil.alerts import service as alert_service
from compraagil.alerts.delivery import deliver
from compraagil.alerts.logic import AlertInput, Frequency
from compraagil.config import get_settings
from compraagil.db import session_scope
from compraagil.embeddings.providers import LocalEmbedder
from compraagil.ingest.api_v2.files import import_records
from compraagil.telegram.linking import link_url
from tests.bot_harness import RunningBot
from tests.factories import GLOVES_RECORD, PAPER_RECORD, call, embed, land, new_alert, user_account
from tests.fakes.telegram import TOKEN, FakeTelegram

CHAT = 5551234


@pytest.fixture
def telegram(services):
    fake = FakeTelegram().start()
    bot = RunningBot(fake.url)
    bot.start()
    yield fake
    bot.stop()
    fake.stop()


def ask(fake: FakeTelegram, text: str, chat: int = CHAT) -> str:
    """Send `text` to the bot and return its answer."""
    count = len(fake.messages_to(chat))
    fake.type_text(chat, text)
    return fake.wait_for_messages(chat, count + 1)[-1]


def press(fake: FakeTelegram, data: str, chat: int = CHAT) -> str:
    count = len(fake.messages_to(chat))
    fake.press(chat, data)
    return fake.wait_for_messages(chat, count + 1)[-1]


def linked(email: str = "ana@ferreteria.cl", plan: str = "PROFESIONAL", chat: int = CHAT, *, fake) -> int:
    user_id = user_account(email, plan)
    with session_scope() as session:
        url = link_url(session=session, user_id=user_id)
    assert url.startswith("https://t.me/CompraAgilBot?start=")
    token = parse_qs(urlparse(url).query)["start"][0]
    assert "¡Listo!" in ask(fake, f"/start {token}", chat).text
    return user_id


def buttons(message) -> list[dict]:
    return [button for row in message.reply_markup["inline_keyboard"] for button in row]


def test_an_unlinked_chat_is_told_how_to_link(telegram):
    for command in ("/start", "/buscar guantes", "/precio guantes", "/alertas", "/plan"):
        assert "Vincular Telegram" in ask(telegram, command).text
    assert "/buscar" in ask(telegram, "/ayuda").text


def test_linking_is_single_use_and_unlinking_stops_the_bot(telegram):
    user_id = user_account("ana@ferreteria.cl")
    with session_scope() as session:
        token = parse_qs(urlparse(link_url(session=session, user_id=user_id)).query)["start"][0]
        stored = session.execute(
            text("SELECT token_hash FROM user_tokens WHERE purpose = 'telegram'")
        ).scalar_one()
    assert token not in stored
    assert "ana@ferreteria.cl" in ask(telegram, f"/start {token}").text
    assert "ya se usó o venció" in ask(telegram, f"/start {token}", chat=999).text
    assert "Tu plan: Profesional" in ask(telegram, "/plan").text
    assert "ya no está vinculado" in ask(telegram, "/desvincular").text
    assert "Vincular Telegram" in ask(telegram, "/plan").text


def test_search_lists_open_tenders_with_links_and_saves_into_the_pipeline(telegram):
    import_records([copy.deepcopy(GLOVES_RECORD), copy.deepcopy(PAPER_RECORD)], source="test")
    linked(fake=telegram)
    answer = ask(telegram, "/buscar guantes nitrilo")
    assert "Guantes de nitrilo talla M" in answer.text and "Resmas" not in answer.text
    assert "$150.000" in answer.text
    links = buttons(answer)
    assert links[0]["url"] == "http://localhost:3000/licitacion/1001-1-COT26"
    assert links[1]["callback_data"] == "guardar:1001-1-COT26"
    assert "Guardada en tu pipeline" in press(telegram, "guardar:1001-1-COT26").text
    assert telegram.called("answerCallbackQuery")
    with session_scope() as session:
        assert session.execute(text("SELECT count(*) FROM pipeline_items")).scalar_one() == 1
    assert "Escribe qué buscar" in ask(telegram, "/buscar").text


def test_price_counts_against_the_plans_daily_quota(telegram):
    linked(plan="FREE", fake=telegram)
    assert "al menos 3 letras" in ask(telegram, "/precio ab").text
    first = ask(telegram, "/precio guantes nitrilo")
    assert "guantes nitrilo" in first.text and "Te quedan 1" in first.text
    ask(telegram, "/precio resmas")
    refused = ask(telegram, "/precio guantes")
    assert "Usaste tus 2" in refused.text
    assert buttons(refused)[0]["url"].endswith("/planes")


def test_alerts_are_listed_paused_and_resumed(telegram):
    user_id = linked(fake=telegram)
    with session_scope() as session:
        alert = alert_service.create_alert(
            session=session, user_id=user_id, fields=AlertInput(name="Guantes", text="guantes")
        )
    listing = ask(telegram, "/alertas")
    assert "Guantes — activa" in listing.text
    assert buttons(listing)[0]["callback_data"] == f"pausar:{alert.id}"
    assert "en pausa" in press(telegram, f"pausar:{alert.id}").text
    assert "Guantes — en pausa" in ask(telegram, "/alertas").text
    assert "reanudada" in press(telegram, f"reanudar:{alert.id}").text


def test_thumbs_under_a_semantic_alerts_push_teach_the_alert(telegram, monkeypatch):
    monkeypatch.setattr(get_settings(), "telegram_token", TOKEN)
    monkeypatch.setattr(get_settings(), "telegram_api_url", telegram.url)
    user_id = linked(fake=telegram)
    new_alert(
        user_id, name="Guantes", text="guantes de nitrilo", semantic=True, channels=["inbox", "telegram"]
    )
    land(GLOVES_RECORD, PAPER_RECORD)
    embed()
    assert call(semantic.match_new_tenders, embedder=LocalEmbedder()) == 1
    assert call(deliver, frequency=Frequency.INSTANT).sent == 1
    push = telegram.messages_to(CHAT)[-1]
    [notice_id] = call(lambda session: session.execute(text("SELECT id FROM alert_notices")).scalars().all())
    thumbs = [b["callback_data"] for b in buttons(push) if b["text"] in ("👍", "👎")]
    assert thumbs == [f"sirve:{notice_id}", f"nosirve:{notice_id}"]
    assert "te mostrará menos" in press(telegram, f"nosirve:{notice_id}").text
    useful = call(lambda session: session.execute(text("SELECT useful FROM alert_notices")).scalar_one())
    assert useful is False
