"""WeChat (issue #17, docs/wechat.md): the 公众号 (Official Account) callback for
residents and the WeCom (企业微信) app for staff, routes of the gateway.

- ``GET /channels/wechat/oa?signature&timestamp&nonce&echostr``: the URL check
  (``echostr`` back unchanged); ``POST /channels/wechat/oa`` a message, plain or in
  safe mode (``encrypt_type=aes&msg_signature``; the reply is encrypted the same way).
  A bad signature is 403 ``bad_signature``, a message for another AppID 403
  ``wrong_receive_id``, XML that is not WeChat's 400 ``bad_message``. With
  ``BUTLER_WECHAT_AES_KEY`` set, a plain callback is 403 ``safe_mode_required``; a
  ``timestamp`` more than 5 minutes from the server's clock is 403 ``stale_timestamp``;
  a signed timestamp + nonce seen before with another body is 403 ``replayed_nonce``
  (WeChat's retries repeat query and body alike, and get the deduplicated answer).
- ``/channels/wechat/work``: WeCom, always encrypted (``assistant/channels/wechat_work.py``).
- Off unless configured: 404 ``wechat_disabled`` until ``BUTLER_WECHAT_TOKEN``
  (公众号) or ``BUTLER_WECOM_TOKEN`` (WeCom) is set.

What the 公众号 does, and only adapts (every rule lives in ``assistant/``):

- text → ``DialogueClient.send_or_degrade`` as ``wechat:<openid>`` (inbox, safety net,
  conversation memory, degraded mode), like every channel;
- the 5-second rule: the reply goes back passively when the dialogue answers within
  ``wechat_reply_seconds`` (4 s); otherwise the callback answers ``success`` at once and
  the reply, when it comes, is queued in the shared outbox (``assistant/outbox``) and
  sent by the customer-service API from there (retried with back-off);
- WeChat retries a callback it got no answer to: each ``MsgId`` (an event: sender +
  ``CreateTime``) is taken once; a retry gets the passive reply again when there was
  one, else ``success``. One message, one dialogue turn;
- buttons become a numbered list (the conversation memory reads a reply of 1/2/3 as
  that choice); long replies are split within WeChat's 2048-byte limit;
- voice (AMR) → our recogniser (``assistant/channels/speech.py``); WeChat's own
  ``Recognition`` only when ours is not installed; neither: 请打字;
- location → the place of a complaint (``metadata["location"]``, as Telegram's);
- image → downloaded by its MediaId, checked and stored by the butler and attached to
  the resident's complaint (``assistant.tickets.attachments``, as Telegram's photos);
- ``subscribe`` → a welcome with the menu; menu ``CLICK`` keys → what the resident
  would have typed (``MENU_KEYS``); ``unsubscribe`` stops pushes;
- pushes: the outbox's ``wechat`` rows (ticket progress, 回访 with a 1–5 score, booking
  reminders, check-in prompts, late answers), delivered by the gateway every
  ``wechat_outbox_seconds``. Outside the 48-hour customer-service window WeChat refuses
  (45015): the row is marked failed with that reason, for staff to follow up.

Logs carry no message text and only masked openids.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
import structlog
from fastapi import APIRouter, Request, Response

from assistant import clock
from assistant.api.errors import ApiError
from assistant.channels import wechat_api
from assistant.channels.wechat_api import WeChatApi, WeChatApiError, WeChatError
from assistant.dialogue import Button, Reply, namespaced_sender
from assistant.privacy import mask_id
from assistant.settings import Settings

log = structlog.get_logger(__name__)

CHANNEL = "wechat"
# A message id is remembered this long (WeChat retries within about 15 s).
DEDUPE_SECONDS = 300
DEDUPE_MAX = 50_000
# Signed (timestamp, nonce, signature) triples seen, with their body's hash: a second
# request with the same triple must carry the same body (WeChat's own retries do).
NONCES_MAX = 50_000
# A pushed list (the 1–5 score) is answered by number within this long.
CHOICE_SECONDS = 30 * 60

MODEL_MISSING_TEXT = "语音识别暂时用不了，请打字告诉我。"
NOT_HEARD_TEXT = "抱歉，这段语音我没听清。请再说一遍，或者打字告诉我。"
SPEEX_TEXT = "这种语音格式我还听不了，请直接按住说话发语音，或者打字告诉我。"
SORRY_TEXT = "抱歉，刚才没处理好。请再说一遍。"
UNSUPPORTED_TEXT = "这类消息我还看不了。请打字或发语音告诉我您的事。"
SHARED_LOCATION_TEXT = "就是这里"
WELCOME_TEXT = ("您好，我是社区管家。报修、投诉、预约服务、问政策，都可以直接发文字或语音告诉我。\n"
                "有紧急情况请直接拨打 119、120 或 110。")
# The account's menu: the EventKey of each CLICK button → what it sends (plain words the
# dialogue understands, or a local command). docs/wechat.md gives the menu's JSON.
MENU = (("COMPLAIN", "我要投诉", "我要投诉"), ("BOOK", "预约服务", "我要预约"),
        ("MY_TICKETS", "我的工单", "cmd:mytickets"), ("MY_BOOKINGS", "我的预约", "cmd:mybookings"),
        ("CHECKIN", "报平安", "报平安"), ("HUMAN", "转人工", "转人工"))
MENU_KEYS = {key: payload for key, _, payload in MENU}
NUMBERED_TITLE = re.compile(r"^([1-9])\s")
DIGIT = re.compile(r"^\s*([1-9])\s*[。.!！]?\s*$")

router = APIRouter(prefix="/channels/wechat", tags=["wechat"], include_in_schema=False)


def wechat_sender(openid: str) -> str:
    return namespaced_sender(CHANNEL, openid)


def oa_enabled(settings: Settings) -> bool:
    return bool(settings.wechat_token)


def work_enabled(settings: Settings) -> bool:
    return bool(settings.wecom_token)


# -- replies as WeChat text ---------------------------------------------------------------
def numbered(buttons: list[Button] | list[dict]) -> tuple[str, dict[str, str]]:
    """Buttons as a numbered text list, and which number sends which payload. Titles
    that are numbers already (the 1–5 score) keep their own."""
    pairs = [(b.title, b.payload) if isinstance(b, Button) else (str(b["title"]), str(b["payload"]))
             for b in buttons]
    if pairs and all(NUMBERED_TITLE.match(title) for title, _ in pairs):
        numbers = {NUMBERED_TITLE.match(title).group(1): payload for title, payload in pairs}
        return "回复数字：" + "，".join(title for title, _ in pairs), numbers
    lines = [f"{i}. {title}" for i, (title, _) in enumerate(pairs, 1)]
    return "回复数字选择：\n" + "\n".join(lines), {str(i): payload for i, (_, payload) in enumerate(pairs, 1)}


def render(replies: list[Reply]) -> str:
    parts = []
    for reply in replies:
        text = (reply.text or "").strip()
        if reply.buttons:
            text = f"{text}\n{numbered(reply.buttons)[0]}".strip()
        if text:
            parts.append(text)
    return "\n\n".join(parts)


# -- the 公众号 ----------------------------------------------------------------------------
@dataclass
class Taken:
    """One message id: its turn, and the passive reply it got (a retry gets it again)."""

    at: float
    sender: str = ""
    passive: str | None = None
    late: bool = False
    task: asyncio.Task | None = None


@dataclass
class OfficialAccount:
    settings: Settings
    dialogue: Any
    speech: Any = None
    api: WeChatApi | None = None
    cipher: wechat_api.Cipher | None = None
    monotonic: Callable[[], float] = time.monotonic
    # The server's wall time, for WeChat's protocol timestamps (not business time).
    wall: Callable[[], float] = time.time
    # (timestamp, nonce, signature) → (when it goes stale, the body's sha256).
    nonces: OrderedDict[tuple[str, str, str], tuple[float, str]] = field(default_factory=OrderedDict)
    taken: OrderedDict[str, Taken] = field(default_factory=OrderedDict)
    # sender → (number → payload, when pushed): a pushed list answered by number.
    choices: dict[str, tuple[dict[str, str], float]] = field(default_factory=dict)
    # A 不满意 score waits for its reason: sender → (ticket id, when asked).
    pending_reason: dict[str, tuple[str, float]] = field(default_factory=dict)
    tasks: set[asyncio.Task] = field(default_factory=set)
    kick: asyncio.Event = field(default_factory=asyncio.Event)
    _db: Any = None

    def __post_init__(self) -> None:
        s = self.settings
        if self.cipher is None and s.wechat_aes_key:  # first: a malformed key raises ValueError (see build)
            self.cipher = wechat_api.Cipher(s.wechat_token, s.wechat_aes_key, s.wechat_app_id)
        if self.api is None and s.wechat_app_id and s.wechat_app_secret:
            self.api = WeChatApi(s.wechat_api_base_url, s.wechat_app_id, s.wechat_app_secret)

    @property
    def db(self):  # noqa: ANN201
        if self._db is None:
            from assistant.db import get_database

            self._db = get_database()
        return self._db

    # -- once per message -----------------------------------------------------------------
    def take(self, key: str) -> Taken | None:
        """A new entry for ``key``, or None when it was taken already (a retry)."""
        now = self.monotonic()
        while self.taken:
            oldest = next(iter(self.taken.values()))
            if now - oldest.at < DEDUPE_SECONDS and len(self.taken) < DEDUPE_MAX:
                break
            self.taken.popitem(last=False)
        if key in self.taken:
            return None
        self.taken[key] = entry = Taken(at=now)
        return entry

    @staticmethod
    def dedupe_key(message: Any) -> str:
        """``msg:<MsgId>``; an event (WeChat's rule: sender + ``CreateTime``) as a hash,
        so the openid reaches neither the outbox's dedupe keys nor the logs."""
        if getattr(message, "type", "") == "event" or not getattr(message, "id", 0):
            raw = f"{message.source}:{getattr(message, 'time', 0)}:{getattr(message, 'event', '')}"
            return "evt:" + hashlib.sha256(raw.encode()).hexdigest()[:32]
        return f"msg:{message.id}"

    # -- replays --------------------------------------------------------------------------
    def check_fresh(self, timestamp: str, nonce: str, signed: str, body: bytes) -> None:
        """After the signature checked out: the timestamp within ``MAX_CLOCK_SKEW`` of
        the wall time, and a (timestamp, nonce, signature) seen before only with the same
        body. WeChat's retries of a message repeat its query and body (its ``MsgId``
        dedupe answers them); a leaked signed query with another body is refused."""
        now = self.wall()
        stamp = wechat_api.check_timestamp(timestamp, now)
        while self.nonces:
            oldest = next(iter(self.nonces.values()))
            if oldest[0] >= now and len(self.nonces) < NONCES_MAX:
                break
            self.nonces.popitem(last=False)
        key, digest = (timestamp, nonce, signed.lower()), hashlib.sha256(body).hexdigest()
        seen = self.nonces.get(key)
        if seen is not None and seen[1] != digest:
            raise wechat_api.ReplayedNonce("this timestamp and nonce came with another message")
        self.nonces[key] = (stamp + wechat_api.MAX_CLOCK_SKEW, digest)

    # -- a callback -----------------------------------------------------------------------
    async def handle(self, message: Any) -> str | None:
        """The passive reply's text for this message, or None (answer ``success``)."""
        key = self.dedupe_key(message)
        entry = self.take(key)
        if entry is None:
            earlier = self.taken[key]
            log.info("wechat_message_repeated", sender=mask_id(message.source, keep=4), running=bool(
                earlier.task and not earlier.task.done()), passive=bool(earlier.passive))
            if earlier.task is not None and not earlier.task.done() and not earlier.late:
                # WeChat gave up on the first request while its turn still runs: this
                # retry waits for the same turn (never a second one).
                return await self._wait(earlier, key)
            return earlier.passive
        sender = wechat_sender(message.source)
        kind = getattr(message, "type", "")
        if kind == "event":
            return await self._event(message, sender, entry, key)
        if kind == "text":
            turn = self._text_turn(sender, (message.content or "").strip())
        elif kind == "voice":
            turn = self._voice_turn(sender, message)
        elif kind == "location":
            where = {"lat": _float(message.location_x), "long": _float(message.location_y),
                     "label": (message.label or "")[:200]}
            turn = self._dialogue_turn(sender, SHARED_LOCATION_TEXT, {"location": where})
        elif kind == "image":
            turn = self._image_turn(sender, message)
        else:
            turn = _constant([Reply(text=UNSUPPORTED_TEXT)])
        return await self.respond(sender, key, entry, turn)

    async def _event(self, message: Any, sender: str, entry: Taken, key: str) -> str | None:
        event = (getattr(message, "event", "") or "").lower()
        if event in ("subscribe", "subscribe_scan"):
            await self._unblock(sender)
            text, numbers = numbered([Button(title, payload) for _, title, payload in MENU])
            self.choices[sender] = (numbers, self.monotonic())
            entry.passive = f"{WELCOME_TEXT}\n{text}"
            return entry.passive
        if event == "unsubscribe":  # pushes stop until they write again (``outbox.unblock``)
            from assistant import outbox

            await anyio.to_thread.run_sync(outbox.block, self.db, sender)
            return None
        if event == "click":
            payload = MENU_KEYS.get(getattr(message, "key", "") or "")
            if payload is None:
                return None
            return await self.respond(sender, key, entry, self._payload_turn(sender, payload))
        return None  # LOCATION reports, VIEW, template results...: nothing to say

    async def respond(self, sender: str, key: str, entry: Taken, turn: Awaitable[list[Reply]]) -> str | None:
        """The 5-second rule: the reply passively when it is ready in time, else
        ``success`` now and the reply through the outbox when it comes."""

        async def run() -> list[Reply]:
            try:
                replies = await turn
            except Exception:  # noqa: BLE001 - send_or_degrade degrades itself; this is the rest
                log.exception("wechat_turn_failed", sender=mask_id(sender, keep=4))
                replies = [Reply(text=SORRY_TEXT)]
            # No await between the check and the caller setting ``late``: one of the two
            # sends the reply, never both.
            if entry.late:
                await self.enqueue_late(sender, key, replies)
            return replies

        entry.sender = sender
        entry.task = task = asyncio.create_task(run())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return await self._wait(entry, key)

    async def _wait(self, entry: Taken, key: str) -> str | None:
        """The turn's reply as the passive answer when it is ready in time, else None."""
        task = entry.task
        assert task is not None
        done, _ = await asyncio.wait({task}, timeout=self.settings.wechat_reply_seconds)
        if entry.passive is not None or entry.late:
            return entry.passive  # the other request of the pair already decided
        if not done:
            entry.late = True
            log.info("wechat_reply_late")
            return None
        replies = task.result()
        text = render(replies)
        if len(text.encode()) <= wechat_api.TEXT_LIMIT_BYTES:
            entry.passive = text or None
            return entry.passive
        entry.late = True  # too long for one passive reply: by the customer-service API
        await self.enqueue_late(entry.sender, key, replies)
        return None

    async def enqueue_late(self, sender: str, key: str, replies: list[Reply]) -> None:
        from assistant import outbox

        text = render(replies)
        if not text:
            return

        def write() -> None:
            # One row per piece within WeChat's limit (a row holds at most outbox.MAX_TEXT),
            # sent in order (same time, rising ids).
            with self.db.transaction() as session:
                for i, piece in enumerate(wechat_api.split_bytes(text)):
                    outbox.enqueue(session, recipient=sender, channel=CHANNEL, text=piece,
                                   dedupe_key=f"wechat:reply:{key}:{i}")

        try:
            await anyio.to_thread.run_sync(write)
        except Exception:  # noqa: BLE001 - the database is down: the answer is lost, say so in the log
            log.exception("wechat_late_reply_not_queued", sender=mask_id(sender, keep=4))
            return
        self.kick.set()

    # -- turns ----------------------------------------------------------------------------
    async def _text_turn(self, sender: str, text: str) -> list[Reply]:
        if not text:
            return []
        await self._unblock(sender)
        handled = await self._answer_to_push(sender, text)
        if handled is not None:
            return handled
        return await self._dialogue_turn(sender, text)

    async def _payload_turn(self, sender: str, payload: str) -> list[Reply]:
        await self._unblock(sender)
        return await self._local_or_dialogue(sender, payload)

    async def _local_or_dialogue(self, sender: str, payload: str) -> list[Reply]:
        from assistant.outbox.tickets import parse_rating_payload

        if payload == "cmd:mytickets":
            from assistant.tickets.service import my_tickets_text

            def read() -> str:
                with self.db.session() as session:
                    return my_tickets_text(session, sender)

            return [Reply(text=await anyio.to_thread.run_sync(read))]
        if payload == "cmd:mybookings":
            from assistant.booking.conversation import upcoming_text

            return [Reply(text=await anyio.to_thread.run_sync(lambda: upcoming_text(self.db, sender)))]
        rating = parse_rating_payload(payload)
        if rating is not None:
            return await self._rate(sender, *rating)
        return await self._dialogue_turn(sender, payload)

    async def _dialogue_turn(self, sender: str, text: str, metadata: dict | None = None) -> list[Reply]:
        return await self.dialogue.send_or_degrade(sender, text, {"channel": CHANNEL, **(metadata or {})})

    async def _answer_to_push(self, sender: str, text: str) -> list[Reply] | None:
        """A number answering a list the butler showed outside the dialogue (the menu,
        a pushed 1–5 score), or the reason after 不满意; else None."""
        from assistant.safety import assess

        now = self.monotonic()
        waiting = self.pending_reason.pop(sender, None)
        if waiting and now - waiting[1] <= CHOICE_SECONDS and not assess(text).emergency:
            from assistant.tickets.feedback import add_reason

            outcome = await anyio.to_thread.run_sync(
                lambda: add_reason(self.db, sender_id=sender, ticket_id=waiting[0], reason=text))
            return [Reply(text=outcome.message)]
        shown = self.choices.pop(sender, None)
        match = DIGIT.match(text)
        if shown and match and now - shown[1] <= CHOICE_SECONDS and match.group(1) in shown[0]:
            return await self._local_or_dialogue(sender, shown[0][match.group(1)])
        return None

    async def _rate(self, sender: str, ticket_id: str, score: int) -> list[Reply]:
        from assistant.tickets.feedback import rate_ticket
        from assistant.tickets.lifecycle import TicketError

        try:
            outcome = await anyio.to_thread.run_sync(
                lambda: rate_ticket(self.db, sender_id=sender, ticket_id=ticket_id, score=score))
        except TicketError as error:
            return [Reply(text=str(error))]
        if outcome.awaiting == "rating_reason":
            self.pending_reason[sender] = (outcome.ticket_id, self.monotonic())
        return [Reply(text=outcome.message)]

    async def _voice_turn(self, sender: str, message: Any) -> list[Reply]:
        """Our recogniser first; WeChat's ``Recognition`` only when ours is not
        installed and theirs is not empty."""
        from assistant.channels.speech import SpeechToTextError, model_installed

        await self._unblock(sender)
        theirs = (getattr(message, "recognition", "") or "").strip()
        if (getattr(message, "format", "") or "").lower() == "speex":
            return await self._dialogue_turn(sender, theirs) if theirs else [Reply(text=SPEEX_TEXT)]
        if not model_installed(self.settings):
            log.info("wechat_voice_no_model", recognition=bool(theirs))
            return await self._dialogue_turn(sender, theirs) if theirs else [Reply(text=MODEL_MISSING_TEXT)]
        if self.api is None or self.speech is None:
            return [Reply(text=MODEL_MISSING_TEXT)]
        try:
            data = await self.api.get_media(message.media_id, self.settings.voice_max_bytes)
        except Exception as error:  # noqa: BLE001 - the download failed: ask again
            log.warning("wechat_media_failed", error=type(error).__name__)
            return [Reply(text=NOT_HEARD_TEXT)]
        try:
            # The recogniser stage of the voice pipeline (decoding AMR with sox, vosk).
            transcript, _ = await anyio.to_thread.run_sync(self.speech._transcribe, data)
        except SpeechToTextError as error:
            log.info("wechat_voice_not_recognised", code=error.code)
            if error.code == "asr_model_missing":
                return await self._dialogue_turn(sender, theirs) if theirs else [Reply(text=MODEL_MISSING_TEXT)]
            return [Reply(text=NOT_HEARD_TEXT)]
        if not transcript:
            return [Reply(text=NOT_HEARD_TEXT)]
        return await self._dialogue_turn(sender, transcript, {"input": "voice"})

    async def _image_turn(self, sender: str, message: Any) -> list[Reply]:
        """A photo: downloaded by its MediaId (never kept as WeChat's URL), checked and
        stored by the butler (``assistant.tickets.attachments``: the sniffed type, the
        size cap, the complaint it joins)."""
        from assistant.tickets.attachments import MAX_BYTES, PHOTO_FAILED_TEXT, receive_photo

        await self._unblock(sender)
        if self.api is None or not getattr(message, "media_id", ""):
            return [Reply(text=PHOTO_FAILED_TEXT)]
        try:
            data = await self.api.get_media(message.media_id, MAX_BYTES)
        except WeChatApiError as error:
            if error.errcode == -2:
                from assistant.tickets.attachments import AttachmentTooLarge

                return [Reply(text=str(AttachmentTooLarge(MAX_BYTES)))]
            log.warning("wechat_media_failed", error=str(error.errcode))
            return [Reply(text=PHOTO_FAILED_TEXT)]
        except Exception as error:  # noqa: BLE001 - the download failed: ask again
            log.warning("wechat_media_failed", error=type(error).__name__)
            return [Reply(text=PHOTO_FAILED_TEXT)]
        answer = await anyio.to_thread.run_sync(lambda: receive_photo(self.db, data, sender_id=sender, channel=CHANNEL,
                                                                      settings=self.settings))
        return [Reply(text=answer)]

    # -- push bookkeeping -----------------------------------------------------------------
    async def _unblock(self, sender: str) -> None:
        from assistant import outbox

        try:
            await anyio.to_thread.run_sync(outbox.unblock, self.db, sender)
        except Exception:  # noqa: BLE001 - the database is down: answer anyway
            log.exception("wechat_unblock_failed", sender=mask_id(sender, keep=4))

    # -- the outbox adapter ---------------------------------------------------------------
    async def push(self, outgoing: Any) -> None:
        """One ``wechat`` outbox row by the customer-service API: its text (buttons as
        a numbered list) in pieces within WeChat's limit."""
        from assistant.outbox import PermanentFailure

        if self.api is None:
            raise PermanentFailure("BUTLER_WECHAT_APP_ID / APP_SECRET are not set")
        openid = outgoing.recipient.split(":", 1)[1]
        text = outgoing.text
        if outgoing.buttons:
            listed, numbers = numbered(outgoing.buttons)
            text = f"{text}\n{listed}"
            self.choices[outgoing.recipient] = (numbers, self.monotonic())
        for piece in wechat_api.split_bytes(text):
            await deliver(self.api, openid, piece)

    async def aclose(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        if self.api is not None:
            await self.api.aclose()


async def deliver(api: WeChatApi, user: str, text: str) -> None:
    """One text by the API, its failures as the outbox understands them."""
    import httpx

    from assistant.outbox import DeliveryError, PermanentFailure, RecipientBlocked

    try:
        await api.send_text(user, text)
    except WeChatApiError as error:
        if error.errcode == 45015:  # outside the 48 h customer-service window
            raise PermanentFailure("45015 outside the customer-service window: staff to follow up") from None
        if error.errcode in (43004, 43019, 81013, 60111):  # not following / blacklisted / no such user
            raise RecipientBlocked(str(error.errcode)) from None
        if error.errcode in (-1, 45009, 45047, 40164, 60020) or error.errcode in wechat_api.TOKEN_EXPIRED:
            raise DeliveryError(str(error)) from None  # busy, quotas, the IP allow-list: later
        raise PermanentFailure(str(error)) from None
    except (httpx.HTTPError, OSError) as error:
        raise DeliveryError(type(error).__name__) from None


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


async def _constant(replies: list[Reply]) -> list[Reply]:
    return replies


# -- the gateway's side -------------------------------------------------------------------
@dataclass
class WeChat:
    """What the routes share (``app.state.wechat``): the 公众号, WeCom, the outbox loop."""

    settings: Settings
    oa: OfficialAccount | None = None
    work: Any = None
    task: asyncio.Task | None = None

    async def deliver_outbox(self) -> Any:
        from assistant import outbox

        adapters: dict[str, outbox.Adapter] = {}
        if self.oa is not None:
            adapters[CHANNEL] = self.oa.push
        if self.work is not None:
            adapters["wecom"] = self.work.push
        db = self.oa.db if self.oa is not None else self.work.db
        if self.work is not None:
            from assistant.channels.wechat_work import sweep_alerts

            now = clock.now()
            await anyio.to_thread.run_sync(lambda: sweep_alerts(db, self.settings, now))
        return await outbox.deliver_due(db, clock.now(), adapters)

    async def outbox_loop(self) -> None:
        kick = self.oa.kick if self.oa is not None else asyncio.Event()
        if self.work is not None:
            self.work.kick = kick
        while True:
            try:
                await self.deliver_outbox()
            except Exception:  # noqa: BLE001 - the next round tries again
                log.exception("wechat_outbox_round_failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(kick.wait(), timeout=self.settings.wechat_outbox_seconds)
            kick.clear()

    async def aclose(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task
        for part in (self.oa, self.work):
            if part is not None:
                await part.aclose()


def build(app: Any) -> WeChat | None:
    """The configured parts. A part whose settings cannot work (a malformed
    EncodingAESKey) is switched off with one error line; the gateway and the other
    channels start anyway."""
    settings: Settings = app.state.settings
    if not (oa_enabled(settings) or work_enabled(settings)):
        return None
    dialogue, speech = getattr(app.state, "dialogue", None), getattr(app.state, "speech", None)
    wechat = WeChat(settings)
    if oa_enabled(settings):
        try:
            wechat.oa = OfficialAccount(settings, dialogue, speech)
        except ValueError as error:
            log.error("wechat_oa_off_misconfigured", setting="BUTLER_WECHAT_AES_KEY", reason=str(error))
    if work_enabled(settings):
        from assistant.channels.wechat_work import WorkApp

        try:
            wechat.work = WorkApp(settings)
        except ValueError as error:
            log.error("wecom_off_misconfigured", setting="BUTLER_WECOM_AES_KEY", reason=str(error))
    if wechat.oa is None and wechat.work is None:
        return None
    return wechat


@contextlib.asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """Inside the gateway's own lifespan (the dialogue client exists): the channel and
    its outbox delivery, when configured."""
    wechat = build(app)
    app.state.wechat = wechat
    if wechat is not None:
        wechat.task = asyncio.create_task(wechat.outbox_loop(), name="wechat-outbox")
        log.info("wechat_started", oa=wechat.oa is not None, work=wechat.work is not None)
    try:
        yield
    finally:
        if wechat is not None:
            await wechat.aclose()


router.lifespan_context = lifespan  # merged into the app's by include_router


def _disabled() -> ApiError:
    return ApiError(404, "wechat_disabled", "WeChat is not configured on this butler")


def _wechat(request: Request) -> WeChat:
    wechat = getattr(request.app.state, "wechat", None)
    if wechat is None:
        raise _disabled()
    return wechat


def _refuse(error: WeChatError, what: str) -> ApiError:
    log.warning("wechat_callback_refused", what=what, code=error.code)
    return ApiError(error.status, error.code, str(error))


def _xml(body: str) -> Response:
    return Response(content=body, media_type="application/xml")


def _success() -> Response:
    return Response(content="success", media_type="text/plain")


@router.get("/oa")
async def oa_verify(request: Request, signature: str = "", timestamp: str = "", nonce: str = "",
                    echostr: str = "") -> Response:
    oa = _wechat(request).oa
    if oa is None:
        raise _disabled()
    try:
        wechat_api.check_signature(oa.settings.wechat_token, signature, timestamp, nonce)
    except WeChatError as error:
        raise _refuse(error, "oa_url_check") from None
    return Response(content=echostr, media_type="text/plain")


@router.post("/oa")
async def oa_message(request: Request, signature: str = "", timestamp: str = "", nonce: str = "",
                     encrypt_type: str = "", msg_signature: str = "") -> Response:
    oa = _wechat(request).oa
    if oa is None:
        raise _disabled()
    body = await request.body()
    encrypted = encrypt_type.lower() == "aes"
    try:
        if encrypted:
            if oa.cipher is None:
                raise wechat_api.SignatureError("safe mode needs BUTLER_WECHAT_AES_KEY")
            xml = oa.cipher.decrypt_body(body, msg_signature, timestamp, nonce)
        else:
            if oa.cipher is not None:  # safe mode configured: the plain signature does not cover the body
                raise wechat_api.SafeModeRequired("safe mode is configured: encrypt_type=aes is required")
            wechat_api.check_signature(oa.settings.wechat_token, signature, timestamp, nonce)
            xml = body
        oa.check_fresh(timestamp, nonce, msg_signature if encrypted else signature, body)
        message = wechat_api.parse(xml)
    except WeChatError as error:
        raise _refuse(error, "oa_message") from None
    try:
        text = await oa.handle(message)
    except Exception:  # noqa: BLE001 - a failure of ours: WeChat must not retry into it
        log.exception("wechat_oa_handler_failed")
        text = None
    if not text:
        return _success()
    reply = wechat_api.text_reply(message, text)
    return _xml(oa.cipher.encrypt(reply, nonce or "0", timestamp or None) if encrypted else reply)


@router.get("/work")
async def work_verify(request: Request, msg_signature: str = "", timestamp: str = "", nonce: str = "",
                      echostr: str = "") -> Response:
    work = _wechat(request).work
    if work is None:
        raise _disabled()
    try:
        plain = work.cipher.decrypt(echostr, msg_signature, timestamp, nonce)
    except WeChatError as error:
        raise _refuse(error, "work_url_check") from None
    return Response(content=plain, media_type="text/plain")


@router.post("/work")
async def work_message(request: Request, msg_signature: str = "", timestamp: str = "", nonce: str = "") -> Response:
    work = _wechat(request).work
    if work is None:
        raise _disabled()
    body = await request.body()
    try:
        xml = work.cipher.decrypt_body(body, msg_signature, timestamp, nonce)
        wechat_api.check_timestamp(timestamp, work.wall())
        message = wechat_api.parse(xml, work=True)
    except WeChatError as error:
        raise _refuse(error, "work_message") from None
    try:
        text = await work.handle(message)
    except Exception:  # noqa: BLE001 - a failure of ours: WeCom must not retry into it
        log.exception("wecom_handler_failed")
        text = None
    if not text:
        return _success()
    return _xml(work.cipher.encrypt(wechat_api.text_reply(message, text, work=True), nonce or "0", timestamp or None))


__all__ = ["CHANNEL", "MENU", "MENU_KEYS", "MODEL_MISSING_TEXT", "OfficialAccount", "WeChat", "deliver",
           "numbered", "render", "router", "wechat_sender"]
