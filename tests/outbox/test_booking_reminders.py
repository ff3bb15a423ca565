"""Booking reminders through the shared outbox (issue #15 item 5): a Telegram
resident's day-before reminder is queued in the reminder job's own transaction, once
per booking and appointment time, and the bot delivers it; a web resident's is only
logged, as before. The confirmation promises a reminder exactly where one is sent."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from assistant import outbox
from assistant.booking.catalogue import DEFAULT_PATH, load_catalogue
from assistant.booking.models import BookingReminder
from assistant.booking.service import book, reminder_promised, reschedule, send_due_reminders
from assistant.clock import TZ
from assistant.outbox.models import OutboxMessage

NOW = datetime(2026, 11, 29, 10, 0)      # Sunday, local wall-clock (the bookings' convention)
TUE_3PM = datetime(2026, 12, 1, 15, 0)
DUE = datetime(2026, 11, 30, 10, 0)      # the day before, at the catalogue's 10:00


def _catalogue():
    return load_catalogue(DEFAULT_PATH).model_copy(update={"closed_dates": []})


def _book(db, sender, when=TUE_3PM):
    return book(db, sender_id=sender, service="理发", starts_at=when, address="幸福路8号", now=NOW,
                catalogue=_catalogue())


def _rows(db):
    with db.session() as session:
        return session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def _reminder(db):
    with db.session() as session:
        return session.scalar(select(BookingReminder))


def test_a_telegram_residents_reminder_lands_in_the_outbox_once(any_db):
    db = any_db
    booking = _book(db, "telegram:42")
    assert send_due_reminders(db, DUE - timedelta(minutes=1)).sent == [] and _rows(db) == []
    assert send_due_reminders(db, DUE).sent == [booking.id]
    assert send_due_reminders(db, DUE + timedelta(minutes=1)).sent == []  # the job again: nothing new
    [row] = _rows(db)
    assert (row.channel, row.recipient, row.state) == ("telegram", "telegram:42", "pending")
    assert "12月1日（周二）下午3点" in row.text and "理发" in row.text and booking.id in row.text
    assert row.dedupe_key == f"booking:{booking.id}:reminder:202612011500"
    assert row.next_attempt_at.astimezone(TZ).replace(tzinfo=None) == DUE  # due when the job ran
    reminder = _reminder(db)
    assert (reminder.status, reminder.delivered_via, reminder.attempts) == ("sent", "outbox", 1)
    # Even a reminder put back to pending (a job that died after its commit, an operator)
    # queues nothing twice: the dedupe key is the booking and its time.
    with db.transaction() as session:
        session.execute(update(BookingReminder).values(status="pending"))
    assert send_due_reminders(db, DUE + timedelta(minutes=2)).sent == [booking.id]
    assert len(_rows(db)) == 1


def test_a_rescheduled_booking_is_reminded_again_for_its_new_time(db):
    booking = _book(db, "telegram:42")
    send_due_reminders(db, DUE)
    reschedule(db, booking.id, datetime(2026, 12, 4, 15, 0), now=datetime(2026, 11, 30, 11, 0),
               catalogue=_catalogue())
    assert send_due_reminders(db, datetime(2026, 12, 3, 10, 0)).sent == [booking.id]
    first, second = _rows(db)
    assert "12月1日" in first.text and "12月4日" in second.text


def test_a_web_residents_reminder_is_only_logged_as_before(db):
    booking = _book(db, "web:r-abc")
    assert send_due_reminders(db, DUE).sent == [booking.id]
    assert _rows(db) == []
    assert _reminder(db).delivered_via == "log"


def test_telegram_residents_are_promised_a_reminder_and_web_residents_are_not(db):
    on_telegram = _book(db, "telegram:42")
    on_web = _book(db, "web:r-abc", when=datetime(2026, 12, 1, 16, 0))
    assert reminder_promised(db, on_telegram.id, "telegram:42") is True
    assert reminder_promised(db, on_web.id, "web:r-abc") is False


def test_a_blocked_recipient_gets_the_reminder_queued_as_blocked(db):
    with db.transaction() as session:
        from assistant.outbox.models import OutboxBlocked

        session.add(OutboxBlocked(recipient="telegram:42", at=datetime(2026, 11, 29, 9, 0, tzinfo=TZ)))
    _book(db, "telegram:42")
    send_due_reminders(db, DUE)
    [row] = _rows(db)
    assert row.state == "blocked"


async def test_the_bot_delivers_the_queued_reminder(bot_env, standin, clock):
    from tests.telegram.conftest import USER, bot_running, texts, until

    # A booking two days or more ahead, and the clock moved to its reminder's time.
    day = clock.now().astimezone(TZ).date() + timedelta(days=2)
    catalogue = _catalogue()
    while day.isoweekday() not in catalogue.service("理发").days:
        day += timedelta(days=1)
    starts = datetime.combine(day, datetime.min.time()).replace(hour=15)
    booking = book(bot_env, sender_id=f"telegram:{USER}", service="理发", starts_at=starts, address="幸福路8号",
                   now=clock.now(), catalogue=catalogue)
    clock.move_to((starts - timedelta(days=1)).replace(hour=10, minute=1, tzinfo=TZ))
    assert send_due_reminders(bot_env).sent == [booking.id]
    async with bot_running():
        await until(lambda: any(booking.id in t and "温馨提醒" in t for t in texts(standin)), what="the reminder")
        # The stand-in has the message before the bot marks the row sent: wait for both.
        await until(lambda: [r.state for r in _rows(bot_env)] == ["sent"], what="the row marked sent")
    assert [r.state for r in _rows(bot_env)] == ["sent"]
    assert outbox.can_push(f"telegram:{USER}")
