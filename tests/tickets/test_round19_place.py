"""Round 19 (issue #11, blind15 read): the place of a ticket filed with its phone, put right
in the next message, reaches the ticket — the resident's home said as the reason (我住…) no
longer vetoes the place said before it. New wording."""

from __future__ import annotations

import pytest

from actions.tickets import ActionSubmitComplaint, ActionTicketFollowup
from assistant.conversation import commands, store
from assistant.conversation.reports import corrects_ticket_place as _corrects_ticket_place
from assistant.db import Database
from assistant.tickets import service
from assistant.tickets.intake import corrects_place
from tests.tickets.test_followthrough_actions import joined, run, tracker


@pytest.mark.parametrize("said", [
    "抱歉说错了 是58栋后门 不是57 我就住58栋",
    "不对不对，应该是12号楼东门，不是21号楼，我家在12号楼",
    "记错了 是33栋门口 我是33栋的 不是35",
])
def test_a_place_put_right_with_the_home_as_its_reason_is_a_correction(said):
    assert corrects_place(said)


@pytest.mark.parametrize("said", [
    "号码说错了 我家住14栋",  # the home only
    "不对 我住的是22栋",
    "电话不对 是14栋的",  # another thing put right
    "我不是6号楼的 我是9号楼的",
])
def test_the_home_alone_is_still_no_correction(said):
    assert not corrects_place(said)


FILED = store.Said("已为您登记，工单号 GD202612070004。问题归为“市政设施”，由街道城市管理办公室处理，3个工作日内给您答复。", [])


def test_a_correction_right_after_a_ticket_filed_with_its_phone_goes_to_the_ticket():
    assert _corrects_ticket_place("抱歉说错了 是58栋后门 不是57 我就住58栋", [FILED])
    assert not _corrects_ticket_place("58栋后门也有个灯不亮", [FILED])  # a new report
    assert not _corrects_ticket_place("不对 是58栋", [store.Said("好的。", [])])  # nothing just filed


async def test_the_place_of_a_ticket_filed_with_a_phone_is_corrected(app_env: Database):
    sender = "web:r19-place"
    filled = {"complaint_description": "楼前的路灯晚上不亮", "complaint_location": "57栋后门",
              "complaint_contact": "13912345678"}
    _, slots, _ = await run(ActionSubmitComplaint(), tracker("57栋后门", "inform", filled, sender=sender))
    assert slots["ticket_followup"]
    followup = tracker("/inform", "inform", {"ticket_followup": slots["ticket_followup"]}, sender=sender)
    followup.latest_message["metadata"] = {commands.WORDS_KEY: "抱歉说错了 是58栋后门 不是57 我就住58栋"}
    messages, _, _ = await run(ActionTicketFollowup(), followup)
    assert "58栋" in joined(messages)
    with app_env.session() as s:
        assert "58栋" in service.get_ticket(s, slots["last_ticket_id"]).address




@pytest.mark.parametrize("said", ["工单上的位置改过来没有", "地址改好了吧", "那单子上改了吗"])
def test_asking_whether_the_place_was_changed_reads_the_ticket_back(said):
    from assistant.tickets.asking import asks_if_recorded

    assert asks_if_recorded(said)


@pytest.mark.parametrize("said", ["我想改地址", "能改时间吗"])
def test_asking_to_change_is_no_read_back(said):
    from assistant.tickets.asking import asks_if_recorded

    assert not asks_if_recorded(said)
