"""Obey the emergency safety net: when the gateway's safety net (``assistant/safety``)
has recognised an emergency in a message, the intent is ``emergency`` whatever the
classifier said. When the classifier alone says ``emergency`` and the net's second
opinion does not find it plausible (``plausible: false``, see
``assistant.safety.net.settle_intent``: a two-to-one vote), the classifier's
next-best intent is taken instead, so a look-alike (有火灾隐患, 着火了怎么办) does not
raise a staff alert.

The gateway runs the safety net on every message of every channel, before Rasa,
and sends its verdict as ``metadata["butler_safety"]``. It strips that key from
anything a client sends, so only the gateway can set it. The classifier's own
ranking is kept below the override, so the decision stays explainable in the
tracker.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message

METADATA_KEY = "butler_safety"
EMERGENCY_INTENT = "emergency"
REPORT_KEY = "reads_as_report"  # assistant/dialogue.py REPORT_KEY
COMPLAINT_INTENT = "file_complaint"
BOOKING_INTENTS = frozenset({"book_service", "query_booking"})
# Next-best intents that are a request of their own, kept when an emergency is outvoted.
REQUEST_INTENTS = frozenset({
    "ask_policy", "book_service", "cancel_booking", "query_booking", "reschedule_booking", "check_ticket",
    "file_complaint", "request_human", "checkin", "rate_ticket",
})


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyNetOverride(GraphComponent):
    """Sets the intent to ``emergency`` when the gateway's safety net fired; outvotes
    the classifier's emergency the net finds implausible; and reads a plain report of a
    problem taken for a service-less booking as the complaint it is."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SafetyNetOverride":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            verdict = (message.get("metadata") or {}).get(METADATA_KEY) or {}
            if not verdict.get("emergency"):
                if verdict.get("plausible") is False:
                    self._outvote_emergency(message, reads_as_report=bool(verdict.get(REPORT_KEY)))
                if verdict.get(REPORT_KEY):
                    self._report_not_booking(message)
                continue
            override = {"name": EMERGENCY_INTENT, "confidence": 1.0}
            ranking = [r for r in message.get("intent_ranking") or [] if r.get("name") != EMERGENCY_INTENT]
            message.set("intent", override, add_to_output=True)
            message.set("intent_ranking", [override, *ranking], add_to_output=True)
        return messages

    @staticmethod
    def _report_not_booking(message: Message) -> None:
        """A plain report of a problem (the gateway's ``reads_as_report``: a problem said,
        no booking asked for) that the classifier read as a booking intent without any
        service named: the complaint it is."""
        intent = message.get("intent") or {}
        if intent.get("name") not in BOOKING_INTENTS:
            return
        if any(e.get("entity") == "service_type" for e in message.get("entities") or []):
            return
        override = {"name": COMPLAINT_INTENT, "confidence": intent.get("confidence", 0.0)}
        ranking = [r for r in message.get("intent_ranking") or [] if r.get("name") != COMPLAINT_INTENT]
        message.set("intent", override, add_to_output=True)
        message.set("intent_ranking", [override, *ranking], add_to_output=True)

    @staticmethod
    def _outvote_emergency(message: Message, reads_as_report: bool = False) -> None:
        """The classifier's ``emergency``, outvoted: its next-best intent instead; a plain
        report of a problem (我屋头厕所漏水 漏到楼下去了) whose next-best is no request of its
        own (thank, greet at ~0.0 behind an emergency at 1.0) is the complaint it is."""
        intent = message.get("intent") or {}
        if intent.get("name") != EMERGENCY_INTENT:
            return
        ranking = [r for r in message.get("intent_ranking") or [] if r.get("name") != EMERGENCY_INTENT]
        runner_up = ranking[0] if ranking else {"name": "nlu_fallback", "confidence": 0.0}
        if reads_as_report and runner_up.get("name") not in REQUEST_INTENTS:
            runner_up = {"name": COMPLAINT_INTENT, "confidence": runner_up.get("confidence", 0.0)}
            ranking = [runner_up, *[r for r in ranking if r.get("name") != COMPLAINT_INTENT]]
        message.set("intent", {"name": runner_up["name"], "confidence": runner_up.get("confidence", 0.0)},
                    add_to_output=True)
        message.set("intent_ranking", ranking, add_to_output=True)
