"""Review 17 in the conversation layer. New wording throughout.

Note 27: at 要取消…吗？ the cancel said again is its yes only when it is the cancel alone
(a reason may come with it); a message that also asks for something else (another
booking, a move, a question) goes on as words, so the two-request split or the reschedule
reading sees the rest instead of it being dropped."""

from __future__ import annotations

import pytest

from assistant.booking.conversation import asks_besides_cancel, confirms_cancel
from assistant.conversation import store
from assistant.conversation.split import candidate_split
from assistant.conversation.worded_intents import worded_intent as _worded_intent

ASKED = store.Said("要取消12月3日（周四）下午2点的上门助浴（预约号YY202612010007）吗？",
                   [("对", "/affirm"), ("不对", "/deny")])


@pytest.mark.parametrize("text", [
    "嗯 退掉吧 顺便给我妈订个助餐",  # another booking, for someone else
    "对 取消 再帮我约个上门理发",
    "行 撤了吧 挪到礼拜五上午",  # a move asked for
    "好的 取消 我想问下助餐怎么收费",  # a question after it
    "确定取消另外帮我约个保洁",  # no space
])
def test_a_cancel_with_something_more_is_not_flattened_to_a_yes(text):
    assert asks_besides_cancel(text)
    assert not confirms_cancel(text)
    assert _worded_intent(text, store.Memory(last=[ASKED])) is None


@pytest.mark.parametrize("text", [
    "对 取消 那天家里有事",  # a reason, no request
    "取消吧 改天再约",  # a later wish is no request now
    "好 帮我撤了吧",
    "嗯，把助浴的预约取消了",
    "确定 退掉",
])
def test_the_cancel_alone_stays_its_yes(text):
    assert not asks_besides_cancel(text)
    assert confirms_cancel(text)
    assert _worded_intent(text, store.Memory(last=[ASKED])) == "/affirm"


def test_the_rest_reaches_the_split_with_the_cancel_first():
    cut = candidate_split("嗯 退掉吧 顺便给我妈订个助餐")
    assert cut is not None
    assert confirms_cancel(cut.first)
    assert "助餐" in cut.second
