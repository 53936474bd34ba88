"""The CompraAgil web app (Reflex): pages, their states, and the backend's extra routes."""
