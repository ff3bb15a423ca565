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
