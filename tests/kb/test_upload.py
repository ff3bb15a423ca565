"""Uploading documents into the knowledge base, ingesting with progress, and what
changed between two versions (assistant/kb/upload.py, jobs.py, diff.py)."""

from __future__ import annotations

import json
import re
import threading

import pytest

from assistant.kb import jobs, store
from assistant.kb.diff import diff_versions, live_documents
from assistant.kb.ingest import ingest
from assistant.kb.upload import (
    UploadError,
    audit,
    documents_dir,
    recent_audit,
    safe_filename,
    save_upload,
    source_dirs,
)

from .conftest import FAQ, write_jsonl

NOTE = ("---\nid: up-parking\ntitle: 电动汽车充电桩申请\ntopic: 社区设施\nsource: 示例市充电设施管理办法\n---\n"
        "# 电动汽车充电桩申请\n\n## 怎么申请\n业主带产权证明和车辆行驶证到物业服务中心申请安装充电桩。\n\n"
        "## 费用\n安装费用由业主自己承担，电费按居民电价收取。\n")


# ---- upload validation -------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("充电桩.md", "充电桩.md"),
    ("../../etc/passwd.md", "passwd.md"),
    ("C:\\Users\\x\\政策 说明(2024).MD", "政策_说明_2024.md"),
    ("notes.txt", "notes.md"),
    (".hidden.md", "hidden.md"),
    ("README.md", "doc_README.md"),
    ("规定.pdf", "规定.pdf"),
    ("<script>.docx", "script.docx"),
    ("???.jsonl", "document.jsonl"),
])
def test_file_names_are_sanitised(name, expected):
    assert safe_filename(name) == expected


@pytest.mark.parametrize("name", ["virus.exe", "page.html", "noext", "data.csv", "x.md.sh", ""])
def test_other_types_are_refused_in_chinese(name):
    with pytest.raises(UploadError) as err:
        safe_filename(name)
    assert err.value.code == "unsupported_type" and err.value.status == 415
    assert "不支持" in err.value.message


def test_a_markdown_note_is_saved_under_the_kb_document_folder(tmp_path):
    kb = tmp_path / "kb"
    saved = save_upload(kb, "charging.md", NOTE.encode())
    assert saved.path == documents_dir(kb) / "charging.md" and saved.path.is_file()
    assert saved.entry_ids == ["up-parking"] and not saved.replaced
    again = save_upload(kb, "charging.md", NOTE.replace("物业服务中心", "社区居委会").encode())
    assert again.replaced and "社区居委会" in again.path.read_text(encoding="utf-8")
    assert not list(kb.glob(".upload-*")), "the scratch copy is cleaned up"


def test_text_and_bare_markdown_get_front_matter(tmp_path):
    kb = tmp_path / "kb"
    saved = save_upload(kb, "停水通知.txt", "小区停水通知\n本周六上午八点到十二点停水检修。".encode("gb18030"))
    assert saved.name == "停水通知.md"
    text = saved.path.read_text(encoding="utf-8")
    assert text.startswith("---\n") and "title: 小区停水通知" in text and "本周六上午八点" in text
    bare = save_upload(kb, "垃圾.md", "# 大件垃圾预约\n\n大件垃圾要提前一天预约。\n".encode())
    assert "title: 大件垃圾预约" in bare.path.read_text(encoding="utf-8")
    assert bare.entry_ids == ["垃圾"]


@pytest.mark.parametrize("name, data, code", [
    ("empty.md", b"   \n", "empty_document"),
    ("binary.md", b"\x00\x01\x02abc", "not_text"),
    ("fake.pdf", b"hello, not a pdf", "bad_document"),
    ("fake.docx", b"not a zip", "bad_document"),
    ("bad.jsonl", b"{oops\n", "unreadable_document"),
    ("bad.md", "---\n: [\n---\n正文\n".encode(), "unreadable_document"),
])
def test_bad_content_is_refused_and_nothing_is_saved(tmp_path, name, data, code):
    kb = tmp_path / "kb"
    with pytest.raises(UploadError) as err:
        save_upload(kb, name, data)
    assert err.value.code == code and 400 <= err.value.status < 500
    assert not documents_dir(kb).exists() or not list(documents_dir(kb).iterdir())


def test_size_cap(tmp_path):
    with pytest.raises(UploadError) as err:
        save_upload(tmp_path / "kb", "big.md", NOTE.encode() + b"x" * 2000, max_bytes=1000)
    assert err.value.code == "document_too_large" and err.value.status == 413 and "MB" in err.value.message


def test_an_id_another_document_uses_is_refused(tmp_path, corpus, embedder):
    kb = tmp_path / "kb"
    ingest([corpus], kb, embedder)
    clash = NOTE.replace("id: up-parking", "id: md-dog")
    with pytest.raises(UploadError) as err:
        save_upload(kb, "clash.md", clash.encode())
    assert err.value.code == "id_in_use" and "dog.md" in err.value.message


# ---- ingest with progress, and the diff ---------------------------------------------------------

def test_ingest_with_progress_reports_stages_and_what_changed(tmp_path, corpus, embedder):
    kb = tmp_path / "kb"
    sources = source_dirs(kb, policy=corpus)
    assert sources == [corpus, documents_dir(kb)]
    calls: list[tuple[str, int, int]] = []
    report, diff = jobs.run_ingest(kb, sources, embedder, progress=lambda *a: calls.append(a))
    stages = [c[0] for c in calls]
    assert stages.index("read") < stages.index("embed") < stages.index("tokenise")
    assert calls[-1][0] == "tokenise" and calls[-1][1] == calls[-1][2]
    assert diff["previous"] is None and len(diff["entries_added"]) == 5 and report["entries"] == 5
    assert sorted(diff["documents_added"]) == ["dog.md", "faq.jsonl"]

    save_upload(kb, "charging.md", NOTE.encode())
    _, diff = jobs.run_ingest(kb, sources, embedder)
    assert diff["documents_added"] == ["charging.md"] and not diff["documents_changed"]
    assert [e["id"] for e in diff["entries_added"]] == ["up-parking"]
    assert diff["entries_added"][0]["title"] == "电动汽车充电桩申请"
    assert diff["chunks_added"] == 3 and diff["chunks_removed"] == 0 and not diff["unchanged"]

    save_upload(kb, "charging.md", NOTE.replace("电费按居民电价收取。", "电费按商业电价收取。").encode())
    write_jsonl(corpus / "faq.jsonl", FAQ[:-1])
    _, diff = jobs.run_ingest(kb, sources, embedder)
    assert sorted(diff["documents_changed"]) == ["charging.md", "faq.jsonl"]
    assert [e["id"] for e in diff["entries_changed"]] == ["up-parking"]
    assert [e["id"] for e in diff["entries_removed"]] == ["waste-1"]
    assert diff["chunks_added"] == 1 and diff["chunks_removed"] == 3  # the new fee chunk; waste-1's title+body

    (documents_dir(kb) / "charging.md").unlink()
    _, diff = jobs.run_ingest(kb, sources, embedder)
    assert diff["documents_removed"] == ["charging.md"]

    _, diff = jobs.run_ingest(kb, sources, embedder)
    assert diff["unchanged"]


def test_diff_of_two_versions_on_disk(tmp_path, corpus, embedder):
    kb = tmp_path / "kb"
    ingest([corpus], kb, embedder)
    first = store.current_version_dir(kb)
    write_jsonl(corpus / "faq.jsonl", [{**FAQ[0], "answer": "年满80周岁每月发150元。"}, *FAQ[1:]])
    ingest([corpus], kb, embedder)
    second = store.current_version_dir(kb)
    diff = diff_versions(first, second)
    assert diff.previous == first.name and diff.current == second.name
    assert [e["id"] for e in diff.entries_changed] == ["old-1"] and diff.documents_changed == ["faq.jsonl"]
    assert diff.chunks_added == 1 and diff.chunks_removed == 1
    assert diff_versions(second, second).unchanged


def test_live_documents_lists_ingested_and_pending_uploads(tmp_path, corpus, embedder):
    kb = tmp_path / "kb"
    jobs.run_ingest(kb, source_dirs(kb, policy=corpus), embedder)
    save_upload(kb, "charging.md", NOTE.encode())
    version, rows = live_documents(kb, documents_dir(kb))
    assert version == store.current_version_dir(kb).name
    by_name = {r.name: r for r in rows}
    assert not by_name["charging.md"].ingested and rows[0].name == "charging.md"
    assert by_name["dog.md"].title == "养犬登记" and by_name["dog.md"].source == "示例市养犬管理条例"
    assert by_name["faq.jsonl"].entries == 4 and not by_name["faq.jsonl"].uploaded


def test_the_runner_runs_in_a_worker_thread_and_refuses_a_second_ingest(tmp_path, corpus, embedder):
    kb = tmp_path / "kb"
    release = threading.Event()
    entered = threading.Event()
    caller = threading.get_ident()
    seen: list[int] = []

    def slow_factory():
        seen.append(threading.get_ident())
        entered.set()
        assert release.wait(30)
        return embedder

    runner = jobs.IngestRunner()
    finished: list[str] = []
    job = runner.start(kb, [corpus], slow_factory, "dispatcher1", on_finish=lambda j: finished.append(j.state))
    assert entered.wait(30)
    assert runner.running() is job and job.snapshot()["stage"] == "load"
    with pytest.raises(jobs.IngestBusy):
        runner.start(kb, [corpus], embedder, "admin")
    release.set()
    runner.wait(timeout=60)
    snap = job.snapshot()
    assert snap["state"] == "done" and snap["percent"] == 100 and finished == ["done"]
    assert snap["diff"]["entries_total"] == 5 and seen and seen[0] != caller


def test_a_failed_ingest_is_reported_not_raised(tmp_path, embedder):
    kb = tmp_path / "kb"
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.jsonl").write_text("{oops\n", encoding="utf-8")
    runner = jobs.IngestRunner()
    job = runner.start(kb, [bad], embedder, "admin")
    runner.wait(timeout=60)
    snap = job.snapshot()
    assert snap["state"] == "failed" and "x.jsonl:1" in snap["error"] and snap["stage_zh"] == "失败"


def test_percent_follows_the_stages():
    job = jobs.IngestJob(id="j", staff="a", started_at="")
    job.progress("read", 1, 2)
    first = job.percent
    job.progress("embed", 5, 10)
    second = job.percent
    job.progress("tokenise", 10, 10)
    assert 0 < first < second < job.percent < 100


def test_audit_rows_are_kept_newest_first(tmp_path, monkeypatch):
    from datetime import datetime, timezone

    from assistant import clock

    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc))
    kb = tmp_path / "kb"
    audit(kb, "admin", "upload", file="a.md")
    audit(kb, "dispatcher1", "ingest_started", job="j1")
    rows = recent_audit(kb)
    assert [r["action"] for r in rows] == ["ingest_started", "upload"]
    assert rows[1] == {"at": "2026-03-01T09:00:00+00:00", "staff": "admin", "action": "upload", "file": "a.md"}
    assert json.loads((kb / "audit.jsonl").read_text(encoding="utf-8").splitlines()[0])["file"] == "a.md"


# ---- the console's routes over HTTP (the gateway in-process) -------------------------------------

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def console(app_env, tokens, corpus, monkeypatch):
    """The gateway with a signed-in dispatcher; ingests read the small test corpus (in
    place of policy_kb/) with the stand-in model."""
    from fastapi.testclient import TestClient

    from assistant.api.app import create_app
    from assistant.kb import service, upload
    from assistant.settings import get_settings

    from .conftest import CharGramEmbedder

    model = CharGramEmbedder()
    monkeypatch.setattr(service, "default_embedder", lambda: model)
    monkeypatch.setattr(upload, "policy_dir", lambda: corpus)
    with TestClient(create_app(get_settings()), base_url="http://127.0.0.1") as client:
        client.kb_dir = get_settings().data_dir / "kb"
        yield client


def _sign_in(client, username="dispatcher1") -> str:
    login = CSRF_RE.search(client.get("/console/login").text).group(1)
    response = client.post("/console/login", data={"username": username, "password": "correct-horse-battery",
                                                    "csrf_token": login}, follow_redirects=False)
    assert response.status_code == 303
    return CSRF_RE.search(client.get("/console/kb").text).group(1)


def test_console_upload_starts_an_ingest_and_the_progress_shows_what_changed(console):
    csrf = _sign_in(console)
    response = console.post("/console/kb/upload", data={"csrf_token": csrf},
                            files={"document": ("../充电桩.md", NOTE.encode(), "text/markdown")},
                            follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/console/kb?uploaded=1"
    assert (console.kb_dir / "documents" / "充电桩.md").is_file()
    jobs.runner_for(console.kb_dir).wait(timeout=120)
    job = console.get("/console/kb/progress").json()["job"]
    assert job["state"] == "done" and job["percent"] == 100 and job["staff"] == "dispatcher1"
    assert "充电桩.md" in job["diff"]["documents_added"]
    page = console.get("/console/kb")
    assert page.status_code == 200 and "script-src 'self'" in page.headers["content-security-policy"]
    assert 'id="kb-diff"' in page.text and "电动汽车充电桩申请" in page.text
    actions = [row["action"] for row in recent_audit(console.kb_dir)]
    assert actions == ["ingest_done", "ingest_started", "upload"]
    assert {row["staff"] for row in recent_audit(console.kb_dir)} == {"dispatcher1"}


def test_console_upload_refusals_are_chinese_pages_with_a_code(console):
    csrf = _sign_in(console)
    for name, data, status, code, words in (
        ("报名表.xlsx", b"PK\x03\x04", 415, "unsupported_type", "不支持这种文件"),
        ("a.md", b"", 422, "empty_document", "文件是空的"),
        ("a.pdf", b"plain text", 422, "bad_document", "不是有效的 PDF"),
    ):
        response = console.post("/console/kb/upload", data={"csrf_token": csrf},
                                files={"document": (name, data, "application/octet-stream")})
        assert response.status_code == status, name
        assert f'data-code="{code}"' in response.text and words in response.text
    assert jobs.runner_for(console.kb_dir).last is None  # nothing ingested


def test_console_upload_over_the_cap_is_refused_before_it_is_read(console):
    from assistant.kb.upload import MAX_UPLOAD_BYTES

    csrf = _sign_in(console)
    big = b"#" * (MAX_UPLOAD_BYTES + 128 * 1024)
    response = console.post("/console/kb/upload", data={"csrf_token": csrf},
                            files={"document": ("big.md", big, "text/markdown")})
    assert response.status_code == 413 and response.json()["error"]["code"] == "document_too_large"
    just_over = b"#" * (MAX_UPLOAD_BYTES + 1)  # within the envelope: the page says it
    response = console.post("/console/kb/upload", data={"csrf_token": csrf},
                            files={"document": ("big.md", just_over, "text/markdown")})
    assert response.status_code == 413 and "文件太大了" in response.text


def test_console_upload_needs_csrf_and_an_editor(console):
    _sign_in(console)
    forged = console.post("/console/kb/upload", data={"csrf_token": "forged"},
                          files={"document": ("a.md", NOTE.encode(), "text/markdown")})
    assert forged.status_code == 403 and not (console.kb_dir / "documents" / "a.md").exists()
    console.cookies.clear()
    csrf = _sign_in(console, "worker1")
    denied = console.post("/console/kb/ingest", data={"csrf_token": csrf})
    assert denied.status_code == 403 and "只能查看知识库" in denied.text
    assert jobs.runner_for(console.kb_dir).last is None


def test_console_kb_posts_go_through_the_consoles_one_dependency(console):
    """CSRF first (even before the session), and the upload's multipart limits hold
    although the dependency parses the form: one file, a few fields."""
    forged = console.post("/console/kb/ingest", data={"csrf_token": "forged"}, follow_redirects=False)
    assert forged.status_code == 403  # not the sign-in redirect: nothing else was looked at
    csrf = _sign_in(console)
    two = console.post("/console/kb/upload", data={"csrf_token": csrf},
                       files=[("document", ("a.md", NOTE.encode(), "text/markdown")),
                              ("document", ("b.md", NOTE.encode(), "text/markdown"))])
    assert two.status_code == 400 and two.json()["error"]["code"] == "bad_request"
    fields = {"csrf_token": csrf, **{f"f{i}": "x" for i in range(10)}}
    many = console.post("/console/kb/upload", data=fields,
                        files={"document": ("a.md", NOTE.encode(), "text/markdown")})
    assert many.status_code == 400
    assert not (console.kb_dir / "documents").exists() or not any((console.kb_dir / "documents").iterdir())
    assert jobs.runner_for(console.kb_dir).last is None
