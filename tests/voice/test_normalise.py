"""Speakable Chinese: a table of what residents hear, and round trips (what is read
aloud can be read back to the same number, date, time, phone)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import cn2an
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from voice.normalise import read_digits, read_number, read_time, speakable

TABLE = [
    # ids, phones and hotlines, digit by digit, 1 said 幺 as on the phone
    ("GD202612050007", "G D 二零二六幺二零五零零零七"),
    ("工单GD202612050007已受理", "工单G D 二零二六幺二零五零零零七已受理"),
    ("YY202612050001 理发", "Y Y 二零二六幺二零五零零零幺 理发"),
    ("13812345678", "幺三八 幺二三四 五六七八"),
    ("请留电话+86 138-1234-5678", "请留电话幺三八 幺二三四 五六七八"),
    ("010-12345678", "零幺零 幺二三四五六七八"),
    ("尾号5678", "尾号五六七八"),
    ("139****5678", "尾号五六七八"),
    ("着火了请马上拨打 119。", "着火了请马上拨打 幺幺九。"),
    ("12345热线", "幺二三四五热线"),
    ("有110户", "有一百一十户"),
    ("120元", "一百二十元"),
    # dates and times
    ("2026-12-05", "二零二六年十二月五日"),
    ("2026年12月5日", "二零二六年十二月五日"),
    ("今天是2026/12/5", "今天是二零二六年十二月五日"),
    ("2026年", "二零二六年"),
    ("12月6日（周日）15:00", "十二月六日，周日，下午三点"),
    ("12-05 15:30", "十二月五日 下午三点半"),
    ("15:30", "下午三点半"),
    ("8:05", "早上八点零五分"),
    ("0:00", "凌晨零点"),
    ("12:00", "中午十二点"),
    ("14:15", "下午两点十五分"),
    ("20:00", "晚上八点"),
    ("上午9:30", "上午九点半"),
    ("下午15:30", "下午三点半"),
    ("9:00-17:00", "上午九点到下午五点"),
    ("14:00-16:00", "下午两点到四点"),
    # money, percentages, temperatures, units
    ("¥12.5", "十二点五元"),
    ("￥12.5", "十二点五元"),
    ("12.5元", "十二点五元"),
    ("12.50元", "十二点五元"),
    ("价格0.5元", "价格零点五元"),
    ("2元", "两元"),
    ("2000元", "两千元"),
    ("10,000元", "一万元"),
    ("100元/月", "一百元每月"),
    ("增长了12.5%", "增长了百分之十二点五"),
    ("报销比例９０％", "报销比例百分之九十"),
    ("-3℃", "零下三度"),
    ("25°C", "二十五度"),
    ("50㎡", "五十平方米"),
    # quantities and addresses
    ("3号楼2单元501", "三号楼二单元五零一"),
    ("1201室", "一二零一室"),
    ("2个人", "两个人"),
    ("2点", "两点"),
    ("2楼", "二楼"),
    ("70岁以上", "七十岁以上"),
    ("3-5天", "三到五天"),
    ("007号", "零零七号"),
    ("第3.1.2条", "第三点一点二条"),
    # the knowledge base's source line
    ("可以领取高龄津贴。来源：《北京市高龄津贴办法》", "可以领取高龄津贴。这是根据《北京市高龄津贴办法》"),
    ("可以领取（来源：《办法》第三条）。", "可以领取。这是根据《办法》第三条。"),
    # markdown, links, emoji
    ("**注意**：请访问 https://example.com/a?b=1 查看😀👍🏻", "注意：请访问 查看"),
    ("详见[办事指南](https://example.com)。", "详见办事指南。"),
    ("# 标题\n- 第一条\n- 第二条", "标题。第一条。第二条"),
    ("我能帮您：\n1. 政策咨询\n2. 预约服务", "我能帮您：一、政策咨询。二、预约服务"),
    ("邮件发到 help@example.com 即可", "邮件发到 即可"),
    ("联系人：张*", "联系人：张"),
    ("", ""),
]


@pytest.mark.parametrize(("written", "spoken"), TABLE)
def test_table(written, spoken):
    assert speakable(written) == spoken


def test_one_is_yao_in_numbers_read_digit_by_digit_only():
    # Phones, ids and hotlines: 1 is 幺, as operators say it (幺三八…, 幺幺零).
    assert speakable("13812345678") == "幺三八 幺二三四 五六七八"
    assert speakable("拨打120") == "拨打幺二零"
    assert speakable("尾号1111") == "尾号幺幺幺幺"
    assert speakable("139****1011") == "尾号幺零幺幺"
    assert speakable("工单GD202611110001") == "工单G D 二零二六幺幺幺幺零零零幺"
    assert read_digits("110", yao=True) == "幺幺零"
    # Dates, times, money, counts and other values keep 一.
    assert speakable("2011年11月1日") == "二零一一年十一月一日"
    assert speakable("11:10") == "上午十一点十分"
    assert speakable("11个") == "十一个"
    assert speakable("110户") == "一百一十户"
    assert speakable("¥11.5") == "十一点五元"
    assert speakable("1栋101室") == "一栋一零一室"
    # The old reading on request.
    assert speakable("13812345678", yao=False) == "一三八 一二三四 五六七八"
    assert read_digits("110") == "一一零"


def test_the_real_help_reply_reads_cleanly():
    help_text = ("我能帮您做这些事：\n1. 政策咨询：养老金、医保、居住证、高龄津贴等\n2. 预约服务：上门理发、助餐、保洁\n"
                 "5. 转人工：说“找工作人员”就行\n您直接说要办的事就可以。")
    spoken = speakable(help_text)
    assert not re.search(r"[0-9A-Za-z*#\n]", spoken)
    assert spoken.startswith("我能帮您做这些事：一、政策咨询：") and "。五、转人工" in spoken


# -- round trips ---------------------------------------------------------------------
_ALPHABET = st.sampled_from(list("0123456789年月日号元点:：-—/.%¥*#（）()，。《》来源GDYabc \n😀")
                            + list("我的工单已受理明天上门请拨打电话楼单元室个两"))


@settings(max_examples=300, deadline=None)
@given(st.text(_ALPHABET, max_size=40))
@example("0\n:-0")  # once left a space after a kept mark (零。 零): found by a clean-clone run
def test_idempotent_and_no_digits_left(text):
    once = speakable(text)
    assert speakable(once) == once
    assert not re.search(r"[0-9]", once)


def _back_to_int(spoken: str) -> int:
    return int(cn2an.cn2an(spoken.replace("两", "二"), "normal"))


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=999_999))
def test_quantities_read_back_to_the_same_number(n):
    spoken = speakable(f"共{n}个")
    assert spoken.startswith("共") and spoken.endswith("个")
    assert _back_to_int(spoken[1:-1]) == n


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=99_999, places=2, allow_nan=False, allow_infinity=False))
def test_money_reads_back_to_the_same_amount(amount):
    for written in (f"¥{amount}", f"{amount}元"):
        spoken = speakable(written)
        assert spoken.endswith("元")
        assert Decimal(str(cn2an.cn2an(spoken[:-1].replace("两", "二"), "normal"))) == amount.normalize()


_DIGIT_OF = {c: str(i) for i, c in enumerate("零一二三四五六七八九")} | {"幺": "1"}


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.booleans())
def test_mobile_numbers_read_back_digit_for_digit(phone, yao):
    spoken = speakable(f"请拨打{phone}", yao=yao)
    assert spoken.startswith("请拨打")
    assert "".join(_DIGIT_OF[c] for c in spoken[3:] if c != " ") == phone


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31)),
       st.sampled_from(["{d:%Y-%m-%d}", "{d:%Y/%m/%d}", "{d.year}年{d.month}月{d.day}日"]))
def test_dates_read_back_to_the_same_day(day, pattern):
    spoken = speakable(pattern.format(d=day))
    m = re.fullmatch(r"(.{4})年(.+)月(.+)日", spoken)
    assert m, spoken
    year = int("".join(_DIGIT_OF[c] for c in m.group(1)))
    assert date(year, _back_to_int(m.group(2)), _back_to_int(m.group(3))) == day


_PERIODS = {"凌晨": (0, 4), "早上": (5, 8), "上午": (9, 11), "中午": (12, 12), "下午": (13, 17), "晚上": (18, 23)}


def _time_back(spoken: str) -> tuple[int, int]:
    m = re.fullmatch(r"(凌晨|早上|上午|中午|下午|晚上)(.+)点(半|零?(.+)分)?", spoken)
    assert m, spoken
    low, high = _PERIODS[m.group(1)]
    hour = _back_to_int(m.group(2))
    if hour < low:
        hour += 12
    assert low <= hour <= high, spoken
    minute = 30 if m.group(3) == "半" else _back_to_int(m.group(4)) if m.group(4) else 0
    return hour, minute


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 23), st.integers(0, 59))
def test_times_read_back_to_the_same_minute(hour, minute):
    assert _time_back(speakable(f"{hour}:{minute:02d}")) == (hour, minute)
    assert _time_back(read_time(hour, minute)) == (hour, minute)


@settings(max_examples=100, deadline=None)
@given(st.from_regex(r"(GD|YY)20[0-9]{10}", fullmatch=True))
def test_ids_read_back(ticket_id):
    spoken = speakable(ticket_id)
    letters, digits = spoken.split(" ", 2)[:2], spoken.split(" ", 2)[2]
    assert "".join(letters) + "".join(_DIGIT_OF[c] for c in digits) == ticket_id


def test_read_number_uses_liang_only_where_mandarin_does():
    assert read_number("2", measure="个") == "两"
    assert read_number("2", measure="号") == "二"
    assert read_number("2") == "二"
    assert read_number("22", measure="个") == "二十二"
    assert read_number("2000") == "两千"
    assert read_number("-5") == "负五"
