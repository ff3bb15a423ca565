"""Emergencies: what to tell the resident at once, and how staff are alerted.

The advice is deliberately short and imperative (elders read it under stress):
the number to call first, then one or two things to do or not to do.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import structlog

from assistant.privacy import mask_name, mask_phone, mask_text
from assistant.settings import Settings, get_settings
from assistant.tickets.models import Ticket

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Hazard:
    kind: str
    words: tuple[str, ...]
    advice: tuple[str, ...]


# Order matters: the first matching hazards' advice comes first. Gas before fire
# because with a gas smell the first rule is "touch no switch", not "call".
HAZARDS: tuple[Hazard, ...] = (
    Hazard("gas", ("燃气", "煤气", "天然气", "液化气", "气味很大", "漏气"), (
        "闻到燃气味：不要开关电灯和电器，不要点火，不要在屋里打电话。",
        "能做到的话打开门窗、关掉燃气总阀，然后马上离开到室外。",
        "到了安全的地方再拨打 119 或燃气抢修电话。",
    )),
    Hazard("fire", ("着火", "起火", "失火", "火灾", "冒烟", "浓烟", "烧起来", "火警"), (
        "着火了请马上拨打 119。",
        "用湿毛巾捂住口鼻，弯腰沿楼梯往下走，不要坐电梯。",
        "火大就别回去拿东西，先离开。",
    )),
    Hazard("electric", ("触电", "漏电", "电线冒火", "电线着", "电箱冒"), (
        "有人触电不要直接用手拉，先关掉电闸或用干木棍挑开电线。",
        "有人受伤请拨打 120，电线起火请拨打 119。",
    )),
    Hazard("elevator", ("电梯困人", "困在电梯", "关在电梯", "电梯里出不来", "被困电梯", "电梯被困"), (
        "被困电梯请按电梯里的警铃，或拨打电梯里贴的救援电话，也可以拨打 119。",
        "不要扒门，不要乱跳，保持冷静等待救援。",
    )),
    Hazard("medical", ("晕倒", "昏倒", "昏迷", "心脏病", "中风", "摔倒", "摔伤", "流血", "出血",
                       "喘不上气", "呼吸困难", "不省人事", "抽搐", "急病", "受伤"), (
        "有人需要急救请马上拨打 120。",
        "不要随意搬动病人，保持呼吸通畅，有人陪着等救护车。",
    )),
    Hazard("collapse", ("塌陷", "坍塌", "倒塌", "塌了", "掉下来"), (
        "马上远离塌陷的地方，提醒路过的人绕开。",
        "有人受伤请拨打 120，需要封路请拨打 110。",
    )),
    Hazard("flood", ("水管爆", "爆管", "大量漏水", "水漫", "淹了"), (
        "先关掉家里水表旁边的总阀门，远离泡水的插座和电器。",
    )),
    Hazard("police", ("抢劫", "打人", "打架", "持刀", "拿刀", "砍人", "入室", "小偷", "绑架", "家暴", "闯进"), (
        "遇到危险请马上拨打 110。",
        "先保证自己安全，离危险的人远一点。",
    )),
)

GENERAL_ADVICE = ("如果有生命危险，请马上拨打 110（报警）、119（火警）或 120（急救）。",)


def emergency_kinds(text: str) -> list[str]:
    return [h.kind for h in HAZARDS if any(w in (text or "") for w in h.words)]


def emergency_advice(text: str) -> list[str]:
    """What to do now, most important first; general numbers when the danger is unclear."""
    lines: list[str] = []
    for hazard in HAZARDS:
        if any(w in (text or "") for w in hazard.words):
            lines += [line for line in hazard.advice if line not in lines]
    return lines or list(GENERAL_ADVICE)


def alert_payload(ticket: Ticket) -> dict:
    """What staff receive: enough to act, personal data masked (a webhook may be a
    group chat)."""
    return {
        "type": "emergency",
        "ticket_id": ticket.id,
        "category": ticket.category,
        "department": ticket.department,
        "urgency": ticket.urgency,
        "description": mask_text(ticket.description),
        "address": ticket.address,
        "lat": ticket.lat,
        "long": ticket.long,
        "contact_name": mask_name(ticket.contact_name),
        "contact_phone": mask_phone(ticket.contact_phone),
        "hazards": emergency_kinds(ticket.description),
        "cues": (ticket.cues or {}).get("urgency", []),
        "created_at": ticket.created_at.isoformat() if ticket.created_at else None,
    }


def send_alert(ticket: Ticket, settings: Settings | None = None, timeout: float = 5.0) -> bool:
    """Alert staff: always on the console log; also POSTed as JSON to
    ``alert_webhook_url`` when set. Returns whether the webhook accepted it. A dead
    webhook never stops the resident's answer: failures are logged, not raised."""
    settings = settings or get_settings()
    payload = alert_payload(ticket)
    log.warning("ticket_emergency_alert", **payload)
    if not settings.alert_webhook_url:
        return False
    try:
        response = httpx.post(settings.alert_webhook_url, json=payload, timeout=timeout)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        log.error("ticket_emergency_webhook_failed", ticket_id=ticket.id, error=str(exc))
        return False
    return True
