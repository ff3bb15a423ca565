"""Round 17: a promise asked about a report (打包票, 保证, 给句准话) is declined honestly,
never a day nobody set. New wording, not the corpora's."""

from __future__ import annotations

import pytest

from assistant.db import Database
from assistant.tickets import service
from assistant.tickets.asking import asks_what_was_done


@pytest.mark.parametrize("text", [
    "你能保证后天之前给修好吗",
    "给句准话 明儿能来不",
    "这回肯定能修好吧",
])
def test_a_promise_asked_is_declined(db: Database, text: str) -> None:
    filed = service.file_ticket(db, description="15号楼后门的路灯不亮了", sender_id="web:p1", address="15号楼")
    assert asks_what_was_done(text)
    answer = service.handling_answer(db, filed.ticket.id, "web:p1", text)
    assert "没法替处理部门打包票" in answer and "还没派人" in answer
    assert not any(word in answer for word in ("一定修好", "保证修好", "明天修好", "个工作日"))


@pytest.mark.parametrize("text", ["派人了吗", "啥时候来人修", "物业知道这事了没有"])
def test_a_question_without_a_promise_asked_gets_no_refusal(db: Database, text: str) -> None:
    filed = service.file_ticket(db, description="15号楼后门的路灯不亮了", sender_id="web:p2", address="15号楼")
    answer = service.handling_answer(db, filed.ticket.id, "web:p2", text)
    assert "打包票" not in answer


@pytest.mark.parametrize("text", ["师傅明天一定要来啊", "我保证按时在家等着"])
def test_a_promise_said_not_asked_is_no_question(text: str) -> None:
    from assistant.tickets.asking import asks_for_a_promise

    assert not asks_for_a_promise(text)
    assert not asks_what_was_done(text)


@pytest.mark.parametrize("text", [
    "押的保证金能退吗 来领的时候要带啥",  # review 17 note 22: a deposit, a policy question
    "你们必须来处理一下 楼下又在砸墙了",  # a demand with a new matter
    "后天能来吗 我上午不在家",
])
def test_a_demand_or_a_deposit_is_no_promise_asked(text: str) -> None:
    from assistant.tickets.asking import asks_for_a_promise

    assert not asks_for_a_promise(text)
