"""What every form shares: it steps aside for a message that is not an answer.

While a form is active, Rasa runs the form before any rule. A form steps aside only
by *rejecting* the message (its validation returns no slot), and then the rules for
that situation run (``nlu_data/rules/*``: e.g. "an emergency in the middle of the
booking form"). Our forms read answers from whole messages, so without this they
would take "楼道里着火了" as a time or an address.
"""

from __future__ import annotations

from abc import abstractmethod

import structlog
from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

log = structlog.get_logger(__name__)

# Intents that always break out of a form. ``emergency`` is also what the gateway's
# safety net forces (nlu_components/safety_net.py), whatever the classifier said.
INTERRUPTING_INTENTS = frozenset({"emergency"})


def latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


class InterruptibleFormValidation(FormValidationAction):
    """A form validation that rejects interrupting messages instead of reading them
    as answers, so the interruption's rule runs."""

    @abstractmethod
    def name(self) -> str:  # abstract: rasa-sdk registers only concrete actions
        ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        intent = latest_intent(tracker)
        if intent in INTERRUPTING_INTENTS:
            log.info("form_interrupted", form=self.form_name(), intent=intent)
            return []  # nothing extracted: Rasa rejects the form and the rules decide
        return await super().run(dispatcher, tracker, domain)


# Yes/no questions waiting for an answer outside any form (the booking read-back,
# "要取消…吗？"): an emergency drops them too, so a later 对 confirms nothing.
PENDING_QUESTIONS = ("booking_confirming", "booking_cancel_pending")


def abandon_forms(tracker: Tracker, domain: dict) -> list[EventType]:
    """Events that drop the active form, every form's answers and every pending yes/no
    question, for an interruption that ends what the resident was doing (an emergency)."""
    slots = {slot for form in (domain.get("forms") or {}).values()
             for slot in (form or {}).get("required_slots") or []}
    # ActiveLoop(None) always, as the rules say (nlu_data/rules/tickets.yml), form or not.
    return [ActiveLoop(None), SlotSet("requested_slot", None),
            *(SlotSet(slot, None) for slot in sorted(slots) if tracker.get_slot(slot) is not None),
            *(SlotSet(flag, False) for flag in PENDING_QUESTIONS if tracker.get_slot(flag))]
