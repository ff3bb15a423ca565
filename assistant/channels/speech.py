"""The voice channel's pipeline, in the style of Home Assistant's ``assist_pipeline``.

One voice turn runs four named stages:

    stt     audio → text          voice.audio (decode, limits) + voice.stt (a RecogniserPool)
    intent  text → replies        DialogueClient.send_or_degrade: the whole chat path
                                  (inbox, safety net, conversation memory, degraded mode)
    ear     replies → speakable   assistant.channels.ear.for_the_ear
    tts     speakable → audio     voice.tts (espeak-ng), a WAV

Each run emits typed events (``RunStart``, ``SttEnd``, ``IntentEnd``, ``TtsEnd``,
``RunEnd``, ``RunError``), each with the milliseconds since the run started and the
stage's own duration, to an optional callback; the result keeps them too. A stage
that fails raises its own error class (``SpeechToTextError``, ``DialogueStageError``,
``TextToSpeechError``, all ``PipelineError``) with a stable ``code``: the
``voice.errors`` code where there is one (``empty_audio``, ``unsupported_audio``,
``audio_too_large``, ``audio_too_long``, ``decoder_missing``, ``asr_model_missing``,
``asr_failed``, ``tts_failed``).

The sender is ``voice:<resident>`` (``namespaced_sender``). A spoken 一 / 第一个 / a
button's title picks the shown choice: ``assistant.conversation`` does that for every
channel (bare 一 included), from the choices ``for_the_ear`` reads out.

Speed: the slowest of the replies' ``custom.speak.rate_factor``, the caller's
``rate_factor``, ``settings.elderly_speech_rate`` for an elderly turn (``elderly=True``
or the resident's stored profile, ``assistant.residents.profile``), times espeak-ng's
normal rate.

A long answer is shortened with 要听详细的吗？ (``ear``); the untold rest is kept per
sender in this process for ``MORE_TTL_SECONDS``, and a yes (要 / 好的 / 详细说说) read
as the next turn gets it without a second trip to Rasa: the offer is the voice
channel's own, and Rasa would read a bare 要 / 好的 as an answer to whatever it last
asked. The yes is still a resident message like any other: it is written to the
durable inbox before it is answered and its answer after (action ``dialogue``,
metadata ``butler_voice: details``), and it becomes the conversation memory's last
reply, so 再说一遍 repeats the details. An emergency in it always goes to the dialogue.

``reply`` is the turn from text to speakable text (dialogue, speech profile, ear) for
channels that synthesise elsewhere (the Wyoming handle service); the pipeline's runs
use it too. An elderly request (``elderly=True``) is told to the dialogue as message
metadata (``butler_elderly``), so the forms read every answer back
(``assistant.conversation.readback``).

The vosk model is loaded once per process, lazily and under a lock
(``recogniser_pool``), from ``settings.vosk_model_dir`` or
``voice.models.default_model_dir()``; with none there, the stt stage raises
``SpeechToTextError`` with code ``asr_model_missing`` (speech output still works).
"""

from __future__ import annotations

import atexit
import gc
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import structlog

from assistant import clock
from assistant.channels.ear import Spoken, for_the_ear
from assistant.dialogue import Reply, namespaced_sender
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.dialogue import DialogueClient
    from voice.stt import Recogniser, RecogniserPool

log = structlog.get_logger(__name__)

__all__ = ["PipelineError", "SpeechToTextError", "DialogueStageError", "TextToSpeechError", "RunStart", "SttEnd",
           "IntentEnd", "TtsEnd", "RunEnd", "RunError", "PipelineEvent", "VoiceTurn", "SpeechPipeline",
           "SttStream", "SpokenReply", "recogniser_pool", "model_dir", "speech_rate", "voice_sender",
           "NOT_HEARD_TEXT", "MODEL_MISSING_ZH"]

NORMAL_RATE = 175  # espeak-ng's own words (syllables) per minute: voice.tts.TtsSettings().rate
POOL_SIZE = 2
MORE_TTL_SECONDS = 600.0
NOT_HEARD_TEXT = "抱歉，我没听清。请再说一遍。"
MODEL_MISSING_ZH = "语音识别模型未安装，暂时不能听语音。请打字，或者请管理员安装模型（butler models fetch vosk-small-cn）。"
MORE_RE = re.compile(r"^(?:要|要的|要听|好|好的|好啊|嗯|嗯嗯|是|是的|听|想听|详细的|详细说说|详细点|说说|说吧|继续|接着说|请讲)"
                     r"[。.！!，, ]*$")


# -- errors -----------------------------------------------------------------------------
class PipelineError(Exception):
    """A stage failed: ``stage`` and a stable ``code`` for the channel to map."""

    stage = "run"
    code = "pipeline_failed"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code

    def __str__(self) -> str:
        return f"[{self.stage}:{self.code}] {self.message}"


class SpeechToTextError(PipelineError):
    stage = "stt"
    code = "asr_failed"


class DialogueStageError(PipelineError):
    stage = "intent"
    code = "dialogue_failed"


class TextToSpeechError(PipelineError):
    stage = "tts"
    code = "tts_failed"


# -- events -----------------------------------------------------------------------------
@dataclass(frozen=True)
class RunStart:
    sender: str
    elderly: bool
    at_ms: float = 0.0
    type: str = "run-start"


@dataclass(frozen=True)
class SttEnd:
    transcript: str
    audio_seconds: float
    duration_ms: float
    at_ms: float
    type: str = "stt-end"


@dataclass(frozen=True)
class IntentEnd:
    replies: tuple[Reply, ...]
    duration_ms: float
    at_ms: float
    type: str = "intent-end"


@dataclass(frozen=True)
class TtsEnd:
    spoken: str
    rate: int
    audio_seconds: float
    duration_ms: float
    at_ms: float
    type: str = "tts-end"


@dataclass(frozen=True)
class RunEnd:
    timings_ms: dict[str, float]
    at_ms: float
    type: str = "run-end"


@dataclass(frozen=True)
class RunError:
    stage: str
    code: str
    message: str
    at_ms: float
    type: str = "error"


PipelineEvent = RunStart | SttEnd | IntentEnd | TtsEnd | RunEnd | RunError


@dataclass
class VoiceTurn:
    """What one run produced."""

    sender: str
    transcript: str
    replies: list[Reply]
    spoken: Spoken
    wav: bytes  # b"" when there was nothing to say
    rate: int
    events: list[PipelineEvent] = field(default_factory=list)

    @property
    def timings_ms(self) -> dict[str, float]:
        for event in reversed(self.events):
            if isinstance(event, RunEnd):
                return event.timings_ms
        return {}


@dataclass(frozen=True)
class SpokenReply:
    """The butler's answer to one transcript, made for the ear (``SpeechPipeline.reply``)."""

    replies: list[Reply]
    spoken: Spoken
    elderly: bool  # the request's flag or the resident's stored profile
    rate_factor: float  # the slowest asked for: caller, profile, replies, elderly rate
    dialogue_ms: float = 0.0
    ear_ms: float = 0.0


# -- the model --------------------------------------------------------------------------
_pools: dict[Path, RecogniserPool] = {}
_pools_lock = threading.Lock()


def model_dir(settings: Settings) -> Path:
    if settings.vosk_model_dir:
        return Path(settings.vosk_model_dir).expanduser()
    from voice.models import default_model_dir

    return default_model_dir()


def model_installed(settings: Settings) -> bool:
    """A cheap check (no loading) for ``/readyz``."""
    from voice.stt import looks_like_model

    return looks_like_model(model_dir(settings))


def recogniser_pool(settings: Settings) -> RecogniserPool:
    """The process's warm recognisers for the configured model, made on first use
    (blocking: call it from a worker thread). Raises SpeechToTextError
    ``asr_model_missing`` when there is no model."""
    from voice.errors import ModelMissing, VoiceError
    from voice.stt import RecogniserPool, load_model

    path = model_dir(settings).resolve()
    with _pools_lock:
        pool = _pools.get(path)
        if pool is not None:
            return pool
        try:
            model = load_model(path)
            pool = RecogniserPool(model, size=POOL_SIZE)
            pool.warm()
        except ModelMissing as error:
            raise SpeechToTextError(error.message, code=error.code) from None
        except VoiceError as error:
            raise SpeechToTextError(error.message, code=error.code) from None
        if not _pools:
            atexit.register(_release_pools)
        _pools[path] = pool
        log.info("asr_model_loaded", path=str(path))
        return pool


def _release_pools() -> None:
    """Drop the recognisers before the interpreter tears modules down: vosk's
    ``KaldiRecognizer.__del__`` needs its module and otherwise prints a traceback at exit."""
    with _pools_lock:
        _pools.clear()
    gc.collect()


def voice_sender(local_sender: str) -> str:
    return namespaced_sender("voice", local_sender)


def speech_rate(factor: float) -> int:
    """espeak-ng's words per minute at ``factor`` of the normal rate (80..450)."""
    return max(80, min(450, round(NORMAL_RATE * factor)))


# -- streaming recognition (the WebSocket) ----------------------------------------------
class SttStream:
    """One utterance streamed in: a pooled recogniser at 16 kHz, or one of its own at
    another rate (vosk decodes any rate). Blocking methods: call them from a worker
    thread. Always ``close()``."""

    def __init__(self, settings: Settings, sample_rate: int = 16_000) -> None:
        from voice.stt import Recogniser

        self.settings = settings
        self.sample_rate = sample_rate
        self.bytes = 0
        pool = recogniser_pool(settings)
        self._pool_cm = None
        if sample_rate == 16_000:
            self._pool_cm = pool.acquire()
            self.rec: Recogniser = self._pool_cm.__enter__()
        else:
            self.rec = Recogniser(pool.model, sample_rate=sample_rate)

    @property
    def seconds(self) -> float:
        return self.bytes / 2 / self.sample_rate

    def accept(self, pcm: bytes) -> list:
        from voice.errors import VoiceError

        self.bytes += len(pcm)
        try:
            return self.rec.accept(pcm)
        except VoiceError as error:
            raise SpeechToTextError(error.message, code=error.code) from None

    def finish(self):
        from voice.errors import VoiceError

        try:
            return self.rec.finish()
        except VoiceError as error:
            raise SpeechToTextError(error.message, code=error.code) from None

    def close(self) -> None:
        if self._pool_cm is not None:
            cm, self._pool_cm = self._pool_cm, None
            cm.__exit__(None, None, None)


# -- the pipeline -----------------------------------------------------------------------
class SpeechPipeline:
    """Thread-safe and shared: one per gateway (the dialogue client's lifetime)."""

    def __init__(self, settings: Settings, dialogue: DialogueClient) -> None:
        self.settings = settings
        self.dialogue = dialogue
        self._more: dict[str, tuple[float, str]] = {}
        self._more_lock = threading.Lock()

    # The whole turn from a recording (HTTP).
    async def run_audio(self, data: bytes, *, sender: str, elderly: bool = False, rate_factor: float = 1.0,
                        on_event: Callable[[PipelineEvent], Any] | None = None) -> VoiceTurn:
        run = _Run(sender, on_event)
        run.emit(RunStart(sender, elderly))
        try:
            started = time.perf_counter()
            transcript, seconds = await anyio.to_thread.run_sync(self._transcribe, data)
            run.stage("stt", started)
            run.emit(SttEnd(transcript, seconds, run.timings["stt"], run.at()))
        except PipelineError as error:
            run.emit(RunError(error.stage, error.code, error.message, run.at()))
            raise
        return await self._after_stt(run, transcript, elderly=elderly, rate_factor=rate_factor)

    # The turn after a streamed recognition (WebSocket): stt was done by the caller.
    async def run_transcript(self, transcript: str, *, sender: str, elderly: bool = False,
                             rate_factor: float = 1.0, stt_ms: float = 0.0, audio_seconds: float = 0.0,
                             on_event: Callable[[PipelineEvent], Any] | None = None) -> VoiceTurn:
        run = _Run(sender, on_event)
        run.emit(RunStart(sender, elderly))
        run.timings["stt"] = round(stt_ms, 1)
        run.emit(SttEnd(transcript, audio_seconds, run.timings["stt"], run.at()))
        return await self._after_stt(run, transcript, elderly=elderly, rate_factor=rate_factor)

    async def _after_stt(self, run: _Run, transcript: str, *, elderly: bool, rate_factor: float) -> VoiceTurn:
        sender = run.sender
        try:
            answer = await self.reply(sender, transcript, elderly=elderly, rate_factor=rate_factor)
            run.timings["intent"] = answer.dialogue_ms
            run.emit(IntentEnd(tuple(answer.replies), run.timings["intent"], run.at()))

            started = time.perf_counter()
            spoken = answer.spoken
            rate = speech_rate(answer.rate_factor)
            wav, seconds = (await anyio.to_thread.run_sync(self._synthesise, spoken.text, rate)
                            if spoken.text else (b"", 0.0))
            run.stage("tts", started)
            run.timings["tts"] = round(run.timings["tts"] + answer.ear_ms, 1)  # the ear's wording is this stage's too
            run.emit(TtsEnd(spoken.text, rate, seconds, run.timings["tts"], run.at()))
        except PipelineError as error:
            run.emit(RunError(error.stage, error.code, error.message, run.at()))
            raise
        run.timings["total"] = round(run.at(), 1)
        run.emit(RunEnd(dict(run.timings), run.at()))
        return VoiceTurn(sender, transcript, answer.replies, spoken, wav, rate, run.events)

    async def reply(self, sender: str, transcript: str, *, elderly: bool = False,
                    rate_factor: float = 1.0) -> SpokenReply:
        """One transcript's answer as speakable text: the dialogue (or the rest of the
        last answer after a yes to 要听详细的吗？), the resident's speech profile, the
        ear's wording; the untold rest of a long answer is kept for the next turn.
        Raises ``DialogueStageError`` when even degraded mode failed."""
        started = time.perf_counter()
        replies, told_rest = await self._dialogue(sender, transcript, elderly=elderly)
        dialogue_ms = round((time.perf_counter() - started) * 1000, 1)
        started = time.perf_counter()
        elderly, rate_factor = await self._profile(sender, elderly, rate_factor)
        spoken = told_rest or for_the_ear(replies, elderly=elderly)
        factor = min(spoken.rate_factor, rate_factor, self.settings.elderly_speech_rate if elderly else 1.0)
        self._keep_rest(sender, spoken.rest)
        ear_ms = round((time.perf_counter() - started) * 1000, 1)
        return SpokenReply(replies, spoken, elderly, factor, dialogue_ms, ear_ms)

    # -- stages -------------------------------------------------------------------------
    def _transcribe(self, data: bytes) -> tuple[str, float]:
        from voice.audio import AudioLimits, decode
        from voice.errors import VoiceError
        from voice.stt import transcribe

        try:
            audio = decode(data, limits=AudioLimits(self.settings.voice_max_bytes, self.settings.voice_max_seconds))
        except VoiceError as error:
            raise SpeechToTextError(error.message, code=error.code) from None
        pool = recogniser_pool(self.settings)
        try:
            return transcribe(pool, audio.pcm).text.strip(), audio.duration
        except VoiceError as error:
            raise SpeechToTextError(error.message, code=error.code) from None

    async def _dialogue(self, sender: str, transcript: str, *,
                        elderly: bool = False) -> tuple[list[Reply], Spoken | None]:
        if not transcript:
            return [Reply(text=NOT_HEARD_TEXT)], None
        rest = self._take_rest(sender) if MORE_RE.match(transcript) else ""
        if rest:
            from assistant.safety import assess

            if not assess(transcript).emergency:
                told = [Reply(text=rest)]
                await self._record_details(sender, transcript, told)
                return told, Spoken(text=rest)
        from assistant.conversation.readback import ELDERLY_METADATA_KEY

        metadata = {ELDERLY_METADATA_KEY: True} if elderly else None
        try:
            return await self.dialogue.send_or_degrade(sender, transcript, metadata), None
        except Exception as error:  # noqa: BLE001 - send_or_degrade degrades itself; this is the rest
            log.exception("voice_dialogue_failed", sender=sender)
            raise DialogueStageError(f"the dialogue failed: {type(error).__name__}") from None

    async def _record_details(self, sender: str, transcript: str, told: list[Reply]) -> None:
        """The yes to 要听详细的吗？ goes where every resident message goes: the inbox
        (written before it is answered, its answer after) and the conversation memory
        (再说一遍 repeats the details). The resident hears the details whatever the
        database says."""
        from assistant.conversation import store
        from assistant.db import get_database
        from assistant.dialogue import inbox_outcome
        from assistant.inbox import service as inbox

        def write() -> None:
            db = get_database()
            channel = sender.split(":", 1)[0] if ":" in sender else "voice"
            inbox_id = inbox.record(db, sender_id=sender, text=transcript, channel=channel,
                                    metadata={"butler_voice": "details"})
            memory = store.load(db, sender)
            store.save(db, sender, store.Memory(pending=memory.pending, last=[store.Said(r.text) for r in told],
                                                last_at=clock.now()))
            state, action, ticket_id = inbox_outcome(told)
            inbox.finish(db, inbox_id, state=state, action=action, reply=[{"text": r.text} for r in told],
                         ticket_id=ticket_id)

        try:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(write)
        except Exception:  # noqa: BLE001 - the details are still told; the log says what was not kept
            log.exception("voice_details_unrecorded", sender=sender)

    async def _profile(self, sender: str, elderly: bool, rate_factor: float) -> tuple[bool, float]:
        """The resident's stored speech profile, when the residents package has one."""
        try:
            from assistant.db import get_database
            from assistant.residents.profile import speech_profile

            profile = await anyio.to_thread.run_sync(lambda: speech_profile(get_database(), sender))
        except Exception:  # noqa: BLE001 - no profile (or none yet): the request's own flags
            return elderly, rate_factor
        return elderly or profile.elderly, min(rate_factor, profile.rate_factor)

    def _synthesise(self, text: str, rate: int) -> tuple[bytes, float]:
        from voice.errors import VoiceError
        from voice.tts import Synthesiser

        try:
            speech = Synthesiser().synthesise(text, rate=rate, normalise=False)
        except VoiceError as error:
            raise TextToSpeechError(error.message, code=error.code) from None
        return speech.wav, speech.duration

    # -- 要听详细的吗？ -------------------------------------------------------------------
    def _keep_rest(self, sender: str, rest: str) -> None:
        with self._more_lock:
            now = time.monotonic()
            for key in [k for k, (at, _) in self._more.items() if now - at > MORE_TTL_SECONDS]:
                del self._more[key]
            if rest:
                self._more[sender] = (now, rest)
            else:
                self._more.pop(sender, None)

    def _take_rest(self, sender: str) -> str:
        with self._more_lock:
            at, rest = self._more.pop(sender, (0.0, ""))
        return rest if rest and time.monotonic() - at <= MORE_TTL_SECONDS else ""


class _Run:
    def __init__(self, sender: str, on_event: Callable[[PipelineEvent], Any] | None) -> None:
        self.sender = sender
        self.on_event = on_event
        self.started = time.perf_counter()
        self.events: list[PipelineEvent] = []
        self.timings: dict[str, float] = {}

    def at(self) -> float:
        return round((time.perf_counter() - self.started) * 1000, 1)

    def stage(self, name: str, started: float) -> None:
        self.timings[name] = round((time.perf_counter() - started) * 1000, 1)

    def emit(self, event: PipelineEvent) -> None:
        self.events.append(event)
        if self.on_event is not None:
            try:
                self.on_event(event)
            except Exception:  # noqa: BLE001 - a listener never breaks a turn
                log.exception("voice_event_listener_failed", event=event.type)
