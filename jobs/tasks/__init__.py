"""Job functions: each takes ids or plain values, opens its own session, calls the core."""
