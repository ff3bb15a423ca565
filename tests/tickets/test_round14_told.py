"""Round 14: a wish to be told how a report ends (处理完了打个电话给我说一声, 弄好以后发条短信,
有进展了给我回电), said right after it was filed and heard by the classifier as 转人工 or
报平安, reaches the ticket (nlu_components/ticket_question.py turns it into check_ticket):
a phone said with it joins the ticket and is read back; without one the butler says
honestly that nobody can call and how to follow it (the ticket's number), and the phone
question stays open. A call-back asked for with no report behind it stays a hand-off.

Real database, rasa-sdk's real Tracker and dispatcher; our own sentences."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker

from actions.tickets import ActionCheckTicket, ActionSubmitComplaint, ActionTicketFollowup
from assistant.db import Database
from assistant.tickets.asking import asks_what_was_done
from assistant.tickets.models import Ticket
from assistant.tickets.service import asks_to_hear_the_outcome, public_status
from tests.tickets.test_followthrough_actions import followups, joined, run, tracker


def _filed_slots(contact: str | None) -> dict:
    return {"complaint_description": "27号楼北门的台阶裂了一道大缝", "complaint_location": "27号楼北门",
            "complaint_contact": contact}


def _turned(text: str, original: str, slots: dict) -> Tracker:
    """What Rasa gives the action after the NLU component turned ``original``."""
    t = tracker(text, "check_ticket", slots)
    t.latest_message["ticket_question_override"] = {"intent": {"name": original, "confidence": 0.8}}
    return t


@pytest.mark.parametrize("text", [
    "处理完了打个电话给我说一声", "弄好以后发条短信", "有进展了给我回电", "修好了记得通知我",
    "有结果了回个电话 13900002222", "有消息告诉我一下",
])
def test_a_wish_to_hear_the_outcome(text):
    assert asks_to_hear_the_outcome(text)
    assert not asks_what_was_done(text)  # a wish, not a question about what was done


@pytest.mark.parametrize("text", [
    "给我回个电话", "让客服给我回电话", "转人工，修好了给我回电话", "别给我打电话了", "我给物业打了好几次电话",
])
def test_not_a_wish_to_hear_the_outcome(text):
    assert not asks_to_hear_the_outcome(text)


async def test_without_a_phone_nobody_promises_a_call_and_the_phone_question_stays(app_env, clock):
    messages, slots, _ = await run(ActionSubmitComplaint(), tracker("", "file_complaint", _filed_slots(None)))
    tid = slots["last_ticket_id"]
    assert slots["ticket_followup"].startswith("contact|")
    messages, after, events = await run(ActionCheckTicket(), _turned("处理完了打个电话给我说一声", "request_human", slots))
    said = joined(messages)
    assert tid in said and "手机号" in said and "没法主动联系" in said and not followups(events)
    assert "给您回电" not in said and "会联系您" not in said
    assert after["ticket_followup"].startswith(f"contact|{tid}|")
    # 不留 then: how to follow it, by the number.
    messages, after, _ = await run(ActionTicketFollowup(), tracker("号码就不留了", "deny", after))
    assert tid in joined(messages) and "查询" in joined(messages)


async def test_a_phone_said_with_it_joins_the_ticket(app_env: Database, clock):
    _, slots, _ = await run(ActionSubmitComplaint(), tracker("", "file_complaint", _filed_slots(None)))
    tid = slots["last_ticket_id"]
    messages, after, _ = await run(ActionCheckTicket(), _turned("有进展了给我回电 13900002222", "request_human", slots))
    assert "2222" in joined(messages) and tid in joined(messages)
    with app_env.session() as session:
        assert session.get(Ticket, tid).contact_phone == "13900002222"


async def test_with_a_phone_on_the_ticket_already(app_env, clock):
    _, slots, _ = await run(ActionSubmitComplaint(), tracker("", "file_complaint", _filed_slots("13900003333")))
    tid = slots["last_ticket_id"]
    messages, after, _ = await run(ActionCheckTicket(), _turned("弄好以后发条短信告诉我", "checkin", slots))
    assert tid in joined(messages) and "电话已经记在" in joined(messages)
    assert after["ticket_followup"].startswith(f"filed|{tid}|")


async def test_with_no_report_behind_it_the_reading_runs(app_env, clock):
    _, _, events = await run(ActionCheckTicket(), _turned("修好了记得通知我", "request_human", {}))
    assert followups(events) == ["action_request_human"]
    _, _, events = await run(ActionCheckTicket(), _turned("修好了记得通知我", "checkin", {}))
    assert followups(events) == ["action_checkin"]


async def test_the_own_status_names_the_number_to_check_by(app_env: Database, clock):
    _, slots, _ = await run(ActionSubmitComplaint(), tracker("", "file_complaint", _filed_slots(None)))
    tid = slots["last_ticket_id"]
    with app_env.session() as session:
        assert f"工单号 {tid}" in public_status(session, tid, "web:ft")
