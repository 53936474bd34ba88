"""Payments: checkout with Flow and Stripe, subscriptions that renew or end, and invoices."""
