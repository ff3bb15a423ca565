"""A question about a report already made is a ticket question, whatever small-talk
intent the classifier gave it.

通知了没有 / 派人了吗 / 啥时候来人 / 修好了没 / 我报的那个咋样了 are short, and their words
(了没有, 来人, 好了) are also the words of thanks, greetings and good-byes, of asking
for help, of cancelling and rescheduling a booking: the classifier often reads them
as one of those, and the resident hears 不客气 / 再见 / 要取消哪个预约 instead of what
became of the report. Those readings are turned into ``check_ticket``, whose action
answers from the ticket's real state (``assistant.tickets.service.handling_answer``)
or says honestly that there is no ticket here.

The rule is not here (nlu_components hold none): the gateway reads every message
with ``assistant.tickets.asking.asks_what_was_done`` (a grammar, not a phrase list;
it is False for a new problem said as a question, 3号楼路灯也坏了什么时候修) and sends
the answer in the safety verdict it alone may set (``metadata["butler_safety"]``,
key ``asks_about_ticket``: ``assistant/dialogue.py`` ``TICKET_QUESTION_KEY``). A
genuine 谢谢 / 再见 / a new complaint carries False and is left alone; a reading that is
a request of its own (a complaint, a booking, a policy question, 转人工) is left
alone too: other parts of the dialogue read those with the ticket in mind.

The classifier's own ranking stays below the override (as the safety component
does), and the original intent is kept under ``ticket_question_override`` so the
logs and the tracker show what was turned.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message

METADATA_KEY = "butler_safety"  # assistant/dialogue.py SAFETY_METADATA_KEY
TICKET_QUESTION_KEY = "asks_about_ticket"  # assistant/dialogue.py TICKET_QUESTION_KEY
TICKET_INTENT = "check_ticket"
# Readings that carry no request of their own, so a ticket question heard as one of
# them would get small talk or a booking answer; nlu_fallback would get 没听明白.
SMALL_TALK_INTENTS = frozenset({
    "thank", "greet", "goodbye", "help", "cancel_booking", "reschedule_booking", "nlu_fallback",
})
# A wish to be told how a report ends (有结果了给我回个电话, 修好了发个短信告诉我一声: the
# gateway's asks_to_be_told) is heard as 转人工 or 报平安 too; those readings are turned
# as well (the action hands a message about no report of theirs back to them).
TOLD_KEY = "asks_to_be_told"  # assistant/dialogue.py TOLD_KEY
TOLD_INTENTS = SMALL_TALK_INTENTS | {"request_human", "checkin"}
OVERRIDE_KEY = "ticket_question_override"
# A cancel or reschedule reading stays when the message itself changes or names a
# booking (约的助浴师傅几点到，改到后天吧: the gateway's changes_booking): a booking's
# worker is asked about in a report's words (师傅几点来), and the change is the request.
BOOKING_CHANGE_KEY = "changes_booking"  # assistant/dialogue.py BOOKING_CHANGE_KEY
BOOKING_CHANGE_INTENTS = frozenset({"cancel_booking", "reschedule_booking"})


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class TicketQuestionOverride(GraphComponent):
    """Turns a small-talk, help or booking-change reading of a question about a report
    (the gateway's ``asks_about_ticket``), and a 转人工 or 报平安 reading of a wish to be
    told how it ends (``asks_to_be_told``), into ``check_ticket``."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "TicketQuestionOverride":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            verdict = (message.get("metadata") or {}).get(METADATA_KEY) or {}
            if verdict.get("emergency"):
                continue
            intent = message.get("intent") or {}
            name = intent.get("name")
            if name in BOOKING_CHANGE_INTENTS and verdict.get(BOOKING_CHANGE_KEY):
                continue
            if not ((verdict.get(TICKET_QUESTION_KEY) and name in SMALL_TALK_INTENTS)
                    or (verdict.get(TOLD_KEY) and name in TOLD_INTENTS)):
                continue
            ranking = message.get("intent_ranking") or []
            override = {"name": TICKET_INTENT, "confidence": max(float(intent.get("confidence") or 0.0), 0.0)}
            message.set("intent", override, add_to_output=True)
            message.set("intent_ranking", [override, *[r for r in ranking if r.get("name") != TICKET_INTENT]],
                        add_to_output=True)
            message.set(OVERRIDE_KEY, {"intent": intent, "intent_ranking": ranking}, add_to_output=True)
        return messages
