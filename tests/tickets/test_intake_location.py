"""The complaint form's reading of places (assistant/tickets/intake.py) through the one
location parser: full numbers, Chinese numerals, and an NLU entity cut by the tokenizer
completed from the message."""

from __future__ import annotations

import pytest

from assistant.tickets.intake import extract_location, place_said


@pytest.mark.parametrize(("text", "place"), [
    ("203号楼楼道灯坏了", "203号楼"),
    ("117号楼门口井盖丢了", "117号楼"),
    ("五栋2单元302漏水", "五栋2单元302"),
    ("在 十二号楼 二单元", "十二号楼二单元"),
    ("小区东门口有人摆摊", "小区东门口"),
    ("幸福路8号3号楼201室", "幸福路8号3号楼201室"),
    ("路灯坏了", None),
])
def test_extract_location_keeps_the_whole_place(text, place):
    assert extract_location(text) == place


def test_place_said_completes_a_cut_entity():
    assert place_said("117号楼门口井盖丢了", "17号楼") == "117号楼"
    assert place_said("203号楼的灯坏了", "20") == "203号楼"
    assert place_said("3号楼的灯坏了", "3号楼") == "3号楼"
    assert place_said("超市后面那条路灯坏了", "超市后面") == "超市后面"  # the entity when nothing contains it
    assert place_said("5栋电梯坏了", None) == "5栋"
    assert place_said("电梯坏了", None) is None
