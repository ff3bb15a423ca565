"""Build ``data/service_homophones.json``: for each character of the service words
in the training data, the common characters read the same (toneless pinyin).

    .venv/bin/python -m nlu_components.build_homophones

Residents type by pinyin and speech recognisers write what they hear, so a service
arrives as 维秀 (维修), 陪真 (陪诊) or 里发 (理发). ``ServiceLexicon.sounds_like`` reads
such a word through this table. The table is data because pypinyin lives only in the
application venv (Rasa's venv trains and serves the component); ``tests/nlu`` rebuilds
it in memory and fails when the stored file is out of date with the training data.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
HOMOPHONES_JSON = Path(__file__).parent / "data" / "service_homophones.json"


def _common_chars() -> list[str]:
    """The common hanzi (GB2312), as the safety net's pinyin tables use them."""
    from assistant.safety.build_pinyin import is_common_hanzi

    return [chr(c) for c in range(0x4E00, 0xA000) if is_common_hanzi(chr(c))]


_ANNOTATED = re.compile(r'\[([^\]]+)\](?:\(service_type\)|\{"entity":\s*"service_type"(?:,\s*"value":\s*"([^"]+)")?\})')


def service_words(nlu_dir: Path = ROOT / "nlu_data" / "nlu") -> set[str]:
    """Every word the normaliser can know for a service: synonyms and their
    targets, the ``service_type`` lookup table, annotated spans and their values."""
    words: set[str] = set()
    for path in sorted(nlu_dir.glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            items = [line.strip()[2:].strip() for line in str(block.get("examples") or "").splitlines()
                     if line.strip().startswith("- ")]
            if "synonym" in block:
                words |= {str(block["synonym"]), *items}
            elif block.get("lookup") == "service_type":
                words |= set(items)
            elif "intent" in block:
                for item in items:
                    for span, value in _ANNOTATED.findall(item):
                        words |= {span, value} if value else {span}
    return {w for w in words if w}


def build(words: set[str]) -> dict[str, list[str]]:
    from pypinyin import Style, pinyin  # noqa: PLC0415 - application venv only

    def readings(char: str) -> set[str]:
        return set(pinyin(char, style=Style.NORMAL, heteronym=False)[0])  # main reading only: 的 is de, not di

    by_reading: dict[str, set[str]] = {}
    for char in _common_chars():
        for reading in readings(char):
            by_reading.setdefault(reading, set()).add(char)
    table: dict[str, list[str]] = {}
    for char in sorted({c for w in words for c in w if "\u4e00" <= c <= "\u9fff"}):
        same = set().union(*(by_reading.get(r, set()) for r in readings(char))) - {char}
        if same:
            table[char] = sorted(same)
    return table


def main() -> None:
    table = build(service_words())
    HOMOPHONES_JSON.parent.mkdir(parents=True, exist_ok=True)
    HOMOPHONES_JSON.write_text(json.dumps(table, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
                               encoding="utf-8")
    print(f"{HOMOPHONES_JSON}: {len(table)} characters")


if __name__ == "__main__":
    main()
