"""The official Compra Ágil API v2: client, record mapping, and incremental sync."""
