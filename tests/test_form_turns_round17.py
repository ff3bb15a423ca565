"""Round 17: leaving a form said with the thing pointed at (先不弄这了 / 不搞这个了)."""

from __future__ import annotations

import pytest

from assistant.form_turns import classify, is_stop


@pytest.mark.parametrize("text", ["行了行了先不弄这了，你先跟我说说体检在哪做", "不搞这个了", "那个先不办了"])
def test_leaving_with_the_thing_pointed_at(text):
    assert is_stop(text)
    assert classify("ask_policy", text, answers=True) == "stop"


@pytest.mark.parametrize("text", ["这个我弄不了了，你帮我看看", "明天下午三点，这个不难弄吧"])
def test_not_leaving(text):
    assert not is_stop(text)
