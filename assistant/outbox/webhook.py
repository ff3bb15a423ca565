"""The outbox's webhook channel: messages for people the butler cannot push to (an
elder's emergency contact who is not on a chat app) are queued on channel ``sms``
(recipient ``sms:<phone>``) and POSTed as JSON to a configured webhook (an SMS gateway,
the staff phone desk): ``{"type": "sms", "id", "to", "text", "key"}``. Delivery is
``deliver_due`` with this adapter, so it has the outbox's retries with back-off and its
exactly-one-sender claim; a 4xx other than 408/429 is a permanent refusal.

    enqueue_sms(session, phone=..., text=..., dedupe_key=...)   # in the caller's transaction
    await deliver_webhook_due(db, now, url)                      # the jobs process runs this
"""

from __future__ import annotations

from datetime import datetime

import httpx
import structlog
from sqlalchemy.orm import Session

from assistant.db import Database
from assistant.outbox import (Adapter, DeliveryError, DeliveryRun, Outgoing, PermanentFailure, deliver_due,
                              enqueue)

log = structlog.get_logger(__name__)

SMS_CHANNEL = "sms"


def enqueue_sms(session: Session, *, phone: str, text: str, dedupe_key: str, now: datetime | None = None) -> bool:
    """Queue a message to a phone number for the webhook; False when the key was queued before."""
    return enqueue(session, recipient=f"{SMS_CHANNEL}:{phone}", channel=SMS_CHANNEL, text=text,
                   dedupe_key=dedupe_key, now=now)


def webhook_adapter(url: str, *, timeout: float = 10.0, transport: httpx.AsyncBaseTransport | None = None) -> Adapter:
    """An adapter POSTing each row to ``url``."""

    async def deliver(message: Outgoing) -> None:
        payload = {"type": message.channel, "id": message.id, "to": message.recipient.partition(":")[2],
                   "text": message.text}
        try:
            async with httpx.AsyncClient(timeout=timeout, transport=transport) as client:
                response = await client.post(url, json=payload)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"{type(exc).__name__}") from exc
        _raise_for(response)

    return deliver


def json_webhook_adapter(url: str, *, timeout: float = 10.0,
                         transport: httpx.AsyncBaseTransport | None = None) -> Adapter:
    """An adapter POSTing each row's text, a JSON document queued as it must be sent
    (a staff alert), to ``url``; the same retry rules as ``webhook_adapter``."""

    async def deliver(message: Outgoing) -> None:
        try:
            async with httpx.AsyncClient(timeout=timeout, transport=transport) as client:
                response = await client.post(url, content=message.text.encode(),
                                             headers={"Content-Type": "application/json"})
        except httpx.HTTPError as exc:
            raise DeliveryError(f"{type(exc).__name__}") from exc
        _raise_for(response)

    return deliver


def _raise_for(response: httpx.Response) -> None:
    if response.status_code in (408, 429) or response.status_code >= 500:
        retry = response.headers.get("Retry-After")
        raise DeliveryError(f"HTTP {response.status_code}",
                            retry_after=float(retry) if retry and retry.isdigit() else None)
    if response.status_code >= 400:
        raise PermanentFailure(f"HTTP {response.status_code}")


async def deliver_webhook_due(db: Database, now: datetime | None, url: str, *,
                              transport: httpx.AsyncBaseTransport | None = None) -> DeliveryRun:
    """Deliver the due ``sms`` rows to the webhook (nothing when no webhook is set: the
    rows wait, and the log already carries each message)."""
    if not url:
        return DeliveryRun()
    return await deliver_due(db, now, {SMS_CHANNEL: webhook_adapter(url, transport=transport)})
