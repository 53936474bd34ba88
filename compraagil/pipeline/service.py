"""Pipeline services: save a tender for a company, edit, move, remove, list, and apply outcomes.

Every call names the signed-in user and their company: an item of another company is NotFound.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, text
from sqlmodel import Session

from compraagil.accounts.companies import require_member
from compraagil.errors import InvalidInput, NotFound
from compraagil.models import Buyer, Company, PipelineItem, Tender
from compraagil.pipeline.logic import (
    DESCARTADA,
    EVALUANDO,
    OPEN_STATUSES,
    OUTCOME,
    PERSON,
    Outcome,
    check_status,
    is_active,
    outcome_may_move,
    outcome_status,
)
from compraagil.plans.quotas import cap_of, require_below_cap
from compraagil.plans.table import Feature

NOTES_MAX = 2000


@dataclass(frozen=True)
class Card:
    id: int
    codigo: str
    name: str
    organismo: str
    closes_at: datetime | None
    status: str
    moved_by_outcome: bool
    outcome_note: str
    quoted_amount: int | None
    notes: str
    remind_on: date | None


@dataclass(frozen=True)
class Usage:
    used: int
    limit: int | None


def _item(session: Session, company_id: int, item_id: int) -> PipelineItem:
    item = session.get(PipelineItem, item_id)
    if item is None or item.company_id != company_id:
        raise NotFound("Esa licitación ya no está en tu pipeline.")
    return item


def _active_count(session: Session, company_id: int) -> int:
    return session.execute(
        select(func.count())
        .select_from(PipelineItem)
        .where(PipelineItem.company_id == company_id, PipelineItem.status != DESCARTADA)
    ).scalar_one()


def _make_room(session: Session, company_id: int) -> None:
    """Lock the company (concurrent saves count one after the other), then apply the plan's cap."""
    session.execute(select(Company.id).where(Company.id == company_id).with_for_update())
    require_below_cap(
        session=session,
        company_id=company_id,
        feature=Feature.SAVED_TENDERS,
        current=_active_count(session, company_id),
    )


def _cards(session: Session, company_id: int, *conditions) -> list[Card]:
    rows = session.execute(
        select(PipelineItem, Tender.codigo, Tender.name, Tender.closes_at, Buyer.organismo)
        .join(Tender, Tender.id == PipelineItem.tender_id)
        .outerjoin(Buyer, Buyer.id == Tender.buyer_id)
        .where(PipelineItem.company_id == company_id, *conditions)
        .order_by(Tender.closes_at.asc().nulls_last(), PipelineItem.id)
    ).all()
    return [
        Card(
            item.id,
            codigo,
            name,
            organismo or "",
            closes_at,
            item.status,
            item.status_set_by == OUTCOME,
            item.outcome_note or "",
            item.quoted_amount,
            item.notes,
            item.remind_on,
        )
        for item, codigo, name, closes_at, organismo in rows
    ]


def _card(session: Session, company_id: int, item_id: int) -> Card:
    return _cards(session, company_id, PipelineItem.id == item_id)[0]


def list_items(*, session: Session, user_id: int, company_id: int) -> list[Card]:
    """The company's pipeline, soonest closing first."""
    require_member(session, user_id, company_id)
    return _cards(session, company_id)


def item_for_tender(*, session: Session, user_id: int, company_id: int, codigo: str) -> Card | None:
    """The company's item for this tender, if it saved it."""
    require_member(session, user_id, company_id)
    found = _cards(session, company_id, Tender.codigo == codigo)
    return found[0] if found else None


def usage(*, session: Session, user_id: int, company_id: int) -> Usage:
    """How many active items the company keeps, and its plan's cap (None: no limit)."""
    require_member(session, user_id, company_id)
    return Usage(
        _active_count(session, company_id),
        cap_of(session=session, company_id=company_id, feature=Feature.SAVED_TENDERS),
    )


def save_tender(*, session: Session, user_id: int, company_id: int, codigo: str) -> Card:
    """Add the tender to the company's pipeline as evaluando (as it is, when already there); QuotaExceeded at the cap."""
    require_member(session, user_id, company_id)
    tender_id = session.execute(select(Tender.id).where(Tender.codigo == codigo.strip())).scalar_one_or_none()
    if tender_id is None:
        raise NotFound(f"No encontramos la licitación {codigo}.")
    existing = session.execute(
        select(PipelineItem.id).where(
            PipelineItem.company_id == company_id, PipelineItem.tender_id == tender_id
        )
    ).scalar_one_or_none()
    if existing is not None:
        return _card(session, company_id, existing)
    _make_room(session, company_id)
    item = PipelineItem(company_id=company_id, tender_id=tender_id, status=EVALUANDO, created_by=user_id)
    session.add(item)
    session.commit()
    return _card(session, company_id, item.id)


def move_item(*, session: Session, user_id: int, company_id: int, item_id: int, status: str) -> Card:
    """A person sets the item's status (the outcome never overwrites their ganada/perdida/descartada)."""
    require_member(session, user_id, company_id)
    check_status(status)
    item = _item(session, company_id, item_id)
    if is_active(status) and not is_active(item.status):
        _make_room(session, company_id)
    item.status, item.status_set_by, item.outcome_note = status, PERSON, None
    item.updated_at = func.now()
    session.commit()
    return _card(session, company_id, item_id)


def edit_item(
    *,
    session: Session,
    user_id: int,
    company_id: int,
    item_id: int,
    quoted_amount: int | None,
    notes: str,
    remind_on: date | None,
) -> Card:
    """Set the amount quoted (CLP), the notes and the reminder date."""
    require_member(session, user_id, company_id)
    if quoted_amount is not None and quoted_amount < 0:
        raise InvalidInput("El monto cotizado no puede ser negativo.")
    if len(notes) > NOTES_MAX:
        raise InvalidInput(f"Las notas pueden tener hasta {NOTES_MAX} caracteres.")
    item = _item(session, company_id, item_id)
    item.quoted_amount, item.notes, item.remind_on = quoted_amount, notes.strip(), remind_on
    item.updated_at = func.now()
    session.commit()
    return _card(session, company_id, item_id)


def remove_item(*, session: Session, user_id: int, company_id: int, item_id: int) -> None:
    """Take the item out of the company's pipeline."""
    require_member(session, user_id, company_id)
    session.delete(_item(session, company_id, item_id))
    session.commit()


OUTCOMES_SQL = """
SELECT p.id, p.status, p.status_set_by,
       bool_or(q.winner AND q.supplier_id = mine.id) AS won,
       string_agg(DISTINCT w.name, ', ') AS winner_name
FROM pipeline_items p
JOIN tenders t ON t.id = p.tender_id
JOIN companies c ON c.id = p.company_id
JOIN suppliers mine ON mine.rut = c.rut
JOIN quotes q ON q.tender_codigo = t.codigo
LEFT JOIN suppliers w ON w.id = q.supplier_id AND q.winner
WHERE p.status_set_by = :outcome OR p.status = ANY(:open)
GROUP BY p.id, p.status, p.status_set_by
HAVING bool_or(q.supplier_id = mine.id) AND bool_or(q.winner)
"""
"""Items the outcome may move, of processes the company quoted (by its RUT) that have a winner."""


def apply_outcomes(*, session: Session) -> int:
    """Move every item whose process the history shows won or lost to ganada/perdida; returns how many moved."""
    rows = session.execute(text(OUTCOMES_SQL), {"outcome": OUTCOME, "open": list(OPEN_STATUSES)}).all()
    moved = 0
    for item_id, status, set_by, won, winner_name in rows:
        if not outcome_may_move(status, set_by):
            continue
        new_status, note = outcome_status(Outcome(won=bool(won), winner_name=winner_name or ""))
        item = session.get(PipelineItem, item_id)
        if (item.status, item.outcome_note) == (new_status, note):
            continue
        item.status, item.status_set_by, item.outcome_note = new_status, OUTCOME, note
        item.updated_at = func.now()
        moved += 1
    session.commit()
    return moved
