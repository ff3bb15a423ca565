"""A booking asked for in words the classifier could not place (nlu_fallback): a
booking verb and a service (能约上门洗澡吗) start the booking form, which reads the
message, instead of 没听明白 and the request lost."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.core import ActionHandleMisunderstanding, asks_to_book
from tests.actions.test_core_actions import _fallback_tracker


@pytest.mark.parametrize("text", [
    "我替我爸问一下 他腿不好 能约人上门洗澡吗",
    "俺家老太太想约个上门理发 中不中",
    "请问可以帮我约明天的保洁吗",
])
def test_a_booking_in_words_starts_the_booking_form(text):
    assert asks_to_book(text)
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionHandleMisunderstanding().run(dispatcher, _fallback_tracker(text), {}))
    assert events == [{"event": "followup", "name": "booking_form", "timestamp": None}]
    assert dispatcher.messages == []  # the form asks its own question


@pytest.mark.parametrize(("text", "loop"), [
    ("能约上门洗澡吗", {"name": "complaint_form"}),  # inside another form: that form's answer
    ("洗澡的热水一直不热", None),  # a service's word, no booking verb
    ("我约的理发取消了没", None),
])
def test_no_booking_form_otherwise(text, loop):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionHandleMisunderstanding().run(dispatcher, _fallback_tracker(text, loop), {}))
    assert {"event": "followup", "name": "booking_form", "timestamp": None} not in events
