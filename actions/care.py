"""The daily check-in (报平安, issue #14): a registered elder's check-in is a sign of
life that stops the escalation ladder; anyone else is thanked and told how to register.
The rules live in ``assistant.care.service.respond_to_checkin``: a check-in that also
mentions trouble opens a care ticket, and an emergency read in it runs the emergency
path (advice first, ticket, alert), as ``action_emergency`` does."""

from __future__ import annotations

import re

import anyio
import structlog
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.core import answers_ticket_question, ticket_followup_here
from actions.forms import abandon_forms
from assistant.care.besides import request_besides_checkin
from assistant.care.service import respond_to_checkin
from assistant.channels import channel_of
from assistant.db import get_database
from assistant.dialogue import EMERGENCY_MARKER

log = structlog.get_logger(__name__)

# A question (…呢, …吗, …？) that says nothing of how the resident is: not a check-in.
_QUESTION_END = re.compile(r"(?:呢|吗|嘛|么|不|没|[?？])[\s。.!！~～]*$")
_SIGN_OF_LIFE = re.compile(r"平安|挺好|很好|都好|好着|没事|好好的|报到|签到|活着|身体|精神|舒服|还行")


def asks_not_checks_in(text: str) -> bool:
    """咁助餐呢 / 那敬老卡呢: a question, with no word of how the resident is."""
    said = (text or "").strip()
    return bool(said) and not said.startswith("/") and bool(_QUESTION_END.search(said)) and not _SIGN_OF_LIFE.search(said)


FAILED = "报平安没记上，请稍后再说一次。身体不舒服请打120，或者说“转人工”。"


def _besides_the_checkin(text: str) -> list[EventType]:
    """A report or a booking said with the check-in (报个平安…就是卫生间顶上漏水了): recorded
    check-in first (said above), then the request goes its own way: the complaint form with
    the report's words, or the booking form. [] when there is none (or a care ticket was
    already opened for the trouble said)."""
    besides = request_besides_checkin(text)
    if besides is None:
        return []
    log.info("checkin_with_request", intent=besides.intent)
    if besides.intent == "file_complaint":
        return [SlotSet("complaint_description", besides.words), FollowupAction("complaint_form")]
    service = [SlotSet("booking_service", besides.service)] if besides.service else []
    return [*service, FollowupAction("booking_form")]


class ActionCheckin(Action):
    def name(self) -> str:
        return "action_checkin"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        sender = tracker.sender_id
        from actions.tickets import told_here

        told = await told_here(dispatcher, tracker)
        if told is not None:  # 有结果了告诉我一声 right after filing, heard as 报平安
            return told
        if answers_ticket_question(tracker):
            # 我头有点晕 minutes after a gas leak was reported, 今天又卡了一回 根本没修好 when
            # asked why not satisfied: not a check-in, the answer the butler waits on (answered
            # here: after a followed-up action no rule says what comes next).
            answered = await ticket_followup_here(dispatcher, tracker, domain, self.name())
            if answered is not None:
                return answered
        if asks_not_checks_in(text) and tracker.get_slot("policy_topic"):
            # 咁助餐呢 right after a policy answer, heard as 报平安: a question about another
            # thing, asked of the knowledge base, not thanked for as a sign of life.
            return [FollowupAction("action_ask_policy")]
        try:
            # The database work (and a possible alert) runs off the action server's loop.
            response = await anyio.to_thread.run_sync(
                lambda: respond_to_checkin(
                    get_database(), sender_id=sender, text=text, channel=channel_of(sender) or "chat"
                )
            )
        except Exception:  # noqa: BLE001 - the resident gets an honest answer, the log the cause
            log.exception("checkin_failed", sender_id=sender)
            dispatcher.utter_message(text=FAILED)
            return []
        if not response.emergency:
            for line in response.lines:
                dispatcher.utter_message(text=line)
            return [] if response.ticket_id else _besides_the_checkin(text)
        marker = {EMERGENCY_MARKER: {"ticket_id": response.ticket_id, "by": "dialogue"}}
        for i, line in enumerate(response.lines):
            dispatcher.utter_message(text=line, json_message=marker if i == 0 else None)
        events = abandon_forms(tracker, domain)
        if response.ticket_id:
            events.append(SlotSet("last_ticket_id", response.ticket_id))
        return events
