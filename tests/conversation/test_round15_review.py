"""Review 15's notes on the conversation layer and booking, fixed by reason. Own sentences
(never a bench line), both ways; every clock is injected."""

from __future__ import annotations

import asyncio
from datetime import datetime

import anyio
import pytest

from assistant.booking.timeparse import TZ, parse_time
from assistant.conversation import commands, converse, store
from assistant.conversation.choices import options_from_reply

from .test_turn import _Recording, client  # noqa: F401 - the fixture of a client whose Rasa is down

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=TZ)  # a Monday morning


def tracker(text, intent="nlu_fallback", sender="web:rv15", slots=None):
    """A tracker shaped like Rasa's, for an action run outside a form."""
    from rasa_sdk import Tracker

    return Tracker(sender, slots or {}, {"text": text, "intent": {"name": intent}, "entities": []},
                   [{"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}],
                   False, None, {}, "action_listen")


def run(action, track):
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, track, {}))
    return dispatcher.messages, events


# --- note 12: 中午 moves only the morning hour said right after it ------------------------------

@pytest.mark.parametrize(("said", "hour"), [
    ("明天中午不行，下午6点吧", 18),
    ("中午我要睡觉，下午五点来", 17),
    ("明天下午6点，别中午", 18),
    ("后天中午吃完饭，下午7点", 19),
    ("中午有事，晚上七点行不", 19),
])
def test_an_evening_hour_said_beside_noon_stays_in_the_evening(said, hour):
    parsed = parse_time(said, NOW)
    assert parsed is not None and parsed.start.hour == hour


@pytest.mark.parametrize(("said", "hour", "minute"), [
    ("明天中午10点", 10, 0),
    ("明天中午十一点", 11, 0),
    ("后天中午十点半", 10, 30),
    ("明天中午12点", 12, 0),
    ("明天中午1点", 13, 0),
])
def test_a_hour_said_right_after_noon_is_around_noon(said, hour, minute):
    parsed = parse_time(said, NOW)
    assert parsed is not None and (parsed.start.hour, parsed.start.minute) == (hour, minute)


@pytest.mark.parametrize("said", ["明天中午10点半到11点", "明天中午十点到十一点"])
def test_a_late_morning_range_after_noon_ends_after_it_starts_on_the_same_day(said):
    parsed = parse_time(said, NOW)
    assert parsed is not None
    assert parsed.start.hour == 10 and parsed.end.hour == 11
    assert parsed.start.date() == parsed.end.date() and parsed.end > parsed.start


# --- notes 17 and 18: an SMS asked of the butler, and what this chat can bring later -----------

@pytest.mark.parametrize("said", [
    "预约好了给我发个短信吧", "约上了你短信通知我一声", "你们发条短信给我确认下", "能不能来条确认短信",
])
def test_an_sms_asked_of_the_butler_is_read_as_one(said):
    assert commands.asks_text_message(said)


@pytest.mark.parametrize("said", [
    "有人给我发短信说医保卡要停了，是真的吗", "他们天天给我发短信推销", "银行发短信来了说卡被冻结",
    "刚才收到一条短信说我中奖了", "居委会给我发了短信", "发短信说我欠费了是咋回事",
])
def test_a_message_someone_else_sent_is_not_asked_of_the_butler(said):
    assert not commands.asks_text_message(said)


def test_a_push_channel_is_not_told_the_chat_never_speaks_first():
    pushed = commands.cannot_text_said(can_push=True)
    assert "发不了短信" in pushed and "不能主动" not in pushed and "聊天里" in pushed
    web = commands.cannot_text_said(can_push=False)
    assert "发不了短信" in web and "不能主动给您发消息" in web
    assert "不能主动" not in commands.reminder_said(can_push=True)
    assert commands.reminder_said(can_push=False) == commands.REMINDER_TEXT


@pytest.mark.parametrize(("sender", "pushes"), [("telegram:4711", True), ("wechat:oA9x", True), ("web:r-77", False)])
def test_the_sms_answer_says_what_the_channel_really_does(app_env, sender, pushes):
    from actions.core import ActionHandleMisunderstanding

    messages, _ = run(ActionHandleMisunderstanding(), tracker("约好了你发个短信告诉我", "nlu_fallback", sender=sender))
    said = messages[0]["text"]
    assert "发不了短信" in said
    assert ("不能主动给您发消息" in said) is not pushes
    assert ("发到这个聊天里" in said) is pushes


def test_a_scam_sms_question_is_not_answered_with_no_sms(app_env):
    from actions.core import ActionOutOfScope

    messages, _ = run(ActionOutOfScope(), tracker("有人给我发短信说社保卡要冻结，是真的吗", "out_of_scope", sender="web:r-78"))
    assert not any("发不了短信" in (m.get("text") or "") for m in messages)


# --- note 11: Latin letters the classifier was taught, or pinyin, are words; only a mash is noise --

@pytest.mark.parametrize("said", [
    "human please", "agent please", "five stars", "cancel my booking", "check my ticket",  # the training's words
    "xie xie", "xie xie ni", "mei you", "suan le", "zhuan ren gong", "wo yao tou su", "bang wo yuyue xiujiao",  # pinyin
    "OK", "thx",
])
def test_latin_words_and_pinyin_are_not_noise(said):
    assert not commands.is_noise(said)


@pytest.mark.parametrize("said", ["hjkl qwer", "zxcv bnmm!!", "sdfg", "qwrt yxcv", "mnbv,,"])
def test_a_mash_of_letters_is_noise(said):
    assert commands.is_noise(said)


@pytest.mark.parametrize(("word", "pinyin"), [
    ("zhuangrengong", True), ("xiexie", True), ("lvse", True), ("ng", True),
    ("hjkl", False), ("qwer", False), ("nm", False),
])
def test_pinyin_is_read_by_its_syllables(word, pinyin):
    assert commands.is_pinyin(word) is pinyin


@pytest.mark.parametrize("said", ["human please", "xie xie"])
def test_latin_words_reach_the_dialogue_as_said(client, db, clock, said):  # noqa: F811
    yes_no = [("对", "/affirm"), ("不对", "/deny")]
    store.save(db, "web:rv15-latin", store.Memory(
        options=options_from_reply("您要预约…对吗？", yes_no), shown_at=clock.now(), pending=None,
        last=[store.Said("您要预约…对吗？", yes_no)], last_at=clock.now()))
    recording = _Recording(client.settings)
    anyio.run(lambda: converse(recording, "web:rv15-latin", said, None, db=db))
    assert recording.sent == [said]


# --- note 29: 中午十点 stays late morning when another daytime part is said with it --------------

@pytest.mark.parametrize("said", ["明天中午十点或者下午三点", "明天中午11点，下午也行"])
def test_noon_hour_with_another_daytime_part_is_still_late_morning(said):
    parsed = parse_time(said, NOW)
    assert parsed is not None and parsed.start.hour in (10, 11)


# --- note 36 (a): the syllables are data, the same as pypinyin's ----------------------------------

def test_the_syllable_list_is_pypinyins():
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    built = {to_normal(p).replace("ü", "v") for said in pinyin_dict.values() for p in said.split(",")}
    assert commands.pinyin_syllables() == built


# --- note 36 (b): the noise guard where a yes or a pick is awaited; sounds are no words -----------

@pytest.mark.parametrize("said", ["aaaa", "ha ha", "a", "hahaha", "oh"])
def test_sounds_are_no_words(said):
    assert commands.is_noise(said)


def test_noise_with_nothing_awaited_goes_to_the_dialogue_as_said(client, db, clock):  # noqa: F811
    store.save(db, "web:rv15-idle", store.Memory(
        options=[], shown_at=clock.now(), pending=None,
        last=[store.Said("好的，已经帮您登记了。", [])], last_at=clock.now()))
    recording = _Recording(client.settings)
    anyio.run(lambda: converse(recording, "web:rv15-idle", "qwrt yxcv", None, db=db))
    assert recording.sent == ["qwrt yxcv"]


def test_noise_at_a_question_without_buttons_is_not_understood(client, db, clock):  # noqa: F811
    store.save(db, "web:rv15-ask", store.Memory(
        options=[], shown_at=clock.now(), pending=None,
        last=[store.Said("您要预约明天上午9点的理发，对吗？", [])], last_at=clock.now()))
    recording = _Recording(client.settings)
    anyio.run(lambda: converse(recording, "web:rv15-ask", "ha ha", None, db=db))
    assert recording.sent == [commands.NOISE_MESSAGE]


# --- note 40: the hour said after 中午 is late morning even with an evening said too ---------------

@pytest.mark.parametrize(("said", "hour"), [("明天中午10点，不行就晚上8点", 10), ("明天中午十一点或者晚上九点", 11)])
def test_the_noon_hour_is_read_as_said_beside_an_evening(said, hour):
    parsed = parse_time(said, NOW)
    assert parsed is not None and parsed.start.hour == hour and parsed.end == parsed.start


# --- note 33: a did-you-mean is the last thing said -------------------------------------------------

def test_a_did_you_mean_is_recognised_and_an_answer_is_not():
    from assistant.conversation.state import asks_did_you_mean as _asks_did_you_mean
    from assistant.dialogue import Reply

    assert _asks_did_you_mean([Reply(text="您是想问“医保卡丢了怎么补办？”吗？")])
    assert not _asks_did_you_mean([Reply(text="养老金资格认证可以在手机上办。")])
    assert not _asks_did_you_mean([])
