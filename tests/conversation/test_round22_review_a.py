"""Review 22, fixer A: a 不 opening a word (呃不晓得 / 哦不赖 / 啊不慌) is no value taken back, and
a value taken back with nothing new after it is asked again, never read anew (MUST 6); 前面
那个 / 后面那个 at a yes/no read-back is no pick of 对 or 不对 (MUST 10). Own wordings, both ways."""

from __future__ import annotations

from datetime import datetime

import pytest

from assistant.booking.conversation import Correction, correction_from
from assistant.clock import TZ
from assistant.conversation import split, store

TODAY = datetime(2026, 12, 7, 10, 0, tzinfo=TZ)
READ_BACK = "您要预约12月3日（周四）上午9点的上门保洁，地址17号楼3单元201，联系电话139****2468，免费，对吗？"


def _at_read_back():
    return [store.Said(READ_BACK, [("对", "/affirm"), ("不对", "/deny")])]


# --- MUST 6: 不 opening a word is no take-back --------------------------------------------------


@pytest.mark.parametrize(
    "said",
    [
        "后天上午九点 呃不晓得我女儿有没有空",
        "周四上午 哦不赖 就定这天",
        "下午四点半 啊不慌 你们慢慢排",
        "明早八点 额不确定能不能起来",
        "上午十点 哎不太好说",
        "下午两点 诶不一定在家",
        "大后天 哦不会下雪吧",
    ],
)
def test_a_word_opening_with_bu_after_an_interjection_takes_nothing_back(said):
    assert correction_from(said, now=TODAY) is None
    assert not split.is_bare_value(said)


@pytest.mark.parametrize(
    ("said", "slot", "value"),
    [
        ("后天上午九点 呃不 十点", "booking_time", "后天上午十点"),
        ("礼拜四下午三点 哦不四点半吧", "booking_time", "周四下午四点半吧"),
        ("周四上午 啊不不 周五上午", "booking_time", "周五上午"),
        ("12号楼 哎不是 21号楼", "booking_address", "21号楼"),
        ("七号楼一单元 诶不，二单元", "booking_address", "二单元"),
    ],
)
def test_a_bare_bu_before_the_new_value_still_takes_the_old_one_back(said, slot, value):
    found = correction_from(said, now=TODAY)
    assert found is not None and found.slot == slot and found.value == value


@pytest.mark.parametrize("said", ["后天上午九点 呃不 十点", "周四上午 啊不不 周五上午", "下午三点 哦不 四点 电话13900002468"])
def test_a_slip_in_values_is_still_a_bare_value(said):
    assert split.is_bare_value(said)


@pytest.mark.parametrize(
    ("said", "slot"),
    [
        ("下午四点 哦不 让我再琢磨琢磨", "booking_time"),
        ("周三上午 不对 等等", "booking_time"),
        ("19号楼 呃不", "booking_address"),
        ("明早九点 说错了", "booking_time"),
    ],
)
def test_a_value_taken_back_with_nothing_new_is_asked_again(said, slot):
    assert correction_from(said, now=TODAY) == Correction(slot, None)


@pytest.mark.parametrize("said", ["上午九点 对不对", "周四上午九点挺不错了", "上午九点 这下没说错吧", "没错 上午九点"])
def test_right_said_with_bu_or_mei_is_no_correction(said):
    assert correction_from(said, now=TODAY) is None


def test_the_old_corrections_still_hold():
    found = correction_from("上午九点 不对不对 下午两点半", now=TODAY)
    assert found is not None and found.slot == "booking_time" and found.value.endswith("下午两点半")
    found = correction_from("我说错了 是17号楼3单元202", now=TODAY)
    assert found is not None and found.slot == "booking_address" and found.value.startswith("17号楼3单元202")


@pytest.mark.parametrize(
    ("said", "corrects"),
    [
        ("上午九点 哦不赖 就这么定", False),
        ("周四上午九点 呃不晓得下雨不", False),
        ("上午九点 啊不慌 慢慢来", False),
        ("上午九点 哦不 十点半吧", True),
    ],
)
def test_only_a_real_take_back_corrects_the_read_back(said, corrects):
    from assistant.conversation.bookings import corrects_readback as _corrects_readback

    assert _corrects_readback(said, _at_read_back()) is corrects


# --- MUST 10: a place in a list at a yes/no read-back picks no button ---------------------------


def _yes_no(text):
    from assistant.conversation.choices import options_from_reply

    return options_from_reply(text, [("对", "/affirm"), ("不对", "/deny")])


@pytest.mark.parametrize(
    "said", ["那还是上头那个吧", "用前边的", "就上边那个", "还是后头那个", "下边的吧", "最后那个", "头一个吧", "还是前一个吧 早点好"]
)
def test_a_place_in_a_list_at_a_read_back_is_no_yes_or_no(said):
    from assistant.conversation.choices import resolve_choice

    assert resolve_choice(said, _yes_no("改好了：周四上午十点的上门保洁，对吗？")) is None
    assert resolve_choice(said, _yes_no(READ_BACK)) is None


@pytest.mark.parametrize(
    ("said", "index"), [("那还是上头那个吧", 0), ("用前边的", 0), ("还是后头那个", 1), ("下边的吧", 1), ("最后那个", 1)]
)
def test_a_place_in_a_list_of_two_bookings_still_picks(said, index):
    from assistant.conversation.choices import Option, Picked, resolve_choice

    listed = [Option("12月3日上午9点 上门保洁", "/cancel_booking{\"booking_id\": \"YY1\"}"),
              Option("12月4日下午3点 助浴", "/cancel_booking{\"booking_id\": \"YY2\"}")]
    assert resolve_choice(said, listed) == Picked(listed[index])


@pytest.mark.parametrize(("said", "payload"), [("对", "/affirm"), ("第二个", "/deny"), ("对的 没错", "/affirm")])
def test_a_yes_or_a_button_number_at_a_read_back_is_still_read(said, payload):
    from assistant.conversation.choices import Picked, resolve_choice

    result = resolve_choice(said, _yes_no(READ_BACK))
    assert isinstance(result, Picked) and result.option.payload == payload


def test_the_extra_yes_button_beside_a_numbered_list_does_not_hide_the_list():
    from assistant.conversation.choices import Picked, options_from_reply, resolve_choice

    listed = options_from_reply(
        "您问的可能是：\n1. 老年证怎么办？\n2. 助餐补贴怎么领？",
        [("老年证怎么办？", "/ask_policy{\"policy_entry\": \"a\"}"), ("助餐补贴怎么领？", "/ask_policy{\"policy_entry\": \"b\"}"),
         ("把问题留给工作人员", "/affirm")],
    )
    result = resolve_choice("后边那个", listed)
    assert isinstance(result, Picked) and "助餐" in result.option.title


@pytest.mark.parametrize(("said", "clock"), [("后天上午九点 呃不明早八点", "八点"), ("今天下午 哦不今晚七点", "七点")])
def test_a_day_said_short_right_after_a_bare_bu_is_the_new_value(said, clock):
    found = correction_from(said, now=TODAY)
    assert found is not None and found.slot == "booking_time" and found.value.endswith(clock)
    assert correction_from(said.split()[0] + " 啊不明白你意思", now=TODAY) is None


# --- SHOULD 8 (choices.py, fixer B's): a hassle passed on is no thanks ---------------------------


@pytest.mark.parametrize("said", ["对 我老伴说太麻烦了", "好吧 闺女说麻烦了", "行 太麻烦了", "嗯 孙子说太辛苦了"])
def test_a_hassle_said_after_a_yes_is_no_plain_yes(said):
    from assistant.conversation.choices import plain_yes

    assert not plain_yes(said)


@pytest.mark.parametrize(
    "said", ["对 我老伴说麻烦你们了", "好吧 闺女让我谢谢你们", "行 太麻烦您了", "行 辛苦了", "好 麻烦了", "对 外公说辛苦大家了"]
)
def test_thanks_after_a_yes_is_still_a_plain_yes(said):
    from assistant.conversation.choices import plain_yes

    assert plain_yes(said)
