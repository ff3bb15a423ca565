"""Review 14, tickets items: a booking's change is not a ticket question (item 7), thanks
with 了没 starting the next word are not a progress question (item 10), and an emergency
borrows the place only of an earlier report about the same matter (item 11). Each with
the reviewer's sentences and our own of the same shape, both ways. And a follow-up on a
policy answer heard as a progress question goes back to the policy action."""

from __future__ import annotations

import pytest

from actions.tickets import ActionCheckTicket
from assistant.db import Database
from assistant.tickets.asking import asks_what_was_done, changes_a_booking
from assistant.tickets.emergency import place_said_before
from tests.tickets.test_followthrough_actions import followups, joined, run, tracker

# --- item 7 -------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "师傅啥时候上门，不想要了取消吧",
    "约的助浴师傅几点到，改到后天吧",
    "明天约的理发师傅几点来，能不能改到下午",
    "保洁阿姨什么时候来？我想改个时间",
    "理发师傅几点到？挪到周五吧",
    "上门的阿姨啥时候来，别来了",
    "我预约的那个师傅什么时候到，推迟一天行不行",
])
def test_a_booking_changed_or_named(text):
    assert changes_a_booking(text)


@pytest.mark.parametrize("text", [
    "我前天报的那个事现在咋样了",
    "处理完了吗，我还等着用",
    "水管修好了没有啊",
    "电工师傅啥时候来修",
    "到底哪天能来人看看",
    "派人了吗",
    "空调下水管漏水修好了没",
    "/cancel_booking",
])
def test_a_ticket_question_names_no_booking(text):
    assert not changes_a_booking(text)


# --- item 10 ------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "修好了没问题了，谢谢",
    "我家老人自己弄好了没事了，谢谢",
    "已经修好了没毛病",
    "解决了没啥事了，谢谢啊",
    "处理了没必要再来了",
    "师傅修好了没什么大碍，辛苦了",
    "搞好了没啥问题",
])
def test_thanks_with_mei_starting_the_next_word_ask_nothing(text):
    assert not asks_what_was_done(text)


@pytest.mark.parametrize("text", [
    "修好了没",
    "水管修好了没有啊",
    "通知到了没有，我都等两天了",
    "处理了没呀？",
    "修好了没 我等着用",
    "派人了没",
    "搞定了没啊~",
    "弄好了没，我还等着用呢",
])
def test_le_mei_at_the_end_of_a_clause_still_asks(text):
    assert asks_what_was_done(text)


# --- item 11 ------------------------------------------------------------------------


@pytest.mark.parametrize("earlier,text", [
    ("小区东门路灯坏了好几天了", "我爸摔倒了起不来"),
    ("3号楼电梯按钮不灵了", "厨房着火了"),
    ("12栋楼下垃圾好几天没人收", "我妈晕倒了叫不醒"),
    ("58号楼3单元楼道里一股焦糊味", "我爸摔倒了，头在流血"),
])
def test_an_unrelated_report_lends_no_place(earlier, text):
    assert place_said_before(earlier, text) is None


@pytest.mark.parametrize("earlier,text,place", [
    ("投诉一下 47座楼下电单车在充电 一直冒烟", "冒火星了 焦味好大", "47座"),
    ("58号楼3单元楼道里一股焦糊味", "着火了", "58号楼3单元"),
    ("9号楼2单元楼道里好大煤气味", "煤气味越来越重了，头都晕了", "9号楼2单元"),
    ("5号楼楼下电动车充电线一直冒烟", "烧起来了", "5号楼"),
])
def test_a_report_of_the_same_matter_lends_its_place(earlier, text, place):
    assert place_said_before(earlier, text) == place


# --- after a policy answer (from the policy helper) ----------------------------------


_AFTER_POLICY = {"policy_topic": "高龄津贴"}


@pytest.mark.parametrize("text", ["那高龄的那个呢", "那残疾人的呢", "那要钱吗"])
async def test_a_follow_up_on_a_policy_answer_goes_back_to_the_policy(app_env: Database, clock, text):
    messages, _, events = await run(ActionCheckTicket(), tracker(text, "check_ticket", _AFTER_POLICY, sender="web:pol1"))
    assert followups(events) == ["action_ask_policy"]
    assert "还没有投诉记录" not in joined(messages)


@pytest.mark.parametrize("text", ["那高龄的那个呢", "那要钱吗"])
async def test_without_a_policy_answer_it_stays_a_ticket_question(app_env: Database, clock, text):
    messages, _, events = await run(ActionCheckTicket(), tracker(text, "check_ticket", sender="web:pol2"))
    assert followups(events) == []
    assert "还没有投诉记录" in joined(messages)


@pytest.mark.parametrize("text", ["我报的那个咋样了", "我的投诉呢", "派人了没有"])
async def test_a_question_about_a_report_stays_one_after_a_policy_answer(app_env: Database, clock, text):
    _, _, events = await run(ActionCheckTicket(), tracker(text, "check_ticket", _AFTER_POLICY, sender="web:pol3"))
    assert "action_ask_policy" not in followups(events)
