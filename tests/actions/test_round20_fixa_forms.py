"""Round 20, fixer A: a report asked to be filed in the middle of the booking form is
filed however unsure the classifier is of it; a booking's own answers file nothing. Own
wording; the form is driven without Rasa on a real migrated database."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.booking as booking_actions
from assistant.booking.timeparse import TZ

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=TZ)
SLOT_NAMES = [*booking_actions.ALL_SLOTS, "requested_slot"]


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(booking_actions, "now", lambda: NOW)


def _run(text: str, domain: dict, *, intent: str, confidence: float) -> str:
    values = dict.fromkeys(SLOT_NAMES)
    values.update(booking_confirming=False, booking_cancel_pending=False, booking_service="保洁",
                  requested_slot="booking_time")
    trk = Tracker("web:fixa-forms", values, {"text": text, "intent": {"name": intent, "confidence": confidence},
                                              "entities": []},
                  [], False, None, {"name": "booking_form"}, "action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(booking_actions.ValidateBookingForm().run(dispatcher, trk, domain))
    return " ".join(m.get("text") or "" for m in dispatcher.messages)


def test_a_report_asked_to_be_filed_mid_form_is_filed(app_env, domain):
    said = "先说个别的 12号楼2单元楼道的灯坏了一个礼拜了 你们给报一下"
    assert "工单号" in _run(said, domain, intent="nlu_fallback", confidence=0.4)


def test_a_bookings_answer_with_a_problem_files_nothing(app_env, domain):
    said = "明天下午三点 12号楼2单元301 厨房油烟机坏了记一下"
    assert "工单号" not in _run(said, domain, intent="inform", confidence=0.9)
