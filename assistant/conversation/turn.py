"""One resident message through the conversation helper, before and after Rasa.

Before: a slash command that is not one of the butler's own buttons (a bare intent
name gets a short answer and reaches neither Rasa nor the safety net: it is a
machine token, not words; words after a slash lose the slash); a yes/no to an
offered second request; a choice by number or by name (the
button's payload is sent instead of the text); two requests in one message (the
first is sent, the second remembered; two complaints about different things are two
requests too). After: the reply's choices are remembered,
and a remembered second request is offered once the first is done (no form left
running, no yes/no question open); the replies are remembered for 再说一遍.
Between the two, 再说一遍 / 慢一点 / 我年纪大了 are answered by ``elder`` from the memory,
and noise (hjkl qwer: Latin letters, no word) reaches Rasa as not understood, never as
whatever the classifier makes of it.

An offer answered with a value instead of 对 (13022648170 / 我不留电话，匿名吧 / a time, an
address) is a yes: the offered request goes first and the value answers its first
question. Complaints counted out (一是…；二是…) are all asked for: the second is filed
as soon as the first is, without an offer; so is a report asked after a policy
question (居住证咋办？还有…楼道里堆满了杂物). 两个都记上了吧 is answered from the records
(``recap``), and 理发先不约了 right after the safety net took over is said back.
A person asked for with another request (…车都泡了，给我转个人工) is asked outright: the
other request goes first, the hand-off right after it in the same turn, never offered.

An emergency the safety net recognises is never read as anything else: it goes to
the dialogue as it was said. If the memory cannot be read or written the message
goes through as it was said: the helper never costs a resident an answer.

This module is the entry point (``converse``). The order in which a turn asks things is
``assistant.conversation.stages`` (named stages, listed in its docstring); what each stage
asks lives in a module named by what it is about: ``offers`` (the second request offered),
``two_requests``, ``bookings``, ``reports``, ``ratings``, ``errands``, ``person`` (a
hand-off), ``after_emergency``, ``worded_intents``, ``elder``, ``recap``, ``numbers``,
``commands``, ``choices``, ``split``, with ``state`` for what every one of them reads (the
records, the tracker, the memory).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.db import Database
    from assistant.dialogue import DialogueClient, Reply


async def converse(
    client: DialogueClient, sender: str, text: str, metadata: dict | None = None, db: Database | None = None
) -> list[Reply]:
    """One resident message, before and after the dialogue: the stages of
    ``assistant.conversation.stages`` in order (its docstring lists them and says how to
    add one). The helpers the stages call live in the topic modules (module docstring)."""
    from assistant.conversation.stages import run_turn

    return await run_turn(client, sender, text, metadata, db)
