"""Emergencies: what to tell the resident at once, and how staff are alerted.

What counts as an emergency, of which kind, and the advice for it belong to the
safety net (``assistant.safety``: cues, suppressors and advice as data). These
functions keep the ticket flow's interface and delegate to it, so the chat, the
degraded mode and the alert agree on one reading of the message.
"""

from __future__ import annotations

import httpx
import structlog

from assistant.privacy import mask_name, mask_phone, mask_text
from assistant.safety import GENERAL_ADVICE, advice_for, assess
from assistant.settings import Settings, get_settings
from assistant.tickets.models import Ticket

log = structlog.get_logger(__name__)

__all__ = ["GENERAL_ADVICE", "alert_payload", "emergency_advice", "emergency_kinds", "send_alert"]


def emergency_kinds(text: str) -> list[str]:
    """The kinds of emergency the safety net reads in the text, most urgent first."""
    return list(assess(text or "", quiet=True).kinds)


def emergency_advice(text: str) -> list[str]:
    """What to do now, most important first. Called once the message is known to be
    an emergency (the safety net fired, or the classifier said so): when the net
    itself did not fire, the advice follows the cues it set aside, then the general
    numbers."""
    return advice_for(assess(text or "", quiet=True))


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
