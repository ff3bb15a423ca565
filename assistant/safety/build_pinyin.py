"""Build ``data/pinyin.json`` from ``data/normalise.yml`` with pypinyin.

    python -m assistant.safety.build_pinyin

pypinyin takes about two seconds to import and index on this machine, too slow for
a check that runs on every message; its answers for the few phrases the safety net
needs are therefore computed here, once, and stored as data. ``tests/safety``
rebuilds the tables in memory and fails when the stored file is out of date.

Two tables:
- ``homophones``: for each phrase of ``homophones`` in normalise.yml and each of
  its characters that may vary, the common characters (GB2312) sharing its
  toneless reading, fuzzy readings included (zh/z, n/l, -n/-ng...);
- ``pinyin_phrases``: for each phrase, the toneless readings of each character
  (every reading, so 着 is zhao, zhe or zhuo).
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data"
NORMALISE_YML = DATA / "normalise.yml"
PINYIN_JSON = DATA / "pinyin.json"


def is_common_hanzi(char: str) -> bool:
    """A character of GB2312 (the common set an input method offers first)."""
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _fuzzy(syllable: str, pairs: list[list[str]]) -> set[str]:
    """The syllable and its fuzzy variants (initials and finals swapped per pair)."""
    out = {syllable}
    for a, b in pairs:
        for x, y in ((a, b), (b, a)):
            if a in ("zh", "ch", "sh", "z", "c", "s", "n", "l"):  # initials
                if syllable.startswith(x) and not (x in ("z", "c", "s") and syllable[1:2] == "h"):
                    out.add(y + syllable[len(x):])
            elif syllable.endswith(x) and not (x in ("in", "en", "an") and syllable.endswith(x + "g")):
                out.add(syllable[: -len(x)] + y)
    return out


def build() -> dict:
    from pypinyin import Style, lazy_pinyin, pinyin, pinyin_dict
    from pypinyin.contrib.tone_convert import to_normal

    config = yaml.safe_load(NORMALISE_YML.read_text(encoding="utf-8"))
    index: dict[str, set[str]] = {}
    for codepoint, readings in pinyin_dict.pinyin_dict.items():
        char = chr(codepoint)
        if 0x4E00 <= codepoint <= 0x9FFF and is_common_hanzi(char):
            for reading in readings.split(","):
                index.setdefault(to_normal(reading), set()).add(char)

    pairs = config.get("fuzzy_pinyin") or []
    homophones: dict[str, dict] = {}
    for phrase, spec in (config.get("homophones") or {}).items():
        spec = spec or {}
        fixed = set(spec.get("fixed") or [])
        readings = lazy_pinyin(phrase, style=Style.NORMAL)
        positions = {}
        for i, (char, reading) in enumerate(zip(phrase, readings)):
            if char in fixed:
                continue
            chars = set()
            for syllable in _fuzzy(reading, pairs):
                chars |= index.get(syllable, set())
            chars.discard(char)
            positions[str(i)] = "".join(sorted(chars))
        homophones[phrase] = {"positions": positions, "then": spec.get("then"), "after": spec.get("after")}

    phrases: dict[str, list[list[str]]] = {}
    for phrase in config.get("pinyin_phrases") or []:
        contextual = lazy_pinyin(phrase, style=Style.NORMAL)
        every = pinyin(phrase, style=Style.NORMAL, heteronym=True)
        phrases[phrase] = [sorted({c, *alts}) for c, alts in zip(contextual, every)]
    return {"homophones": homophones, "pinyin_phrases": phrases}


def render(tables: dict) -> str:
    return json.dumps(tables, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def main() -> None:
    PINYIN_JSON.write_text(render(build()), encoding="utf-8")
    print(f"wrote {PINYIN_JSON}")


if __name__ == "__main__":
    main()
