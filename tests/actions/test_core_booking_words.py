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


def test_a_phone_for_an_open_hand_off_is_answered_once(db, monkeypatch):
    # review 20 note 11: returning no event let the policy predict the fallback again (ten
    # replies); the message is reverted like every other answer of the fallback.
    import actions.core as core
    from assistant.residents.service import request_handoff

    monkeypatch.setattr(core, "get_database", lambda: db)
    with db.transaction() as session:
        request_handoff(session, "web:m1", "asked", "找个人跟我说")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionHandleMisunderstanding().run(
        dispatcher, _fallback_tracker("806号楼3单元102 电话13900208061"), {}))
    assert [e["event"] for e in events] == ["rewind"]
    assert len(dispatcher.messages) == 1 and "8061" in dispatcher.messages[0]["text"]


@pytest.mark.parametrize("text", ["我腿脚不好 想找个人陪我去医院复查", "能不能找个人陪我老伴去医院拿药"])
def test_someone_to_go_along_to_hospital_is_no_hand_off(text):
    from assistant import form_turns
    from assistant.booking.conversation import service_in_everyday_words

    assert not form_turns.wants_person(text)
    assert service_in_everyday_words(text) == "陪诊"


@pytest.mark.parametrize("text", ["你给我找个人说说话", "找个人来帮我弄这个手机"])
def test_someone_to_talk_to_is_still_a_person(text):
    from assistant import form_turns

    assert form_turns.wants_person(text)
