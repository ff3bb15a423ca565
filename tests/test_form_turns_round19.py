"""Round 19 (conversation fixer B): the message that opened a form is never read as
leaving it. 算了不说这个了…你帮我约个陪诊吧 明天上午八点 let the report go and opened the
booking, whose first run read its 算了 as leaving the booking (不约了, three times over)."""

from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.booking as booking_actions

TEXT = "算了不报了 我自己找人清 你帮我约个保洁吧 后天上午九点"


def _tracker(events: list[dict]) -> Tracker:
    values = dict.fromkeys([*booking_actions.ALL_SLOTS, "requested_slot"])
    values.update(booking_confirming=False, booking_cancel_pending=False,
                  booking_service="保洁", requested_slot="booking_address")
    return Tracker("web:r19open", values, {"text": TEXT, "intent": {"name": "book_service", "confidence": 0.9},
                                           "entities": []},
                   events, False, None, {"name": "booking_form"}, "booking_form")


def _left(events: list[dict]) -> bool:
    return {"event": "followup", "name": "action_leave_form", "timestamp": None} in events


def test_the_message_that_opened_the_form_does_not_leave_it(app_env, domain) -> None:
    opened = [{"event": "user", "text": TEXT}, {"event": "active_loop", "name": "complaint_form"},
              {"event": "active_loop", "name": None}, {"event": "active_loop", "name": "booking_form"}]
    events = asyncio.run(booking_actions.ValidateBookingForm().run(CollectingDispatcher(), _tracker(opened), domain))
    assert not _left(events)


def test_the_same_words_in_a_later_message_leave_it(app_env, domain) -> None:
    later = [{"event": "user", "text": "帮我约个保洁"}, {"event": "active_loop", "name": "booking_form"},
             {"event": "bot", "text": "请告诉我上门的地址"}, {"event": "user", "text": TEXT}]
    events = asyncio.run(booking_actions.ValidateBookingForm().run(CollectingDispatcher(), _tracker(later), domain))
    assert _left(events)
