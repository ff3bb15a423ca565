"""取消 by reference through the cancel action: the booking just made, one among
several by day, and "which one?" with buttons when the words fit several."""

from __future__ import annotations

import asyncio
from datetime import datetime

from rasa_sdk.executor import CollectingDispatcher

from assistant.booking.references import cancel_payload
from assistant.booking.service import book
from tests.booking.test_actions import NOW, fixed_now, run, tracker  # noqa: F401 - fixed_now is a fixture

import actions.booking as booking_actions


def _two_haircuts_and_a_meal(db):
    first = book(db, sender_id="web:t1", service="理发", starts_at=datetime(2026, 11, 30, 15), address="幸福路8号",
                 now=NOW)
    second = book(db, sender_id="web:t1", service="理发", starts_at=datetime(2026, 12, 2, 9), address="幸福路8号",
                  now=NOW)
    meal = book(db, sender_id="web:t1", service="助餐", starts_at=datetime(2026, 12, 1, 11), now=NOW)
    return first, second, meal


def test_the_booking_just_made_is_the_one_cancelled(app_env, domain):
    _, _, meal = _two_haircuts_and_a_meal(app_env)
    slots, said, _ = run(booking_actions.ActionCancelBooking(),
                         tracker("刚才订的那个不要了", intent="cancel_booking", form_active=False), domain)
    assert slots == {"booking_cancel_id": meal.id, "booking_cancel_pending": True}
    assert meal.id in said[0] and "吗" in said[0]


def test_several_that_fit_are_offered_as_buttons(app_env, domain):
    first, second, _ = _two_haircuts_and_a_meal(app_env)
    dispatcher = CollectingDispatcher()
    events = asyncio.run(booking_actions.ActionCancelBooking().run(
        dispatcher, tracker("理发那个取消吧", intent="cancel_booking", form_active=False), domain))
    assert {e["name"]: e["value"] for e in events} == {"booking_cancel_id": None, "booking_cancel_pending": False}
    [message] = dispatcher.messages
    assert "哪一个" in message["text"]
    assert [b["payload"] for b in message["buttons"]] == [cancel_payload(first.id), cancel_payload(second.id)]
    assert cancel_payload(first.id) == f'/cancel_booking{{"booking_id": "{first.id}"}}'


def test_a_day_picks_one_of_several(app_env, domain):
    _, second, _ = _two_haircuts_and_a_meal(app_env)
    slots, _, _ = run(booking_actions.ActionCancelBooking(),
                      tracker("周三那个理发不去了", intent="cancel_booking", form_active=False), domain)
    assert slots["booking_cancel_id"] == second.id


def test_a_tap_on_the_cancel_list_reaches_the_action_without_the_classifier(app_env, domain):
    """The list's buttons carry the intent itself: 第二个 / a tap is sent as /cancel_booking{…},
    never as words the NLU must place (the round-16 model read 取消预约YY… as nlu_fallback)."""
    from assistant.conversation import commands
    from assistant.conversation.choices import options_from_reply, resolve_choice

    first, second, _ = _two_haircuts_and_a_meal(app_env)
    dispatcher = CollectingDispatcher()
    asyncio.run(booking_actions.ActionCancelBooking().run(
        dispatcher, tracker("剪头发的预约我不要了", intent="cancel_booking", form_active=False), domain))
    [message] = dispatcher.messages
    buttons = [(b["title"], b["payload"]) for b in message["buttons"]]
    picked = resolve_choice("第二个吧", options_from_reply(message["text"], buttons))
    sent = picked.option.message()
    assert sent.startswith("/cancel_booking{") and commands.is_allowed(sent, [p for _, p in buttons])
    slots, said, _ = run(booking_actions.ActionCancelBooking(),
                         tracker(sent, intent="cancel_booking", form_active=False,
                                 entities=[{"entity": "booking_id", "value": second.id}]), domain)
    assert slots == {"booking_cancel_id": second.id, "booking_cancel_pending": True}
    assert second.id in said[0] and first.id not in said[0]
