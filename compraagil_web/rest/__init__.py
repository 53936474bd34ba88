"""REST API v1 (PROFESIONAL): a FastAPI app mounted at /api/v1, a thin door over the core's queries."""
