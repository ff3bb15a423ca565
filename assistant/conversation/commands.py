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


# What residents ask of the butler that it cannot do, said honestly (issue #11: a
# promise depends on a fact the code checks). Read on the paths where the classifier
# could not place the message (misunderstanding, out of scope), so a booking or a
# report that mentions 提醒 or 电话 keeps its own way.

# 明早8点提醒我吃降压药 / 到点了喊我一声 / 帮我记着: a reminder at a time of the resident's own.
REMINDER_RE = re.compile(
    r"提醒(?:我|一下|俺|咱)|(?:叫|喊|催)(?:我|俺)(?:一声|一下)?(?:吃|起|去|喝|量)|到点(?:了)?(?:就)?(?:叫|喊|提醒|告诉|通知)"
    r"|(?:帮我|给我|替我)记(?:着|住|一下)|定个闹钟|设个闹钟|闹钟"
)
REMINDER_TEXT = (
    "抱歉，我没法到点提醒您，这个聊天也不能主动给您发消息。可以在手机上定个闹钟，或者请家人到时候提醒您。"
    "预约社区服务、反映问题、查政策，我都能帮您办。"
)
# 你帮我通知下居委会李主任 / 那你给她打个电话说一声呗: a message carried to someone.
RELAY_RE = re.compile(
    r"(?:给|帮我给|替我给)(?![我俺咱])(?:她|他|主任|书记|物业|居委会|社区|网格员|[\u4e00-\u9fff]{1,4}?)打(?:个|一个)?电话"
    r"|(?:通知|转告|告诉|叫|喊)(?:一?下)?(?:她|他|主任|书记|居委会|物业|网格员|[\u4e00-\u9fff]{1,3}(?:主任|书记|师傅))"
    r"|说一声|带个话|捎个话|传个话"
)


def asks_reminder(text: str) -> bool:
    """明早8点提醒我吃降压药 / 到点了喊我一声: a reminder the butler cannot send."""
    return bool(REMINDER_RE.search(text or "")) and not text.startswith("/")


def asks_relay(text: str) -> bool:
    """给她打个电话说一声 / 通知下居委会李主任: a call or a message the butler cannot make."""
    return bool(RELAY_RE.search(text or "")) and not text.startswith("/")


def relay_text(service_phone: str, service_hours: str, handed_over: bool) -> str:
    """What the butler says to 给她打个电话说一声: it cannot call anyone; what it did do."""
    done = "您找工作人员的事已经登记了，工作人员看到会处理。" if handed_over else "可以帮您转人工，让工作人员处理。"
    return (f"抱歉，我没法替您打电话或者传话。{done}"
            f"着急的话请直接打社区电话 {service_phone}（{service_hours}）。")


# The hand-off asks for a number when staff have none to call (转人工 让他们给我打个电话).
HANDOFF_PHONE_ASK = "留个手机号，工作人员好打给您"


def handoff_phone_question(first_line: str, service_phone: str, service_hours: str) -> str:
    return (f"{first_line}已经帮您登记了。{HANDOFF_PHONE_ASK}；不想留的话，也可以直接打社区电话 "
            f"{service_phone}（{service_hours}）。")


def asked_handoff_phone(last_texts: list[str]) -> bool:
    """The butler's last reply asked for the hand-off's phone."""
    return bool(last_texts) and HANDOFF_PHONE_ASK in last_texts[-1]
