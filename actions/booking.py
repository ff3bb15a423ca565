"""Booking dialogue: the booking form's validation, the read-back and submit, cancel
and list. Every rule lives in ``assistant.booking``; these classes read the tracker,
call it, and turn the answer into messages and slot events."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import FAILURES_SLOT, HUMAN_BUTTON, RESUME_SLOT, InterruptibleFormValidation, for_elders, register_form
from assistant import form_turns
from assistant.conversation import commands, readback
from assistant.conversation.choices import plain_yes
from assistant.booking import about, conversation
from assistant.booking.catalogue import load_catalogue
from assistant.booking.references import resolve_booking_reference
from assistant.booking.service import (
    BookingError,
    book,
    booked_text,
    cancel,
    check_eligibility,
    confirmation_text,
    get_booking,
    nearest_free_slots,
    normalise_phone,
    reminder_promised,
    reschedule,
)
from assistant.booking.timeparse import local_now
from assistant.db import get_database

FORM_SLOTS = ("booking_service", "booking_eligibility", "booking_time", "booking_address", "booking_phone")
ALL_SLOTS = (
    *FORM_SLOTS,
    "booking_time_text",
    "booking_which",
    "booking_confirming",
    "booking_cancel_id",
    "booking_cancel_pending",
    "form_resume",
    "form_failures",
)
# The pseudo slot "asked" after a bare 不对 in the middle of the form: 哪一项要改？
WHICH_SLOT = "booking_which"
# The pseudo slot "asked" by 明天几点方便？ (a day said without a clock time, kept in
# booking_time_text): the form has no utter_ask_ for it, so Rasa does not follow our
# question with its own 您想约哪天几点？; the answer is read as the time's.
CLOCK_SLOT = "booking_time_text"
# The pseudo slot "asked" by the list of every service (能约哪些服务啊): no utter_ask_ for it,
# so Rasa does not follow the list with its own shorter service question; the answer is
# read as the service's.
LIST_SLOT = "booking_service_list"
# The pseudo slot "asked" by the age question said of the person served (请问她今年多大年纪？):
# no utter_ask_ for it, so Rasa does not add the domain's 请问您…; the answer is the age's.
AGE_SLOT = "booking_eligibility_of"
YES_NO = [{"title": "对", "payload": "/affirm"}, {"title": "不对", "payload": "/deny"}]


CANNOT_REMIND_TEXT = "抱歉，每天到点提醒您，这个我做不到。我能帮您把服务约上，约好了您按时去就行。"
EVERY_TIME_RE = re.compile(r"每天|天天|每日|每顿|每回|每次|每周|每个星期|按时按点")


def _said(text: str) -> dict:
    """A message as rasa-sdk's dispatcher keeps it (to put one before the others)."""
    dispatcher = CollectingDispatcher()
    dispatcher.utter_message(text=text)
    return dispatcher.messages[0]


def now() -> datetime:
    """The current local time (a function so tests can fix "today")."""
    return local_now()


def _text(tracker: Tracker) -> str:
    return commands.words_of(tracker.latest_message)


def _entities(tracker: Tracker, name: str) -> list[str]:
    return [
        str(e.get("value"))
        for e in (tracker.latest_message or {}).get("entities", [])
        if e.get("entity") == name and e.get("value")
    ]


def _intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def _last_time_offer(tracker: Tracker) -> tuple[str, list[dict]]:
    """The message and the time buttons offered last in this booking (after a refused
    time, or a list of free times), or ("", [])."""
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name") == "booking_form":
            break  # the booking started here: nothing offered before counts
        if event.get("event") == "bot":
            buttons = (event.get("data") or {}).get("buttons") or []
            times = [b for b in buttons if '"time"' in str(b.get("payload", ""))]
            if times:
                return event.get("text") or "", times
    return "", []


def _last_time_buttons(tracker: Tracker) -> list[dict]:
    """The time buttons offered last in this booking (after a refused time), or []."""
    return _last_time_offer(tracker)[1]


def _booking_texts(tracker: Tracker) -> list[str]:
    """What the resident said in this booking, latest first: this message, then the ones
    since the booking form started."""
    said = [_text(tracker)]
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name") == "booking_form":
            break
        if event.get("event") == "user" and event.get("text") and event.get("text") != said[0]:
            said.append(event.get("text"))
    return said


def _said_in_booking(tracker: Tracker) -> list[str]:
    """What the resident said in this booking, in their words: the messages since the booking
    form started and the one that started it (``_booking_texts`` leaves that one out)."""
    said = [_text(tracker)]
    started = False
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name") == "booking_form":
            started = True
        elif event.get("event") == "user":
            words = commands.words_of(event)
            if words and words not in said:
                said.append(words)
            if started:
                break
    return said


def _keeps_contact(tracker: Tracker, which: str) -> bool:
    """The resident said in this booking that the address or the phone stays as last time
    (地址电话不变 / 电话一样): the remembered one is taken, at whatever turn it is asked."""
    return any(conversation.keeps_contact(said) in (which, "both") for said in _booking_texts(tracker))


def _last_reply(tracker: Tracker) -> list[dict]:
    """The bot events of the butler's reply to the message before this one, latest first
    (only that reply counts as what was just offered or talked about)."""
    events: list[dict] = []
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users > 1:
                break
        elif event.get("event") == "bot":
            events.append(event)
    return events


def service_talked_about_lately(tracker: Tracker, turns: int = 3) -> str | None:
    """The one bookable service the butler's replies of the last ``turns`` turns were about
    (法律咨询's facts, then a follow-up question, then 那就约后天下午两点的), the latest
    named first; None when none was."""
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users > turns:
                break
        elif event.get("event") == "bot":
            named = conversation.services_named(event.get("text") or "")
            for button in (event.get("data") or {}).get("buttons") or []:
                match = re.search(r'^/book_service.*"service_type"\s*:\s*"([^"]+)"', str(button.get("payload", "")))
                if match:
                    named.add(match.group(1))
            if len(named) == 1:
                return next(iter(named))
            if named:
                return None  # several: none meant
    return None


def _offered_service(tracker: Tracker) -> str | None:
    """The service the butler's last reply offered to book (its /book_service button), or None."""
    for event in _last_reply(tracker):
        for button in (event.get("data") or {}).get("buttons") or []:
            match = re.search(r'^/book_service.*"service_type"\s*:\s*"([^"]+)"', str(button.get("payload", "")))
            if match:
                return conversation.service_from(match.group(1))
    return None


def _service_just_talked_about(tracker: Tracker) -> str | None:
    """The one bookable service the butler's last reply was about (老年人体检… answered,
    then 就约一个好伐), or None (none, or several)."""
    named: set[str] = set()
    for event in _last_reply(tracker):
        named |= conversation.services_named(event.get("text") or "")
    return next(iter(named)) if len(named) == 1 else None


def _picked_from_cancel_list(tracker: Tracker) -> bool:
    """The butler's last reply listed bookings to cancel (是哪一个？ with their buttons)."""
    return any(
        str(button.get("payload", "")).startswith("/cancel_booking")
        for event in _last_reply(tracker)
        for button in (event.get("data") or {}).get("buttons") or []
    )


def _words_before(tracker: Tracker) -> str:
    """The resident's message before this one, in their words (commands.words_of)."""
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users == 2:
                return commands.words_of(event)
    return ""


def _listed_own_bookings(tracker: Tracker) -> bool:
    """The butler's last reply listed the resident's bookings (您有2个预约：1. …（YY…）2. …):
    a booking named from it is picked from a list, as from the cancel list."""
    return any(
        len(set(re.findall(r"YY\d{8,}", event.get("text") or ""))) >= 2 for event in _last_reply(tracker)
    )


def _service_left_last(tracker: Tracker) -> str | None:
    """The service of the booking the form left in the butler's last turn (action_leave_form
    ran after the message before this one): the last service the form held, or None."""
    users, left = 0, False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            users += 1
            if users > 1 and not left:
                return None  # the turn before this message left nothing
        elif kind == "action" and event.get("name") == "action_leave_form" and users == 1:
            left = True
        elif left and kind == "slot" and event.get("name") == "booking_service" and event.get("value"):
            return conversation.service_from(str(event["value"]))
    return None


def _wish_to_book(tracker: Tracker) -> list[EventType] | None:
    """俺娘八十二了，那给她约一个 right after 要帮您约助浴吗？, heard as a question about
    bookings or a cancel: the service offered (or named) is booked by the form, which reads
    the rest of the message (the age) as usual. None for anything else."""
    if not conversation.wishes_to_book(_text(tracker)):
        return None
    # 同一天再订一场 right after 预约好了…场地预约: the one service just talked about.
    service = (
        conversation.service_asked_for(_text(tracker)) or _offered_service(tracker)
        or _service_just_talked_about(tracker)
    )
    return [*([SlotSet("booking_service", service)] if service else []), FollowupAction("booking_form")]


def _service_picked(tracker: Tracker) -> list[EventType] | None:
    """助浴那个 我外公八十六了, heard as a question about bookings or a cancel (no cancel word in
    it: ``picks_service``): the service picked is booked by the form when the resident holds
    no booking of it. None for anything else."""
    picked = conversation.picks_service(_text(tracker))
    if picked is None or picked in conversation.services_booked(get_database(), tracker.sender_id, now=now()):
        return None
    return [SlotSet("booking_service", picked), FollowupAction("booking_form")]


def _subject(tracker: Tracker) -> str:
    """理发预约 / 预约: what the resident is booking, for 刚才的…不约了 / 还继续吗."""
    service = tracker.get_slot("booking_service")
    return f"{service}预约" if service and conversation.service_from(service) else "预约"


register_form("booking_form", subject=_subject)


def _reset(*keep: str) -> list[EventType]:
    return [
        SlotSet(name, False if name in ("booking_confirming", "booking_cancel_pending") else None)
        for name in ALL_SLOTS
        if name not in keep
    ]


def _offer(dispatcher: CollectingDispatcher, error: BookingError) -> None:
    """Say why the time cannot be booked and offer the nearest free slots as buttons."""
    dispatcher.utter_message(
        text=conversation.alternatives_text(error),
        buttons=conversation.alternatives_buttons(error.alternatives),
    )


class ValidateBookingForm(InterruptibleFormValidation):
    """Fills and checks the booking form. Values are read from the whole message
    (Chinese time expressions, phone numbers and addresses are not reliable NLU
    entities), so custom ``extract_`` methods do the reading."""

    def name(self) -> str:
        return "validate_booking_form"

    async def _count_failure(self, requested, events, dispatcher, tracker: Tracker, domain: dict):
        """十二点半 at the phone question moves the time (extract_booking_time; the phone is
        asked after the time, so one is held): the resident put an earlier answer right, no
        phone was failed, and the failures of the phone question are left as they were."""
        filled = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
        if (
            requested == "booking_phone"
            and filled.get("booking_time") is not None
            and conversation.time_instead_of_phone(_text(tracker), now())
        ):
            return []
        return await super()._count_failure(requested, events, dispatcher, tracker, domain)

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[str]:
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

    # --- answer or interruption (actions/forms.py asks) --------------------------------

    async def answers(self, slot, dispatcher, tracker: Tracker, domain) -> bool:
        """A real answer to the question asked, or a correction of any answer."""
        entities = {name: _entities(tracker, name) for name in ("service_type", "time")}
        if conversation.answers_slot(slot, _text(tracker), entities, now=now()):
            return True
        if (
            slot == "booking_time"
            and conversation.kept_day(tracker.get_slot("booking_time_text"))
            and (conversation.any_time(_text(tracker)) or conversation.confirms(_text(tracker)))
        ):
            return True  # 都行 / 你看着安排 / 好的 after 明天几点方便？: the day's first free slot
        if (
            slot == "booking_time"
            and conversation.unsure(_text(tracker))
            and not form_turns.is_stop(_text(tracker))
        ):
            return True  # 我也说不好: no question in the middle; the times to pick from are offered
        return self.is_correction(tracker)

    async def correction(self, requested, dispatcher, tracker: Tracker, domain) -> dict | None:
        return None  # corrections are read slot by slot in the extract_ methods below

    def is_correction(self, tracker: Tracker) -> bool:
        correction = self._correction(tracker)
        return correction is not None and correction.slot is not None

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        """A bare 不对 in the middle asks which answer to change (buttons); the answer
        picked is asked again. Everything else: actions/forms.py."""
        active = (tracker.active_loop or {}).get("name") == self.form_name()
        if tracker.get_slot("requested_slot") == CLOCK_SLOT:
            tracker.slots["requested_slot"] = "booking_time"  # 几点方便？ answered: it is the time's answer
        if tracker.get_slot("requested_slot") == LIST_SLOT:
            tracker.slots["requested_slot"] = "booking_service"  # a choice from the list of services
        if tracker.get_slot("requested_slot") == AGE_SLOT:
            tracker.slots["requested_slot"] = "booking_eligibility"  # 请问她今年多大年纪？ answered
        requested = tracker.get_slot("requested_slot")
        # rasa-sdk writes each extracted value into tracker.slots before the next extract_
        # runs: the service as it stood before this message is kept aside.
        tracker.service_before_turn = tracker.get_slot("booking_service")
        tracker.slots_before_turn = dict(tracker.slots)
        if (
            active
            and _intent(tracker) != "emergency"
            and requested not in (None, RESUME_SLOT, WHICH_SLOT)
            and about.asks_price(_text(tracker))
            and not await self.answers(requested, dispatcher, tracker, domain)
        ):
            # 上门修东西收不收钱啊 at the address question: answered from the catalogue, then
            # 刚才的维修预约还继续吗？ (the form's resume question; what was given is kept).
            # Only a price of a service (named, or a bare 多少钱啊): 高龄津贴一个月多少钱 is a
            # policy question, answered by its own rule.
            named = conversation.service_from(_text(tracker), _entities(tracker, "service_type"))
            answer = (
                about.price_answer(named or tracker.get_slot("booking_service") or "")
                if named or about.bare_price_question(_text(tracker))
                else None
            )
            if answer:
                dispatcher.utter_message(text=answer)
                return [SlotSet(FAILURES_SLOT, None), SlotSet(RESUME_SLOT, self.form_name()),
                        SlotSet("requested_slot", RESUME_SLOT)]
        if (
            active
            and _intent(tracker) != "emergency"
            and requested not in (None, RESUME_SLOT, WHICH_SLOT)
            and tracker.get_slot("booking_service")
            and about.asks_where(_text(tracker))
            and not form_turns.is_stop(_text(tracker))
            and not await self.answers(requested, dispatcher, tracker, domain)
        ):
            # 是上门来洗吧 不用我们出去吧 at the time question: where the service is done, from the
            # catalogue, and the same question again (its 不用 leaves nothing; no failed answer).
            answer = about.where_answer(tracker.get_slot("booking_service"))
            if answer:
                dispatcher.utter_message(text=answer)
                return [SlotSet(FAILURES_SLOT, None)]
        if active and _intent(tracker) != "emergency" and requested not in (None, RESUME_SLOT):
            correction = self._correction(tracker)
            if requested == WHICH_SLOT and correction is None:
                named = conversation.field_named(_text(tracker))
                correction = conversation.Correction(named) if named else None
            if correction is not None and correction.slot is None and requested != WHICH_SLOT:
                dispatcher.utter_message(text="哪一项要改？", buttons=conversation.which_to_change_buttons())
                return [SlotSet(FAILURES_SLOT, None), SlotSet("requested_slot", WHICH_SLOT)]
            if requested == WHICH_SLOT and correction is not None and correction.slot is not None:
                if correction.value is None:
                    cleared = [SlotSet(correction.slot, None)]
                    if correction.slot == "booking_time":
                        cleared.append(SlotSet("booking_time_text", None))
                    return [*cleared, SlotSet("requested_slot", correction.slot)]
            elif requested == WHICH_SLOT:
                tracker.slots["requested_slot"] = await self._first_missing(dispatcher, tracker, domain)
        if (not active or requested is None) and _intent(tracker) != "emergency" and conversation.only_lonely(
            _text(tracker)
        ):
            # 孩子都不在身边 整天没人说话 heard as a booking: no service named, none wished for: what
            # there is for company, and a booking offered, not the service question.
            dispatcher.utter_message(text=conversation.LONELY_TEXT, buttons=conversation.LONELY_BUTTONS)
            return [*(SlotSet(name, None) for name in FORM_SLOTS), SlotSet("requested_slot", None)]
        before = {name: tracker.get_slot(name) for name in FORM_SLOTS}
        events = await super().run(dispatcher, tracker, domain)
        if (
            (not active or requested is None)  # the form starts (Rasa runs it active, nothing asked)
            and _intent(tracker) != "emergency"
            and commands.asks_reminder(_text(tracker))
            and EVERY_TIME_RE.search(_text(tracker))
        ):
            # 你能不能每天中午提醒我去吃饭 heard as a booking of 助餐: the booking starts, but the
            # reminder asked for is said honestly first (a booking's own reminder, the day
            # before on a push channel, is no daily reminder; reminder_answer says that one).
            dispatcher.messages.insert(0, {**_said(CANNOT_REMIND_TEXT)})
        if active and requested not in (None, RESUME_SLOT, WHICH_SLOT):
            self._say_changed(dispatcher, tracker, events, requested, before)
        if active and requested == "booking_time" and conversation.other_answer(_text(tracker)):
            self._ask_time_again(dispatcher, tracker, events)
        await self._ask_clock(dispatcher, tracker, domain, events)
        self._list_services(dispatcher, tracker, events)
        await self._ask_age_of(dispatcher, tracker, domain, events)
        return events

    async def _ask_age_of(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict, events: list[EventType]
    ) -> None:
        """The age question, when it comes next, asks about the person the booking is for
        (帮我妈约个助浴 -> 请问她今年多大年纪？), not the resident (the domain's 请问您…)."""
        if not events or any(e.get("event") in ("followup", "active_loop") for e in events):
            return  # rejected (a question in the middle), or the form handed over or stopped
        state = dict(tracker.slots)
        state.update({e["name"]: e.get("value") for e in events if e.get("event") == "slot"})
        if state.get("requested_slot") not in (None, "booking_eligibility", AGE_SLOT) and any(
            e.get("event") == "slot" and e.get("name") == "requested_slot" for e in events
        ):
            return  # the turn asks something else on purpose (哪一项要改？, 还继续吗？, the clock)
        if any(HUMAN_BUTTON in (m.get("buttons") or []) for m in dispatcher.messages):
            return  # choices offered after two failed answers: they stand as the question
        service = load_catalogue().services.get(state.get("booking_service") or "")
        if service is None or service.eligibility is None or state.get("booking_eligibility"):
            return
        trial = tracker.copy()
        trial.slots.update(state)
        if await self._first_missing(dispatcher, trial, domain) != "booking_eligibility":
            return
        who = conversation.person_served(_booking_texts(tracker))
        if who == "您":
            return
        dispatcher.utter_message(text=conversation.eligibility_question(service.eligibility.describe(), who))
        events[:] = [e for e in events if not (e.get("event") == "slot" and e.get("name") == "requested_slot")]
        events.append(SlotSet("requested_slot", AGE_SLOT))

    def _list_services(self, dispatcher: CollectingDispatcher, tracker: Tracker, events: list[EventType]) -> None:
        """能约哪些服务啊 while no service is chosen: every service, each a button, in place
        of the form's short question (five services and 更多服务)."""
        if any(e.get("event") in ("followup", "active_loop") for e in events):
            return  # the form handed over or stopped
        if _intent(tracker) == "emergency" or not conversation.asks_service_list(_text(tracker)):
            return
        state = dict(tracker.slots)
        state.update({e["name"]: e.get("value") for e in events if e.get("event") == "slot"})
        if state.get("booking_service") or state.get("requested_slot") not in (None, "booking_service", LIST_SLOT):
            return
        if tracker.get_slot("requested_slot") not in (None, "booking_service") and (
            (tracker.active_loop or {}).get("name") == self.form_name()
        ):
            return  # another question is open (a correction, 还继续吗？)
        dispatcher.utter_message(text=conversation.service_list_text(), buttons=conversation.service_buttons())
        events[:] = [e for e in events if not (e.get("event") == "slot" and e.get("name") == "requested_slot")]
        events.append(SlotSet("requested_slot", LIST_SLOT))

    def _say_changed(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        events: list[EventType],
        requested: str,
        before: dict[str, Any],
    ) -> None:
        """An earlier answer corrected while another question is open (时间换成下午两点半
        at the phone question): said back (好的，时间改成…), then the open question again.
        An elderly resident hears it in the read-back already."""
        correction = self._correction(tracker)
        filled = {e["name"]: e.get("value") for e in events if e.get("event") == "slot"}
        if correction is None and requested == "booking_phone" and before.get("booking_address"):
            # 125号楼1单元201 at the phone question: the address changed is said back too.
            correction = conversation.Correction("booking_address", filled.get("booking_address"))
        if correction is None or correction.slot in (None, requested):
            return
        value = filled.get(correction.slot)
        if value is None or value == before.get(correction.slot):
            return
        if any(readback.is_readback(m.get("text")) for m in dispatcher.messages):
            return
        said = conversation.changed_text(correction.slot, str(value))
        if said:
            dispatcher.utter_message(text=said)

    async def _ask_clock(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict, events: list[EventType]
    ) -> None:
        """A day kept without a clock time (明天), and the time is the next question: ask
        明天（11月30日）几点方便？ with the day's free starts as buttons, in place of the
        form's 您想约哪天几点？ — whichever message (the time alone, or the time with the
        service, address and phone) or turn (the service learnt later) left the day."""
        if not events or any(e.get("event") == "followup" for e in events):
            return  # rejected (a question in the middle) or the form handed over
        state = dict(tracker.slots)
        state.update({e["name"]: e.get("value") for e in events if e.get("event") == "slot"})
        day = conversation.kept_day(state.get("booking_time_text"))
        service = conversation.service_from(state.get("booking_service") or "")
        if day is None or service is None or state.get("booking_time") is not None:
            return
        if state.get("requested_slot") not in (None, "booking_time", CLOCK_SLOT) and any(
            e.get("event") == "slot" and e.get("name") == "requested_slot" for e in events
        ):
            return  # the turn asks something else on purpose (哪一项要改？, 还继续吗？)
        trial = tracker.copy()
        trial.slots.update(state)
        missing = await self._first_missing(dispatcher, trial, domain)
        if missing != "booking_time":
            return  # an earlier answer (the age for 助浴) is asked first; the day waits
        part = conversation.kept_part(state.get("booking_time_text"))
        starts = conversation.day_starts(get_database(), service, day, now=now(), part=part)
        dispatcher.utter_message(
            text=conversation.clock_question(day, now(), part, starts), buttons=conversation.clock_buttons(starts)
        )
        # Rasa asks the first requested_slot the events name (back to the form after a
        # question in the middle sets booking_time): ours replaces it.
        events[:] = [
            e for e in events if not (e.get("event") == "slot" and e.get("name") == "requested_slot")
        ]
        events.append(SlotSet("requested_slot", CLOCK_SLOT))

    def _ask_time_again(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, events: list[EventType]
    ) -> None:
        """An address or a phone number given while the time is still open (a time was
        refused and others offered): it is kept, and the times to choose from are offered
        again as buttons, so the resident is never stuck on the time question."""
        filled = {e.get("name"): e.get("value") for e in events if e.get("event") == "slot"}
        if filled.get("booking_time") or tracker.get_slot("booking_time"):
            return
        if conversation.kept_day(tracker.get_slot("booking_time_text")):
            return  # a day is kept: the clock question (_ask_clock) comes with its buttons
        if not any(filled.get(name) for name in ("booking_address", "booking_phone")):
            return
        buttons = _last_time_buttons(tracker)
        if not buttons or any(HUMAN_BUTTON in (m.get("buttons") or []) for m in dispatcher.messages):
            return  # none offered, or the second failed answer already offers them with a person
        what = "电话" if filled.get("booking_phone") else "地址"
        dispatcher.utter_message(
            text=f"{what}记下了。时间还没定，下面这几个时间可以约，点一下就行：", buttons=buttons
        )

    async def choice_buttons(self, slot: str, tracker: Tracker, domain: dict) -> list[dict]:
        catalogue = load_catalogue()
        if slot == "booking_service":
            return conversation.service_buttons(catalogue)  # every one: a resident may want the last
        if slot == "booking_time":
            offered = _last_time_buttons(tracker)
            if offered:
                return offered  # the times just offered, not another list that contradicts them
            service = conversation.service_from(tracker.get_slot("booking_service") or "")
            if service is None:
                return []
            with get_database().session() as session:
                free = nearest_free_slots(session, service, now(), now=now())
            return conversation.alternatives_buttons(free)
        if slot == "booking_eligibility":
            return [
                {"title": "70岁以上", "payload": "我七十多岁了"},
                {"title": "行动不便", "payload": "我行动不便"},
            ]
        return []

    # --- extraction: what the latest message says -----------------------------------

    def _requested(self, tracker: Tracker) -> str | None:
        return tracker.get_slot("requested_slot")

    def _correction(self, tracker: Tracker) -> conversation.Correction | None:
        """不对/改成/换成 + a new value, or the answer named (地址不对), or a bare 不对."""
        field = _entities(tracker, "booking_field")
        if field:
            return conversation.Correction(conversation.field_from_title(field[0]))
        return conversation.correction_from(_text(tracker), now=now())

    def _corrects_other(self, tracker: Tracker, slot: str) -> bool:
        """The message corrects another answer than ``slot``: not an answer to it. A slip
        put right in the same breath (约个理发，明天下午三点，哦不对，四点吧: no time was
        given before this message) is no correction of an earlier answer: the message
        answers every question as usual, the slip's answer with its new value."""
        correction = self._correction(tracker)
        return correction is not None and correction.slot != slot and not self._slip_in_one_breath(tracker, correction)

    @staticmethod
    def _slip_in_one_breath(tracker: Tracker, correction: conversation.Correction) -> bool:
        return conversation.slip_in_one_breath(correction, getattr(tracker, "slots_before_turn", tracker.slots))

    def _corrected(self, tracker: Tracker, slot: str) -> dict[str, Any] | None:
        """``{slot: value}`` when the message corrects ``slot``; ``{slot: None}`` when
        it names ``slot`` without a new value (the form asks it again)."""
        correction = self._correction(tracker)
        if correction is None or correction.slot != slot:
            return None
        if correction.value is None and self._slip_in_one_breath(tracker, correction):
            return None  # 换个助浴…地址电话不变 as the booking starts: no address given yet to ask again
        if correction.value is None:
            return {slot: None, **({"booking_time_text": None} if slot == "booking_time" else {})}
        if slot == "booking_time":  # 改成下午三点半: the day already chosen stays
            return {slot: conversation.on_same_day(correction.value, tracker.get_slot("booking_time"), now())}
        if slot == "booking_address":  # 是568号楼 不是566: the unit and room already said stay
            return {slot: conversation.amended_address(tracker.get_slot("booking_address"), correction.value)}
        if slot == "booking_phone":  # 尾号是4417: the rest of the number already given stays
            return {slot: conversation.amended_phone(tracker.get_slot("booking_phone"), correction.value)}
        return {slot: correction.value}

    async def extract_booking_service(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        corrected = self._corrected(tracker, "booking_service")
        if corrected is not None:
            return {**corrected, **self._eligibility_with(tracker, corrected.get("booking_service"))}
        if self._requested(tracker) == "booking_service" or not tracker.get_slot("booking_service"):
            # Asked for, or none chosen yet: everyday words name it too (师傅能来修个马桶不).
            # On another form turn they are about something else (地址…，楼道灯坏了…).
            service = conversation.service_asked_for(_text(tracker), _entities(tracker, "service_type"))
        else:
            service = conversation.service_from(_text(tracker), _entities(tracker, "service_type"))
        if self._corrects_other(tracker, "booking_service"):
            # 哦不对，我说错了，是约保洁，后天下午两点: the time is the correction read, but
            # a different service named in the same breath is corrected too.
            current = tracker.get_slot("booking_service")
            return {"booking_service": service} if service and current and service != current else {}
        if service:
            return {"booking_service": service}
        if (
            self._requested(tracker) is None
            and not tracker.get_slot("booking_service")
            and conversation.wishes_to_book(_text(tracker))
        ):
            # 就约一个好伐 right after the answer about 老年人体检: that service is meant.
            talked_about = _offered_service(tracker) or _service_just_talked_about(tracker)
            if talked_about:
                return {"booking_service": talked_about}
        if (
            self._requested(tracker) is None
            and not tracker.get_slot("booking_service")
            and conversation.takes_back_leaving(_text(tracker))
        ):
            # 想来想去还是约吧 right after 刚才的理发预约不约了: that booking, taken up again.
            left = _service_left_last(tracker)
            if left:
                return {"booking_service": left}
        if self._requested(tracker) == "booking_service" and _text(tracker):
            if (
                conversation.phone_from(_text(tracker))
                or conversation.address_in(_text(tracker))
                or conversation.time_from(_text(tracker), _entities(tracker, "time"), now())
            ):
                # a phone, an address or a time said before the service: kept by its own
                # slot, the service asked again (never 这项服务暂时没有)
                return {}
            if plain_yes(_text(tracker)):
                return {}  # 对 没毛病: a yes names no service; the question is asked again
            return {"booking_service": _text(tracker)}  # validated below: a short re-ask
        return {}

    def _eligibility_with(self, tracker: Tracker, service_said: str | None) -> dict[str, Any]:
        """不是理发 是助浴 她八十多了 at a later question: the age or the disability said with
        the change of service is the person's, no answer being corrected; kept for a service
        that asks it (the eligibility was not among the questions of the service before)."""
        if self._requested(tracker) == "booking_eligibility" or tracker.get_slot("booking_eligibility"):
            return {}
        service = load_catalogue().services.get(conversation.service_from(service_said or "") or "")
        if service is None or service.eligibility is None:
            return {}
        kept = conversation.eligibility_with_correction(_text(tracker))
        return {} if kept is None else {"booking_eligibility": kept}

    async def extract_booking_eligibility(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        correction = self._correction(tracker)
        if correction is not None and correction.slot != "booking_service" and self._corrects_other(
            tracker, "booking_eligibility"
        ):
            return {}
        if correction is not None and self._requested(tracker) == "booking_eligibility":
            return {}  # 不对，是助浴 at the age question: no age said, the question stays
        # (约理发 哦不对 是助浴 给我妈洗个澡 她83了: the service corrected in the same breath
        # keeps the age said with it.)
        if self._requested(tracker) != "booking_eligibility":
            # 俺要约个助浴，俺爹腿脚不好使: an age or a disability said before it is asked is kept.
            facts = (
                None
                if tracker.get_slot("booking_eligibility")
                else conversation.eligibility_from(_text(tracker))
            )
            if facts is not None and (facts.age is not None or facts.disabled):
                return {"booking_eligibility": _text(tracker)}
            return {}
        return {"booking_eligibility": _text(tracker)}

    async def extract_booking_time(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        if self._requested(tracker) in ("booking_address", "booking_phone") and tracker.get_slot("booking_time"):
            # 还是第二个吧 / 噢不对 我要第二个 at the address question: another of the times
            # listed, by its place (before any correction reading: the list says which).
            repicked = conversation.repicked_time(_text(tracker), _last_time_buttons(tracker))
            if repicked is not None:
                return {"booking_time": repicked}
        corrected = self._corrected(tracker, "booking_time")
        if corrected is not None:
            return corrected
        if self._corrects_other(tracker, "booking_time"):
            return {}
        requested = self._requested(tracker)
        entities = _entities(tracker, "time")
        if requested not in (None, "booking_time") and not any(
            conversation.ISO_SLOT_RE.search(e) for e in entities
        ):
            # 先帮我约个明天晚上五点的助餐: another service named with its own time; the time
            # said for the first service does not carry over to it. At the service question
            # (理发，明天下午三点 / 明天上午八点) the time said is the booking's: kept.
            named = conversation.service_from(_text(tracker), _entities(tracker, "service_type"))
            before = getattr(tracker, "service_before_turn", tracker.get_slot("booking_service"))
            current = conversation.service_from(before or "")
            said = conversation.time_from(_text(tracker), entities, now())
            if said and (
                (named and current and named != current)
                or (requested == "booking_service" and current is None)
                # 我82了，明天上午九点 at the age question: the time said with it is kept.
                or (requested == "booking_eligibility" and current is not None)
            ):
                return {"booking_time": said}
            chosen = tracker.get_slot("booking_time")
            if (
                said
                and chosen
                and requested in ("booking_address", "booking_phone")
                and not named
                and not conversation.other_answer(_text(tracker))
                and not conversation.names_a_place(_text(tracker))  # 幸福路8号: an address, not the 8th
                and len(_text(tracker).strip()) <= 8
            ):
                # 明天 / 十一点 alone at the address or phone question: the time already chosen
                # is changed (the day or the clock said, the other kept), not ignored.
                return {"booking_time": conversation.on_same_day(said, chosen, now())}
            return {}
        said = conversation.time_from(_text(tracker), entities, now())
        if said:
            return {"booking_time": said}
        if requested == "booking_time" and _text(tracker):
            if conversation.other_answer(_text(tracker)):
                return {}  # an address or a phone number said instead: kept by its own slot
            offered = _last_time_buttons(tracker)
            kept = conversation.kept_day(tracker.get_slot("booking_time_text"))
            if conversation.unsure(_text(tracker)):
                # 我也说不好: the times that can be booked, to pick from (a day kept: its
                # clock question comes again with its buttons, _ask_clock).
                buttons = (
                    [] if kept else (offered or await self.choice_buttons("booking_time", tracker, domain))
                )
                if buttons:
                    dispatcher.utter_message(
                        text="没关系，下面这几个时间可以约，点一个就行；也可以直接说“明天下午三点”。",
                        buttons=buttons,
                    )
                return {}
            if offered and not kept and conversation.confirms(_text(tracker)):
                # 对的 / 嗯 after a time was refused, or after a list of free times: no time
                # is set yet; say so plainly (a refusal only when there was one).
                listed = _last_time_offer(tracker)[0].startswith(conversation.FREE_TIMES_PREFIX)
                dispatcher.utter_message(
                    text=(
                        "时间还没选。点一个下面的时间，或者说“第一个”“最后一个”。"
                        if listed
                        else "您说的那个时间约不了，时间还没定下来。点一个下面的时间，或者说一个别的时间。"
                    ),
                    buttons=offered,
                )
                return {}
            if kept and conversation.confirms(_text(tracker)):
                # 好的 / 对 to 明天几点方便？ names no time of its own: the day's first free
                # start, read back before anything is booked, so no one is asked again and again.
                return {"booking_time": "都行"}
            return {"booking_time": _text(tracker)}
        return {}

    async def extract_booking_address(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        corrected = self._corrected(tracker, "booking_address")
        if corrected is not None:
            return corrected
        if self._corrects_other(tracker, "booking_address"):
            # 时间换成下午两点 地址是5号楼1单元302 at the address question: the address too.
            said = (
                conversation.address_in(_text(tracker))
                if self._requested(tracker) == "booking_address"
                else None
            )
            return {"booking_address": said} if said else {}
        if (
            self._requested(tracker) == "booking_address"
            and conversation.other_answer(_text(tracker)) == "booking_phone"
            and not conversation.address_in(_text(tracker))
        ):
            return {}  # a phone alone at the address question: kept by its own slot, the address asked again
        if self._requested(tracker) == "booking_address" and _text(tracker):
            if not conversation.address_in(_text(tracker)) and conversation.keeps_contact(_text(tracker)) in (
                "address", "both"
            ):
                # 地址还是原来的 at the address question: the one given last time.
                remembered, _ = conversation.remembered_contact(get_database(), tracker.sender_id)
                if remembered and conversation.is_home_address(remembered):
                    return {"booking_address": remembered}
            # 地址35号楼2单元702，电话139…: the address clause, not the phone with it.
            return {"booking_address": conversation.address_in(_text(tracker)) or _text(tracker)}
        if self._requested(tracker) == "booking_phone" and conversation.other_answer(_text(tracker)) == (
            "booking_address"
        ):
            # 125号楼1单元201 at the phone question (the address remembered from last time was
            # taken without asking, or the resident says it again): the address said now.
            said = conversation.address_in(_text(tracker))
            if said and said != tracker.get_slot("booking_address"):
                return {"booking_address": said}
            return {}
        early = (
            conversation.address_in(_text(tracker)) if tracker.get_slot("booking_address") is None else None
        )
        if early:
            return {"booking_address": early}  # said before it was asked: kept
        if tracker.get_slot("booking_address") is None and (
            _intent(tracker) == "book_service" or _keeps_contact(tracker, "address")
        ):
            # Offer last time's address only when a booking starts (after a 不对 it is asked),
            # or when the resident said it stays (地址电话不变) in this booking.
            remembered, _ = conversation.remembered_contact(get_database(), tracker.sender_id)
            if remembered and conversation.is_home_address(remembered):
                # (125号楼, the place of an earlier complaint, is no home: the address is asked)
                return {"booking_address": remembered}
        return {}

    async def extract_booking_phone(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        corrected = self._corrected(tracker, "booking_phone")
        if corrected is not None:
            return corrected
        if self._corrects_other(tracker, "booking_phone"):
            # 时间改成下午三点，电话13912345678: a phone number said with it is kept too.
            phone = (
                conversation.phone_from(_text(tracker))
                if self._requested(tracker) == "booking_phone"
                else None
            )
            return {"booking_phone": phone} if phone else {}
        phone = conversation.phone_from(_text(tracker))
        if phone:
            return {"booking_phone": phone}
        if self._requested(tracker) == "booking_phone" and conversation.other_answer(_text(tracker)):
            return {}  # an address said instead: kept by its own slot, the phone asked again
        if (
            self._requested(tracker) == "booking_phone"
            and tracker.get_slot("booking_time")
            and conversation.time_instead_of_phone(_text(tracker), now())
        ):
            return {}  # 十一点半 at the phone question: the time changes (extract_booking_time), no failed phone
        if self._requested(tracker) == "booking_phone" and _text(tracker):
            return {"booking_phone": _text(tracker)}
        if tracker.get_slot("booking_phone") is None and (
            _intent(tracker) == "book_service" or _keeps_contact(tracker, "phone")
        ):
            _, remembered = conversation.remembered_contact(get_database(), tracker.sender_id)
            if remembered:
                return {"booking_phone": remembered}
        return {}

    # --- validation: short Chinese re-asks ---------------------------------------------

    async def validate_booking_service(
        self, value: Any, dispatcher, tracker: Tracker, domain
    ) -> dict[str, Any]:
        service = conversation.service_from(str(value or ""))
        if service is None:
            dispatcher.utter_message(
                text="这项服务暂时没有。可以约：" + "、".join(load_catalogue().services) + "。"
            )
            return {"booking_service": None}
        result: dict[str, Any] = {"booking_service": service}
        before = getattr(tracker, "service_before_turn", None)
        said = _text(tracker)
        if (
            service != before
            and (said.startswith("/") or service not in said or len(conversation.services_named(said)) > 1)
            and not self.wants_readback(tracker)
        ):
            # Chosen by number or button, named in everyday words (修个马桶), or one of two
            # services named in one breath (约理发 哦不对 是助浴): the service understood is
            # said back, so a wrong guess shows at once (elders hear every answer read back
            # already).
            where = "上门" if load_catalogue().services[service].at_home else ""
            dispatcher.utter_message(text=f"好的，约{where}{service}。")
        pending = tracker.get_slot("booking_time_text")
        if pending and tracker.get_slot("booking_time") is None:
            # A time said before the service was known: resolve it now.
            result.update(self._resolve(pending, service, dispatcher, tracker.sender_id))
        held = tracker.get_slot("booking_time")
        if before and service != before and held:
            # 不剃了…还是给我订个助餐吧 with 下午三点 held for 理发: a time the new service has no
            # slot at is asked again (助餐 at 15:00 would only fail at the read-back).
            try:
                conversation.resolve_time(get_database(), service, str(held), now=now())
            except BookingError:
                dispatcher.utter_message(text=f"{service}的服务时间和{before}不一样，刚才说的时间约不了。")
                result.update({"booking_time": None, "booking_time_text": None})
        return result

    async def validate_booking_eligibility(
        self, value: Any, dispatcher, tracker: Tracker, domain
    ) -> dict[str, Any]:
        service = load_catalogue().services.get(tracker.get_slot("booking_service") or "")
        facts = conversation.eligibility_from(str(value or ""))
        if service is None:
            return {"booking_eligibility": None}
        if facts is None:
            who = conversation.person_served(_booking_texts(tracker))
            dispatcher.utter_message(text=f"请说一下{who}的年纪，比如“七十五岁”；行动不便也可以直接告诉我。")
            return {"booking_eligibility": None}
        try:
            check_eligibility(service, age=facts.age, disabled=facts.disabled)
        except BookingError as exc:
            if exc.code == "eligibility_unknown":
                dispatcher.utter_message(text=exc.message)
                return {"booking_eligibility": None}
            dispatcher.utter_message(text=exc.message + "有需要可以说“转人工”，工作人员帮您想办法。")
            return {**{name: None for name in FORM_SLOTS}, "requested_slot": None}
        if service.eligibility is not None and (
            conversation.asks_eligibility_rule(str(value or "")) or conversation.asks_if_eligible(str(value or ""))
        ):
            # 助浴有年龄要求吗？他78了 / 我老伴八十二了 她能约不: the question answered along with
            # the answer taken.
            dispatcher.utter_message(
                text=f"有要求：{service.name}面向{service.eligibility.describe()}。您说的情况符合，可以约。"
            )
        return {"booking_eligibility": str(value)}

    def _resolve(self, said: str, service: str, dispatcher, sender_id: str | None = None) -> dict[str, Any]:
        if sender_id:
            # 再约一个同一天下午四点的: the day of the booking just made, not today.
            said = conversation.on_day_of_last_booking(get_database(), sender_id, said, now())
        day = conversation.day_only(said, now())
        if (
            day is not None
            and not conversation.any_time(said)
            and not conversation.asks_free_times(said)
            and conversation.day_starts(get_database(), service, day, now=now(), limit=1)
        ):
            # 明天 alone: the day is kept and its clock time asked (_ask_clock), never
            # guessed. A day with no free start goes on below: full / closed, with the
            # nearest free times offered.
            return {"booking_time": None, "booking_time_text": conversation.kept_day_text(day)}
        if conversation.asks_free_times(said):
            # 后天有啥时间: list the free times to choose from, never book the first one.
            slots = conversation.free_times(get_database(), service, said, now=now())
            dispatcher.utter_message(
                text=conversation.free_times_text(slots), buttons=conversation.alternatives_buttons(slots)
            )
            return {"booking_time": None, "booking_time_text": None}
        try:
            slot = conversation.resolve_time(get_database(), service, said, now=now())
        except BookingError as exc:
            part_day = conversation.day_of_part(said, now()) if exc.code == "closed" else None
            if part_day is not None and conversation.day_starts(
                get_database(), service, part_day, now=now(), limit=1
            ):
                # 明天晚上 for 助餐 (dinner is 17:00-18:00): the part of the day has no time,
                # the day has. Said why; the day is kept and its clock time asked (_ask_clock).
                dispatcher.utter_message(text=exc.message)
                return {"booking_time": None, "booking_time_text": conversation.kept_day_text(part_day)}
            if exc.alternatives:
                _offer(dispatcher, exc)
            else:
                dispatcher.utter_message(text=exc.message)
            return {"booking_time": None, "booking_time_text": None}
        return {"booking_time": slot.key, "booking_time_text": None}

    async def validate_booking_time(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        if value is None:
            return {"booking_time": None}  # cleared by a correction that named it: asked again
        service = conversation.service_from(tracker.get_slot("booking_service") or "")
        # 上午十点 after 明天几点方便？: read on the kept day (a new day or a button as said).
        said = conversation.on_kept_day(str(value), tracker.get_slot("booking_time_text"))
        if said == str(value):
            # 换成晚上6点吧 after the free times of one day were offered: that day's clock.
            said = conversation.on_offered_day(said, [b.get("payload") or "" for b in _last_time_buttons(tracker)],
                                               now())
        if service is None:
            # Not known yet: keep what was said and resolve it once the service is known.
            return {"booking_time": None, "booking_time_text": said}
        part = conversation.part_of_kept_day(str(value), tracker.get_slot("booking_time_text"), now())
        if part is not None and conversation.day_starts(
            get_database(), service, conversation.kept_day(part), now=now(), limit=1,
            part=conversation.kept_part(part),
        ):
            # 上午吧 after 明天几点方便？: half a time. The day and its part are kept and the
            # clock asked again with that part's free starts (_ask_clock), never guessed.
            return {"booking_time": None, "booking_time_text": part}
        return self._resolve(said, service, dispatcher, tracker.sender_id)

    async def validate_booking_address(
        self, value: Any, dispatcher, tracker: Tracker, domain
    ) -> dict[str, Any]:
        if value is None:
            return {"booking_address": None}  # cleared by a correction that named it: asked again
        address = conversation.address_from(str(value or ""), _entities(tracker, "location"))
        if address is None:
            dispatcher.utter_message(text="请说具体地址，比如“3号楼2单元501”。")
        return {"booking_address": address}

    async def validate_booking_phone(
        self, value: Any, dispatcher, tracker: Tracker, domain
    ) -> dict[str, Any]:
        if value is None:
            return {"booking_phone": None}  # cleared by a correction that named it: asked again
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
            if service.per_person and any(conversation.more_than_one_asked(said) for said in _said_in_booking(tracker)):
                # 约明天中午的助餐 我们老两口: one booking is one person; said what is booked before
                # the read-back, never a second seat promised that nobody booked.
                dispatcher.utter_message(text=for_elders(tracker, conversation.one_person_text(service.name)))
            dispatcher.utter_message(
                text=for_elders(tracker, confirmation_text(service, starts_at, address=address, phone=phone)),
                buttons=YES_NO,
            )
            return [SlotSet("booking_confirming", True)]
        # 对，那到时候短信会提醒我吧？: a yes, and a question answered once it is booked.
        asked = conversation.yes_then_question(_text(tracker))
        said_yes = (
            conversation.confirms(_text(tracker))
            or (
                _intent(tracker) == "affirm"
                and not conversation.field_named(_text(tracker))
                and not conversation.hedges(_text(tracker))
            )
            or asked is not None
        )
        if not said_yes:
            # (a typed 地址 may reach us as affirm: it names what to change)
            events = self._not_yes(dispatcher, tracker, service)
            if SlotSet("booking_confirming", True) in events and not any(
                e.get("event") == "followup" for e in events
            ):
                # Read back again (corrected) or 哪一项要改？: the resident answers next. Said
                # outright, so no rule has to know the intent the NLU gave the correction
                # (地址不对，是3号楼1单元202 heard as affirm: its rule expects a booking).
                events.append(FollowupAction("action_listen"))
            return events
        database = get_database()
        facts = (
            conversation.eligibility_from(tracker.get_slot("booking_eligibility"))
            or conversation.Eligibility()
        )
        try:
            booking = book(
                database,
                sender_id=tracker.sender_id,
                service=service.name,
                starts_at=starts_at,
                address=address,
                phone=phone,
                age=facts.age,
                disabled=facts.disabled,
                now=now(),
            )
        except BookingError as exc:
            if exc.alternatives:
                _offer(dispatcher, exc)
                # Back into the form for a new time; the rest of the answers are kept.
                return [
                    SlotSet("booking_confirming", False),
                    SlotSet("booking_time", None),
                    FollowupAction("booking_form"),
                ]
            dispatcher.utter_message(text=exc.message)
            return _reset()
        conversation.remember(database, tracker.sender_id, address=address, phone=phone)
        remind = reminder_promised(database, booking.id, tracker.sender_id)
        dispatcher.utter_message(text=for_elders(tracker, booked_text(booking, remind=remind)))
        if asked is not None and conversation.asks_to_be_reminded(asked):
            dispatcher.utter_message(text=conversation.reminder_answer(remind))
        return _reset()

    def _not_yes(self, dispatcher: CollectingDispatcher, tracker: Tracker, service) -> list[EventType]:
        """At the read-back, anything but 对: leaving (不约了), a correction with the new
        value (地址不对，是3号楼1单元202: taken, read back again), the answer to change
        (地址不对 / the 地址 button: asked again), or a bare 不对 (which one? buttons)."""
        text = _text(tracker)
        if (form_turns.is_stop(text) or _intent(tracker) == "cancel_booking") and not (
            # 哎算了 还是八点半吧: the change is let go, the booking kept with the value said.
            conversation.changes_mind_on_value(text, now=now())
        ):
            dispatcher.utter_message(text=f"好的，刚才的{_subject(tracker)}不约了。需要的时候再跟我说。")
            return _reset()
        if conversation.hedges(text) and conversation.correction_from(text, now=now()) is None:
            # 好，我再想想吧 / 行，我问问我女儿吧: not settled yet; nothing is booked, the
            # read-back waits for 对.
            dispatcher.utter_message(text="好的，那先不约上，不着急。想好了跟我说“对”，我就帮您约上。")
            return [SlotSet("booking_confirming", True), FollowupAction("action_listen")]
        field = _entities(tracker, "booking_field")
        correction = (
            conversation.Correction(conversation.field_from_title(field[0]))
            if field
            else conversation.correction_from(text, now=now())
        )
        if (_intent(tracker) == "ask_policy" or conversation.by_the_way(text)) and (
            correction is None or correction.value is None
        ):
            # A real question at the read-back (only 不对/改成 + a value is a correction):
            # answered; the read-back still waits for 对.
            return [SlotSet("booking_confirming", True), FollowupAction("action_ask_policy")]
        if correction is None:
            named = conversation.field_named(text)
            found = conversation.value_slot(text, now=now(), prefer=named)
            correction = (
                conversation.Correction(*found)
                if found
                else conversation.Correction(named)
                if named
                else None
            )
        if correction is None or correction.slot is None:
            dispatcher.utter_message(
                text="哪一项要改？点一下就行；都对的话说“对”。",
                buttons=[*conversation.which_to_change_buttons(), YES_NO[0]],
            )
            return [SlotSet("booking_confirming", True)]
        slot = correction.slot
        if slot == "booking_address" and not service.at_home:
            slot, correction = None, None
        if correction is None or correction.value is None:
            # Ask that one answer again; the others are kept.
            return [SlotSet(name, None) for name in ((slot,) if slot else ())] + [
                *([SlotSet("booking_time_text", None)] if slot == "booking_time" else []),
                SlotSet("booking_confirming", False),
                FollowupAction("booking_form"),
            ]
        return self._apply(dispatcher, tracker, service, slot, correction.value)

    def _apply(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, service, slot: str, value: str
    ) -> list[EventType]:
        """Take one corrected answer and read the booking back again with it."""
        values = {
            name: tracker.get_slot(name) for name in ("booking_time", "booking_address", "booking_phone")
        }
        catalogue = load_catalogue()
        if slot == "booking_service":
            new_service = catalogue.services.get(conversation.service_from(value) or "")
            if new_service is None or new_service.eligibility is not None:
                # A service with its own questions: the form asks what it needs.
                return [
                    SlotSet("booking_service", new_service.name if new_service else None),
                    SlotSet("booking_eligibility", None),
                    SlotSet("booking_confirming", False),
                    FollowupAction("booking_form"),
                ]
            service = new_service
            value = values["booking_time"]
            slot = "booking_time"
        if slot == "booking_time":
            value = conversation.on_same_day(value, tracker.get_slot("booking_time"), now())
            try:
                found = conversation.resolve_time(get_database(), service.name, value, now=now())
            except BookingError as exc:
                if exc.alternatives:
                    _offer(dispatcher, exc)
                else:
                    dispatcher.utter_message(text=exc.message)
                return [
                    SlotSet("booking_service", service.name),
                    SlotSet("booking_time", None),
                    SlotSet("booking_confirming", False),
                    FollowupAction("booking_form"),
                ]
            values["booking_time"] = found.key
        elif slot == "booking_address":
            said = conversation.address_from(value)
            values["booking_address"] = (
                conversation.amended_address(tracker.get_slot("booking_address"), said) if said else None
            )
        elif slot == "booking_phone":
            values["booking_phone"] = conversation.amended_phone(tracker.get_slot("booking_phone"), value)
        if values.get(slot) is None:
            return [SlotSet(slot, None), SlotSet("booking_confirming", False), FollowupAction("booking_form")]
        if service.at_home and not values["booking_address"]:
            return [
                SlotSet("booking_service", service.name),
                SlotSet("booking_time", values["booking_time"]),
                SlotSet("booking_confirming", False),
                FollowupAction("booking_form"),
            ]
        address = values["booking_address"] if service.at_home else None
        dispatcher.utter_message(
            text=for_elders(
                tracker,
                confirmation_text(
                    service,
                    datetime.fromisoformat(values["booking_time"]),
                    address=address,
                    phone=values["booking_phone"],
                ),
            ),
            buttons=YES_NO,
        )
        return [
            SlotSet("booking_service", service.name),
            *(SlotSet(k, v) for k, v in values.items()),
            SlotSet("booking_confirming", True),
        ]


class ActionCancelBooking(Action):
    """取消预约: by id, by service (我那个理发的预约), by day, or the one just made
    (刚才订的那个不要了); several that fit → which one, with buttons; confirmed first, unless the
    resident asked outright to cancel and picked from the list (or said the cancel again)."""

    def name(self) -> str:
        return "action_cancel_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        database = get_database()
        pending = tracker.get_slot("booking_cancel_id")
        # 对，取消吧 at 要取消…吗？ is heard as cancel_booking: a yes all the same.
        said_yes = conversation.confirms_cancel(_text(tracker))
        keeps = conversation.keeps_booking(_text(tracker))
        named = conversation.service_from(_text(tracker))
        other = False
        if tracker.get_slot("booking_cancel_pending") and pending and named:
            with database.session() as session:
                asked = get_booking(session, pending)
            # 确定 取消理发 when 保洁 was asked about: no answer to that question; the one
            # named is looked up below.
            other = asked is not None and asked.service != named
        if (
            tracker.get_slot("booking_cancel_pending")
            and pending
            and not other
            and (_intent(tracker) in ("affirm", "deny") or said_yes or keeps)
        ):
            if not said_yes and (_intent(tracker) == "deny" or keeps):
                # 不取消了，还是去吃: heard as cancel_booking (取消 is in it), the booking is kept.
                # A cancel said again wins (取消吧，我还去不了 is no keeping).
                with database.session() as session:
                    kept = get_booking(session, pending)
                dispatcher.utter_message(text=conversation.kept_text(kept))
                return _reset()
            try:
                booking = cancel(database, pending, sender_id=tracker.sender_id, now=now())
            except BookingError as exc:
                dispatcher.utter_message(text=exc.message)
                return _reset()
            dispatcher.utter_message(text=f"已经取消了预约{booking.id}。")
            return _reset()
        if not tracker.get_slot("booking_cancel_pending") and conversation.cancel_taken_back(_text(tracker)):
            # 我想取消……算了还是留着吧 不取消了: the cancel taken back in the same breath; the
            # booking is kept and said so (asking 要取消…吗？ would invite a yes to the wrong thing).
            with database.session() as session:
                ref = resolve_booking_reference(session, tracker.sender_id, _text(tracker), now=now())
            dispatcher.utter_message(text=conversation.kept_text(ref.booking if ref.match == "one" else None))
            return _reset()
        if not tracker.get_slot("booking_cancel_pending") and conversation.keeps_every_one_named(_text(tracker)):
            # 理发不用取消了 助餐也保留: every booking named is kept; asking 要取消…理发…吗？ about
            # the one just kept would let a reflexive 好 cancel it. Said kept, nothing asked.
            # (None of them booked: the usual answer below says so.)
            with database.session() as session:
                ref = resolve_booking_reference(session, tracker.sender_id, _text(tracker), now=now())
            if ref.match != "none":
                # Two kept (理发…助餐也保留): said of them all, not of the one the reference picked.
                several = len(conversation.services_named(_text(tracker))) > 1
                dispatcher.utter_message(
                    text=conversation.kept_text(ref.booking if ref.match == "one" and not several else None))
                return _reset()
        wish = _wish_to_book(tracker) or _service_picked(tracker)
        if wish is not None:
            return wish
        raw = (tracker.latest_message or {}).get("text") or ""
        with database.session() as session:
            # A button's payload names the booking by its id; words name it as they can.
            ref = resolve_booking_reference(
                session, tracker.sender_id, raw if raw.startswith("/") else _text(tracker), now=now()
            )
        if ref.match == "one" and (
            conversation.picked_to_cancel(_text(tracker), raw, listed=_picked_from_cancel_list(tracker))
            or conversation.picked_after_cancel_asked(
                _text(tracker), raw, listed=_picked_from_cancel_list(tracker), asked=_words_before(tracker)
            )
            or (_listed_own_bookings(tracker) and conversation.cancels_again(_text(tracker)))
            or conversation.cancels_one_of_several_by_time(
                get_database(), tracker.sender_id, _text(tracker), ref.booking, now=now()
            )
            or conversation.cancels_one_and_keeps_another(
                get_database(), tracker.sender_id, _text(tracker), ref.booking, now=now()
            )
        ):
            # 助浴那个退了吧, picked from 是哪一个？ after 帮我退一个预约: the cancel asked for and
            # said again with the choice, in words: done, not asked a third time. So is one
            # named with a cancel word from the list of the resident's bookings just shown
            # (我约了哪些 → 下午那个退掉): they saw it and chose it.
            try:
                booking = cancel(database, ref.booking.id, sender_id=tracker.sender_id, now=now())
            except BookingError as exc:
                dispatcher.utter_message(text=exc.message)
                return _reset()
            dispatcher.utter_message(text=conversation.cancelled_text(booking))
            return _reset()
        if ref.match == "one":
            dispatcher.utter_message(text=conversation.cancel_question(ref.booking), buttons=YES_NO)
            return [SlotSet("booking_cancel_id", ref.booking.id), SlotSet("booking_cancel_pending", True)]
        buttons = [{"title": c.title, "payload": c.payload} for c in ref.candidates]
        # 要取消哪一个？: the pick cancels it (picked_after_cancel_asked), so the question says so.
        dispatcher.utter_message(text=ref.message.replace("是哪一个？", "要取消哪一个？"), buttons=buttons)
        return [SlotSet("booking_cancel_id", None), SlotSet("booking_cancel_pending", False)]


class ActionQueryBooking(Action):
    """我约了什么: the upcoming bookings with date, time, service and status."""

    def name(self) -> str:
        return "action_query_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        from actions.core import answers_ticket_question, ticket_followup_here

        if answers_ticket_question(tracker):
            # 我已经把窗子打开了 要不要敲门嘛 minutes after a gas report, heard as a booking query:
            # the emergency's detail (or the ticket question waited on), never 您现在没有预约.
            answered = await ticket_followup_here(dispatcher, tracker, domain, self.name())
            if answered is not None:
                return answered
        wish = _wish_to_book(tracker)
        if wish is not None:
            return wish
        offered = conversation.asks_service_offered(
            _text(tracker), booked=conversation.services_booked(get_database(), tracker.sender_id, now=now())
        )
        if offered is not None:
            # 听说你们这能叫人上门剃头 是不是啊: whether the service comes, asked to have it;
            # the form asks the day and time (never 您现在没有预约).
            return [SlotSet("booking_service", offered), FollowupAction("booking_form")]
        if conversation.asks_service_list(_text(tracker)):
            # 你哋有边啲服务 / 你们这儿能约哪些服务: which services there are, to book
            # one (the form lists them all as buttons), never 您现在没有预约.
            return [FollowupAction("booking_form")]
        service = conversation.service_from(_text(tracker), _entities(tracker, "service_type"))
        facts = about.answer_about_service(_text(tracker))
        if (
            facts is not None
            and not conversation.about_own_booking(_text(tracker))
            and not conversation.asks_free_times(_text(tracker))
        ):
            # 心理咨询礼拜几有啊 heard as a question about bookings: the service's days, hours and
            # price from the catalogue, never 您现在没有预约 (its policy entry the topic after).
            from actions.policy import service_topic

            dispatcher.utter_message(text=facts[1])
            return await service_topic(facts[0])
        if service and conversation.asks_free_times(_text(tracker)):
            # 明天能剪头不 都有啥时间: the free times of a service are asked to book it, not
            # what is booked; the form lists that day's free times from these words.
            return [SlotSet("booking_service", service), FollowupAction("booking_form")]
        picked = _service_picked(tracker)
        if picked is not None:
            # 助浴那个 我外公八十六了 after the services were shown, heard as a question about
            # bookings: the service picked is booked (the form reads the age said with it),
            # never 您现在没有预约.
            return picked
        if commands.asks_reminder(_text(tracker)):
            # 到时候提醒我一下 about a booking: honest about what the channel can send.
            dispatcher.utter_message(
                text=conversation.reminder_asked_text(get_database(), tracker.sender_id, now=now())
            )
            return []
        dispatcher.utter_message(
            text=conversation.upcoming_text(get_database(), tracker.sender_id, now=now())
        )
        return []


# --- 改时间: moving a booking ----------------------------------------------------------

RESCHEDULE_ID, RESCHEDULE_TO = "booking_reschedule_id", "booking_reschedule_to"
# 往后挪一天 / 推迟两天 / 提前一天: a shift of the booking's own day (conversation's
# reschedule_target reads only a new time, and would take the 明天 of 把明天的维修往后挪一天
# for the new day: the same slot).
_SHIFT_RE = re.compile(
    r"(往后|向后|推迟|延后|顺延|往前|向前|提前)[挪推延移调改]?(?:个)?\s*([一两二三1-3])\s*天"
)
_SHIFT_DAYS = {"一": 1, "两": 2, "二": 2, "三": 3, "1": 1, "2": 2, "3": 3}


def _shifted(text: str, starts_at: datetime) -> str | None:
    """The ISO start of 往后挪一天 (same clock time, another day), or None."""
    match = _SHIFT_RE.search(text)
    if not match:
        return None
    days = _SHIFT_DAYS[match.group(2)] * (-1 if match.group(1) in ("往前", "向前", "提前") else 1)
    return (starts_at + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


class ActionRescheduleBooking(Action):
    """能改到后天吗，还是上午九点半 / 改到周三同一时间 / 往后挪一天: the booking meant (the one
    just made, the only one, the one named, or the one already being moved) moved to the
    new time, read back first; 对 moves it (``service.reschedule``, same id), 不对 keeps it.
    A new day alone keeps the clock time, a new clock time alone keeps the day.

    ``booking_reschedule_id`` stays set while a question about the move is open (改到哪天?,
    free times offered, 对吗?), so the answer (inform / affirm / deny) comes back here
    (nlu_data/rules/booking.yml); ``booking_reschedule_to`` is the new slot read back."""

    def name(self) -> str:
        return "action_reschedule_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        database = get_database()
        pending, target = tracker.get_slot(RESCHEDULE_ID), tracker.get_slot(RESCHEDULE_TO)
        done = [SlotSet(RESCHEDULE_ID, None), SlotSet(RESCHEDULE_TO, None)]
        text = _text(tracker)
        payload = text.startswith("/")  # a button: the time is its entity, not words
        said = (
            next(iter(_entities(tracker, "time")), None) if payload else conversation.reschedule_target(text)
        )
        if (
            pending
            and (_intent(tracker) == "deny" or form_turns.is_stop(text))
            and not said
            and not _SHIFT_RE.search(text)
        ):
            dispatcher.utter_message(text="好的，不改了，还是原来的时间。")
            return done
        if pending and target and (_intent(tracker) == "affirm" or conversation.confirms(text)):
            try:
                moved = reschedule(
                    database, pending, datetime.fromisoformat(target), sender_id=tracker.sender_id, now=now()
                )
            except BookingError as exc:
                dispatcher.utter_message(
                    text=conversation.alternatives_text(exc) if exc.alternatives else exc.message
                )
                return done
            dispatcher.utter_message(text=conversation.moved_text(moved))
            return done
        if not pending:
            wish = _wish_to_book(tracker)
            if wish is not None:
                return wish
        shift = _SHIFT_RE.search(text)
        words = text[: shift.start()] if shift else conversation.reschedule_reference(text)
        with database.session() as session:
            chosen = next(iter(_entities(tracker, "booking_id")), "") if payload else words
            ref = resolve_booking_reference(session, tracker.sender_id, chosen, now=now())
            if ref.match != "one" and pending:
                # 不对，改到大后天 while a move is open: still the booking being moved.
                ref = resolve_booking_reference(session, tracker.sender_id, pending, now=now())
        if ref.match != "one":
            # The buttons carry the id and the time said, so a tap comes back here (the
            # reference's own buttons would ask to cancel).
            dispatcher.utter_message(
                text=ref.message or "您要改哪个预约？",
                buttons=[
                    {"title": c.title, "payload": self._payload(c.booking_id, said)} for c in ref.candidates
                ],
            )
            return done
        booking = ref.booking
        keep = [SlotSet(RESCHEDULE_ID, booking.id), SlotSet(RESCHEDULE_TO, None), *self._drop_cancel(tracker)]
        current = booking.starts_at.strftime("%Y-%m-%dT%H:%M")
        value = _shifted(text, booking.starts_at) if shift else said
        if not value:
            dispatcher.utter_message(text="想改到哪天几点？比如“后天上午九点半”。")
            return keep
        if not conversation.ISO_SLOT_RE.fullmatch(value.strip()):
            value = conversation.on_same_day(value, current, now())
        try:
            slot = conversation.resolve_time(database, booking.service, value, now=now())
        except BookingError as exc:
            if exc.alternatives:
                _offer(dispatcher, exc)  # a tap on a time comes back as inform: still this booking
                return keep
            dispatcher.utter_message(text=exc.message)
            return done
        if slot.key == current:
            dispatcher.utter_message(text="新时间和原来的一样，不用改。想改到哪天几点？")
            return keep
        dispatcher.utter_message(text=conversation.move_question(booking, slot.starts_at), buttons=YES_NO)
        return [
            SlotSet(RESCHEDULE_ID, booking.id),
            SlotSet(RESCHEDULE_TO, slot.key),
            *self._drop_cancel(tracker),
        ]

    @staticmethod
    def _payload(booking_id: str, said: str | None) -> str:
        return "/reschedule_booking" + json.dumps(
            {"booking_id": booking_id, **({"time": said} if said else {})}, ensure_ascii=False
        )

    @staticmethod
    def _drop_cancel(tracker: Tracker) -> list[EventType]:
        """A move asked after a 要取消…吗？ replaces that question: a later 对 moves, it does not cancel."""
        if not tracker.get_slot("booking_cancel_pending"):
            return []
        return [SlotSet("booking_cancel_pending", False), SlotSet("booking_cancel_id", None)]
