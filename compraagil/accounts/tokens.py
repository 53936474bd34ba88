"""Random tokens for sessions and emailed links: the token goes to the person, only its hash is kept."""

import hashlib
import secrets


def new_token() -> tuple[str, str]:
    """A fresh random token and the SHA-256 hex digest to store in its place."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    """The SHA-256 hex digest a token is stored and looked up by."""
    return hashlib.sha256(token.encode()).hexdigest()
