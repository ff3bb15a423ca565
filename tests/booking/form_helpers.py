"""What the booking round tests share to run an action without Rasa: a fixed "today"
(Sunday 2026-11-29 10:00, Asia/Shanghai), a tracker inside (or outside) the booking form,
and the action's slots, messages and other events."""

from __future__ import annotations

import asyncio
from datetime import datetime

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.booking as booking_actions
from assistant.booking.service import book
from assistant.booking.timeparse import TZ

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=TZ)  # Sunday
SLOT_NAMES = [*booking_actions.ALL_SLOTS, "requested_slot"]


def tracker(text: str, *, intent: str = "inform", slots: dict | None = None, form_active: bool = True,
            sender: str = "web:booking", events: list | None = None) -> Tracker:
    values = dict.fromkeys(SLOT_NAMES)
    values.update(booking_confirming=False, booking_cancel_pending=False)
    values.update(slots or {})
    return Tracker(sender, values, {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": []},
                   events or [], False, None, {"name": "booking_form"} if form_active else {}, "action_listen")


def run(action, trk: Tracker, domain: dict) -> tuple[dict, list[dict], list[dict]]:
    """The slots the action set, its messages, and its other events."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, trk, domain))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return slots, dispatcher.messages, [e for e in events if e.get("event") != "slot"]


def texts(messages: list[dict]) -> str:
    return " ".join(m.get("text") or "" for m in messages)


def clean_and_meal(db, sender: str):
    """A 保洁 booking on Tuesday morning and a 助餐 one on Wednesday evening of one resident: the pair the
    cancel-one-keep-the-other tests choose between."""
    clean = book(db, sender_id=sender, service="保洁", starts_at=datetime(2026, 12, 1, 9), address="和平里3号",
                 now=NOW)
    meal = book(db, sender_id=sender, service="助餐", starts_at=datetime(2026, 12, 2, 17), now=NOW)
    return clean, meal
