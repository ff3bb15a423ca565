"""Round 14: reports the butler did not take as reports.

- a building site heard at night (打桩, 冲击钻) is a noise report, with no 吵 said;
- a report said together with a question about following it (…下水道盖子歪了，帮我登记
  一下，登记完能看到进展不) is filed, not answered with "您还没有投诉记录" because the
  classifier heard the question."""

from __future__ import annotations

import pytest

from actions.tickets import ActionCheckTicket
from assistant.tickets import intake
from assistant.tickets.classify import classify_category
from tests.tickets.test_followthrough_actions import followups, joined, run, tracker


@pytest.mark.parametrize("text", [
    "27号楼后头那个工地 半夜一点了还在打桩",
    "对面工地深夜还开着冲击钻 35栋这边都听得见",
])
def test_a_site_heard_at_night_is_a_noise_report(text):
    assert intake.reads_as_complaint(text)
    assert classify_category(text).category == "噪音扰民"


def test_a_site_named_alone_is_no_noise():
    assert classify_category("工地门口的围挡倒了一大片").category != "噪音扰民"


async def test_a_report_with_a_question_about_following_it_is_filed(app_env, clock):
    text = "52栋西门那个雨水篦子翘起来了 自行车差点卡进去 帮我登记一下 登记完能看到到哪一步了不"
    messages, _, events = await run(ActionCheckTicket(), tracker(text, "check_ticket"))
    assert followups(events) == ["complaint_form"], joined(messages)


async def test_a_question_about_progress_alone_still_gets_the_records(app_env, clock):
    messages, _, events = await run(ActionCheckTicket(), tracker("我报的那个到哪一步了", "check_ticket"))
    assert not followups(events) and "投诉记录" in joined(messages)
