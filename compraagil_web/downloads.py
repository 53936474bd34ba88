"""Private files over HTTP: an export is served only to a signed-in member of its company (the
session cookie checked on the server); anything else answers 404, never revealing that it exists."""

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

from compraagil.accounts.sessions import resolve_session
from compraagil.db import session_scope
from compraagil.errors import NotFound, Unauthorized
from compraagil.exports.service import Download, download
from compraagil_web.state import SESSION_COOKIE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

router = APIRouter()


def export_url(export_id: str) -> str:
    """Where the browser downloads an export."""
    return f"/api/exports/{export_id}"


def _find(token: str, export_id: str) -> Download:
    with session_scope() as session:
        try:
            user = resolve_session(session=session, token=token)
        except Unauthorized:
            raise NotFound("No encontramos esa exportación.") from None
        return download(session=session, company_id=user.company_id, export_id=export_id)


@router.get("/api/exports/{export_id}")
def export_file(export_id: str, request: Request) -> FileResponse:
    """The export's .xlsx as an attachment, for its company's members only."""
    found = _find(request.cookies.get(SESSION_COOKIE, ""), export_id)
    return FileResponse(
        found.path, media_type=XLSX, filename=found.file_name, headers={"Cache-Control": "private, no-store"}
    )
