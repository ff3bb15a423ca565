"""The complaint form's reading of places (assistant/tickets/intake.py) through the one
location parser: full numbers, Chinese numerals, and an NLU entity cut by the tokenizer
completed from the message."""

from __future__ import annotations

import pytest

from assistant.tickets.intake import (
    add_to_description, corrected_place, extract_location, is_story_not_place, place_said, story_piece,
)


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


@pytest.mark.parametrize(("text", "entity", "place"), [
    ("15号楼…哦不对，是16号楼", None, "16号楼"),
    ("15号楼…哦不对，是16号楼", "15号楼", "16号楼"),   # the NLU entity holds the first place: the correction wins
    ("3单元，不是，4单元", "3单元", "4单元"),
    ("5号楼3单元，不是，4单元", None, "5号楼4单元"),    # the building kept from before
    ("19栋2单元……不对是29栋", None, "29栋"),           # a new building: its unit is not known
    ("是25号楼，不是24号楼", "25号楼", "25号楼"),
    ("8栋二单元楼道灯坏了，5栋也是", "8栋二单元", "8栋二单元"),  # a second place, not a correction
])
def test_a_place_corrected_in_the_same_message(text, entity, place):
    assert place_said(text, entity) == place


def test_no_correction_no_corrected_place():
    assert corrected_place("3号楼门口的井盖丢了") is None
    assert corrected_place("8栋二单元楼道灯坏了，5栋也是") is None


@pytest.mark.parametrize(("text", "piece"), [
    ("在5号楼，晚上一直不亮", "晚上一直不亮"),   # the place is the location's, the rest is the story's
    ("三楼那个，一直闪", "一直闪"),
    ("晚上一直不亮", "晚上一直不亮"),
    ("楼道", "楼道"),                          # too vague to find: a piece of the story
    ("在5号楼", None),                         # a place alone
    ("就在5栋2单元门口", None),
    ("超市后面那条路", None),                   # a place in words: the location's
    ("15号楼…哦不对，是16号楼", None),          # the correction's words are no story
    ("好的", None), ("嗯嗯", None), ("13912345678", None), ("匿名", None),
])
def test_story_piece(text, piece):
    assert story_piece(text) == piece


def test_a_story_piece_is_no_place_but_a_place_in_words_is():
    assert is_story_not_place("楼道") and is_story_not_place("晚上一直不亮")
    assert not is_story_not_place("超市后面那条路") and not is_story_not_place("在5号楼，晚上一直不亮")


def test_pieces_join_into_one_description():
    description = "灯坏了"
    for piece in ("楼道", "三楼那个"):
        description = add_to_description(description, piece) or description
    assert description == "灯坏了，楼道三楼"  # a place right after a vague one joins it
    assert add_to_description("路灯坏了", "在5号楼，晚上一直不亮") == "路灯坏了，晚上一直不亮"
    for nothing_new in ("在5号楼", "好的", "13912345678", "匿名"):
        assert add_to_description("路灯坏了", nothing_new) is None, nothing_new
    assert add_to_description("路灯坏了，晚上一直不亮", "晚上一直不亮") is None  # said twice, kept once
