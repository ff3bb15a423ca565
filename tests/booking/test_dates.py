"""The days that once broke the suite, each on a test of its own: a closed date
tomorrow, 明天 said on a Saturday (the next day is a Sunday), and a booking made at
23:59:30 for 明天. The days are picked from the injected clock's today (so
``make test-dates`` moves them across weeks and years), on the catalogue the tests
control; nothing passes ``now=``: the code under test reads the project clock."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

import actions.booking as booking_actions
from assistant.booking import conversation
from assistant.booking.catalogue import save_catalogue
from assistant.booking.models import BookingReminder
from assistant.booking.service import BookingError, book, cancel, upcoming_bookings
from assistant.booking.timeparse import extract_time


def _refused(db, service: str, said: str, catalogue) -> BookingError:
    with pytest.raises(BookingError) as err:
        conversation.resolve_time(db, service, said, catalogue=catalogue)
    return err.value


# ---- a closed date tomorrow ---------------------------------------------------------

def test_closed_date_tomorrow_is_refused_with_slots_on_open_days(db, days, clock):
    """助餐 works every day, so the closure is the only reason for the refusal."""
    tomorrow = days.today() + timedelta(days=1)
    open_slot = conversation.resolve_time(db, "助餐", "明天中午十二点", catalogue=days.catalogue)
    assert open_slot.starts_at == days.at(tomorrow, 12)

    closed = days.close(tomorrow)
    for said in ("明天中午十二点", "明天"):
        error = _refused(db, "助餐", said, closed)
        assert error.code == "closed" and f"{tomorrow.month}月{tomorrow.day}日" in error.message, error.message
        assert error.alternatives, said
        assert all(a.starts_at.date() != tomorrow and a.starts_at > clock.wall() for a in error.alternatives)
    with pytest.raises(BookingError) as err:   # the rule itself, not only the conversation
        book(db, sender_id="web:c1", service="助餐", starts_at=days.at(tomorrow, 12), catalogue=closed)
    assert err.value.code == "closed"


def test_booking_form_on_a_closed_tomorrow_offers_open_days(app_env, days, domain):
    """The resident's path: the action reads the clock and the installed catalogue."""
    tomorrow = days.today() + timedelta(days=1)
    save_catalogue(days.close(tomorrow))
    values = dict.fromkeys([*booking_actions.ALL_SLOTS, "requested_slot"])
    values.update(booking_confirming=False, booking_cancel_pending=False, booking_service="助餐",
                  requested_slot="booking_time")
    tracker = Tracker("web:d1", values, {"text": "明天中午十二点", "intent": {"name": "inform", "confidence": 0.99},
                                         "entities": []},
                      [], False, None, {"name": "booking_form"}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(booking_actions.ValidateBookingForm().run(dispatcher, tracker, domain))
    assert {"event": "slot", "name": "booking_time", "value": None, "timestamp": None} in events
    message = dispatcher.messages[0]
    assert f"{tomorrow.month}月{tomorrow.day}日社区服务暂停" in message["text"], message["text"]
    payloads = [b["payload"] for b in message["buttons"]]
    assert payloads and not any(tomorrow.isoformat() in p for p in payloads), payloads


# ---- 明天 said on a Saturday ----------------------------------------------------------

def test_tomorrow_said_on_a_saturday_is_a_sunday(db, days, clock):
    saturday = days.next_weekday(days.today(), 6)
    sunday, monday = saturday + timedelta(days=1), saturday + timedelta(days=2)
    clock.move_to(days.at(saturday, 10))
    assert extract_time("明天下午三点").start.date() == sunday

    error = _refused(db, "理发", "明天下午三点", days.catalogue)   # 理发: Monday to Saturday
    assert error.code == "closed" and "周日不上班" in error.message, error.message
    assert error.alternatives and all(a.starts_at.date() >= monday for a in error.alternatives)
    assert _refused(db, "理发", "明天", days.catalogue).code == "closed"
    # A daily service is open that Sunday; 后天 is Monday for 理发.
    assert conversation.resolve_time(db, "助餐", "明天中午十二点", catalogue=days.catalogue).starts_at \
        == days.at(sunday, 12)
    assert conversation.resolve_time(db, "理发", "后天下午三点", catalogue=days.catalogue).starts_at \
        == days.at(monday, 15)


# ---- a booking made at 23:59:30 for 明天 --------------------------------------------

def test_booking_at_23_59_30_for_tomorrow_and_after_midnight(db, days, clock):
    evening = days.today()
    while not days.works(evening + timedelta(days=1)):   # a day whose next day 理发 works
        evening += timedelta(days=1)
    tomorrow, after = evening + timedelta(days=1), evening + timedelta(days=2)
    clock.move_to(days.at(evening, 23, 59, 30), tick=False)

    assert extract_time("明天上午九点").start.date() == tomorrow
    slot = conversation.resolve_time(db, "理发", "明天上午九点", catalogue=days.catalogue)
    assert slot.starts_at == days.at(tomorrow, 9)
    booking = book(db, sender_id="web:late", service="理发", starts_at=slot.starts_at, address="幸福路8号",
                   catalogue=days.catalogue)
    assert booking.id == f"YY{evening:%Y%m%d}0001"      # the day it was made
    with db.session() as s:
        due = s.scalar(select(BookingReminder.due_at).where(BookingReminder.booking_id == booking.id))
    assert due == days.at(evening, 23, 59, 30)           # the day-before 10:00 has passed: due at once
    assert _refused(db, "理发", "今天下午三点", days.catalogue).code == "past"

    clock.move_to(days.at(tomorrow, 0, 0, 30), tick=False)  # one minute later, a new day
    assert extract_time("明天上午九点").start.date() == after
    assert conversation.resolve_time(db, "理发", "今天上午九点", catalogue=days.catalogue).starts_at \
        == days.at(tomorrow, 9)
    second = book(db, sender_id="web:early", service="理发", starts_at=days.at(tomorrow, 10),
                  address="幸福路9号", catalogue=days.catalogue)
    assert second.id == f"YY{tomorrow:%Y%m%d}0001"       # a new day's sequence
    with db.session() as s:
        assert [b.id for b in upcoming_bookings(s, "web:late")] == [booking.id]
    assert cancel(db, booking.id).status == "cancelled"    # still before 9:00
