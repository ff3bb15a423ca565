"""Review 13, item 14: a question about what was done, said in the same breath as a new
detail or the place of the emergency (有人来了吗，他不喘气了 / 3号楼2单元，派人了吗). The
detail gets its advice and joins the ticket, the place is recorded, then the question is
answered from the ticket. A question alone is only answered."""

from __future__ import annotations

from actions.tickets import ActionEmergency, ActionTicketFollowup
from assistant.db import Database
from assistant.tickets import service
from assistant.tickets.asking import besides_the_question
from tests.tickets.test_followthrough_actions import joined, run, tracker


async def _emergency(text: str) -> dict:
    _, slots, _ = await run(ActionEmergency(), tracker(text, "emergency"))
    return slots


def _ticket(db: Database, tid: str):
    with db.session() as s:
        return service.get_ticket(s, tid)


def test_the_clauses_besides_the_question():
    assert besides_the_question("有事吗，他突然不喘气了") == "有事吗，他突然不喘气了"
    assert besides_the_question("喊人没得，火越烧越大") == "火越烧越大"
    assert besides_the_question("你们跟物业说了没有？") == ""


async def test_a_detail_said_with_the_question_gets_its_advice_then_the_answer(app_env: Database, clock):
    slots = await _emergency("我爸在7号楼1单元门口摔倒了")
    tid = slots["emergency_ticket_id"]
    messages, after, _ = await run(ActionTicketFollowup(), tracker("来人了没有啊，他没有呼吸了", "ask_progress", slots))
    text = joined(messages)
    assert "心肺复苏" in text  # CPR advice for no breathing
    assert tid in text and "没法替您拨打" in text  # the answer about what was done, after it
    assert text.index("心肺复苏") < text.index("没法替您拨打")
    assert "没有呼吸" in _ticket(app_env, tid).description
    assert after["ticket_followup"].startswith(f"emergency|{tid}|")


async def test_smoke_said_with_the_question(app_env: Database, clock):
    slots = await _emergency("6号楼楼道着火了")
    messages, _, _ = await run(ActionTicketFollowup(), tracker("喊人了没，烟越冒越多了", "ask_progress", slots))
    text = joined(messages)
    assert "低姿" in text and "没法替您拨打" in text


async def test_moving_him_asked_with_the_question(app_env: Database, clock):
    slots = await _emergency("邻居大爷在2号楼楼下倒地上了")
    messages, _, _ = await run(
        ActionTicketFollowup(), tracker("派人过来没有，我能不能扶他坐起来", "ask_progress", slots)
    )
    text = joined(messages)
    assert "别扶" in text and "没法替您拨打" in text


async def test_the_place_said_with_the_question_at_where_is_recorded(app_env: Database, clock):
    slots = await _emergency("楼道里着火了")
    assert slots["emergency_awaiting_location"] is True
    tid = slots["emergency_ticket_id"]
    messages, after, _ = await run(ActionTicketFollowup(), tracker("8号楼3单元，来人了没", "inform", slots))
    text = joined(messages)
    assert "8号楼3单元" in text and "没法替您拨打" in text
    assert service.LOCATION_QUESTION not in text and after["emergency_awaiting_location"] is False
    assert _ticket(app_env, tid).address == "8号楼3单元"


async def test_the_question_alone_is_only_answered(app_env: Database, clock):
    slots = await _emergency("楼道里着火了")
    tid = slots["emergency_ticket_id"]
    before = _ticket(app_env, tid).description
    messages, after, _ = await run(ActionTicketFollowup(), tracker("你们通知物业了没有", "ask_progress", slots))
    text = joined(messages)
    assert "没法替您拨打" in text and "低姿" not in text
    assert messages[-1]["text"] == service.LOCATION_QUESTION  # "where?" is still open
    assert after == {} and _ticket(app_env, tid).description == before


async def test_the_reviewers_lines(app_env: Database, clock):
    """The lines of the review itself: each detail gets its advice, the place is recorded."""
    for first, said, advice in (
        ("我爸在5号楼楼下晕倒了", "有人来了吗，他不喘气了", "心肺复苏"),
        ("5号楼楼道着火了", "叫人了没有，烟越来越大了", "低姿"),
        ("我妈在5号楼门口摔倒了", "有人过来了吗，要不要先把他扶起来", "别扶"),
    ):
        slots = await _emergency(first)
        messages, _, _ = await run(ActionTicketFollowup(), tracker(said, "ask_progress", slots))
        text = joined(messages)
        assert advice in text and "没法替您拨打" in text, said
    slots = await _emergency("楼道里着火了")
    tid = slots["emergency_ticket_id"]
    messages, after, _ = await run(ActionTicketFollowup(), tracker("3号楼2单元，派人了吗", "inform", slots))
    assert after["emergency_awaiting_location"] is False and _ticket(app_env, tid).address == "3号楼2单元"
    assert service.LOCATION_QUESTION not in joined(messages)
