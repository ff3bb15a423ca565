"""Round 18 (issue #11, blind14 read): the place of the ticket just filed, put right at its
phone question, reaches the ticket when the conversation layer sends it as /inform with the
words kept (the classifier may hear a booking's cancel in 改成), and in Shanghainese
(勿对，是…). New wording."""

from __future__ import annotations

from actions.tickets import ActionSubmitComplaint, ActionTicketFollowup
from assistant.conversation import commands
from assistant.db import Database
from assistant.tickets import service
from tests.tickets.test_followthrough_actions import joined, run, tracker


async def _filed(sender: str, place: str):
    filled = {"complaint_description": "门口的灯泡烧了黑咕隆咚", "complaint_location": place}
    _, slots, _ = await run(ActionSubmitComplaint(), tracker(place, "inform", filled, sender=sender))
    return slots


async def test_a_place_put_right_sent_as_inform_with_its_words_corrects_the_ticket(app_env: Database):
    sender = "web:r18-place"
    slots = await _filed(sender, "47号楼门口")
    words = "勿对勿对 是74号楼门口 勿是47"
    followup = tracker("/inform", "inform", {"ticket_followup": slots["ticket_followup"]}, sender=sender)
    followup.latest_message["metadata"] = {commands.WORDS_KEY: words}
    messages, _, _ = await run(ActionTicketFollowup(), followup)
    assert "74号楼" in joined(messages)
    with app_env.session() as s:
        assert "74号楼" in service.get_ticket(s, slots["last_ticket_id"]).address


async def test_a_bare_inform_without_words_changes_no_place(app_env: Database):
    sender = "web:r18-place2"
    slots = await _filed(sender, "47号楼门口")
    await run(ActionTicketFollowup(), tracker("/inform", "inform", {"ticket_followup": slots["ticket_followup"]},
                                              sender=sender))
    with app_env.session() as s:
        assert service.get_ticket(s, slots["last_ticket_id"]).address == "47号楼门口"
