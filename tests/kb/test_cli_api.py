import json

import pytest
from typer.testing import CliRunner

from assistant.kb import service

from .conftest import CharGramEmbedder


@pytest.fixture
def stand_in_model(monkeypatch):
    """The CLI loads the real model through ``default_embedder``; here the stand-in
    (see conftest) takes its place."""
    model = CharGramEmbedder()
    monkeypatch.setattr(service, "default_embedder", lambda: model)
    return model


def test_cli_ingest_then_search_jsonl(tmp_path, corpus, stand_in_model):
    from assistant.kb.cli import app

    runner = CliRunner()
    kb_dir = tmp_path / "kb"
    result = runner.invoke(app, ["ingest", str(corpus), "--kb", str(kb_dir)])
    assert result.exit_code == 0, result.output
    assert "5 条 entries" in result.output
    result = runner.invoke(app, ["search", "--kb", str(kb_dir), "--jsonl", "--top-k", "2"],
                           input="电动车能推进家里充电吗\n\n{\"query\": \"过期药品扔哪里\"}\n")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["query"] for row in lines] == ["电动车能推进家里充电吗", "过期药品扔哪里"]
    assert lines[0]["results"][0]["id"] == "bike-1" and len(lines[0]["results"]) == 2
    assert set(lines[1]) == {"query", "answerable", "results"}
    assert set(lines[1]["results"][0]) == {"id", "score", "title", "source"}
    human = runner.invoke(app, ["search", "--kb", str(kb_dir), "过期药品属于什么垃圾"])
    assert human.exit_code == 0 and "waste-1" in human.stdout
    info = runner.invoke(app, ["info", "--kb", str(kb_dir)])
    assert info.exit_code == 0 and '"entries": 5' in info.stdout


def test_cli_reports_bad_input_without_traceback(tmp_path, stand_in_model):
    from assistant.kb.cli import app

    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(bad), "--kb", str(tmp_path / "kb")])
    assert result.exit_code == 1 and "bad.jsonl:1" in result.output
    result = runner.invoke(app, ["search", "--kb", str(tmp_path / "none"), "高龄津贴"])
    assert result.exit_code == 1 and "butler kb ingest" in result.output


def test_cli_without_the_model_says_how_to_build_it(tmp_path, monkeypatch):
    from assistant.kb.cli import app

    monkeypatch.setenv("BUTLER_EMBEDDING_MODEL_DIR", str(tmp_path / "no-model"))
    from assistant.settings import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["search", "--kb", str(tmp_path), "x"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2 and "butler models prepare" in result.output


@pytest.fixture
def api(db, tmp_path, monkeypatch, corpus, stand_in_model):
    from fastapi.testclient import TestClient

    from assistant.api.app import create_app
    from assistant.auth.service import create_user, issue_token
    from assistant.db import get_database
    from assistant.kb.ingest import ingest
    from assistant.settings import get_settings

    monkeypatch.setenv("BUTLER_DATABASE_URL", db.url)
    monkeypatch.setenv("BUTLER_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    get_database.cache_clear()
    ingest([corpus], tmp_path / "var" / "kb", stand_in_model)
    with db.session() as session:
        token = issue_token(get_settings(), create_user(session, "viewer1", "viewer-password", "viewer"))
    with TestClient(create_app(get_settings())) as client:
        yield client, {"Authorization": f"Bearer {token}"}
    service._shared.clear()
    get_database().dispose()
    get_settings.cache_clear()
    get_database.cache_clear()


def test_staff_search_api(api):
    client, auth = api
    resp = client.get("/api/v1/kb/search", params={"q": "养狗要登记吗", "top_k": 3}, headers=auth)
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"query", "answerable", "results"} and body["results"][0]["id"] == "md-dog"
    assert len(body["results"]) <= 3


@pytest.mark.parametrize("params, status, code", [
    ({}, 422, "invalid_request"),
    ({"q": ""}, 422, "invalid_request"),
    ({"q": "？？"}, 422, "empty_query"),
    ({"q": "高龄", "top_k": 0}, 422, "invalid_request"),
    ({"q": "x" * 501}, 422, "invalid_request"),
])
def test_staff_search_api_rejects_bad_input(api, params, status, code):
    client, auth = api
    resp = client.get("/api/v1/kb/search", params=params, headers=auth)
    assert resp.status_code == status and resp.json()["error"]["code"] == code


def test_staff_search_api_needs_a_token(api):
    client, _ = api
    resp = client.get("/api/v1/kb/search", params={"q": "高龄津贴"})
    assert resp.status_code == 401 and resp.json()["error"]["code"] == "unauthorized"
