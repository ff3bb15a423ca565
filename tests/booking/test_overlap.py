"""Bookings at any start on the service's grid, capacity counted across overlapping
appointments (issue #11), on a real migrated database. The fixed "now" is Sunday
2026-11-29 10:00 in Asia/Shanghai; 2026-11-30 is a Monday, 2026-12-01 a Tuesday."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from assistant.booking.catalogue import CatalogueError, parse_catalogue
from assistant.booking.models import BookingSlot
from assistant.booking.service import (
    BookingError, book, cancel, count_live, find_slot, nearest_free_slots, reschedule, slots_for_day,
)
from assistant.booking.timeparse import parse_time

NOW = datetime(2026, 11, 29, 10, 0)
MON, TUE = date(2026, 11, 30), date(2026, 12, 1)
ADDRESS = "幸福路8号3号楼201室"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def _book(db, catalogue, service, when, sender="web:amy", **kw):
    return book(db, sender_id=sender, service=service, starts_at=when, address=ADDRESS, now=NOW,
                catalogue=catalogue, **kw)


def _counters(db, service):
    with db.session() as s:
        return {t: n for t, n in s.execute(select(BookingSlot.starts_at, BookingSlot.booked)
                                           .where(BookingSlot.service == service)) if n}


# --- starts in between ------------------------------------------------------------------

@pytest.mark.parametrize(("service", "when"), [
    ("保洁", at(TUE, 9)),          # 2 h from 8:00: regular starts 8:00 and 10:00
    ("维修", at(TUE, 9)),          # hourly from 8:30
    ("维修", at(TUE, 10)),
    ("场地预约", at(TUE, 15)),
])
def test_a_start_between_the_regular_ones_is_booked(db, catalogue, service, when):
    booking = _book(db, catalogue, service, when)
    duration = timedelta(minutes=catalogue.service(service).duration)
    assert booking.starts_at == when and booking.ends_at == when + duration
    # It takes a place in every 30-minute cell it covers, and nowhere else.
    cells = {when + timedelta(minutes=30 * k): 1 for k in range(duration // timedelta(minutes=30))}
    assert _counters(db, service) == cells


# --- a meal is a seat at a sitting, not a one-hour job ------------------------------------

@pytest.mark.parametrize(("when", "ends"), [
    (at(TUE, 17, 30), at(TUE, 18)),   # the dinner sitting 17:00-18:00: a late arrival is fine
    (at(TUE, 17), at(TUE, 18)),
    (at(TUE, 12, 30), at(TUE, 13)),   # lunch 11:00-13:00
    (at(TUE, 11, 30), at(TUE, 13)),
])
def test_a_meal_seat_is_booked_at_any_start_of_the_sitting(db, catalogue, when, ends):
    booking = _book(db, catalogue, "助餐", when)
    assert (booking.starts_at, booking.ends_at) == (when, ends)


def test_a_meal_said_in_words_at_half_past_five(db, catalogue):
    with db.session() as s:
        slot = find_slot(s, "助餐", parse_time("明天晚上5点半", NOW), now=NOW, catalogue=catalogue)
    assert (slot.starts_at, slot.ends_at) == (at(MON, 17, 30), at(MON, 18))


def test_a_meal_after_the_sitting_is_refused(db, catalogue):
    with pytest.raises(BookingError) as err:
        _book(db, catalogue, "助餐", at(TUE, 18))
    assert err.value.code == "not_a_slot" and "超出" not in err.value.message


def test_meal_seats_are_counted_per_sitting(db, catalogue):
    small = catalogue.model_copy(deep=True)
    small.services["助餐"].capacity = 2
    _book(db, small, "助餐", at(TUE, 11), sender="web:a")
    _book(db, small, "助餐", at(TUE, 12, 30), sender="web:b")
    with pytest.raises(BookingError) as err:                     # two seats taken for lunch
        _book(db, small, "助餐", at(TUE, 12), sender="web:c")
    assert err.value.code == "full"
    assert _book(db, small, "助餐", at(TUE, 17, 30), sender="web:c").ends_at == at(TUE, 18)  # dinner is another sitting
    # The offered buttons still start an hour apart (11:00, 12:00, 17:00).
    assert [s.starts_at.time() for s in slots_for_day_(db, small, TUE)] == [time(11), time(12), time(17)]


def slots_for_day_(db, catalogue, day):
    with db.session() as s:
        return slots_for_day(s, "助餐", day, catalogue)


def test_said_in_words_the_cleaner_comes_at_nine(db, catalogue):
    with db.session() as s:
        slot = find_slot(s, "保洁", parse_time("明天上午9点", NOW), now=NOW, catalogue=catalogue)
    assert (slot.starts_at, slot.ends_at, slot.free) == (at(MON, 9), at(MON, 11), 2)


def test_an_appointment_that_would_end_after_hours_is_refused(db, catalogue):
    with pytest.raises(BookingError) as err:
        _book(db, catalogue, "陪诊", at(TUE, 9))                    # 4 h: 9:00-13:00, window ends 12:00
    assert err.value.code == "not_a_slot"
    assert err.value.message == ("陪诊每次4小时，上午9点开始就超出服务时间了，"
                                 "服务时间是08:00-12:00、13:00-17:00。")
    assert err.value.alternatives and all(a.starts_at.time() in (time(8), time(13))
                                          for a in err.value.alternatives)
    with pytest.raises(BookingError) as late:
        _book(db, catalogue, "保洁", at(TUE, 11))                    # 11:00-13:00 runs past noon
    assert late.value.code == "not_a_slot" and "每次2小时" in late.value.message
    assert _counters(db, "陪诊") == {} and _counters(db, "保洁") == {}


def test_a_minute_off_the_grid_is_refused_not_rounded(db, catalogue):
    with pytest.raises(BookingError) as err:
        _book(db, catalogue, "保洁", at(TUE, 9, 15))
    assert err.value.code == "not_a_slot" and err.value.message.startswith("上午9点15分没有保洁时段")
    assert len(err.value.alternatives) == 3


# --- capacity across overlaps -----------------------------------------------------------

def test_an_overlapping_booking_is_refused_at_capacity_with_regular_alternatives(db, catalogue):
    _book(db, catalogue, "场地预约", at(TUE, 9))                     # capacity 1: 9:00-11:00
    with pytest.raises(BookingError) as err:
        _book(db, catalogue, "场地预约", at(TUE, 10), sender="web:bob")   # 10:00-12:00 overlaps
    assert err.value.code == "full" and "约满" in err.value.message
    # 8:00 and 10:00 overlap 9-11 now; the nearest free regular starts are the afternoon's.
    assert [a.starts_at for a in err.value.alternatives] == [at(TUE, 14), at(TUE, 16), at(TUE, 18)]
    with db.session() as s:
        day = {slot.starts_at.time(): slot.free for slot in slots_for_day(s, "场地预约", TUE, catalogue)}
    assert day == {time(8): 0, time(10): 0, time(14): 1, time(16): 1, time(18): 1}


def test_back_to_back_is_not_an_overlap(db, catalogue):
    _book(db, catalogue, "场地预约", at(TUE, 15))
    assert _book(db, catalogue, "场地预约", at(TUE, 17), sender="web:bob").starts_at == at(TUE, 17)
    with pytest.raises(BookingError) as err:
        _book(db, catalogue, "场地预约", at(TUE, 16), sender="web:carl")
    assert err.value.code == "full"


def test_capacity_two_takes_two_overlapping_and_refuses_the_third(db, catalogue):
    _book(db, catalogue, "保洁", at(TUE, 8), sender="web:a")
    _book(db, catalogue, "保洁", at(TUE, 9), sender="web:b")
    with pytest.raises(BookingError) as err:
        _book(db, catalogue, "保洁", at(TUE, 9, 30), sender="web:c")   # 9:30-10:00: two already there
    assert err.value.code == "full"
    assert _book(db, catalogue, "保洁", at(TUE, 10), sender="web:c").starts_at == at(TUE, 10)  # 8-10 has left
    with db.session() as s:
        for cell, booked in _counters(db, "保洁").items():
            assert booked == count_live(s, "保洁", cell) <= 2


def test_the_same_resident_twice_at_overlapping_times_is_a_duplicate(db, catalogue):
    first = _book(db, catalogue, "保洁", at(TUE, 9))
    with pytest.raises(BookingError) as err:
        _book(db, catalogue, "保洁", at(TUE, 10))
    assert err.value.code == "duplicate" and first.id in err.value.message


def test_cancel_frees_every_cell_and_reschedule_moves_only_what_changes(db, catalogue):
    booking = _book(db, catalogue, "场地预约", at(TUE, 14))
    _book(db, catalogue, "场地预约", at(TUE, 16, 30), sender="web:bob")
    # 14:00 -> 14:30 overlaps itself: only 16:00-16:30 must be free, and is.
    moved = reschedule(db, booking.id, at(TUE, 14, 30), now=NOW, catalogue=catalogue)
    assert (moved.starts_at, moved.ends_at) == (at(TUE, 14, 30), at(TUE, 16, 30))
    assert _counters(db, "场地预约") == {at(TUE, 14, 30): 1, at(TUE, 15): 1, at(TUE, 15, 30): 1, at(TUE, 16): 1,
                                       at(TUE, 16, 30): 1, at(TUE, 17): 1, at(TUE, 17, 30): 1, at(TUE, 18): 1}
    with pytest.raises(BookingError) as err:   # 15:00-17:00 would meet bob at 16:30
        reschedule(db, booking.id, at(TUE, 15), now=NOW, catalogue=catalogue)
    assert err.value.code == "full"
    cancel(db, booking.id, now=NOW, catalogue=catalogue)
    assert _counters(db, "场地预约") == {at(TUE, 16, 30): 1, at(TUE, 17): 1, at(TUE, 17, 30): 1, at(TUE, 18): 1}


# --- what is offered ---------------------------------------------------------------------

def test_regular_starts_are_offered_first_and_in_between_ones_only_after(db, catalogue):
    small = catalogue.model_copy(deep=True, update={"booking_horizon_days": 1})
    small.services["维修"].capacity = 1
    now = at(MON, 7)
    book(db, sender_id="web:amy", service="维修", starts_at=at(MON, 9), address=ADDRESS, now=now,
         catalogue=small)                                             # blocks 8:30 and 9:30
    with db.session() as s:
        offered = nearest_free_slots(s, "维修", at(MON, 9), now=now, limit=20, catalogue=small)
        few = nearest_free_slots(s, "维修", at(MON, 9), now=now, catalogue=small)
    regular = set(small.service("维修").slot_starts())
    assert [slot.starts_at for slot in few] == [at(MON, 10, 30), at(MON, 13, 30), at(MON, 14, 30)]
    assert len(offered) == 20 and all(slot.free == 1 for slot in offered)
    assert sum(slot.starts_at.time() in regular for slot in offered) == 12   # every free regular start
    assert at(MON, 10) in [slot.starts_at for slot in offered]               # the in-between nearest 9:00
    assert not {at(MON, 8, 30), at(MON, 9), at(MON, 9, 30)} & {slot.starts_at for slot in offered}


# --- the catalogue's grid ----------------------------------------------------------------

def test_grid_defaults_to_thirty_minutes_and_is_checked(catalogue):
    cleaning = catalogue.service("保洁")
    assert cleaning.step == 30 and cleaning.grid is None
    assert cleaning.start_times()[:5] == [time(8), time(8, 30), time(9), time(9, 30), time(10)]
    assert cleaning.slot_starts() == [time(8), time(10), time(13), time(15)]           # offered as before
    data = parse_catalogue(catalogue.to_yaml()).model_dump(mode="json")
    assert "grid" not in catalogue.to_yaml()

    data["services"]["保洁"]["grid"] = 60
    assert parse_catalogue(data).service("保洁").start_times() == [time(8), time(9), time(10), time(13),
                                                                  time(14), time(15)]
    data["services"]["保洁"]["grid"] = 45                            # does not divide 120
    with pytest.raises(CatalogueError, match="grid 45"):
        parse_catalogue(data)
    data["services"]["保洁"].pop("grid")
    data["services"]["保洁"]["duration"] = 45                        # default step shrinks to fit
    assert parse_catalogue(data).service("保洁").step == 15
