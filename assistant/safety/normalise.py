"""Normalise a message before the safety net reads it.

One function, :func:`normalise`, pure and fast (the tables are compiled once, from
``data/normalise.yml`` and ``data/pinyin.json``):

1. NFKC (full-width letters, digits and punctuation become half-width), lower case,
   zero-width characters removed;
2. whole phrases typed in pinyin become Chinese (``jiu ming`` -> 救命,
   ``zhaohuo le`` -> 着火了); English stays English;
3. spaces disappear except between two Latin letters or digits (``help me``); a pause after fear felt now
   (``我好怕 他…``, ``我很害怕啊 …``) becomes a comma first;
4. dialect words with one Mandarin equivalent (咗 -> 了, 冇 -> 没, 𨋢 -> 电梯);
5. listed typos (着伙 -> 着火, 煤汽 -> 煤气, 救名 -> 救命);
6. homophone typos of the commonest cues, by pinyin: a cue typed with one
   character replaced by a character of the same reading (就命, 店梯, 晕到);
7. fillers (嗯, 呃, 那个那个) removed;
8. punctuation: sentence ends become ``。``, everything else ``,``; runs collapse (a title in 《》 has
   become 节目 at step 1: its words are the work's);
9. a character repeated three times or more is kept twice (ASR stutter).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(text: str):
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader, C or Python

DATA = Path(__file__).parent / "data"

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_SENTENCE_END = "。.!?！？;；\n\r"
_CJK = r"\u3400-\u9fff\U00020000-\U0002ffff"


@dataclass(frozen=True)
class _Tables:
    pinyin: tuple[tuple[re.Pattern[str], str], ...]
    replace: re.Pattern[str]
    replacements: dict[str, str]
    homophones: tuple[tuple[re.Pattern[str], str], ...]
    fillers: re.Pattern[str] | None


def _alternation(words) -> re.Pattern[str]:
    ordered = sorted(set(words), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered)))


@cache
def _tables() -> _Tables:
    config = _load_yaml((DATA / "normalise.yml").read_text(encoding="utf-8"))
    built = json.loads((DATA / "pinyin.json").read_text(encoding="utf-8"))

    pinyin = []
    for phrase, readings in sorted(built["pinyin_phrases"].items(), key=lambda kv: -len(kv[0])):
        body = r"\s*'?".join(f"(?:{'|'.join(map(re.escape, alts))})" for alts in readings)
        pinyin.append((re.compile(rf"(?<![a-z]){body}(?![a-z])"), phrase))

    replacements = {**(config.get("dialect") or {}), **(config.get("typos") or {})}
    homophones = []
    for phrase, spec in built["homophones"].items():
        alternatives = []
        for position, chars in spec["positions"].items():
            i = int(position)
            if chars:
                alternatives.append(re.escape(phrase[:i]) + f"[{re.escape(chars)}]" + re.escape(phrase[i + 1:]))
        if alternatives:
            then = f"(?={spec['then']})" if spec.get("then") else ""
            # `after`: words one of which must stand right before the phrase (a fixed-width lookbehind each)
            after = "(?:" + "|".join(f"(?<={re.escape(w)})" for w in spec["after"]) + ")" if spec.get("after") else ""
            homophones.append((re.compile(f"{after}(?:{'|'.join(alternatives)}){then}"), phrase))

    filler_parts = [re.escape(w) for w in sorted(config.get("fillers_words") or [], key=len, reverse=True)]
    if config.get("fillers_chars"):
        filler_parts.append(f"[{re.escape(config['fillers_chars'])}]")
    fillers = re.compile("|".join(filler_parts)) if filler_parts else None
    return _Tables(tuple(pinyin), _alternation(replacements), replacements, tuple(homophones), fillers)


_LATIN_RUN = re.compile(r"[a-z][a-z' ]*[a-z]|[a-z]")
_SPACE_NOT_BETWEEN_LATIN = re.compile(r"(?<![a-z0-9])\s+|\s+(?![a-z0-9])")
_SPACES = re.compile(r"\s+")
# Review 16 (note 29): fear felt now (我好怕 / 我很害怕 / 怕死了) with a spoken pause after it (a space, 啊, 呀)
# ends its clause (我好怕 他拿刀要砍我: the next clause is the event); without one it governs what follows as a
# worry (我好怕孩子摔倒). Kept as a comma before spaces go.
# Round 18: 担心 too (担心 我妈摔倒了: the mother did fall; 担心我妈摔倒 is the worry), not 不用担心/别担心.
_FEAR_NOW_PAUSE = re.compile(
    r"((?:[好很真太挺超]|非常|特别)害?怕|害怕|怕死了|怕得要命|(?<![不别])担心(?:死了)?)(?:[啊呀哇]+\s*|\s+)(?=[\u4e00-\u9fff])")
_REPEATS = re.compile(r"([\u4e00-\u9fff])\1{2,}")
# Round 19: a work's title in 《》 (在看《The Martian》 一个人 stuck 在火星, 《救命》这首歌) is a show, a book or a song: its
# words are the work's, not the resident's. The title becomes 节目, so the show rules read it (a person taken suddenly
# while watching, 刚看完…出来, a fire of one's own said 真) and no cue fires on the title's own words.
_TITLE = re.compile(r"《[^《》]{1,40}》")


def _pinyin_to_chinese(text: str, tables: _Tables) -> str:
    def convert(run: re.Match[str]) -> str:
        chunk = run.group()
        for pattern, phrase in tables.pinyin:
            chunk = pattern.sub(f" {phrase} ", chunk)
        return chunk

    return _LATIN_RUN.sub(convert, text)


def _punctuation(text: str) -> str:
    out = []
    for char in text:
        if char in _SENTENCE_END:
            out.append("。")
        elif char in ",，、:：" or unicodedata.category(char)[0] in "PS" and char not in "'+#%":
            out.append(",")
        else:
            out.append(char)
    text = "".join(out)
    text = re.sub(r"[,。]*。[,。]*", "。", text)
    text = re.sub(r",+", ",", text)
    return text.strip(",。 ")


def normalise(text: str | None) -> str:
    """The message as the safety net's cues read it (see the module docstring)."""
    if not text:
        return ""
    tables = _tables()
    text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).lower()
    text = _TITLE.sub("节目", text)
    text = _pinyin_to_chinese(text, tables)
    text = _FEAR_NOW_PAUSE.sub(r"\1,", text)
    text = _SPACE_NOT_BETWEEN_LATIN.sub("", text)
    text = _SPACES.sub(" ", text)
    text = tables.replace.sub(lambda m: tables.replacements[m.group()], text)
    for pattern, phrase in tables.homophones:
        text = pattern.sub(phrase, text)
    if tables.fillers is not None:
        text = tables.fillers.sub("", text)
    text = _punctuation(text)
    return _REPEATS.sub(r"\1\1", text)
