"""What every form shares: how a resident leaves it, asks something in the middle of
it, corrects it, gets help after two failed answers, or breaks out of it.

While a form is active, Rasa runs the form before any rule. A form steps aside only
by *rejecting* the message (its validation returns no slot), and then the rules for
that situation run (``nlu_data/rules/forms.yml``, Rasa's pattern for unhappy paths:
the rule's condition is the active form, then the interrupting action, then the form
again). What a message is (answer, leaving, question, hand-off, emergency) is decided
by ``assistant.form_turns`` on the intent AND on whether the form can read an answer
out of the message (``answers``): "不约了" is never a time, and "明天下午三点理发" is
an answer even when the NLU calls it book_service.

- Leaving: a stop intent is rejected so the rule runs ``action_leave_form``; stop
  words the NLU heard as something else end the form from inside (the form stops and
  ``action_leave_form`` follows).
- A question in the middle, or 转人工: rejected, answered by its rule, then the form runs again
  and asks "刚才的…还继续吗？" (the pseudo slot ``form_resume``); 对/继续 re-asks the
  question it was at, 不用了 leaves, an answer is taken as an answer.
- "再说一遍": the form asks its question again.
- Two failed answers to the same question: buttons with choices and 转人工.
- An emergency: rejected, so ``action_emergency`` runs (it drops the form).
- An elderly resident (stored profile, or the voice request's ``elderly=true``) hears
  every accepted answer read back before the next question (好的，记下了：明天上午九点。,
  ``assistant.conversation.readback``); a bare 不对 / 说错了 right after a read-back
  asks that question again.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from datetime import datetime
from typing import Any

import structlog
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.utils import call_potential_coroutine

from assistant import clock, form_turns
from assistant.conversation import commands, readback

log = structlog.get_logger(__name__)

REQUESTED_SLOT = "requested_slot"
# The pseudo slot a form "asks" after a question in the middle: 刚才的…还继续吗？
RESUME_SLOT = "form_resume"
# "<slot>:<n>": n failed answers in a row to the form's question <slot>.
FAILURES_SLOT = "form_failures"
FAILURES_BEFORE_CHOICES = 2
HUMAN_BUTTON = {"title": "转人工", "payload": "/request_human"}

# Intents that always break out of a form. ``emergency`` is also what the gateway's
# safety net forces (nlu_components/safety_net.py), whatever the classifier said.
INTERRUPTING_INTENTS = frozenset({"emergency"})


def latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def latest_confidence(tracker: Tracker) -> float:
    return float(((tracker.latest_message or {}).get("intent") or {}).get("confidence") or 0.0)


def latest_text(tracker: Tracker) -> str:
    return commands.words_of(tracker.latest_message).strip()


# --- what each form is about, for "刚才的…不约了 / 还继续吗" -------------------------

# A form registers how to name what the resident was doing (理发预约) and how to say
# it was dropped. A form that registers nothing gets the defaults below.
Subject = Callable[[Tracker], str]
SUBJECTS: dict[str, Subject] = {"complaint_form": lambda tracker: "投诉"}
LEFT_TEXTS: dict[str, str] = {
    "booking_form": "好的，刚才的{subject}不约了。需要的时候再跟我说。",
    "complaint_form": "好的，刚才的{subject}先不登记了。有需要随时跟我说。",
}
DEFAULT_LEFT_TEXT = "好的，刚才的{subject}先不办了。有需要随时跟我说。"
# Put off (改天吧 / 我去问问儿子): said as a pause, not a loss; nothing is kept meanwhile.
PUT_OFF_TEXTS: dict[str, str] = {
    "booking_form": "好的，刚才的{subject}先不约了。您定好了随时跟我说，我再帮您约。",
    "complaint_form": "好的，刚才的{subject}先不登记了。您想好了随时跟我说。",
}
DEFAULT_PUT_OFF_TEXT = "好的，刚才的{subject}先不办了。您想好了随时跟我说。"


def register_form(form: str, *, subject: Subject, left_text: str | None = None) -> None:
    SUBJECTS[form] = subject
    if left_text:
        LEFT_TEXTS[form] = left_text


def subject_of(form: str | None, tracker: Tracker) -> str:
    subject = SUBJECTS.get(form or "")
    return subject(tracker) if subject else "事"


def left_text(form: str | None, tracker: Tracker) -> str:
    if form_turns.defers(latest_text(tracker)) and not form_turns.is_stop(latest_text(tracker)):
        return PUT_OFF_TEXTS.get(form or "", DEFAULT_PUT_OFF_TEXT).format(subject=subject_of(form, tracker))
    return LEFT_TEXTS.get(form or "", DEFAULT_LEFT_TEXT).format(subject=subject_of(form, tracker))


def current_form(tracker: Tracker) -> str | None:
    """The active form, or the one that just ended (a form that stopped itself hands
    over to ``action_leave_form`` after it deactivated)."""
    name = (tracker.active_loop or {}).get("name")
    if name:
        return name
    # The form that ended in this turn: the last one activated (maybe turns ago: the
    # booking started at the first message) when it was deactivated after the last message.
    ended_now = heard = False
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop":
            if event.get("name"):
                return event["name"] if ended_now or not heard else None
            ended_now = ended_now or not heard
        elif event.get("event") == "user":
            heard = True
    return None


def is_elderly(tracker: Tracker) -> bool:
    """The resident is elderly: the request says so (the voice request's elderly=true,
    as message metadata), or their stored speech profile."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    if readback.wants_readback(metadata, None):
        return True
    try:
        from assistant.db import get_database
        from assistant.residents.profile import speech_profile

        return speech_profile(get_database(), tracker.sender_id).elderly
    except Exception as exc:  # noqa: BLE001 - the read-back is a help, never a reason to fail
        log.warning("readback_profile_unavailable", error=type(exc).__name__)
        return False


def for_elders(tracker: Tracker, text: str) -> str:
    """A form's summary (您要预约…对吗？, 预约好了, 已为您登记) in short sentences for an
    elderly resident; unchanged for anyone else."""
    return readback.short_sentences(text) if text and is_elderly(tracker) else text


class InterruptibleFormValidation(FormValidationAction):
    """A form validation that tells answers from interruptions (see the module)."""

    @abstractmethod
    def name(self) -> str:  # abstract: rasa-sdk registers only concrete actions
        ...

    # --- what a form may override ----------------------------------------------------

    async def answers(self, slot: str | None, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: dict) -> bool:
        """Whether the message answers the form's question ``slot``. By default: the
        form's ``extract_<slot>`` read a value out of it that is not just the message
        itself (a phone number, 匿名, a place), so a form that keeps free text (a
        description) leaves the decision to the intent."""
        method = getattr(self, f"extract_{slot}", None) if slot else None
        if method is None:
            return False
        found = await call_potential_coroutine(method(CollectingDispatcher(), tracker, domain)) or {}
        value, text = found.get(slot), latest_text(tracker)
        return value is not None and str(value) not in (text, text[:120])

    async def correction(self, requested: str | None, dispatcher: CollectingDispatcher, tracker: Tracker,
                         domain: dict) -> dict | None:
        """An earlier answer corrected (不对，是13号楼，不是3号楼 at the contact question):
        ``{slot: new value}``, read by the form's own ``extract_<slot>`` as if that slot
        were asked again; a value that is just the message itself does not count. A
        form with its own reading of corrections (booking) overrides this."""
        if not form_turns.corrects(latest_text(tracker)):
            return None
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        text = latest_text(tracker)
        for slot in reversed([s for s in required if s != requested and tracker.get_slot(s) is not None]):
            method = getattr(self, f"extract_{slot}", None)
            if method is None:
                continue
            trial = tracker.copy()
            trial.slots[slot] = None
            trial.slots[REQUESTED_SLOT] = slot
            # Read it as an answer: the 不对 in it is no "no" to the question asked.
            trial.latest_message = {**(tracker.latest_message or {}), "intent": {"name": "inform", "confidence": 1.0},
                                    "text": form_turns.without_negated(text)}
            found = await call_potential_coroutine(method(CollectingDispatcher(), trial, domain)) or {}
            value = found.get(slot)
            if value is not None and str(value) not in (text, text[:120]) and value != tracker.get_slot(slot):
                return {slot: value}
        return None

    def is_correction(self, tracker: Tracker) -> bool:
        """The message corrects an earlier answer (then a question still open is not
        a failed answer)."""
        return False

    async def choice_buttons(self, slot: str, tracker: Tracker, domain: dict) -> list[dict]:
        """Buttons offered after two failed answers to ``slot`` (转人工 is added)."""
        return []

    # --- the turn ----------------------------------------------------------------------

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        before = dict(tracker.slots)  # rasa-sdk writes extracted values into tracker.slots
        # Rasa validates a form that starts with the form already active and no question asked.
        starting = (tracker.active_loop or {}).get("name") != self.form_name() or before.get(REQUESTED_SLOT) is None
        events = await self._turn(dispatcher, tracker, domain)
        await self._read_back(events, before, dispatcher, tracker)
        if starting and events:
            events = [*self._pass_over_offers(before), *events]
        return events

    def _pass_over_offers(self, slots: dict[str, Any]) -> list[EventType]:
        """A form that starts passes over an offer a detour left open (把问题留给工作人员？
        after 医保卡丢了咋补办, then 好的约 明天上午10点…): else the read-back's 对 would answer
        that offer instead of this form."""
        passed = [SlotSet(slot, value) for slot, value in DETOUR_OFFER_SLOTS.items()
                  if slots.get(slot) not in (None, False) and slot in slots]
        if passed:
            log.info("form_start_passes_over_offer", form=self.form_name(), slots=[e["name"] for e in passed])
        return passed

    async def _turn(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        intent, text = latest_intent(tracker), latest_text(tracker)
        if intent in INTERRUPTING_INTENTS:
            log.info("form_interrupted", form=self.form_name(), intent=intent)
            return []  # nothing extracted: Rasa rejects the form and the rules decide
        if (tracker.active_loop or {}).get("name") != self.form_name():
            return await super().run(dispatcher, tracker, domain)  # the form starts
        if self._back_from_interruption(tracker):
            # A question in the middle was answered: ask whether to go on.
            return [SlotSet(RESUME_SLOT, self.form_name()), SlotSet(REQUESTED_SLOT, RESUME_SLOT)]
        requested = tracker.get_slot(REQUESTED_SLOT)
        resumed: list[EventType] = []
        if requested == RESUME_SLOT:
            answer = form_turns.resume_answer(text, intent)
            if answer == "no":
                return self._leave(tracker)
            requested = await self._first_missing(dispatcher, tracker, domain)
            tracker.slots[REQUESTED_SLOT] = requested
            tracker.slots[RESUME_SLOT] = None
            # Going back to the form passes over the detour's own offer (把问题留给工作人员？):
            # else the form's next yes (the read-back's 对) would answer that one.
            resumed = [SlotSet(RESUME_SLOT, None),
                       *(SlotSet(slot, value) for slot, value in DETOUR_OFFER_SLOTS.items()
                         if tracker.get_slot(slot) not in (None, False) and slot in tracker.slots)]
            if answer == "yes" and form_turns.bare_yes(text):
                return [*resumed, SlotSet(REQUESTED_SLOT, requested)]  # the question again
            # 好，地址12号楼5单元303，电话…: a yes that answers at once is read as the answer.
        corrected = await self.correction(requested, dispatcher, tracker, domain)
        if corrected:
            slot, value = next(iter(corrected.items()))
            log.info("form_correction", form=self.form_name(), slot=slot)
            said = (readback.readback_text([(slot, value)], corrected=True, now=self.readback_now())
                    if self.wants_readback(tracker) else None)
            dispatcher.utter_message(text=said or f"好的，改成{value}。")
            return [*resumed, SlotSet(slot, value), SlotSet(FAILURES_SLOT, None), SlotSet(REQUESTED_SLOT, requested)]
        again = await self._wrong_readback(requested, dispatcher, tracker, domain)
        if again is not None:
            return [*resumed, *again]
        answers = await self.answers(requested, dispatcher, tracker, domain)
        turn = form_turns.classify(intent, text, answers=answers, confidence=latest_confidence(tracker))
        if turn == "stop" and self._opened_by_this_message(tracker):
            # 算了不说这个了…你帮我约个陪诊吧 明天上午八点: the message that let the report go
            # opened this form; its 算了 was about the report, not the booking it asks for.
            turn = "answer"
        log.info("form_turn", form=self.form_name(), requested=requested, intent=intent, turn=turn)
        if turn == "stop":
            # A form that reads leaving itself (the complaint form ends with its own
            # "不登记了") keeps doing so; any other form is left here.
            own = await super().run(CollectingDispatcher(), tracker, domain)
            if SlotSet(REQUESTED_SLOT, None) in own:
                return [*resumed, *own]
            return self._leave(tracker)
        if turn in ("digress", "handoff"):
            return []  # rejected: the rule for this intent inside the form answers it
        if turn == "repeat":
            return [*resumed, SlotSet(FAILURES_SLOT, tracker.get_slot(FAILURES_SLOT)),
                    SlotSet(REQUESTED_SLOT, requested)]
        if not answers and turn == "answer":
            self._file_in_passing(dispatcher, tracker, intent)
        events = await super().run(dispatcher, tracker, domain)
        return [*resumed, *events, *await self._count_failure(requested, events, dispatcher, tracker, domain)]

    def _file_in_passing(self, dispatcher: CollectingDispatcher, tracker: Tracker, intent: str | None) -> None:
        """还有个事 楼上漏水…921栋3单元201 你们给报一下, heard as a report while another form asks
        its question: filed at once (``tickets.service.file_in_passing``), and the form asks on."""
        if self.form_name() == "complaint_form":
            return
        heard = intent == "file_complaint" and latest_confidence(tracker) >= form_turns.INTENT_CONFIDENCE
        if not heard and not form_turns.files_report(latest_text(tracker)):
            return  # (你们给报一下 with a problem is a report however unsure the classifier is)
        from assistant.db import get_database
        from assistant.tickets.service import file_in_passing

        try:
            filed = file_in_passing(get_database(), sender_id=tracker.sender_id, text=latest_text(tracker))
        except Exception:  # noqa: BLE001 - the form goes on; the report is said again if need be
            log.exception("form_report_in_passing_failed", form=self.form_name())
            return
        if filed is not None:
            log.info("form_report_in_passing", form=self.form_name(), ticket_id=filed.ticket.id)
            dispatcher.utter_message(text=filed.message)

    def _opened_by_this_message(self, tracker: Tracker) -> bool:
        """This form was opened after the resident's latest message (by an action that read
        it: a report let go for a booking), so that message is the form's first words."""
        for event in reversed(tracker.events or []):
            if event.get("event") == "user":
                return False
            if event.get("event") == "active_loop" and event.get("name") == self.form_name():
                return True
        return False

    # --- the elderly read-back (assistant.conversation.readback) -------------------------

    def readback_now(self) -> datetime:
        """"Now" for reading a time back as 今天 / 明天 (the project clock)."""
        return clock.local_now()

    def wants_readback(self, tracker: Tracker) -> bool:
        return is_elderly(tracker)

    async def _read_back(self, events: list[EventType], before: dict[str, Any], dispatcher: CollectingDispatcher,
                         tracker: Tracker) -> None:
        """For an elderly resident: the answers this turn accepted, read back before
        anything else the turn says (the form's next question follows)."""
        accepted = [(e["name"], e["value"]) for e in events
                    if e.get("event") == "slot" and e.get("name") in readback.SLOT_KINDS
                    and e.get("value") is not None and e.get("value") != before.get(e.get("name"))]
        if not accepted or any(readback.is_readback(m.get("text")) for m in dispatcher.messages):
            return
        if not self.wants_readback(tracker):
            return
        corrected = all(before.get(slot) is not None for slot, _ in accepted)
        said = readback.readback_text(accepted, corrected=corrected, now=self.readback_now())
        if said:
            dispatcher.utter_message(text=said)
            dispatcher.messages.insert(0, dispatcher.messages.pop())
            log.info("form_readback", form=self.form_name(), slots=[slot for slot, _ in accepted])

    async def _wrong_readback(self, requested: str | None, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: dict) -> list[EventType] | None:
        """A bare 不对 / 说错了 right after a read-back: the answers read back are
        asked again (the first of them now). None for anything else."""
        if requested in (None, RESUME_SLOT) or not readback.is_bare_correction(latest_text(tracker)):
            return None
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        wrong = [slot for slot in readback.read_back_last_turn(tracker.events) if slot in required]
        if not wrong:
            return None
        log.info("form_readback_wrong", form=self.form_name(), slots=wrong)
        dispatcher.utter_message(text=readback.AGAIN_TEXT)
        for slot in wrong:
            tracker.slots[slot] = None
        first = next(slot for slot in required if slot in wrong)
        return [*(SlotSet(slot, None) for slot in wrong), SlotSet(FAILURES_SLOT, None), SlotSet(REQUESTED_SLOT, first)]

    def _leave(self, tracker: Tracker) -> list[EventType]:
        intent = latest_intent(tracker)
        if intent in form_turns.STOP_INTENTS and latest_confidence(tracker) >= form_turns.INTENT_CONFIDENCE:
            return []  # rejected: the rule "<intent> inside the form" runs action_leave_form
        # The NLU heard something else: the form ends itself and hands over.
        return [SlotSet(FAILURES_SLOT, None), SlotSet(REQUESTED_SLOT, None), FollowupAction("action_leave_form")]

    def _back_from_interruption(self, tracker: Tracker) -> bool:
        """The form runs again in the same turn after it stepped aside (it rejected
        the message, and a rule answered it: the unhappy-path rules end with the form).
        A form started again by another action (the read-back's "change the address")
        is no return."""
        for event in reversed(tracker.events):
            if event.get("event") == "user":
                return False
            if event.get("event") == "action_execution_rejected" and event.get("name") == self.form_name():
                return True
        return False

    async def _first_missing(self, dispatcher, tracker: Tracker, domain: dict) -> str | None:
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        return next((slot for slot in required if tracker.get_slot(slot) is None), None)

    async def _count_failure(self, requested: str | None, events: list[EventType], dispatcher, tracker: Tracker,
                             domain: dict) -> list[EventType]:
        """Counts failed answers to the same question; the second one offers choices
        and a person."""
        previous = tracker.get_slot(FAILURES_SLOT) or ""
        if not requested:
            return [SlotSet(FAILURES_SLOT, None)] if previous else []
        filled = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
        if filled.get(requested) is not None or tracker.get_slot(requested) is not None:
            return [SlotSet(FAILURES_SLOT, None)] if previous else []
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        taken = {k for k, v in filled.items()
                 if v is not None and k not in (requested, REQUESTED_SLOT, RESUME_SLOT, FAILURES_SLOT)}
        if self.is_correction(tracker) or any(k.startswith(requested) and k not in required for k in taken):
            return []  # a correction, or part of this answer kept (booking_time_text: a day, its clock asked)
        # Answers to later questions said instead (the time, the address, the phone at the
        # service question) are kept, but this question is still open: a failed answer,
        # so the resident is never asked the same thing over and over.
        slot, _, count = previous.partition(":")
        failures = (int(count) if slot == requested and count.isdigit() else 0) + 1
        if failures >= FAILURES_BEFORE_CHOICES:
            buttons = [*await self.choice_buttons(requested, tracker, domain), HUMAN_BUTTON]
            text = ("可以直接点下面的选项；还是不行的话，让工作人员帮您。" if len(buttons) > 1
                    else "还是没对上，要不要让工作人员帮您？")
            dispatcher.utter_message(text=text, buttons=buttons)
        return [SlotSet(FAILURES_SLOT, f"{requested}:{failures}")]


# Yes/no questions waiting for an answer outside any form (the booking read-back,
# "要取消…吗？"): an emergency drops them too, so a later 对 confirms nothing.
PENDING_QUESTIONS = ("booking_confirming", "booking_cancel_pending")
# A question in the middle may end with an offer of its own (the policy answer's 把问题留给
# 工作人员？); going back to the form passes it over.
DETOUR_OFFER_SLOTS = {"policy_offer_pending": False, "policy_pending_question": None, "policy_best_guess": None}
# What every form leaves behind besides its answers.
FORM_STATE_SLOTS = (RESUME_SLOT, FAILURES_SLOT)


def abandon_forms(tracker: Tracker, domain: dict) -> list[EventType]:
    """Events that drop the active form, every form's answers and every pending yes/no
    question, for an interruption that ends what the resident was doing (an emergency,
    leaving, a hand-off)."""
    forms = domain.get("forms") or {}
    slots = {slot for form in forms.values() for slot in (form or {}).get("required_slots") or []}
    # A form's side slots share its prefix (booking_time_text, complaint_lat...).
    prefixes = tuple(name.removesuffix("form") for name in forms)
    slots |= {name for name in (domain.get("slots") or {}) if prefixes and name.startswith(prefixes)}
    slots |= set(FORM_STATE_SLOTS)
    # ActiveLoop(None) always, as the rules say (nlu_data/rules/tickets.yml), form or not.
    return [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None),
            *(SlotSet(slot, None) for slot in sorted(slots)
              if slot not in PENDING_QUESTIONS and tracker.get_slot(slot) is not None),
            *(SlotSet(flag, False) for flag in PENDING_QUESTIONS if tracker.get_slot(flag))]


# Intents whose own rule would answer a message a form already left on.
ANSWERED_AGAIN_INTENTS = frozenset({"nlu_fallback", "out_of_scope", "request_human"})


class ActionLeaveForm(Action):
    """The resident leaves the form: say what was dropped, drop it."""

    def name(self) -> str:
        return "action_leave_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        form = current_form(tracker)
        dispatcher.utter_message(text=left_text(form, tracker))
        log.info("form_left", form=form, sender_id=tracker.sender_id)
        if form_turns.wants_person(latest_text(tracker)):
            # 算了，找工作人员吧: leaving AND a person; the hand-off is not dropped with the form.
            return [*abandon_forms(tracker, domain), FollowupAction("action_request_human")]
        if form_turns.defers(latest_text(tracker)) or latest_intent(tracker) in ANSWERED_AGAIN_INTENTS:
            # The form ended itself on words the classifier heard as something else: its rule
            # would answer the same message again (没听明白 after 改天吧, a hand-off after 我找个人
            # 问问再说吧). Leaving was the answer.
            return [*abandon_forms(tracker, domain), FollowupAction("action_listen")]
        return abandon_forms(tracker, domain)


class ActionAskFormResume(Action):
    """刚才的理发预约还继续吗？ — asked by the form after a question in the middle."""

    def name(self) -> str:
        return "action_ask_form_resume"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        subject = subject_of(current_form(tracker), tracker)
        dispatcher.utter_message(text=f"刚才的{subject}还继续吗？",
                                 buttons=[{"title": "继续", "payload": "/affirm"},
                                          {"title": "不用了", "payload": "/deny"}])
        return []
