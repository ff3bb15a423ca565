"""Stand-ins shared by the conversation-layer tests (assistant/conversation): a dialogue
engine that records what reached it, and one resident turn through ``converse``."""

from __future__ import annotations

import anyio

from assistant.conversation import converse
from assistant.dialogue import Reply


class WordDialogue:
    """The classifier's intents by word (``intents``: a word of the message -> intent, first
    match wins, else nlu_fallback); /book_service starts a booking form; anything else gets
    ``answer``. ``sent`` is what reached the dialogue, in order."""

    answer = "好的。"

    def __init__(self, intents: dict[str, str], loop: str | None = None):
        self.intents, self.loop = intents, loop
        self.sent: list[str] = []

    async def active_loop(self, sender):
        return self.loop

    async def parse(self, text):
        name = next((intent for word, intent in self.intents.items() if word in text), "nlu_fallback")
        return {"intent": {"name": name, "confidence": 0.9}}

    async def deliver_or_degrade(self, sender, text, metadata=None):
        self.sent.append(text)
        if text.startswith("/book_service"):
            self.loop = "booking_form"
            return [Reply(text="您想约哪天几点？")]
        return [Reply(text=self.answer)]


def converse_once(dialogue, db, sender: str, text: str):
    """One message of ``sender`` through the conversation layer, as the gateway sends it."""
    return anyio.run(lambda: converse(dialogue, sender, text, None, db=db))
