"""Round 15: a policy follow-up said in regional words (一个月有好多钱咯 / 要好久哦 / 交上去了多久
能下来) asks an aspect of the entry under discussion, and a single entry offered as "是想问…吗"
is that entry for a bare aspect question next. The knowledge base is the stand-in of conftest."""

from __future__ import annotations

import pytest

from actions import policy as policy_actions
from assistant.kb.answer import ASPECTS, PolicyAnswer, answer_policy_question, asked_aspects
from assistant.kb.followup import reads_as_aspect_question
from assistant.kb.service import KnowledgeBase
from tests.kb.test_policy_actions import policy_env, run, tracker  # noqa: F401 - the fixture

AMOUNT = next(i for i, a in enumerate(ASPECTS) if a[2] == "具体的钱数")
DURATION = next(i for i, a in enumerate(ASPECTS) if a[2] == "要多长时间")


@pytest.mark.parametrize(
    "text", ["每个月能有好多钱嘛", "批下来要好久哦", "材料交上去以后要等几天", "递上去了多久能到账", "一年有几多钱"]
)
def test_regional_aspect_questions_name_nothing_of_their_own(text):
    assert reads_as_aspect_question(text)


@pytest.mark.parametrize("text", ["我们楼好多人都没领到", "好久没见着居委会的人了", "居住证咋个办嘛"])
def test_statements_and_new_subjects_are_no_bare_aspect(text):
    assert not reads_as_aspect_question(text)


@pytest.mark.parametrize(
    "text,aspect", [("每个月能有好多钱嘛", AMOUNT), ("一年有几多钱", AMOUNT), ("批下来要好久哦", DURATION)]
)
def test_regional_words_ask_the_aspect(text, aspect):
    assert aspect in asked_aspects(text)


def test_a_regional_amount_follow_up_is_answered_from_the_entry(policy_env: KnowledgeBase):  # noqa: F811
    first = answer_policy_question("高龄津贴怎么领", kb=policy_env)
    assert first.answerable and first.follow_up == "old-1"
    answer = answer_policy_question("每个月能有好多钱嘛", first.follow_up, kb=policy_env)
    assert answer.answerable and "100元" in answer.text


async def test_one_entry_offered_becomes_the_topic(monkeypatch):
    offered = PolicyAnswer("老人补贴", False, "您是想问“高龄津贴怎么领？”吗？", choices=[("old-1", "高龄津贴怎么领？")])
    monkeypatch.setattr(policy_actions, "answer_policy_question", lambda q, hint=None: offered)
    _, slots = await run(policy_actions.ActionAskPolicy(), tracker("老人补贴"))
    assert slots["policy_topic"] == "old-1" and slots["policy_offer_pending"] is True


async def test_several_entries_offered_leave_no_topic(monkeypatch):
    offered = PolicyAnswer(
        "卡", False, "您是想问哪一条？", choices=[("old-1", "高龄津贴怎么领？"), ("old-2", "敬老卡怎么办？")]
    )
    monkeypatch.setattr(policy_actions, "answer_policy_question", lambda q, hint=None: offered)
    _, slots = await run(policy_actions.ActionAskPolicy(), tracker("卡"))
    assert "policy_topic" in slots and slots["policy_topic"] is None


# ---- the one rule for a follow-up on a policy answer ---------------------------------------------

from assistant.kb.followup import follows_answer  # noqa: E402


@pytest.mark.parametrize("text", ["那一个月有好多钱嘛", "在手机上能弄不", "俺八十三了", "那敬老卡呢"])
def test_a_bare_aspect_question_follows_the_answer(text):
    assert follows_answer(text, "old-1")


@pytest.mark.parametrize(
    "text", ["我报的那个路灯呢", "GD202612010003 咋样了", "你们派人了没有", "/request_human", "那要钱吗 工单号多少"]
)
def test_a_report_or_a_payload_is_no_policy_follow_up(text):
    assert not follows_answer(text, "old-1")


def test_without_an_answer_under_discussion_nothing_follows():
    assert not follows_answer("那要钱吗", None)


def test_a_person_named_keeps_the_hand_off_reading_only():
    # 有人吗 heard as 转人工 asks for someone; as a fallback it is a bare question on the answer.
    assert not follows_answer("有人吗", "old-1", heard_as_handoff=True)
    assert follows_answer("有人吗", "old-1")
    assert follows_answer("在手机上能交不 我不想跑一趟", "old-1", heard_as_handoff=True)


@pytest.mark.parametrize("text", ["材料交上去了要多久才能批下来啊", "多久能到账"])
def test_an_application_coming_through_is_no_question_about_a_report(text):
    from assistant.tickets.asking import asks_what_was_done

    assert not asks_what_was_done(text) and follows_answer(text, "old-1")


@pytest.mark.parametrize("text", ["师傅多久能来", "什么时候能派人过来", "几点到"])
def test_someone_coming_is_still_a_question_about_the_report(text):
    from assistant.tickets.asking import asks_what_was_done

    assert asks_what_was_done(text) and not follows_answer(text, "old-1")
