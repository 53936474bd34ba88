"""Who calls: the `Authorization: Bearer <key>` of every request, checked and rate-limited per key."""

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from compraagil.api_keys import rate_limit
from compraagil.api_keys.service import Caller, authenticate, bearer_token
from compraagil.db import session_scope


def check_request(authorization: str | None) -> Caller:
    """The caller of a request's `Authorization` header, counted against its key's rate limit."""
    token = bearer_token(authorization)
    with session_scope() as session:
        caller = authenticate(session=session, token=token)
    rate_limit.admit(caller.key_id)
    return caller


BEARER = HTTPBearer(auto_error=False, description="La clave de API creada en Cuenta")


async def current_caller(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
) -> Caller:
    authorization = f"Bearer {credentials.credentials}" if credentials else None
    return await run_in_threadpool(check_request, authorization)


CallerDep = Annotated[Caller, Depends(current_caller)]
