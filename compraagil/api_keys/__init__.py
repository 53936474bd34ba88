"""Keys to the REST API and the MCP server: made and revoked in Cuenta, checked and rate-limited on every call."""
