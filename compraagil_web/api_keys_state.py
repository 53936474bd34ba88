"""Cuenta's «API» card: the company's keys (made here and shown once, revoked here), or the plan
that includes the API."""

import dataclasses

import reflex as rx

from compraagil.api_keys import service
from compraagil.api_keys.service import KeysOverview, KeyView
from compraagil.chile.dates import format_datetime
from compraagil_web.core_calls import CoreCalls
from compraagil_web.state import signed_in_user, to_login


@dataclasses.dataclass
class KeyRow:
    id: int
    name: str
    prefix: str
    created: str
    last_used: str
    active: bool


def _row(key: KeyView) -> KeyRow:
    return KeyRow(
        key.id,
        key.name,
        f"{key.prefix}…",
        format_datetime(key.created_at),
        format_datetime(key.last_used_at, missing="nunca"),
        key.revoked_at is None,
    )


class ApiKeysState(CoreCalls, rx.State):
    included: bool = False
    upgrade_message: str = ""
    keys: list[KeyRow] = []
    new_secret: str = ""
    """A key just made: shown until the page is left, never again."""
    notice: str = ""

    def _show(self, overview: KeysOverview | None) -> None:
        if overview is not None:
            self.included, self.upgrade_message = overview.included, overview.upgrade_message
            self.keys = [_row(key) for key in overview.keys]

    @rx.event
    async def load(self):
        self.new_secret, self.notice = "", ""
        user = await signed_in_user(self)
        if user is None:
            return
        self._show(
            await self._call(
                lambda session: service.keys_overview(session=session, company_id=user.company_id)
            )
        )

    @rx.event
    async def create(self, form: dict):
        self.error, self.notice, self.new_secret = "", "", ""
        user = await signed_in_user(self)
        if user is None:
            yield to_login(self)
            return
        name = str(form.get("key_name", ""))
        made = await self._call(
            lambda session: service.create_key(
                session=session, user_id=user.user_id, company_id=user.company_id, name=name
            )
        )
        if made is not None:
            self.new_secret = made.secret
            self._show(
                await self._call(
                    lambda session: service.keys_overview(session=session, company_id=user.company_id)
                )
            )

    @rx.event
    async def revoke(self, key_id: int):
        self.error, self.notice, self.new_secret = "", "", ""
        user = await signed_in_user(self)
        if user is None:
            yield to_login(self)
            return
        await self._call(
            lambda session: service.revoke_key(
                session=session, user_id=user.user_id, company_id=user.company_id, key_id=key_id
            )
        )
        if not self.error:
            self.notice = "Clave revocada: las solicitudes con ella ya no se aceptan."
        self._show(
            await self._call(
                lambda session: service.keys_overview(session=session, company_id=user.company_id)
            )
        )
