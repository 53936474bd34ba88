"""Domain exceptions every front door knows how to present."""


class NotFound(LookupError):
    """The thing asked for does not exist."""
