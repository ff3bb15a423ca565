"""The resident's reports (tickets) as the conversation meets them, outside the forms.

The ticket just filed and its phone question (``just_filed``, ``TICKET_FILED``,
``TICKET_PHONE_ASK``: the service's own words), its place put right or asked about
(``corrects_ticket_place``, ``recorded_place``), more words on an open ticket
(``added_to_ticket``), the same report said again (``report_said_again``), how it will be
followed or was handled (``follow_answer``, ``outcome_answer``), and someone demanded
(``demand_for_ticket``). The ticket rules themselves are ``assistant.tickets``'.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant import clock
from assistant.conversation import state, store
from assistant.tickets.service import CONTACT_ASK_WORDS, FILED_OPENING

if TYPE_CHECKING:
    from assistant.db import Database
    from assistant.dialogue import DialogueClient, Reply


# The complaint's own phone question (assistant.tickets.service.CONTACT_INVITATION and the
# anonymous how-to-follow answer both end with it).
TICKET_PHONE_ASK = CONTACT_ASK_WORDS


async def recorded_place(
    client: DialogueClient, db: Database | None, sender: str, said: str, last: list[store.Said]
) -> list[Reply] | None:
    """The place on the ticket just filed (its id in the butler's last turn), when the message
    asks what was recorded (你们记的是哪个门), outside forms; None otherwise."""
    from assistant.tickets.ids import find_ticket_id
    from assistant.tickets.service import asks_what_was_recorded, recorded_place_text

    if not asks_what_was_recorded(said):
        return None
    # (filed, or its place just put right: 好的，工单 GD… 的位置改成…了)
    filed = [find_ticket_id(s.text) for s in last]
    ticket_id = next((t for t in reversed(filed) if t), None)
    if ticket_id is None:
        return None
    return await state.told_outside_forms(
        client, sender, lambda: recorded_place_text(state.database(db), sender, ticket_id), "recorded_place_unavailable"
    )


def corrects_ticket_place(said: str, last: list[store.Said]) -> bool:
    """The place of the ticket just filed put right (不对 是816号楼门口 / 改成西边那个) right
    after it was filed (its phone question open, or filed with the phone said): the words go
    as ``/inform`` to the ticket's follow-up, which corrects its place (the classifier may
    hear a booking's cancel or move in 改成, or nothing it knows)."""
    from assistant.tickets.intake import corrects_place

    return bool(last) and just_filed(last[-1].text or "") and corrects_place(said)


# The butler's words for a ticket just filed (the service's own), and its phone question.
TICKET_FILED = FILED_OPENING


def just_filed(text: str) -> bool:
    return TICKET_PHONE_ASK in text or TICKET_FILED in text


async def added_to_ticket(client: DialogueClient, db: Database | None, sender: str, said: str) -> list[Reply] | None:
    """The reply when the message adds to the resident's own open ticket
    (``intake.adds_to_report``, ``service.own_open_ticket``), outside any form (a form's
    question takes more words itself); the words are joined to the ticket. None otherwise.
    (The caller never asks it of words the safety net finds plausibly acute.)"""
    from assistant.tickets.intake import adds_to_report
    from assistant.tickets.service import add_detail, own_open_ticket

    if not adds_to_report(said):
        return None

    def add() -> str | None:
        database = state.database(db)
        ticket_id = own_open_ticket(database, sender, said, now=clock.now())
        return add_detail(database, ticket_id, sender_id=sender, text=said, now=clock.now()) if ticket_id else None

    return await state.told_outside_forms(client, sender, add, "ticket_detail_unavailable")


async def report_said_again(client: DialogueClient, db: Database | None, sender: str, said: str) -> list[Reply] | None:
    """The reply when the message says the resident's report of the last minutes again
    (``service.said_again``), outside any form; None otherwise."""
    from assistant.tickets.asking import asks_what_was_done, demands_someone
    from assistant.tickets.duplicates import read_problem
    from assistant.tickets.intake import extract_location
    from assistant.tickets.service import said_again

    # Cheap words first: only a problem with no place, asking nothing of what was done
    # (你们管不管 / 再派人来看看 have answers of their own), costs a look at the tracker.
    problem = read_problem(said)
    if not (problem.objects and problem.faults) or extract_location(said):
        return None
    if asks_what_was_done(said) or demands_someone(said):
        return None
    return await state.told_outside_forms(
        client, sender, lambda: said_again(state.database(db), sender, said, now=clock.now()), "ticket_lookup_failed"
    )


def outcome_answer(db: Database | None, sender: str, said: str) -> str | None:
    from assistant.tickets.service import outcome_answer

    return outcome_answer(state.database(db), sender, said, now=clock.now())


def follow_answer(db: Database | None, sender: str, said: str) -> str | None:
    from assistant.tickets.service import follow_answer

    return follow_answer(state.database(db), sender, said, now=clock.now())


async def demand_for_ticket(client: DialogueClient, db: Database | None, sender: str, said: str) -> list[Reply] | None:
    """The reply to someone demanded (``asking.demands_someone``) by a resident with an open
    ticket of their own and no upcoming booking, outside any form; None otherwise."""
    from assistant.booking.service import upcoming_bookings
    from assistant.tickets.asking import demands_someone
    from assistant.tickets.service import demand_answer

    if not demands_someone(said):
        return None

    def answer() -> str | None:
        database = state.database(db)
        with database.session() as session:
            if upcoming_bookings(session, sender, now=clock.local_now()):
                return None  # 师傅 may be the booking's: the dialogue decides
        return demand_answer(database, sender, said, now=clock.now())

    return await state.told_outside_forms(client, sender, answer, "ticket_demand_unavailable")
