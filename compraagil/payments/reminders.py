"""Renewal reminders, 3 days before a period ends: to the company's owners by email, and to their
Telegram chat when linked. Flow subscribers get the link that pays the next month; Stripe
subscribers are told their card will be charged."""

import logging
from datetime import datetime

import httpx
from sqlalchemy import select
from sqlmodel import Session

from compraagil.accounts.mails import link
from compraagil.chile.dates import format_date
from compraagil.chile.money import format_clp
from compraagil.mail.sender import send_mail
from compraagil.models import Subscription, TelegramLink, User
from compraagil.payments.subscriptions import renewal_reminders_due
from compraagil.plans.table import get_plan
from compraagil.redis_client import get_redis
from compraagil.telegram import client
from compraagil.telegram.pacing import Pacer
from compraagil.telegram.replies import Button, Reply

log = logging.getLogger(__name__)


def reminder_text(subscription: Subscription) -> tuple[str, str]:
    """(subject, body) of the reminder."""
    plan = get_plan(subscription.plan)
    when = format_date(subscription.period_end)
    if subscription.provider == "stripe":
        body = (
            f"Tu plan {plan.name} se renueva el {when}: cobraremos {format_clp(plan.price_clp)} a tu tarjeta."
        )
    else:
        body = (
            f"Tu plan {plan.name} vence el {when}. Para seguir con él, paga el próximo mes "
            f"({format_clp(plan.price_clp)}) en {link('/planes')}."
        )
    body += f"\nSi prefieres no renovar, cancélalo en {link('/cuenta')}: mantienes el plan hasta el {when}."
    return f"Tu plan {plan.name} se renueva el {when}", body


def _telegram(chat_id: int, text: str) -> None:
    Pacer(get_redis()).wait(chat_id)
    reply = Reply(text, [[Button("Abrir Planes", url=link("/planes"))]])
    try:
        with httpx.Client() as http:
            client.send_message(client=http, chat_id=chat_id, reply=reply)
    except (client.ApiError, client.Blocked, client.RetryAfter) as error:
        log.warning("renewal reminder not sent by telegram", extra={"chat_id": chat_id, "error": str(error)})


def send_renewal_reminders(*, session: Session, now: datetime) -> int:
    """Remind every subscription due (each once per period); the number reminded."""
    due = renewal_reminders_due(session, now)
    for subscription in due:
        subject, body = reminder_text(subscription)
        owners = session.execute(
            select(User.email, TelegramLink.chat_id)
            .outerjoin(TelegramLink, TelegramLink.user_id == User.id)
            .where(User.company_id == subscription.company_id, User.role == "owner")
        ).all()
        for email, chat_id in owners:
            send_mail(to=email, subject=subject, body=body + "\n\n— CompraAgil")
            if chat_id:
                _telegram(chat_id, body)
    return len(due)
