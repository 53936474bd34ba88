"""Proposals below the page: a real RQ worker writes one offline from the templates (complete, with
our prices), or with Gemini through the fake Gemini server (streamed), falling back to the templates
when Gemini fails; edits become versions; documents open as PDF and DOCX for the company only; the
plan's monthly proposals are counted and a failure of ours gives the use back."""

import io
import math
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from docx import Document
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import text

from compraagil.accounts.sessions import create_session
from compraagil.config import PROJECT_ROOT, child_environment
from compraagil.db import session_scope
from compraagil.errors import InvalidInput, NotFound, QuotaExceeded
from compraagil.proposals import service
from compraagil.proposals.body import parse
from compraagil_web.api import api
from compraagil_web.state import SESSION_COOKIE
from jobs import queues
from tests.factories import PAPER_CODES, account, paper_history
from tests.fakes.gemini import FakeGemini

CODIGO = PAPER_CODES[0]


def call(function, **kwargs):
    with session_scope() as session:
        return function(session=session, **kwargs)


def ask(user: int, company: int, enqueue=queues.enqueue_proposal) -> str:
    return call(service.request_proposal, user_id=user, company_id=company, codigo=CODIGO, enqueue=enqueue)


def run_worker(services, **env: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jobs.worker", "--queues", queues.EXPORTS, "--burst"],
        cwd=PROJECT_ROOT,
        env=child_environment(DATABASE_URL=services.database_url, REDIS_URL=services.redis_url, **env),
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def used(company: int) -> int:
    with session_scope() as session:
        return session.execute(
            text("SELECT coalesce(sum(used), 0) FROM usage_counters WHERE company_id = :c AND feature = 'proposals'"),
            {"c": company},
        ).scalar_one()  # fmt: skip


def pyme(email: str = "ana@nandu.cl", *, named: bool = True) -> tuple[int, int]:
    """A PYME company's user; `named`: it is Comercial Ñandú SpA with its RUT (one company may be)."""
    user, company = account(email, plan="PYME")
    if not named:
        return user, company
    with session_scope() as session:
        session.execute(
            text("UPDATE companies SET name = 'Comercial Ñandú SpA', rut = '78167575-K' WHERE id = :c"), {"c": company}
        )  # fmt: skip
    return user, company


@pytest.fixture
def paper(tmp_path):
    paper_history(tmp_path)


def test_an_offline_proposal_is_complete_with_our_prices(paper, services):
    user, company = pyme()
    proposal_id = ask(user, company)
    assert call(service.get_proposal, company_id=company, proposal_id=proposal_id).status == "pendiente"
    run_worker(services)

    view = call(service.get_proposal, company_id=company, proposal_id=proposal_id)
    assert (view.status, view.writer, view.version, view.note) == ("lista", "plantilla", 1, None)
    blocks = parse(view.body)
    assert blocks[0].kind == "title" and CODIGO in blocks[0].text
    headings = [block.text for block in blocks if block.kind == "heading"]
    assert headings == ["Presentación", "Oferta económica", "Condiciones comerciales", "Contacto"]
    (table,) = [block for block in blocks if block.kind == "table"]
    assert table.rows[0][:3] == ["N°", "Producto", "Cantidad"]
    assert table.rows[1][1:] == ["Resma papel carta", "10", "$1.299", "$12.990"]
    assert [row[1:] for row in table.rows[-3:]] == [
        ["Total neto", "", "", "$12.990"],
        ["IVA (19 %)", "", "", "$2.468"],
        ["Total", "", "", "$15.458"],
    ]
    assert "Comercial Ñandú SpA, RUT 78.167.575-K" in view.body
    assert "ana@nandu.cl" in view.body
    assert used(company) == 1


def test_gemini_writes_it_streamed_and_a_failure_falls_back_to_the_templates(paper, services):
    user, company = pyme()
    with FakeGemini() as gemini:
        gemini.answer = "# Cotización 2345-1-COT26\n\n## Presentación\nEscrita por Gemini."
        first = ask(user, company)
        run_worker(services, GEMINI_API_KEY=gemini.api_key, GEMINI_API_URL=gemini.url)
        gemini.fail(500, times=math.inf)
        second = ask(user, company)
        run_worker(services, GEMINI_API_KEY=gemini.api_key, GEMINI_API_URL=gemini.url)
        request = gemini.called("streamGenerateContent")[0]

    written = call(service.get_proposal, company_id=company, proposal_id=first)
    assert (written.writer, written.body) == ("gemini", gemini.answer)
    assert "$12.990" in request.user_text and "Comercial Ñandú SpA" in request.user_text
    assert "Copia la tabla de la oferta económica tal cual" in request.system_text
    fallback = call(service.get_proposal, company_id=company, proposal_id=second)
    assert (fallback.writer, fallback.note) == ("plantilla", service.FELL_BACK)
    assert "## Oferta económica" in fallback.body


def test_edits_become_versions_and_documents_open(paper, services):
    user, company = pyme()
    proposal_id = ask(user, company)
    run_worker(services)
    original = call(service.get_proposal, company_id=company, proposal_id=proposal_id).body
    edited = original.replace("Quedamos atentos", "Quedamos muy atentos")
    assert (
        call(service.save_version, user_id=user, company_id=company, proposal_id=proposal_id, body=edited)
        == 2
    )
    assert (
        call(service.save_version, user_id=user, company_id=company, proposal_id=proposal_id, body=edited)
        == 2
    )
    with pytest.raises(InvalidInput):
        call(service.save_version, user_id=user, company_id=company, proposal_id=proposal_id, body="  ")

    view = call(service.get_proposal, company_id=company, proposal_id=proposal_id)
    assert [(v.version, v.source) for v in view.versions] == [(2, "edicion"), (1, "plantilla")]
    assert call(service.get_proposal, company_id=company, proposal_id=proposal_id, version=1).body == original

    with session_scope() as session:
        token = create_session(session=session, user_id=user)
    client = TestClient(api)
    client.cookies.set(SESSION_COOKIE, token)
    pdf = client.get(f"/api/proposals/{proposal_id}/2/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert f"propuesta-{CODIGO}-v2.pdf" in pdf.headers["content-disposition"]
    pages = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Quedamos muy atentos" in pages and "$15.458" in pages
    docx = client.get(f"/api/proposals/{proposal_id}/1/docx")
    assert docx.status_code == 200
    document = Document(io.BytesIO(docx.content))
    assert any("Quedamos atentos" in p.text for p in document.paragraphs)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "Resma papel carta" in cells and "$15.458" in cells

    other_user, _ = pyme("beto@otra.cl", named=False)
    with session_scope() as session:
        other_token = create_session(session=session, user_id=other_user)
    stranger = TestClient(api)
    stranger.cookies.set(SESSION_COOKIE, other_token)
    assert stranger.get(f"/api/proposals/{proposal_id}/2/pdf").status_code == 404
    assert TestClient(api).get(f"/api/proposals/{proposal_id}/2/pdf").status_code == 404
    assert client.get(f"/api/proposals/{proposal_id}/9/pdf").status_code == 404
    assert client.get(f"/api/proposals/{proposal_id}/2/exe").status_code == 404


def test_plans_count_proposals_and_a_failure_of_ours_gives_the_use_back(paper, services):
    free_user, free_company = account("free@nandu.cl", plan="FREE")
    with pytest.raises(QuotaExceeded):
        ask(free_user, free_company)

    user, company = pyme()

    def redis_down(proposal_id: str) -> None:
        raise ConnectionError("Redis no responde")

    with pytest.raises(ConnectionError):
        ask(user, company, enqueue=redis_down)
    assert used(company) == 0
    for _ in range(5):
        ask(user, company, enqueue=lambda proposal_id: None)
    with pytest.raises(QuotaExceeded):
        ask(user, company, enqueue=lambda proposal_id: None)
    assert used(company) == 5

    with pytest.raises(NotFound):
        call(service.request_proposal, user_id=user, company_id=company, codigo="1-1-COT99", enqueue=print)
    assert len(call(service.list_proposals, company_id=company)) == 6  # five pending, one failed


def test_a_lost_job_is_given_up_with_its_use_given_back(paper, services):
    user, company = pyme()
    lost = ask(user, company, enqueue=lambda proposal_id: None)  # as if its process had been killed
    assert call(service.fail_stale_proposals) == 0
    later = datetime.now(UTC) + service.STALE_AFTER + timedelta(minutes=1)
    assert call(service.fail_stale_proposals, now=later) == 1
    assert call(service.get_proposal, company_id=company, proposal_id=lost).status == "fallida"
    assert used(company) == 0
    with pytest.raises(NotFound):
        call(service.write_proposal, proposal_id=lost)


def test_pasted_control_characters_never_break_a_document(paper, services):
    user, company = pyme()
    proposal_id = ask(user, company)
    run_worker(services)
    body = call(service.get_proposal, company_id=company, proposal_id=proposal_id).body
    assert (
        call(
            service.save_version,
            user_id=user,
            company_id=company,
            proposal_id=proposal_id,
            body=body + "\nFin\x00\x1b.",
        )
        == 2
    )
    saved = call(service.get_proposal, company_id=company, proposal_id=proposal_id).body
    assert saved.endswith("Fin.")
    for extension in ("pdf", "docx"):
        made = call(
            service.document, company_id=company, proposal_id=proposal_id, version=2, extension=extension
        )
        assert made.content
