"""The console's knowledge base page in a real browser (issue #16): a dispatcher uploads a
small Markdown policy note, watches the ingest's progress bar finish, sees the note in
what changed, and the butler then answers a resident's question from it, citing it.

This module runs its own gateway (the production app, as ``conftest.gateway`` does)
because the knowledge base needs the real embedding model (``make setup`` builds it
under ``var/models``): the fusion's answer/abstain calibration belongs to that model.
To keep the ingest quick on 2 cores, the gateway's knowledge base starts as a copy of
the index ``make setup`` built from ``policy_kb/`` with that model, so the console's
ingest embeds only the uploaded note's few passages (vectors of unchanged passages are
reused). Without that index it still works, only slower (everything is embedded once).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.auth.service import create_user
from assistant.db import Database, upgrade
from assistant.settings import PROJECT_ROOT

from .conftest import ADMIN_PASSWORD, ARTIFACTS, PASSWORD, Gateway, free_port, gateway_process, sign_in

NOTE_ID = "xfl-pool"
NOTE_SOURCE = "幸福里社区游泳池管理办法（示例）"
NOTE = (f"---\nid: {NOTE_ID}\ntitle: 幸福里社区游泳池夏季开放\ntopic: 社区设施\nsource: {NOTE_SOURCE}\n---\n"
        "# 幸福里社区游泳池夏季开放\n\n"
        "## 开放时间\n社区游泳池每年7月1日到8月31日开放，每天下午两点到晚上八点。\n\n"
        "## 怎么办卡\n居民带身份证到社区服务中心办理游泳卡，每张卡200元。\n")
QUESTION = "小区游泳池什么时候开放？"
# Ingest runs in the gateway's worker thread: loading the model plus a few passages.
INGEST_TIMEOUT_MS = 180_000


def _model_dir() -> Path:
    from assistant.embeddings.model import default_model_dir

    return default_model_dir()


def _seed_kb(kb_dir: Path, model_dir: Path) -> None:
    """Start from the index ``make setup`` built with the same model, when there is one."""
    from assistant.kb import store

    built = Path(os.environ.get("BUTLER_DATA_DIR") or PROJECT_ROOT / "var") / "kb"
    try:
        source = store.current_version_dir(built)
    except store.KbNotFound:
        return
    manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("embedding_model") != model_dir.name:
        return
    (kb_dir / store.VERSIONS).mkdir(parents=True)
    shutil.copytree(source, kb_dir / store.VERSIONS / source.name)
    (kb_dir / store.CURRENT).write_text(source.name + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def gateway(tmp_path_factory) -> Iterator[Gateway]:
    """Overrides conftest's ``gateway`` for this module: the same app, with the real
    embedding model and a seeded knowledge base."""
    model_dir = _model_dir()
    if not (model_dir / "MANIFEST.json").is_file():
        pytest.skip(f"no embedding model at {model_dir}: `make setup` builds it (butler models prepare)")
    data_dir = tmp_path_factory.mktemp("web-kb-data")
    url = f"sqlite:///{data_dir / 'butler.db'}"
    upgrade(url)
    db = Database(url)
    with db.session() as session:
        create_user(session, "dispatcher1", PASSWORD, "dispatcher")
        create_user(session, "viewer1", PASSWORD, "viewer")
    from assistant.kb.unanswered import record_unanswered

    with db.session() as session:
        record_unanswered(session, "web:resident-1", "小区游泳池什么时候开放，办卡多少钱？")
    _seed_kb(data_dir / "kb", model_dir)
    (data_dir / "no-asr-model").mkdir()
    port = free_port()
    env = {**os.environ, "BUTLER_ENV_FILE": "", "BUTLER_DATA_DIR": str(data_dir), "BUTLER_DATABASE_URL": url,
           "BUTLER_EMBEDDING_MODEL_DIR": str(model_dir),
           "BUTLER_RASA_URL": f"http://127.0.0.1:{free_port()}",
           "BUTLER_ACTION_SERVER_URL": f"http://127.0.0.1:{free_port()}",
           "BUTLER_ADMIN_USER": "admin", "BUTLER_ADMIN_PASSWORD": ADMIN_PASSWORD,
           "BUTLER_ALERT_WEBHOOK_URL": "", "BUTLER_VOSK_MODEL_DIR": str(data_dir / "no-asr-model")}
    log = data_dir / "gateway.log"
    try:
        with gateway_process(port, env, log) as base:
            yield Gateway(url=base, db=db, data_dir=data_dir, log=log)
    finally:
        db.dispose()
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback (most recent call last)" not in text, text[-4000:]


def _token(gateway: Gateway, username: str) -> str:
    response = httpx.post(f"{gateway.url}/api/v1/auth/token", json={"username": username, "password": PASSWORD},
                          timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def test_upload_ingest_progress_diff_then_the_butler_answers_from_it(context, gateway, tmp_path):
    page = context.new_page()
    sign_in(page, "dispatcher1")
    page.wait_for_url("**/console")
    page.goto("/console/kb")
    # What residents asked and nobody could answer, on the same page.
    assert "小区游泳池什么时候开放" in page.locator("#kb-unanswered").inner_text()

    # A type the ingester cannot read is refused in the browser, in Chinese, before any upload.
    bad = tmp_path / "报名表.xlsx"
    bad.write_bytes(b"PK\x03\x04 not a policy")
    page.set_input_files("#kb-file", str(bad))
    page.click("#kb-upload-button")
    assert "不支持这种文件" in page.locator("#kb-upload-error").inner_text()

    note = tmp_path / "游泳池.md"
    note.write_text(NOTE, encoding="utf-8")
    page.set_input_files("#kb-file", str(note))
    page.click("#kb-upload-button")
    # kb.js polls the progress and, when the ingest ends, reloads the page with what changed.
    page.wait_for_selector("#kb-diff", timeout=INGEST_TIMEOUT_MS)
    assert page.locator("#kb-job-error").count() == 0
    assert page.locator("#kb-bar").get_attribute("value") == "100"
    changes = page.locator("#kb-changes").inner_text()
    assert "幸福里社区游泳池夏季开放" in changes and NOTE_ID in changes and "游泳池.md" in changes
    assert page.locator("#kb-docs-added").inner_text() == "1"
    assert page.locator("#kb-entries-added").inner_text() == "1"
    documents = page.locator("#kb-documents").inner_text()
    assert NOTE_SOURCE in documents and "游泳池.md" in documents
    audit = page.locator("#kb-audit").inner_text()
    assert "dispatcher1 · 上传文件《游泳池.md》" in audit and "导入完成" in audit
    page.screenshot(path=str(ARTIFACTS / "console-kb.png"), full_page=True)

    # Saved under the data directory, never in the git tree.
    assert (gateway.data_dir / "kb" / "documents" / "游泳池.md").is_file()
    assert not (PROJECT_ROOT / "policy_kb" / "游泳池.md").exists()

    # The butler now answers the question from the note and cites it.
    response = httpx.get(f"{gateway.url}/api/v1/kb/search", params={"q": QUESTION, "top_k": 3},
                         headers={"Authorization": f"Bearer {_token(gateway, 'dispatcher1')}"}, timeout=120)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["answerable"] is True
    assert body["results"][0]["id"] == NOTE_ID and body["results"][0]["source"] == NOTE_SOURCE


def test_viewers_see_the_page_but_cannot_upload_and_csrf_is_checked(context, gateway):
    page = context.new_page()
    sign_in(page, "viewer1")
    page.wait_for_url("**/console")
    page.goto("/console/kb")
    assert page.locator("#kb-upload").count() == 0 and "只能查看" in page.content()
    # A forged post (no CSRF token) is refused before anything is read.
    refused = page.request.post(f"{gateway.url}/console/kb/ingest", form={"x": "1"})
    assert refused.status == 403
    # A viewer's own token does not make them an editor.
    csrf = page.locator("form.logout input[name=csrf_token]").get_attribute("value")
    denied = page.request.post(f"{gateway.url}/console/kb/upload",
                               multipart={"csrf_token": csrf,
                                          "document": {"name": "a.md", "mimeType": "text/markdown",
                                                       "buffer": NOTE.encode()}})
    assert denied.status == 403 and "只能查看知识库" in denied.text()
    progress = httpx.get(f"{gateway.url}/console/kb/progress", timeout=10)
    assert progress.status_code == 401 and progress.json()["error"]["code"] == "unauthorized"
