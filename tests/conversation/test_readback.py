"""The elderly read-back rule (assistant/conversation/readback.py): what each kind of
form answer sounds like read back, on a fixed "now" (never today's date)."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from assistant.conversation import readback
from voice.normalise import speakable

NOW = datetime(2026, 11, 29, 10, 0)  # a Sunday


@pytest.mark.parametrize(("kind", "value", "said"), [
    ("service", "理发", "理发"),
    ("service", "助餐", "助餐"),
    ("time", "2026-11-29T09:30", "今天上午九点半"),
    ("time", "2026-11-30T15:00", "明天下午三点"),
    ("time", "2026-12-01T14:00", "后天下午两点"),
    ("time", "2026-12-08T09:05", "十二月八日星期二上午九点零五分"),
    ("time", "明天下午", "明天下午"),                           # not a slot key: as said
    ("address", "3号楼2单元501", "三号楼二单元五零一"),
    ("place", "超市后面那条路", "超市后面那条路"),
    ("place", "居民发送的定位", "您发的定位"),
    ("phone", "13812341111", "电话尾号幺幺幺幺"),                 # masked; 1 as 幺
    ("phone", "139-1234-5678", "电话尾号五六七八"),
    ("contact", "匿名", "不留电话"),
    ("contact", "13912340001", "电话尾号零零零幺"),
    ("description", "楼道的灯坏了好几天了，晚上走路很危险", "问题是楼道的灯坏了好几天了"),
    ("description", "电梯坏了", "问题是电梯坏了"),
    ("eligibility", "我七十五岁了", "七十五岁"),
    ("eligibility", "我行动不便", "行动不便"),
    ("eligibility", "80", "八十岁"),
])
def test_every_kind_of_answer(kind, value, said):
    assert readback.read_value(kind, value, now=NOW) == said


def test_a_long_description_is_cut_to_its_first_clause_and_a_limit():
    said = readback.read_value("description", "小区东门口那一大片的路灯从上个星期开始就全都不亮了", now=NOW)
    assert said == "问题是" + "小区东门口那一大片的路灯从上个星期开始就全都不亮了"[:readback.DESCRIPTION_CHARS]


def test_nothing_to_say_for_empty_values_and_unknown_kinds():
    assert readback.read_value("time", None, now=NOW) is None
    assert readback.read_value("service", "  ", now=NOW) is None
    assert readback.read_value("colour", "红", now=NOW) is None
    assert readback.read_value("phone", "12", now=NOW) is None


def test_a_date_is_read_relative_to_the_day_given():
    assert readback.read_when("2026-11-30T15:00", now=date(2026, 11, 30)) == "今天下午三点"
    assert readback.read_when("2026-11-30T15:00") == "十一月三十日星期一下午三点"  # no "now": the date


def test_readback_text_joins_the_answers_in_one_short_sentence():
    text = readback.readback_text([("booking_service", "理发"), ("booking_time", "2026-11-30T15:00")], now=NOW)
    assert text == "好的，记下了：理发，明天下午三点。"
    assert readback.readback_text([("booking_address", "13号楼")], corrected=True, now=NOW) == "好的，改成了：十三号楼。"
    assert readback.readback_text([("booking_time_text", "明天"), ("requested_slot", "x")], now=NOW) is None
    assert readback.is_readback(text) and not readback.is_readback("请问您的手机号是？")


@pytest.mark.parametrize(("slot", "value"), [
    ("booking_service", "理发"), ("booking_eligibility", "七十五岁"), ("booking_time", "2026-12-08T09:05"),
    ("booking_address", "3号楼2单元501"), ("booking_phone", "13812345678"),
    ("complaint_description", "3号楼电梯坏了！！"), ("complaint_location", "3号楼"), ("complaint_contact", "匿名"),
])
def test_every_read_back_is_speakable_without_digits_or_symbols(slot, value):
    text = readback.readback_text([(slot, value)], now=NOW)
    assert text is not None
    assert speakable(text) == text  # already what the synthesiser reads
    assert not any(c.isascii() and (c.isdigit() or c in "*#()[]<>/-_") for c in text), text


@pytest.mark.parametrize(("text", "bare"), [
    ("不对", True), ("不对不对", True), ("我说错了", True), ("说错了。", True), ("你听错了", True),
    ("不是", True), ("错了", True), ("不对啊", True),
    ("不对，是13号楼", False), ("3号楼", False), ("不投诉了", False), ("对", False),
])
def test_bare_correction(text, bare):
    assert readback.is_bare_correction(text) is bare


def test_who_gets_a_readback():
    assert readback.wants_readback({readback.ELDERLY_METADATA_KEY: True}, False)
    assert readback.wants_readback({}, True)
    assert not readback.wants_readback({}, False)
    assert not readback.wants_readback({readback.ELDERLY_METADATA_KEY: "yes"}, None)  # only a real true


def test_what_the_last_turn_read_back():
    events = [
        {"event": "user", "text": "楼道灯坏了"},
        {"event": "slot", "name": "complaint_description", "value": "楼道灯坏了"},
        {"event": "user", "text": "3号楼"},
        {"event": "slot", "name": "complaint_location", "value": "3号楼"},
        {"event": "slot", "name": "requested_slot", "value": "complaint_contact"},
        {"event": "bot", "text": "好的，记下了：三号楼。"},
        {"event": "bot", "text": "要留个电话吗？"},
        {"event": "user", "text": "不对"},
    ]
    assert readback.read_back_last_turn(events) == ["complaint_location"]
    without = [e for e in events if not (e["event"] == "bot" and readback.is_readback(e["text"]))]
    assert readback.read_back_last_turn(without) == []  # nothing was read back: not ours to reopen


def test_a_summary_in_short_sentences():
    said = readback.short_sentences(
        "您要预约12月1日（周二）下午3点的上门理发，地址3号楼2单元501，联系电话139****5678，费用20元，对吗？")
    assert said == "您要预约12月1日周二下午3点的上门理发。地址3号楼2单元501。联系电话尾号5678。费用20元。对吗？"
    said = readback.short_sentences("已为您登记，工单号 GD202612050007。问题归为“漏水”，由物业维修部处理。"
                                    "我们会在12月6日下午3点前联系您（电话尾号5678）。")
    assert said == ("已为您登记。工单号 GD202612050007。问题归为漏水。由物业维修部处理。"
                    "我们会在12月6日下午3点前联系您。电话尾号5678。")
    assert readback.short_sentences("好的，改成13号楼。") == "好的，改成13号楼。"  # a short clause stays with the next
    assert readback.short_sentences("") == ""


def test_every_summary_sentence_is_short_and_plain():
    text = readback.short_sentences("预约好了！预约号YY202612050007。12月7日（周一）下午3点上门理发。"
                                    "请记好时间，想查的话跟我说“我约了什么”。")
    sentences = [s for s in re.split(r"[。！？]", text) if s]
    assert sentences[0] == "预约好了" and all(len(s) <= 18 for s in sentences), sentences
    assert not set(text) & set("（）()“”*《》")
