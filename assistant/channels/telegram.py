"""The Telegram bot (issue #15): residents reach the butler from the chat app.

A python-telegram-bot 22 ``Application`` (``build_application``) pointed at
``settings.telegram_api_base_url`` / ``telegram_file_base_url`` (Telegram's own Bot
API, a self-hosted one, or the tests' loopback stand-in). ``serve`` runs it the one
way production and the tests run it (``running``): long polling, or webhook mode when
``telegram_webhook_url`` is set (a small Starlette app checking
``X-Telegram-Bot-Api-Secret-Token``, as in PTB's custom-webhook example).

What the bot does, and only adapts (every rule lives in ``assistant/``):

- text → ``DialogueClient.send_or_degrade`` as ``telegram:<user id>`` (inbox, safety
  net, conversation memory, degraded mode); replies with buttons become inline
  keyboards; a pressed button sends its payload; long replies are split at sentence
  boundaries; in a group the bot answers only when mentioned (or replied to);
- voice notes (OGG/Opus) → the speech pipeline (``assistant/channels/speech.py``) →
  the replies as text and a ``sendVoice`` (OGG/Opus); no ASR model → 请打字;
- commands /start /help /mytickets /mybookings /checkin /human /elderly;
- a shared location → the complaint's location (metadata for the dialogue); a photo
  (its largest size within the cap) or an image sent as a file → downloaded and
  stored by the butler (``assistant.tickets.attachments``: type sniffed, size capped,
  attached to the resident's complaint, never a link to Telegram's servers); a
  caption is read as text;
- pushed messages: the ``telegram`` rows of the shared outbox (``assistant/outbox``:
  a ticket's 派单 / 已办结 / 回访 with 1–5 rating buttons, stored by
  ``assistant.tickets.feedback.rate_ticket``), delivered by a periodic task;
- robustness: each ``update_id`` is taken once (``telegram_updates``); a per-chat
  rate limit; Bot API errors, timeouts, 429 ``retry_after`` and a Bot API server
  that restarts never end the bot; logs carry no message text and masked ids.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import secrets
import time
import wave
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

import anyio
import structlog
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ChatType, MessageEntityType
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from assistant import clock
from assistant.dialogue import Button, DialogueClient, Reply, namespaced_sender
from assistant.privacy import mask_id
from assistant.settings import Settings

log = structlog.get_logger(__name__)
T = TypeVar("T")

# Telegram's limit is 4096 characters a message; shorter messages read better on a phone.
HARD_LIMIT = 4096
SOFT_LIMIT = 1200
# callback_data is at most 64 bytes.
CALLBACK_LIMIT = 64
OUTBOX_INTERVAL = 5.0
SEND_ATTEMPTS = 4
MAX_RETRY_AFTER = 60.0
KEEP_UPDATE_IDS = timedelta(days=7)
POLL_TIMEOUT = 30

MODEL_MISSING_TEXT = "语音识别暂时用不了，请打字告诉我。"
NOT_HEARD_TEXT = "抱歉，这段语音我没听清。请再说一遍，或者打字告诉我。"
TOO_LONG_TEXT = "语音太长了，请说短一点（一分钟以内），或者打字告诉我。"
RATE_LIMITED_TEXT = "您发得太快了，请过一分钟再发。"
SORRY_TEXT = "抱歉，刚才没处理好。请再说一遍。"
# What a shared location says, with the coordinates as metadata (the complaint form's answer).
SHARED_LOCATION_TEXT = "就是这里"
WELCOME_TEXT = ("您好，我是社区管家。报修、投诉、预约服务、问政策，都可以直接跟我说，也可以发语音。\n"
                "有紧急情况请直接拨打 119、120 或 110。")
HELP_TEXT = ("直接打字或发语音告诉我您的事就行。常用命令：\n"
             "/mytickets 我的工单和进度\n"
             "/mybookings 我的预约\n"
             "/checkin 报平安\n"
             "/human 转人工\n"
             "/elderly 打开或关闭长辈模式（语音慢一点）\n"
             "/help 看这段说明")
# /start's menu: what each button sends (plain words the dialogue understands, or a local command).
MENU = (("我要投诉", "我要投诉"), ("预约服务", "我要预约"), ("我的工单", "cmd:mytickets"),
        ("我的预约", "cmd:mybookings"), ("报平安", "报平安"), ("转人工", "转人工"))
SENTENCE_END = re.compile(r"(?<=[。！？!?；;…\n])")
CLAUSE_END = re.compile(r"(?<=[，,、：:])")


# -- pure helpers -------------------------------------------------------------------------
def split_text(text: str, limit: int = SOFT_LIMIT) -> list[str]:
    """``text`` in pieces of at most ``limit`` (≤ 4096) characters, cut after a
    sentence's end where possible, else after a clause, else hard."""
    limit = min(limit, HARD_LIMIT)
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    pieces: list[str] = []
    for sentence in (s for s in SENTENCE_END.split(text) if s):
        if len(sentence) <= limit:
            pieces.append(sentence)
            continue
        for clause in (c for c in CLAUSE_END.split(sentence) if c):
            pieces.extend(clause[i:i + limit] for i in range(0, len(clause), limit))
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + len(piece) > limit:
            chunks.append(current)
            current = ""
        current += piece
    if current:
        chunks.append(current)
    return [c.strip() for c in chunks if c.strip()]


def telegram_sender(user_id: int) -> str:
    return namespaced_sender("telegram", str(user_id))


def retry_after_seconds(error: RetryAfter) -> float:
    value: Any = error.retry_after
    return float(value.total_seconds() if isinstance(value, timedelta) else value)


def wav_to_ogg_opus(wav_bytes: bytes) -> bytes:
    """A mono 16-bit WAV (the TTS output) as OGG/Opus, what ``sendVoice`` wants."""
    from voice.audio import encode_ogg_opus

    with wave.open(io.BytesIO(wav_bytes)) as wav:
        pcm, rate = wav.readframes(wav.getnframes()), wav.getframerate()
    return encode_ogg_opus(pcm, rate)


class ChatRateLimiter:
    """At most ``per_minute`` updates a chat in any 60 seconds; the first refused one
    of a burst gets told (``should_warn``), the rest are dropped quietly."""

    def __init__(self, per_minute: int, window: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window = window
        self._seen: dict[int, deque[float]] = {}
        self._warned: dict[int, float] = {}

    def allow(self, chat_id: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        seen = self._seen.setdefault(chat_id, deque())
        while seen and now - seen[0] >= self.window:
            seen.popleft()
        if len(seen) >= self.per_minute:
            return False
        seen.append(now)
        self._warned.pop(chat_id, None)
        if len(self._seen) > 10_000:  # forget idle chats
            for key in [k for k, v in self._seen.items() if not v or now - v[-1] >= self.window][:5_000]:
                self._seen.pop(key, None)
        return True

    def should_warn(self, chat_id: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        if now - self._warned.get(chat_id, -1e9) < self.window:
            return False
        self._warned[chat_id] = now
        return True


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Updates of different chats are handled concurrently (one resident's slow
    dialogue turn does not hold up the others); a chat's own updates one at a time,
    in order (a conversation is a sequence)."""

    def __init__(self, max_concurrent_updates: int = 32) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[object, tuple[asyncio.Lock, list[int]]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = getattr(update, "effective_chat", None) if isinstance(update, Update) else None
        key = chat.id if chat is not None else None
        lock, users = self._locks.setdefault(key, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                await coroutine
        finally:
            users[0] -= 1
            if users[0] == 0:
                self._locks.pop(key, None)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


# -- the database side (blocking: called from worker threads) -----------------------------
def take_update(db, update_id: int, sender: str | None) -> bool:  # noqa: ANN001
    """Record ``update_id``; False when it was already taken (delivered twice). A
    resident who writes again may be pushed to again (``outbox.unblock``)."""
    from sqlalchemy.exc import IntegrityError

    from assistant import outbox
    from assistant.outbox.models import TelegramUpdate

    try:
        with db.transaction() as session:
            session.add(TelegramUpdate(update_id=update_id, received_at=clock.now()))
    except IntegrityError:
        return False
    if sender and outbox.is_blocked(db, sender):  # a read first: most senders never blocked the bot
        outbox.unblock(db, sender)
    return True


def forget_old_updates(db) -> int:  # noqa: ANN001
    from sqlalchemy import delete

    from assistant.outbox.models import TelegramUpdate

    with db.transaction() as session:
        result = session.execute(delete(TelegramUpdate).where(TelegramUpdate.received_at < clock.now() - KEEP_UPDATE_IDS))
        return result.rowcount or 0


# -- the bot ------------------------------------------------------------------------------
@dataclass
class Butler:
    """What the handlers share (``application.bot_data["butler"]``)."""

    settings: Settings
    dialogue: DialogueClient
    outbox_interval: float = OUTBOX_INTERVAL
    limiter: ChatRateLimiter = field(init=False)
    # Payloads too long for callback_data, by a short key (the title is the fallback).
    payloads: OrderedDict[str, str] = field(default_factory=OrderedDict)
    # A 不满意 rating waits for its reason: sender → (ticket id, when asked).
    pending_reason: dict[str, tuple[str, float]] = field(default_factory=dict)
    outbox_task: asyncio.Task | None = None
    _pipeline: Any = None
    _db: Any = None

    def __post_init__(self) -> None:
        self.limiter = ChatRateLimiter(self.settings.telegram_chat_rate_per_minute)

    @property
    def db(self):  # noqa: ANN201
        if self._db is None:
            from assistant.db import get_database

            self._db = get_database()
        return self._db

    @property
    def pipeline(self):  # noqa: ANN201
        if self._pipeline is None:
            from assistant.channels.speech import SpeechPipeline

            self._pipeline = SpeechPipeline(self.settings, self.dialogue)
        return self._pipeline

    # -- buttons ------------------------------------------------------------------------
    def callback_data(self, button: Button) -> str:
        data = f"p:{button.payload}"
        if len(data.encode()) <= CALLBACK_LIMIT:
            return data
        key = secrets.token_hex(6)
        self.payloads[key] = button.payload
        while len(self.payloads) > 20_000:
            self.payloads.popitem(last=False)
        return f"k:{key}"

    def keyboard(self, buttons: list[Button]) -> InlineKeyboardMarkup | None:
        if not buttons:
            return None
        row_size = 1 if any(len(b.title) > 8 for b in buttons) else 2
        rows = [[InlineKeyboardButton(b.title[:64], callback_data=self.callback_data(b))
                 for b in buttons[i:i + row_size]] for i in range(0, len(buttons), row_size)]
        return InlineKeyboardMarkup(rows)

    def payload_of(self, data: str, message: Message | None) -> str | None:
        """What a pressed button sends: its payload; for a payload this process no
        longer remembers, the button's title (the conversation reads a shown
        choice's name as that choice)."""
        if data.startswith("p:"):
            return data[2:]
        if data.startswith("k:") and data[2:] in self.payloads:
            return self.payloads[data[2:]]
        markup = getattr(message, "reply_markup", None)
        for row in getattr(markup, "inline_keyboard", ()) or ():
            for button in row:
                if button.callback_data == data:
                    return button.text
        return None

    # -- calling the Bot API ------------------------------------------------------------
    async def api(self, call: Callable[[], Awaitable[T]], what: str) -> T | None:
        """One Bot API call that never raises: 429 waits ``retry_after``, timeouts and
        server errors are retried with back-off, refusals are logged and dropped."""
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                return await call()
            except RetryAfter as error:
                wait = min(retry_after_seconds(error), MAX_RETRY_AFTER)
                log.warning("telegram_flood_wait", what=what, seconds=wait, attempt=attempt)
                await asyncio.sleep(wait)
            except (Forbidden, BadRequest, InvalidToken) as error:
                log.warning("telegram_refused", what=what, error=type(error).__name__)
                return None
            except (TimedOut, NetworkError) as error:
                log.warning("telegram_api_error", what=what, error=type(error).__name__, attempt=attempt)
                if attempt < SEND_ATTEMPTS:
                    await asyncio.sleep(min(2 ** (attempt - 1), 8))
            except TelegramError as error:
                log.warning("telegram_error", what=what, error=type(error).__name__)
                return None
        log.error("telegram_gave_up", what=what)
        return None

    async def send_text(self, bot, chat_id: int, text: str, buttons: list[Button] | None = None) -> None:  # noqa: ANN001
        chunks = split_text(text) or (["请选择："] if buttons else [])
        for i, chunk in enumerate(chunks):
            markup = self.keyboard(buttons or []) if i == len(chunks) - 1 else None
            await self.api(lambda c=chunk, m=markup: bot.send_message(chat_id=chat_id, text=c, reply_markup=m),
                           "sendMessage")

    async def send_replies(self, bot, chat_id: int, replies: list[Reply]) -> None:  # noqa: ANN001
        for reply in replies:
            if reply.text or reply.buttons:
                await self.send_text(bot, chat_id, reply.text, reply.buttons)

    async def converse(self, update: Update, context: ContextTypes.DEFAULT_TYPE, text: str,
                       metadata: dict | None = None) -> list[Reply]:
        """One resident message through the whole chat path, answered in the chat."""
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return []
        sender = telegram_sender(user.id)
        await self.api(lambda: context.bot.send_chat_action(chat_id=chat.id, action=ChatAction.TYPING),
                       "sendChatAction")
        try:
            replies = await self.dialogue.send_or_degrade(
                sender, text, {"channel": "telegram", "chat_type": chat.type, **(metadata or {})})
        except Exception:  # noqa: BLE001 - send_or_degrade degrades itself; this is the rest
            log.exception("telegram_dialogue_failed", chat=mask_id(chat.id))
            replies = [Reply(text=SORRY_TEXT)]
        await self.send_replies(context.bot, chat.id, replies)
        return replies

    # -- the outbox ---------------------------------------------------------------------
    async def push(self, bot, outgoing) -> None:  # noqa: ANN001
        """The outbox adapter: one row as one message (buttons as a keyboard)."""
        from assistant.outbox import DeliveryError, PermanentFailure, RecipientBlocked

        chat_id = int(outgoing.recipient.split(":", 1)[1])
        buttons = [Button(title=b["title"], payload=b["payload"]) for b in outgoing.buttons]
        try:
            await bot.send_message(chat_id=chat_id, text=outgoing.text[:HARD_LIMIT], reply_markup=self.keyboard(buttons))
        except Forbidden as error:
            raise RecipientBlocked(type(error).__name__) from None
        except RetryAfter as error:
            raise DeliveryError("flood control", retry_after=retry_after_seconds(error)) from None
        except BadRequest as error:
            raise PermanentFailure(str(error)[:120]) from None
        except (TimedOut, NetworkError) as error:
            raise DeliveryError(type(error).__name__) from None

    async def deliver_outbox(self, bot) -> Any:  # noqa: ANN001
        from assistant.outbox import deliver_due

        return await deliver_due(self.db, clock.now(), {"telegram": lambda out: self.push(bot, out)})

    def housekeeping(self) -> None:
        """Now and then: forget old update ids. (Photos that never met their complaint
        are the jobs process's ``attachments-cleanup``.)"""
        forget_old_updates(self.db)

    async def outbox_loop(self, bot) -> None:  # noqa: ANN001
        rounds = 0
        while True:
            try:
                await self.deliver_outbox(bot)
                if rounds % 720 == 0:
                    await anyio.to_thread.run_sync(self.housekeeping)
            except Exception:  # noqa: BLE001 - the next round tries again
                log.exception("telegram_outbox_round_failed")
            rounds += 1
            await asyncio.sleep(self.outbox_interval)


def _butler(context: ContextTypes.DEFAULT_TYPE) -> Butler:
    return context.application.bot_data["butler"]


# -- handlers -----------------------------------------------------------------------------
async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Before any handler: each update once, then the per-chat rate limit."""
    butler = _butler(context)
    user = update.effective_user
    sender = telegram_sender(user.id) if user else None
    try:
        first = await anyio.to_thread.run_sync(take_update, butler.db, update.update_id, sender)
    except Exception:  # noqa: BLE001 - the database is down: answer anyway (the inbox degrades too)
        log.exception("telegram_update_not_recorded", update_id=update.update_id)
        first = True
    if not first:
        log.info("telegram_update_repeated", update_id=update.update_id)
        raise ApplicationHandlerStop
    chat = update.effective_chat
    if chat is not None and not butler.limiter.allow(chat.id):
        log.warning("telegram_rate_limited", chat=mask_id(chat.id))
        if butler.limiter.should_warn(chat.id):
            await butler.api(lambda: context.bot.send_message(chat_id=chat.id, text=RATE_LIMITED_TEXT), "sendMessage")
        raise ApplicationHandlerStop


def addressed_text(message: Message, bot_username: str | None, bot_id: int) -> str | None:
    """In a group: the text without the bot's @mention when the bot is mentioned or
    replied to, else None. In a private chat: the text."""
    text = message.text or ""
    if message.chat.type == ChatType.PRIVATE:
        return text
    reply_to = message.reply_to_message
    addressed = bool(reply_to and reply_to.from_user and reply_to.from_user.id == bot_id)
    handle = f"@{bot_username}".lower() if bot_username else None
    for entity, value in message.parse_entities([MessageEntityType.MENTION, MessageEntityType.TEXT_MENTION]).items():
        if (entity.type == MessageEntityType.MENTION and handle and value.lower() == handle) or (
                entity.type == MessageEntityType.TEXT_MENTION and entity.user and entity.user.id == bot_id):
            addressed = True
            text = text.replace(value, " ")
    return text.strip() if addressed else None


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    butler, message = _butler(context), update.effective_message
    if message is None or update.effective_user is None:
        return
    text = addressed_text(message, context.bot.username, context.bot.id)
    if not text:
        return
    sender = telegram_sender(update.effective_user.id)
    if await _reason_for_rating(butler, update, context, sender, text):
        return
    await butler.converse(update, context, text)


async def _reason_for_rating(butler: Butler, update: Update, context: ContextTypes.DEFAULT_TYPE, sender: str,
                             text: str) -> bool:
    """After 不满意 from a rating button the butler asked why: this text is the reason."""
    from assistant.safety import assess
    from assistant.tickets.feedback import ANSWER_WAIT, add_reason

    waiting = butler.pending_reason.pop(sender, None)
    if waiting is None or time.monotonic() - waiting[1] > ANSWER_WAIT.total_seconds() or assess(text).emergency:
        return False
    try:
        outcome = await anyio.to_thread.run_sync(lambda: add_reason(butler.db, sender_id=sender, ticket_id=waiting[0],
                                                                    reason=text))
    except Exception:  # noqa: BLE001 - not recordable as a reason: the dialogue takes the text
        log.exception("telegram_rating_reason_failed")
        return False
    await butler.send_text(context.bot, update.effective_chat.id, outcome.message)
    return True


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared location (private chats): the place of what the resident is reporting
    (the complaint form and the emergency path read ``metadata["location"]``)."""
    message = update.effective_message
    if message is None or message.location is None or message.chat.type != ChatType.PRIVATE:
        return
    where = {"lat": message.location.latitude, "long": message.location.longitude}
    await _butler(context).converse(update, context, SHARED_LOCATION_TEXT, {"location": where})


def _photo_choice(message: Message, limit: int) -> tuple[str | None, str | None]:
    """(file id, None) of what to download, or (None, why not): a photo's largest size
    within ``limit``; an image document within it."""
    from assistant.tickets.attachments import AttachmentTooLarge, AttachmentTypeRefused, allowed_declared_type

    if message.photo:
        fitting = [p for p in message.photo if not p.file_size or p.file_size <= limit]
        if not fitting:
            return None, str(AttachmentTooLarge(limit))
        return max(fitting, key=lambda p: (p.width * p.height, p.file_size or 0)).file_id, None
    document = message.document
    if document is None:
        return None, None
    if not allowed_declared_type(document.mime_type):
        return None, str(AttachmentTypeRefused())
    if document.file_size and document.file_size > limit:
        return None, str(AttachmentTooLarge(limit))
    return document.file_id, None


async def on_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A photo (or an image sent as a file) in a private chat: downloaded, checked and
    stored by the butler (``assistant.tickets.attachments``: the sniffed type, the size
    cap, the ticket it joins); nothing of Telegram's (URL, file id) is kept. A
    caption is then read as text."""
    from assistant.tickets.attachments import (MAX_BYTES, PHOTO_FAILED_TEXT, PHOTO_PENDING_TEXT, PHOTO_RECEIVED,
                                               AttachmentTooLarge)

    butler, message, user = _butler(context), update.effective_message, update.effective_user
    if message is None or user is None or message.chat.type != ChatType.PRIVATE:
        return  # a group's photos are for the people in it
    chat_id, sender = message.chat_id, telegram_sender(user.id)
    file_id, refusal = _photo_choice(message, MAX_BYTES)
    answer = refusal
    if file_id is not None:
        telegram_file = await butler.api(lambda: context.bot.get_file(file_id), "getFile")
        if telegram_file is not None and telegram_file.file_size and telegram_file.file_size > MAX_BYTES:
            answer = str(AttachmentTooLarge(MAX_BYTES))
        else:
            data = await butler.api(lambda: telegram_file.download_as_bytearray(), "downloadFile") \
                if telegram_file else None
            answer = await _store_photo(butler, bytes(data), sender) if data else PHOTO_FAILED_TEXT
    caption = (message.caption or "").strip()
    if caption and answer == PHOTO_PENDING_TEXT:
        answer = PHOTO_RECEIVED + "。"  # the caption's own answer follows
    if answer:
        await butler.send_text(context.bot, chat_id, answer)
    if caption and not await _reason_for_rating(butler, update, context, sender, caption):
        await butler.converse(update, context, caption)


async def _store_photo(butler: Butler, data: bytes, sender: str) -> str:
    from assistant.tickets.attachments import receive_photo

    return await anyio.to_thread.run_sync(lambda: receive_photo(butler.db, data, sender_id=sender,
                                                                channel="telegram", settings=butler.settings))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    from assistant.outbox.tickets import parse_rating_payload

    butler, query = _butler(context), update.callback_query
    if query is None or update.effective_chat is None:
        return
    await butler.api(lambda: query.answer(), "answerCallbackQuery")
    message = query.message if isinstance(query.message, Message) else None
    if message is not None:  # one press per keyboard
        await butler.api(lambda: message.edit_reply_markup(reply_markup=None), "editMessageReplyMarkup")
    payload = butler.payload_of(query.data or "", message)
    rating = parse_rating_payload(payload or "")
    if rating is not None:
        await _rate(butler, update, context, *rating)
    elif payload == "cmd:mytickets":
        await my_tickets(update, context)
    elif payload == "cmd:mybookings":
        await my_bookings(update, context)
    elif payload:
        await butler.converse(update, context, payload)


async def _rate(butler: Butler, update: Update, context: ContextTypes.DEFAULT_TYPE, ticket_id: str, score: int) -> None:
    from assistant.tickets.feedback import rate_ticket
    from assistant.tickets.lifecycle import TicketError

    sender = telegram_sender(update.effective_user.id)
    try:
        outcome = await anyio.to_thread.run_sync(lambda: rate_ticket(butler.db, sender_id=sender, ticket_id=ticket_id,
                                                                     score=score))
    except TicketError as error:
        await butler.send_text(context.bot, update.effective_chat.id, str(error))
        return
    if outcome.awaiting == "rating_reason":
        butler.pending_reason[sender] = (outcome.ticket_id, time.monotonic())
    await butler.send_text(context.bot, update.effective_chat.id, outcome.message)


async def on_voice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    from assistant.channels.speech import PipelineError, SpeechToTextError

    butler, message, user = _butler(context), update.effective_message, update.effective_user
    if message is None or user is None or message.voice is None:
        return
    chat_id = message.chat_id
    if message.chat.type != ChatType.PRIVATE and not (
            message.reply_to_message and message.reply_to_message.from_user
            and message.reply_to_message.from_user.id == context.bot.id):
        return  # a group's voice notes are for the people in it
    voice = message.voice
    if voice.duration and voice.duration > butler.settings.voice_max_seconds or (
            voice.file_size and voice.file_size > butler.settings.voice_max_bytes):
        await butler.send_text(context.bot, chat_id, TOO_LONG_TEXT)
        return
    telegram_file = await butler.api(lambda: context.bot.get_file(voice.file_id), "getFile")
    data = await butler.api(lambda: telegram_file.download_as_bytearray(), "downloadFile") if telegram_file else None
    if not data:
        await butler.send_text(context.bot, chat_id, NOT_HEARD_TEXT)
        return
    await butler.api(lambda: context.bot.send_chat_action(chat_id=chat_id, action=ChatAction.RECORD_VOICE),
                     "sendChatAction")
    try:
        turn = await butler.pipeline.run_audio(bytes(data), sender=telegram_sender(user.id))
    except SpeechToTextError as error:
        log.info("telegram_voice_not_recognised", code=error.code)
        await butler.send_text(context.bot, chat_id, MODEL_MISSING_TEXT if error.code == "asr_model_missing"
                               else TOO_LONG_TEXT if error.code in ("audio_too_long", "audio_too_large")
                               else NOT_HEARD_TEXT)
        return
    except PipelineError as error:
        log.warning("telegram_voice_failed", stage=error.stage, code=error.code)
        await butler.send_text(context.bot, chat_id, SORRY_TEXT)
        return
    await butler.send_replies(context.bot, chat_id, turn.replies)
    if turn.wav:
        ogg = await anyio.to_thread.run_sync(wav_to_ogg_opus, turn.wav)
        await butler.api(lambda: context.bot.send_voice(chat_id=chat_id, voice=ogg), "sendVoice")


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    butler = _butler(context)
    await butler.send_text(context.bot, update.effective_chat.id, WELCOME_TEXT,
                           [Button(title, payload) for title, payload in MENU])


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _butler(context).send_text(context.bot, update.effective_chat.id, HELP_TEXT)


async def my_tickets(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    from assistant.tickets.service import my_tickets_text

    butler = _butler(context)
    sender = telegram_sender(update.effective_user.id)

    def read() -> str:
        with butler.db.session() as session:
            return my_tickets_text(session, sender)

    await butler.send_text(context.bot, update.effective_chat.id, await anyio.to_thread.run_sync(read))


async def my_bookings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    from assistant.booking.conversation import upcoming_text  # the same answer as "我的预约" in chat

    butler = _butler(context)
    sender = telegram_sender(update.effective_user.id)
    text = await anyio.to_thread.run_sync(lambda: upcoming_text(butler.db, sender))
    await butler.send_text(context.bot, update.effective_chat.id, text)


async def check_in(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _butler(context).converse(update, context, "报平安")


async def human(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _butler(context).converse(update, context, "转人工")


async def elderly(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    from assistant.residents.profile import RESIDENT, set_elderly, speech_profile

    butler = _butler(context)
    sender = telegram_sender(update.effective_user.id)

    def toggle() -> bool:
        return set_elderly(butler.db, sender, not speech_profile(butler.db, sender).elderly, by=RESIDENT).elderly

    on = await anyio.to_thread.run_sync(toggle)
    await butler.send_text(context.bot, update.effective_chat.id,
                           "已打开长辈模式，语音回复会慢一点。再发 /elderly 可以关掉。" if on
                           else "已关闭长辈模式。再发 /elderly 可以打开。")


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A resident blocked the bot (or unblocked it): pushes stop (or may go again)
    without waiting for a 403."""
    from assistant import outbox

    change = update.my_chat_member
    if change is None or change.chat.type != ChatType.PRIVATE:
        return
    butler, sender = _butler(context), telegram_sender(change.from_user.id)
    blocked = change.new_chat_member.status in ("kicked", "left")
    await anyio.to_thread.run_sync(outbox.block if blocked else outbox.unblock, butler.db, sender)
    log.info("telegram_chat_member", blocked=blocked, chat=mask_id(change.chat.id))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Whatever a handler raised: logged (type only, no personal data); the bot goes on."""
    error = context.error
    log.error("telegram_handler_failed", error=type(error).__name__,
              update_id=getattr(update, "update_id", None))


COMMANDS = (("start", start), ("help", help_command), ("mytickets", my_tickets), ("mybookings", my_bookings),
            ("checkin", check_in), ("human", human), ("elderly", elderly))


# -- building and running -----------------------------------------------------------------
def build_application(settings: Settings, *, dialogue: DialogueClient | None = None,
                      outbox_interval: float = OUTBOX_INTERVAL) -> Application:
    """The bot as ``butler telegram run`` runs it."""
    if not settings.telegram_bot_token:
        raise ValueError("BUTLER_TELEGRAM_BOT_TOKEN is not set")
    builder = (ApplicationBuilder().token(settings.telegram_bot_token)
               .base_url(settings.telegram_api_base_url).base_file_url(settings.telegram_file_base_url)
               .connect_timeout(10).read_timeout(30).write_timeout(30).pool_timeout(10)
               .get_updates_connect_timeout(10).get_updates_read_timeout(10)
               .concurrent_updates(PerChatUpdateProcessor(32)))
    if settings.telegram_webhook_url:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data["butler"] = Butler(settings, dialogue or DialogueClient(settings), outbox_interval)
    application.add_handler(TypeHandler(Update, gate), group=-1)
    for name, callback in COMMANDS:
        application.add_handler(CommandHandler(name, callback, filters=filters.UpdateType.MESSAGE))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    # New messages only: an edited message is not a second request.
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.VOICE, on_voice))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.LOCATION, on_location))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & (filters.PHOTO | filters.Document.ALL),
                                           on_photo))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, on_text))
    application.add_error_handler(on_error)
    return application


async def _initialize(application: Application) -> None:
    """``initialize`` (getMe) until the Bot API server answers: a server that is
    restarting delays the bot, it does not end it. A wrong token ends it."""
    delay = 1.0
    while True:
        try:
            await application.initialize()
            return
        except InvalidToken:
            raise
        except (TimedOut, NetworkError) as error:
            log.warning("telegram_api_unreachable", error=type(error).__name__, retry_in=delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)


@contextlib.asynccontextmanager
async def running(application: Application, *, poll_interval: float = 0.0,
                  poll_timeout: int = POLL_TIMEOUT) -> AsyncIterator[Application]:
    """The bot running (the order ``run_polling`` uses): initialise, poll (or, in
    webhook mode, register the webhook), start, deliver the outbox; stopped and shut
    down on exit."""
    butler: Butler = application.bot_data["butler"]
    settings = butler.settings
    await _initialize(application)
    try:
        if application.updater is not None:
            await application.updater.start_polling(
                poll_interval=poll_interval, timeout=timedelta(seconds=poll_timeout), bootstrap_retries=-1,
                allowed_updates=Update.ALL_TYPES,
                error_callback=lambda error: log.warning("telegram_polling_error", error=type(error).__name__))
        else:
            await butler.api(lambda: application.bot.set_webhook(
                url=settings.telegram_webhook_url, secret_token=settings.telegram_webhook_secret,
                allowed_updates=Update.ALL_TYPES), "setWebhook")
        await application.start()
        butler.outbox_task = asyncio.create_task(butler.outbox_loop(application.bot), name="telegram-outbox")
        log.info("telegram_bot_started", username=application.bot.username,
                 mode="polling" if application.updater is not None else "webhook")
        yield application
    finally:
        if butler.outbox_task is not None:
            butler.outbox_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await butler.outbox_task
            butler.outbox_task = None
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        await butler.dialogue.aclose()


def webhook_app(application: Application, settings: Settings):  # noqa: ANN201
    """The Starlette app Telegram posts updates to: the path of
    ``telegram_webhook_url``, and the secret header must match."""
    from urllib.parse import urlparse

    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    path = urlparse(settings.telegram_webhook_url).path or "/"

    async def receive(request: Request) -> Response:
        if not secrets.compare_digest(request.headers.get("X-Telegram-Bot-Api-Secret-Token", ""),
                                      settings.telegram_webhook_secret):
            return Response(status_code=403)
        try:
            update = Update.de_json(await request.json(), application.bot)
        except Exception:  # noqa: BLE001 - not an update
            return Response(status_code=400)
        await application.update_queue.put(update)
        return Response()

    return Starlette(routes=[Route(path, receive, methods=["POST"])])


async def serve(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Run the bot until ``stop`` is set (or the task is cancelled)."""
    import signal

    if settings.telegram_webhook_url and not settings.telegram_webhook_secret:
        raise ValueError("webhook mode needs BUTLER_TELEGRAM_WEBHOOK_SECRET")
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    application = build_application(settings)
    try:
        async with running(application):
            if settings.telegram_webhook_url:
                import uvicorn

                server = uvicorn.Server(uvicorn.Config(webhook_app(application, settings), host=settings.gateway_host,
                                                       port=settings.telegram_webhook_port, log_level="warning"))
                server_task = asyncio.create_task(server.serve())
                await stop.wait()
                server.should_exit = True
                await server_task
            else:
                await stop.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signum)


__all__ = ["Butler", "ChatRateLimiter", "HARD_LIMIT", "MODEL_MISSING_TEXT", "build_application", "running",
           "serve", "split_text", "telegram_sender", "wav_to_ogg_opus", "webhook_app"]
