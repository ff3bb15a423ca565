"""What every form shares (actions/forms.py, assistant/form_turns.py): the decisions
in plain functions, and the complaint form getting them through its base class."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import ActionAskFormResume, ActionLeaveForm, abandon_forms
from actions.tickets import ValidateComplaintForm
from assistant import form_turns


@pytest.mark.parametrize(("intent", "text", "answers", "confidence", "turn"), [
    ("emergency", "着火了", True, 0.4, "emergency"),          # first, whatever else is true
    ("cancel_booking", "不约了", False, 0.999, "stop"),
    ("inform", "算了不要了", False, 0.9, "stop"),               # the words, whatever the intent
    ("nlu_fallback", "不投诉了", False, 0.55, "stop"),
    ("deny", "不用了", False, 0.99, "stop"),
    ("deny", "不用了", True, 0.99, "answer"),                   # 不用了 at the contact step: anonymous
    ("deny", "不弄了不弄了，没意思", True, 0.99, "stop"),          # ...but 不弄了 is never an answer
    ("inform", "算了，明天下午三点吧", True, 0.9, "answer"),        # a weak 算了 with an answer
    ("inform", "算了", False, 0.9, "stop"),
    ("book_service", "明天下午三点理发", True, 0.99, "answer"),  # a real answer with a task intent
    ("ask_policy", "高龄津贴怎么领", False, 0.99, "digress"),
    ("ask_policy", "超市后面那条路", False, 0.5, "answer"),      # an unsure intent does not win
    ("check_ticket", "我的投诉怎么样了", False, 0.99, "digress"),
    ("check_ticket", "对了，楼道灯那个怎么样了", False, 0.58, "digress"),  # distinctive words: 0.55 is enough
    ("query_booking", "我约了什么", False, 0.99, "digress"),
    ("help", "/help", False, 1.0, "digress"),
    ("request_human", "我要找工作人员", False, 0.99, "handoff"),
    ("repeat", "再说一遍", False, 0.99, "repeat"),
    ("inform", "嗯嗯", False, 0.9, "answer"),                  # no answer, no exit: the form re-asks
    ("deny", "不记得了", False, 0.95, "answer"),                 # cannot answer: a failed answer, not leaving
    ("nlu_fallback", "想不起来啊", False, 0.5, "answer"),
    ("request_human", "不知道，找工作人员吧", False, 0.9, "handoff"),
    ("request_human", "不用转人工，你帮我约个理发就行", False, 0.95, "answer"),  # a declined hand-off
    ("request_human", "别转人工", False, 0.9, "answer"),
    ("request_human", "能不能转人工", False, 0.9, "handoff"),   # a question that still asks
])
def test_classify(intent, text, answers, confidence, turn):
    assert form_turns.classify(intent, text, answers=answers, confidence=confidence) == turn


@pytest.mark.parametrize(("text", "intent", "answer"), [
    ("对", "affirm", "yes"), ("继续", "nlu_fallback", "yes"), ("好的", "affirm", "yes"),
    ("不用了", "deny", "no"), ("算了", "inform", "no"), ("不约了", "cancel_booking", "no"),
    ("明天下午三点", "inform", None),
    ("不用转人工，继续吧", "request_human", "yes"),   # the 不用 is about the person, not the form
])
def test_resume_answer(text, intent, answer):
    assert form_turns.resume_answer(text, intent) == answer


@pytest.mark.parametrize(("text", "bare"), [("好", True), ("继续吧", True), ("好的。", True), ("嗯，继续", True),
                                            ("好，地址12号楼5单元303", False), ("行。我住45号楼2单元1102", False)])
def test_a_bare_yes_to_go_on(text, bare):
    assert form_turns.bare_yes(text) is bare


def complaint_tracker(text: str, *, intent: str, slots: dict, confidence: float = 0.99) -> Tracker:
    values = {"complaint_description": None, "complaint_location": None, "complaint_contact": None,
              "complaint_cancelled": None, "requested_slot": None, "form_resume": None, "form_failures": None}
    values.update(slots)
    return Tracker("web:c1", values, {"text": text, "intent": {"name": intent, "confidence": confidence},
                                      "entities": []},
                   [], False, None, {"name": "complaint_form"}, "action_listen")


def validate(trk: Tracker, merged: dict) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    return asyncio.run(ValidateComplaintForm().run(dispatcher, trk, merged)), dispatcher.messages


AT_LOCATION = {"complaint_description": "楼道灯坏了", "requested_slot": "complaint_location"}
AT_CONTACT = {"complaint_description": "楼道灯坏了", "complaint_location": "3号楼",
              "requested_slot": "complaint_contact"}


def test_complaint_form_anonymous_button_stays_an_answer(app_env, domain):  # noqa: F811
    events, _ = validate(complaint_tracker("/deny", intent="deny", slots=AT_CONTACT), domain)
    assert {"event": "slot", "name": "complaint_contact", "value": "匿名", "timestamp": None} in events


def test_complaint_form_steps_aside_for_a_person_and_a_question(app_env, domain):  # noqa: F811
    for text, intent in (("我要找工作人员", "request_human"), ("高龄津贴怎么领", "ask_policy")):
        events, said = validate(complaint_tracker(text, intent=intent, slots=AT_LOCATION), domain)
        assert events == [] and said == [], text  # not kept as the place of the problem


def test_complaint_form_leaves_on_stop_words(app_env, domain):  # noqa: F811
    # At the description and the place the complaint form reads leaving itself (its own
    # "不登记了" follows); the base class keeps that.
    for intent in ("deny", "nlu_fallback"):
        events, _ = validate(complaint_tracker("算了不投诉了", intent=intent, slots=AT_LOCATION), domain)
        assert {"event": "slot", "name": "complaint_cancelled", "value": True, "timestamp": None} in events
        assert {"event": "slot", "name": "requested_slot", "value": None, "timestamp": None} in events
    # The contact is no longer asked before filing (the complaint is filed once the problem
    # and the place are known, then the phone is asked for): there is no contact step to leave.


def test_complaint_form_says_what_was_dropped(app_env, domain):  # noqa: F811
    dispatcher = CollectingDispatcher()
    trk = complaint_tracker("不投诉了", intent="deny", slots=AT_CONTACT)
    events = asyncio.run(ActionLeaveForm().run(dispatcher, trk, domain))
    assert dispatcher.messages[0]["text"] == "好的，刚才的投诉先不登记了。有需要随时跟我说。"
    assert {"event": "slot", "name": "complaint_location", "value": None, "timestamp": None} in events
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAskFormResume().run(dispatcher, trk, domain))
    assert dispatcher.messages[0]["text"] == "刚才的投诉还继续吗？"


def test_leaving_and_a_person_in_one_breath_hands_over(app_env, domain):  # noqa: F811
    # 算了，找工作人员吧: the form is left AND the hand-off runs next (it is not dropped with the form).
    dispatcher = CollectingDispatcher()
    trk = complaint_tracker("算了 找工作人员吧", intent="request_human", slots=AT_CONTACT)
    events = asyncio.run(ActionLeaveForm().run(dispatcher, trk, domain))
    assert "先不登记了" in dispatcher.messages[0]["text"]
    assert events[-1] == {"event": "followup", "name": "action_request_human", "timestamp": None}
    plain = asyncio.run(ActionLeaveForm().run(CollectingDispatcher(), complaint_tracker(
        "不投诉了", intent="deny", slots=AT_CONTACT), domain))
    assert all(e.get("event") != "followup" for e in plain)


def test_leaving_after_the_form_stopped_itself_still_knows_the_form(domain):  # noqa: F811
    # The form deactivated (it ended itself) and then handed over to action_leave_form.
    events = [{"event": "user", "text": "不投诉了"}, {"event": "active_loop", "name": "complaint_form"},
              {"event": "active_loop", "name": None}]
    trk = Tracker("web:c1", {"complaint_location": "3号楼"}, {"text": "不投诉了"}, events, False, None, {},
                  "complaint_form")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionLeaveForm().run(dispatcher, trk, domain))
    assert "刚才的投诉先不登记了" in dispatcher.messages[0]["text"]
    assert {"event": "slot", "name": "complaint_location", "value": None, "timestamp": None} in abandon_forms(
        trk, domain)


@pytest.mark.parametrize(("text", "intent", "place"), [
    ("不对，是13号楼，不是3号楼", "deny", "13号楼"),
    ("不对不对 是32号楼东边 我说错了", "nlu_fallback", "32号楼东边"),  # the side is kept (assistant/location.py)
    ("哦说错了，是25号楼，不是24号楼", "nlu_fallback", "25号楼"),  # the wrong one said last
    ("不是24号楼是25号楼", "inform", "25号楼"),
    ("不对，是16号楼", "deny", "16号楼"),                   # issue #11: the next message corrects the place
])
def test_complaint_form_takes_a_corrected_place_at_the_contact_question(app_env, domain, text, intent,  # noqa: F811
                                                                         place):
    events, said = validate(complaint_tracker(text, intent=intent, slots=AT_CONTACT), domain)
    assert {"event": "slot", "name": "complaint_location", "value": place, "timestamp": None} in events
    assert {"event": "slot", "name": "requested_slot", "value": "complaint_contact", "timestamp": None} in events
    assert not any(e.get("name") == "complaint_contact" for e in events)  # not read as 匿名
    assert place in said[0]["text"]


def test_a_corrected_place_replaces_only_the_place(app_env, domain):  # noqa: F811
    events, _ = validate(complaint_tracker("不对，是16号楼", intent="inform", slots=AT_CONTACT), domain)
    changed = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert changed["complaint_location"] == "16号楼"
    assert "complaint_description" not in changed and "complaint_contact" not in changed


@pytest.mark.parametrize("text", ["不用转人工，就在5号楼", "别转人工，5号楼"])
def test_a_declined_hand_off_is_read_as_the_answer(app_env, domain, text):  # noqa: F811
    # The NLU hears 转人工; the resident said no to it and answered the question.
    events, _ = validate(complaint_tracker(text, intent="request_human", slots=AT_LOCATION), domain)
    assert {"event": "slot", "name": "complaint_location", "value": "5号楼", "timestamp": None} in events


def test_no_correction_without_a_new_value(app_env, domain):  # noqa: F811
    events, _ = validate(complaint_tracker("不是很方便留", intent="deny", slots=AT_CONTACT), domain)
    assert not any(e.get("name") == "complaint_location" for e in events)


@pytest.mark.parametrize(("text", "corrects"), [("不对，是13号楼", True), ("我说错了", True), ("不投诉了", False),
                                               ("3号楼", False)])
def test_corrects(text, corrects):
    assert form_turns.corrects(text) is corrects
