"""Every form answer read back to an elderly resident before the next question (issue
#13): the booking and complaint validations on hand-built trackers (the shape rasa-sdk
receives), a real migrated database, the stored speech profile, and a fixed "now"."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.booking as booking_actions
from actions.tickets import ValidateComplaintForm
from assistant.conversation.readback import AGAIN_TEXT, ELDERLY_METADATA_KEY
from assistant.residents.profile import set_elderly
from tests.booking.conftest import (  # noqa: F401 - the test catalogue installed
    _the_application_reads_the_test_catalogue, catalogue)

NOW = datetime(2026, 11, 29, 10, 0)  # Sunday, Asia/Shanghai wall clock
ELDER, OTHER = "web:r-elder", "web:r-young"
BOOKING_SLOTS = [*booking_actions.ALL_SLOTS, "requested_slot"]


@pytest.fixture(autouse=True)
def fixed_now(clock):
    clock.move_to(NOW, tick=False)


@pytest.fixture
def elder(app_env):
    set_elderly(app_env, ELDER, True, by="staff:test")
    return ELDER


def booking_tracker(text: str, *, sender: str, intent: str = "inform", slots: dict | None = None,
                    entities: list | None = None, metadata: dict | None = None) -> Tracker:
    values = dict.fromkeys(BOOKING_SLOTS)
    values.update(booking_confirming=False, booking_cancel_pending=False)
    values.update(slots or {})
    return Tracker(sender, values, {"text": text, "intent": {"name": intent, "confidence": 0.99},
                                    "entities": entities or [], "metadata": metadata or {}},
                   [], False, None, {"name": "booking_form"}, "action_listen")


def complaint_tracker(text: str, *, sender: str, intent: str = "inform", slots: dict | None = None,
                      events: list | None = None) -> Tracker:
    values = {"complaint_description": None, "complaint_location": None, "complaint_contact": None,
              "complaint_cancelled": None, "requested_slot": None, "form_resume": None, "form_failures": None}
    values.update(slots or {})
    return Tracker(sender, values, {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": []},
                   events or [], False, None, {"name": "complaint_form"}, "action_listen")


def run(action, trk: Tracker, domain: dict) -> tuple[dict, list[str]]:  # noqa: F811
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, trk, domain))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return slots, [m.get("text") or "" for m in dispatcher.messages]


AT_ADDRESS = {"booking_service": "理发", "booking_time": "2026-11-30T15:00", "requested_slot": "booking_address"}
AT_PHONE = {**AT_ADDRESS, "booking_address": "3号楼2单元501", "requested_slot": "booking_phone"}


def test_an_elderly_residents_address_is_read_back_before_the_next_question(elder, domain):  # noqa: F811
    slots, said = run(booking_actions.ValidateBookingForm(),
                      booking_tracker("3号楼2单元501", sender=elder, slots=AT_ADDRESS), domain)
    assert slots["booking_address"] == "3号楼2单元501"
    assert slots["requested_slot"] == "booking_phone"  # the next question follows the read-back
    assert said == ["好的，记下了：三号楼二单元五零一。"]


def test_anyone_else_gets_the_next_question_without_a_read_back(app_env, domain):  # noqa: F811
    slots, said = run(booking_actions.ValidateBookingForm(),
                      booking_tracker("3号楼2单元501", sender=OTHER, slots=AT_ADDRESS), domain)
    assert slots["booking_address"] == "3号楼2单元501" and slots["requested_slot"] == "booking_phone"
    assert said == []


def test_a_phone_is_read_back_masked_with_yao(elder, domain):  # noqa: F811
    slots, said = run(booking_actions.ValidateBookingForm(),
                      booking_tracker("13812341111", sender=elder, slots=AT_PHONE), domain)
    assert slots["booking_phone"] == "13812341111"
    assert said == ["好的，记下了：电话尾号幺幺幺幺。"]


def test_the_requests_elderly_flag_is_enough(app_env, domain):  # noqa: F811
    # The voice request's elderly=true reaches the action as message metadata: no stored profile needed.
    slots, said = run(booking_actions.ValidateBookingForm(),
                      booking_tracker("我想预约明天下午三点上门理发", sender=OTHER, intent="book_service",
                                      entities=[{"entity": "service_type", "value": "理发"}],
                                      metadata={ELDERLY_METADATA_KEY: True}), domain)
    assert slots["booking_service"] == "理发" and slots["booking_time"] == "2026-11-30T15:00"
    assert said == ["好的，记下了：理发，明天下午三点。"]


def test_a_failed_answer_is_not_read_back(elder, domain):  # noqa: F811
    slots, said = run(booking_actions.ValidateBookingForm(),
                      booking_tracker("12345", sender=elder, slots=AT_PHONE), domain)
    assert slots["booking_phone"] is None
    assert said == ["手机号好像不对，请说11位手机号。"]


def test_a_correction_is_read_back_as_changed(elder, domain):  # noqa: F811
    slots, said = run(booking_actions.ValidateBookingForm(),
                      booking_tracker("不对，改成下午四点", sender=elder, slots=AT_PHONE), domain)
    assert slots["booking_time"] == "2026-11-30T16:00"
    assert said[0] == "好的，改成了：明天下午四点。"


def test_complaint_answers_are_read_back_for_an_elder_only(elder, domain):  # noqa: F811
    form = ValidateComplaintForm()
    at_description = {"requested_slot": "complaint_description"}
    slots, said = run(form, complaint_tracker("楼道的灯坏了好几天了，晚上走路很危险", sender=elder,
                                              slots=at_description), domain)
    assert slots["complaint_description"] == "楼道的灯坏了好几天了，晚上走路很危险"
    assert said == ["好的，记下了：问题是楼道的灯坏了好几天了。"]  # shortened
    at_contact = {"complaint_description": "楼道灯坏了", "complaint_location": "3号楼",
                  "requested_slot": "complaint_contact"}
    slots, said = run(form, complaint_tracker("/deny", sender=elder, intent="deny", slots=at_contact), domain)
    assert slots["complaint_contact"] == "匿名" and said == ["好的，记下了：不留电话。"]
    _, said = run(form, complaint_tracker("/deny", sender=OTHER, intent="deny", slots=at_contact), domain)
    assert said == []


def test_a_corrected_place_is_read_back_for_an_elder(elder, domain):  # noqa: F811
    at_contact = {"complaint_description": "楼道灯坏了", "complaint_location": "3号楼",
                  "requested_slot": "complaint_contact"}
    slots, said = run(ValidateComplaintForm(), complaint_tracker("不对，是13号楼，不是3号楼", sender=elder,
                                                                 intent="deny", slots=at_contact), domain)
    assert slots["complaint_location"] == "13号楼" and slots["requested_slot"] == "complaint_contact"
    assert said == ["好的，改成了：十三号楼。"]


READ_BACK_PLACE = [
    {"event": "user", "text": "3号楼"},
    {"event": "slot", "name": "complaint_location", "value": "3号楼"},
    {"event": "slot", "name": "requested_slot", "value": "complaint_contact"},
    {"event": "bot", "text": "好的，记下了：三号楼。"},
    {"event": "bot", "text": "需要留个电话吗？"},
    {"event": "user", "text": "不对"},
]


@pytest.mark.parametrize("text", ["不对", "我说错了", "你听错了"])
def test_a_bare_no_after_a_read_back_asks_that_answer_again(elder, domain, text):  # noqa: F811
    at_contact = {"complaint_description": "楼道灯坏了", "complaint_location": "3号楼",
                  "requested_slot": "complaint_contact"}
    slots, said = run(ValidateComplaintForm(), complaint_tracker(
        text, sender=elder, intent="deny", slots=at_contact, events=READ_BACK_PLACE), domain)
    assert slots["complaint_location"] is None
    assert slots["requested_slot"] == "complaint_location"  # the form asks the place again
    assert "complaint_contact" not in slots  # never taken as 匿名
    assert said == [AGAIN_TEXT]
    # The new answer is then read back as usual.
    slots, said = run(ValidateComplaintForm(), complaint_tracker(
        "13号楼", sender=elder, slots={**at_contact, "complaint_location": None,
                                       "requested_slot": "complaint_location"}), domain)
    assert slots["complaint_location"] == "13号楼" and said == ["好的，记下了：十三号楼。"]


def test_without_a_read_back_a_bare_no_is_what_it_was(app_env, domain):  # noqa: F811
    # No read-back in the last turn (an ordinary resident): 不对 at the contact step is the
    # deny it always was (the rule "deny inside the form" runs action_leave_form).
    at_contact = {"complaint_description": "楼道灯坏了", "complaint_location": "3号楼",
                  "requested_slot": "complaint_contact"}
    events = [e for e in READ_BACK_PLACE if e.get("text") != "好的，记下了：三号楼。"]
    trk = complaint_tracker("不对", sender=OTHER, intent="deny", slots=at_contact, events=events)
    slots, said = run(ValidateComplaintForm(), trk, domain)
    assert "complaint_location" not in slots and AGAIN_TEXT not in said


def test_booking_a_bare_no_after_a_read_back_asks_which_answer(elder, domain):  # noqa: F811
    # The booking form reads corrections itself: a bare 不对 asks which answer to change.
    slots, said = run(booking_actions.ValidateBookingForm(),
                      booking_tracker("不对", sender=elder, intent="deny", slots=AT_PHONE), domain)
    assert said == ["哪一项要改？"] and slots["requested_slot"] == booking_actions.WHICH_SLOT


def summary_tracker(text: str, *, sender: str, slots: dict, intent: str = "inform") -> Tracker:
    return booking_tracker(text, sender=sender, intent=intent, slots={**slots, "requested_slot": None})


DONE = {**AT_PHONE, "booking_phone": "13912345678"}


def test_the_booking_summary_is_said_in_short_sentences_to_an_elder(elder, domain):  # noqa: F811
    _, said = run(booking_actions.ActionSubmitBooking(), summary_tracker("13912345678", sender=elder, slots=DONE),
                  domain)
    # One fact per sentence (the price is the catalogue's): 您要预约…。地址…。联系电话尾号5678。费用10元。对吗？
    assert said[0].startswith("您要预约11月30日周一下午3点的上门理发。地址3号楼2单元501。联系电话尾号5678。"), said
    assert said[0].endswith("。对吗？") and not set(said[0]) & set("（）*“”")
    _, plain = run(booking_actions.ActionSubmitBooking(), summary_tracker("13912345678", sender=OTHER, slots=DONE),
                   domain)
    assert "（周一）" in plain[0] and "139****5678" in plain[0]  # anyone else: as before
    _, booked = run(booking_actions.ActionSubmitBooking(), summary_tracker(
        "对", sender=elder, intent="affirm", slots={**DONE, "booking_confirming": True}), domain)
    assert booked[0].startswith("预约好了！预约号YY") and "（" not in booked[0] and "“" not in booked[0]


def test_the_complaint_summary_is_said_in_short_sentences_to_an_elder(elder, domain):  # noqa: F811
    from actions.tickets import ActionSubmitComplaint

    slots = {"complaint_description": "楼道灯坏了", "complaint_location": "3号楼", "complaint_contact": "匿名"}
    _, said = run(ActionSubmitComplaint(), complaint_tracker("/deny", sender=elder, slots=slots), domain)
    assert said[0].startswith("已为您登记。工单号 GD"), said
    assert not set(said[0]) & set("（）“”*")
