"""Review 16's notes on the ticket rules (new wording, not the review's lines)."""

from __future__ import annotations

import pytest

from assistant.tickets.service import asks_who_reported_stays_unknown


@pytest.mark.parametrize("text", [
    "修好以后能不能告诉我一声",
    "你们会不会告诉我啥时候来修",
    "别告诉我还得再等一个礼拜",
    "不要告诉我这事又没人管了",
])
def test_told_to_me_is_news_asked_for_not_a_privacy_worry(text: str) -> None:
    assert not asks_who_reported_stays_unknown(text)


@pytest.mark.parametrize("text", [
    "你们可别告诉楼下是我说的",
    "不会告诉对门吧",
    "能不能不告诉他家是谁反映的",
    "别让隔壁知道是我",
    "你们不会把我讲出去吧",
])
def test_told_to_the_other_party_is_the_privacy_worry(text: str) -> None:
    assert asks_who_reported_stays_unknown(text)


@pytest.mark.parametrize(("text", "report"), [
    ("社保卡找不到了 住12号楼 手机13912340801", False),  # a document: 补办 is asked
    ("我是9号楼的 老伴腿脚不好 可以申请上门护理吗", False),
    ("6号楼门口天天有人摆摊 这个找谁管", False),
    ("22号楼的楼道灯不亮了 电话13912340802", True),
    ("14号楼物业办公室门口的井盖松了", True),
])
def test_a_question_said_with_an_address_is_no_report(text: str, report: bool) -> None:
    from assistant.tickets.intake import reports_a_problem

    assert reports_a_problem(text) is report


@pytest.mark.parametrize(("text", "back"), [
    ("你们那边啥时候派个人来 楼下路灯黑了", False),
    ("我那里的楼道窗户也碎了", False),
    ("俺家那边的水管也漏了", False),
    ("社区那里也没人管", False),
    ("另外那边的垃圾桶也满了", True),
    ("那儿的台阶也塌了一块", True),
])
def test_a_there_owned_by_someone_is_not_the_place_just_reported(text: str, back: bool) -> None:
    from assistant.tickets.intake import points_back

    assert points_back(text) is back


@pytest.mark.parametrize("text", ["辛苦了 这两件事就拜托你们了", "我另外还有两件事想说说"])
async def test_two_reports_then_no_question_lists_nothing(app_env, clock, text):
    """Review 16 note 10: right after two reports, words naming both but asking nothing."""
    from actions.tickets import ActionSubmitComplaint, ActionTicketFollowup
    from tests.tickets.test_followthrough_actions import joined, run, tracker

    sender = "web:r16-review-two"
    first = {"complaint_description": "71号楼西侧的路灯不亮了", "complaint_location": "71号楼",
             "complaint_contact": "13912340831"}
    await run(ActionSubmitComplaint(), tracker("71号楼", "inform", first, sender=sender))
    second = {"complaint_description": "71号楼2单元门口堆了好多装修垃圾", "complaint_location": "71号楼2单元",
              "complaint_contact": "13912340831"}
    _, slots, _ = await run(ActionSubmitComplaint(), tracker("71号楼2单元", "inform", second, sender=sender))
    messages, _, _ = await run(
        ActionTicketFollowup(), tracker(text, "thank", {"ticket_followup": slots["ticket_followup"]}, sender=sender)
    )
    assert "哪一件" not in joined(messages)


@pytest.mark.parametrize("text", ["不是西边 是东边的23号楼", "说错了 是南边那个9号楼", "不对 是北面那幢楼"])
def test_a_side_with_another_building_is_no_side_of_this_one(text: str) -> None:
    """Review 16 note 8: the building said now is not lost to the side of the old one."""
    from assistant.tickets.intake import side_corrected

    assert side_corrected("518号楼西边", text) is None
    assert side_corrected("518号楼西边", "哦不对 改成东边那个") == "518号楼东边"
