"""Hesitation alone at a form's question (这个那个, 额……) is a failed answer, whatever the
classifier called it (round 13's model reads 这个那个 as help): the question is asked again,
and the second time offered as buttons (tests/e2e/test_form_exits.py runs it end to end)."""

import pytest

from assistant.form_turns import cant_answer, classify


@pytest.mark.parametrize("said", ["这个那个", "额……", "嗯，就是那个", "那个那个…", "这个", "呃 那啥", "emm 那个"])
def test_hesitation_alone_is_a_failed_answer(said: str) -> None:
    assert cant_answer(said)
    assert classify("help", said, answers=False, confidence=0.95) == "answer"


@pytest.mark.parametrize(
    ("said", "intent", "turn"),
    [
        ("嗯", "affirm", "answer"),  # a bare 嗯 is left to the form (a yes at a yes/no question)
        ("嗯嗯", "help", "digress"),  # no hesitation word: the classifier's reading stands
        ("那个明天下午三点", "help", "digress"),  # words after the filler: not hesitation alone
        ("我想问问这个", "help", "digress"),
        ("那个，帮我转人工", "request_human", "handoff"),
        ("这啥", "help", "digress"),  # a question, not a filler
    ],
)
def test_words_beside_the_filler_are_read_as_usual(said: str, intent: str, turn: str) -> None:
    assert classify(intent, said, answers=False, confidence=0.95) == turn
