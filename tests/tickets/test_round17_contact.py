"""Round 17 (fixer A's request, blind13 two_requests, tuned): at the phone question after a
report, a new booking asked for with its own details starts the booking form; the phone
said in it is not taken as the ticket's. New wording."""

from __future__ import annotations

import pytest

from actions.tickets import ActionSubmitComplaint, ActionTicketFollowup
from assistant.db import Database
from assistant.tickets import service
from tests.tickets.test_followthrough_actions import followups, joined, run, tracker


async def _filed(sender: str) -> dict:
    filled = {"complaint_description": "27号楼单元门的闭门器坏了 门关不上", "complaint_location": "27号楼"}
    _, slots, _ = await run(ActionSubmitComplaint(), tracker("27号楼", "inform", filled, sender=sender))
    return slots


async def test_a_booking_asked_at_the_phone_question_starts_the_booking(app_env: Database) -> None:
    slots = await _filed("web:r17-contact-a")
    said = "另外我想约个保洁 后天上午九点 27号楼1单元301 电话13912340955"
    messages, after, events = await run(
        ActionTicketFollowup(),
        tracker(said, "book_service", {"ticket_followup": slots["ticket_followup"]}, sender="web:r17-contact-a"),
    )
    assert followups(events) == ["booking_form"] and after["booking_service"] == "保洁"
    assert "已记到工单上" not in joined(messages)
    with app_env.session() as s:
        assert service.get_ticket(s, slots["last_ticket_id"]).contact_phone is None


@pytest.mark.parametrize("said", ["13912340956", "号码是139 1234 0957", "约的师傅啥时候来 电话13912340958"])
async def test_a_phone_or_a_question_about_a_booking_is_no_new_booking(app_env: Database, said: str) -> None:
    sender = f"web:r17-contact-{said[-2:]}"
    slots = await _filed(sender)
    _, _, events = await run(
        ActionTicketFollowup(),
        tracker(said, "inform", {"ticket_followup": slots["ticket_followup"]}, sender=sender),
    )
    assert "booking_form" not in followups(events)
