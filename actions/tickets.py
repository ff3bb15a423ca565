"""Complaint dialogue: the complaint form, submitting it, progress by id or
"我的投诉", emergencies and what follows them (where, what else), and residents'
ratings of handled tickets. Every rule lives in ``assistant.tickets``; these
classes read the tracker, call it, and turn the answer into messages and slots.

Outside any form, the question the butler waits on (where is the emergency? how
do you rate it? why not satisfied?) is the ``ticket_followup`` slot,
"<kind>|<ticket id>|<epoch seconds>"; the rules send the next answer to
``action_ticket_followup`` whatever the NLU called it."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import InterruptibleFormValidation, abandon_forms, for_elders
from assistant import form_turns
from assistant.conversation import commands
from assistant.db import get_database
from assistant.settings import get_settings
from assistant.tickets import intake
from assistant.dialogue import EMERGENCY_MARKER, SAFETY_METADATA_KEY
from assistant.tickets.emergency import (
    booking_after,
    booking_offer,
    booking_said_with,
    place_said_before,
    report_resumed,
)
from assistant.tickets.asking import asks_if_recorded, asks_what_was_done, besides_the_question
from assistant.tickets.ids import find_ticket_id
from assistant.tickets.references import is_reference_to_existing, resolve_ticket_reference
from assistant import clock
from assistant.tickets import feedback
from assistant.tickets.service import (
    own_open_ticket,
    CONTACT_INVITATION,
    LOCATION_QUESTION,
    MAX_DESCRIPTION,
    TicketError,
    add_contact,
    asks_to_be_told,
    asks_to_hear_the_outcome,
    asks_who_reported_stays_unknown,
    correct_place,
    file_ticket,
    filed_asking_contact,
    follow_up_emergency,
    get_ticket,
    handling_answer,
    how_to_follow,
    live_emergency,
    my_tickets_text,
    place_just_reported,
    public_status,
    recorded_read_back,
    respond_to_emergency,
    who_reported_answer,
)
from assistant.privacy import last_four, mask_phone

log = structlog.get_logger(__name__)

# What the form asks for. The contact is not asked before filing: a resident who leaves at
# that question would lose the complaint. A phone said at any point is kept (a side slot),
# and one asked for after filing joins the ticket (ActionTicketFollowup, kind CONTACT).
FORM_SLOTS = ("complaint_description", "complaint_location")
SIDE_SLOTS = (
    "complaint_lat",
    "complaint_long",
    "complaint_photo",
    "complaint_cancelled",
    "complaint_contact",
)
ALL_SLOTS = (*FORM_SLOTS, *SIDE_SLOTS)
SHARED_LOCATION = "居民发送的定位"
# Giving up in the middle of the form (the contact question treats "不用了" as anonymous).
_CANCEL = re.compile(r"算了|不投诉了|不反映了|不报了|不说了|取消|不用登记|先不")


def _text(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("text") or "").strip()


def _intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def _entity(tracker: Tracker, name: str) -> str | None:
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == name and entity.get("value"):
            return str(entity["value"])
    return None


def _metadata(tracker: Tracker) -> dict:
    return (tracker.latest_message or {}).get("metadata") or {}


def _reset() -> list[EventType]:
    return [SlotSet(name, None) for name in ALL_SLOTS]


def _service_trouble(dispatcher: CollectingDispatcher) -> None:
    settings = get_settings()
    dispatcher.utter_message(
        text=f"抱歉，系统出了点问题，没能登记上。请打社区电话 {settings.service_phone}"
        f"（{settings.service_hours}）反映。"
    )


# Words that drop the report itself (not just the phone number) at the contact question.
_DROPS_REPORT = re.compile(r"不投诉了|不反映了|不报了|不登记了|不弄了|不办了")


# A report said as an errand (给居委会打个电话，就说…): the butler cannot call anyone.
RELAY_AS_TICKET = "我没法替您打电话或传话。可以把这件事登记成工单，转给负责的部门处理。"


class ValidateComplaintForm(InterruptibleFormValidation):
    """Fills the complaint form from whole messages: the first message usually is
    the description (and may name the place); the place may come as words or as a
    shared location in the message metadata; the contact is a phone or 匿名."""

    def name(self) -> str:
        return "validate_complaint_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[str]:
        if tracker.get_slot("complaint_cancelled"):
            return []  # the form ends; action_submit_complaint says it was dropped
        return list(FORM_SLOTS)

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[EventType]:
        """rasa-sdk keeps only required slots' events; the coordinates, the photo and
        the cancellation are filled alongside them and must reach the tracker too."""
        events = await super().get_validation_events(dispatcher, tracker, domain)
        side = {k: v for k, v in tracker.slots_to_validate().items() if k in SIDE_SLOTS}
        # Not asked for any more, so only a phone number said along the way is kept (and
        # 匿名 in a conversation that was at the contact question when this changed).
        said = (await self.extract_complaint_contact(dispatcher, tracker, domain)).get("complaint_contact")
        if said and (said != intake.ANONYMOUS or self._requested(tracker) == "complaint_contact"):
            side["complaint_contact"] = said
        return [*events, *(SlotSet(k, v) for k, v in side.items())]

    async def answers(
        self, slot: str | None, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> bool:
        if slot == "complaint_contact":
            # 匿名 / 13912345678 alone IS the answer, though it equals the whole message
            # (the base class reads such a value as free text), and a 匿名 the NLU hears as
            # deny must not drop the complaint; only words that drop the report leave.
            found = await self.extract_complaint_contact(CollectingDispatcher(), tracker, domain)
            return bool(found.get("complaint_contact")) and not _DROPS_REPORT.search(_text(tracker))
        return await super().answers(slot, dispatcher, tracker, domain)

    async def correction(
        self, requested: str | None, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict | None:
        corrected = await super().correction(requested, dispatcher, tracker, domain)
        if corrected and "complaint_description" in corrected:
            # The base reads the message without its 不是… part; a description that is just
            # that message (3单元，不是，4单元 at the location question) corrects nothing: the
            # message answers the question asked.
            said = form_turns.without_negated(_text(tracker))
            if corrected["complaint_description"] in (said, said[:120]):
                return None
        return corrected

    def _requested(self, tracker: Tracker) -> str | None:
        return tracker.get_slot("requested_slot")

    def _cancelled(self, tracker: Tracker) -> bool:
        # 那算了 就当噪音投诉吧 847号楼5单元: the 算了 lets go of something else (a call the
        # butler cannot make); the report is asked for.
        return (
            self._requested(tracker) in ("complaint_description", "complaint_location")
            and bool(_CANCEL.search(_text(tracker)) or _intent(tracker) == "deny")
            and not intake.asks_to_file(_text(tracker))
        )

    async def extract_complaint_description(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        requested, text = self._requested(tracker), _text(tracker)
        described = tracker.get_slot("complaint_description")
        if described:
            # A complaint told in pieces (灯坏了 / 楼道 / 三楼那个, or more detail at the
            # location question): the description keeps every piece, the place still goes
            # to the location. Not at the contact question: a phone or 匿名 is said there.
            if requested not in ("complaint_description", "complaint_location") or self._cancelled(tracker):
                return {}
            longer = intake.add_to_description(str(described), text)
            return {"complaint_description": longer} if longer and len(longer) <= MAX_DESCRIPTION else {}
        if requested == "complaint_description" and self._cancelled(tracker):
            return {"complaint_cancelled": True}
        if requested is None and (_asks_about_earlier(tracker) or _rates_handled(tracker)):
            # NLU heard a complaint in "我的投诉", an id or "那个漏水的事有回复了吗": end the
            # form, answer the question. So in 路灯换好了 安逸得很: a rating of the work.
            return {"complaint_cancelled": True}
        if requested is None and (intake.is_substantive(text) or intake.says_what_is_wrong(text)):
            if not text.startswith("/") and commands.asks_relay(text):
                # 你帮我给居委会王主任打个电话 就说我家暖气不热: no call is made; what is done instead.
                dispatcher.utter_message(text=RELAY_AS_TICKET)
            return {"complaint_description": text}  # the message that opened the form (灯坏了 too)
        if requested == "complaint_description" and len(re.findall(r"[\u4e00-\u9fff]", text)) >= 2:
            return {"complaint_description": text}
        return {}

    async def extract_complaint_location(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        shared = intake.location_from_metadata(_metadata(tracker))
        photo = intake.media_from_metadata(_metadata(tracker))
        extra = {"complaint_photo": photo} if photo else {}
        if shared:  # a shared location is the most precise answer, whenever it comes
            return {
                "complaint_location": tracker.get_slot("complaint_location") or SHARED_LOCATION,
                "complaint_lat": shared[0],
                "complaint_long": shared[1],
                **extra,
            }
        if tracker.get_slot("complaint_location"):
            return extra
        requested, text = self._requested(tracker), _text(tracker)
        if requested == "complaint_location" and self._cancelled(tracker):
            return {"complaint_cancelled": True}
        place = intake.place_said(text, _entity(tracker, "location")) or intake.neighbour_place_for(
            get_database, tracker.sender_id, text
        )
        if not place and requested is None and intake.points_back(text):
            # 一是634号楼西边的垃圾桶满了 二是那边的路灯也不亮: 那边 is where the report just filed is.
            place = place_just_reported(get_database(), tracker.sender_id, now=clock.now())
        if place and intake.needs_more_place(place) and requested != "complaint_location":
            # 下水道堵了…一楼都冒水了 / 垃圾站好几天没清了: a floor, or one of several garbage
            # stations, said in the report is no place staff can find; where is asked (said as
            # the answer to "where?" it is what the resident knows, and taken).
            return extra
        if place:
            return {"complaint_location": place, **extra}
        if (
            requested == "complaint_location"
            and text
            and not text.startswith("/")
            and not intake.is_story_not_place(text)
        ):
            # Residents describe places freely ("超市后面那条路"): keep their words. Not more
            # of the problem (晚上一直不亮) or a place too vague to find (楼道): the
            # description takes those, and the question is asked again.
            return {"complaint_location": text[:120], **extra}
        return extra

    async def extract_complaint_contact(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        if tracker.get_slot("complaint_contact"):
            return {}
        requested, text = self._requested(tracker), _text(tracker)
        contact = intake.parse_contact(text)
        if contact and contact[0] == "phone":
            return {"complaint_contact": contact[1]}  # a number said at any point counts
        if requested == "complaint_contact" and (contact or _intent(tracker) == "deny"):
            return {"complaint_contact": intake.ANONYMOUS}
        return {}

    def validate_complaint_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        if value and len(str(value)) > MAX_DESCRIPTION:
            dispatcher.utter_message(text="说得有点长，请简单说一下是什么问题。")
            return {"complaint_description": None}
        return {"complaint_description": value}


class ActionSubmitComplaint(Action):
    def name(self) -> str:
        return "action_submit_complaint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if tracker.get_slot("complaint_cancelled"):
            if _asks_about_earlier(tracker):
                return [*_reset(), FollowupAction("action_check_ticket")]
            if _rates_handled(tracker):
                return [*_reset(), FollowupAction("action_rate_ticket")]
            service = booking_after(_text(tracker))
            if service:
                # 算了不说这个了…你帮我约个陪诊吧 明天上午八点: the report is let go and the
                # booking asked for in the same breath starts with what was said of it.
                dispatcher.utter_message(text="好的，这件事先不登记了。")
                return [*_reset(), SlotSet("booking_service", service), FollowupAction("booking_form")]
            dispatcher.utter_message(text="好的，这次先不登记了。有需要随时跟我说。")
            return _reset()
        location = tracker.get_slot("complaint_location")
        contact = tracker.get_slot("complaint_contact")
        try:
            filed = await asyncio.to_thread(  # off the event loop (see ActionEmergency)
                file_ticket,
                get_database(),
                description=tracker.get_slot("complaint_description") or "",
                sender_id=tracker.sender_id,
                address=None if location == SHARED_LOCATION else location,
                lat=tracker.get_slot("complaint_lat"),
                long=tracker.get_slot("complaint_long"),
                contact_phone=None if contact in (None, intake.ANONYMOUS) else contact,
                media_url=tracker.get_slot("complaint_photo"),
            )
        except TicketError as exc:
            dispatcher.utter_message(text=str(exc))
            return _reset()
        except Exception:  # noqa: BLE001 - the resident gets an answer, staff get the log
            log.exception("complaint_submit_failed", sender_id=tracker.sender_id)
            _service_trouble(dispatcher)
            return _reset()
        events = [*_reset(), SlotSet("last_ticket_id", filed.ticket.id)]
        phone = None if contact in (None, intake.ANONYMOUS) else contact
        if contact is None:  # never asked: asked now, the complaint already safe
            said = (
                filed_asking_contact(filed.ticket)
                if filed.created
                else f"{filed.message}{CONTACT_INVITATION}"
            )
            dispatcher.utter_message(
                text=for_elders(tracker, said), buttons=[{"title": "不留电话", "payload": "/deny"}]
            )
            _hand_off_said_with(dispatcher, tracker, phone)
            return [*events, _waiting_on(CONTACT, filed.ticket.id)]
        dispatcher.utter_message(text=for_elders(tracker, filed.message))
        _hand_off_said_with(dispatcher, tracker, phone)
        # Filed with a phone: nothing is asked, but a question about it right after (是不是已经
        # 派人过去了, heard as a booking query) is about this ticket (ActionTicketFollowup).
        return [*events, _waiting_on(FILED, filed.ticket.id)]


def _hand_off_said_with(dispatcher: CollectingDispatcher, tracker: Tracker, phone: str | None) -> bool:
    """电梯又停了…你们赶紧派人修 我要跟你们工作人员直接说: the report is filed, and the person
    asked for in the same words is asked for too (a hand-off for staff). A call back is
    promised only with a phone to call; without one, the phone asked for next reaches staff
    too (``ActionTicketFollowup._contact``), and the community's number is given."""
    from assistant.residents.service import remember_contact, request_handoff

    said = str(tracker.get_slot("complaint_description") or "")
    if not said or said.startswith("/") or not intake.asks_staff_with_report(said):
        # 修好了给我回个电话 / 叫值班的人来换一下: a call back or someone to do the job, no staff now.
        return False
    if asks_to_hear_the_outcome(said):
        # 修好了让工作人员给我回个电话: to hear the outcome (the phone question after filing).
        return False
    with get_database().session() as session:
        request_handoff(session, tracker.sender_id, "asked", said)
        if phone:
            remember_contact(session, tracker.sender_id, phone=phone)
    settings = get_settings()
    if phone:
        line = (f"您说要找工作人员，也帮您转了人工，工作人员会打您尾号{last_four(phone)}的电话。"
                f"着急的话可以直接打社区电话 {settings.service_phone}（{settings.service_hours}）。")
    else:
        line = (f"您说要找工作人员，也帮您转了人工。留了手机号，工作人员会打给您；"
                f"着急的话可以直接打社区电话 {settings.service_phone}（{settings.service_hours}）。")
    dispatcher.utter_message(text=for_elders(tracker, line))
    return True


def _asks_about_earlier(tracker: Tracker) -> bool:
    """The complaint form opened on a question about an earlier matter of the resident's
    (``intake.asks_about_earlier``)."""
    return intake.asks_about_earlier(get_database(), tracker.sender_id, _text(tracker), now=clock.now())


def _rates_handled(tracker: Tracker) -> bool:
    """A rating of a handled ticket said unasked (``feedback.rates_handled_ticket``)."""
    return feedback.rates_handled_ticket(get_database(), tracker.sender_id, _text(tracker))


def _has_upcoming_booking(session, sender_id: str) -> bool:  # noqa: ANN001 - a SQLAlchemy session
    from assistant.booking.service import upcoming_bookings

    return bool(upcoming_bookings(session, sender_id, now=clock.now()))


class ActionCheckTicket(Action):
    """By id anyone hears the state; 我的投诉 lists the resident's own tickets; a
    reference (那个漏水的事) is resolved among the resident's own tickets, and when
    several fit the butler asks which one, with buttons."""

    def name(self) -> str:
        return "action_check_ticket"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        text = _text(tracker)
        ticket_id = find_ticket_id(_entity(tracker, "ticket_id")) or find_ticket_id(text)
        pending = _pending(tracker)
        if (
            pending
            and pending[0] == CONTACT
            and not ticket_id
            and feedback.still_waiting(pending[2], clock.now())
            and feedback.restates_yes(text)
        ):
            # 要的，帮我报上去 right after filing (heard as a progress question): it is filed,
            # said with its number, and the phone question stays open.
            return await asyncio.to_thread(ActionTicketFollowup._contact, dispatcher, tracker, pending[1])
        if not ticket_id and not text.startswith("/") and asks_to_hear_the_outcome(text):
            # 有结果了给我回个电话 (13778918804) / 修好了发个短信告诉我一声, heard as 转人工 or
            # 报平安 and turned into this intent (nlu_components/ticket_question.py): about the
            # ticket just filed, the phone joins it or how to follow it is said honestly.
            told = await asyncio.to_thread(_told_of, dispatcher, tracker, pending)
            if told is not None:
                return told
        if not ticket_id and not text.startswith("/") and not is_reference_to_existing(text):
            from actions.core import said_cannot_do

            if said_cannot_do(dispatcher, tracker, text):
                # 到时候提醒我一下 / 帮我给她打个电话 heard as a progress question: said honestly
                # that the butler cannot, not "您还没有投诉记录".
                return []
        if not ticket_id and not text.startswith("/") and asks_what_was_done(text) and _asked_which(dispatcher, tracker):
            return [_waiting_on(WHICH, "-")]
        if not ticket_id and not text.startswith("/") and not intake.is_progress_query(text) and asks_what_was_done(text):
            # 你们通知城管了吗 / 路灯的事派人了吗: what was really done with that ticket (by its id,
            # the state as anyone hears it, below).
            answered = await asyncio.to_thread(_handling_of, tracker, text)
            if answered:
                dispatcher.utter_message(text=for_elders(tracker, answered))
                return []
        buttons: list[dict] = []
        if (
            not text.startswith("/")
            and feedback.rates_a_ticket(text)
            and (not ticket_id or feedback.explicit_rating(text.replace(ticket_id, " ")) is None)
        ):
            # 那个楼道杂物的事我给4分 / 我要评价一下GD…: a rating (or the wish to give one) of
            # a ticket named by its words or id; the rating action finds it and records or asks.
            return [FollowupAction("action_rate_ticket")]
        try:
            # GD… 不满意 / GD…打4分: a rating of the resident's own handled ticket, said with
            # its id, is a rating (the ticket's state alone would drop it).
            score = feedback.explicit_rating(text.replace(ticket_id, " ")) if ticket_id else None
            if score is not None:
                try:
                    return _rate(dispatcher, tracker, ticket_id, score)
                except feedback.FeedbackRefused:
                    pass  # not theirs, or not handled yet: the state, as anyone hears it
            answered: str | None = None  # the one ticket the answer is about
            with get_database().session() as session:
                if ticket_id:
                    answer, answered = public_status(session, ticket_id, tracker.sender_id), ticket_id
                elif intake.is_progress_query(text):
                    answer = my_tickets_text(session, tracker.sender_id)
                else:
                    ref = resolve_ticket_reference(session, tracker.sender_id, text)
                    log.info("ticket_reference", sender_id=tracker.sender_id, match=ref.match, cues=ref.cues)
                    if ref.match == "one":
                        answer, answered = (
                            public_status(session, ref.ticket.id, tracker.sender_id),
                            ref.ticket.id,
                        )
                    elif ref.match == "ambiguous":
                        answer = ref.message
                        buttons = [{"title": c.title, "payload": c.payload} for c in ref.candidates]
                    elif ref.match == "none" and (
                        intake.reads_as_complaint(text) or intake.reads_as_complaint(besides_the_question(text))
                    ):
                        # 楼道头的灯儿坏球了 heard as a progress question: it refers to no
                        # ticket of theirs and reports a problem, so it is a new complaint. So is
                        # a report said with a question about following it (…井盖翘了，帮我报一下，
                        # 报完能查到进度不): filed first; the filing says how to follow it.
                        return [FollowupAction("complaint_form")]
                    elif _follows_policy(tracker, text):
                        # 那高龄的那个呢 right after the 高龄津贴 answer, heard as a progress
                        # question: it refers to no ticket of theirs and follows the policy
                        # answer, so it is asked of the policy, not 您还没有投诉记录.
                        return [FollowupAction("action_ask_policy")]
                    elif ref.has_any_ticket:
                        answer = f"{ref.message}\n{my_tickets_text(session, tracker.sender_id)}"
                    elif _has_upcoming_booking(session, tracker.sender_id):
                        # 那师傅到底几点来啊 right after booking a repair, heard as a progress
                        # question: no report of theirs, a booking — its time, not 没有投诉记录.
                        return [FollowupAction("action_query_booking")]
                    else:
                        answer = my_tickets_text(session, tracker.sender_id)
                # 路灯修好了吗 about the resident's own ticket, handled and not yet rated: the
                # answer asks how it went, with the rating buttons.
                invite = bool(answered) and feedback.awaits_rating(session, tracker.sender_id, answered)
        except Exception:  # noqa: BLE001
            log.exception("check_ticket_failed", sender_id=tracker.sender_id)
            _service_trouble(dispatcher)
            return []
        if invite:
            dispatcher.utter_message(
                text=f"{answer}\n{feedback.INVITATION}", buttons=feedback.rating_buttons(answered)
            )
            return [_waiting_on(RATING, answered), SlotSet("rating_ticket_id", answered)]
        dispatcher.utter_message(text=answer, buttons=buttons)
        return []


def _follows_policy(tracker: Tracker, text: str) -> bool:
    """A bare follow-up (那高龄的那个呢, 那要钱吗) right after a policy answer: the policy
    action's (the one rule, ``assistant.kb.followup.follows_answer``)."""
    from actions.core import follows_policy_answer

    return follows_policy_answer(tracker, text)


# The action each reading turned by nlu_components/ticket_question.py would have run,
# when the wish to be told is about no ticket just filed (给我回个电话 as a hand-off).
_TOLD_READINGS = {"request_human": "action_request_human", "checkin": "action_checkin"}


def _told_of(
    dispatcher: CollectingDispatcher, tracker: Tracker, pending: tuple[str, str, datetime] | None
) -> list[EventType] | None:
    """A wish to be told how a report ends, right after it was filed: without a phone on
    the ticket, the phone question's own answer (a phone said joins the ticket; none: how
    to follow it, no call promised); with one, it is there already. About no ticket just
    filed: the classifier's own reading runs (a hand-off), or None (the usual check)."""
    if pending and pending[0] in (CONTACT, FILED) and feedback.still_waiting(pending[2], clock.now()):
        kind, ticket_id, _ = pending
        if kind == CONTACT:
            return ActionTicketFollowup._contact(dispatcher, tracker, ticket_id)
        said = intake.parse_contact(_text(tracker))
        if said and said[0] == "phone":
            # 修好了打这个电话 139…: the number said is the one to call, on the ticket now.
            held = add_contact(
                get_database(), ticket_id, sender_id=tracker.sender_id, phone=said[1], now=clock.now(), replace=True
            )
        else:
            try:
                with get_database().session() as session:
                    held = get_ticket(session, ticket_id).contact_phone
            except TicketError:
                held = None
        number = f"号码是{mask_phone(held)}，" if held else ""
        dispatcher.utter_message(
            text=for_elders(
                tracker, f"您的电话已经记在工单号 {ticket_id} 上了，{number}处理结果会告诉您。进度也可以随时问我。"
            )
        )
        return [_waiting_on(FILED, ticket_id)]
    original = ((tracker.latest_message or {}).get("ticket_question_override") or {}).get("intent") or {}
    if original.get("name") in _TOLD_READINGS:
        return [FollowupAction(_TOLD_READINGS[original["name"]])]
    return None


async def told_here(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """修好了给我回个电话 (139…) right after a report was filed, heard as 转人工 or 报平安:
    the wish to be told its outcome, answered inside the action the classifier led to
    (the phone joins the ticket, or how to follow it is said honestly: nobody promised to
    call). None when the message is no such wish or no ticket was just filed."""
    text = _text(tracker)
    pending = _pending(tracker)
    if (
        text.startswith("/")
        or pending is None
        or pending[0] not in (CONTACT, FILED)
        or not feedback.still_waiting(pending[2], clock.now())
        or not asks_to_hear_the_outcome(text)
    ):
        return None
    return await asyncio.to_thread(_told_of, dispatcher, tracker, pending)


def _previous_resident_text(tracker: Tracker, within: timedelta = timedelta(minutes=10)) -> str | None:
    """The resident's message before the latest one, when it was said within ``within``
    of it (the same matter, still going on); None otherwise."""
    users = [e for e in tracker.events if e.get("event") == "user"]
    if len(users) < 2:
        return None
    latest, earlier = users[-1], users[-2]
    try:
        if float(latest.get("timestamp") or 0) - float(earlier.get("timestamp") or 0) > within.total_seconds():
            return None
    except (TypeError, ValueError):
        return None
    return earlier.get("text")


def _just_filed(tracker: Tracker) -> str | None:
    """The ticket the conversation has just been about (filed, asked about, or an
    emergency), while the butler still waits on it."""
    pending = _pending(tracker)
    if pending is None or not pending[1]:
        return None
    if pending[0] == EMERGENCY or feedback.still_waiting(pending[2], clock.now()):
        return pending[1]
    return None


def _who_reported(dispatcher: CollectingDispatcher, tracker: Tracker, ticket_id: str) -> bool:
    """你们不会把我说出去吧 right after an (anonymous) report: what is true of who can see
    the reporter's details, not the help menu."""
    if not asks_who_reported_stays_unknown(_text(tracker)):
        return False
    said = who_reported_answer(get_database(), ticket_id, tracker.sender_id)
    if not said:
        return False
    dispatcher.utter_message(text=for_elders(tracker, said))
    return True


def _asked_which(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """我报的事现在啥进度了 right after two reports: each listed, the resident asked which
    (``intake.which_of_mine_to_ask``)."""
    listed = intake.which_of_mine_to_ask(get_database(), tracker.sender_id, _text(tracker), now=clock.now())
    if not listed:
        return False
    dispatcher.utter_message(text=for_elders(tracker, listed))
    return True


def _filed_already(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """路灯那个也给登记上 about a matter just filed: said filed, with its number
    (``intake.already_filed``)."""
    said = intake.already_filed(get_database(), tracker.sender_id, _text(tracker), now=clock.now())
    if not said:
        return False
    dispatcher.utter_message(text=for_elders(tracker, said))
    return True


def _handling_of(tracker: Tracker, text: str) -> str | None:
    """What was done with the ticket a question is about (a reference to one of the
    resident's own, or the one just filed), or None when it names none of theirs."""
    target = None
    if is_reference_to_existing(text):
        with get_database().session() as session:
            ref = resolve_ticket_reference(session, tracker.sender_id, text)
        target = ref.ticket.id if ref.match == "one" else None
    # Else the one just filed, else the resident's latest open one (你们去管了没 今晚还吵, a
    # day after the report: about their report, not nothing).
    target = target or _just_filed(tracker) or own_open_ticket(get_database(), tracker.sender_id, now=clock.now())
    if not target:
        return None
    return handling_answer(get_database(), target, tracker.sender_id, text)


class ActionEmergency(Action):
    """What to do first, at once; then the emergency ticket and the staff alert
    (``respond_to_emergency``: the advice is given even if filing fails). Whatever
    the resident was doing (a form, a yes/no question) is dropped. The advice carries
    a marker so the gateway knows the emergency path ran."""

    def name(self) -> str:
        return "action_emergency"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        text = _text(tracker)
        metadata = _metadata(tracker)
        verdict = metadata.get(SAFETY_METADATA_KEY) or {}
        log.warning(
            "emergency_path",
            sender_id=tracker.sender_id,
            safety_net=bool(verdict.get("emergency")),
            kinds=verdict.get("kinds"),
            cues=verdict.get("cues"),
        )
        shared = intake.location_from_metadata(metadata)
        place = intake.place_said(text, _entity(tracker, "location"))
        earlier_place = None
        if not place and not shared:
            # 有火星了 right after 投诉下 429座楼下电单车充电冒烟: the report's place.
            earlier_place = place_said_before(_previous_resident_text(tracker), text)
            place = earlier_place
        # Off the event loop: filing writes the database and POSTs the staff alert (up to
        # 5 s when the webhook is slow), and the action server serves everyone on one loop.
        response = await asyncio.to_thread(
            respond_to_emergency,
            get_database(),
            text=text,
            sender_id=tracker.sender_id,
            address=place,
            lat=shared[0] if shared else None,
            long=shared[1] if shared else None,
        )
        marker = {EMERGENCY_MARKER: {"ticket_id": response.ticket_id, "by": "dialogue"}}
        for i, line in enumerate(response.lines):
            dispatcher.utter_message(text=line, json_message=marker if i == 0 else None)
        borrowed = bool(earlier_place and response.ticket_id and not response.follow_up and not response.needs_location)
        if borrowed:
            # Said back, so a wrong guess is corrected (the place question stays open for it).
            dispatcher.utter_message(text=f"位置按您刚才说的“{earlier_place}”记下了。不对的话，请告诉我准确位置。")
        service = None if text.startswith("/") or response.follow_up else booking_said_with(text)
        if service:
            # …电梯又坏了，顺便给我老伴儿约个助浴: the emergency first and whole, then the
            # booking said with it is offered (a yes in words: ActionTicketFollowup).
            offer, buttons = booking_offer(service)
            dispatcher.utter_message(text=offer, buttons=buttons)
        events = abandon_forms(tracker, domain)
        if response.ticket_id:
            events += [SlotSet("last_ticket_id", response.ticket_id), *_emergency_slots(response)]
            if borrowed:
                events.append(SlotSet("emergency_awaiting_location", True))
        return events


# ---- what the butler waits on outside a form -----------------------------------------------------

FOLLOWUP = "ticket_followup"
EMERGENCY, RATING, RATING_REASON, CONTACT = "emergency", "rating", "rating_reason", "contact"
# Several reports listed and the resident asked which one (路灯那个 answers).
WHICH = "which"
# Filed with a phone: nothing asked, but the next question may be about it (派人了吗).
FILED = "filed"


def _phone_for_hand_off(sender_id: str, phone: str) -> None:
    """A phone given for a ticket while a hand-off is open (asked for with the report):
    staff calling back have it too."""
    from assistant.residents.service import has_open_handoff, remember_contact

    with get_database().session() as session:
        if has_open_handoff(session, sender_id):
            remember_contact(session, sender_id, phone=phone)


def _pending(tracker: Tracker) -> tuple[str, str, datetime] | None:
    value = tracker.get_slot(FOLLOWUP)
    parts = str(value).split("|") if value else []
    if len(parts) != 3:
        return None
    try:
        asked = datetime.fromtimestamp(float(parts[2]), tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return parts[0], parts[1], asked


def _waiting_on(kind: str, ticket_id: str) -> SlotSet:
    return SlotSet(FOLLOWUP, f"{kind}|{ticket_id}|{int(clock.now().timestamp())}")


def _answered() -> list[EventType]:
    """The phone question answered and said back: nothing more to do but listen. Without
    it the dialogue policy, unsure what follows, may run its core fallback (没听明白) after
    好的，不留也没关系 (review 15 note L6)."""
    return [*_clear(), FollowupAction("action_listen")]


def _clear() -> list[EventType]:
    return [
        SlotSet(FOLLOWUP, None),
        SlotSet("emergency_awaiting_location", None),
        SlotSet("rating_ticket_id", None),
    ]


def _emergency_slots(response) -> list[EventType]:
    return [
        SlotSet("emergency_ticket_id", response.ticket_id),
        SlotSet("emergency_awaiting_location", response.needs_location),
        _waiting_on(EMERGENCY, response.ticket_id),
    ]


def _say(dispatcher: CollectingDispatcher, outcome: feedback.FeedbackOutcome) -> list[EventType]:
    dispatcher.utter_message(text=outcome.message, buttons=outcome.buttons or [])
    if outcome.awaiting:
        return [
            _waiting_on(outcome.awaiting, outcome.ticket_id),
            SlotSet("rating_ticket_id", outcome.ticket_id),
        ]
    return _clear()


# What a message that turned out not to answer the pending question gets instead.
_USUAL = {
    "file_complaint": "complaint_form",
    "book_service": "booking_form",
    "out_of_scope": "action_out_of_scope",
    "nlu_fallback": "action_handle_misunderstanding",
    "inform": "action_handle_misunderstanding",
    "ask_policy": "action_ask_policy",
    "query_booking": "action_query_booking",
    "checkin": "action_checkin",
    # 转人工 while the butler waits on "where?" (a rule under ticket_followup): a person, not the place.
    "request_human": "action_request_human",
}


def _as_usual(tracker: Tracker, dispatcher: CollectingDispatcher, events: list[EventType]) -> list[EventType]:
    intent = _intent(tracker)
    if intent in _USUAL:
        return [*events, FollowupAction(_USUAL[intent])]
    if intent == "deny":
        dispatcher.utter_message(text="好的。还有别的事随时跟我说。")
    else:
        dispatcher.utter_message(text="好的。有新的情况随时告诉我。")
    return events


def _offered_booking(tracker: Tracker) -> str | None:
    """The service the butler's last turn offered to book after an emergency
    (``booking_offer``), read from its yes button."""
    from actions.core import previous_bot_messages

    for message in previous_bot_messages(tracker.events):
        for button in (message.get("data") or {}).get("buttons") or []:
            found = re.match(r'^/book_service\{"service_type": "([^"]+)"\}$', str(button.get("payload") or ""))
            if found:
                return found.group(1)
    return None


# Intents of a reply to "where?" that says nothing (好的, 嗯嗯): the question is asked once more.
_NON_ANSWERS = frozenset({"affirm", "inform", "nlu_fallback", "out_of_scope"})


def _words(tracker: Tracker) -> str:
    """The resident's words, also behind a payload the conversation layer sent for them."""
    return commands.words_of(tracker.latest_message).strip()


def _score(tracker: Tracker) -> int | None:
    """The score the message gives, its words before the NLU's entity (``feedback.score_of``)."""
    return feedback.score_of(_words(tracker), _entity(tracker, "rating"))


def _rate(dispatcher: CollectingDispatcher, tracker: Tracker, ticket_id: str, score: int) -> list[EventType]:
    text = _words(tracker)
    reason = None if text.startswith("/") else feedback.reason_in(text)
    return _say(
        dispatcher,
        feedback.rate_ticket(
            get_database(), sender_id=tracker.sender_id, ticket_id=ticket_id, score=score, reason=reason
        ),
    )


def _give_reason(dispatcher: CollectingDispatcher, tracker: Tracker, ticket_id: str) -> list[EventType]:
    return _say(
        dispatcher,
        feedback.add_reason(
            get_database(), sender_id=tracker.sender_id, ticket_id=ticket_id, reason=_text(tracker)
        ),
    )


class ActionRateTicket(Action):
    """处理得不好，我不满意 / 满意 五星 / a rating button: finds the resident's ticket
    (an id, the words, or the latest handled one), records the rating or asks for it
    with buttons, and asks why on 不满意 (``assistant.tickets.feedback``)."""

    def name(self) -> str:
        return "action_rate_ticket"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        text, pending = _text(tracker), _pending(tracker)
        try:
            if pending and pending[0] == EMERGENCY and not text.startswith("/") and _score(tracker) is None:
                # 就在…号楼底下那个车棚棚 right after "where?", heard as a rating (no rule of the
                # emergency's follow-up is keyed to that intent): the emergency's place or detail.
                taken = await asyncio.to_thread(_emergency_answer, dispatcher, tracker, pending[1])
                if taken is not None:
                    return taken
            if (
                pending
                and pending[0] == RATING_REASON
                and feedback.still_waiting(pending[2], clock.now())
                and not text.startswith("/")
            ):
                return _give_reason(dispatcher, tracker, pending[1])  # 太慢了没人管: the reason asked for
            score = _score(tracker)
            if score is None and not text.startswith("/") and asks_what_was_done(text):
                # 救护车咋还不来 你们给打了没啊 heard as a rating: what was done with their own
                # report (an emergency's: the butler calls no one, the number to call), never
                # 您还没有已办结的工单可以评价.
                answered = _handling_of(tracker, text)
                if answered:
                    dispatcher.utter_message(text=for_elders(tracker, answered))
                    return []
            button_id = find_ticket_id(_entity(tracker, "ticket_id"))
            if (
                not button_id
                and pending
                and pending[0] == RATING
                and feedback.still_waiting(pending[2], clock.now())
            ):
                button_id = pending[1]
            with get_database().session() as session:
                target = feedback.find_ticket_to_rate(session, tracker.sender_id, text, ticket_id=button_id)
            if target.open_named and score is None:
                # 卖菜那个还没弄吧 right after rating another ticket: that open one's state.
                return [*_clear(), *(await ActionCheckTicket().run(dispatcher, tracker, domain))]
            if target.ticket_id is None:
                dispatcher.utter_message(text=target.message or feedback.not_handled_yet(target.open_named))
                return _clear()
            if score is None:
                return _say(dispatcher, feedback.ask_for_rating(target.ticket_id))
            return _rate(dispatcher, tracker, target.ticket_id, score)
        except TicketError as exc:
            dispatcher.utter_message(text=str(exc))
            return _clear()
        except Exception:  # noqa: BLE001
            log.exception("rate_ticket_failed", sender_id=tracker.sender_id)
            _service_trouble(dispatcher)
            return _clear()


# What a booking or a report interrupted by an emergency had been told, kept for after it.
_KEPT_BOOKING = ("booking_service", "booking_eligibility", "booking_time", "booking_time_text",
                 "booking_address", "booking_phone")


def _interrupted(tracker: Tracker) -> tuple[str | None, dict[str, Any]]:
    """The form an emergency interrupted and its slots as they were then (the emergency
    dropped them: ``abandon_forms``), read back from the conversation's events. More
    messages about the emergency keep it; a form started since, or a restart, ends it."""
    slots: dict[str, Any] = {}
    loop: str | None = None
    found: tuple[str | None, dict[str, Any]] = (None, {})
    for event in tracker.events or []:
        kind = event.get("event")
        if kind == "slot":
            slots[event.get("name")] = event.get("value")
        elif kind == "active_loop":
            loop = event.get("name")
            if loop:
                found = (None, {})
        elif kind in ("restart", "session_started"):
            slots, loop, found = {}, None, (None, {})
        elif kind == "action" and event.get("name") == "action_emergency" and loop:
            found = (loop, dict(slots))
    return found


def _back_to_interrupted(tracker: Tracker, text: str) -> list[EventType]:
    """After an emergency, what it interrupted taken up again: a booking asked for (救护车到了
    我想约个助浴…, 剪头发的还是约上吧 with what was said of it before), or the report that was asked
    "where?" filed where the message says, once it says the emergency is over. [] otherwise."""
    form, before = _interrupted(tracker)
    service = booking_after(text, before.get("booking_service") if form == "booking_form" else None)
    if service:
        kept = (
            [SlotSet(name, before[name]) for name in _KEPT_BOOKING if before.get(name) is not None]
            if form == "booking_form" and before.get("booking_service") == service
            else [SlotSet("booking_service", service)]
        )
        return [*kept, FollowupAction("booking_form")]
    described = before.get("complaint_description") if form == "complaint_form" else None
    place = report_resumed(text, described)
    if not place:
        return []
    contact = intake.parse_contact(text)
    phone = [SlotSet("complaint_contact", contact[1])] if contact and contact[0] == "phone" else []
    return [SlotSet("complaint_description", described), SlotSet("complaint_location", place), *phone,
            FollowupAction("action_submit_complaint")]


def _usual_after_emergency(tracker: Tracker, dispatcher: CollectingDispatcher, events: list[EventType]) -> list[EventType]:
    """A message that turned out to add nothing to the emergency goes the usual way; words the
    conversation layer sent on as an update (heard by the classifier as a goodbye or a thanks,
    ``conversation.after_emergency.emergency_update``) are acknowledged, never met with 没听明白."""
    if _text(tracker) == "/inform" and _words(tracker) != "/inform":
        dispatcher.utter_message(text="好的。有新的情况随时告诉我。")
        return events
    return _as_usual(tracker, dispatcher, events)


def _emergency_answer(dispatcher: CollectingDispatcher, tracker: Tracker, ticket_id: str) -> list[EventType] | None:
    """The message joins the live emergency ``ticket_id`` (its place, or a detail with the
    advice that fits), said so; None when it adds nothing to it."""
    response = ActionTicketFollowup._follow_up(get_database(), tracker, ticket_id, _words(tracker))
    if response is None:
        return None
    for line in response.lines:
        dispatcher.utter_message(text=line)
    return _emergency_slots(response)


class ActionTicketFollowup(Action):
    """The answer to the question the butler waits on outside a form: where the
    emergency is (在6号楼3单元) or what else happens (烟越来越大了) joins the emergency
    ticket with the advice that fits; a rating or the reason for 不满意 is recorded.
    A message that answers nothing goes the usual way."""

    def name(self) -> str:
        return "action_ticket_followup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        pending = _pending(tracker)
        if pending is None:
            return _as_usual(tracker, dispatcher, _clear())
        kind, ticket_id, asked = pending
        try:
            if kind == EMERGENCY:
                # Off the event loop: an addition to an emergency re-alerts staff by webhook.
                return await asyncio.to_thread(self._emergency, dispatcher, tracker, ticket_id)
            if not feedback.still_waiting(asked, clock.now()):
                return _as_usual(tracker, dispatcher, _clear())
            if kind == CONTACT:
                return await asyncio.to_thread(self._contact, dispatcher, tracker, ticket_id)
            if kind == FILED:
                return await asyncio.to_thread(self._filed, dispatcher, tracker, ticket_id)
            if kind == WHICH:
                # 路灯那个, after the reports were listed: that one's state (the progress
                # action resolves the words among the resident's own tickets).
                if intake.names_one_of_mine(get_database(), tracker.sender_id, _text(tracker), now=clock.now()):
                    return [*_clear(), *(await ActionCheckTicket().run(dispatcher, tracker, domain))]
                return _as_usual(tracker, dispatcher, _clear())
            if _intent(tracker) == "deny" and feedback.parse_rating(_text(tracker)) is None:
                dispatcher.utter_message(
                    text="好的，不评价了。" if kind == RATING else "好的，您的评价已记下。"
                )
                return _clear()
            if kind == RATING:
                score = _score(tracker)
                if score is None:
                    return _as_usual(tracker, dispatcher, _clear())
                return _rate(dispatcher, tracker, ticket_id, score)
            if kind == RATING_REASON:
                return _give_reason(dispatcher, tracker, ticket_id)
        except TicketError as exc:
            dispatcher.utter_message(text=str(exc))
            return _clear()
        except Exception:  # noqa: BLE001
            log.exception("ticket_followup_failed", sender_id=tracker.sender_id, kind=kind)
            _service_trouble(dispatcher)
            return _clear()
        return _as_usual(tracker, dispatcher, _clear())

    @staticmethod
    def _handling(dispatcher: CollectingDispatcher, tracker: Tracker, ticket_id: str) -> bool:
        """是不是已经派人过去了 / 你们通知物业了没有 / 那啥时候能来人修啊 about the ticket the
        butler waits on: what was really done with it. False when the message asks no such
        thing (or the ticket is not the resident's)."""
        text = _words(tracker)
        if text.startswith("/") or not asks_what_was_done(text):
            return False
        answer = handling_answer(get_database(), ticket_id, tracker.sender_id, text)
        if not answer:
            return False
        dispatcher.utter_message(text=for_elders(tracker, answer))
        return True

    @staticmethod
    def _read_back(dispatcher: CollectingDispatcher, tracker: Tracker, ticket_id: str) -> bool:
        """是2单元啊 你给记对了没: the ticket as recorded (a place said with it corrected first).
        False when the message asks no such thing."""
        text = _text(tracker)
        if text.startswith("/") or not asks_if_recorded(text):
            return False
        said = recorded_read_back(
            get_database(), ticket_id, sender_id=tracker.sender_id, text=text, now=clock.now()
        )
        if not said:
            return False
        dispatcher.utter_message(text=for_elders(tracker, said))
        return True

    @classmethod
    def _filed(cls, dispatcher: CollectingDispatcher, tracker: Tracker, ticket_id: str) -> list[EventType]:
        """Right after a ticket filed with a phone: a question about what was done with it
        is answered from its state (and the next may be too); anything else goes the usual way."""
        if cls._read_back(dispatcher, tracker, ticket_id) or _who_reported(dispatcher, tracker, ticket_id):
            return [_waiting_on(FILED, ticket_id)]
        words = _words(tracker)  # the words behind /inform when the gateway sent a place correction so
        place = intake.place_corrected_on(get_database(), ticket_id, words) if intake.corrects_place(words) else None
        if place and correct_place(get_database(), ticket_id, sender_id=tracker.sender_id, place=place,
                                   now=clock.now()):
            # 说错了 是911栋门口 不是910, right after a ticket filed with its phone: its place,
            # corrected, as at the phone question.
            dispatcher.utter_message(text=for_elders(tracker, f"好的，工单 {ticket_id} 的位置改成{place}了。"))
            return [_waiting_on(FILED, ticket_id)]
        said = _text(tracker)
        # 谢谢 两件事都麻烦你们了 / 我还有两件事要说: no question, no list (review 16 note 10).
        if (asks_what_was_done(said) or intake.is_progress_query(said)) and _asked_which(dispatcher, tracker):
            return [_waiting_on(WHICH, ticket_id)]
        if cls._handling(dispatcher, tracker, ticket_id) or _filed_already(dispatcher, tracker):
            return [_waiting_on(FILED, ticket_id)]
        return _as_usual(tracker, dispatcher, _clear())

    @classmethod
    def _contact(cls, dispatcher: CollectingDispatcher, tracker: Tracker, ticket_id: str) -> list[EventType]:
        """The phone asked for after filing: it joins the ticket; 不留 / 匿名 is fine; a
        question about what was done with it is answered (the phone question stays open);
        anything else goes the usual way (the resident moved on)."""
        # The words behind /inform when the conversation layer sent a place correction so.
        text = commands.words_of(tracker.latest_message).strip()
        service = booking_after(text)
        if service:
            # 另外我想约个保洁 后天上午九点…电话139…: a new request with its own details, not
            # the phone for the ticket just filed; the booking starts with them.
            return [*_clear(), SlotSet("booking_service", service), FollowupAction("booking_form")]
        contact = intake.parse_contact(text)
        score = None if contact or text.startswith("/") else feedback.explicit_rating(text)
        if score is not None:
            with get_database().session() as session:
                handled = feedback.awaits_rating(session, tracker.sender_id, ticket_id)
            if handled:
                # 不满意 门禁修了又坏了, the phone question still open when staff had handled it
                # since: a rating of it (with its reason), not a new report.
                return _rate(dispatcher, tracker, ticket_id, score)
        if not contact and (
            cls._read_back(dispatcher, tracker, ticket_id)
            or _who_reported(dispatcher, tracker, ticket_id)
            or cls._handling(dispatcher, tracker, ticket_id)
        ):
            return [_waiting_on(CONTACT, ticket_id)]
        place = intake.place_corrected_on(get_database(), ticket_id, text) if form_turns.corrects(text) else None
        if place and not (contact and contact[0] == "phone"):
            # 不对，是13号楼，不是3号楼: the place of the ticket just filed, corrected; the
            # phone question stays open.
            if correct_place(
                get_database(), ticket_id, sender_id=tracker.sender_id, place=place, now=clock.now()
            ):
                dispatcher.utter_message(
                    text=for_elders(tracker, f"好的，工单 {ticket_id} 的位置改成{place}了。")
                )
                return [_waiting_on(CONTACT, ticket_id)]
            return _as_usual(tracker, dispatcher, _clear())
        if contact and contact[0] == "phone":
            add_contact(
                get_database(), ticket_id, sender_id=tracker.sender_id, phone=contact[1], now=clock.now()
            )
            _phone_for_hand_off(tracker.sender_id, contact[1])
            dispatcher.utter_message(
                text=for_elders(
                    tracker,
                    f"好的，电话{mask_phone(contact[1])}已记到工单上，工单号 {ticket_id}，处理结果会告诉您。",
                )
            )
            return _answered()
        if _DROPS_REPORT.search(text):
            # 不用了不投诉了: the report is filed already and the butler cannot take it back;
            # said plainly, with the way to have it withdrawn.
            dispatcher.utter_message(
                text=for_elders(
                    tracker,
                    f"好的，电话不留了。工单 {ticket_id} 已经登记上了，我这里撤不回来；"
                    f"不需要处理的话，说“转人工”，请工作人员帮您取消。",
                )
            )
            return _answered()
        if asks_to_be_told(text) and not (contact and contact[0] == "phone"):
            # 那你们查完了跟我说一声不 / 电话我不留 处理完给我回个电话 (anonymous, no phone): how to
            # follow it, no promise of a call.
            dispatcher.utter_message(
                text=for_elders(tracker, how_to_follow(ticket_id)),
                buttons=[{"title": "不留电话", "payload": "/deny"}],
            )
            return [_waiting_on(CONTACT, ticket_id)]
        if contact or _intent(tracker) == "deny":
            dispatcher.utter_message(
                text=for_elders(
                    tracker, f"好的，不留也没关系。工单号 {ticket_id}，进度随时说“{ticket_id} 怎么样了”查询。"
                )
            )
            return _answered()
        if feedback.restates_yes(text):
            # 好，帮我报 when it was filed already (a report said with a question is filed at once).
            dispatcher.utter_message(
                text=for_elders(
                    tracker, f"已经帮您登记好了，工单号 {ticket_id}。留个手机号的话，处理结果会告诉您。"
                ),
                buttons=[{"title": "不留电话", "payload": "/deny"}],
            )
            return [_waiting_on(CONTACT, ticket_id)]
        return _as_usual(tracker, dispatcher, _clear())

    def _emergency(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, ticket_id: str
    ) -> list[EventType]:
        db = get_database()
        offered = _offered_booking(tracker)
        if offered and (_intent(tracker) == "affirm" or feedback.restates_yes(_text(tracker))):
            # 好的 to 另外您说要约助浴，现在帮您约吗？ said after an emergency: the booking starts.
            return [SlotSet("booking_service", offered), FollowupAction("booking_form")]
        text = _words(tracker)  # the words behind /inform when the conversation layer sent them so
        asked = CollectingDispatcher()
        if self._handling(asked, tracker, ticket_id):
            # 你们通知物业和消防了没有啊: a question about what was done, answered from the
            # ticket. Said with a detail or the place (有人来了吗，他不喘气了 / 3号楼2单元，派人了吗),
            # the rest joins the emergency with its advice first, then the answer.
            rest = besides_the_question(text)
            response = self._follow_up(db, tracker, ticket_id, rest) if rest else None
            lines = [line for line in response.lines if line != LOCATION_QUESTION] if response else []
            for line in lines:
                dispatcher.utter_message(text=line)
            dispatcher.messages.extend(asked.messages)
            if response is not None:
                if response.needs_location:
                    dispatcher.utter_message(text=LOCATION_QUESTION)
                return _emergency_slots(response)
            if tracker.get_slot("emergency_awaiting_location"):
                dispatcher.utter_message(text=LOCATION_QUESTION)
            return []
        response = self._follow_up(db, tracker, ticket_id, text)
        resumed = _back_to_interrupted(tracker, text)
        if resumed:
            # 缓过来了…剪头发的还是约上吧，8号楼… / 总阀关上了 好多了 在12号楼…: the emergency takes what
            # is about it (its place), then what it interrupted goes on.
            for line in response.lines if response is not None else []:
                if line != LOCATION_QUESTION:
                    dispatcher.utter_message(text=line)
            slots = _emergency_slots(response) if response is not None else []
            return [*slots, SlotSet("emergency_awaiting_location", False), *resumed]
        if response is None:  # not about the emergency, or it is no longer live
            if not live_emergency(db, ticket_id, tracker.sender_id):
                return _usual_after_emergency(tracker, dispatcher, _clear())
            if tracker.get_slot("emergency_awaiting_location") and _intent(tracker) in _NON_ANSWERS:
                # 好的 / 嗯 to "where?": asked once more, then the next message goes the usual way.
                dispatcher.utter_message(text=LOCATION_QUESTION)
                return [SlotSet("emergency_awaiting_location", False)]
            return _usual_after_emergency(tracker, dispatcher, [SlotSet("emergency_awaiting_location", False)])
        for line in response.lines:
            dispatcher.utter_message(text=line)
        return _emergency_slots(response)

    @staticmethod
    def _follow_up(db, tracker: Tracker, ticket_id: str, text: str):
        """The emergency ``ticket_id`` followed up with ``text`` (a detail, the place)."""
        shared = intake.location_from_metadata(_metadata(tracker))
        return follow_up_emergency(
            db,
            ticket_id=ticket_id,
            sender_id=tracker.sender_id,
            text=text,
            awaiting_location=bool(tracker.get_slot("emergency_awaiting_location")),
            reads_as_complaint=_intent(tracker) == "file_complaint",
            # 转人工 heard in 我不敢过去看 asks for nobody: only one that names a person is a request.
            reads_as_request=_intent(tracker) == "book_service"
            or (_intent(tracker) == "request_human" and form_turns.mentions_person(text)),
            reads_as_question=_intent(tracker) == "ask_policy",
            lat=shared[0] if shared else None,
            long=shared[1] if shared else None,
        )
