"""Round 17: a report said with a person asked for hands off only when the person is staff
(``form_turns.wants_person(staff_only=True)``), not someone sent to do the job. New wording."""

from __future__ import annotations

import pytest

from actions.tickets import ActionSubmitComplaint
from assistant.db import Database
from tests.tickets.test_followthrough_actions import joined, run, tracker


@pytest.mark.parametrize(("said", "handed_off"), [
    ("61号楼车棚的顶棚掀开了 顺便帮我联系一下社区负责人", True),
    ("61号楼车棚的顶棚掀开了 我想跟你们工作人员直接讲", True),
    ("61号楼车棚的顶棚掀开了 赶紧叫物业的人来修", False),
    ("61号楼车棚的顶棚掀开了 修好了给我回个电话", False),
])
async def test_staff_asked_with_a_report_is_handed_off(app_env: Database, said: str, handed_off: bool) -> None:
    filled = {"complaint_description": said, "complaint_location": "61号楼"}
    messages, slots, _ = await run(
        ActionSubmitComplaint(), tracker(said, "file_complaint", filled, sender=f"web:r17-ho-{len(said)}-{said[-2:]}")
    )
    assert slots.get("last_ticket_id")
    assert ("转了人工" in joined(messages)) is handed_off


@pytest.mark.parametrize(("said", "asks"), [
    # review 17 note 12: someone sent to do the job, or staff told before, is no hand-off
    ("二楼走廊灯不亮 叫值班的师傅来换个灯泡", False),
    ("车库顶上滴水 快叫管理员下来瞅瞅", False),
    ("化粪池冒了 找值班的人过去处理一下", False),
    ("草坪没人修剪 跟管理员说过好几次了 叫他们来弄", False),
    # review 17 note 12's residue: someone called to the place with no job said after 来
    ("健身器材断了 叫管理员马上过来", False),
    ("水箱溢出来了 快喊值班的人上来", False),
    # staff asked for now, clause by clause
    ("说过好几回了都没用 直接给我转人工", True),
    ("楼道里堆满了杂物 我要找你们负责人反映", True),
    ("井盖丢了 我要跟你们客服说", True),
    # someone to talk with, after 来: 说清楚 is no job (清 of 清理)
    ("楼上天天半夜砸东西 叫你们负责人来跟我讲清楚", True),
    ("物业费乱收 叫你们管事的来跟我们说清楚", True),
    # the job right after 来 still sends someone
    ("垃圾站满了 叫管理员来清一下", False),
    ("门禁坏了 叫值班的人来看一眼", False),
])
def test_staff_asked_with_a_report_clause_by_clause(said: str, asks: bool) -> None:
    from assistant.tickets.intake import asks_staff_with_report

    assert asks_staff_with_report(said) is asks
