"""Round 19 (issue #11, blind15 read): a booking's time changed by a change of mind after
it was chosen from a list — by its place in the list or by its clock — at a later question.
Own sentences, a fixed "today" (Sunday 2026-11-29 10:00), the actions run without Rasa."""

from __future__ import annotations

import copy

import pytest

import actions.booking as booking_actions
from tests.booking.form_helpers import NOW, run
from tests.booking.form_helpers import tracker as _tracker

LISTED = [{"title": f"12月1日（周二）上午{t}", "payload": f'/inform{{"time": "2026-12-01T{iso}"}}'}
          for t, iso in (("8点半", "08:30"), ("9点半", "09:30"), ("10点半", "10:30"))]
EVENTS = [{"event": "active_loop", "name": "booking_form"},
          {"event": "bot", "text": "可以约的时间有：……", "data": {"buttons": LISTED}}]


def tracker(text: str, requested: str = "booking_address", **slots):
    return _tracker(text, sender="web:r19", events=copy.deepcopy(EVENTS), slots={
        "booking_service": "维修", "booking_time": "2026-12-01T08:30", "requested_slot": requested, **slots})


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(booking_actions, "now", lambda: NOW)


@pytest.mark.parametrize(("said", "iso"), [
    ("等等 头一个太早了 还是要最后那个", "2026-12-01T10:30"),
    ("还是第二个吧", "2026-12-01T09:30"),
    ("哎 换成第三个", "2026-12-01T10:30"),
    ("噢不对 我要第二个 晚一点好", "2026-12-01T09:30"),  # the reason after the pick
    ("不好意思 还是九点半那个吧 八点半起不来", "2026-12-01T09:30"),  # by its clock
    ("等下 还是十点半的吧", "2026-12-01T10:30"),
])
def test_a_change_of_mind_at_the_address_question_moves_the_time(app_env, domain, said, iso):
    slots, _, _ = run(booking_actions.ValidateBookingForm(), tracker(said), domain)
    assert slots.get("booking_time") == iso


@pytest.mark.parametrize("said", ["还是第五个吧", "第二个是几点来着？", "5号楼2单元301"])
def test_no_change_of_mind_keeps_the_time(app_env, domain, said):
    slots, _, _ = run(booking_actions.ValidateBookingForm(), tracker(said), domain)
    assert slots.get("booking_time") in (None, "2026-12-01T08:30")



# --- a booking named with a cancel word from the list of the resident's bookings ----------

def _two_bookings(db):
    from datetime import datetime

    from assistant.booking.service import book

    cut = book(db, sender_id="web:r19", service="理发", starts_at=datetime(2026, 12, 1, 16), address="幸福路8号",
               now=NOW)
    meal = book(db, sender_id="web:r19", service="助餐", starts_at=datetime(2026, 12, 2, 11), now=NOW)
    return cut, meal


def _after_list(db, said, payload=None):
    from assistant.booking.conversation import upcoming_text
    from assistant.conversation import commands

    listed = upcoming_text(db, "web:r19", now=NOW)
    events = [{"event": "user", "text": "我都约了啥"}, {"event": "bot", "text": listed, "data": {}},
              {"event": "user", "text": payload or said}]
    trk = _tracker(payload or said, intent="cancel_booking", sender="web:r19", form_active=False, events=events)
    if payload:
        trk.latest_message["metadata"] = {commands.WORDS_KEY: said}
    return trk


@pytest.mark.parametrize("said", ["下午四点那个退掉", "理发那个取消了吧", "把剪头的不要了"])
def test_one_named_with_a_cancel_word_from_the_shown_list_is_cancelled(app_env, domain, said):
    from assistant.booking.references import cancel_payload

    cut, meal = _two_bookings(app_env)
    payload = cancel_payload(cut.id) if "四点" in said else None  # a time: sent as its payload
    _, messages, _ = run(booking_actions.ActionCancelBooking(), _after_list(app_env, said, payload), domain)
    text = " ".join(m.get("text") or "" for m in messages)
    assert "取消" in text and "吗" not in text
    from assistant.booking.service import get_booking

    with app_env.session() as session:
        assert get_booking(session, cut.id).status == "cancelled"
        assert get_booking(session, meal.id).status != "cancelled"


@pytest.mark.parametrize("said", ["理发那个要不要取消呢", "理发那个先别取消"])
def test_a_question_or_keeping_from_the_list_cancels_nothing(app_env, domain, said):
    cut, _ = _two_bookings(app_env)
    run(booking_actions.ActionCancelBooking(), _after_list(app_env, said), domain)
    from assistant.booking.service import get_booking

    with app_env.session() as session:
        assert get_booking(session, cut.id).status != "cancelled"


def test_without_a_list_shown_the_cancel_is_asked_first(app_env, domain):
    cut, _ = _two_bookings(app_env)
    trk = _tracker("理发那个取消了吧", intent="cancel_booking", sender="web:r19", form_active=False)
    slots, messages, _ = run(booking_actions.ActionCancelBooking(), trk, domain)
    assert slots.get("booking_cancel_pending") is True and "吗" in messages[0]["text"]


@pytest.mark.parametrize("said", ["再订个后天上午十一点半的饭 就我一个", "帮我订份明天中午十二点的饭", "订大后天下午五点的餐"])
def test_a_meal_ordered_with_its_time_between_names_the_meal(said):
    from assistant.booking.conversation import service_asked_for

    assert service_asked_for(said) == "助餐"



@pytest.mark.parametrize(("said", "service"), [
    ("给我妈换个保洁 后天上午九点 地址电话跟上次一样", "保洁"),
    ("那换成理发吧 明天下午三点 地址不变", "理发"),
])
def test_a_booking_that_starts_with_a_change_word_keeps_its_service(app_env, domain, said, service):
    trk = _tracker(said, intent="book_service", sender="web:r19s", form_active=False)
    slots, _, _ = run(booking_actions.ValidateBookingForm(), trk, domain)
    assert slots.get("booking_service") == service


# --- a report said while the booking form asks its question --------------------------------

def _at_time_question(said, intent="file_complaint"):
    return _tracker(said, intent=intent, sender="web:r19r", slots={
        "booking_service": "保洁", "requested_slot": "booking_time"})


@pytest.mark.parametrize("said", [
    "对了还有个事 楼上水管漏到我家厨房了 12栋2单元301 帮我报一下 电话13912345678",
    "先说个别的，7号楼门口路灯坏了好几天了，给报一下",
])
def test_a_whole_report_in_the_booking_form_is_filed_and_the_form_goes_on(app_env, domain, said):
    from assistant.tickets.models import Ticket

    slots, messages, _ = run(booking_actions.ValidateBookingForm(), _at_time_question(said), domain)
    assert any("工单号" in (m.get("text") or "") for m in messages)
    assert slots.get("requested_slot") in (None, "booking_time")  # the time is asked on
    with app_env.session() as session:
        assert session.query(Ticket).count() == 1


@pytest.mark.parametrize(("said", "intent"), [
    ("楼道灯坏了", "file_complaint"),  # no place: the form reads it as usual
    ("12栋2单元301 楼上漏水", "inform"),  # not heard as a report
])
def test_no_whole_report_files_nothing(app_env, domain, said, intent):
    from assistant.tickets.models import Ticket

    run(booking_actions.ValidateBookingForm(), _at_time_question(said, intent), domain)
    with app_env.session() as session:
        assert session.query(Ticket).count() == 0


@pytest.mark.parametrize("said", ["维修那个 单元门的门禁坏了", "那个维修 地下车库的灯全不亮", "保洁那个 楼道里脏得很"])
def test_a_public_places_fault_is_no_pick_to_book(said):
    from assistant.booking.conversation import picks_service

    assert picks_service(said) is None


@pytest.mark.parametrize(("said", "service"), [("维修那个 我家热水器打不着火", "维修"), ("保洁那个吧 家里太乱了", "保洁")])
def test_a_homes_fault_with_the_service_picked_still_books(said, service):
    from assistant.booking.conversation import picks_service

    assert picks_service(said) == service


@pytest.mark.parametrize("said", ["给我妈换个保洁 后天上午九点 地址电话不变", "那换成维修吧 后天上午十点 地址电话跟上次一样"])
def test_contact_said_to_stay_is_taken_from_last_time(app_env, domain, said):
    from assistant.booking.conversation import remember

    remember(app_env, "web:r19k", address="3号楼2单元501", phone="13912345678")
    trk = _tracker(said, intent="book_service", sender="web:r19k", form_active=False)
    slots, _, _ = run(booking_actions.ValidateBookingForm(), trk, domain)
    assert slots.get("booking_address") == "3号楼2单元501"
    assert slots.get("booking_phone") == "13912345678"


def test_contact_said_to_stay_is_taken_at_a_later_question(app_env, domain):
    from assistant.booking.conversation import remember

    remember(app_env, "web:r19k", address="3号楼2单元501", phone="13912345678")
    events = [{"event": "active_loop", "name": "booking_form"}, {"event": "user", "text": "地址还是原来的"}]
    trk = _tracker("地址还是原来的", sender="web:r19k", events=events, slots={
        "booking_service": "保洁", "booking_time": "2026-12-01T09:00", "requested_slot": "booking_address"})
    slots, _, _ = run(booking_actions.ValidateBookingForm(), trk, domain)
    assert slots.get("booking_address") == "3号楼2单元501"


@pytest.mark.parametrize("said", ["下午四点那个不要了", "四点的那个理发退掉吧"])
def test_one_of_several_named_by_its_time_with_a_cancel_is_cancelled(app_env, domain, said):
    from assistant.booking.references import cancel_payload
    from assistant.booking.service import get_booking
    from assistant.conversation import commands

    cut, meal = _two_bookings(app_env)
    trk = _tracker(cancel_payload(cut.id), intent="cancel_booking", sender="web:r19", form_active=False)
    trk.latest_message["metadata"] = {commands.WORDS_KEY: said}
    run(booking_actions.ActionCancelBooking(), trk, domain)
    with app_env.session() as session:
        assert get_booking(session, cut.id).status == "cancelled"
        assert get_booking(session, meal.id).status != "cancelled"


def test_the_only_booking_named_by_its_time_is_still_asked(app_env, domain):
    from datetime import datetime

    from assistant.booking.references import cancel_payload
    from assistant.booking.service import book
    from assistant.conversation import commands

    only = book(app_env, sender_id="web:r19", service="理发", starts_at=datetime(2026, 12, 1, 16),
                address="幸福路8号", now=NOW)
    trk = _tracker(cancel_payload(only.id), intent="cancel_booking", sender="web:r19", form_active=False)
    trk.latest_message["metadata"] = {commands.WORDS_KEY: "四点那个不要了"}
    slots, _, _ = run(booking_actions.ActionCancelBooking(), trk, domain)
    assert slots.get("booking_cancel_pending") is True
