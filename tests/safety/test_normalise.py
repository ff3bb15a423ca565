"""Normalisation: what the cues read, whatever the resident typed or said."""

from __future__ import annotations

import pytest

from assistant.safety import assess, normalise
from assistant.safety.build_pinyin import PINYIN_JSON, build, render


@pytest.mark.parametrize("raw, expected", [
    ("ＨＥＬＰ　ＭＥ！！", "help me"),                     # full-width, upper case
    ("着 火 了 ， 快 来", "着火了,快来"),                   # spaces between Chinese
    ("救命救命救命救命", "救命救命救命救命"),
    ("着火啦啦啦啦", "着火啦啦"),                           # stutter kept twice
    ("嗯 那个那个 煤气 呃 漏了", "煤气漏了"),                # fillers
    ("个细路仔唔见咗", "个细路仔不见了"),                    # Cantonese
    ("𨋢困住咗人", "电梯困住了人"),
    ("阿拉外婆寻伐到了", "阿拉外婆找不到了"),               # Wu
    ("我家着伙了快来救名", "我家着火了快来救命"),            # homophone typos
    ("煤汽泄露了", "煤气泄漏了"),
    ("被困在店梯里", "被困在电梯里"),
    ("zhao huo le", "着火了"),                              # pinyin
    ("jiuming 我爷爷不呼吸了", "救命我爷爷不呼吸了"),
    ("ruguo zhaohuo le 电梯能坐吗", "如果着火了电梯能坐吗"),
    ("楼道。着火了！", "楼道。着火了"),                      # sentence ends kept
])
def test_normalise(raw: str, expected: str):
    assert normalise(raw) == expected


@pytest.mark.parametrize("text", [
    "带着伙伴去公园",        # 着伙 is only 着火 when followed by 了
    "意味着或许要改",
    "我想抽出点时间",        # 抽出 is not a typo of 抽搐
])
def test_homophone_rule_leaves_ordinary_words_alone(text: str):
    assert normalise(text) == text
    assert not assess(text).emergency


@pytest.mark.parametrize("text, kind", [
    ("我家着伙了", "fire"),
    ("救名啊", "general"),
    ("老人晕到了叫不醒", "medical"),
    ("中疯了，嘴歪了", "medical"),
    ("有人在砍人快报精", "violence"),
    ("ranqi xielou le", "gas"),
    ("gas leak 家里 meiqi wei hen da", "gas"),
    ("chu dian le 有人 不动了", "electric_water"),
    ("yeye zou diu le 八十多岁", "missing"),
])
def test_typos_and_pinyin_reach_the_cues(text: str, kind: str):
    verdict = assess(text)
    assert verdict.emergency and kind in verdict.kinds, verdict


def test_run_on_speech_recogniser_text():
    text = "喂你好就是那个我们这个楼道里面有烟很大的烟好像是哪家着火了着火了"
    verdict = assess(text)
    assert verdict.emergency and verdict.kinds == ("fire",)


def test_empty_and_odd_input():
    for text in (None, "", "   ", "。。。", "🔥🔥", "a" * 3000):
        assess(text)  # never raises
    assert not assess("").emergency


def test_stored_pinyin_tables_match_normalise_yml():
    """data/pinyin.json is built from normalise.yml by pypinyin: rebuild it with
    `python -m assistant.safety.build_pinyin` after editing either."""
    assert PINYIN_JSON.read_text(encoding="utf-8") == render(build())


def test_lexicon_files_have_no_duplicate_keys():
    """A repeated key in a flow mapping ({cue: ..., window: 8, window: 20}) would
    silently keep the last value."""
    import yaml

    from assistant.safety.lexicon import DATA

    class Strict(yaml.SafeLoader):
        pass

    def mapping(loader, node, deep=False):
        keys = [loader.construct_object(k, deep=deep) for k, _ in node.value]
        duplicates = {k for k in keys if keys.count(k) > 1}
        assert not duplicates, f"duplicate keys {duplicates} at line {node.start_mark.line + 1}"
        return yaml.SafeLoader.construct_mapping(loader, node, deep)

    Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    for name in ("cues.yml", "suppressors.yml", "normalise.yml"):
        yaml.load((DATA / name).read_text(encoding="utf-8"), Loader=Strict)  # noqa: S506 - SafeLoader subclass
