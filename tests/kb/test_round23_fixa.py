"""Round 23 (conversation fixer A): an entry of the choices just offered, picked by what it says
(九十岁以上的那个, 腿脚不方便那条) rather than by its title or its number. Own entries, both ways."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant.kb.answer import entry_picked_by_words

_ENTRIES = {
    "a": SimpleNamespace(title="长寿补贴怎么申请？", text="年满90周岁的本市户籍老人每月领取200元，百岁老人每月500元。"),
    "b": SimpleNamespace(title="护理补贴谁能领？", text="经评估生活不能自理、行动不便的老人，每月发放护理补贴300元。"),
    "c": SimpleNamespace(title="助浴服务有补贴吗？", text="70周岁以上独居老人每次助浴补贴10元。"),
}


class _Kb:
    def entry(self, entry_id):
        return _ENTRIES.get(entry_id)


@pytest.mark.parametrize(("said", "entry"), [
    ("九十岁的老人那个", "a"),
    ("是那个七十岁以上的", "c"),
    ("生活不能自理给的那条", "b"),
    ("每月三百块那个", "b"),
])
def test_an_offered_entry_is_picked_by_what_it_says(said, entry):
    assert entry_picked_by_words(said, ["a", "b", "c"], kb=_Kb()) == entry


@pytest.mark.parametrize("said", [
    "八十岁的那个",  # an amount no offered entry says
    "补贴那个",  # said by all alike
    "第二个",
    "都不是",
])
def test_words_that_single_out_no_entry_pick_none(said):
    assert entry_picked_by_words(said, ["a", "b", "c"], kb=_Kb()) is None


def test_one_entry_offered_is_no_list_to_pick_from():
    assert entry_picked_by_words("九十岁的那个", ["a"], kb=_Kb()) is None
