"""Rasa reads a message that starts with "/" as an intent (``/emergency``), not as
words. Only the butler's own buttons may speak that way: a payload of the buttons
it last showed the resident, or of a static menu in the domain files.

Anything else a resident types with a slash is never intent syntax: words after the
slash (/我要投诉) go to the dialogue without it; a bare intent name (/emergency,
/book_service{...}) gets a short answer from the gateway, because the classifier
reads the plain word "emergency" as the emergency intent just as surely."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import re

import structlog
import yaml

from assistant.settings import PROJECT_ROOT

log = structlog.get_logger(__name__)

SLASHES = "/／"
INTENT_SYNTAX_RE = re.compile(r"^[/／]+\s*[A-Za-z_][A-Za-z0-9_.\-]*\s*(?:[{\[].*)?$", re.DOTALL)
NOT_A_COMMAND_TEXT = ("这样的指令我这里用不了。请直接用一句话说您要办的事，比如“预约理发”“路灯坏了”。"
                      "有紧急情况请直接说发生了什么，或者拨打 110、119、120。")


def looks_like_command(text: str) -> bool:
    return text.lstrip().startswith(tuple(SLASHES))


def _payloads(node) -> set[str]:  # noqa: ANN001
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "buttons" and isinstance(value, list):
                found.update(str(b["payload"]).strip() for b in value if isinstance(b, dict) and b.get("payload"))
            else:
                found |= _payloads(value)
    elif isinstance(node, list):
        for item in node:
            found |= _payloads(item)
    return found


@lru_cache
def static_payloads(domain_dir: Path = PROJECT_ROOT / "domain") -> frozenset[str]:
    """Every button payload of the responses in the domain files."""
    found: set[str] = set()
    for path in sorted(Path(domain_dir).glob("*.yml")):
        try:
            found |= _payloads(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
        except (OSError, yaml.YAMLError) as exc:
            log.warning("domain_unreadable", path=str(path), error=str(exc)[:200])
    return frozenset(found)


def is_allowed(text: str, shown_payloads: list[str] | set[str], domain_dir: Path | None = None) -> bool:
    t = text.strip()
    return t in set(shown_payloads) or t in (static_payloads(domain_dir) if domain_dir else static_payloads())


def is_intent_syntax(text: str) -> bool:
    """/emergency, /book_service{"service_type": "理发"}: an intent name, not words."""
    return bool(INTENT_SYNTAX_RE.match(text.strip()))


def neutralise(text: str) -> str:
    """The words after a slash, without it (/我要投诉 -> 我要投诉): Rasa reads them as text."""
    plain = text.strip().lstrip(SLASHES + " ").strip()
    return plain or "？"
