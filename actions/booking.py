"""Booking dialogue: the booking form's validation, the read-back and submit, cancel
and list. Every rule lives in ``assistant.booking``; these classes read the tracker,
call it, and turn the answer into messages and slot events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from assistant.booking import conversation
from assistant.booking.catalogue import load_catalogue
from assistant.booking.references import resolve_booking_reference
from assistant.booking.service import (
    BookingError, book, booked_text, cancel, check_eligibility, confirmation_text, normalise_phone,
)
from assistant.booking.timeparse import local_now
from actions.forms import InterruptibleFormValidation
from assistant.db import get_database

FORM_SLOTS = ("booking_service", "booking_eligibility", "booking_time", "booking_address", "booking_phone")
ALL_SLOTS = (*FORM_SLOTS, "booking_time_text", "booking_confirming", "booking_cancel_id", "booking_cancel_pending")
YES_NO = [{"title": "对", "payload": "/affirm"}, {"title": "不对", "payload": "/deny"}]


def now() -> datetime:
    """The current local time (a function so tests can fix "today")."""
    return local_now()


def _text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def _entities(tracker: Tracker, name: str) -> list[str]:
    return [str(e.get("value")) for e in (tracker.latest_message or {}).get("entities", [])
            if e.get("entity") == name and e.get("value")]


def _intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def _reset(*keep: str) -> list[EventType]:
    return [SlotSet(name, False if name in ("booking_confirming", "booking_cancel_pending") else None)
            for name in ALL_SLOTS if name not in keep]


def _offer(dispatcher: CollectingDispatcher, error: BookingError) -> None:
    """Say why the time cannot be booked and offer the nearest free slots as buttons."""
    dispatcher.utter_message(text=conversation.alternatives_text(error),
                             buttons=conversation.alternatives_buttons(error.alternatives))


class ValidateBookingForm(InterruptibleFormValidation):
    """Fills and checks the booking form. Values are read from the whole message
    (Chinese time expressions, phone numbers and addresses are not reliable NLU
    entities), so custom ``extract_`` methods do the reading."""

    def name(self) -> str:
        return "validate_booking_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: dict) -> list[str]:
        service_name = tracker.get_slot("booking_service")
        service = load_catalogue().services.get(service_name) if service_name else None
        slots = ["booking_service"]
        if service is None or service.eligibility is not None:
            slots.append("booking_eligibility")
        slots.append("booking_time")
        if service is None or service.at_home:
            slots.append("booking_address")
        slots.append("booking_phone")
        return slots

    # --- extraction: what the latest message says -----------------------------------

    def _requested(self, tracker: Tracker) -> str | None:
        return tracker.get_slot("requested_slot")

    async def extract_booking_service(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        service = conversation.service_from(_text(tracker), _entities(tracker, "service_type"))
        if service:
            return {"booking_service": service}
        if self._requested(tracker) == "booking_service" and _text(tracker):
            return {"booking_service": _text(tracker)}  # validated below: a short re-ask
        return {}

    async def extract_booking_eligibility(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        if self._requested(tracker) != "booking_eligibility":
            return {}
        return {"booking_eligibility": _text(tracker)}

    async def extract_booking_time(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        requested = self._requested(tracker)
        entities = _entities(tracker, "time")
        if requested not in (None, "booking_time") and not any(conversation.ISO_SLOT_RE.search(e) for e in entities):
            return {}
        said = conversation.time_from(_text(tracker), entities, now())
        if said:
            return {"booking_time": said}
        if requested == "booking_time" and _text(tracker):
            return {"booking_time": _text(tracker)}
        return {}

    async def extract_booking_address(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        if self._requested(tracker) == "booking_address" and _text(tracker):
            return {"booking_address": _text(tracker)}
        if tracker.get_slot("booking_address") is None and _intent(tracker) == "book_service":
            # Offer last time's address only when a booking starts (after a 不对 it is asked).
            remembered, _ = conversation.remembered_contact(get_database(), tracker.sender_id)
            if remembered:
                return {"booking_address": remembered}
        return {}

    async def extract_booking_phone(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        phone = conversation.phone_from(_text(tracker))
        if phone:
            return {"booking_phone": phone}
        if self._requested(tracker) == "booking_phone" and _text(tracker):
            return {"booking_phone": _text(tracker)}
        if tracker.get_slot("booking_phone") is None and _intent(tracker) == "book_service":
            _, remembered = conversation.remembered_contact(get_database(), tracker.sender_id)
            if remembered:
                return {"booking_phone": remembered}
        return {}

    # --- validation: short Chinese re-asks ---------------------------------------------

    async def validate_booking_service(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        service = conversation.service_from(str(value or ""))
        if service is None:
            dispatcher.utter_message(text="这项服务暂时没有。可以约：" + "、".join(load_catalogue().services) + "。")
            return {"booking_service": None}
        result: dict[str, Any] = {"booking_service": service}
        pending = tracker.get_slot("booking_time_text")
        if pending and tracker.get_slot("booking_time") is None:
            # A time said before the service was known: resolve it now.
            result.update(self._resolve(pending, service, dispatcher))
        return result

    async def validate_booking_eligibility(self, value: Any, dispatcher, tracker: Tracker,
                                           domain) -> dict[str, Any]:
        service = load_catalogue().services.get(tracker.get_slot("booking_service") or "")
        facts = conversation.eligibility_from(str(value or ""))
        if service is None:
            return {"booking_eligibility": None}
        if facts is None:
            dispatcher.utter_message(text="请说一下您的年纪，比如“七十五岁”；行动不便也可以直接告诉我。")
            return {"booking_eligibility": None}
        try:
            check_eligibility(service, age=facts.age, disabled=facts.disabled)
        except BookingError as exc:
            if exc.code == "eligibility_unknown":
                dispatcher.utter_message(text=exc.message)
                return {"booking_eligibility": None}
            dispatcher.utter_message(text=exc.message + "有需要可以说“转人工”，工作人员帮您想办法。")
            return {**{name: None for name in FORM_SLOTS}, "requested_slot": None}
        return {"booking_eligibility": str(value)}

    def _resolve(self, said: str, service: str, dispatcher) -> dict[str, Any]:
        try:
            slot = conversation.resolve_time(get_database(), service, said, now=now())
        except BookingError as exc:
            if exc.alternatives:
                _offer(dispatcher, exc)
            else:
                dispatcher.utter_message(text=exc.message)
            return {"booking_time": None, "booking_time_text": None}
        return {"booking_time": slot.key, "booking_time_text": None}

    async def validate_booking_time(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        service = conversation.service_from(tracker.get_slot("booking_service") or "")
        if service is None:
            # Not known yet: keep what was said and resolve it once the service is known.
            return {"booking_time": None, "booking_time_text": str(value)}
        return self._resolve(str(value), service, dispatcher)

    async def validate_booking_address(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        address = conversation.address_from(str(value or ""), _entities(tracker, "location"))
        if address is None:
            dispatcher.utter_message(text="请说具体地址，比如“3号楼2单元501”。")
        return {"booking_address": address}

    async def validate_booking_phone(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        phone = normalise_phone(str(value or ""))
        if phone is None:
            dispatcher.utter_message(text="手机号好像不对，请说11位手机号。")
        return {"booking_phone": phone}


class ActionSubmitBooking(Action):
    """After the form: read the booking back; on 对 book it, on 不对 drop it."""

    def name(self) -> str:
        return "action_submit_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        catalogue = load_catalogue()
        service = catalogue.services.get(tracker.get_slot("booking_service") or "")
        slot_key = tracker.get_slot("booking_time")
        if service is None or not slot_key:
            return _reset()  # the form stopped early (e.g. not eligible) and already said why
        starts_at = datetime.fromisoformat(slot_key)
        address = tracker.get_slot("booking_address") if service.at_home else None
        phone = tracker.get_slot("booking_phone")
        if not tracker.get_slot("booking_confirming"):
            dispatcher.utter_message(text=confirmation_text(service, starts_at, address=address, phone=phone),
                                     buttons=YES_NO)
            return [SlotSet("booking_confirming", True)]
        if _intent(tracker) != "affirm":
            # Ask again for what may be wrong (time, address, phone); the service stays.
            dispatcher.utter_message(text="好的，我们重新确认一下。不想约了可以说“不约了”。")
            return [SlotSet("booking_confirming", False), SlotSet("booking_time", None),
                    SlotSet("booking_address", None), SlotSet("booking_phone", None),
                    FollowupAction("booking_form")]
        database = get_database()
        facts = conversation.eligibility_from(tracker.get_slot("booking_eligibility")) or conversation.Eligibility()
        try:
            booking = book(database, sender_id=tracker.sender_id, service=service.name, starts_at=starts_at,
                           address=address, phone=phone, age=facts.age, disabled=facts.disabled, now=now())
        except BookingError as exc:
            if exc.alternatives:
                _offer(dispatcher, exc)
                # Back into the form for a new time; the rest of the answers are kept.
                return [SlotSet("booking_confirming", False), SlotSet("booking_time", None),
                        FollowupAction("booking_form")]
            dispatcher.utter_message(text=exc.message)
            return _reset()
        conversation.remember(database, tracker.sender_id, address=address, phone=phone)
        dispatcher.utter_message(text=booked_text(booking))
        return _reset()


class ActionStopBooking(Action):
    """The resident gives up in the middle of the form."""

    def name(self) -> str:
        return "action_stop_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        dispatcher.utter_message(text="好的，这次先不约了。需要的时候再跟我说。")
        return [ActiveLoop(None), SlotSet("requested_slot", None), *_reset()]


class ActionCancelBooking(Action):
    """取消预约: by id, by service (我那个理发的预约), by day, or the one just made
    (刚才订的那个不要了); several that fit → which one, with buttons; always confirmed first."""

    def name(self) -> str:
        return "action_cancel_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        database = get_database()
        pending = tracker.get_slot("booking_cancel_id")
        if tracker.get_slot("booking_cancel_pending") and pending and _intent(tracker) in ("affirm", "deny"):
            if _intent(tracker) == "deny":
                dispatcher.utter_message(text="好的，预约保留。")
                return _reset()
            try:
                booking = cancel(database, pending, sender_id=tracker.sender_id, now=now())
            except BookingError as exc:
                dispatcher.utter_message(text=exc.message)
                return _reset()
            dispatcher.utter_message(text=f"已经取消了预约{booking.id}。")
            return _reset()
        with database.session() as session:
            ref = resolve_booking_reference(session, tracker.sender_id, _text(tracker), now=now())
        if ref.match == "one":
            dispatcher.utter_message(text=conversation.cancel_question(ref.booking), buttons=YES_NO)
            return [SlotSet("booking_cancel_id", ref.booking.id), SlotSet("booking_cancel_pending", True)]
        buttons = [{"title": c.title, "payload": c.payload} for c in ref.candidates]
        dispatcher.utter_message(text=ref.message, buttons=buttons)
        return [SlotSet("booking_cancel_id", None), SlotSet("booking_cancel_pending", False)]


class ActionQueryBooking(Action):
    """我约了什么: the upcoming bookings with date, time, service and status."""

    def name(self) -> str:
        return "action_query_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        dispatcher.utter_message(text=conversation.upcoming_text(get_database(), tracker.sender_id, now=now()))
        return []
