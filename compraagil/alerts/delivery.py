"""Deliver notices on the push channels: each user's pending notices on one channel become one
message (a digest groups many tenders), written to the delivery log as sent, failed (with its
reason; the notice stays pending until MAX_ATTEMPTS) or skipped (with why). The inbox needs no
delivery: a notice is there from the moment it is created.

A killed worker loses nothing and repeats nothing it recorded: a user's notices are locked
(`FOR UPDATE SKIP LOCKED`, so two workers never take the same ones), the message is sent, and the
channel leaves their `pending` list in that same transaction. If the process dies before the
commit, the notices are still pending and the retried job sends them; the only window for a repeat
is between the mail server's «250 OK» and that commit (milliseconds).

Channels are registered in CHANNELS by code (email, telegram): a class with `code`, `skip_reason`,
`send` and `forget` (compraagil/alerts/channels.py); alerts that list its code get it as pending. A
recipient who is gone (blocked the bot) is logged as failed once, without retries, and `forget`
stops the channel for them.
"""

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote

from sqlalchemy import text
from sqlmodel import Session

from compraagil.accounts.mails import link
from compraagil.alerts.channels import Channel, DeliveryFailed, Recipient, RecipientGone
from compraagil.alerts.logic import REMINDER_HEADINGS, Frequency, NoticeLine, mail_body, mail_subject
from compraagil.chile.dates import closing_label, format_datetime
from compraagil.chile.money import format_clp
from compraagil.errors import ConfigurationError
from compraagil.mail.sender import send_mail
from compraagil.metrics import ALERT_DELIVERIES
from compraagil.telegram.push import TelegramChannel

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
SIGNATURE = "\n\n— CompraAgil"


class EmailChannel:
    """One plain-text mail per user and delivery run, through SMTP_URL."""

    code = "email"

    def skip_reason(self, recipient: Recipient) -> str | None:
        return None if recipient.email_verified else "correo sin verificar"

    def send(self, recipient: Recipient, lines: list[NoticeLine]) -> None:
        try:
            send_mail(
                to=recipient.email,
                subject=mail_subject(lines),
                body=mail_body(lines, alerts_url=link("/alertas")) + SIGNATURE,
            )
        except ConfigurationError as error:
            raise DeliveryFailed(f"{error.message} ({error.__cause__ or 'sin detalle'})") from error

    def forget(self, session: Session, recipient: Recipient) -> None:
        """Mail never raises RecipientGone: nothing to forget."""


CHANNELS: dict[str, Channel] = {channel.code: channel for channel in (EmailChannel(), TelegramChannel())}

DUE = """
    :channel = ANY(n.pending) AND coalesce(a.frequency, 'instant') = :frequency
"""

GROUPS = text(
    """
    SELECT DISTINCT n.user_id, pending.channel
    FROM alert_notices n CROSS JOIN LATERAL unnest(n.pending) AS pending(channel)
    LEFT JOIN alerts a ON a.id = n.alert_id
    WHERE n.pending <> '{}' AND pending.channel = ANY(:channels) AND coalesce(a.frequency, 'instant') = :frequency
    ORDER BY 1, 2
    """
)

CLAIM = text(
    f"""
    SELECT n.id, n.kind, a.name AS alert_name, a.active, a.channels, t.codigo, t.name, b.organismo,
           t.amount_available, t.closes_at, u.email, u.email_verified_at IS NOT NULL AS verified,
           tl.chat_id, coalesce(a.semantic, false) AS learns
    FROM alert_notices n
    JOIN users u ON u.id = n.user_id
    LEFT JOIN telegram_links tl ON tl.user_id = n.user_id
    JOIN tenders t ON t.id = n.tender_id
    LEFT JOIN buyers b ON b.id = t.buyer_id
    LEFT JOIN alerts a ON a.id = n.alert_id
    WHERE n.user_id = :user_id AND n.pending <> '{{}}' AND {DUE}
    ORDER BY n.id
    FOR UPDATE OF n SKIP LOCKED
    """
)

RECORD = text(
    """
    WITH logged AS (
        INSERT INTO alert_deliveries (notice_id, channel, status, reason)
        SELECT id, :channel, :status, :reason FROM unnest(CAST(:ids AS bigint[])) AS id
        ON CONFLICT (notice_id, channel) DO UPDATE
        SET status = excluded.status, reason = excluded.reason, attempts = alert_deliveries.attempts + 1,
            updated_at = now()
        RETURNING notice_id, attempts
    )
    UPDATE alert_notices n SET pending = array_remove(n.pending, :channel)
    FROM logged WHERE n.id = logged.notice_id AND (:status <> 'failed' OR logged.attempts >= :max_attempts)
    """
)


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    failures: list[str] = field(default_factory=list)


def _line(row, now: datetime) -> NoticeLine:
    return NoticeLine(
        kind=row.kind,
        heading=row.alert_name if row.kind == "alert" else REMINDER_HEADINGS[row.kind],
        tender_name=row.name,
        organismo=row.organismo or "Organismo no informado",
        amount=format_clp(row.amount_available, missing="Monto no informado"),
        closes=f"{closing_label(row.closes_at, now)[0]} ({format_datetime(row.closes_at)})",
        url=link(f"/licitacion/{quote(row.codigo)}"),
        codigo=row.codigo,
        notice_id=row.id,
        learns=row.learns,
    )


def _skip_reason(row, channel: str, now: datetime) -> str | None:
    """Why a notice is no longer worth sending on this channel, or None."""
    if row.kind == "alert" and not row.active:
        return "alerta en pausa"
    if row.kind == "alert" and channel not in row.channels:
        return "canal quitado de la alerta"
    if row.closes_at is not None and row.closes_at <= now:
        return "la cotización ya cerró"
    return None


def _record(
    session: Session, channel: str, ids: list[int], status: str, reason: str | None, *, final: bool = False
) -> None:
    """Log the outcome; the channel leaves the notices' pending list unless a retry is still due
    (`final`: never)."""
    if ids:
        session.execute(
            RECORD,
            {
                "ids": ids,
                "channel": channel,
                "status": status,
                "reason": reason,
                "max_attempts": 0 if final else MAX_ATTEMPTS,
            },
        )
        ALERT_DELIVERIES.labels(channel=channel, outcome=status).inc(len(ids))


def _deliver_group(
    session: Session, user_id: int, channel: Channel, params: dict, report: DeliveryReport
) -> None:
    """One user's due deliveries on one channel: skip what is moot, send the rest as one message."""
    now = datetime.now(UTC)
    rows = session.execute(CLAIM, {**params, "user_id": user_id, "channel": channel.code}).all()
    if not rows:
        return
    recipient = Recipient(user_id, rows[0].email, rows[0].verified, rows[0].chat_id)
    moot = {row.id: reason for row in rows if (reason := _skip_reason(row, channel.code, now))}
    for reason in set(moot.values()):
        _record(session, channel.code, [id_ for id_, why in moot.items() if why == reason], "skipped", reason)
    live = [row for row in rows if row.id not in moot]
    report.skipped += len(moot)
    if not live:
        return
    ids = [row.id for row in live]
    if reason := channel.skip_reason(recipient):
        _record(session, channel.code, ids, "skipped", reason)
        report.skipped += len(ids)
        return
    try:
        channel.send(recipient, [_line(row, now) for row in live])
    except RecipientGone as gone:
        _record(session, channel.code, ids, "failed", gone.reason, final=True)
        channel.forget(session, recipient)
        report.failed += len(ids)
        log.warning("alert recipient gone", extra={"channel": channel.code, "reason": gone.reason})
        return
    except DeliveryFailed as failure:
        _record(session, channel.code, ids, "failed", failure.reason)
        report.failed += len(ids)
        report.failures.append(failure.reason)
        log.warning("alert delivery failed", extra={"channel": channel.code, "reason": failure.reason})
        return
    _record(session, channel.code, ids, "sent", None)
    report.sent += len(ids)


def _params(frequency: Frequency) -> dict:
    return {"frequency": frequency.value, "channels": list(CHANNELS)}


def deliver(*, session: Session, frequency: Frequency) -> DeliveryReport:
    """Send every pending notice of this frequency (reminders count as instant), one message per user
    and channel, each committed as it goes."""
    params = _params(frequency)
    report = DeliveryReport()
    for user_id, code in session.execute(GROUPS, params).all():
        try:
            _deliver_group(session, user_id, CHANNELS[code], params, report)
            session.commit()
        except Exception:
            session.rollback()
            raise
    return report


def has_due(*, session: Session, frequency: Frequency) -> bool:
    """Whether any notice of this frequency waits for a push channel."""
    return session.execute(text(f"SELECT EXISTS ({GROUPS.text})"), _params(frequency)).scalar_one()
