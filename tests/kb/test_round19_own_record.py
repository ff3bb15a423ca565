"""Round 19 (conversation fixer B): a resident asking the butler to look into their own
account (到账没有, 余额, 交了几年) hears that it cannot see anyone's records and where to
ask — not the nearest policy entry (the smartphone class was read out). New wording."""

from __future__ import annotations

import pytest

from assistant.kb.answer import own_record_answer


@pytest.mark.parametrize(("text", "where"), [
    ("你给我查一下我上个月的退休金打到卡上没有", "12333"),
    ("我老伴的医保怎么还没到账啊", "12393"),
    ("帮我看看我的低保这个月发了没", "居委会"),
    ("我的社保到底交了几年 你帮我查查", "12333"),
])
def test_an_own_account_looked_into_is_said_unseen_with_where_to_ask(text: str, where: str) -> None:
    said = own_record_answer(text)
    assert said and "看不到" in said and where in said


@pytest.mark.parametrize("text", [
    "养老金一般每月几号到账",  # the policy, asked in general
    "社保要交满几年才能领养老金",
    "高龄津贴怎么申请",
    "/ask_policy",
])
def test_a_question_about_the_policy_is_no_own_record(text: str) -> None:
    assert own_record_answer(text) is None


async def test_the_policy_action_says_it_instead_of_an_entry() -> None:
    from actions.policy import ActionAskPolicy
    from tests.tickets.test_followthrough_actions import joined, run, tracker

    messages, slots, _ = await run(ActionAskPolicy(), tracker("你给我查一下我上个月的退休金打到卡上没有", "ask_policy"))
    assert "12333" in joined(messages) and "来源" not in joined(messages)
    assert slots.get("policy_offer_pending") is False
