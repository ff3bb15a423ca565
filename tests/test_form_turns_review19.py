"""Review 19 #19: a courtesy said to someone in charge (请领导见谅, 别见怪, 多包涵) is no
hand-off; someone sent for to meet or explain still is. New wording, not the review's."""

from __future__ import annotations

import pytest

from assistant import form_turns


@pytest.mark.parametrize("said", [
    "给你们添麻烦了 请物业领导见谅",
    "说话冲了点 还请经理别见怪",
    "请工作人员多多包涵",
    "请领导放心 我们家自己会处理好",
])
def test_a_courtesy_to_someone_in_charge_is_no_hand_off(said):
    assert not form_turns.wants_person(said)


@pytest.mark.parametrize("said", [
    "让你们主任出来见我",
    "叫物业经理跟我见个面",
    "请你们领导当面见一下",
    "让负责人来给个说法",
])
def test_someone_in_charge_sent_for_is_still_a_hand_off(said):
    assert form_turns.wants_person(said)
