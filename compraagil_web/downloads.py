"""Private files over HTTP: an export or a proposal's document is served only to a signed-in member
of its company (the session cookie checked on the server); anything else answers 404, never
revealing that it exists."""

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from compraagil.accounts.sessions import resolve_session
from compraagil.db import session_scope
from compraagil.errors import NotFound, Unauthorized
from compraagil.exports.service import Download, download
from compraagil.models import User
from compraagil.proposals.service import Document, document
from compraagil_web.state import SESSION_COOKIE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

router = APIRouter()


def export_url(export_id: str) -> str:
    """Where the browser downloads an export."""
    return f"/api/exports/{export_id}"


def _signed_in_user(session, token: str, missing: str) -> User:
    """The signed-in user of the session cookie; NotFound (never 401) when there is none."""
    try:
        return resolve_session(session=session, token=token)
    except Unauthorized:
        raise NotFound(missing) from None


def _find(token: str, export_id: str) -> Download:
    with session_scope() as session:
        user = _signed_in_user(session, token, "No encontramos esa exportación.")
        return download(session=session, company_id=user.company_id, export_id=export_id)


def _proposal_document(token: str, proposal_id: str, version: int, extension: str) -> Document:
    with session_scope() as session:
        user = _signed_in_user(session, token, "No encontramos esa propuesta.")
        return document(
            session=session,
            company_id=user.company_id,
            proposal_id=proposal_id,
            version=version,
            extension=extension,
        )


@router.get("/api/exports/{export_id}")
def export_file(export_id: str, request: Request) -> FileResponse:
    """The export's .xlsx as an attachment, for its company's members only."""
    found = _find(request.cookies.get(SESSION_COOKIE, ""), export_id)
    return FileResponse(
        found.path, media_type=XLSX, filename=found.file_name, headers={"Cache-Control": "private, no-store"}
    )


@router.get("/api/proposals/{proposal_id}/{version}/{extension}")
def proposal_file(proposal_id: str, version: int, extension: str, request: Request) -> Response:
    """One version of a proposal as PDF or DOCX, for its company's members only."""
    found = _proposal_document(request.cookies.get(SESSION_COOKIE, ""), proposal_id, version, extension)
    return Response(
        found.content,
        media_type=found.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{found.file_name}"',
            "Cache-Control": "private, no-store",
        },
    )
