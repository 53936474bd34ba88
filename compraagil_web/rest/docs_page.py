"""The API's documentation page (/api/): made from the OpenAPI document itself, so it never drifts
from the routes; plain HTML, nothing loaded from elsewhere."""

from html import escape

GUIDE = """
<h2>Cómo empezar</h2>
<ol>
<li>Con el plan Profesional, crea una clave en <a href="/cuenta">Cuenta</a> → «API». Se muestra una sola vez: guárdala.</li>
<li>Envíala en cada solicitud: <code>Authorization: Bearer &lt;clave&gt;</code>.</li>
</ol>
<pre>curl -H "Authorization: Bearer $CLAVE" "{base}/api/v1/tenders?q=resma+carta&amp;open_only=true"</pre>
<h2>Reglas</h2>
<ul>
<li><b>Páginas</b>: las listas traen <code>next_cursor</code>; pásalo como <code>?cursor=</code> para la página siguiente (vacío: no hay más).</li>
<li><b>Límite</b>: {burst} solicitudes seguidas por clave y luego {rate} por segundo; sobre eso, <code>429</code> con <code>Retry-After</code> en segundos.</li>
<li><b>Cuotas</b>: las del plan, las mismas que en la web (un análisis de precios por la API cuenta igual).</li>
<li><b>Errores</b>: <code>{{"error": "…"}}</code> en español. <code>401</code> falta la clave, no es válida o fue revocada;
<code>402</code> tu plan no incluye esto o usaste tu cuota; <code>403</code> la clave ya no sirve para tu empresa;
<code>404</code> no existe; <code>422</code> un parámetro no es válido.</li>
<li><b>Montos</b> en pesos chilenos; fechas y horas en ISO 8601 con zona horaria.</li>
<li>El documento OpenAPI: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</li>
<li><b>MCP</b>: para tu asistente de IA, el servidor MCP <code>{base}/mcp</code> (HTTP transmitible) con la misma clave en
<code>Authorization: Bearer</code>: herramientas <code>search_tenders</code>, <code>get_tender</code>, <code>analyze_prices</code>,
<code>read_pipeline</code> y <code>my_results</code>.</li>
</ul>
"""

STYLE = """body{font-family:system-ui,sans-serif;max-width:860px;margin:2em auto;padding:0 1em;line-height:1.5;color:#1c2024}
code,pre{background:#f1f3f5;border-radius:4px;padding:.1em .3em}pre{padding:.8em;overflow-x:auto}
.op{border:1px solid #dde1e5;border-radius:8px;padding:.6em 1em;margin:1em 0}.verb{font-weight:700;color:#0b6bcb}
table{border-collapse:collapse;width:100%;font-size:.92em}td,th{border-bottom:1px solid #eceef0;padding:.3em;text-align:left;vertical-align:top}"""


def _parameters(operation: dict) -> str:
    rows = []
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        kind = schema.get("type") or " | ".join(part.get("type", "") for part in schema.get("anyOf", []))
        rows.append(
            f"<tr><td><code>{escape(parameter['name'])}</code>{' (obligatorio)' if parameter.get('required') else ''}</td>"
            f"<td>{escape(parameter['in'])}</td><td>{escape(kind)}</td>"
            f"<td>{escape(parameter.get('description', ''))}</td></tr>"
        )
    if not rows:
        return ""
    return (
        "<table><tr><th>Parámetro</th><th>En</th><th>Tipo</th><th>Qué es</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def render(openapi: dict, *, base_url: str, rate: float, burst: int) -> str:
    """The page, in Spanish, for the document `openapi` served at `base_url`."""
    operations = []
    for path, methods in openapi["paths"].items():
        for method, operation in methods.items():
            description = f"<p>{escape(operation['description'])}</p>" if operation.get("description") else ""
            operations.append(
                f"<div class='op'><p><span class='verb'>{method.upper()}</span> <code>/api/v1{escape(path)}</code>"
                f" — {escape(operation.get('summary', ''))}</p>"
                f"{description}"
                f"{_parameters(operation)}</div>"
            )
    guide = GUIDE.format(base=escape(base_url), rate=f"{rate:g}", burst=burst)
    return (
        "<!doctype html><html lang='es-CL'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>API · CompraAgil</title><style>{STYLE}</style></head><body>"
        f"<h1>API de CompraAgil</h1><p>{escape(openapi['info'].get('description', ''))}</p>{guide}"
        f"<h2>Operaciones</h2>{''.join(operations)}</body></html>"
    )
