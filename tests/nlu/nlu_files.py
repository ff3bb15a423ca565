"""Read Rasa NLU YAML (training and dev sets) without Rasa, for data checks.

The checks run in the application venv (Python 3.11), where Rasa cannot be
installed, so this mirrors the small part of Rasa's format the project uses:
`intent` blocks with `[text]{"entity": ..., "value": ...}` annotations,
`synonym`, `regex` and `lookup` blocks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
NLU_DIR = ROOT / "nlu_data" / "nlu"
DEV_FILE = ROOT / "bench" / "nlu_dev.yml"
OOD_FILE = ROOT / "bench" / "nlu_ood.txt"
BLIND_FILE = ROOT / "bench" / "nlu_blind.yml"
JIEBA_DIR = ROOT / "nlu_data" / "jieba"

CONTRACT_INTENTS = (
    "greet goodbye thank affirm deny help repeat request_human ask_policy book_service "
    "cancel_booking query_booking file_complaint check_ticket emergency checkin out_of_scope inform "
    "rate_ticket "  # domain/tickets.yml: a resident's rating of a handled ticket (issue #11)
    "reschedule_booking"  # moving a booking already made (issue #11, actions/booking.py)
).split()
TASK_INTENTS = (
    "ask_policy book_service cancel_booking query_booking file_complaint check_ticket "
    "emergency checkin request_human reschedule_booking"
).split()
SERVICE_TYPES = "理发 助餐 保洁 维修 体检 陪诊 助浴 法律咨询 心理咨询 场地预约".split()
ENTITIES = ("service_type", "ticket_id", "time", "location")

_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\]\{(?P<json>[^}]+)\}")


@dataclass
class Entity:
    start: int
    end: int
    text: str
    entity: str
    value: str


@dataclass
class Example:
    intent: str
    text: str
    entities: list[Entity] = field(default_factory=list)
    source: str = ""


def parse_example(raw: str, intent: str, source: str = "") -> Example:
    """Strip annotations from one example line, keeping entity offsets in the plain text."""
    plain: list[str] = []
    entities: list[Entity] = []
    pos = 0
    length = 0
    for match in _ANNOTATION.finditer(raw):
        before = raw[pos : match.start()]
        plain.append(before)
        length += len(before)
        meta = json.loads("{" + match.group("json") + "}")
        text = match.group("text")
        entities.append(
            Entity(length, length + len(text), text, meta["entity"], str(meta.get("value", text)))
        )
        plain.append(text)
        length += len(text)
        pos = match.end()
    plain.append(raw[pos:])
    return Example(intent, "".join(plain), entities, source)


def _items(block: str) -> list[str]:
    return [line.strip()[2:].strip() for line in block.splitlines() if line.strip().startswith("- ")]


def load_file(path: Path) -> dict[str, list]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: dict[str, list] = {"examples": [], "synonyms": [], "regexes": [], "lookups": []}
    for block in doc.get("nlu", []):
        if "intent" in block:
            out["examples"] += [parse_example(x, block["intent"], path.name) for x in _items(block["examples"])]
        elif "synonym" in block:
            out["synonyms"] += [(block["synonym"], x) for x in _items(block["examples"])]
        elif "regex" in block:
            out["regexes"] += [(block["regex"], x) for x in _items(block["examples"])]
        elif "lookup" in block:
            out["lookups"] += [(block["lookup"], x) for x in _items(block["examples"])]
    return out


def load_training() -> dict[str, list]:
    merged: dict[str, list] = {"examples": [], "synonyms": [], "regexes": [], "lookups": []}
    for path in sorted(NLU_DIR.glob("*.yml")):
        for key, values in load_file(path).items():
            merged[key] += values
    return merged


def load_dev() -> list[Example]:
    return load_file(DEV_FILE)["examples"]


def load_ood() -> list[str]:
    return [line.strip() for line in OOD_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]


def normalise(text: str) -> str:
    """Compare sentences ignoring punctuation, spaces and case."""
    return re.sub(r"[\s，。！？、,.!?~～…：:；;]", "", text).lower()
