"""What the bot says on its own (es-CL); everything else comes from the core's replies."""

FAILED = "Algo falló de nuestro lado. Intenta de nuevo en un momento."
