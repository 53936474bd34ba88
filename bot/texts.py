"""What the bot says (es-CL)."""

WELCOME = (
    "¡Hola! Soy el asistente de CompraAgil.\n\n"
    "Te aviso de nuevas Compras Ágiles que calzan con tu negocio y te muestro precios de referencia.\n"
    "Abre la app para buscar oportunidades: {url}"
)
HELP = "Comandos disponibles:\n/start — vincular tu cuenta y ver la bienvenida\n/ayuda — esta ayuda"
FAILED = "Algo falló de nuestro lado. Intenta de nuevo en un momento."
