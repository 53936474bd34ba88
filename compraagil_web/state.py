"""Who is signed in: the session cookie, checked on the server for every private read.

The cookie holds a random token; the database keeps only its hash (compraagil.accounts.sessions).
Pages call `await signed_in_user(self)` in `on_load` and in every handler that returns private
data, and send anonymous visitors to Entrar with `to_login(self)`.
"""

import asyncio
from urllib.parse import quote

import reflex as rx

from compraagil.accounts import service
from compraagil.accounts.sessions import CurrentUser, resolve_session
from compraagil.config import get_settings
from compraagil.db import session_scope
from compraagil.errors import QuotaExceeded, Unauthorized
from compraagil.plans.quotas import consume
from compraagil.plans.table import Feature
from compraagil_web import routes

SESSION_COOKIE = "compraagil_sesion"


def _resolve(token: str) -> CurrentUser | None:
    try:
        with session_scope() as session:
            return resolve_session(session=session, token=token)
    except Unauthorized:
        return None


def _log_out(token: str) -> None:
    with session_scope() as session:
        service.log_out(session=session, token=token)


def _consume(company_id: int, feature: Feature) -> None:
    with session_scope() as session:
        consume(session=session, company_id=company_id, feature=feature)


def safe_next(path: str) -> str:
    """A local path to return to after signing in (never another site)."""
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return routes.ACCOUNT
    return path


class AuthState(rx.State):
    session_token: str = rx.Cookie(
        "",
        name=SESSION_COOKIE,
        secure=get_settings().production,
        same_site="lax",
        max_age=get_settings().session_days * 24 * 3600,
    )
    _user_id: int = 0
    signed_in: bool = False
    email: str = ""
    is_staff: bool = False

    async def user(self) -> CurrentUser | None:
        """The signed-in user, checked against the database now (a revoked session is gone at once)."""
        user = await asyncio.to_thread(_resolve, self.session_token) if self.session_token else None
        self._user_id = user.user_id if user else 0
        self.signed_in = user is not None
        self.email = user.email if user else ""
        self.is_staff = bool(user and user.is_staff)
        return user

    def start_session(self, token: str) -> None:
        """Keep a new session's token in the cookie."""
        self.session_token = token

    @rx.event
    async def refresh(self):
        """Bring the header's signed-in state up to date."""
        await self.user()

    @rx.event
    async def log_out(self):
        """End this browser's session on the server and forget its cookie."""
        token = self.session_token
        if token:
            await asyncio.to_thread(_log_out, token)
        self.session_token, self._user_id, self.signed_in, self.email, self.is_staff = "", 0, False, "", False
        return [rx.remove_cookie(SESSION_COOKIE), rx.redirect(routes.LOGIN)]


async def signed_in_user(state: rx.State) -> CurrentUser | None:
    """The user of the browser that sent this event, or None (checked on the server)."""
    auth = await state.get_state(AuthState)
    return await auth.user()


def login_url(state: rx.State) -> str:
    """Entrar, coming back to this page afterwards."""
    url = state.router.url
    here = (url.path.rstrip("/") or "/") + (f"?{url.query}" if url.query else "")
    return f"{routes.LOGIN}?siguiente={quote(safe_next(here), safe='')}"


def to_login(state: rx.State) -> rx.event.EventSpec:
    """Send an anonymous visitor to Entrar, coming back to this page afterwards."""
    return rx.redirect(login_url(state))


async def use_quota(user: CurrentUser, feature: Feature) -> str:
    """Count one use of a metered feature: '' when allowed, otherwise the plan's Spanish message."""
    try:
        await asyncio.to_thread(_consume, user.company_id, feature)
    except QuotaExceeded as error:
        return error.message
    return ""
