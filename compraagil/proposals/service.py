"""Proposal services: request one for a tender (counted against the plan's monthly proposals),
write it in a job (Gemini when configured, else the offline templates, which are also the fallback
when Gemini fails), keep every edited version, and serve its documents to the company only.

The core never enqueues: the door passes `enqueue`, called once the proposal is recorded.
"""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlmodel import Session

from compraagil.accounts.companies import require_member
from compraagil.chile.dates import SANTIAGO
from compraagil.config import get_settings
from compraagil.errors import InvalidInput, NotFound
from compraagil.models import Proposal, ProposalVersion
from compraagil.plans.quotas import metered, release
from compraagil.plans.table import Feature
from compraagil.proposals.body import MAX_LENGTH, printable, title_of
from compraagil.proposals.context import ProposalContext, proposal_context
from compraagil.proposals.documents import FORMATS, render
from compraagil.proposals.gemini import GeminiUnavailable, write_with_gemini
from compraagil.proposals.template import gemini_prompt, write_offline
from compraagil.tenders.service import get_tender

log = logging.getLogger(__name__)

PENDING, READY, FAILED = "pendiente", "lista", "fallida"
GEMINI, TEMPLATE, EDIT = "gemini", "plantilla", "edicion"
FELL_BACK = "No pudimos redactarla con Gemini; usamos la plantilla."
NOT_FOUND = "No encontramos esa propuesta."
STALE_AFTER = timedelta(minutes=20)
"""A proposal pending this long lost its job (the job's timeout and retries take under 12 minutes)."""

Draft = Callable[[str], None]
"""Told the text written so far while a writer streams it."""


@dataclass(frozen=True)
class VersionView:
    version: int
    source: str
    created_at: datetime


@dataclass(frozen=True)
class ProposalView:
    id: str
    tender_codigo: str
    title: str
    status: str
    writer: str | None
    note: str | None
    created_at: datetime
    versions: list[VersionView]
    version: int | None
    """The version shown (the latest unless asked), None while it is being written."""
    body: str


def request_proposal(
    *, session: Session, user_id: int, company_id: int, codigo: str, enqueue: Callable[[str], object]
) -> str:
    """Record a proposal for the tender, count it against the plan (QuotaExceeded when used up or
    not included) and hand its id to `enqueue`; returns the id. A failure on our side (Redis down)
    gives the use back."""
    require_member(session, user_id, company_id)
    tender = get_tender(session=session, codigo=codigo)
    with metered(session=session, company_id=company_id, feature=Feature.PROPOSALS):
        proposal = Proposal(
            id=str(uuid.uuid4()), company_id=company_id, user_id=user_id, tender_codigo=tender.codigo, title=tender.name
        )  # fmt: skip
        session.add(proposal)
        session.commit()
        proposal_id = proposal.id
        try:
            enqueue(proposal_id)
        except Exception:
            session.execute(
                update(Proposal)
                .where(Proposal.id == proposal_id, Proposal.status == PENDING)
                .values(status=FAILED)
            )
            session.commit()
            raise
    return proposal_id


def _write(context: ProposalContext, on_draft: Draft) -> tuple[str, str, str | None]:
    """(text, writer, note): Gemini when configured and answering, else the templates."""
    settings = get_settings()
    if settings.gemini_api_key:
        try:
            text = write_with_gemini(
                gemini_prompt(context),
                api_key=settings.gemini_api_key,
                model=settings.gemini_model,
                base_url=settings.gemini_api_url,
                on_text=on_draft,
            )
            return printable(text)[:MAX_LENGTH], GEMINI, None
        except GeminiUnavailable as error:
            log.warning("proposal written from the templates", extra={"reason": str(error)})
            return write_offline(context), TEMPLATE, FELL_BACK
    return write_offline(context), TEMPLATE, None


def write_proposal(*, session: Session, proposal_id: str, on_draft: Draft = lambda text: None) -> int:
    """The job's work: write the proposal's first version and mark it ready; returns its length.
    No transaction stays open while a writer works (Gemini may take a while)."""
    proposal = session.get(Proposal, proposal_id)
    if proposal is None or proposal.status == FAILED:
        raise NotFound(NOT_FOUND)
    if proposal.status == READY:  # a retried job whose first attempt got this far
        return len(_latest(session, proposal_id).body)
    context = proposal_context(
        session=session,
        company_id=proposal.company_id,
        user_id=proposal.user_id,
        codigo=proposal.tender_codigo,
        today=datetime.now(SANTIAGO).date(),
    )
    author = proposal.user_id
    session.commit()
    text, writer, note = _write(context, on_draft)
    ready = session.execute(
        update(Proposal)
        .where(Proposal.id == proposal_id, Proposal.status == PENDING)
        .values(status=READY, writer=writer, note=note, finished_at=datetime.now(UTC))
    ).rowcount
    if not ready:  # failed meanwhile (given up on as stale): nothing to keep
        session.rollback()
        raise NotFound(NOT_FOUND)
    session.add(ProposalVersion(proposal_id=proposal_id, version=1, body=text, source=writer, user_id=author))
    session.commit()
    return len(text)


def fail_stale_proposals(*, session: Session, now: datetime | None = None) -> int:
    """Give up on proposals still pending after STALE_AFTER (their job was lost, e.g. its process
    killed, which skips the failure callback): failed, and the plan's use given back."""
    cutoff = (now or datetime.now(UTC)) - STALE_AFTER
    stale = (
        session.execute(select(Proposal.id).where(Proposal.status == PENDING, Proposal.created_at < cutoff))
        .scalars()
        .all()
    )
    session.commit()
    for proposal_id in stale:
        fail_proposal(session=session, proposal_id=proposal_id, ours=True)
    return len(stale)


def fail_proposal(*, session: Session, proposal_id: str, ours: bool) -> None:
    """Mark a pending proposal failed for good; when the failure was ours, give its use back."""
    failed = session.execute(
        update(Proposal)
        .where(Proposal.id == proposal_id, Proposal.status == PENDING)
        .values(status=FAILED, finished_at=datetime.now(UTC))
        .returning(Proposal.company_id, Proposal.created_at)
    ).first()
    session.commit()
    if failed and ours:
        release(
            session=session, company_id=failed.company_id, feature=Feature.PROPOSALS, now=failed.created_at
        )


def _own(session: Session, company_id: int, proposal_id: str) -> Proposal:
    try:
        parsed = str(uuid.UUID(proposal_id))
    except ValueError:
        raise NotFound(NOT_FOUND) from None
    proposal = session.get(Proposal, parsed)
    if proposal is None or proposal.company_id != company_id:
        raise NotFound(NOT_FOUND)
    return proposal


def _latest(session: Session, proposal_id: str) -> ProposalVersion | None:
    return session.execute(
        select(ProposalVersion)
        .where(ProposalVersion.proposal_id == proposal_id)
        .order_by(ProposalVersion.version.desc())
        .limit(1)
    ).scalar_one_or_none()


def _version(session: Session, proposal_id: str, version: int | None) -> ProposalVersion | None:
    """The asked version (NotFound when it does not exist), or the latest (None while writing)."""
    if version is None:
        return _latest(session, proposal_id)
    found = session.get(ProposalVersion, (proposal_id, version))
    if found is None:
        raise NotFound("Esa versión de la propuesta no existe.")
    return found


def get_proposal(
    *, session: Session, company_id: int, proposal_id: str, version: int | None = None
) -> ProposalView:
    """A company's proposal with its versions, showing `version` (default: the latest)."""
    proposal = _own(session, company_id, proposal_id)
    shown = _version(session, proposal.id, version)
    versions = session.execute(
        select(ProposalVersion.version, ProposalVersion.source, ProposalVersion.created_at)
        .where(ProposalVersion.proposal_id == proposal.id)
        .order_by(ProposalVersion.version.desc())
    ).all()
    return ProposalView(
        id=proposal.id, tender_codigo=proposal.tender_codigo, title=proposal.title, status=proposal.status,
        writer=proposal.writer, note=proposal.note, created_at=proposal.created_at,
        versions=[VersionView(*row) for row in versions],
        version=shown.version if shown else None, body=shown.body if shown else "",
    )  # fmt: skip


def list_proposals(*, session: Session, company_id: int) -> list[ProposalView]:
    """The company's proposals, newest first, each showing its latest version's number (no text)."""
    rows = session.execute(
        select(Proposal, func.max(ProposalVersion.version))
        .outerjoin(ProposalVersion, ProposalVersion.proposal_id == Proposal.id)
        .where(Proposal.company_id == company_id)
        .group_by(Proposal.id)
        .order_by(Proposal.created_at.desc())
    ).all()
    return [
        ProposalView(
            id=p.id,
            tender_codigo=p.tender_codigo,
            title=p.title,
            status=p.status,
            writer=p.writer,
            note=p.note,
            created_at=p.created_at,
            versions=[],
            version=latest,
            body="",
        )  # fmt: skip
        for p, latest in rows
    ]


def save_version(*, session: Session, user_id: int, company_id: int, proposal_id: str, body: str) -> int:
    """Keep an edited text as the proposal's next version (the same text as the latest adds none);
    returns the version that now holds it."""
    require_member(session, user_id, company_id)
    proposal = _own(session, company_id, proposal_id)
    text = printable(body.replace("\r\n", "\n")).strip()
    if not text:
        raise InvalidInput("La propuesta está vacía.")
    if len(text) > MAX_LENGTH:
        raise InvalidInput(f"La propuesta supera los {MAX_LENGTH:,} caracteres.".replace(",", "."))
    if proposal.status == FAILED:
        raise InvalidInput("Esta propuesta no se pudo redactar: pídela de nuevo desde la Compra Ágil.")
    if proposal.status != READY:
        raise InvalidInput("La propuesta aún se está redactando.")
    session.execute(select(Proposal).where(Proposal.id == proposal.id).with_for_update())
    latest = _latest(session, proposal.id)
    if latest.body == text:
        return latest.version
    session.add(
        ProposalVersion(
            proposal_id=proposal.id, version=latest.version + 1, body=text, source=EDIT, user_id=user_id
        )
    )
    session.commit()
    return latest.version + 1


@dataclass(frozen=True)
class Document:
    content: bytes
    file_name: str
    media_type: str


def document(
    *, session: Session, company_id: int, proposal_id: str, version: int, extension: str
) -> Document:
    """One version of the company's proposal as a PDF or DOCX; NotFound for anything else."""
    if extension not in FORMATS:
        raise NotFound(NOT_FOUND)
    proposal = _own(session, company_id, proposal_id)
    shown = _version(session, proposal.id, version)
    title = title_of(shown.body, proposal.title)
    content = render(shown.body, title=title, extension=extension)
    return Document(content, f"propuesta-{proposal.tender_codigo}-v{version}.{extension}", FORMATS[extension])
