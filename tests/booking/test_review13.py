"""Review 13 (item 15): a hedge at the booking read-back books nothing. A yes word with
想想/考虑/问问/再说/没想好 after it is no yes; a sentence ending in 吧 or carrying 呢 is no
question by itself; 对了 (by the way) opens a new topic. Own sentences, a fixed "today",
a real migrated database; the actions run without Rasa."""

from __future__ import annotations

import pytest

import actions.booking as booking_actions
from assistant.booking import conversation
from tests.booking.test_round13 import FILLED, NOW, run, texts, tracker


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(booking_actions, "now", lambda: NOW)


HEDGES = [
    "好，我再想想吧",
    "嗯，我考虑一下吧",
    "行，我问问我女儿吧",
    "对，等我儿子回来再说吧",
    "好的，我还没想好呢",
    "行吧，我跟老伴商量商量",
    "嗯，回头再说吧",
]


@pytest.mark.parametrize("said", [*HEDGES, "对了，你们几点下班", "对了，体检要空腹吗"])
def test_a_hedge_or_a_new_topic_is_no_yes_with_a_question(said):
    assert conversation.yes_then_question(said) is None
    assert not conversation.confirms(said)


@pytest.mark.parametrize("said", HEDGES)
def test_a_hedge_is_a_hedge(said):
    assert conversation.hedges(said)


@pytest.mark.parametrize(("said", "question"), [
    ("对，要不要带病历", "要不要带病历"),
    ("好的，几点开始", "几点开始"),
    ("是的，去哪里做", "去哪里做"),
    ("对，我想问问你们几点下班", "我想问问你们几点下班"),
    ("好，那到时候会提醒我吧？", "那到时候会提醒我吧"),
])
def test_a_yes_then_a_marked_question_still_counts(said, question):
    assert conversation.yes_then_question(said).rstrip("?？") == question
    assert not conversation.hedges(said)


@pytest.mark.parametrize("intent", ["affirm", "inform", "query_booking"])
@pytest.mark.parametrize("said", [*HEDGES, "对了，你们几点下班"])
def test_a_hedge_at_the_read_back_books_nothing(app_env, domain, said, intent):
    slots, messages, _ = run(booking_actions.ActionSubmitBooking(),
                             tracker(said, intent=intent, slots=FILLED, form_active=False), domain)
    assert "预约号" not in texts(messages)
    assert slots.get("booking_confirming") is True  # the read-back still waits for 对


def test_by_the_way_at_the_read_back_is_a_question_answered(app_env, domain):
    slots, _, events = run(booking_actions.ActionSubmitBooking(),
                           tracker("对了，你们几点下班", intent="inform", slots=FILLED, form_active=False), domain)
    assert slots["booking_confirming"] is True
    assert any(e.get("name") == "action_ask_policy" for e in events)


def test_a_hedge_is_answered_without_asking_what_to_change(app_env, domain):
    _, messages, _ = run(booking_actions.ActionSubmitBooking(),
                         tracker("好，我再想想吧", intent="affirm", slots=FILLED, form_active=False), domain)
    said = texts(messages)
    assert "不着急" in said and "哪一项要改" not in said


@pytest.mark.parametrize("said", ["对", "好的，几点开始", "对，要不要带病历"])
def test_a_yes_at_the_read_back_still_books(app_env, domain, said):
    _, messages, _ = run(booking_actions.ActionSubmitBooking(),
                         tracker(said, intent="affirm", slots=FILLED, form_active=False), domain)
    assert "预约号YY" in texts(messages)
