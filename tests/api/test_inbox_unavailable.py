"""A chat message the inbox cannot record is not acknowledged (issue #12, ``make bench-load``).

Under load on SQLite, ``inbox.record`` could still fail after its retries, and the
gateway answered 200 anyway: 2 of 2825 messages were answered with nothing on record.
Now POST /api/v1/chat answers 503 ``inbox_unavailable`` (Retry-After, a Chinese message)
without acting on the message, and the retry with the same Idempotency-Key runs it;
an emergency still gets its advice. The failure is injected where it happens
(``inbox.record`` raising SQLite's "database is locked"), the rest is the real gateway
with the dialogue engine down (tests/api/conftest.py)."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import OperationalError

from assistant.inbox import service as inbox
from tests.api.conftest import integration_chat


@pytest.fixture
def client(engine_down_client):
    return engine_down_client


@pytest.fixture
def inbox_locked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """``inbox.record`` fails as a starved SQLite writer does; returns the texts it refused."""
    refused: list[str] = []

    def locked(db, *, sender_id, text, **_kwargs):  # noqa: ANN001, ANN003
        refused.append(text)
        raise OperationalError("INSERT INTO chat_inbox ...", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(inbox, "record", locked)
    return refused


def test_a_message_the_inbox_cannot_record_gets_a_retryable_503_and_is_not_acted_on(client, app_env, inbox_locked):
    resp = integration_chat(client, "3号楼楼顶漏水了，天花板都湿了", sender="u1", idempotency_key="m-1")

    assert resp.status_code == 503, resp.text
    assert resp.headers["Retry-After"] == "2"
    error = resp.json()["error"]
    assert error["code"] == "inbox_unavailable"
    assert "没能记下" in error["message"] and "再发" in error["message"]
    assert inbox_locked == ["3号楼楼顶漏水了，天花板都湿了"]
    # Not acted on: degraded mode would have filed a ticket for this complaint.
    from sqlalchemy import func, select

    from assistant.tickets.models import Ticket

    with app_env.session() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_the_retry_with_the_same_key_runs_the_message_once_the_inbox_records_again(client, app_env, monkeypatch):
    real_record = inbox.record
    calls = {"n": 0}

    def locked_once(db, **kwargs):  # noqa: ANN001, ANN003
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("INSERT INTO chat_inbox ...", {}, sqlite3.OperationalError("database is locked"))
        return real_record(db, **kwargs)

    monkeypatch.setattr(inbox, "record", locked_once)
    first = integration_chat(client, "你好", sender="u2", idempotency_key="m-2")
    assert first.status_code == 503
    # The key was released: the retry is not a 409 and not a replay of the 503.
    again = integration_chat(client, "你好", sender="u2", idempotency_key="m-2")
    assert again.status_code == 200, again.text
    assert "Idempotent-Replayed" not in again.headers
    rows = inbox.list_messages(app_env, sender_id="web:int-bridge:u2")
    assert [(r.text, r.idempotency_key, r.state) for r in rows] == [("你好", "m-2", "pending")]


def test_an_emergency_still_gets_its_advice_when_the_inbox_cannot_record_it(client, app_env, inbox_locked):
    resp = integration_chat(client, "楼道里着火了", sender="u3", idempotency_key="m-3")

    assert resp.status_code == 200, resp.text
    replies = resp.json()["replies"]
    assert "119" in replies[0]["text"]
    assert inbox_locked == ["楼道里着火了"]


def test_without_require_record_a_channel_still_gets_an_answer(app_env, inbox_locked, monkeypatch):
    """Channels that cannot ask for a retry (Telegram, WeChat, voice) keep the old
    behaviour: answered, never recorded ("已记下" taken out)."""
    import asyncio

    from assistant.dialogue import DialogueClient
    from assistant.settings import get_settings
    from tests.api.conftest import ENGINE_DOWN_URL

    monkeypatch.setenv("BUTLER_RASA_URL", ENGINE_DOWN_URL)
    monkeypatch.setenv("BUTLER_ACTION_SERVER_URL", ENGINE_DOWN_URL)
    get_settings.cache_clear()

    async def run():
        client = DialogueClient(get_settings())
        try:
            return await client.send_or_degrade("telegram:7", "你好")
        finally:
            await client.aclose()

    replies = asyncio.run(run())
    assert replies and not any("已记下" in r.text for r in replies)


def test_the_503_is_documented_in_openapi(client):
    responses = client.get("/openapi.json").json()["paths"]["/api/v1/chat"]["post"]["responses"]
    assert "503" in responses and "inbox_unavailable" in responses["503"]["description"]
