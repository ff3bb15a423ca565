"""A staff alert the webhook did not take is not lost (issue #14 item 5): it waits in
the shared outbox and the jobs process retries it with the outbox's back-off, once
taken never again. The first try is a real POST to a closed loopback port; the retry
goes through httpx's MockTransport standing in for the staff webhook."""

from __future__ import annotations

import json
import socket
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from assistant.outbox.models import OutboxMessage
from assistant.tickets import service
from assistant.tickets.emergency import STAFF_ALERT_CHANNEL


def _closed_port_url() -> str:
    with socket.socket() as sock:  # a port the OS just handed out and nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/alerts"


def _rows(db):
    with db.session() as session:
        return session.scalars(select(OutboxMessage).where(OutboxMessage.channel == STAFF_ALERT_CHANNEL)).all()


@pytest.fixture
def dead_webhook(app_env, monkeypatch):
    from assistant.settings import get_settings

    monkeypatch.setenv("BUTLER_ALERT_WEBHOOK_URL", _closed_port_url())
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def test_an_alert_the_webhook_refused_is_retried_by_the_jobs_process(app_env, dead_webhook, clock):
    from assistant.jobs import deliver_staff_alerts

    filed = service.file_emergency(app_env, description="3号楼楼道里着火了，好大的烟", sender_id="web:a",
                                   address="3号楼", settings=dead_webhook, now=clock.now())
    assert filed.created and not filed.alerted
    [row] = _rows(app_env)
    assert row.state == "pending" and json.loads(row.text)["ticket_id"] == filed.ticket.id

    received: list[dict] = []
    answers = iter([500, 200])

    def webhook(request: httpx.Request) -> httpx.Response:
        received.append(json.loads(request.content))
        return httpx.Response(next(answers))

    transport = httpx.MockTransport(webhook)
    assert deliver_staff_alerts(app_env, clock.now(), transport=transport) == 0  # 500: kept for later
    assert _rows(app_env)[0].state == "pending"
    later = clock.now() + timedelta(minutes=10)
    assert deliver_staff_alerts(app_env, later, transport=transport) == 1
    assert [r.state for r in _rows(app_env)] == ["sent"]
    assert [a["ticket_id"] for a in received] == [filed.ticket.id, filed.ticket.id]
    assert received[-1]["urgency"] == "emergency" and received[-1]["type"] == "emergency"
    assert deliver_staff_alerts(app_env, later + timedelta(minutes=10), transport=transport) == 0  # never twice


def test_an_alert_the_webhook_took_is_not_queued(app_env, clock):
    from assistant.settings import Settings

    filed = service.file_emergency(app_env, description="楼道里着火了", settings=Settings(alert_webhook_url=""),
                                   now=clock.now())
    assert filed.created and _rows(app_env) == []  # no webhook set: the log is the alert
