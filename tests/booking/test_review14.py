"""Review 14 fixes for bookings (items 6, 9, 17): own sentences, both ways (what must now be
left alone and what the original change meant to catch). A fixed "today" (Sunday
2026-11-29 10:00, Asia/Shanghai); the actions run without Rasa on a real migrated database."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.booking as booking_actions
from assistant.booking import conversation
from assistant.booking.timeparse import TZ

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=TZ)  # Sunday
SLOT_NAMES = [*booking_actions.ALL_SLOTS, "requested_slot"]


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(booking_actions, "now", lambda: NOW)


def tracker(text: str, *, intent: str = "inform", slots: dict | None = None) -> Tracker:
    values = dict.fromkeys(SLOT_NAMES)
    values.update(booking_confirming=False, booking_cancel_pending=False)
    values.update(slots or {})
    return Tracker("web:rv14", values, {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": []},
                   [], False, None, {}, "action_listen")


def texts(messages: list[dict]) -> str:
    return " ".join(m.get("text") or "" for m in messages)


# --- item 6: 确定 is a yes only as a clause of its own ---------------------------------------

# Unsure, unable, about to check, putting it off: 确定 inside the sentence is no yes.
NOT_A_YES = [
    "我不太确定", "还没确定", "确定不了", "不能确定", "我没法确定", "这个我不好确定",
    "我再确定一下", "等我确定了再说", "我也没确定好", "这事儿我确定不下来", "我得先确定一下我女儿在不在家",
    "确定了再跟你说", "具体哪天还没法确定呢",
]
# A yes said with 确定, alone or as its own clause (the original change's case).
A_YES = ["确定", "确定了", "我确定", "确定的", "那就确定吧", "确定，就这样", "好，确定"]


@pytest.mark.parametrize("said", NOT_A_YES)
def test_a_sentence_with_queding_inside_is_no_yes(said):
    assert not conversation.confirms(said)
    assert not conversation.confirms_cancel(said)


@pytest.mark.parametrize("said", A_YES)
def test_queding_said_as_the_answer_is_a_yes(said):
    assert conversation.confirms(said)
    assert conversation.confirms_cancel(said)


def test_queding_with_the_cancel_is_still_a_yes_to_cancel():
    assert conversation.confirms_cancel("确定取消")
    assert conversation.confirms_cancel("确定 取消保洁")


def _cleaning(db):
    from assistant.booking.service import book

    return book(db, sender_id="web:rv14", service="保洁", starts_at=datetime(2026, 12, 1, 13),
                address="8号楼1单元101", now=NOW)


@pytest.mark.parametrize("said", ["我不太确定", "等我确定了再说"])
def test_unsure_at_the_cancel_question_cancels_nothing(app_env, domain, said):
    cleaning = _cleaning(app_env)
    dispatcher = CollectingDispatcher()
    asyncio.run(booking_actions.ActionCancelBooking().run(dispatcher, tracker(
        said, intent="nlu_fallback", slots={"booking_cancel_id": cleaning.id, "booking_cancel_pending": True}),
        domain))
    assert "已经取消" not in texts(dispatcher.messages)


def test_queding_at_the_cancel_question_cancels(app_env, domain):
    cleaning = _cleaning(app_env)
    dispatcher = CollectingDispatcher()
    asyncio.run(booking_actions.ActionCancelBooking().run(dispatcher, tracker(
        "确定", intent="nlu_fallback", slots={"booking_cancel_id": cleaning.id, "booking_cancel_pending": True}),
        domain))
    assert f"已经取消了预约{cleaning.id}" in texts(dispatcher.messages)


# --- item 17: a phone said in groups after the address is not its room -----------------------

@pytest.mark.parametrize(
    ("said", "address"),
    [
        ("3号楼2单元 139 1234 5678", "3号楼2单元"),
        ("12栋3单元602 1391 2345 678", "12栋3单元602"),
        ("我住5号楼1单元 186 0000 1111", "5号楼1单元"),
        ("7栋2单元 301 158 8888 9999", "7栋2单元 301"),
    ],
)
def test_a_phone_in_groups_after_the_address_stays_a_phone(said, address):
    assert conversation.address_in(said) == address


def test_the_phone_said_with_the_address_is_read_as_the_phone():
    assert booking_actions.normalise_phone("3号楼2单元 139 1234 5678") == "13912345678"


@pytest.mark.parametrize(
    ("said", "address"),
    [
        # What the original change meant: a unit, floor or room said after a space.
        ("3号楼2单元 501", "3号楼2单元 501"),
        ("3号楼2单元 1302", "3号楼2单元 1302"),
        ("12栋 3单元 602室", "12栋 3单元 602室"),
        ("446栋1单元 一楼 101", "446栋1单元 一楼 101"),
    ],
)
def test_a_room_said_after_a_space_is_still_joined(said, address):
    assert conversation.address_in(said) == address
