"""The one family of domain errors: each carries a message in Spanish for people, raised by the core
and translated once by each front door (page message, bot reply, HTTP status + JSON, CLI line)."""


class CompraAgilError(Exception):
    """Base of every error a person may read; `message` is Spanish and says what to do next."""

    http_status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_users_fault(error: BaseException | None) -> bool:
    """Whether a failure comes from what the person asked (a 4xx core error), not from us: a plan's
    use is given back only for ours."""
    return isinstance(error, CompraAgilError) and error.http_status < 500


class NotFound(CompraAgilError, LookupError):
    """The thing asked for does not exist (or is not yours to see)."""

    http_status = 404


class InvalidInput(CompraAgilError, ValueError):
    """What the person typed or sent cannot be used as it is."""

    http_status = 422


class InvalidSignature(CompraAgilError):
    """A notification that claims to come from a provider (Stripe, Flow) but is not signed by it."""

    http_status = 400


class Unauthorized(CompraAgilError):
    """No valid session or key, or wrong credentials."""

    http_status = 401


class Forbidden(CompraAgilError):
    """Signed in, but this is not allowed for this account or role."""

    http_status = 403


class QuotaExceeded(CompraAgilError):
    """The plan's limit for this feature is used up; the message says what the next plan gives."""

    http_status = 402


class TooManyAttempts(CompraAgilError):
    """Too many tries in a short time (login throttling, rate limits); `retry_after` in seconds."""

    http_status = 429

    def __init__(self, message: str, retry_after: int = 60):
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(CompraAgilError):
    """A service we depend on (Redis, the database) is down; try again later."""

    http_status = 503


class ImportFailed(CompraAgilError):
    """An import or sync could not be done; nothing was written but its failed run record."""

    http_status = 500


class ConfigurationError(CompraAgilError):
    """A setting is missing or points at something that does not work; the message names it."""

    http_status = 500
