"""The booking actions on hand-built trackers (the shape rasa-sdk receives), on a
real migrated database and a fixed "today". The real Rasa server is exercised by
tests/e2e/test_booking_chat.py."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.booking as booking_actions
from assistant.booking.service import book
from assistant.booking.timeparse import TZ

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=TZ)  # Sunday
SLOT_NAMES = [*booking_actions.ALL_SLOTS, "requested_slot"]


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(booking_actions, "now", lambda: NOW)


def tracker(
    text: str,
    *,
    intent: str = "inform",
    entities: list | None = None,
    slots: dict | None = None,
    sender: str = "web:t1",
    form_active: bool = True,
    confidence: float = 0.99,
    events: list | None = None,
) -> Tracker:
    values = dict.fromkeys(SLOT_NAMES)
    values.update(booking_confirming=False, booking_cancel_pending=False)
    values.update(slots or {})
    return Tracker(
        sender,
        values,
        {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": entities or []},
        events or [],
        False,
        None,
        {"name": "booking_form"} if form_active else {},
        "action_listen",
    )


def run(action, trk: Tracker, domain: dict) -> tuple[dict, list[str], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, trk, domain))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return (
        slots,
        [m.get("text") or "" for m in dispatcher.messages],
        [e for e in events if e.get("event") != "slot"],
    )


def test_first_message_fills_service_and_time_then_asks_for_the_address(app_env, domain):
    slots, said, _ = run(
        booking_actions.ValidateBookingForm(),
        tracker(
            "我想预约明天下午三点上门理发",
            intent="book_service",
            entities=[{"entity": "service_type", "value": "理发"}],
        ),
        domain,
    )
    assert slots["booking_service"] == "理发"
    assert slots["booking_time"] == "2026-11-30T15:00"
    assert slots["requested_slot"] == "booking_address"
    assert said == []


def test_time_before_service_is_resolved_when_the_service_arrives(app_env, domain):
    first, _, _ = run(
        booking_actions.ValidateBookingForm(), tracker("明天下午三点", intent="book_service"), domain
    )
    assert first["booking_time_text"] == "明天下午三点" and first.get("booking_time") is None
    second, _, _ = run(
        booking_actions.ValidateBookingForm(),
        tracker("理发", slots={"requested_slot": "booking_service", **first}),
        domain,
    )
    assert second["booking_service"] == "理发" and second["booking_time"] == "2026-11-30T15:00"


def test_closed_day_offers_the_nearest_free_slots_as_buttons(app_env, domain):
    dispatcher = CollectingDispatcher()
    trk = tracker("今天下午三点", slots={"booking_service": "理发", "requested_slot": "booking_time"})
    events = asyncio.run(booking_actions.ValidateBookingForm().run(dispatcher, trk, domain))
    assert {"event": "slot", "name": "booking_time", "value": None, "timestamp": None} in events
    message = dispatcher.messages[0]
    assert "周日不上班" in message["text"] and "最近可以约的时间有" in message["text"]
    assert [b["payload"] for b in message["buttons"]][0] == '/inform{"time": "2026-11-30T09:00"}'


def test_button_payload_is_taken_exactly(app_env, domain):
    slots, _, _ = run(
        booking_actions.ValidateBookingForm(),
        tracker(
            '/inform{"time": "2026-12-01T14:30"}',
            entities=[{"entity": "time", "value": "2026-12-01T14:30"}],
            slots={"booking_service": "理发", "requested_slot": "booking_time"},
        ),
        domain,
    )
    assert slots["booking_time"] == "2026-12-01T14:30"


@pytest.mark.parametrize(
    ("requested", "text", "slot", "value", "reask"),
    [
        ("booking_address", "我住在幸福路8号3号楼201室", "booking_address", "幸福路8号3号楼201室", None),
        ("booking_address", "好的", "booking_address", None, "具体地址"),
        ("booking_phone", "139 1234 5678", "booking_phone", "13912345678", None),
        ("booking_phone", "12345", "booking_phone", None, "11位手机号"),
        ("booking_service", "按摩", "booking_service", None, "暂时没有"),
    ],
)
def test_answers_are_validated_with_short_reasks(app_env, domain, requested, text, slot, value, reask):
    slots, said, _ = run(
        booking_actions.ValidateBookingForm(),
        tracker(
            text,
            slots={
                "booking_service": "理发" if requested != "booking_service" else None,
                "booking_time": "2026-11-30T15:00",
                "requested_slot": requested,
            },
        ),
        domain,
    )
    assert slots[slot] == value
    if reask:
        assert any(reask in s for s in said)
    else:
        assert said == []


def test_bathing_asks_age_and_refuses_the_young(app_env, domain):
    first, _, _ = run(
        booking_actions.ValidateBookingForm(), tracker("我要预约助浴", intent="book_service"), domain
    )
    # Every form slot is needed for 助浴, so Rasa asks the first missing one (the age).
    assert first["booking_service"] == "助浴" and first.get("requested_slot") is None
    young, said, _ = run(
        booking_actions.ValidateBookingForm(),
        tracker("我五十岁", slots={"booking_service": "助浴", "requested_slot": "booking_eligibility"}),
        domain,
    )
    assert young["booking_service"] is None and young["requested_slot"] is None and "70岁以上" in said[0]
    old, _, _ = run(
        booking_actions.ValidateBookingForm(),
        tracker("八十二了", slots={"booking_service": "助浴", "requested_slot": "booking_eligibility"}),
        domain,
    )
    assert old["booking_eligibility"] == "八十二了" and old.get("requested_slot") is None


def test_centre_services_do_not_ask_for_an_address(app_env, domain):
    slots, _, _ = run(
        booking_actions.ValidateBookingForm(), tracker("预约下周二上午体检", intent="book_service"), domain
    )
    assert slots["booking_service"] == "体检" and slots["booking_time"] == "2026-12-01T08:00"
    assert slots["requested_slot"] == "booking_phone"


def test_read_back_then_book_then_remembered_next_time(app_env, domain):
    filled = {
        "booking_service": "理发",
        "booking_time": "2026-11-30T15:00",
        "booking_address": "幸福路8号",
        "booking_phone": "13912345678",
    }
    slots, said, _ = run(
        booking_actions.ActionSubmitBooking(), tracker("", slots=filled, form_active=False), domain
    )
    assert slots == {"booking_confirming": True}
    assert said == [
        "您要预约11月30日（周一）下午3点的上门理发，地址幸福路8号，联系电话139****5678，费用10元，对吗？"
    ]
    slots, said, _ = run(
        booking_actions.ActionSubmitBooking(),
        tracker("对", intent="affirm", slots={**filled, "booking_confirming": True}, form_active=False),
        domain,
    )
    assert "预约号YY" in said[0] and slots["booking_confirming"] is False and slots["booking_time"] is None
    # The next form offers the remembered address and phone.
    again, _, _ = run(
        booking_actions.ValidateBookingForm(), tracker("我想预约后天上午保洁", intent="book_service"), domain
    )
    assert again["booking_address"] == "幸福路8号" and again["booking_phone"] == "13912345678"
    assert again["requested_slot"] is None


LISTEN = {"event": "followup", "name": "action_listen", "timestamp": None}


def test_bare_deny_at_read_back_asks_which_answer_with_buttons(app_env, domain):
    filled = {
        "booking_service": "理发",
        "booking_time": "2026-11-30T15:00",
        "booking_address": "幸福路8号",
        "booking_phone": "13912345678",
        "booking_confirming": True,
    }
    dispatcher = CollectingDispatcher()
    events = asyncio.run(
        booking_actions.ActionSubmitBooking().run(
            dispatcher, tracker("不对", intent="deny", slots=filled, form_active=False), domain
        )
    )
    # Nothing is dropped or asked again yet: which one? with buttons; then the resident answers.
    assert events == [
        {"event": "slot", "name": "booking_confirming", "value": True, "timestamp": None},
        LISTEN,
    ]
    assert "哪一项要改" in dispatcher.messages[0]["text"]
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]][:4] == ["时间", "地址", "电话", "服务"]
    # The 地址 button (or a typed 地址, which the NLU may call affirm) asks only the address again.
    for trk in (
        tracker(
            '/inform{"booking_field": "地址"}',
            entities=[{"entity": "booking_field", "value": "地址"}],
            slots=filled,
            form_active=False,
        ),
        tracker("地址", intent="affirm", slots=filled, form_active=False),
    ):
        slots, said, other = run(booking_actions.ActionSubmitBooking(), trk, domain)
        assert slots == {"booking_address": None, "booking_confirming": False}
        assert other == [{"event": "followup", "name": "booking_form", "timestamp": None}]
    # The form then asks for the address and nothing else; the rest is kept.
    again, _, _ = run(
        booking_actions.ValidateBookingForm(),
        tracker(
            "地址", slots={**filled, "booking_address": None, "booking_confirming": False}, form_active=False
        ),
        domain,
    )
    assert again.get("booking_address") is None and again["requested_slot"] == "booking_address"
    assert "booking_time" not in again and "booking_phone" not in again
    _, listed, _ = run(booking_actions.ActionQueryBooking(), tracker("我约了什么", form_active=False), domain)
    assert "没有预约" in listed[0]


@pytest.mark.parametrize(
    ("text", "intent", "slot", "value", "in_readback"),
    [
        (
            "地址不对，是3号楼1单元202",
            "nlu_fallback",
            "booking_address",
            "3号楼1单元202",
            "地址3号楼1单元202",
        ),
        (
            "不对，时间改成后天下午三点",
            "nlu_fallback",
            "booking_time",
            "2026-12-01T15:00",
            "12月1日（周二）下午3点",
        ),
        ("电话不对，13900001111", "deny", "booking_phone", "13900001111", "139****1111"),
        # heard as affirm by the NLU: still a correction, read back again, and no rule needs to know
        (
            "电话不对，改成13912343299，这个是我儿子的",
            "affirm",
            "booking_phone",
            "13912343299",
            "139****3299",
        ),
    ],
)
def test_correction_at_read_back_changes_that_answer_and_reads_back_again(
    app_env, domain, text, intent, slot, value, in_readback
):
    filled = {
        "booking_service": "理发",
        "booking_time": "2026-11-30T15:00",
        "booking_address": "幸福路8号",
        "booking_phone": "13912345678",
        "booking_confirming": True,
    }
    slots, said, other = run(
        booking_actions.ActionSubmitBooking(),
        tracker(text, intent=intent, slots=filled, form_active=False),
        domain,
    )
    assert slots[slot] == value and slots["booking_confirming"] is True and other == [LISTEN]
    assert in_readback in said[0] and said[0].endswith("对吗？")
    for name in ("booking_time", "booking_address", "booking_phone"):
        if name != slot:
            assert slots[name] == filled[name]  # only that answer changed


def test_stop_at_read_back_drops_the_booking(app_env, domain):
    filled = {
        "booking_service": "理发",
        "booking_time": "2026-11-30T15:00",
        "booking_address": "幸福路8号",
        "booking_phone": "13912345678",
        "booking_confirming": True,
    }
    slots, said, _ = run(
        booking_actions.ActionSubmitBooking(),
        tracker("算了不约了", intent="cancel_booking", slots=filled, form_active=False),
        domain,
    )
    assert said == ["好的，刚才的理发预约不约了。需要的时候再跟我说。"]
    assert slots["booking_service"] is None and slots["booking_confirming"] is False


def test_full_slot_at_submit_goes_back_to_the_form_with_buttons(app_env, domain):
    for i in range(3):
        book(
            app_env,
            sender_id=f"web:o{i}",
            service="理发",
            starts_at=datetime(2026, 11, 30, 15),
            address="x",
            now=NOW,
        )
    filled = {
        "booking_service": "理发",
        "booking_time": "2026-11-30T15:00",
        "booking_address": "幸福路8号",
        "booking_phone": "13912345678",
        "booking_confirming": True,
    }
    dispatcher = CollectingDispatcher()
    events = asyncio.run(
        booking_actions.ActionSubmitBooking().run(
            dispatcher, tracker("对", intent="affirm", slots=filled, form_active=False), domain
        )
    )
    assert "约满" in dispatcher.messages[0]["text"] and len(dispatcher.messages[0]["buttons"]) == 3
    assert {"event": "followup", "name": "booking_form", "timestamp": None} in events


def test_cancel_by_service_with_confirmation_then_list(app_env, domain):
    haircut = book(
        app_env,
        sender_id="web:t1",
        service="理发",
        starts_at=datetime(2026, 11, 30, 15),
        address="幸福路8号",
        now=NOW,
    )
    _, listed, _ = run(booking_actions.ActionQueryBooking(), tracker("我约了什么", form_active=False), domain)
    assert haircut.id in listed[0] and "11月30日（周一）下午3点" in listed[0]
    slots, said, _ = run(
        booking_actions.ActionCancelBooking(),
        tracker("取消我那个理发的预约", intent="cancel_booking", form_active=False),
        domain,
    )
    assert slots == {"booking_cancel_id": haircut.id, "booking_cancel_pending": True}
    assert said == [f"要取消11月30日（周一）下午3点的上门理发（预约号{haircut.id}）吗？"]
    _, done, _ = run(
        booking_actions.ActionCancelBooking(),
        tracker("对", intent="affirm", slots=slots, form_active=False),
        domain,
    )
    assert done == [f"已经取消了预约{haircut.id}。"]
    _, listed, _ = run(booking_actions.ActionQueryBooking(), tracker("我约了什么", form_active=False), domain)
    assert "没有预约" in listed[0]


def test_cancel_by_id_of_someone_else_finds_nothing(app_env, domain):
    other = book(
        app_env,
        sender_id="web:other",
        service="理发",
        starts_at=datetime(2026, 11, 30, 15),
        address="幸福路8号",
        now=NOW,
    )
    _, said, _ = run(
        booking_actions.ActionCancelBooking(),
        tracker(f"取消{other.id}", intent="cancel_booking", form_active=False),
        domain,
    )
    assert "没有" in said[0]


# --- leaving, questions in the middle, corrections, failed answers (issue #11) ---------

AT_TIME = {"booking_service": "理发", "requested_slot": "booking_time"}
AT_PHONE = {
    "booking_service": "理发",
    "booking_time": "2026-11-30T15:00",
    "booking_address": "幸福路8号",
    "requested_slot": "booking_phone",
}


def validate(trk: Tracker, domain: dict) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(booking_actions.ValidateBookingForm().run(dispatcher, trk, domain))
    return events, dispatcher.messages


@pytest.mark.parametrize(
    ("text", "intent"), [("不约了", "cancel_booking"), ("算了不要了", "deny"), ("不弄了", "deny")]
)
def test_a_stop_word_is_never_read_as_a_time(app_env, domain, text, intent):
    # The bug of issue #11: 不约了 (cancel_booking 0.999) got "没听清是哪天几点".
    events, said = validate(tracker(text, intent=intent, confidence=0.999, slots=AT_TIME), domain)
    assert events == [] and said == []  # rejected: the rule in nlu_data/rules/forms.yml leaves the form


def test_a_stop_word_the_nlu_did_not_hear_ends_the_form_from_inside(app_env, domain):
    events, said = validate(tracker("不约了", intent="inform", slots=AT_TIME), domain)
    assert said == []
    assert {"event": "slot", "name": "requested_slot", "value": None, "timestamp": None} in events
    assert {"event": "followup", "name": "action_leave_form", "timestamp": None} in events


def test_a_real_answer_with_a_task_intent_is_still_an_answer(app_env, domain):
    events, said = validate(tracker("明天下午三点理发", intent="book_service", slots=AT_TIME), domain)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["booking_time"] == "2026-11-30T15:00" and said == []


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("高龄津贴怎么领", "ask_policy"),
        ("我约了什么", "query_booking"),
        ("/help", "help"),
        ("我要找工作人员", "request_human"),
    ],
)
def test_a_question_in_the_middle_steps_aside(app_env, domain, text, intent):
    events, said = validate(tracker(text, intent=intent, slots={"requested_slot": "booking_service"}), domain)
    assert events == [] and said == []  # not "这项服务暂时没有": the rule for the question runs


def test_back_from_a_question_asks_whether_to_go_on_then_continues(app_env, domain):
    asked = [
        {"event": "user", "text": "高龄津贴怎么领"},
        {"event": "action_execution_rejected", "name": "booking_form"},
        {"event": "action", "name": "action_ask_policy"},
        {"event": "bot", "text": "..."},
        {"event": "action", "name": "booking_form"},
    ]
    events, _ = validate(tracker("高龄津贴怎么领", intent="ask_policy", slots=AT_TIME, events=asked), domain)
    assert events == [
        {"event": "slot", "name": "form_resume", "value": "booking_form", "timestamp": None},
        {"event": "slot", "name": "requested_slot", "value": "form_resume", "timestamp": None},
    ]
    resumed = {**AT_TIME, "requested_slot": "form_resume", "form_resume": "booking_form"}
    events, said = validate(tracker("继续", intent="affirm", slots=resumed), domain)
    assert {"event": "slot", "name": "requested_slot", "value": "booking_time", "timestamp": None} in events
    assert said == []
    events, _ = validate(tracker("不用了", intent="deny", slots=resumed), domain)
    assert events == []  # rejected: deny inside the form leaves it
    events, _ = validate(tracker("明天下午三点", slots=resumed), domain)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["booking_time"] == "2026-11-30T15:00" and slots["form_resume"] is None


def test_the_continue_button_asks_the_form_s_question_again(app_env, domain):
    # The 继续 button's payload (/affirm) is a bare yes, never an answer to the time question.
    resumed = {**AT_TIME, "requested_slot": "form_resume", "form_resume": "booking_form"}
    events, said = validate(tracker("/affirm", intent="affirm", slots=resumed), domain)
    assert {"event": "slot", "name": "requested_slot", "value": "booking_time", "timestamp": None} in events
    assert said == []


def test_a_yes_to_go_on_that_answers_at_once_is_read_as_the_answer(app_env, domain):
    resumed = {
        "booking_service": "理发",
        "booking_time": "2026-11-30T15:00",
        "requested_slot": "form_resume",
        "form_resume": "booking_form",
    }
    events, said = validate(
        tracker("好，地址12号楼5单元303，电话13800001203", intent="affirm", slots=resumed), domain
    )
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["booking_address"] == "12号楼5单元303" and slots["booking_phone"] == "13800001203", slots
    assert slots["form_resume"] is None
    assert not any("地址" in m.get("text", "") for m in said)  # not asked again


def test_ask_to_go_on_names_what_was_being_booked(app_env, domain):
    from actions.forms import ActionAskFormResume

    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAskFormResume().run(dispatcher, tracker("", slots=AT_TIME), domain))
    assert dispatcher.messages[0]["text"] == "刚才的理发预约还继续吗？"
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/affirm", "/deny"]


@pytest.mark.parametrize("intent", ["nlu_fallback", "deny", "inform"])
def test_a_time_correction_at_the_phone_step_changes_the_time_only(app_env, domain, intent):
    events, said = validate(tracker("不对，时间改成后天下午三点", intent=intent, slots=AT_PHONE), domain)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["booking_time"] == "2026-12-01T15:00"
    assert "booking_phone" not in slots and "booking_address" not in slots
    assert slots["requested_slot"] == "booking_phone"  # then the phone question again
    assert not any("手机号" in m.get("text", "") for m in said)


def test_an_address_correction_at_the_phone_step(app_env, domain):
    events, said = validate(
        tracker("地址不对，是3号楼1单元202", intent="nlu_fallback", slots=AT_PHONE), domain
    )
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["booking_address"] == "3号楼1单元202" and slots["requested_slot"] == "booking_phone"
    assert [m["text"] for m in said] == ["好的，地址改成3号楼1单元202。"]  # said back (round 12)


def test_a_bare_no_in_the_middle_asks_which_answer_then_asks_it_again(app_env, domain):
    events, said = validate(tracker("不对", intent="deny", slots=AT_PHONE), domain)
    assert "哪一项要改" in said[0]["text"]
    assert {"event": "slot", "name": "requested_slot", "value": "booking_which", "timestamp": None} in events
    events, _ = validate(
        tracker("时间", intent="inform", slots={**AT_PHONE, "requested_slot": "booking_which"}), domain
    )
    assert events == [
        {"event": "slot", "name": "booking_time", "value": None, "timestamp": None},
        {"event": "slot", "name": "booking_time_text", "value": None, "timestamp": None},
        {"event": "slot", "name": "requested_slot", "value": "booking_time", "timestamp": None},
    ]


def test_two_failed_answers_offer_free_slots_and_a_person(app_env, domain):
    events, said = validate(tracker("嗯嗯", slots=AT_TIME), domain)
    assert {"event": "slot", "name": "form_failures", "value": "booking_time:1", "timestamp": None} in events
    assert not any(m.get("buttons") for m in said)
    events, said = validate(tracker("嗯嗯", slots={**AT_TIME, "form_failures": "booking_time:1"}), domain)
    assert {"event": "slot", "name": "form_failures", "value": "booking_time:2", "timestamp": None} in events
    buttons = said[-1]["buttons"]
    assert buttons[-1] == {"title": "转人工", "payload": "/request_human"}
    assert buttons[0]["payload"].startswith('/inform{"time": "2026-11-30T')  # the nearest free slots
    # An answer resets the count.
    events, _ = validate(
        tracker("明天下午三点", slots={**AT_TIME, "form_failures": "booking_time:2"}), domain
    )
    assert {"event": "slot", "name": "form_failures", "value": None, "timestamp": None} in events


def test_two_failed_service_answers_offer_services(app_env, domain):
    slots = {"requested_slot": "booking_service", "form_failures": "booking_service:1"}
    _, said = validate(tracker("按摩", slots=slots), domain)
    titles = [b["title"] for b in said[-1]["buttons"]]
    assert "理发" in titles and titles[-1] == "转人工"


def test_an_early_time_is_kept_until_the_service_is_named(app_env, domain):
    first, _ = validate(tracker("我想预约，明天上午十点", intent="book_service", form_active=False), domain)
    slots = {e["name"]: e["value"] for e in first if e["event"] == "slot"}
    # Rasa then asks the first missing answer, the service (rasa-sdk leaves it to Rasa here).
    assert slots["booking_time_text"] == "我想预约，明天上午十点" and slots.get("booking_time") is None
    second, _ = validate(tracker("理发", slots={**slots, "requested_slot": "booking_service"}), domain)
    slots = {e["name"]: e["value"] for e in second if e["event"] == "slot"}
    assert slots["booking_time"] == "2026-11-30T10:00" and slots["requested_slot"] == "booking_address"


def test_leaving_says_what_was_dropped_and_drops_it(app_env, domain):
    from actions.forms import ActionLeaveForm

    slots, said, other = run(
        ActionLeaveForm(),
        tracker("不约了", intent="cancel_booking", slots={**AT_PHONE, "form_failures": "booking_phone:1"}),
        domain,
    )
    assert said == ["好的，刚才的理发预约不约了。需要的时候再跟我说。"]
    assert other == [{"event": "active_loop", "name": None, "timestamp": None}]
    assert (
        slots["booking_service"] is None and slots["booking_time"] is None and slots["form_failures"] is None
    )


def test_asking_for_a_person_in_the_form_records_it_and_keeps_the_form(app_env, domain):
    from actions.core import ActionRequestHuman
    from assistant.residents.service import list_handoffs

    slots, said, other = run(
        ActionRequestHuman(), tracker("我要找工作人员", intent="request_human", slots=AT_TIME), domain
    )
    assert said[0].startswith("好的，给您转人工。") and slots == {} and other == []
    with app_env.session() as session:
        assert [r.sender_id for _, r in list_handoffs(session)] == ["web:t1"]
    # The form runs again after it (nlu_data/rules/forms.yml) and asks whether to go on.
    asked = [
        {"event": "user", "text": "我要找工作人员"},
        {"event": "action_execution_rejected", "name": "booking_form"},
        {"event": "action", "name": "action_request_human"},
    ]
    events, _ = validate(
        tracker("我要找工作人员", intent="request_human", slots=AT_TIME, events=asked), domain
    )
    assert {"event": "slot", "name": "requested_slot", "value": "form_resume", "timestamp": None} in events


def test_an_address_said_in_the_first_message_is_kept(app_env, domain):
    events, _ = validate(
        tracker("我住8号楼2单元502，想约明天下午三点理发", intent="book_service", form_active=False), domain
    )
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["booking_address"] == "8号楼2单元502" and slots["booking_time"] == "2026-11-30T15:00"
    assert slots["requested_slot"] == "booking_phone"


def test_a_new_time_without_a_day_keeps_the_day_at_the_read_back(app_env, domain):
    filled = {
        "booking_service": "理发",
        "booking_time": "2026-12-01T16:00",
        "booking_address": "6号楼2单元601",
        "booking_phone": "13800003333",
        "booking_confirming": True,
    }
    slots, said, _ = run(
        booking_actions.ActionSubmitBooking(),
        tracker("改成下午三点半", slots=filled, form_active=False),
        domain,
    )
    assert slots["booking_time"] == "2026-12-01T15:30" and "12月1日（周二）下午3点半" in said[0]


def test_a_form_started_again_by_the_read_back_is_no_return_from_a_question(app_env, domain):
    # 地址 at the read-back: action_submit_booking starts the form again (FollowupAction);
    # that is not "back from a question", so the address is asked, not 还继续吗.
    events = [
        {"event": "user", "text": "地址"},
        {"event": "action", "name": "action_submit_booking"},
        {"event": "active_loop", "name": "booking_form"},
    ]
    filled = {"booking_service": "理发", "booking_time": "2026-11-30T15:00", "booking_phone": "13912345678"}
    got, _ = validate(tracker("地址", slots=filled, events=events), domain)
    assert {"event": "slot", "name": "requested_slot", "value": "booking_address", "timestamp": None} in got


def test_booked_text_promises_a_reminder_only_on_a_channel_that_delivers(app_env, domain):
    filled = {
        "booking_service": "理发",
        "booking_time": "2026-11-30T15:00",
        "booking_address": "幸福路8号",
        "booking_phone": "13912345678",
        "booking_confirming": True,
    }
    _, said, _ = run(
        booking_actions.ActionSubmitBooking(),
        tracker("对", intent="affirm", slots=filled, form_active=False),
        domain,
    )
    assert "预约号YY" in said[0] and "提醒" not in said[0] and "我约了什么" in said[0]


def test_a_policy_question_at_the_read_back_is_answered_and_the_read_back_waits(app_env, domain):
    filled = {
        "booking_service": "理发",
        "booking_time": "2026-11-30T15:00",
        "booking_address": "幸福路8号",
        "booking_phone": "13912345678",
        "booking_confirming": True,
    }
    slots, said, other = run(
        booking_actions.ActionSubmitBooking(),
        tracker("居家养老服务补贴怎么申请", intent="ask_policy", slots=filled, form_active=False),
        domain,
    )
    assert slots == {"booking_confirming": True} and said == []
    assert other == [{"event": "followup", "name": "action_ask_policy", "timestamp": None}]
    # A correction the NLU heard as a question is still a correction.
    slots, said, _ = run(
        booking_actions.ActionSubmitBooking(),
        tracker("电话错了，应该是13900001112", intent="ask_policy", slots=filled, form_active=False),
        domain,
    )
    assert slots["booking_phone"] == "13900001112" and "139****1112" in said[0]


def test_a_changed_mind_names_another_service_with_the_time(app_env, domain):
    # 约个理发 … 哦不对不对，我说错了，是约保洁，后天下午三点: both answers change.
    slots, _, _ = run(
        booking_actions.ValidateBookingForm(),
        tracker(
            "哦不对不对，我说错了，是约保洁，后天下午三点",
            slots={"booking_service": "理发", "requested_slot": "booking_time"},
        ),
        domain,
    )
    assert slots["booking_service"] == "保洁", slots
    assert slots["booking_time"] == "2026-12-01T15:00", slots  # a 保洁 slot (they start at 13:00, 15:00)
    # Naming the same service again with a corrected time changes only the time.
    slots, _, _ = run(
        booking_actions.ValidateBookingForm(),
        tracker(
            "不对，理发改到后天下午三点",
            slots={
                "booking_service": "理发",
                "requested_slot": "booking_address",
                "booking_time": "2026-11-30T15:00",
            },
        ),
        domain,
    )
    assert "booking_service" not in slots and slots["booking_time"] == "2026-12-01T15:00"


def test_a_phone_said_when_the_service_is_asked_is_kept_and_the_service_asked_again(app_env, domain):
    slots, said, _ = run(
        booking_actions.ValidateBookingForm(),
        tracker(
            "15843906627", slots={"requested_slot": "booking_service", "booking_time_text": "明天中午十二点"}
        ),
        domain,
    )
    assert slots["booking_phone"] == "15843906627"
    assert "booking_service" not in slots or slots["booking_service"] is None
    assert not any("暂时没有" in s for s in said)  # not read as a service the butler lacks


# --- answers said at another question (issue #11, B1) -----------------------------------


def test_a_time_said_with_the_service_at_the_service_question_is_kept(app_env, domain):
    slots, said, _ = run(
        booking_actions.ValidateBookingForm(),
        tracker("理发，明天下午三点", slots={"requested_slot": "booking_service"}),
        domain,
    )
    assert slots["booking_service"] == "理发" and slots["booking_time"] == "2026-11-30T15:00"
    assert slots["requested_slot"] == "booking_address"


def test_a_time_alone_at_the_service_question_is_kept_and_the_service_asked_again(app_env, domain):
    slots, said, _ = run(
        booking_actions.ValidateBookingForm(),
        tracker("明天上午八点", slots={"requested_slot": "booking_service"}),
        domain,
    )
    assert not any("暂时没有" in s for s in said)
    assert slots.get("booking_service") is None and slots["booking_time_text"] == "明天上午八点"
    later, _, _ = run(
        booking_actions.ValidateBookingForm(),
        tracker("陪我去医院看病", slots={"requested_slot": "booking_service", **slots}),
        domain,
    )
    assert later["booking_service"] == "陪诊" and later["booking_time"] == "2026-11-30T08:00"


def test_unsure_at_the_time_question_offers_the_times_to_pick(app_env, domain):
    dispatcher = CollectingDispatcher()
    trk = tracker("那个那个，我也说不好", intent="check_ticket", slots=AT_TIME)
    events = asyncio.run(booking_actions.ValidateBookingForm().run(dispatcher, trk, domain))
    assert events  # an answer that failed, not a question in the middle (the form is not rejected)
    message = next(m for m in dispatcher.messages if m.get("buttons"))
    assert "没关系" in message["text"] and message["buttons"][0]["payload"].startswith(
        '/inform{"time": "2026-11-30T'
    )


@pytest.mark.parametrize(
    ("text", "intent"),
    [("不知道，帮我转人工", "request_human"), ("我不知道怎么取消这个预约", "cancel_booking")],
)
def test_a_person_or_a_cancel_asked_with_i_dont_know_at_the_time_question_goes_its_own_way(
    app_env, domain, text, intent
):
    dispatcher = CollectingDispatcher()
    trk = tracker(text, intent=intent, slots=AT_TIME)
    events = asyncio.run(booking_actions.ValidateBookingForm().run(dispatcher, trk, domain))
    assert not any("没关系" in (m.get("text") or "") for m in dispatcher.messages)  # no failed answer
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots.get("requested_slot") != "booking_time" and slots.get("booking_time") is None


def test_unsure_at_the_clock_question_asks_it_again_with_the_day_s_times(app_env, domain):
    dispatcher = CollectingDispatcher()
    trk = tracker(
        "我也说不好",
        intent="check_ticket",
        slots={
            "booking_service": "理发",
            "booking_time_text": "2026年11月30日",
            "requested_slot": booking_actions.CLOCK_SLOT,
        },
    )
    events = asyncio.run(booking_actions.ValidateBookingForm().run(dispatcher, trk, domain))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["requested_slot"] == booking_actions.CLOCK_SLOT and slots.get("booking_time") is None
    assert any("几点方便" in (m.get("text") or "") and m.get("buttons") for m in dispatcher.messages)


def test_a_yes_said_with_the_cancel_words_cancels(app_env, domain):
    cleaning = book(
        app_env,
        sender_id="web:t1",
        service="保洁",
        starts_at=datetime(2026, 11, 30, 10),
        address="37号楼1单元101",
        now=NOW,
    )
    asked = {"booking_cancel_id": cleaning.id, "booking_cancel_pending": True}
    _, done, _ = run(
        booking_actions.ActionCancelBooking(),
        tracker("对，取消吧", intent="cancel_booking", slots=asked, form_active=False),
        domain,
    )
    assert done == [f"已经取消了预约{cleaning.id}。"]


@pytest.mark.parametrize("intent", ["deny", "cancel_booking"])
def test_a_bare_bu_yao_le_at_the_cancel_question_keeps_the_booking(app_env, domain, intent):
    cleaning = book(
        app_env,
        sender_id="web:t1",
        service="保洁",
        starts_at=datetime(2026, 11, 30, 10),
        address="37号楼1单元101",
        now=NOW,
    )
    asked = {"booking_cancel_id": cleaning.id, "booking_cancel_pending": True}
    _, said, _ = run(
        booking_actions.ActionCancelBooking(),
        tracker("不要了", intent=intent, slots=asked, form_active=False),
        domain,
    )
    assert not any("已经取消" in text for text in said)
    with app_env.session() as session:
        from assistant.booking.models import Booking

        assert session.get(Booking, cleaning.id).status == "booked"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('/book_service{"service_type": "助餐"}', "好的，约助餐。"),  # a button, or 第二个 picked
        ("师傅能来修个马桶不", "好的，约上门维修。"),  # everyday words
    ],
)
def test_a_service_chosen_without_its_name_is_said_back(app_env, domain, text, said):
    entities = [{"entity": "service_type", "value": "助餐"}] if text.startswith("/") else []
    _, messages, _ = run(
        booking_actions.ValidateBookingForm(),
        tracker(text, intent="book_service", entities=entities, slots={"requested_slot": "booking_service"}),
        domain,
    )
    assert messages[0] == said


@pytest.mark.parametrize(
    ("service", "requested", "text"),
    [
        ("助浴", "booking_address", "5号楼1单元302，楼道灯坏了上来注意脚下"),
        ("理发", "booking_time", "明天上午吧，下午我要陪我妈去医院复查"),
        ("理发", "booking_address", "5号楼302，我家马桶也坏了"),
        ("保洁", "booking_phone", "13800001111，下午还得陪老伴看病"),
    ],
)
def test_everyday_words_on_another_form_turn_keep_the_service(app_env, domain, service, requested, text):
    slots, _, _ = run(
        booking_actions.ValidateBookingForm(),
        tracker(
            text,
            slots={
                "booking_service": service,
                "booking_eligibility": "我七十五岁" if service == "助浴" else None,
                "requested_slot": requested,
            },
        ),
        domain,
    )
    assert slots.get("booking_service", service) == service


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("家里水龙头坏了，想找人来修", "维修"),
        ("帮我订明天的饭", "助餐"),
        ("订个饭", "助餐"),
        ("订饭", "助餐"),
    ],
)
def test_everyday_words_before_any_service_name_it(app_env, domain, text, service):
    slots, _, _ = run(
        booking_actions.ValidateBookingForm(),
        tracker(text, intent="book_service"),
        domain,
    )
    assert slots["booking_service"] == service


def test_a_service_named_is_not_said_back(app_env, domain):
    _, messages, _ = run(
        booking_actions.ValidateBookingForm(),
        tracker("我想约理发", intent="book_service", slots={"requested_slot": "booking_service"}),
        domain,
    )
    assert messages == []


def test_the_choices_after_two_failed_times_are_the_times_just_offered(app_env, domain):
    offered = {
        "event": "bot",
        "text": "最近可以约的时间有：…",
        "data": {
            "buttons": [
                {"title": "11月30日（周一）下午5点", "payload": '/inform{"time": "2026-11-30T17:00"}'}
            ]
        },
    }
    trk = tracker("对", slots={"booking_service": "助餐", "requested_slot": "booking_time"}, events=[offered])
    buttons = asyncio.run(booking_actions.ValidateBookingForm().choice_buttons("booking_time", trk, domain))
    assert buttons == offered["data"]["buttons"]


def test_a_time_corrected_with_the_address_at_the_address_question_keeps_both(app_env, domain):
    slots, _, _ = run(
        booking_actions.ValidateBookingForm(),
        tracker(
            "哦 时间换成下午两点 地址是5号楼1单元302",
            slots={
                "booking_service": "保洁",
                "booking_time": "2026-11-30T09:00",
                "requested_slot": "booking_address",
            },
        ),
        domain,
    )
    assert slots["booking_time"] == "2026-11-30T14:00"  # the 号 of the address is no day
    assert slots["booking_address"] == "5号楼1单元302"


@pytest.mark.parametrize(("said", "time"), [("明天", "2026-11-30T12:00"), ("十一点", "2026-11-29T11:00")])
def test_a_time_alone_at_the_phone_question_changes_the_time_chosen(app_env, domain, said, time):
    slots, _, _ = run(
        booking_actions.ValidateBookingForm(),
        tracker(
            said,
            slots={
                "booking_service": "助餐",
                "booking_time": "2026-11-29T12:00",
                "requested_slot": "booking_phone",
            },
        ),
        domain,
    )
    assert slots["booking_time"] == time and slots["requested_slot"] == "booking_phone"


@pytest.mark.parametrize("said", ["幸福路8号", "3栋2单元", "东门8号"])
def test_an_address_at_the_address_question_never_moves_the_day(app_env, domain, said):
    # e2e test_full_slot_offers…: 幸福路8号 at the address question moved the booking to the 8th.
    slots, _, _ = run(
        booking_actions.ValidateBookingForm(),
        tracker(
            said,
            slots={
                "booking_service": "理发",
                "booking_time": "2026-11-30T09:00",
                "requested_slot": "booking_address",
            },
        ),
        domain,
    )
    assert slots.get("booking_time", "2026-11-30T09:00") == "2026-11-30T09:00"
