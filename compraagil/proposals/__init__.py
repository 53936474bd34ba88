"""Proposals: a Compra Ágil quote written for the company (Gemini or offline templates), versioned,
edited in the web app and exported to PDF and DOCX."""
