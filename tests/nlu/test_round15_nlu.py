"""Round 15 (issue #10): service words split by 个 and everyday service names that
sets 13 and 14 showed missing, checked on the lexicon ServiceTypeNormalizer builds
from the training data (application venv, no Rasa)."""

from __future__ import annotations

import pytest

from nlu_components.service_type import ServiceLexicon, normalise_entities

from .test_entity_values import LEXICON


def test_a_two_character_service_word_split_by_ge_is_the_same_service() -> None:
    lexicon = ServiceLexicon.build(["理发", "体检", "助浴"], [("推头", "理发"), ("查体", "体检"), ("洗澡", "助浴")])
    assert lexicon.normalise("推个头") == "理发"
    assert lexicon.normalise("查个体") == "体检"
    assert lexicon.find("想给老伴洗个澡") == (4, 7, "助浴")
    # Only two-character words: 个 inside a longer word is not a split of it.
    longer = ServiceLexicon.build(["维修"], [("修水管", "维修")])
    assert longer.normalise("修个水管") is None


@pytest.mark.parametrize(("text", "service"), [
    ("给我家老头推个头 太长了", "理发"),
    ("想约个人来把油烟机清洗一下", "保洁"),
    ("厨房的龙头坏了 约人换龙头", "维修"),
    ("社区能不能查个体 我七十了", "体检"),
    ("有没有懂法律的人 我想约一个", "法律咨询"),
    ("我们几个老头想借个屋子下棋", "场地预约"),
    ("约饭 一天一顿就行", "助餐"),
    ("门锁坏了 约个修锁的", "维修"),
])
def test_everyday_service_names_fill_the_service_of_a_booking(text: str, service: str) -> None:
    out = normalise_entities([], LEXICON, text=text, intent="book_service")
    assert [e["value"] for e in out] == [service]


def test_a_service_word_in_a_complaint_is_not_a_booking() -> None:
    entities = [{"entity": "service_type", "start": 0, "end": 2, "value": "清洗"}]
    assert normalise_entities(entities, LEXICON, text="清洗了三次还是臭", intent="file_complaint") == []
