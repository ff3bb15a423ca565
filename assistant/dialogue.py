"""The one client of the Rasa server: send a message, parse text, check health.

Every resident message of every channel passes ``DialogueClient.send``, so this is
where the emergency safety net (``assistant.safety``) reads it, before Rasa: its
verdict travels to Rasa as ``metadata["butler_safety"]``, and Rasa's last NLU
component (``nlu_components/safety_net.py``) makes the intent ``emergency``
whatever the classifier said. If the dialogue did not run the emergency path
(Rasa or the action server down, or a reply without the emergency marker), the
gateway runs it itself: advice first, then the ticket and the alert.

When Rasa is down or slow the resident still gets an answer: a short apology
with the community's phone number (the degraded path), never an error page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import anyio
import httpx
import structlog

from assistant.safety import SafetyVerdict, assess
from assistant.settings import Settings

log = structlog.get_logger(__name__)

CHANNELS = ("web", "telegram", "voice", "wyoming")
# The metadata key that carries the safety net's verdict to Rasa. Only the gateway
# may set it: it is removed from whatever a client sends.
SAFETY_METADATA_KEY = "butler_safety"
# The emergency action marks its advice with this key in the reply's custom payload,
# so the gateway knows the dialogue ran the emergency path.
EMERGENCY_MARKER = "emergency"


def namespaced_sender(channel: str, sender_id: str) -> str:
    """Conversations are keyed per channel so a Telegram user and a web user with
    the same id never share one."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel: {channel}")
    return f"{channel}:{sender_id}"


@dataclass
class Button:
    title: str
    payload: str


@dataclass
class Reply:
    text: str
    buttons: list[Button] = field(default_factory=list)
    custom: dict[str, Any] | None = None


def degraded_replies(settings: Settings) -> list[Reply]:
    return [Reply(text=f"抱歉，系统正在维护，暂时答不上来。"
                       f"有急事请打社区电话 {settings.service_phone}（{settings.service_hours}）。"
                       f"紧急情况请直接拨打 110、119 或 120。")]


class DialogueUnavailable(Exception):
    """Rasa did not answer in time or answered with an error."""

    def __init__(self, message: str, verdict: SafetyVerdict | None = None):
        super().__init__(message)
        self.verdict = verdict


def without_safety(metadata: dict | None) -> dict:
    """A client's metadata, minus any attempt to speak for the safety net."""
    return {k: v for k, v in (metadata or {}).items() if k != SAFETY_METADATA_KEY}


class DialogueClient:
    def __init__(self, settings: Settings, client: httpx.AsyncClient | None = None):
        self.settings = settings
        if client is None:
            from assistant.auth.service import rasa_token

            # Rasa's HTTP API (/status, /model/parse, trackers) answers only with its token.
            client = httpx.AsyncClient(
                base_url=settings.rasa_url, timeout=settings.rasa_timeout, params={"token": rasa_token(settings)},
                limits=httpx.Limits(max_keepalive_connections=32, max_connections=64))
        self._client = client

    async def aclose(self) -> None:
        await self._client.aclose()

    async def send(self, sender: str, text: str, metadata: dict | None = None) -> list[Reply]:
        """Send one resident message; raises DialogueUnavailable when Rasa cannot answer."""
        replies, _ = await self._send(sender, text, metadata)
        return replies

    async def _send(self, sender: str, text: str, metadata: dict | None) -> tuple[list[Reply], SafetyVerdict]:
        verdict = assess(text)
        body: dict[str, Any] = {"sender": sender, "message": text,
                                "metadata": {**without_safety(metadata), SAFETY_METADATA_KEY: verdict.as_metadata()}}
        try:
            resp = await self._client.post("/webhooks/rest/webhook", json=body)
            resp.raise_for_status()
            messages = resp.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("rasa_unavailable", error=type(exc).__name__)
            raise DialogueUnavailable(str(exc), verdict) from exc
        return merge_messages(messages), verdict

    async def send_or_degrade(self, sender: str, text: str, metadata: dict | None = None) -> list[Reply]:
        """One resident message through the conversation helper (choices by number or
        name, the butler's own slash payloads only, two requests in one message:
        ``assistant.conversation``), which delivers with ``deliver_or_degrade``."""
        from assistant.conversation import converse

        return await converse(self, sender, text, metadata)

    async def active_loop(self, sender: str) -> str | None:
        """The form Rasa is running for ``sender``, or None."""
        try:
            resp = await self._client.get(f"/conversations/{quote(sender, safe=':')}/tracker", params={"include_events": "NONE"})
            resp.raise_for_status()
            return (resp.json().get("active_loop") or {}).get("name") or None
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            raise DialogueUnavailable(str(exc)) from exc

    async def deliver_or_degrade(self, sender: str, text: str, metadata: dict | None = None) -> list[Reply]:
        """The resident always gets an answer. An emergency the safety net recognised
        gets its advice and its ticket even when the dialogue is down or failed to run
        the emergency path."""
        try:
            replies, verdict = await self._send(sender, text, metadata)
        except DialogueUnavailable as exc:
            if exc.verdict is not None and exc.verdict.emergency:
                return await self._emergency_without_dialogue(sender, text, metadata)
            return degraded_replies(self.settings)
        if verdict.emergency and not any((r.custom or {}).get(EMERGENCY_MARKER) for r in replies):
            log.error("emergency_path_missing_in_dialogue", sender=sender, kinds=list(verdict.kinds))
            return [*await self._emergency_without_dialogue(sender, text, metadata), *replies]
        return replies

    async def _emergency_without_dialogue(self, sender: str, text: str, metadata: dict | None) -> list[Reply]:
        """The emergency path run by the gateway itself (the same domain function the
        dialogue's emergency action calls)."""
        from assistant.db import get_database
        from assistant.tickets.intake import location_from_metadata
        from assistant.tickets.service import respond_to_emergency

        shared = location_from_metadata(metadata or {})
        response = await anyio.to_thread.run_sync(lambda: respond_to_emergency(
            get_database(), text=text, sender_id=sender, lat=shared[0] if shared else None,
            long=shared[1] if shared else None))
        marker = {EMERGENCY_MARKER: {"ticket_id": response.ticket_id, "by": "gateway"}}
        return [Reply(text=line, custom=marker if i == 0 else None) for i, line in enumerate(response.lines)]

    async def parse(self, text: str) -> dict[str, Any]:
        try:
            resp = await self._client.post("/model/parse", json={"text": text})
            resp.raise_for_status()
            return resp.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise DialogueUnavailable(str(exc)) from exc

    async def health(self) -> dict[str, str]:
        """What is missing for the dialogue to work: {} when Rasa has its model
        loaded and the action server answers."""
        missing: dict[str, str] = {}
        try:
            resp = await self._client.get("/status", timeout=5)
            if resp.status_code != 200 or not resp.json().get("model_id"):
                missing["rasa"] = "model not loaded"
        except (httpx.HTTPError, ValueError):
            missing["rasa"] = "not reachable"
        try:
            resp = await self._client.get(f"{self.settings.action_server_url}/health", timeout=5)
            if resp.status_code != 200:
                missing["action_server"] = f"status {resp.status_code}"
        except httpx.HTTPError:
            missing["action_server"] = "not reachable"
        return missing


def merge_messages(messages: list[dict[str, Any]]) -> list[Reply]:
    """Rasa's REST channel answers one JSON object per bot utterance; buttons may
    arrive on their own message. Keep text and buttons together, in order."""
    replies: list[Reply] = []
    for message in messages:
        buttons = [Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
                   for b in message.get("buttons") or []]
        text = message.get("text")
        if text:
            replies.append(Reply(text=text, buttons=buttons, custom=message.get("custom")))
        elif buttons and replies:
            replies[-1].buttons.extend(buttons)
        elif message.get("custom") is not None and replies and replies[-1].custom is None:
            # rasa sends an utterance's text and its custom payload as two messages
            replies[-1].custom = message["custom"]
        elif message.get("custom") is not None:
            replies.append(Reply(text="", buttons=buttons, custom=message.get("custom")))
    return replies
