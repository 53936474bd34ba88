"""The bot's commands as core services: each takes the chat, finds its user (Unauthorized when the
chat is not linked), calls the domain service the web uses (same quotas, same rules) and returns a
Reply."""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlmodel import Session

from compraagil.alerts import semantic
from compraagil.alerts import service as alerts
from compraagil.errors import InvalidInput
from compraagil.models import Company
from compraagil.pipeline.service import save_tender
from compraagil.plans import quotas
from compraagil.plans.table import Feature, get_plan
from compraagil.pricing.service import PriceQuery, analyze_prices
from compraagil.search.query import SearchQuery, validated
from compraagil.search.service import search_tenders
from compraagil.telegram import replies
from compraagil.telegram.linking import link_chat, owner_of, unlink_chat

TOP = 5

HELP = (
    "Comandos:\n"
    "/buscar texto — las 5 Compras Ágiles abiertas que mejor calzan\n"
    "/precio producto — precio sugerido y rango habitual\n"
    "/alertas — tus alertas, para pausarlas o reanudarlas\n"
    "/plan — tu plan y lo que llevas usado\n"
    "/desvincular — desconectar este chat de tu cuenta\n"
    "/ayuda — esta ayuda"
)


def _required(text: str, example: str) -> str:
    cleaned = " ".join((text or "").split())
    if not cleaned:
        raise InvalidInput(f"Escribe qué buscar después del comando, por ejemplo: {example}")
    return cleaned


def start(*, session: Session, chat_id: int, token: str) -> replies.Reply:
    """/start: link the chat when a token comes with it; otherwise greet (and say how to link)."""
    if token:
        owner = link_chat(session=session, token=token, chat_id=chat_id)
        return replies.Reply(f"¡Listo! Este chat quedó vinculado a {owner.email}.\n\n{HELP}")
    owner_of(session=session, chat_id=chat_id)
    return replies.Reply(f"¡Hola de nuevo!\n\n{HELP}")


def unlink(*, session: Session, chat_id: int) -> replies.Reply:
    """/desvincular: forget this chat's link."""
    if unlink_chat(session=session, chat_id=chat_id):
        return replies.Reply("Listo: este chat ya no está vinculado y no recibirá avisos.")
    return replies.Reply("Este chat no estaba vinculado.")


def search(*, session: Session, chat_id: int, text: str) -> replies.Reply:
    """/buscar: the top open tenders for the text."""
    owner_of(session=session, chat_id=chat_id)
    query = validated(
        SearchQuery, text=_required(text, "/buscar guantes nitrilo"), open_only=True, page_size=TOP
    )
    page = search_tenders(session=session, query=query)
    return replies.search_results(query.text, page.hits, datetime.now(UTC))


def save(*, session: Session, chat_id: int, codigo: str) -> replies.Reply:
    """«Guardar»: add the tender to the company's pipeline (the plan's cap applies)."""
    owner = owner_of(session=session, chat_id=chat_id)
    card = save_tender(session=session, user_id=owner.user_id, company_id=owner.company_id, codigo=codigo)
    return replies.saved(card.codigo, card.name)


def price(*, session: Session, chat_id: int, text: str) -> replies.Reply:
    """/precio: the price analysis, counted against the company's daily quota."""
    owner = owner_of(session=session, chat_id=chat_id)
    query = validated(PriceQuery, product=_required(text, "/precio guantes nitrilo"))
    with quotas.metered(session=session, company_id=owner.company_id, feature=Feature.PRICE_ANALYSIS) as left:
        analysis = analyze_prices(session=session, query=query)
    return replies.price_analysis(analysis, left)


def alert_list(*, session: Session, chat_id: int) -> replies.Reply:
    """/alertas: the user's alerts with pause and resume buttons."""
    owner = owner_of(session=session, chat_id=chat_id)
    return replies.alert_list(alerts.list_alerts(session=session, user_id=owner.user_id))


def set_alert_active(*, session: Session, chat_id: int, alert_id: int, active: bool) -> replies.Reply:
    """Pause or resume one of the user's alerts."""
    owner = owner_of(session=session, chat_id=chat_id)
    alert = alerts.set_active(session=session, user_id=owner.user_id, alert_id=alert_id, active=active)
    session.commit()
    return replies.alert_changed(alert)


def judge(*, session: Session, chat_id: int, notice_id: int, useful: bool) -> replies.Reply:
    """👍/👎 under a pushed tender: the semantic alert that found it learns from it."""
    owner = owner_of(session=session, chat_id=chat_id)
    message = semantic.judge(session=session, user_id=owner.user_id, notice_id=notice_id, useful=useful)
    session.commit()
    return replies.Reply(message)


def plan(*, session: Session, chat_id: int) -> replies.Reply:
    """/plan: the company's plan and its use this period."""
    owner = owner_of(session=session, chat_id=chat_id)
    code = session.execute(select(Company.plan).where(Company.id == owner.company_id)).scalar_one()
    usage = quotas.usage(session=session, company_id=owner.company_id)
    return replies.plan_summary(get_plan(code), usage)
