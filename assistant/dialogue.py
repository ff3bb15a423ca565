"""The one client of the Rasa server: send a message, parse text, check health.

Every resident message of every channel passes ``DialogueClient.send_or_degrade``:
it is written to the durable inbox (``assistant/inbox``) before anything else, and
its outcome and answer are written back before the resident hears it (one insert,
one update), so nothing acknowledged is lost when a process dies.

The emergency safety net (``assistant.safety``) reads every message before Rasa: its
verdict travels to Rasa as ``metadata["butler_safety"]``, and Rasa's last NLU
component (``nlu_components/safety_net.py``) makes the intent ``emergency``
whatever the classifier said. If the dialogue did not run the emergency path
(Rasa or the action server down, or a reply without the emergency marker), the
gateway runs it itself: advice first, then the ticket and the alert.

When Rasa or the action server is down or too slow, the gateway answers in degraded
mode (``assistant/degraded.py``): the safety net, then keyword rules (a hand-off for
转人工, a ticket for a complaint), else the message is only recorded and replayed
when the engine is back (``assistant/inbox/replay.py``). Never an error page.

When the inbox itself cannot record a message (the database down, or SQLite's write
lock starved past every retry), nothing backs an answer. A caller that can tell the
resident's channel to retry (the HTTP chat API: ``require_record=True``) gets
``InboxUnavailable`` instead of replies, and answers 503 ``inbox_unavailable``: the
message was not acted on and the retry (same Idempotency-Key) runs it. An emergency is
the exception: its advice is given whatever the database says.
"""

from __future__ import annotations

import re

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import anyio
import httpx
import structlog

from assistant.safety import SafetyVerdict, assess
from assistant.settings import Settings

log = structlog.get_logger(__name__)

CHANNELS = ("web", "telegram", "voice", "wyoming", "wechat")
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
    """The apology when even the inbox could not record the message (the database is
    down too): it promises nothing."""
    return [Reply(text=f"抱歉，系统正在维护，暂时答不上来。"
                       f"有急事请打社区电话 {settings.service_phone}（{settings.service_hours}）。"
                       f"紧急情况请直接拨打 110、119 或 120。")]


def _replies_json(replies: list[Reply]) -> list[dict[str, Any]]:
    return [{"text": r.text, **({"custom": r.custom} if r.custom else {})} for r in replies]


def inbox_outcome(replies: list[Reply]) -> tuple[str, str, str | None]:
    """(state, action, ticket id) of a message from the answer it got: an emergency
    path or a degraded-mode action was acted on (never replayed); a message degraded
    mode only recorded waits for the replay; anything else the dialogue answered."""
    from assistant.degraded import DEGRADED_MARKER

    for reply in replies:
        custom = reply.custom or {}
        if isinstance(custom.get(EMERGENCY_MARKER), dict):
            return "answered", "emergency", custom[EMERGENCY_MARKER].get("ticket_id")
    for reply in replies:
        marker = (reply.custom or {}).get(DEGRADED_MARKER)
        if isinstance(marker, dict):
            if marker.get("action") == "recorded":
                return "pending", "recorded", None
            return "answered", str(marker.get("action")), marker.get("ticket_id")
    return "answered", "dialogue", None


class InboxUnavailable(Exception):
    """The inbox could not record a message that is no emergency, so it was neither
    sent to the dialogue nor answered: acknowledging it would promise what nothing on
    disk backs. The channel should ask the resident's client to retry."""


class DialogueUnavailable(Exception):
    """Rasa did not answer in time or answered with an error."""

    def __init__(self, message: str, verdict: SafetyVerdict | None = None):
        super().__init__(message)
        self.verdict = verdict


# Travels with the safety verdict: the message reports a problem and asks for no
# booking (116号楼门口路灯不亮了，电话139…). The classifier, which has seen bookings said
# with a place and a phone, may call such a report book_service; Rasa's last NLU
# component (nlu_components/safety_net.py) then reads it as the complaint it is, when
# no service was named.
REPORT_KEY = "reads_as_report"
_BOOKING_WORDS = re.compile(r"约|订|预定|安排|上门|服务|师傅来|派个人|叫个人")


def reads_as_plain_report(text: str) -> bool:
    from assistant.tickets.intake import reads_as_complaint

    return bool(text) and not text.startswith("/") and not _BOOKING_WORDS.search(text) and reads_as_complaint(text)


# Also travels with the safety verdict: the message asks what became of a report already
# made (通知了没有, 派人了吗, 啥时候来人, 修好了没, 我报的那个咋样了), by the one rule of
# assistant/tickets/asking.py. Such short questions share their words with thanks,
# greetings, good-byes and booking changes; Rasa's NLU component
# nlu_components/ticket_question.py turns those readings into check_ticket.
TICKET_QUESTION_KEY = "asks_about_ticket"


def asks_about_ticket(text: str) -> bool:
    from assistant.tickets.asking import asks_what_was_done

    return bool(text) and not text.startswith("/") and asks_what_was_done(text)


# And: the message cancels or moves a booking, or names one (约的助浴师傅几点到，改到后天吧:
# assistant/tickets/asking.py changes_a_booking). A booking's worker is asked about in a
# report's words (师傅几点来), so the NLU component leaves a cancel or reschedule reading
# of such a message alone instead of answering it with the tickets.
BOOKING_CHANGE_KEY = "changes_booking"


def changes_booking(text: str) -> bool:
    from assistant.tickets.asking import changes_a_booking

    return bool(text) and not text.startswith("/") and changes_a_booking(text)


# And: the message asks to be told how a report ends (有结果了给我回个电话, 修好了发个短信
# 告诉我一声: assistant.tickets.service.asks_to_hear_the_outcome), not for a person now
# (转人工). The classifier hears a call-back as 转人工 and 告诉我一声 as 报平安; the NLU
# component turns those readings into check_ticket too, whose action records the phone
# on the ticket just filed or says honestly how to follow it.
TOLD_KEY = "asks_to_be_told"


def asks_to_be_told_of_report(text: str) -> bool:
    from assistant.tickets.service import asks_to_hear_the_outcome

    return bool(text) and not text.startswith("/") and asks_to_hear_the_outcome(text)


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
                                "metadata": {**without_safety(metadata),
                                             SAFETY_METADATA_KEY: {**verdict.as_metadata(),
                                                                   REPORT_KEY: reads_as_plain_report(text),
                                                                   TICKET_QUESTION_KEY: asks_about_ticket(text),
                                                                   TOLD_KEY: asks_to_be_told_of_report(text),
                                                                   BOOKING_CHANGE_KEY: changes_booking(text)}}}
        try:
            resp = await self._client.post("/webhooks/rest/webhook", json=body)
            resp.raise_for_status()
            messages = resp.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("rasa_unavailable", error=type(exc).__name__)
            raise DialogueUnavailable(str(exc), verdict) from exc
        return merge_messages(messages), verdict

    async def send_or_degrade(self, sender: str, text: str, metadata: dict | None = None, *,
                              idempotency_key: str | None = None, require_record: bool = False) -> list[Reply]:
        """One resident message: written to the inbox, then through the conversation
        helper (choices by number or name, the butler's own slash payloads only, two
        requests in one message: ``assistant.conversation``), which delivers with
        ``deliver_or_degrade``; what became of it is written back before it returns.

        When the inbox cannot record it: an emergency still goes through (advice first);
        anything else raises ``InboxUnavailable`` before it reaches the dialogue if
        ``require_record`` (the caller answers "retry"), else it is answered unrecorded
        (channels that cannot ask for a retry)."""
        from assistant.conversation import converse
        from assistant.db import get_database
        from assistant.inbox import service as inbox

        channel = sender.split(":", 1)[0] if ":" in sender else "web"
        db = get_database()
        try:
            inbox_id: int | None = await anyio.to_thread.run_sync(lambda: inbox.record(
                db, sender_id=sender, text=text, channel=channel, metadata=metadata,
                idempotency_key=idempotency_key))
        except Exception as exc:  # noqa: BLE001 - the database is down: the safety net still answers
            log.exception("inbox_unavailable", sender=sender)
            if require_record and not assess(text).emergency:
                raise InboxUnavailable(f"inbox: {type(exc).__name__}") from exc
            inbox_id = None
        replies = await converse(self, sender, text, metadata)
        state, action, ticket_id = inbox_outcome(replies)
        if inbox_id is None:
            if action == "recorded":  # "已记下" would be a lie: nothing was written
                replies = [r for r in replies if not (r.custom or {}).get("degraded")] or degraded_replies(
                    self.settings)
            return replies
        try:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(lambda: inbox.finish(
                    db, inbox_id, state=state, action=action, reply=_replies_json(replies), ticket_id=ticket_id))
        except Exception:  # noqa: BLE001 - the row stays "received"; the replay hands it over later
            log.exception("inbox_finish_failed", inbox_id=inbox_id)
        return replies

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
        except DialogueUnavailable:
            return await self.degraded(sender, text, metadata)
        if not replies and await self._action_server_down():
            # Rasa answered nothing because its custom action could not run: the
            # message was not acted on, so degraded mode takes it.
            log.warning("action_server_unavailable", sender=sender)
            return await self.degraded(sender, text, metadata)
        if verdict.emergency and not any((r.custom or {}).get(EMERGENCY_MARKER) for r in replies):
            log.error("emergency_path_missing_in_dialogue", sender=sender, kinds=list(verdict.kinds))
            return [*await self._emergency_without_dialogue(sender, text, metadata), *replies]
        return replies

    async def degraded(self, sender: str, text: str, metadata: dict | None = None) -> list[Reply]:
        """The dialogue is down: the safety net, the keyword rules, or only recorded
        (``assistant/degraded.py``)."""
        from assistant import degraded
        from assistant.db import get_database

        outcome = await anyio.to_thread.run_sync(lambda: degraded.respond(
            get_database(), self.settings, sender_id=sender, text=text, metadata=metadata))
        return [Reply(text=line, custom=outcome.marker if i == 0 else None) for i, line in enumerate(outcome.lines)]

    async def _emergency_without_dialogue(self, sender: str, text: str, metadata: dict | None) -> list[Reply]:
        """The emergency path run by the gateway itself (the same domain function the
        dialogue's emergency action calls)."""
        from assistant import degraded
        from assistant.db import get_database

        outcome = await anyio.to_thread.run_sync(lambda: degraded.emergency(
            get_database(), self.settings, sender, text, metadata))
        return [Reply(text=line, custom=outcome.marker if i == 0 else None) for i, line in enumerate(outcome.lines)]

    async def _action_server_down(self) -> bool:
        try:
            resp = await self._client.get(f"{self.settings.action_server_url}/health", timeout=2)
            return resp.status_code != 200
        except httpx.HTTPError:
            return True

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

    async def engine_ready(self) -> bool:
        """Rasa has its model and the action server answers (the replay waits for it)."""
        return not await self.health()


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
