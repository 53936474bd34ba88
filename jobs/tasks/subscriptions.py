"""Subscriptions over time (every minute): see compraagil.payments.periodic."""

from compraagil.payments.periodic import run_due


def run_subscriptions() -> str:
    return run_due()
