"""Service words typed or heard alike (维秀 for 维修): the stored homophone table is
up to date with the training data, and the lexicon reads one swapped character,
never more, and never a word that merely shares a sound across a word boundary."""

from __future__ import annotations

import json

import pytest

from nlu_components import build_homophones
from nlu_components.service_type import HOMOPHONES_JSON, normalise_entities

from .test_entity_values import LEXICON


def test_the_stored_table_is_what_the_training_data_builds():
    stored = json.loads(HOMOPHONES_JSON.read_text(encoding="utf-8"))
    assert stored == build_homophones.build(build_homophones.service_words()), (
        "run: .venv/bin/python -m nlu_components.build_homophones")


@pytest.mark.parametrize("typed, service", [
    ("维秀", "维修"), ("陪真", "陪诊"), ("法律资询", "法律咨询"), ("主餐", "助餐"), ("体简", "体检"),
])
def test_one_character_heard_alike_names_the_service(typed, service):
    assert LEXICON.normalise(typed) == service
    found = LEXICON.sounds_like(f"我想约个{typed}，明天上午")
    assert found is not None and found[2] == service


@pytest.mark.parametrize("text", ["明天下午三点", "3号楼2单元501", "我想约个时间", "好的谢谢"])
def test_ordinary_answers_sound_like_no_service(text):
    assert LEXICON.sounds_like(text) is None


def test_two_characters_swapped_are_not_read_as_the_word():
    assert LEXICON.sounds_like("为秀") is None  # 维修 with both characters swapped: too far to guess


def test_a_booking_without_a_known_word_is_filled_from_a_word_heard_alike():
    entities = normalise_entities([], LEXICON, text="帮我约个维秀师傅来看看", intent="book_service")
    assert [(e["entity"], e["value"]) for e in entities] == [("service_type", "维修")]
    # a complaint carries no service, heard alike or not
    assert normalise_entities([], LEXICON, text="维秀师傅还没来", intent="file_complaint") == []


def test_a_service_word_typed_with_spaces_is_found_where_it_was_typed():
    text = "我想约个 jian tou fa"
    entities = normalise_entities([], LEXICON, text=text, intent="book_service")
    assert [(e["value"], text[e["start"]:e["end"]]) for e in entities] == [("理发", "jian tou fa")]
