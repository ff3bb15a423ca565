"""Round 16: a question about another thing right after a policy answer, heard as 报平安
(咁助餐呢), is asked of the knowledge base; a check-in said as a question is still one."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.care import ActionCheckin, asks_not_checks_in


def _run(text: str, slots: dict) -> tuple[list[str], list[dict]]:
    tracker = Tracker(
        "web:r16-care", slots,
        {"text": text, "intent": {"name": "checkin", "confidence": 0.8}, "entities": []},
        [], False, None, {}, "action_listen",
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionCheckin().run(dispatcher, tracker, {}))
    return [m["text"] for m in dispatcher.messages], events


@pytest.mark.parametrize("text,question", [
    ("那老年食堂呢", True), ("敬老卡可以办不", True), ("报个平安 我好着呢", False), ("今天挺好的", False),
    ("我身体还行吧", False),
])
def test_a_question_is_no_check_in(text, question):
    assert asks_not_checks_in(text) is question


def test_after_a_policy_answer_the_question_goes_to_the_knowledge_base(app_env):
    texts, events = _run("那老年食堂呢", {"policy_topic": "gl-001"})
    assert texts == [] and {"event": "followup", "name": "action_ask_policy", "timestamp": None} in events


def test_a_check_in_after_a_policy_answer_stays_a_check_in(app_env):
    texts, events = _run("报个平安 我好着呢", {"policy_topic": "gl-001"})
    assert texts and not any(e.get("event") == "followup" for e in events)
