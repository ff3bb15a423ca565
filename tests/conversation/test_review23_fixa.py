"""Review 23 (conversation fixer A's MUSTs): a short fault said with a check-in or an errand is a
report (MUST 13: ``split.request_among`` reads ``intake.says_what_is_wrong`` again, as the check-in
did before the readings were made one), not when the thing is one the resident carries. New wordings."""

from __future__ import annotations

import pytest

from assistant.care.besides import request_besides_checkin
from assistant.conversation.errands import errand_in, request_besides_errand


@pytest.mark.parametrize(("said", "words"), [
    ("报个平安 人都好 就是洗手池下水堵了", "洗手池下水堵了"),
    ("报平安 没事 就是卧室门把手松了", "卧室门把手松了"),
    ("平安平安 老样子 就是次卧墙上裂了道缝", "次卧墙上裂了道缝"),
])
def test_a_short_fault_with_a_checkin_is_a_report(said: str, words: str) -> None:
    besides = request_besides_checkin(said)
    assert besides is not None and besides.intent == "file_complaint" and besides.words == words


@pytest.mark.parametrize("said", [
    "报平安 挺好 就是眼镜腿断了",
    "报平安 我挺好 就是手机屏幕摔花了",
])
def test_a_fault_of_what_the_resident_carries_is_no_report(said: str) -> None:
    assert request_besides_checkin(said) is None


@pytest.mark.parametrize(("said", "words"), [
    ("帮我把燃气费充一下 还有厨房下水堵了", "厨房下水堵了"),
    ("麻烦帮我续下宽带费 另外阳台推拉门的轮子坏了", "阳台推拉门的轮子坏了"),
])
def test_a_short_fault_with_an_errand_goes_on(said: str, words: str) -> None:
    errand = errand_in(said)
    assert errand is not None
    besides = request_besides_errand(said, errand)
    assert besides is not None and besides.intent == "file_complaint" and besides.words == words


def test_an_errand_with_a_carried_thing_broken_is_the_cant_alone() -> None:
    said = "帮我叫个出租 我平板坏了约不了"
    errand = errand_in(said)
    assert errand is not None and request_besides_errand(said, errand) is None


# --- SHOULD 1: a stop said with something worse after it, or of what comes and goes, is no end ---

from assistant.care.besides import _told_as_over  # noqa: E402


def test_a_stop_followed_by_worse_is_the_fault() -> None:
    besides = request_besides_checkin("报个平安 都好 就是卫生间灯一直闪 现在不闪了 彻底灭了")
    assert besides is not None and besides.intent == "file_complaint"


def test_what_came_and_went_stopping_is_not_told_as_over() -> None:
    assert not _told_as_over("报平安 挺好 就是厨房水龙头出水忽冷忽热 今天已经不热了")


def test_a_trouble_that_stopped_with_nothing_worse_is_still_over() -> None:
    assert request_besides_checkin("报平安 都行 就是楼上电钻一直响 现在不响了") is None
