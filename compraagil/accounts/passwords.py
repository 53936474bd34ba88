"""Passwords: argon2id hashes, and the rules a new password must meet (length, not a common one)."""

from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from compraagil.errors import InvalidInput

MIN_LENGTH = 10
MAX_LENGTH = 128
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")

_hasher = PasswordHasher()
"""argon2-cffi's defaults: argon2id, RFC 9106 low-memory profile."""


@lru_cache
def _common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def hash_password(password: str) -> str:
    """The argon2id hash to store for a password."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether the password matches the stored hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with older parameters and should be replaced at next login."""
    return _hasher.check_needs_rehash(password_hash)


@lru_cache
def dummy_hash() -> str:
    """A hash to verify against when the email is unknown, so both cases take the same time."""
    return _hasher.hash("contraseña que nadie usa para igualar los tiempos")


def check_new_password(password: str, *, email: str = "") -> None:
    """Raise InvalidInput (in Spanish) unless the password is long enough and not a common one."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"La contraseña debe tener al menos {MIN_LENGTH} caracteres.")
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"La contraseña puede tener como máximo {MAX_LENGTH} caracteres.")
    lowered = password.lower()
    if lowered in _common_passwords() or len(set(lowered)) < 4:
        raise InvalidInput("Esa contraseña es demasiado común: elige otra más difícil de adivinar.")
    local_part = email.split("@", 1)[0].lower()
    if email and (email.lower() in lowered or (len(local_part) >= 4 and local_part in lowered)):
        raise InvalidInput("La contraseña no debe contener tu correo.")
