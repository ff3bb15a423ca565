"""The day-before reminder outbox: what is due, delivery, retries, restarts."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from assistant.booking import service as booking_service
from assistant.booking.models import BookingReminder
from assistant.booking.service import book, cancel, due_reminders, reschedule, send_due_reminders
from assistant.db import Database

NOW = datetime(2026, 11, 29, 10, 0)      # Sunday
TUE_3PM = datetime(2026, 12, 1, 15, 0)
DUE = datetime(2026, 11, 30, 10, 0)      # the day before, at the catalogue's 10:00


def _book(db, catalogue, sender="telegram:42", when=TUE_3PM, now=NOW):
    return book(db, sender_id=sender, service="理发", starts_at=when, address="幸福路8号", now=now,
                catalogue=catalogue)


def test_nothing_is_due_before_the_day_before(db, catalogue):
    _book(db, catalogue)
    sent = []
    run = send_due_reminders(db, DUE - timedelta(minutes=1), deliver=lambda s, t: sent.append((s, t)) or True)
    assert run.sent == [] and sent == []


def test_due_reminder_goes_to_the_residents_channel_once(any_db, catalogue):
    db = any_db
    booking = _book(db, catalogue)
    sent = []
    run = send_due_reminders(db, DUE, deliver=lambda s, t: sent.append((s, t)) or True)
    assert run.sent == [booking.id]
    (sender, text), = sent
    assert sender == "telegram:42"
    assert "12月1日（周二）下午3点" in text and "理发" in text and booking.id in text
    assert send_due_reminders(db, DUE + timedelta(hours=1), deliver=lambda s, t: sent.append(1) or True).sent == []
    with db.session() as s:
        reminder = s.scalar(select(BookingReminder))
    assert reminder.status == "sent" and reminder.delivered_via == "telegram" and reminder.attempts == 1


def test_state_survives_a_restart(any_db, catalogue):
    """A new process (a new Database object) sees what was sent and what is pending."""
    db = any_db
    first = _book(db, catalogue)
    second = _book(db, catalogue, sender="web:abc", when=datetime(2026, 12, 3, 9, 0))
    assert send_due_reminders(db, DUE, deliver=lambda s, t: True).sent == [first.id]
    db.dispose()
    restarted = Database(db.url)
    try:
        with restarted.session() as s:
            assert [b.id for _, b in due_reminders(s, datetime(2026, 12, 2, 10, 0))] == [second.id]
        run = send_due_reminders(restarted, datetime(2026, 12, 2, 10, 0), deliver=lambda s, t: True)
        assert run.sent == [second.id]
    finally:
        restarted.dispose()


def test_cancelled_booking_gets_no_reminder(db, catalogue):
    booking = _book(db, catalogue)
    cancel(db, booking.id, now=NOW)
    assert send_due_reminders(db, DUE, deliver=lambda s, t: True).sent == []


def test_rescheduled_booking_is_reminded_for_the_new_day(db, catalogue):
    booking = _book(db, catalogue)
    reschedule(db, booking.id, datetime(2026, 12, 4, 15, 0), now=NOW, catalogue=catalogue)
    assert send_due_reminders(db, DUE, deliver=lambda s, t: True).sent == []
    assert send_due_reminders(db, datetime(2026, 12, 3, 10, 0), deliver=lambda s, t: True).sent == [booking.id]


def test_late_booking_is_reminded_now_or_not_at_all(db, catalogue):
    evening = datetime(2026, 11, 30, 20, 0)       # Monday evening, after the 10:00 reminder time
    tomorrow = _book(db, catalogue, when=TUE_3PM, now=evening)
    with db.session() as s:
        assert s.scalar(select(BookingReminder.due_at)) == evening
    soon = _book(db, catalogue, sender="web:x", when=datetime(2026, 12, 1, 9, 30),
                 now=datetime(2026, 12, 1, 8, 0))  # 90 minutes ahead: no reminder
    with db.session() as s:
        assert s.scalar(select(BookingReminder).where(BookingReminder.booking_id == soon.id)) is None
    assert tomorrow.id


def test_failed_delivery_is_retried_then_given_up(db, catalogue):
    booking = _book(db, catalogue)

    def broken(sender, text):
        raise ConnectionError("bot api down")

    for attempt in range(3):
        run = send_due_reminders(db, DUE + timedelta(minutes=attempt), deliver=broken)
        assert run.failed == [booking.id]
    with db.session() as s:
        reminder = s.scalar(select(BookingReminder))
    assert reminder.status == "failed" and reminder.attempts == 3 and "bot api down" in reminder.last_error
    assert send_due_reminders(db, DUE + timedelta(hours=1), deliver=lambda s, t: True).sent == []


def test_without_an_adapter_the_reminder_is_logged_and_marked(db, catalogue, monkeypatch):
    booking = _book(db, catalogue, sender="web:abc")
    monkeypatch.setattr(booking_service, "REMINDER_CHANNELS", {})
    assert send_due_reminders(db, DUE).sent == [booking.id]
    with db.session() as s:
        assert s.scalar(select(BookingReminder.delivered_via)) == "log"


def test_registered_channel_adapter_is_used(db, catalogue, monkeypatch):
    booking = _book(db, catalogue)
    got = []
    monkeypatch.setattr(booking_service, "REMINDER_CHANNELS", {})
    booking_service.register_reminder_channel("telegram", lambda s, t: got.append(s) or True)
    assert send_due_reminders(db, DUE).sent == [booking.id] and got == ["telegram:42"]


def test_two_jobs_at_once_never_send_twice(any_db, catalogue):
    """Two reminder runs racing over the same outbox (say, two supervisors by mistake)."""
    import threading
    import time as clock

    booked = [_book(any_db, catalogue, sender=f"telegram:{i}", when=datetime(2026, 12, 1, 9 + i // 3, 0))
              for i in range(6)]
    delivered = []
    lock = threading.Lock()

    def slow_deliver(sender, text):
        clock.sleep(0.05)
        with lock:
            delivered.append(sender)
        return True

    barrier = threading.Barrier(2)
    runs = []

    def job():
        barrier.wait()
        runs.append(send_due_reminders(any_db, DUE, deliver=slow_deliver))

    threads = [threading.Thread(target=job) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(delivered) == sorted(f"telegram:{i}" for i in range(6))
    assert sorted(b for run in runs for b in run.sent) == sorted(b.id for b in booked)
