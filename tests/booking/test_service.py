"""Booking rules on a real (migrated SQLite) database; the fixed "now" is Sunday
2026-11-29 10:00 in Asia/Shanghai."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from assistant.booking.models import BookingReminder, BookingSlot
from assistant.booking.service import (
    BookingError, book, cancel, check_eligibility, confirmation_text, count_live, describe_booking,
    find_booking_id, find_slot, list_bookings, nearest_free_slots, normalise_phone, reschedule, set_status,
    slots_for_day, upcoming_bookings, when_text,
)
from assistant.booking.timeparse import parse_time
from assistant.db import Database

NOW = datetime(2026, 11, 29, 10, 0)  # Sunday, Asia/Shanghai wall-clock (as in conftest)

TUE_3PM = datetime(2026, 12, 1, 15, 0)
ADDRESS = "幸福路8号3号楼201室"


def _book(db, catalogue, sender="web:amy", service="理发", when=TUE_3PM, **kw):
    kw.setdefault("address", ADDRESS)
    kw.setdefault("phone", "13912345678")
    return book(db, sender_id=sender, service=service, starts_at=when, now=NOW, catalogue=catalogue, **kw)


# --- slots ------------------------------------------------------------------------

def test_slots_of_a_day(db, catalogue):
    with db.session() as s:
        assert slots_for_day(s, "理发", date(2026, 11, 29), catalogue) == []      # Sunday: closed
        monday = slots_for_day(s, "理发", date(2026, 11, 30), catalogue)
    assert len(monday) == 12 and monday[0].starts_at == datetime(2026, 11, 30, 9)
    assert all(slot.free == 3 for slot in monday)


def test_find_slot_for_clock_time_and_for_a_window(db, catalogue):
    with db.session() as s:
        slot = find_slot(s, "理发", parse_time("明天下午三点", NOW), now=NOW, catalogue=catalogue)
        assert slot.starts_at == datetime(2026, 11, 30, 15)
        morning = find_slot(s, "理发", parse_time("下周二上午", NOW), now=NOW, catalogue=catalogue)
        assert morning.starts_at == datetime(2026, 12, 1, 9)               # first slot of the window
        whole_day = find_slot(s, "保洁", parse_time("后天", NOW), now=NOW, catalogue=catalogue)
        assert whole_day.starts_at == datetime(2026, 12, 1, 8)


@pytest.mark.parametrize(("said", "code"), [
    ("今天下午三点", "closed"),          # 理发 does not work on Sundays
    ("这周六", "past"),
    ("明天下午三点十分", "not_a_slot"),
    ("明天晚上八点", "not_a_slot"),
    ("明年3月1号上午十点", "too_far"),
])
def test_find_slot_refuses_with_nearest_free_alternatives(db, catalogue, said, code):
    with db.session() as s, pytest.raises(BookingError) as err:
        find_slot(s, "理发", parse_time(said, NOW), now=NOW, catalogue=catalogue)
    assert err.value.code == code
    assert err.value.message and len(err.value.alternatives) == 3
    assert all(a.starts_at > NOW and a.free > 0 for a in err.value.alternatives)


def test_nearest_free_slots_skip_full_ones_and_look_both_ways(db, catalogue):
    for i in range(3):
        _book(db, catalogue, sender=f"web:{i}")
    with db.session() as s:
        near = nearest_free_slots(s, "理发", TUE_3PM, now=NOW, catalogue=catalogue)
        with pytest.raises(BookingError) as err:
            find_slot(s, "理发", TUE_3PM, now=NOW, catalogue=catalogue)
    assert err.value.code == "full"
    starts = [slot.starts_at for slot in near]
    assert TUE_3PM not in starts
    # 14:30 and 15:30 are 30 min away; 14:00 and 16:00 tie at an hour -> the earlier wins.
    assert starts == [datetime(2026, 12, 1, 14), datetime(2026, 12, 1, 14, 30), datetime(2026, 12, 1, 15, 30)]


# --- booking ------------------------------------------------------------------------

def test_book_gives_yy_id_counter_and_reminder(db, catalogue):
    first = _book(db, catalogue)
    second = _book(db, catalogue, sender="web:bob")
    assert first.id == "YY202611290001" and second.id == "YY202611290002"
    assert first.status == "booked" and first.phone == "13912345678" and first.address == ADDRESS
    assert first.ends_at - first.starts_at == timedelta(minutes=30)
    with db.session() as s:
        assert s.scalar(select(BookingSlot.booked).where(BookingSlot.starts_at == TUE_3PM)) == 2
        reminder = s.scalar(select(BookingReminder).where(BookingReminder.booking_id == first.id))
        assert reminder.due_at == datetime(2026, 11, 30, 10, 0) and reminder.sender_id == "web:amy"


def test_centre_service_needs_no_address(db, catalogue):
    booking = _book(db, catalogue, service="体检", when=datetime(2026, 12, 1, 8, 30), address=None)
    assert booking.location == "社区服务中心" and booking.address is None


def test_services_by_alias(db, catalogue):
    assert _book(db, catalogue, service="剪头发").service == "理发"
    with pytest.raises(BookingError) as err:
        _book(db, catalogue, service="按摩")
    assert err.value.code == "unknown_service" and "理发" in err.value.message


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"address": None}, "address_required"),
    ({"address": "   "}, "address_required"),
    ({"phone": "12345"}, "invalid_phone"),
    ({"phone": "23912345678"}, "invalid_phone"),
    ({"when": datetime(2026, 11, 29, 9, 0)}, "past"),
    ({"when": datetime(2026, 12, 1, 15, 10)}, "not_a_slot"),
    ({"when": datetime(2026, 12, 6, 15, 0)}, "closed"),              # a Sunday
    ({"when": datetime(2027, 1, 1, 10, 0), "service": "场地预约"}, "too_far"),
])
def test_bad_requests_are_refused(db, catalogue, kwargs, code):
    with pytest.raises(BookingError) as err:
        _book(db, catalogue, **kwargs)
    assert err.value.code == code and err.value.message


def test_closed_dates_from_the_catalogue(db, catalogue):
    closed = catalogue.model_copy(deep=True)
    closed.closed_dates.append(date(2026, 12, 1))
    with pytest.raises(BookingError) as err:
        book(db, sender_id="web:amy", service="理发", starts_at=TUE_3PM, address=ADDRESS, now=NOW, catalogue=closed)
    assert err.value.code == "closed" and "暂停" in err.value.message


def test_same_resident_cannot_book_the_same_slot_twice(db, catalogue):
    first = _book(db, catalogue)
    with pytest.raises(BookingError) as err:
        _book(db, catalogue)
    assert err.value.code == "duplicate" and first.id in err.value.message


def test_capacity_is_enforced_with_alternatives(db, catalogue):
    for i in range(3):
        _book(db, catalogue, sender=f"web:{i}")
    with pytest.raises(BookingError) as err:
        _book(db, catalogue, sender="web:late")
    assert err.value.code == "full" and "约满" in err.value.message
    assert err.value.alternatives and TUE_3PM not in [a.starts_at for a in err.value.alternatives]
    with db.session() as s:
        assert count_live(s, "理发", TUE_3PM) == 3


# --- eligibility, phone, ids --------------------------------------------------------

def test_eligibility_of_bathing(db, catalogue):
    bath = catalogue.service("助浴")
    check_eligibility(bath, age=75)
    check_eligibility(bath, disabled=True)
    check_eligibility(bath, age=50, disabled=True)
    with pytest.raises(BookingError) as unknown:
        check_eligibility(bath)
    assert unknown.value.code == "eligibility_unknown" and "多大年纪" in unknown.value.message
    with pytest.raises(BookingError) as young:
        check_eligibility(bath, age=60, disabled=False)
    assert young.value.code == "not_eligible" and "70岁以上" in young.value.message
    check_eligibility(catalogue.service("理发"))   # no rule: everyone
    wed = datetime(2026, 12, 2, 9, 0)
    with pytest.raises(BookingError):
        _book(db, catalogue, service="助浴", when=wed, age=65)
    assert _book(db, catalogue, service="助浴", when=wed, age=82).service == "助浴"


@pytest.mark.parametrize(("said", "phone"), [
    ("13912345678", "13912345678"), ("139 1234 5678", "13912345678"), ("139-1234-5678", "13912345678"),
    ("+86 13912345678", "13912345678"), ("我的电话是１３９１２３４５６７８", "13912345678"),
    ("12912345678", None), ("1391234567", None), ("021-12345678", None), ("", None), (None, None),
])
def test_mainland_mobile_numbers(said, phone):
    assert normalise_phone(said) == phone


def test_booking_id_in_a_message():
    assert find_booking_id("帮我取消yy202611290007这个预约") == "YY202611290007"
    assert find_booking_id("取消 YY2026 1129 0007") == "YY202611290007"
    assert find_booking_id("取消我那个理发的预约") is None


# --- read-back ------------------------------------------------------------------------

def test_confirmation_read_back(catalogue):
    text = confirmation_text(catalogue.service("理发"), TUE_3PM, address=ADDRESS, phone="13912345678")
    assert text == (f"您要预约12月1日（周二）下午3点的上门理发，地址{ADDRESS}，联系电话139****5678，"
                    "费用10元，对吗？")
    centre = confirmation_text(catalogue.service("法律咨询"), datetime(2026, 12, 2, 14, 30))
    assert centre == "您要预约12月2日（周三）下午2点半在社区服务中心的法律咨询，免费，对吗？"
    assert when_text(datetime(2026, 12, 3, 9, 15)) == "12月3日（周四）上午9点15分"
    assert when_text(datetime(2026, 12, 3, 12, 0)) == "12月3日（周四）中午12点"


# --- cancel, list, reschedule, staff status -------------------------------------------

def test_cancel_by_id_frees_the_place(db, catalogue):
    booking = _book(db, catalogue)
    with pytest.raises(BookingError) as stranger:
        cancel(db, booking.id, sender_id="web:someone-else", now=NOW)
    assert stranger.value.code == "not_found"
    cancelled = cancel(db, booking.id.lower(), sender_id="web:amy", now=NOW)
    assert cancelled.status == "cancelled"
    with pytest.raises(BookingError) as again:
        cancel(db, booking.id, sender_id="web:amy", now=NOW)
    assert again.value.code == "not_cancellable"
    with db.session() as s:
        assert s.scalar(select(BookingSlot.booked).where(BookingSlot.starts_at == TUE_3PM)) == 0
        assert s.scalar(select(BookingReminder.status)) == "cancelled"
        assert upcoming_bookings(s, "web:amy", now=NOW) == []


def test_cancel_by_service_my_haircut(db, catalogue):
    haircut = _book(db, catalogue)
    _book(db, catalogue, service="体检", when=datetime(2026, 12, 1, 9), address=None)
    with db.session() as s:
        mine = upcoming_bookings(s, "web:amy", now=NOW, service="理发")   # 我那个理发的预约
        assert [b.id for b in mine] == [haircut.id]
        listed = upcoming_bookings(s, "web:amy", now=NOW)
    assert [b.service for b in listed] == ["体检", "理发"]                # soonest first
    assert describe_booking(listed[1]) == f"12月1日（周二）下午3点 上门理发（已预约，{haircut.id}）"
    cancel(db, mine[0].id, sender_id="web:amy", now=NOW)
    with db.session() as s:
        assert [b.service for b in upcoming_bookings(s, "web:amy", now=NOW)] == ["体检"]


def test_cannot_cancel_once_started(db, catalogue):
    booking = _book(db, catalogue)
    with pytest.raises(BookingError) as err:
        cancel(db, booking.id, now=TUE_3PM + timedelta(minutes=5))
    assert err.value.code == "started"


def test_reschedule_moves_counters_keeps_id_and_reminder(db, catalogue):
    booking = _book(db, catalogue)
    new_time = datetime(2026, 12, 3, 10, 0)
    moved = reschedule(db, booking.id, new_time, sender_id="web:amy", now=NOW, catalogue=catalogue)
    assert moved.id == booking.id and moved.starts_at == new_time
    with db.session() as s:
        counts = dict(s.execute(select(BookingSlot.starts_at, BookingSlot.booked)).all())
        reminder = s.scalar(select(BookingReminder))
    assert counts == {TUE_3PM: 0, new_time: 1}
    assert reminder.due_at == datetime(2026, 12, 2, 10, 0) and reminder.status == "pending"
    with pytest.raises(BookingError) as same:
        reschedule(db, booking.id, new_time, now=NOW, catalogue=catalogue)
    assert same.value.code == "same_time"


def test_reschedule_into_a_full_slot_is_refused(db, catalogue):
    booking = _book(db, catalogue)
    target = datetime(2026, 12, 1, 16, 0)
    for i in range(3):
        _book(db, catalogue, sender=f"web:{i}", when=target)
    with pytest.raises(BookingError) as err:
        reschedule(db, booking.id, target, now=NOW, catalogue=catalogue)
    assert err.value.code == "full" and err.value.alternatives
    with db.session() as s:
        assert count_live(s, "理发", TUE_3PM) == 1 and count_live(s, "理发", target) == 3


def test_staff_mark_done_and_no_show(db, catalogue):
    one = _book(db, catalogue)
    two = _book(db, catalogue, sender="web:bob")
    with pytest.raises(BookingError) as early:
        set_status(db, one.id, "done", by="staff1", now=NOW)
    assert early.value.code == "not_started"
    after = TUE_3PM + timedelta(minutes=40)
    assert set_status(db, one.id, "done", by="staff1", now=after).status == "done"
    assert set_status(db, two.id, "no_show", by="staff1", now=after).status == "no_show"
    with pytest.raises(BookingError) as twice:
        set_status(db, one.id, "no_show", by="staff1", now=after)
    assert twice.value.code == "not_changeable"
    with pytest.raises(BookingError):
        set_status(db, one.id, "cancelled", by="staff1", now=after)
    with db.session() as s:
        rows = list_bookings(s, day=date(2026, 12, 1), service="理发")
        assert [b.status for b, _ in rows] == ["done", "no_show"]
        assert [b.id for b, _ in list_bookings(s, status="no_show")] == [two.id]
        assert list_bookings(s, day=date(2026, 12, 2)) == []
        assert rows[0][0].status_changed_by == "staff1"


def test_state_survives_a_new_database_object(db, catalogue):
    booking = _book(db, catalogue)
    reopened = Database(db.url)
    try:
        with reopened.session() as s:
            assert [b.id for b in upcoming_bookings(s, "web:amy", now=NOW)] == [booking.id]
    finally:
        reopened.dispose()
