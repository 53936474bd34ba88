"""What a proposal writer is asked: one system instruction and one request, in Spanish."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Prompt:
    system: str
    """How to write: role, tone, the text format (see `compraagil.proposals.body`)."""
    user: str
    """What to write: the tender, its items with prices, the company."""
