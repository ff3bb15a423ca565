"""Checks on the NLU training data, the held-out dev set and the OOD list.

No Rasa here (application venv): these check the data itself. Whether a model
trained on it meets the targets is measured by `make bench-nlu` (bench/nlu.py).
"""

from __future__ import annotations

import re
from collections import Counter

import jieba
import pytest

from .nlu_files import (
    CONTRACT_INTENTS,
    ENTITIES,
    JIEBA_DIR,
    SERVICE_TYPES,
    TASK_INTENTS,
    BLIND_FILE,
    load_dev,
    load_file,
    load_ood,
    load_training,
    normalise,
)

TRAIN = load_training()
DEV = load_dev()


@pytest.fixture(scope="module")
def tokenizer() -> jieba.Tokenizer:
    # A private tokenizer with exactly what JiebaTokenizer loads: every file in the
    # dictionary directory (config.yml: dictionary_path: nlu_data/jieba).
    tok = jieba.Tokenizer()
    for path in sorted(JIEBA_DIR.iterdir()):
        tok.load_userdict(str(path))
    return tok


def test_every_contract_intent_has_training_examples() -> None:
    counts = Counter(e.intent for e in TRAIN["examples"])
    assert set(counts) == set(CONTRACT_INTENTS)
    for intent in CONTRACT_INTENTS:
        assert counts[intent] >= 30, intent


@pytest.mark.parametrize("intent", TASK_INTENTS)
def test_task_intents_have_at_least_40_examples(intent: str) -> None:
    assert sum(e.intent == intent for e in TRAIN["examples"]) >= 40


def test_no_duplicate_or_contradicting_training_examples() -> None:
    seen: dict[str, str] = {}
    for ex in TRAIN["examples"]:
        key = normalise(ex.text)
        assert key not in seen, f"{ex.text!r} appears twice ({seen.get(key)} / {ex.intent})"
        seen[key] = ex.intent


def test_only_contract_entities_are_annotated() -> None:
    for ex in TRAIN["examples"] + DEV:
        for ent in ex.entities:
            assert ent.entity in ENTITIES, (ex.text, ent.entity)


def test_service_type_annotations_use_canonical_values() -> None:
    for ex in TRAIN["examples"] + DEV:
        for ent in ex.entities:
            if ent.entity == "service_type":
                assert ent.value in SERVICE_TYPES, (ex.text, ent.value)


def test_synonyms_map_to_canonical_values_and_are_unambiguous() -> None:
    target: dict[str, str] = {}
    for canonical, variant in TRAIN["synonyms"]:
        assert canonical in SERVICE_TYPES, canonical
        assert target.setdefault(variant, canonical) == canonical, variant
    # the synonyms the issue names
    for variant, canonical in {
        "剪头发": "理发", "送饭": "助餐", "修水管": "维修", "打扫卫生": "保洁",
        "陪我去医院": "陪诊", "洗澡": "助浴",
    }.items():
        assert target[variant] == canonical
    # an inline annotation never contradicts a synonym block
    for ex in TRAIN["examples"]:
        for ent in ex.entities:
            if ent.entity == "service_type" and ent.text in target:
                assert target[ent.text] == ent.value, ex.text


def test_ticket_regex_matches_ticket_ids_exactly() -> None:
    patterns = [p for name, p in TRAIN["regexes"] if name == "ticket_id"]
    assert patterns
    for ex in TRAIN["examples"]:
        for ent in ex.entities:
            if ent.entity == "ticket_id":
                assert any(re.fullmatch(p, ent.text) for p in patterns), ent.text
    assert not any(re.fullmatch(p, "GD2026112900") for p in patterns)


def test_entity_spans_align_with_jieba_tokens(tokenizer: jieba.Tokenizer) -> None:
    """Rasa drops (with a warning) entity labels that cut through a token."""
    misaligned = []
    for ex in TRAIN["examples"] + DEV + load_file(BLIND_FILE)["examples"]:
        if not ex.entities:
            continue
        starts, ends = set(), set()
        for word, start, end in tokenizer.tokenize(ex.text):
            starts.add(start)
            ends.add(end)
        for ent in ex.entities:
            if ent.start not in starts or ent.end not in ends:
                toks = "/".join(w for w, _, _ in tokenizer.tokenize(ex.text))
                misaligned.append(f"{ex.source}: {ent.text!r} in {toks}")
    assert not misaligned, "\n".join(misaligned)


def test_domain_words_are_single_tokens(tokenizer: jieba.Tokenizer) -> None:
    for word in ["3号楼", "工单", "上门理发", "高龄津贴", "居住证", "剪头发", "老年饭桌"]:
        assert list(tokenizer.cut(word)) == [word]


def test_dev_set_covers_every_intent_and_is_disjoint_from_training() -> None:
    counts = Counter(e.intent for e in DEV)
    for intent in CONTRACT_INTENTS:
        assert counts[intent] >= 15, intent
    train_texts = {normalise(e.text) for e in TRAIN["examples"]}
    leaked = [e.text for e in DEV if normalise(e.text) in train_texts]
    assert not leaked, leaked
    assert any(e.entities for e in DEV if e.intent == "book_service")


def test_blind_set_is_disjoint_from_training_and_dev() -> None:
    blind = load_file(BLIND_FILE)["examples"]
    assert len(blind) >= 100
    seen = {normalise(e.text) for e in TRAIN["examples"] + DEV}
    assert not [e.text for e in blind if normalise(e.text) in seen]


def test_ood_list_is_large_and_disjoint_from_training() -> None:
    ood = load_ood()
    assert len(ood) >= 80
    train_texts = {normalise(e.text) for e in TRAIN["examples"]}
    assert not [t for t in ood if normalise(t) in train_texts]
    dev_texts = {normalise(e.text) for e in DEV}
    assert not [t for t in ood if normalise(t) in dev_texts]
