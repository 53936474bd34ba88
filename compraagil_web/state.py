"""Who is signed in: the session cookie, checked on the server for every private read.

The cookie holds a random token; the database keeps only its hash (compraagil.accounts.sessions).
Pages call `await signed_in_user(self)` in `on_load` and in every handler that returns private
data, and send anonymous visitors to Entrar with `to_login(self)`.
"""

import asyncio
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import quote

import reflex as rx
from sqlalchemy.orm import Session

from compraagil.accounts import service
from compraagil.accounts.sessions import CurrentUser, resolve_session
from compraagil.config import Settings, get_settings
from compraagil.db import session_scope
from compraagil.errors import QuotaExceeded, Unauthorized
from compraagil.pricing.service import PriceAnalysis, PriceQuery, metered_price_analysis
from compraagil.search.query import validated
from compraagil_web import routes
from compraagil_web.core_calls import CoreCalls

SESSION_COOKIE = "compraagil_sesion"
COOKIE_MAX_AGE = 400 * 24 * 3600
T = TypeVar("T")


def _resolve(token: str) -> CurrentUser | None:
    try:
        with session_scope() as session:
            return resolve_session(session=session, token=token)
    except Unauthorized:
        return None


def _log_out(token: str) -> None:
    with session_scope() as session:
        service.log_out(session=session, token=token)


def safe_next(path: str) -> str:
    """A local path to return to after signing in (never another site: browsers drop tabs and line
    breaks from URLs, so a slash, a tab and `/evil.example` would lead to `//evil.example`)."""
    if not path.startswith("/") or path.startswith("//") or "\\" in path or any(ch <= " " for ch in path):
        return routes.ACCOUNT
    return path


def session_cookie(settings: Settings) -> rx.Cookie:
    """The session cookie: Secure in production, SameSite=Lax. The browser keeps it for as long as
    browsers allow (400 days): the server decides when its session ends (SESSION_DAYS after the
    last visit, sliding), so a cookie set at login never cuts a session in use short."""
    return rx.Cookie(
        "",
        name=SESSION_COOKIE,
        secure=settings.production,
        same_site="lax",
        max_age=COOKIE_MAX_AGE,
    )


class AuthState(rx.State):
    session_token: str = session_cookie(get_settings())
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

    def forget(self) -> list:
        """Forget the signed-in user in this tab; the events that drop the cookie and go to Entrar."""
        self.session_token, self._user_id, self.signed_in, self.email, self.is_staff = "", 0, False, "", False
        return [rx.remove_cookie(SESSION_COOKIE), rx.redirect(routes.LOGIN)]

    @rx.event
    async def log_out(self):
        """End this browser's session on the server and forget its cookie."""
        token = self.session_token
        if token:
            await asyncio.to_thread(_log_out, token)
        return self.forget()


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


async def within_quota(state: CoreCalls, work: Callable[[Session], T]) -> T | None:
    """`state._call(work)` for work a plan's quota counts: a used-up quota goes to `state.quota_error`
    (the «Mejorar plan» callout) instead of the page's error."""
    refusals: list[str] = []

    def counted(session: Session) -> T | None:
        try:
            return work(session)
        except QuotaExceeded as error:
            refusals.append(error.message)
            return None

    result = await state._call(counted)
    state.quota_error = refusals[0] if refusals else ""
    return result


async def metered_analysis(state: CoreCalls, *, company_id: int, fields: dict) -> PriceAnalysis | None:
    """A price analysis for the company, counted against its plan (an invalid query counts nothing)."""
    return await within_quota(
        state,
        lambda session: metered_price_analysis(
            session=session, company_id=company_id, query=validated(PriceQuery, **fields)
        ),
    )
