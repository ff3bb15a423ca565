"""Step 4 of the ladder reaches the emergency contact, not only staff (issue #14: "an
urgent alert to staff and the emergency contact"): pushed when the contact is on a push
channel, else POSTed to the contact webhook through the outbox (retried), always logged
without the text; recorded as the ladder's ``contact`` step."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta

import httpx
import pytest
import structlog
from sqlalchemy import select
from structlog.testing import LogCapture

from assistant.care.ladder import contact_text, outbox_key, sweep
from assistant.care.models import CareLadderStep, CareOutbox
from assistant.care.service import record_checkin, register
from assistant.clock import TZ
from assistant.outbox.models import OutboxBlocked, OutboxMessage
from assistant.outbox.webhook import deliver_webhook_due
from assistant.residents.service import remember_contact

DAY0 = datetime(2026, 12, 1, 7, 0, tzinfo=TZ)
ALERT_AT = DAY0 + timedelta(days=3)  # three quiet days after registration
WEBHOOK = "http://sms.gateway.test/send"


def at(days: int, hh: int, mm: int = 0) -> datetime:
    return (DAY0 + timedelta(days=days)).replace(hour=hh, minute=mm)


@pytest.fixture
def webhook(monkeypatch):
    """The contact webhook setting: ``webhook(url)`` sets it ("" unsets it)."""
    from assistant.settings import get_settings

    def set_url(url: str) -> None:
        monkeypatch.setenv("BUTLER_CARE_CONTACT_WEBHOOK_URL", url)
        get_settings.cache_clear()

    set_url("")
    yield set_url
    get_settings.cache_clear()


@pytest.fixture
def ladder_logs(monkeypatch) -> list[dict]:
    """The ladder's log lines (a capturing logger in the module's place: structlog caches
    a configured logger on first use, so capture_logs() may see nothing)."""
    import assistant.care.ladder as ladder

    captured = LogCapture()
    monkeypatch.setattr(ladder, "log", structlog.wrap_logger(None, processors=[captured]))
    return captured.entries


def _elder(db, contacts):
    return register(db, name="张秀英", phone="13912345678", address="6号楼3单元201", grid_worker="李网格",
                    quiet_days=3, emergency_contacts=contacts, now=DAY0)


def _climb(db, clock, contacts):
    """An elder without a push channel whose water meter never reports: the care ticket
    after 24 h, the urgent alert (and the contact step) three days after."""
    from assistant.care.service import add_device

    elder = _elder(db, contacts)
    add_device(db, device_id=f"wm-{elder.id}", care_id=elder.id, kind="water", now=DAY0)
    for when in (DAY0 + timedelta(hours=24), ALERT_AT):
        clock.move_to(when)
        sweep(db, when)
    return elder


def _outbox(db):
    with db.session() as session:
        return [(r.channel, r.recipient, r.text, r.dedupe_key, r.state, r.attempts)
                for r in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def _steps(db, care_id):
    with db.session() as session:
        return {r.step: r for r in session.scalars(select(CareLadderStep).where(CareLadderStep.care_id == care_id))}


def _record(db, care_id):
    with db.session() as session:
        return [(r.channel, r.recipient, r.delivered_at is not None) for r in session.scalars(
            select(CareOutbox).where(CareOutbox.care_id == care_id).order_by(CareOutbox.id))]


def test_a_contact_on_telegram_gets_the_alert_pushed(db, clock, webhook, ladder_logs):
    webhook(WEBHOOK)  # a push channel wins over the webhook
    with db.transaction() as session:  # the son once talked to the butler on Telegram, phone remembered
        remember_contact(session, "telegram:888", phone="13800001111", name="张小明")
    elder = _climb(db, clock, ["张小明:13800001111:儿子", "张小红:13700002222:女儿"])
    steps = _steps(db, elder.id)
    assert steps["alert"].done and steps["contact"].done
    assert steps["contact"].ticket_id == steps["alert"].ticket_id
    assert steps["contact"].note == "Telegram 1，短信网关 1"
    episode = steps["alert"].episode
    text = contact_text(elder, 3)
    assert "张秀英" in text and "3 天" in text
    assert _outbox(db) == [
        ("telegram", "telegram:888", text, outbox_key(elder.id, episode, "alert", "contact:0"), "pending", 0),
        ("sms", "sms:13700002222", text, outbox_key(elder.id, episode, "alert", "contact:1"), "pending", 0)]
    assert _record(db, elder.id)[-2:] == [("telegram", "telegram:888", False), ("sms", "sms:13700002222", False)]
    # Always on the log, without the text (it names the elder) or a whole phone number.
    lines = [e for e in ladder_logs if e["event"] == "care_message"]
    assert [(e["channel"], e["via"]) for e in lines[-2:]] == [("telegram", "outbox"), ("sms", "webhook")]
    assert "张秀英" not in repr(ladder_logs) and "13700002222" not in repr(ladder_logs)
    # A later sweep sends nothing again.
    assert sweep(db, ALERT_AT + timedelta(hours=1)).sent == []
    assert len(_outbox(db)) == 2


def test_a_contact_s_own_chat_account_is_used_unless_they_blocked_the_bot(db, clock, webhook):
    webhook(WEBHOOK)
    with db.transaction() as session:
        session.add(OutboxBlocked(recipient="telegram:blocked", at=DAY0))
    _climb(db, clock, [{"name": "张小明", "phone": "13800001111", "sender_id": "telegram:999"},
                       {"name": "张小红", "phone": "13700002222", "sender_id": "telegram:blocked"}])
    assert [(c, r) for c, r, *_ in _outbox(db)] == [("telegram", "telegram:999"), ("sms", "sms:13700002222")]


def test_without_a_push_channel_or_a_webhook_the_log_carries_it(db, clock, webhook):
    elder = _climb(db, clock, ["张小明:13800001111:儿子"])
    assert _outbox(db) == []
    assert _record(db, elder.id) == [("phone", "13800001111", True)]
    assert _steps(db, elder.id)["contact"].note == "仅日志 1"


def test_the_webhook_delivery_is_retried_until_accepted(db, clock, webhook):
    webhook(WEBHOOK)
    elder = _climb(db, clock, ["张小明:13800001111:儿子"])
    answers = iter([httpx.Response(503), httpx.Response(200)])
    posted = []

    def handler(request: httpx.Request) -> httpx.Response:
        posted.append((str(request.url), json.loads(request.content)))
        return next(answers)

    transport = httpx.MockTransport(handler)
    first = asyncio.run(deliver_webhook_due(db, ALERT_AT, WEBHOOK, transport=transport))
    assert first.retried and not first.sent
    [(_, _, _, _, state, attempts)] = _outbox(db)
    assert (state, attempts) == ("pending", 1)
    # Not due again before its back-off; due after it.
    assert asyncio.run(deliver_webhook_due(db, ALERT_AT + timedelta(seconds=1), WEBHOOK, transport=transport)).sent == []
    later = asyncio.run(deliver_webhook_due(db, ALERT_AT + timedelta(minutes=5), WEBHOOK, transport=transport))
    assert len(later.sent) == 1
    assert [p[0] for p in posted] == [WEBHOOK, WEBHOOK]
    assert posted[-1][1]["to"] == "13800001111" and posted[-1][1]["text"] == contact_text(elder, 3)
    assert _outbox(db)[0][4] == "sent"
    # Sent once: nothing more to deliver.
    assert asyncio.run(deliver_webhook_due(db, ALERT_AT + timedelta(hours=2), WEBHOOK, transport=transport)).sent == []


def test_a_refused_webhook_message_is_given_up(db, clock, webhook):
    webhook(WEBHOOK)
    _climb(db, clock, ["张小明:13800001111:儿子"])
    run = asyncio.run(deliver_webhook_due(db, ALERT_AT, WEBHOOK,
                                          transport=httpx.MockTransport(lambda r: httpx.Response(400))))
    assert len(run.failed) == 1 and _outbox(db)[0][4] == "failed"


def test_a_failed_contact_step_is_retried_without_a_second_emergency_ticket(db, clock, webhook, monkeypatch):
    import assistant.care.ladder as ladder
    from assistant.tickets.models import Ticket

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(ladder, "_contact_recipient", broken)  # a failure we cannot cause for real here
    elder = _climb(db, clock, ["张小明:13800001111:儿子"])
    steps = _steps(db, elder.id)
    assert steps["alert"].done and "contact" not in steps
    monkeypatch.undo()
    assert sweep(db, ALERT_AT + timedelta(minutes=1)).sent == [(elder.id, "contact")]
    with db.session() as session:
        assert len([t for t in session.scalars(select(Ticket)) if t.urgency == "emergency"]) == 1


def test_a_checkin_before_the_alert_means_no_message_to_the_contact(db, clock, webhook):
    webhook(WEBHOOK)
    elder = register(db, name="李奶奶", phone="13912345670", address="3号楼", sender_id="web:r-li", quiet_days=3,
                     emergency_contacts=["李小明:13800003333:儿子"], now=DAY0)
    for when in (at(0, 10, 5), at(0, 12, 10), at(2, 23, 0)):
        clock.move_to(when)
        sweep(db, when)
    record_checkin(db, "web:r-li", "报平安", at(2, 23, 30))
    for when in (at(3, 7, 0), at(3, 12, 0)):
        clock.move_to(when)
        sweep(db, when)
    assert "contact" not in _steps(db, elder.id) and _outbox(db) == []
