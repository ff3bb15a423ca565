"""Lead's L1, round 16: a booking id typed with a word to cancel it goes as the cancel intent
(the round-16 model reads 取消YY… as nlu_fallback). Sentences are our own."""

from __future__ import annotations

import pytest

from assistant.booking.conversation import cancel_by_id
from assistant.dialogue import Reply

from .test_two_requests_more import YES_NO, Dialogue, say

PAYLOAD = '/cancel_booking{"booking_id": "YY202611300007"}'


@pytest.mark.parametrize("text", [
    "麻烦把YY202611300007取消掉",
    "yy202611300007 这个不去了",
    "预约号YY202611300007 撤销吧",
])
def test_an_id_with_a_cancel_word_is_the_cancel_intent(text: str) -> None:
    assert cancel_by_id(text) == PAYLOAD


@pytest.mark.parametrize("text", [
    "YY202611300007 能改到周五吗",
    "YY202611300007是几点来着",
    "取消预约",
    "YY202611300007",
])
def test_other_words_with_an_id_are_left_to_the_dialogue(text: str) -> None:
    assert cancel_by_id(text) is None


def test_the_typed_id_reaches_the_dialogue_as_the_intent(db, clock):
    dialogue = Dialogue({}, answers={PAYLOAD: Reply(text="要取消这个预约吗？", buttons=YES_NO)})
    say(dialogue, db, "麻烦把YY202611300007取消掉")
    assert dialogue.sent == [PAYLOAD]
    # At a yes/no question the words go as said (the action reads them against its question).
    say(dialogue, db, "对 取消YY202611300007")
    assert dialogue.sent[-1] == "对 取消YY202611300007"


@pytest.mark.parametrize(("text", "person"), [
    ("周五行不行 我得和我们领导讲一声", False),
    ("我想跟厂里领导说说再定", False),
    ("我要跟你们的负责人当面说", True),
    ("想同社区领导直接谈", True),
])
def test_the_residents_own_boss_is_no_hand_off(text: str, person: bool) -> None:
    """Review 16 note 22: 领导/负责人 of the resident's work is asked before deciding."""
    from assistant.form_turns import wants_person

    assert wants_person(text) is person
