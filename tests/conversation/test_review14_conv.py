"""Review 14 item 9: a booking verb and a service that ask for no booking (a refusal, a
booking already made, a complaint about one) do not start the booking form from the
fallback (``actions.core.asks_to_book``, by ``split.worded_intent``), nor count as a
booking when two requests are read. Own sentences, both ways."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.core import ActionHandleMisunderstanding, asks_to_book
from assistant.conversation import split
from tests.actions.test_core_actions import _fallback_tracker

BOOKING_FORM = {"event": "followup", "name": "booking_form", "timestamp": None}

NO_NEW_BOOKING = [
    "我不想约上门洗澡了",
    "别给我约理发了",
    "我妈不让约助浴，说自己能洗",
    "老头子不愿意约陪诊，说麻烦",
    "上次约的上门洗澡怎么没人来",
    "我约的理发师傅咋还不来",
    "约的保洁阿姨把我花瓶打碎了",
    "昨天订的保洁到现在还没到",
    "我已经约了理发了",
]
NEW_BOOKING = [
    "我替我爸问一下 他腿不好 能约人上门洗澡吗",
    "能不能约上门洗澡",
    "要不要约个保洁呢 家里太乱了",
    "我想约个理发",
    "明天能约的理发有几点",
    "我爸不能洗澡了 能约助浴吗",
    "给老人约个助浴",
]


@pytest.mark.parametrize("text", NO_NEW_BOOKING)
def test_a_refusal_a_past_booking_or_a_complaint_starts_no_booking(text):
    assert not asks_to_book(text)
    assert split.worded_intent(text) != "book_service"
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionHandleMisunderstanding().run(dispatcher, _fallback_tracker(text), {}))
    assert BOOKING_FORM not in events


@pytest.mark.parametrize("text", NEW_BOOKING)
def test_a_booking_asked_for_in_words_still_starts_the_form(text):
    assert asks_to_book(text)
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionHandleMisunderstanding().run(dispatcher, _fallback_tracker(text), {}))
    assert events == [BOOKING_FORM]


# --- a short question after a policy answer heard as 转人工 ----------------------------------

POLICY_FOLLOWUP = {"event": "followup", "name": "action_ask_policy", "timestamp": None}


def _after_policy(text: str, sender: str):
    from rasa_sdk import Tracker

    return Tracker(
        sender,
        {"policy_topic": "养老金资格认证"},
        {"text": text, "intent": {"name": "request_human", "confidence": 0.8}, "entities": []},
        [{"event": "user", "text": text, "parse_data": {"intent": {"name": "request_human"}}}],
        False,
        None,
        {},
        "action_listen",
    )


@pytest.mark.parametrize("text", ["在手机上能交不 我不想跑一趟", "手机上能弄不，俺腿脚不好", "要本人去吗"])
def test_a_question_on_the_policy_answer_heard_as_a_hand_off_goes_to_the_policy(app_env, text):
    from actions.core import ActionRequestHuman
    from assistant.residents.service import list_handoffs

    events = asyncio.run(ActionRequestHuman().run(CollectingDispatcher(), _after_policy(text, "web:rv14p"), {}))
    assert events == [POLICY_FOLLOWUP]
    with app_env.session() as session:
        assert list_handoffs(session) == []


@pytest.mark.parametrize("text", ["帮我转人工", "有人吗", "我要找客服问问", "能让工作人员上门办吗"])
def test_a_person_asked_for_after_a_policy_answer_is_still_handed_over(app_env, text):
    from actions.core import ActionRequestHuman
    from assistant.residents.service import list_handoffs

    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionRequestHuman().run(dispatcher, _after_policy(text, "web:rv14h"), {}))
    assert POLICY_FOLLOWUP not in events
    with app_env.session() as session:
        assert len(list_handoffs(session)) == 1


def test_without_a_policy_answer_before_the_hand_off_is_kept(app_env):
    from rasa_sdk import Tracker

    from actions.core import ActionRequestHuman

    text = "在手机上能交不 我不想跑一趟"
    trk = Tracker("web:rv14n", {}, {"text": text, "intent": {"name": "request_human"}, "entities": []},
                  [{"event": "user", "text": text}], False, None, {}, "action_listen")
    events = asyncio.run(ActionRequestHuman().run(CollectingDispatcher(), trk, {}))
    assert POLICY_FOLLOWUP not in events
