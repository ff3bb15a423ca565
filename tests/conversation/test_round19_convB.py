"""Round 19 (conversation fixer B): someone in charge, or a person to call, asked for in
the resident's words is a hand-off (那你找个管事的人跟我说 got "您没有留电话…", 你让人给我打
个电话 got the booking menu; 让领导过来给我们说明白, a round-18 leftover). New wording."""

from __future__ import annotations

import pytest

from assistant import form_turns
from assistant.conversation import split
from assistant.dialogue import Reply
from tests.conversation._helpers import WordDialogue, converse_once


@pytest.mark.parametrize("text", [
    "你叫个说了算的人来跟我谈",
    "那就请你们管事的过来给个说法",
    "让物业经理来跟大伙解释清楚",
    "找个能做主的吧 跟你说不明白",
    "能不能让人给我回个电话 我眼睛看不清字",
    "我要找你们主任",
])
def test_someone_in_charge_or_a_call_asked_for_is_a_person(text: str) -> None:
    assert form_turns.wants_person(text)
    assert split.asks_person(text)


@pytest.mark.parametrize("text", [
    "我明天得去找个管事的盖章",  # the resident's own errand
    "叫物业主任来修一下水泵",  # someone sent to do a job: the report's
    "你们主任的电话是多少",  # a number asked for
    "处理好了让人给我回个电话",  # to be told the outcome (asks_to_hear_the_outcome)
])
def test_errands_jobs_numbers_and_outcomes_are_no_hand_off(text: str) -> None:
    assert not split.asks_person(text)


class _ContactAsked(WordDialogue):
    """Files the report and asks for the phone (the 不留电话 button), then records."""

    def __init__(self):
        super().__init__({})
        self.turn = 0

    async def deliver_or_degrade(self, sender, text, metadata=None):
        self.sent.append(text)
        self.turn += 1
        if self.turn == 1:
            from assistant.dialogue import Button

            return [Reply(text="已为您登记，工单号 GD202612070001。想知道处理结果的话，留个手机号给我，我记到工单上。",
                          buttons=[Button("不留电话", "/deny")])]
        return [Reply(text="好的。")]


def test_at_the_tickets_phone_question_someone_in_charge_asked_for_is_handed_off(db) -> None:
    dialogue = _ContactAsked()
    converse_once(dialogue, db, "web:r19p1", "帮我把这个月的水费减一半 家里实在困难")
    converse_once(dialogue, db, "web:r19p1", "那你叫个能做主的来跟我讲")
    assert dialogue.sent[-1] == split.HAND_OFF_MESSAGE


@pytest.mark.parametrize("text", [
    "你帮我查查12栋601那家的手机号 他家空调水老滴我窗台上",
    "对门邻居的微信能给我一个不",
    "楼上那户人家电话多少 我要当面找他",
])
def test_a_households_number_is_private_and_never_filed(db, text: str) -> None:
    dialogue = WordDialogue({"": "file_complaint"})
    replies = converse_once(dialogue, db, "web:r19n1", text)
    assert dialogue.sent == [] and "隐私" in replies[0].text


@pytest.mark.parametrize("text", [
    "对面那个小区物业的电话你知道不 他们的狗老跑过来",
    "旁边单位的联系方式是多少",
])
def test_another_estates_number_is_not_made_up(db, text: str) -> None:
    dialogue = WordDialogue({"": "file_complaint"})
    replies = converse_once(dialogue, db, "web:r19n2", text)
    assert dialogue.sent == [] and "12345" in replies[0].text and "居委会" in replies[0].text


@pytest.mark.parametrize("text", [
    "我电话是13912345678",  # one's own number said
    "社区服务中心电话多少",  # the community's own: the usual answer
    "楼上漏水 电话13912345678",  # a report with the resident's phone
])
def test_own_or_the_communitys_number_goes_as_said(db, text: str) -> None:
    dialogue = WordDialogue({"": "file_complaint"})
    converse_once(dialogue, db, "web:r19n3", text)
    assert dialogue.sent == [text]


def test_inside_a_form_the_number_question_goes_to_the_form(db) -> None:
    dialogue = WordDialogue({"": "file_complaint"}, loop="complaint_form")
    converse_once(dialogue, db, "web:r19n4", "楼上那户人家电话多少")
    assert dialogue.sent == ["楼上那户人家电话多少"]


@pytest.mark.parametrize(("text", "intent"), [
    ("我想洗澡 洗个澡 我八十多了 自己洗不了", "book_service"),  # a wish, said again, with why
    ("俺要剃头 剃头 走不动道了 上门的", "book_service"),
    ("要吃饭 吃饭 中午那顿", "book_service"),
    ("我要剪头发 多少钱", None),  # a question
    ("我想剃头 但是不用上门", None),
    ("我想问问洗澡的事", None),
])
def test_an_elders_wish_for_a_service_said_over_is_a_booking(text: str, intent) -> None:
    assert split.worded_intent(text) == intent


async def test_not_understood_such_a_wish_starts_the_booking(db) -> None:
    from actions.core import ActionHandleMisunderstanding
    from tests.tickets.test_followthrough_actions import followups, run, tracker

    _, _, events = await run(ActionHandleMisunderstanding(),
                             tracker("俺要剃头 剃头 走不动道了 上门的", "nlu_fallback", sender="web:r19w1"))
    assert followups(events) == ["booking_form"]


@pytest.mark.parametrize("text", ["后天出太阳不 天气咋样", "今儿外面冷不冷啊 要不要穿棉袄", "周末会不会下雪"])
def test_the_weather_asked_is_said_unknown_offline(text: str) -> None:
    from actions.core import said_cannot_do
    from assistant.conversation import commands
    from tests.tickets.test_followthrough_actions import tracker

    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    assert said_cannot_do(dispatcher, tracker(text, "out_of_scope"), text)
    assert dispatcher.messages[0]["text"] == commands.WEATHER_TEXT


@pytest.mark.parametrize("text", ["下雨天楼道顶上就往下滴水", "下雨天助餐还送不送", "空调温度调到多少合适"])
def test_weather_words_in_a_report_a_service_or_a_room_are_no_forecast_asked(text: str) -> None:
    from actions.core import said_cannot_do
    from tests.tickets.test_followthrough_actions import tracker

    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    said_cannot_do(dispatcher, tracker(text, "out_of_scope"), text)
    assert all("天气预报" not in m.get("text", "") for m in dispatcher.messages)


@pytest.mark.parametrize("text", ["麻烦给我挂一个中医院周三的骨科号", "你们能不能帮忙预约挂号"])
def test_a_hospital_booking_asked_is_said_not_ours_with_the_escort_service(text: str) -> None:
    from rasa_sdk.executor import CollectingDispatcher

    from actions.core import said_cannot_do
    from assistant.conversation import commands
    from tests.tickets.test_followthrough_actions import tracker

    dispatcher = CollectingDispatcher()
    assert said_cannot_do(dispatcher, tracker(text, "out_of_scope"), text)
    assert dispatcher.messages[0]["text"] == commands.HOSPITAL_TEXT and "陪诊" in commands.HOSPITAL_TEXT


@pytest.mark.parametrize("text", ["我昨天挂了个专家号", "挂号费能报销吗", "9号楼2单元门口挂的牌子掉了"])
def test_a_hospital_number_told_or_a_fee_is_no_booking_asked(text: str) -> None:
    from assistant.conversation import commands

    assert not commands.asks_hospital_number(text)


def _after(db, sender: str, said_before: str, text: str):
    from assistant.conversation import store

    from assistant import clock

    store.save(db, sender, store.Memory(last=[store.Said(said_before, [])], last_at=clock.now()))
    dialogue = WordDialogue({"": "help"})
    return dialogue, converse_once(dialogue, db, sender, text)


@pytest.mark.parametrize("text", ["你就随便说个大概嘛", "真的查不到啊", "你们电脑里看不到吗"])
def test_pressed_right_after_a_cant_it_is_said_again(db, text: str) -> None:
    from assistant.conversation import commands
    from assistant.kb.answer import own_record_answer

    dialogue, replies = _after(db, "web:r19pb1", commands.WEATHER_TEXT, text)
    assert dialogue.sent == [] and "不知道" in replies[0].text
    dialogue, replies = _after(db, "web:r19pb2", own_record_answer("帮我查查我的医保到账没有"), text)
    assert dialogue.sent == [] and "看不到" in replies[0].text


@pytest.mark.parametrize(("before", "text"), [
    ("好的，约上门保洁。", "你就随便说个大概嘛"),  # no can't before
    (None, "那帮我约个陪诊吧 大概后天上午"),  # a request after the can't
])
def test_no_cant_before_or_a_request_goes_as_said(db, before, text: str) -> None:
    from assistant.conversation import commands

    dialogue, _ = _after(db, "web:r19pb3", before or commands.HOSPITAL_TEXT, text)
    assert dialogue.sent == [text]


@pytest.mark.parametrize("text", ["不麻烦了 俺自个儿剪", "嗯 不用了啊 我自己收拾吧 拜拜", "不要了 我自己修"])
def test_the_service_declined_to_do_it_oneself_leaves_the_form(text: str) -> None:
    assert form_turns.is_stop(text)
    assert form_turns.classify("goodbye", text, answers=False) == "stop"


@pytest.mark.parametrize("text", ["不用上门 我自己去", "我自己去服务中心吃", "不用了谢谢"])
def test_coming_oneself_or_a_plain_thanks_is_no_leaving(text: str) -> None:
    assert not form_turns.is_stop(text)
