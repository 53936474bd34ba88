"""What the bot says, as plain data: short Spanish text (es-CL numbers and dates) and inline buttons
that open the web app or call back into the bot. The bot turns a Reply into Telegram objects."""

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

from compraagil.accounts.mails import link
from compraagil.alerts.logic import NoticeLine, group_lines
from compraagil.chile.dates import closing_label
from compraagil.chile.money import format_clp
from compraagil.plans.quotas import UsageLine
from compraagil.plans.table import Plan
from compraagil.pricing.service import PriceAnalysis
from compraagil.search.service import TenderHit

MAX_TEXT = 4096
"""Telegram's limit for one message."""
PUSH_LINES = 10
PUSH_BUTTONS = 5
"""Tenders of a push that get their own «Abrir» and «Guardar» buttons (the first ones listed)."""
"""Tenders listed in one pushed message; the rest are counted, with a link to the inbox."""
SAVE, PAUSE, RESUME = "guardar", "pausar", "reanudar"
"""Callback data prefixes: `guardar:<código>`, `pausar:<alert id>`, `reanudar:<alert id>`."""
USEFUL, USELESS = "sirve", "nosirve"
"""Callback data prefixes of 👍/👎 on a semantic alert's notice: `sirve:<notice id>`."""


@dataclass(frozen=True)
class Button:
    label: str
    url: str | None = None
    callback: str | None = None


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    """Rows of inline buttons."""


def tender_url(codigo: str) -> str:
    """The tender's page in the web app."""
    return link(f"/licitacion/{quote(codigo)}")


def plans_button() -> Button:
    return Button("Ver planes", url=link("/planes"))


def search_results(query: str, hits: list[TenderHit], now: datetime) -> Reply:
    """The top open tenders for a search, each with «Abrir» and «Guardar»."""
    if not hits:
        return Reply(f"No encontré Compras Ágiles abiertas para «{query}».")
    lines = [f"Compras Ágiles abiertas para «{query}»:"]
    buttons = []
    for number, hit in enumerate(hits, start=1):
        closes = closing_label(hit.closes_at, now)[0]
        amount = format_clp(hit.amount_available, missing="monto no informado")
        lines.append(
            f"\n{number}. {hit.name}\n{hit.organismo or 'Organismo no informado'} · {amount} · {closes}"
        )
        buttons.append(
            [
                Button(f"{number}. Abrir {hit.codigo}", url=tender_url(hit.codigo)),
                Button("Guardar", callback=f"{SAVE}:{hit.codigo}"),
            ]
        )
    return Reply("\n".join(lines), buttons)


def saved(codigo: str, name: str) -> Reply:
    return Reply(
        f"Guardada en tu pipeline: {name} ({codigo}).",
        [[Button("Ver pipeline", url=link("/pipeline"))]],
    )


def price_analysis(analysis: PriceAnalysis, left: int | None) -> Reply:
    """The suggested price, the usual range and how much to trust it; the quota left today."""
    product = analysis.query.product
    figures = analysis.winning_quotes or analysis.all_quotes
    quota = "" if left is None else f"\nTe quedan {left} análisis de precio hoy."
    button = [[Button("Ver análisis completo", url=link("/precios", producto=product))]]
    if analysis.suggested_price is None or figures is None:
        return Reply(f"No hay precios suficientes para «{product}» en el historial.{quota}", button)
    return Reply(
        f"Precio sugerido para «{product}»: {format_clp(analysis.suggested_price)} por unidad.\n"
        f"Rango habitual: {format_clp(figures.p25)} a {format_clp(figures.p75)}.\n"
        f"Confianza {analysis.confidence} ({analysis.sample_size} precios).{quota}",
        button,
    )


def alert_list(alerts: list) -> Reply:
    """Each alert with its state and a button to pause or resume it."""
    if not alerts:
        return Reply(
            "No tienes alertas. Créalas en la web.", [[Button("Crear alerta", url=link("/alertas"))]]
        )
    lines, buttons = ["Tus alertas:"], []
    for alert in alerts:
        state = "activa" if alert.active else "en pausa"
        lines.append(f"• {alert.name} — {state}\n  {alert.filters}")
        action = (f"Pausar «{alert.name}»", PAUSE) if alert.active else (f"Reanudar «{alert.name}»", RESUME)
        buttons.append([Button(action[0], callback=f"{action[1]}:{alert.id}")])
    return Reply("\n".join(lines), buttons)


def alert_changed(alert) -> Reply:
    return Reply(f"Alerta «{alert.name}» {'reanudada' if alert.active else 'en pausa'}.")


def plan_summary(plan: Plan, lines: list[UsageLine]) -> Reply:
    """The plan's name and price, and each metered use against its limit."""
    text = [f"Tu plan: {plan.name} ({plan.price_label})."]
    for line in lines:
        limit = "sin límite" if line.limit is None else f"de {line.limit}"
        text.append(f"• {line.label}: {line.used} {limit} {line.period}")
    return Reply("\n".join(text), [[plans_button()]])


def _judge_buttons(line: NoticeLine) -> list[Button]:
    """👍/👎 on a semantic alert's tender: the alert learns from them."""
    if not line.learns:
        return []
    return [
        Button("👍", callback=f"{USEFUL}:{line.notice_id}"),
        Button("👎", callback=f"{USELESS}:{line.notice_id}"),
    ]


def push(lines: list[NoticeLine]) -> Reply:
    """A push message: the notices grouped as in the mail, at most PUSH_LINES tenders, each linked;
    the first ones with «Abrir» and «Guardar» buttons (and 👍/👎 when a semantic alert found them)."""
    shown, rest = lines[:PUSH_LINES], len(lines) - PUSH_LINES
    sections = group_lines(shown)
    blocks = []
    for section in sections:
        items = "\n".join(
            f"• {line.tender_name}\n  {line.organismo} · {line.amount} · {line.closes}\n  {line.url}"
            for line in section.lines
        )
        blocks.append(f"{section.heading}\n{items}")
    if rest > 0:
        blocks.append(f"…y {rest} más en tu bandeja.")
    text = "\n\n".join(blocks)
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 1] + "…"
    buttons = [
        [
            Button(f"Abrir {line.codigo}", url=line.url),
            Button("Guardar", callback=f"{SAVE}:{line.codigo}"),
            *_judge_buttons(line),
        ]
        for line in [line for section in sections for line in section.lines][:PUSH_BUTTONS]
        if line.codigo
    ]
    return Reply(text, [*buttons, [Button("Ver bandeja y alertas", url=link("/alertas"))]])
