"""Putting a form off (assistant.form_turns.defers): 改天吧 / 回头再说 / 我去问问家里人 at a
form's question leaves the form with 先不约了…随时跟我说, instead of asking the same
question again, offering times, or handing the resident to a person."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.booking as booking_actions
from actions.forms import ActionLeaveForm
from assistant import form_turns
from assistant.booking import conversation


@pytest.mark.parametrize(
    "text",
    [
        "时间我说了不算 得问问我女儿",
        "俺回去跟老伴商量一下",
        "过两天再说吧",
        "下回再约吧",
        "今天不方便 改日吧",
        "我先找人问问",
        "我得找个人问问再说",
        "等我儿子下班回来再定",
        "回头说吧",
    ],
)
def test_putting_it_off_leaves_the_form(text):
    assert form_turns.defers(text)
    assert form_turns.classify("inform", text, answers=False) == "stop"
    assert form_turns.classify("request_human", text, answers=False) == "stop"
    assert not form_turns.wants_person(text)


@pytest.mark.parametrize(
    "text",
    [
        "再说一遍",
        "你再说一下",
        "我想问问要带什么",
        "我问问你，上门要钱吗",
        "给我找个人",
        "帮我找个人问问",  # 帮我找个人: asks us for a person
        "我帮我妈问问她能不能约",  # asked on someone's behalf
    ],
)
def test_no_putting_off(text):
    assert not form_turns.defers(text) or form_turns.wants_person(text)
    assert form_turns.classify("inform", text, answers=False) != "stop"


def test_an_answer_said_with_it_still_answers():
    assert form_turns.classify("inform", "回头再说，后天上午十点吧", answers=True) == "answer"


def test_not_knowing_when_and_asking_someone_is_no_unsure_time():
    # 定不了 alone offers the free times; with someone to ask, it is put off.
    assert conversation.unsure("这个时间我定不了")
    assert not conversation.unsure("这个时间我定不了 得问问我闺女")


def _tracker(text: str, slots: dict, intent: str = "inform") -> Tracker:
    values = dict.fromkeys([*booking_actions.ALL_SLOTS, "requested_slot"])
    values.update(booking_confirming=False, booking_cancel_pending=False, **slots)
    return Tracker("web:defer1", values, {"text": text, "intent": {"name": intent, "confidence": 0.9},
                                            "entities": []},
                   [], False, None, {"name": "booking_form"}, "action_listen")


@pytest.mark.parametrize(
    ("text", "slots", "intent"),
    [
        ("日子我定不下来 我回去问下我儿子", {"booking_service": "陪诊", "requested_slot": "booking_time"}, "inform"),
        ("她又说不去了 改天吧", {"booking_service": "助浴", "booking_eligibility": "80",
                            "booking_time": "2026-12-02T14:00", "requested_slot": "booking_address"}, "nlu_fallback"),
        ("那我找个人问问再说", {"booking_service": "理发", "requested_slot": "booking_time"}, "request_human"),
    ],
)
def test_booking_form_is_put_off(app_env, domain, text, slots, intent):
    trk = _tracker(text, slots, intent)
    events = asyncio.run(booking_actions.ValidateBookingForm().run(CollectingDispatcher(), trk, domain))
    assert {"event": "followup", "name": "action_leave_form", "timestamp": None} in events
    dispatcher = CollectingDispatcher()
    left = asyncio.run(ActionLeaveForm().run(dispatcher, trk, domain))
    said = dispatcher.messages[0]["text"]
    assert "先不约了" in said and "随时" in said and slots["booking_service"] in said
    # No hand-off with it, and the message is not answered again by its intent's rule.
    assert [e["name"] for e in left if e.get("event") == "followup"] == ["action_listen"]


def test_put_off_words_that_name_someone_are_no_declined_hand_off():
    # 我找个人问问再说吧 names 找个人 without asking us or saying no to us.
    assert not form_turns.declines_person("我找个人问问再说吧")
    assert form_turns.without_declined_person("我找个人问问再说吧") == "我找个人问问再说吧"


def test_a_form_started_turns_ago_that_ended_itself_is_named(app_env, domain):
    # The booking started at the first message; this turn it ended itself (nlu_fallback).
    events = [{"event": "user", "text": "帮我约个陪诊"}, {"event": "active_loop", "name": "booking_form"},
              {"event": "bot", "text": "您想约哪天几点？"},
              {"event": "user", "text": "改天吧"}, {"event": "active_loop", "name": None}]
    values = dict.fromkeys([*booking_actions.ALL_SLOTS, "requested_slot"])
    values.update(booking_service="陪诊")
    trk = Tracker("web:defer2", values, {"text": "改天吧", "intent": {"name": "nlu_fallback", "confidence": 0.3}},
                  events, False, None, {}, "booking_form")
    dispatcher = CollectingDispatcher()
    left = asyncio.run(ActionLeaveForm().run(dispatcher, trk, domain))
    assert "陪诊预约先不约了" in dispatcher.messages[0]["text"]
    assert left[-1] == {"event": "followup", "name": "action_listen", "timestamp": None}
    # A form that ended in an earlier turn is not this one's.
    later = Tracker("web:defer2", values, {"text": "改天吧"}, [*events, {"event": "user", "text": "好"}],
                    False, None, {}, "action_listen")
    from actions.forms import current_form
    assert current_form(later) is None
