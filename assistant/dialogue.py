"""The one client of the Rasa server: send a message, parse text, check health.

When Rasa is down or slow the resident still gets an answer: a short apology
with the community's phone number (the degraded path), never an error page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
import structlog

from assistant.settings import Settings

log = structlog.get_logger(__name__)

CHANNELS = ("web", "telegram", "voice", "wyoming")


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


class DialogueClient:
    def __init__(self, settings: Settings, client: httpx.AsyncClient | None = None):
        self.settings = settings
        self._client = client or httpx.AsyncClient(
            base_url=settings.rasa_url, timeout=settings.rasa_timeout,
            limits=httpx.Limits(max_keepalive_connections=32, max_connections=64))

    async def aclose(self) -> None:
        await self._client.aclose()

    async def send(self, sender: str, text: str, metadata: dict | None = None) -> list[Reply]:
        """Send one resident message; raises DialogueUnavailable when Rasa cannot answer."""
        body: dict[str, Any] = {"sender": sender, "message": text}
        if metadata:
            body["metadata"] = metadata
        try:
            resp = await self._client.post("/webhooks/rest/webhook", json=body)
            resp.raise_for_status()
            messages = resp.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("rasa_unavailable", error=type(exc).__name__)
            raise DialogueUnavailable(str(exc)) from exc
        return merge_messages(messages)

    async def send_or_degrade(self, sender: str, text: str, metadata: dict | None = None) -> list[Reply]:
        try:
            return await self.send(sender, text, metadata)
        except DialogueUnavailable:
            return degraded_replies(self.settings)

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
        elif message.get("custom") is not None:
            replies.append(Reply(text="", buttons=buttons, custom=message.get("custom")))
    return replies
