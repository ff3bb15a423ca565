"""Review 14 item 8: putting a form off (``form_turns.defers``) is said by the resident about
themselves. Requests to us (你问问… / 你们找人问问… / 跟他说一声), 再说说, 以后再也 and a time we
cannot read (等我下班回来就行) leave no form; the deferrals the original change meant still do.
Own sentences."""

from __future__ import annotations

import pytest

from assistant import form_turns


@pytest.mark.parametrize(
    "text",
    [
        "你再说说有哪些时间",
        "您再说说都要带啥",
        "你问问他们师傅几点有空",
        "你先问问人家保洁阿姨能不能带工具",
        "问问她要不要带证件",
        "问问他们明天几点能到",
        "你们找人问问这个能不能修",
        "麻烦找个人问问能不能便宜点",
        "那你们跟他说一声，让他快点",
        "您跟师傅说一声别太早来",
        "等我下班回来就行",
        "等我孩子放学回来以后",
        "以后再也不想听到这噪音了",
        "下次再也不订这家了吧",
    ],
)
def test_requests_to_us_and_non_deferrals_leave_no_form(text):
    assert not form_turns.defers(text)
    assert form_turns.classify("inform", text, answers=False) != "stop" or form_turns.is_stop(text)


@pytest.mark.parametrize(
    "text",
    [
        "得问问我女儿她哪天有空",  # the resident's own family: their own errand
        "我问问他们再说",
        "我先找人问问吧",
        "俺跟老伴合计合计",
        "等我闺女回来再定",
        "等我回来以后再约吧",
        "以后再说吧",
        "下次再约吧",
        "改天吧，今天顾不上",
    ],
)
def test_the_resident_putting_it_off_still_leaves(text):
    assert form_turns.defers(text)
    assert form_turns.classify("inform", text, answers=False) == "stop"


def test_a_sure_question_wins_over_waiting_for_someone():
    said = "等我儿子回来能办吗"
    assert form_turns.classify("ask_policy", said, answers=False, confidence=0.9) == "digress"
    # Unsure of the question, or no question at all: still put off.
    assert form_turns.classify("ask_policy", said, answers=False, confidence=0.5) == "stop"
    assert form_turns.classify("inform", "等我儿子回来", answers=False) == "stop"
    # A deferral of its own (再定) is no mere wait: the form is left whatever the intent.
    assert form_turns.classify("ask_policy", "等我儿子回来再定", answers=False, confidence=0.9) == "stop"


def test_more_about_the_times_is_a_question_in_the_middle():
    assert form_turns.classify("query_booking", "你再说说有哪些时间", answers=False, confidence=0.8) == "digress"
