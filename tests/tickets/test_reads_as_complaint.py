"""The one "does this read as a complaint?" rule (assistant/tickets/intake.py), called by
the dialogue's misunderstanding path (actions/core.py) and by degraded mode
(assistant/degraded.py). Until issue #12's housekeeping each had its own rule; the
cases where they disagreed are pinned here with the behaviour that was kept."""

from __future__ import annotations

import pytest

from assistant.tickets.intake import reads_as_complaint


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        # Both rules agreed, and still do.
        ("8号楼东边的路灯一闪一闪的 晚上晃眼", True),  # a place and a problem word
        ("垃圾桶满了好几天了没人收", True),  # a problem word and a category keyword
        ("3号楼楼顶漏水了，天花板都湿了", True),
        ("我要投诉楼上装修噪音太吵了", True),
        ("5号楼电梯坏了，一直停在三楼不动", True),
        ("3号楼2单元501", False),  # a place alone is an answer
        ("5号楼的高龄津贴怎么办理", False),  # a question
        ("路灯", False),
        ("我要投诉", False),  # says nothing to file yet
        ("停水通知是什么时候发的", False),  # a question about information
        ("明天上午想约个理发", False),
        ("今天天气不错", False),
        ("", False),
    ],
)
def test_reads_as_complaint(text, complaint):
    assert reads_as_complaint(text) is complaint


@pytest.mark.parametrize(
    "text",
    [
        "6栋楼道里一股尿骚味",  # a place and a problem word the old degraded list lacked
        "12号楼楼下有人养鸡",  # a place and a category keyword
        "楼上嘞水一直滴到我屋头来了，咋个办嘛",  # water dripping from upstairs, in dialect
        "楼道灯坏了好几天了",  # no place: a problem word and a category keyword (楼道灯)
        "电梯又坏了 老人上不去楼",
        "下水道堵了 污水都冒出来了",
        "工作人员态度很差，我要投诉",  # the report word with what is wrong
        "反映一下：花园的长椅坏了",
    ],
)
def test_now_a_complaint_on_both_paths(text):
    """The first two were complaints only on the misunderstanding path (degraded mode
    recorded them), the others only in degraded mode (the misunderstanding path said
    没听明白): a complaint now on both."""
    assert reads_as_complaint(text)


@pytest.mark.parametrize(
    "text",
    [
        "5号楼明天停电吗？",  # a question, whatever follows its 吗
        "3号楼停水了什么时候来水",  # asks when: the dialogue answers it
        "我报修的电梯修了没",  # about an earlier report: a progress question
        "上次投诉的结果呢",
        "明天约个维修",  # 维修 is a bookable service: a booking
        "水龙头一直滴水，约人修水龙头",
        "投诉电话是多少",
        "电动车坏了去哪修",
        "冰箱有异味怎么去除",
    ],
)
def test_not_a_complaint_any_more(text):
    """Degraded mode filed a ticket for each of these, and the misunderstanding path
    started the complaint form for the first two: questions, progress questions and
    bookings now wait for the dialogue (the replay, or 没听明白 and a person)."""
    assert not reads_as_complaint(text)


@pytest.mark.parametrize(
    "text",
    [
        "3号楼电梯坏了，物业一直不回复",
        "我家楼上漏水，到现在也没回音",
        "5号楼楼道灯坏了好几天了，结果没人管",
        "楼下垃圾堆了多少天了都没人清",
    ],
)
def test_answer_and_price_words_inside_a_complaint(text):
    """回复, 回音, 结果 and 多少 ask about an earlier report or a price only when nothing
    is said to be wrong; beside a problem they are the complaint's own words (a review
    found degraded mode recording these instead of filing them)."""
    assert reads_as_complaint(text)


@pytest.mark.parametrize("text", ["有回复了没", "进度到哪了", "换个灯泡要多少钱", "结果出来没有"])
def test_answer_and_price_words_alone_are_questions(text):
    assert not reads_as_complaint(text)
