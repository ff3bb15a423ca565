"""What is asked of the butler beyond its tasks, answered honestly outside a form.

An errand it cannot run (``errand_refused``), someone else's number (``someones_number``),
whether a service is offered (``service_offered``, with its booking button). The words
are ``commands``' and ``assistant.booking.about``'s; this module only puts them in a reply.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from assistant.conversation import commands, state

if TYPE_CHECKING:
    from assistant.dialogue import DialogueClient, Reply


async def service_offered(client: DialogueClient, sender: str, said: str) -> list[Reply] | None:
    """Whether a service is offered, asked outside a form (``booking.about.asks_if_offered``):
    the answer with its booking button; None otherwise."""
    from assistant.booking.about import asks_if_offered
    from assistant.dialogue import Button, Reply

    found = asks_if_offered(said)
    if found is None or await state.form_running(client, sender):
        return None
    name, text = found
    payload = "/book_service" + json.dumps({"service_type": name}, ensure_ascii=False)
    return [Reply(text=text, buttons=[Button(f"约{name}", payload), Button("不用了", "/deny")])]


async def errand_refused(client: DialogueClient, sender: str, said: str) -> list[Reply] | None:
    """The honest can't for an errand the butler cannot run (``commands.errand_said``: a bill
    paid, a car called, a call every day), outside a form (a form's question keeps its turn);
    None otherwise."""
    from assistant.channels import can_receive_reminders
    from assistant.dialogue import Reply

    text = commands.errand_said(said, can_push=can_receive_reminders(sender))
    if text is None or await state.form_running(client, sender):
        return None
    return [Reply(text=text)]


async def someones_number(client: DialogueClient, sender: str, said: str) -> list[Reply] | None:
    """The honest reply when a household's or another estate's number is asked for
    (``commands.someones_number_said``), outside any form; None otherwise."""
    from assistant.dialogue import Reply
    from assistant.tickets.intake import names_a_problem

    answer = commands.someones_number_said(said, problem=names_a_problem(said))
    if answer is None or await state.form_running(client, sender):
        return None
    return [Reply(text=answer)]
