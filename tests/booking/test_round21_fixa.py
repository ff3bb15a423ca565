"""Round 21, fixer A (issue #11, blind16 read): 同一天 said right after cancelling a booking
is the day of the booking just cancelled. New wording."""

from __future__ import annotations

from datetime import datetime, timedelta

from assistant import clock as project_clock
from assistant.booking.conversation import on_day_of_last_booking
from assistant.booking.service import BookingError, book, cancel

SENDER = "web:sameday21"


def test_the_same_day_after_a_cancel_in_the_same_breath_is_the_cancelled_day(db):
    now = project_clock.local_now()
    made = None
    for ahead in range(2, 9):  # the first open day from the day after tomorrow
        day = (now + timedelta(days=ahead)).date()
        try:
            made = book(db, sender_id=SENDER, service="理发", starts_at=datetime(day.year, day.month, day.day, 10),
                        address="5号楼1单元101", now=now)
            break
        except BookingError:
            continue
    assert made is not None
    cancel(db, made.id, sender_id=SENDER, now=now)
    got = on_day_of_last_booking(db, SENDER, "同一天下午两点的保洁", now)
    assert f"{day.month}月{day.day}日" in got and "下午两点" in got


def test_without_any_booking_the_words_stay(db):
    now = project_clock.local_now()
    assert on_day_of_last_booking(db, SENDER + "x", "同一天下午两点", now) == "同一天下午两点"
