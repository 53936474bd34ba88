"""Send a plain-text email through the SMTP server named by SMTP_URL."""

import logging
import smtplib
import ssl
import threading
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from compraagil.config import get_settings
from compraagil.errors import ConfigurationError

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10


def build_message(*, to: str, subject: str, body: str) -> EmailMessage:
    """The message as it is sent: from MAIL_FROM, UTF-8 plain text (a subject on one line, whatever
    names it carries)."""
    message = EmailMessage()
    message["From"] = get_settings().mail_from
    message["To"] = to
    message["Subject"] = " ".join(subject.split())
    message.set_content(body)
    return message


def send_mail(*, to: str, subject: str, body: str) -> None:
    """Send one email; ConfigurationError when SMTP_URL is unset or the server refuses it."""
    url = get_settings().smtp_url
    if not url:
        raise ConfigurationError("SMTP_URL no está configurada: no se pueden enviar correos")
    parts = urlsplit(url)
    message = build_message(to=to, subject=subject, body=body)
    try:
        if parts.scheme == "smtps":
            client = smtplib.SMTP_SSL(
                parts.hostname,
                parts.port or 465,
                timeout=TIMEOUT_SECONDS,
                context=ssl.create_default_context(),
            )
        else:
            client = smtplib.SMTP(parts.hostname, parts.port or 25, timeout=TIMEOUT_SECONDS)
        with client:
            if parts.scheme != "smtps" and client.has_extn("starttls"):
                client.starttls(context=ssl.create_default_context())
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.error("email not sent", extra={"error": str(error), "subject": subject})
        raise ConfigurationError("No pudimos enviar el correo. Intenta de nuevo en unos minutos.") from error
    log.info("email sent", extra={"subject": subject})


def send_mail_in_background(*, to: str, subject: str, body: str) -> threading.Thread:
    """Send without making the caller wait (so answers take the same time whether or not a mail goes
    out); a failure is logged."""

    def send() -> None:
        try:
            send_mail(to=to, subject=subject, body=body)
        except Exception:  # a thread of its own: nobody else would hear of the failure
            log.exception("background email failed")

    thread = threading.Thread(target=send, name="send-mail", daemon=True)
    thread.start()
    return thread
