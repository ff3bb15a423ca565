"""Idempotency-Key on POST /api/v1/chat: a retry gets the first answer and is never
acted on twice.

Rasa is down here, so the gateway itself files an emergency message (the real domain
function, the real database): a second emergency message from the same resident
within minutes joins the first ticket and adds an event, which is how these tests see
whether a message was acted on again. The complaint filed by the real dialogue is in
tests/e2e/test_identity.py."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from assistant.api.routers import chat as chat_router
from assistant.residents import idempotency
from assistant.tickets.models import Ticket, TicketEvent
from tests.api.conftest import FIRE, integration_chat

@pytest.fixture
def client(engine_down_client):
    return engine_down_client


def post(client: TestClient, text: str = FIRE, key: str | None = None, sender: str = "42", **extra):
    # bytes: httpx sends a non-ASCII key as the client wrote it
    return integration_chat(client, text, sender=sender, idempotency_key=None if key is None else key.encode(),
                            **extra)


def acted_on(db) -> tuple[int, int]:
    """(tickets, ticket events): what the messages did."""
    with db.session() as session:
        return (session.scalar(select(func.count()).select_from(Ticket)),
                session.scalar(select(func.count()).select_from(TicketEvent)))


def test_a_retry_with_the_same_key_gets_the_first_answer_and_files_nothing(client, app_env):
    first = post(client, key="msg-1")
    assert first.status_code == 200 and "Idempotent-Replayed" not in first.headers
    after_first = acted_on(app_env)
    assert after_first[0] == 1
    retry = post(client, key="msg-1")
    assert retry.status_code == 200 and retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json()["replies"] == first.json()["replies"]
    assert acted_on(app_env) == after_first
    # Without the key the same words are a new message: they join the ticket (the
    # control that shows this test sees a second action).
    assert post(client, key="msg-2").status_code == 200
    assert acted_on(app_env)[1] > after_first[1]


def test_keys_belong_to_one_identity(client, app_env):
    post(client, key="msg-1", sender="a")
    other = post(client, key="msg-1", sender="b")
    assert other.status_code == 200 and "Idempotent-Replayed" not in other.headers
    assert acted_on(app_env)[0] == 2  # each resident's own emergency


def test_a_key_used_for_another_message_is_refused(client):
    assert post(client, key="msg-1").status_code == 200
    resp = post(client, text="煤气泄漏了", key="msg-1")
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "idempotency_key_reused"


@pytest.mark.parametrize("key", ["", "x" * 256, "消息一", "has space"])
def test_bad_keys_are_a_422(client, key):
    resp = post(client, key=key)
    assert resp.status_code == 422 and resp.json()["error"]["code"] in ("bad_idempotency_key", "invalid_request")


def test_a_duplicate_while_the_first_runs_waits_for_its_answer(client, app_env, monkeypatch):
    monkeypatch.setattr(chat_router, "IDEMPOTENCY_WAIT_SECONDS", 5.0)
    sender = "web:int-bridge:42"
    fp = idempotency.fingerprint(FIRE, None)
    assert idempotency.claim(app_env, sender, "msg-1", fp, ttl=timedelta(hours=1),
                             stale_after=timedelta(minutes=1)).state == "new"
    answer = {"replies": [{"text": "first answer", "buttons": []}]}
    finisher = threading.Timer(0.5, idempotency.complete, args=(app_env, sender, "msg-1", answer))
    finisher.start()
    started = time.monotonic()
    resp = post(client, key="msg-1")
    finisher.join()
    assert resp.status_code == 200 and resp.json()["replies"] == answer["replies"]
    assert time.monotonic() - started >= 0.4
    assert acted_on(app_env) == (0, 0)


def test_a_duplicate_of_a_first_that_does_not_finish_gets_409(client, app_env, monkeypatch):
    monkeypatch.setattr(chat_router, "IDEMPOTENCY_WAIT_SECONDS", 0.4)
    idempotency.claim(app_env, "web:int-bridge:42", "msg-1", idempotency.fingerprint(FIRE, None),
                      ttl=timedelta(hours=1), stale_after=timedelta(minutes=1))
    resp = post(client, key="msg-1")
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "request_in_progress"
    assert int(resp.headers["Retry-After"]) > 0
    assert acted_on(app_env) == (0, 0)


def test_an_abandoned_claim_is_taken_over(client, app_env, clock):
    # The gateway died while the first request ran: after a while a retry runs it.
    idempotency.claim(app_env, "web:int-bridge:42", "msg-1", idempotency.fingerprint(FIRE, None),
                      ttl=timedelta(hours=24), stale_after=timedelta(minutes=1))
    clock.shift(timedelta(minutes=5))
    resp = post(client, key="msg-1")
    assert resp.status_code == 200 and "Idempotent-Replayed" not in resp.headers
    assert acted_on(app_env)[0] == 1


def test_answers_are_kept_for_the_configured_hours_only(client, app_env, clock):
    post(client, key="msg-1")
    events = acted_on(app_env)[1]
    clock.shift(timedelta(hours=23))
    assert post(client, key="msg-1").headers.get("Idempotent-Replayed") == "true"
    clock.shift(timedelta(hours=2))  # past chat_idempotency_hours (24)
    resp = post(client, key="msg-1")
    assert resp.status_code == 200 and "Idempotent-Replayed" not in resp.headers
    assert acted_on(app_env)[1] > events


def test_expired_answers_are_purged(app_env, clock):
    from assistant.residents.models import ChatIdempotencyKey

    fp = idempotency.fingerprint(FIRE, None)
    for i in range(3):
        idempotency.claim(app_env, "web:r-x", f"k{i}", fp, ttl=timedelta(hours=1), stale_after=timedelta(minutes=1))
    clock.shift(timedelta(hours=2))
    idempotency.claim(app_env, "web:r-x", "fresh", fp, ttl=timedelta(hours=1), stale_after=timedelta(minutes=1))
    assert idempotency.purge_expired(app_env) == 3
    with app_env.session() as session:
        assert list(session.scalars(select(ChatIdempotencyKey.key))) == ["fresh"]


def test_concurrent_claims_of_one_key_have_one_winner(any_db):
    fp = idempotency.fingerprint(FIRE, None)
    results: list[str] = []
    barrier = threading.Barrier(8)

    def attempt() -> None:
        barrier.wait()
        results.append(idempotency.claim(any_db, "web:r-x", "k", fp, ttl=timedelta(hours=1),
                                         stale_after=timedelta(minutes=1)).state)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["in_progress"] * 7 + ["new"]
    idempotency.complete(any_db, "web:r-x", "k", {"replies": []})
    assert idempotency.claim(any_db, "web:r-x", "k", fp, ttl=timedelta(hours=1),
                             stale_after=timedelta(minutes=1)) == idempotency.Claim("replay", {"replies": []})
