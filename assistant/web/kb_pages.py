"""The staff console's knowledge base page (issue #16): ``/console/kb``.

- The live index's documents (title, source, when the file was updated), uploaded
  documents not ingested yet, and the questions residents left unanswered.
- Upload (admins and dispatchers; CSRF, the session and the role checked by the
  console's ``require_console_staff``; one file; at most ``MAX_UPLOAD_BYTES``; the types the
  ingester reads, plain text saved as Markdown; the name sanitised): the document is
  checked and saved under the data directory (``assistant.kb.upload``), then an ingest
  of ``policy_kb/`` plus the uploaded documents starts in a worker thread
  (``assistant.kb.jobs``). ``POST /console/kb/ingest`` re-ingests without an upload.
- ``GET /console/kb/progress``: the last ingest as JSON (stage, done/total, percent,
  and when finished what changed against the previous version); ``static/kb.js``
  polls it and draws the bar.
- Every upload and ingest is a staff action: written to ``data_dir/kb/audit.jsonl`` and
  logged (``assistant.kb.upload.audit``), listed on the page.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import structlog
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from assistant.auth.models import StaffUser
from assistant.auth.service import UNMASKED_ROLES
from assistant.db import get_database
from assistant.kb import jobs, upload
from assistant.kb.diff import live_documents
from assistant.privacy import mask_sender, mask_text
from assistant.settings import get_settings
from assistant.web import session as web_session
from assistant.web.pages import ConsoleRoute, ConsoleStaff, require_console_staff

log = structlog.get_logger(__name__)

router = APIRouter(include_in_schema=False, route_class=ConsoleRoute)

PAGE = "/console/kb"
# Who may change what the butler tells residents: the JSON API's correcting roles.
KB_EDITORS = frozenset({"admin", "dispatcher"})
MAX_UPLOAD_BYTES = upload.MAX_UPLOAD_BYTES
UNANSWERED_LIMIT = 50
AUDIT_ACTION_ZH = {"upload": "上传文件", "ingest_started": "开始导入", "ingest_done": "导入完成",
                   "ingest_failed": "导入失败"}


def _render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    from assistant.web.pages import render

    return render(name, status=status, **context)


def _kb_dir(request: Request) -> Path:
    settings = getattr(request.app.state, "settings", None) or get_settings()
    return upload.kb_dir_for(settings.data_dir)


def _context(request: Request, user: StaffUser) -> dict[str, Any]:
    token = web_session.session_token(request) or ""
    return {"user": user, "csrf": web_session.csrf_for(token), "masked": user.role not in UNMASKED_ROLES}


def _when(value: float | str | None) -> str:
    if value is None or value == "":
        return ""
    tz = ZoneInfo(get_settings().timezone)
    when = (datetime.fromtimestamp(value, tz) if isinstance(value, (int, float))
            else datetime.fromisoformat(value))
    if when.tzinfo is None:
        when = when.replace(tzinfo=tz)
    return when.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def unanswered_questions(masked: bool, limit: int = UNANSWERED_LIMIT) -> list[dict[str, Any]]:
    """Open questions the knowledge base could not answer, newest first, read through
    ``assistant.kb.unanswered`` (never its table)."""
    from assistant.kb.unanswered import list_unanswered

    with get_database().session() as session:
        rows = list_unanswered(session, "open", limit=limit)
        return [{"id": r.id, "at": _when(r.created_at.isoformat()) if r.created_at else "",
                 "sender": mask_sender(r.sender_id) if masked else r.sender_id,
                 "question": mask_text(r.question) if masked else r.question,
                 "guess": r.best_guess or ""} for r in rows]


def _page(request: Request, user: StaffUser, *, error: tuple[str, str] | None = None, notice: str | None = None,
          status: int = 200) -> HTMLResponse:
    context = _context(request, user)
    kb_dir = _kb_dir(request)
    version, documents = live_documents(kb_dir, upload.documents_dir(kb_dir))
    runner = jobs.runner_for(kb_dir)
    job = runner.last.snapshot() if runner.last is not None else None
    if job is not None:
        job["finished_local"] = _when(job["finished_at"])[11:]
    docs = [{"name": d.name, "title": d.title, "source": d.source, "entries": d.entries,
             "uploaded": d.uploaded, "ingested": d.ingested, "updated": _when(d.updated)} for d in documents]
    audit_rows = [{**row, "at": _when(row.get("at")), "action_zh": AUDIT_ACTION_ZH.get(row.get("action"), row.get("action")),
                   "staff": row.get("staff", "")} for row in upload.recent_audit(kb_dir)]
    return _render("kb.html", status=status, **context, version=version, documents=docs, job=job,
                   can_edit=user.role in KB_EDITORS, error=error, notice=notice,
                   max_mb=MAX_UPLOAD_BYTES // (1024 * 1024), max_bytes=MAX_UPLOAD_BYTES,
                   accept=",".join(upload.UPLOAD_SUFFIXES), allowed_zh=upload.ALLOWED_ZH,
                   unanswered=unanswered_questions(context["masked"]), audit=audit_rows)


@router.get(PAGE, response_class=HTMLResponse)
def kb_page(request: Request) -> Response:
    user = web_session.current_user(request)
    if user is None:
        return RedirectResponse("/console/login", status_code=303)
    return _page(request, user, notice="文件已上传，正在导入。" if request.query_params.get("uploaded") else None)


def _start_ingest(request: Request, user: StaffUser, reason: str) -> jobs.IngestJob:
    kb_dir = _kb_dir(request)

    def embedder():
        from assistant.kb.service import get_knowledge_base

        return get_knowledge_base(kb_dir).embedder  # the process's one model

    def finished(job: jobs.IngestJob) -> None:
        if job.state == "done":
            diff = job.diff or {}
            upload.audit(kb_dir, user.username, "ingest_done", job=job.id, version=diff.get("current"),
                         documents_added=diff.get("documents_added"), documents_changed=diff.get("documents_changed"),
                         documents_removed=diff.get("documents_removed"),
                         entries_added=len(diff.get("entries_added") or []),
                         entries_changed=len(diff.get("entries_changed") or []),
                         entries_removed=len(diff.get("entries_removed") or []))
        else:
            upload.audit(kb_dir, user.username, "ingest_failed", job=job.id, error=job.error)

    job = jobs.runner_for(kb_dir).start(kb_dir, upload.source_dirs(kb_dir), embedder, user.username,
                                        on_finish=finished)
    upload.audit(kb_dir, user.username, "ingest_started", job=job.id, reason=reason)
    return job


def _viewer_refused(request: Request, user: StaffUser, message: str) -> Response:
    return _render("error.html", status=403, title="不能操作",
                   message=f"您的角色（{user.role}）只能查看知识库。", **_context(request, user))


# Every POST here through the console's one dependency (CSRF, then the session, then the
# role). The upload form is parsed there, once: its multipart limits go with it (one
# file, a few fields); the body's size is capped before that (BodySizeLimit, app.py).
Editor = Annotated[ConsoleStaff, Depends(require_console_staff(
    *sorted(KB_EDITORS), what="修改知识库", refused=_viewer_refused, form_limits={"max_files": 1, "max_fields": 5}))]


@router.post(PAGE + "/upload")
async def kb_upload(request: Request, staff: Editor) -> Response:
    user = staff.user
    item = staff.form.get("document")
    if not isinstance(item, UploadFile) or not item.filename:
        return await run_in_threadpool(lambda: _page(request, user, error=("no_file", "请选择要上传的文件。"),
                                                     status=422))
    data = await item.read(MAX_UPLOAD_BYTES + 1)
    kb_dir = _kb_dir(request)
    if jobs.runner_for(kb_dir).running() is not None:
        return await run_in_threadpool(lambda: _page(
            request, user, error=("ingest_running", "正在导入，请等这次导入完成后再上传。"), status=409))
    try:
        saved = await run_in_threadpool(upload.save_upload, kb_dir, item.filename, data)
    except upload.UploadError as exc:
        log.info("console_kb_upload_refused", code=exc.code, staff=user.username)
        refusal, status = (exc.code, exc.message), exc.status
        return await run_in_threadpool(lambda: _page(request, user, error=refusal, status=status))
    upload.audit(kb_dir, user.username, "upload", file=saved.name, bytes=saved.bytes, entries=saved.entries,
                 replaced=saved.replaced)
    try:
        _start_ingest(request, user, reason=f"upload:{saved.name}")
    except jobs.IngestBusy:  # another editor's ingest began meanwhile: it is saved, ingest it after
        pass
    return RedirectResponse(PAGE + "?uploaded=1", status_code=303)


@router.post(PAGE + "/ingest")
async def kb_ingest(request: Request, staff: Editor) -> Response:
    user = staff.user
    try:
        _start_ingest(request, user, reason="manual")
    except jobs.IngestBusy:
        return await run_in_threadpool(lambda: _page(
            request, user, error=("ingest_running", "已经在导入了，请等它完成。"), status=409))
    return RedirectResponse(PAGE, status_code=303)


@router.get(PAGE + "/progress")
def kb_progress(request: Request) -> JSONResponse:
    user = web_session.current_user(request)
    if user is None:
        return JSONResponse({"error": {"code": "unauthorized", "message": "请先登录"}}, status_code=401)
    runner = jobs.runner_for(_kb_dir(request))
    job = runner.last.snapshot() if runner.last is not None else None
    return JSONResponse({"job": job}, headers={"Cache-Control": "no-store"})
