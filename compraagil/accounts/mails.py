"""The emails accounts send (Spanish), each with its link under PUBLIC_URL."""

import logging
from urllib.parse import urlencode

from compraagil.accounts.throttle import mail_allowed
from compraagil.config import get_settings
from compraagil.mail.sender import send_mail_in_background

log = logging.getLogger(__name__)

SIGNATURE = "\n\n— CompraAgil\nSi no pediste esto, ignora este correo."


def link(path: str, **params: str) -> str:
    """An absolute link to a page of the web app."""
    base = get_settings().public_url.rstrip("/")
    return f"{base}{path}?{urlencode(params)}" if params else f"{base}{path}"


def _send(to: str, subject: str, body: str) -> None:
    """Send unless the address has had its hourly allowance (the form's answer is the same either way)."""
    if not mail_allowed(to):
        log.warning("account email not sent: hourly allowance used", extra={"subject": subject})
        return
    send_mail_in_background(to=to, subject=subject, body=body + SIGNATURE)


def send_verification(*, to: str, token: str) -> None:
    """Ask to confirm the address of a new account."""
    hours = get_settings().verify_link_hours
    _send(
        to,
        "Confirma tu correo en CompraAgil",
        f"Hola:\n\nPara activar tu cuenta abre este enlace (vale {hours} horas y sirve una sola vez):\n\n"
        f"{link('/verificar', token=token)}",
    )


def send_account_exists(*, to: str) -> None:
    """Someone tried to sign up with an address that already has an account."""
    _send(
        to,
        "Ya tienes una cuenta en CompraAgil",
        "Hola:\n\nAlguien intentó crear una cuenta con este correo, pero ya tienes una. Entra aquí:\n\n"
        f"{link('/entrar')}\n\nSi olvidaste tu contraseña, recupérala aquí:\n\n{link('/recuperar')}",
    )


def send_password_reset(*, to: str, token: str) -> None:
    """A single-use link to choose a new password."""
    minutes = get_settings().reset_link_minutes
    _send(
        to,
        "Recupera tu contraseña de CompraAgil",
        f"Hola:\n\nPara elegir una contraseña nueva abre este enlace (vale {minutes} minutos y sirve una sola"
        f" vez):\n\n{link('/recuperar', token=token)}",
    )


def send_email_change(*, to: str, token: str) -> None:
    """Confirm a new address for an existing account."""
    _send(
        to,
        "Confirma tu nuevo correo en CompraAgil",
        f"Hola:\n\nPara usar este correo en tu cuenta de CompraAgil abre este enlace:\n\n"
        f"{link('/verificar', token=token)}",
    )


def send_email_change_notice(*, to: str, new_email: str) -> None:
    """Tell the old address that a change to another one was requested."""
    _send(
        to,
        "Cambio de correo en tu cuenta de CompraAgil",
        f"Hola:\n\nSe pidió cambiar el correo de tu cuenta a {new_email}. Si no fuiste tú, cambia tu"
        f" contraseña ahora: {link('/recuperar')}",
    )


def send_invitation(*, to: str, company: str, token: str) -> None:
    """Invite someone to join a company's account."""
    days = get_settings().invite_link_days
    _send(
        to,
        f"Te invitaron a {company or 'una empresa'} en CompraAgil",
        f"Hola:\n\nTe invitaron a unirte a {company or 'una empresa'} en CompraAgil. Crea tu cuenta con este"
        f" enlace (vale {days} días y sirve una sola vez):\n\n{link('/crear-cuenta', invitacion=token)}"
        f"\n\nYa tengo cuenta (sin empresa todavía): entra y acepta la invitación aquí:\n\n"
        f"{link('/cuenta', invitacion=token)}",
    )
