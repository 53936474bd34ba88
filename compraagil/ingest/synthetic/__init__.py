"""Realistic synthetic ChileCompra data, deterministic by seed: COT files and API v2 records."""

from datetime import date

from compraagil.ingest.synthetic.processes import ProcessFactory
from compraagil.ingest.synthetic.world import World


def make_factory(seed: int, rows: int, first_month: date) -> ProcessFactory:
    """A market sized for about `rows` history rows (buyers and suppliers grow with it)."""
    world = World(seed, buyers=max(60, min(6000, rows // 400)), suppliers=max(120, min(40000, rows // 60)))
    return ProcessFactory(world, first_month)
