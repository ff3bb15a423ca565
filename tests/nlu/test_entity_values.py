"""Entity-value normalisation: the cleaner (spaces and punctuation out), the
service synonyms (every everyday word and catalogue alias -> one of the ten
services) and the service-type normaliser that runs after the synonym mapper.

The components' pure-Python cores are imported here without Rasa (application
venv); their Rasa wrappers are exercised by `rasa train` and `bench/nlu.py`.
"""

from __future__ import annotations

import yaml
import pytest

from nlu_components.entity_cleaner import clean_entities, clean_value
from nlu_components.service_type import ServiceLexicon, normalise_entities

from .nlu_files import ROOT, SERVICE_TYPES, load_training

TRAIN = load_training()
SYNONYMS = {variant: canonical for canonical, variant in TRAIN["synonyms"]}
CATALOGUE = yaml.safe_load((ROOT / "assistant" / "booking" / "catalogue.yml").read_text(encoding="utf-8"))


def training_lexicon() -> ServiceLexicon:
    """The lexicon ServiceTypeNormalizer.train builds, from the same data."""
    canonical, pairs = set(), []
    for ex in TRAIN["examples"]:
        for ent in ex.entities:
            if ent.entity == "service_type":
                canonical.add(ent.value)
                pairs.append((ent.text, ent.value))
    pairs += list(SYNONYMS.items())
    pairs += [(element, SYNONYMS.get(element, element)) for name, element in TRAIN["lookups"] if name == "service_type"]
    return ServiceLexicon.build(canonical, pairs)


LEXICON = training_lexicon()


# ---------------------------------------------------------------- the cleaner

@pytest.mark.parametrize(("raw", "clean"), [
    ("理发 ", "理发"),
    (" 剪头发", "剪头发"),
    ("剪头发，", "剪头发"),
    ("「保洁」", "保洁"),
    ("助浴。", "助浴"),
    ("修水管!", "修水管"),
    ("\u3000体检\u200b", "体检"),       # ideographic space, zero-width space
    ("场地\t预约\n", "场地预约"),
    ("陪诊……", "陪诊"),
    ("3号楼 2单元", "3号楼2单元"),
    ("明天下午3点", "明天下午3点"),       # nothing to strip: unchanged
    ("GD202611290007", "GD202611290007"),
])
def test_clean_value_strips_spaces_and_punctuation(raw: str, clean: str) -> None:
    assert clean_value(raw) == clean


def test_clean_entities_narrows_offsets_and_drops_empty_values() -> None:
    text = "约个理发 ，明天"
    entities = [
        {"entity": "service_type", "value": "理发 ", "start": 2, "end": 5},
        {"entity": "time", "value": "，", "start": 5, "end": 6},
        {"entity": "service_type", "value": "剪 头", "start": 0, "end": 3},  # not the span: offsets kept
        {"entity": "count", "value": 3, "start": 0, "end": 1},              # not a string: untouched
    ]
    cleaned = clean_entities(entities, text)
    assert cleaned[0] == {"entity": "service_type", "value": "理发", "start": 2, "end": 4}
    assert text[cleaned[0]["start"]:cleaned[0]["end"]] == "理发"
    assert cleaned[1] == {"entity": "service_type", "value": "剪头", "start": 0, "end": 3}
    assert cleaned[2]["value"] == 3
    assert len(cleaned) == 3
    assert entities[0]["value"] == "理发 "  # the input is not modified


def test_pipeline_cleans_after_extraction_and_before_synonyms() -> None:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    names = [c["name"] for c in config["pipeline"]]
    cleaner = names.index("nlu_components.entity_cleaner.EntityValueCleaner")
    assert names.index("DIETClassifier") < cleaner
    assert names.index("RegexEntityExtractor") < cleaner
    assert cleaner < names.index("EntitySynonymMapper") < names.index("nlu_components.service_type.ServiceTypeNormalizer")
    # Last, the two overrides: the safety net's emergency, then a question about a report
    # already made (the safety net's emergency is never turned into check_ticket).
    assert names[-2:] == ["nlu_components.safety_net.SafetyNetOverride",
                          "nlu_components.ticket_question.TicketQuestionOverride"]


# ---------------------------------------------------------------- service synonyms

def test_every_catalogue_alias_maps_to_its_service() -> None:
    services = CATALOGUE["services"]
    assert set(services) == set(SERVICE_TYPES)
    wrong = []
    for name, body in services.items():
        for alias in body.get("aliases") or []:
            if SYNONYMS.get(alias) != name:
                wrong.append(f"{alias} -> {SYNONYMS.get(alias)} (catalogue: {name})")
            if LEXICON.normalise(alias) != name:
                wrong.append(f"normaliser: {alias} -> {LEXICON.normalise(alias)} (catalogue: {name})")
    assert not wrong, wrong


@pytest.mark.parametrize(("word", "service"), [
    ("剪头发", "理发"), ("铰头发", "理发"), ("剃个头", "理发"),
    ("送饭", "助餐"), ("吃饭", "助餐"), ("老年饭桌", "助餐"),
    ("打扫", "保洁"), ("打扫卫生", "保洁"), ("擦玻璃", "保洁"),
    ("修水管", "维修"), ("通马桶", "维修"), ("换灯泡", "维修"),
    ("量血压", "体检"), ("查身体", "体检"),
    ("陪我去医院", "陪诊"), ("陪着去医院", "陪诊"),
    ("洗澡", "助浴"), ("搓澡", "助浴"),
    ("找律师", "法律咨询"), ("律师", "法律咨询"),
    ("聊聊天解闷", "心理咨询"), ("谈心", "心理咨询"),
    ("活动室", "场地预约"), ("会议室", "场地预约"),
])
def test_everyday_words_map_to_the_ten_services(word: str, service: str) -> None:
    assert SYNONYMS[word] == service
    assert LEXICON.normalise(word) == service


def test_synonym_table_has_no_variant_with_spaces_or_punctuation() -> None:
    """The cleaner runs before the mapper: a variant it would change could never match."""
    assert not [v for v in SYNONYMS if clean_value(v) != v]


def test_every_annotated_service_span_normalises_to_its_annotation() -> None:
    wrong = [(ex.text, ent.text, ent.value, LEXICON.normalise(ent.text))
             for ex in TRAIN["examples"] for ent in ex.entities
             if ent.entity == "service_type" and LEXICON.normalise(ent.text) != ent.value]
    assert not wrong, wrong


# ---------------------------------------------------------------- the normaliser

@pytest.mark.parametrize(("value", "service"), [
    ("理发", "理发"),
    ("理发 ", "理发"),            # trailing space, even without the cleaner
    ("HAIRCUT", "理发"),          # case-insensitive
    ("上门剪头发", "理发"),        # contains a known word: the longest wins
    ("剪头发的", "理发"),
    ("修水管的师傅", "维修"),
    ("活动室的", "场地预约"),
    ("陪我去医院体检", "陪诊"),    # 陪我去医院 (5) beats 体检 (2)
    ("聊聊天解", "心理咨询"),       # inside known words that agree
])
def test_normaliser_maps_near_misses(value: str, service: str) -> None:
    assert LEXICON.normalise(value) == service


def test_a_service_said_for_oneself_is_known_for_another_person() -> None:
    # Only 陪我… is in the data; a daughter says 陪他…, a northern resident 陪俺….
    lexicon = ServiceLexicon.build(["陪诊", "理发"], [("陪我看病", "陪诊"), ("剪头发", "理发")])
    assert lexicon.normalise("陪他看病") == "陪诊"
    assert lexicon.find("找个人陪俺看病") == (3, 7, "陪诊")
    assert lexicon.normalise("陪你看病") is None      # 你 is the butler, not the one to go with
    assert lexicon.normalise("剪他头发") is None      # no 我 in the word: nothing added
    text = "闺女在外地 想找人陪她看病"
    out = normalise_entities([], LEXICON, text=text, intent="book_service")
    assert [(e["value"], text[e["start"]:e["end"]]) for e in out] == [("陪诊", "陪她看病")]


@pytest.mark.parametrize("value", ["火车票", "修", "", "明天下午", "地方"])  # 地方 is only half of 借个地方
def test_normaliser_leaves_unknown_values_alone(value: str) -> None:
    assert LEXICON.normalise(value) is None


def test_normalise_entities_maps_values_and_fills_only_for_booking_intents() -> None:
    entities = [{"entity": "service_type", "value": "上门剪头发", "start": 0, "end": 5},
                {"entity": "time", "value": "明天", "start": 5, "end": 7}]
    out = normalise_entities(entities, LEXICON, text="上门剪头发明天", intent="book_service")
    assert [e["value"] for e in out] == ["理发", "明天"]
    assert out[0]["processors"] == ["ServiceTypeNormalizer"]

    text = "想约个人来家里搓澡"
    filled = normalise_entities([], LEXICON, text=text, intent="book_service")
    assert len(filled) == 1 and filled[0]["value"] == "助浴"
    assert text[filled[0]["start"]:filled[0]["end"]] == "搓澡"

    # a complaint about the shower is not a booking: nothing is added
    assert normalise_entities([], LEXICON, text="洗澡没有热水", intent="file_complaint") == []
    # ...and a service word DIET tagged inside a complaint is dropped
    tagged = [{"entity": "service_type", "value": "洗澡", "start": 7, "end": 9}]
    assert normalise_entities(tagged, LEXICON, text="楼里水压太小了 洗澡都洗不了", intent="file_complaint") == []
    # a booking that already names its service keeps it
    named = [{"entity": "service_type", "value": "助浴", "start": 0, "end": 2}]
    assert normalise_entities(named, LEXICON, text="助浴，还要剪头发", intent="book_service") == named


def test_normalise_entities_keeps_only_one_canonical_value_per_service() -> None:
    entities = [{"entity": "service_type", "value": "会议室", "start": 4, "end": 7},
                {"entity": "service_type", "value": "场地预约", "start": 0, "end": 2},
                {"entity": "service_type", "value": "礼拜六", "start": 8, "end": 11}]
    out = normalise_entities(entities, LEXICON, text="借个场地会议室 礼拜六", intent="book_service")
    assert [e["value"] for e in out] == ["场地预约"]  # mapped once; 礼拜六 is not a service
    # a bare answer to "您想约哪项服务？" names its service too
    filled = normalise_entities([], LEXICON, text="陪着看病", intent="inform")
    assert [e["value"] for e in filled] == ["陪诊"]


def test_lexicon_round_trips_through_json() -> None:
    again = ServiceLexicon.from_json(LEXICON.to_json())
    assert again == LEXICON
    assert sorted(again.canonical) == sorted(SERVICE_TYPES)
