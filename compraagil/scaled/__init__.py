"""`make scaled`: the product as several machines run it, on this one — nginx before several web
processes sharing their state in Redis, PgBouncer before the primary and a streaming replica that
serves search and price reads, several RQ workers (`compraagil.devrun` starts it)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """How many web processes and RQ workers."""

    web: int = 3
    workers: int = 2
