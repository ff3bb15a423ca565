"""What residents ask that the butler cannot do (a reminder, a call or a message to
someone), told from words that only look like it (review 12)."""

from __future__ import annotations

import pytest

from assistant.conversation.commands import asks_relay, asks_reminder
from assistant.tickets.service import asks_to_be_told


@pytest.mark.parametrize("text", [
    "那你给她打个电话说一声呗", "你帮我通知下居委会李主任", "通知下居委会李主任",
    "帮我给居委会李主任打个电话",          # a name longer than four characters
    "麻烦给3号楼的张大姐打个电话", "你打个电话给物业", "你给物业打个电话吧，电梯又坏了",
    "帮我跟物业说一声", "跟王阿姨说一声我不去了", "帮我带个话给王师傅", "你告诉她一声",
])
def test_a_call_or_a_message_asked_of_the_butler_is_a_relay(text):
    assert asks_relay(text)


@pytest.mark.parametrize("text", [
    "给物业打电话也没人管", "我给物业打了好几次电话", "物业给我打电话了吗",   # statements
    "我跟你说一声，我明天不来了",          # said to the butler itself
    "我跟她说一声就行", "我告诉他了他不听",   # the resident does it
    "你给我打个电话", "叫物业来修一下",
])
def test_statements_and_words_to_the_butler_are_no_relay(text):
    assert not asks_relay(text)


@pytest.mark.parametrize("text", ["查完了跟我说一声", "那你们查完了跟我说一声不", "有结果告诉我"])
def test_a_wish_to_be_told_is_left_to_the_tickets_rule(text):
    assert asks_to_be_told(text) and not asks_relay(text)


@pytest.mark.parametrize("text", [
    "明早8点提醒我吃降压药", "那你帮我记着 到点了喊我一声", "下午三点叫我去量血压",
    "到时候提醒我一下哈 我记性不好", "你提醒我一下", "能不能提醒我吃药", "提醒我一下",
    "每天早上提醒我吃药", "7:30叫我起床", "帮我定个闹钟",
])
def test_a_reminder_asked_of_the_butler_or_at_a_time_is_a_reminder(text):
    assert asks_reminder(text)


@pytest.mark.parametrize("text", [
    "叫我去哪儿办",                        # no time, nobody asked
    "我女儿天天提醒我量血压", "我女儿每天早上提醒我量血压", "医生提醒我少吃盐",  # someone else reminds
    "社区叫我明天去打疫苗", "他们叫我去居委会办",
    "上次你们提醒我交物业费了",              # told, not asked
    "明天物业会提醒一下大家停水", "你们提醒一下楼上别吵了",
])
def test_other_words_with_remind_or_call_me_are_no_reminder(text):
    assert not asks_reminder(text)
