"""Smart speakers: the butler as a Wyoming server (Home Assistant voice pipelines).

One TCP server (``settings.wyoming_host:settings.wyoming_port``, 10600) built with the
``wyoming`` library; each connection gets one small event handler. ``describe`` →
``info`` names three services:

- **ASR** (``transcribe``, then ``audio-start`` / ``audio-chunk``… / ``audio-stop`` →
  ``transcript``): any rate, width and channel count is converted to 16 kHz mono
  16-bit and decoded by a warm vosk recogniser (``voice.stt.RecogniserPool``). Without
  a vosk model the service is not offered, and a ``transcribe`` gets an ``error``
  with the code ``asr_model_missing`` (TTS and handle still work).
- **TTS** (``synthesize`` → ``audio-start`` / ``audio-chunk``… / ``audio-stop``):
  espeak-ng's Mandarin voice through ``voice.tts``; the voice ``cmn-latn-pinyin-slow``
  speaks at ``settings.elderly_speech_rate`` for an elderly household's pipeline.
- **handle** (``transcript`` → ``handled``): the text goes through the dialogue like
  every other channel's (``DialogueClient.send_or_degrade``: the inbox, the emergency
  safety net, degraded mode when Rasa is down), as ``wyoming:<satellite or client>``
  (the transcript's ``context.satellite_id`` / ``device_id``, else the client's
  address), and comes back as the butler's reply made for the ear
  (``assistant.channels.ear``; elderly wording when the resident's profile says so).
  The voice channel's turn rules apply (``SpeechPipeline.reply``): a yes to
  要听详细的吗？ gets the rest of the last answer (recorded in the inbox like any message). An emergency is always ``handled``
  with its advice, whatever fails.

Wyoming has no TLS and no authentication: the server listens on loopback unless
``BUTLER_WYOMING_HOST`` says otherwise, and then belongs on a trusted LAN only
(docs/wyoming.md).
"""

from __future__ import annotations

import asyncio
import re
import time
from contextlib import AbstractContextManager

import numpy as np
import structlog
from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioChunkConverter, AudioStart, AudioStop
from wyoming.error import Error
from wyoming.event import Event
from wyoming.handle import Handled, NotHandled
from wyoming.info import (AsrModel, AsrProgram, Attribution, Describe, HandleModel, HandleProgram, Info, TtsProgram,
                          TtsVoice)
from wyoming.server import AsyncEventHandler, AsyncTcpServer
from wyoming.tts import Synthesize

from assistant.channels.speech import NOT_HEARD_TEXT, PipelineError, SpeechPipeline, model_dir, recogniser_pool
from assistant.dialogue import DialogueClient, namespaced_sender
from assistant.settings import Settings
from voice.errors import VoiceError
from voice.stt import FinalTranscript, Recogniser, RecogniserPool, join_words
from voice.tts import Speech, Synthesiser

log = structlog.get_logger(__name__)

SAMPLE_RATE, SAMPLE_WIDTH, CHANNELS = 16_000, 2, 1  # what vosk decodes
ASR_LANGUAGE = "zh"
LANGUAGES = ["zh", "cmn"]
VOICE = "cmn-latn-pinyin"
ELDERLY_VOICE = "cmn-latn-pinyin-slow"
AUDIO_CHUNK_SAMPLES = 1024  # per audio-chunk event of synthesised speech (~46 ms at 22,050 Hz)
FEED_BYTES = SAMPLE_RATE * SAMPLE_WIDTH // 5  # decode in 200 ms steps: fewer thread hops
MAX_CLIENT_ID = 64
WARM_UP_SENTENCE = "请帮我预约明天上午九点理发"
VOSK = Attribution(name="Alpha Cephei (vosk)", url="https://alphacephei.com/vosk/")
ESPEAK = Attribution(name="espeak-ng", url="https://github.com/espeak-ng/espeak-ng")
BUTLER = Attribution(name="社区管家 (Rasa)", url="https://rasa.com/")

# What a resident hears when even the dialogue's degraded mode failed.
SOMETHING_BROKE = "抱歉，系统出了点问题，请稍后再说一遍。紧急情况请直接拨打幺幺零、幺幺九或幺二零。"


def load_pool(settings: Settings) -> RecogniserPool | None:
    """The process's warm recognisers on the configured model (the voice channel's own
    loader: ``assistant.channels.speech``), or None (logged) when there is none."""
    try:
        return recogniser_pool(settings)
    except PipelineError as error:
        log.warning("wyoming_asr_unavailable", code=error.code, reason=error.message)
        return None


class ButlerWyoming:
    """What every connection shares: the settings, the dialogue client, the recogniser
    pool (None without a model) and the synthesiser."""

    def __init__(self, settings: Settings, *, dialogue: DialogueClient | None = None,
                 pool: RecogniserPool | None = None, synthesiser: Synthesiser | None = None) -> None:
        self.settings = settings
        self.dialogue = dialogue or DialogueClient(settings)
        self.pool = pool
        self.synthesiser = synthesiser or Synthesiser()
        # The voice channel's turn rules, shared: a yes to 要听详细的吗？ gets the rest of
        # the last answer, and the resident's stored speech profile is read.
        self.speech = SpeechPipeline(settings, self.dialogue)
        self.info = self._info()

    def _info(self) -> Info:
        version = _version()
        asr = [AsrProgram(
            name="butler-vosk", description="社区管家 语音识别 (vosk, offline)", attribution=VOSK,
            installed=True, version=version,
            models=[AsrModel(name=model_dir(self.settings).name, description="vosk 中文", attribution=VOSK,
                             installed=True, version=None, languages=[ASR_LANGUAGE])])] if self.pool else []
        voices = [TtsVoice(name=name, description=description, attribution=ESPEAK, installed=True,
                           version=None, languages=LANGUAGES)
                  for name, description in ((VOICE, "普通话"), (ELDERLY_VOICE, "普通话，慢速（老年人）"))]
        tts = [TtsProgram(name="butler-espeak", description="社区管家 语音合成 (espeak-ng)", attribution=ESPEAK,
                          installed=True, version=version, voices=voices)]
        handle = [HandleProgram(
            name="butler", description="社区管家：预约、投诉报修、政策咨询、紧急求助", attribution=BUTLER,
            installed=True, version=version,
            models=[HandleModel(name="butler", description="社区管家", attribution=BUTLER, installed=True,
                                version=version, languages=LANGUAGES)])]
        return Info(asr=asr, tts=tts, handle=handle)

    def handler(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> ButlerEventHandler:
        return ButlerEventHandler(self, reader, writer)

    # -- the services -------------------------------------------------------------------
    def synthesise(self, text: str, voice: str | None) -> Speech:
        tts = self.synthesiser.settings
        if voice == ELDERLY_VOICE:
            tts = tts.slower(self.settings.elderly_speech_rate)
        return self.synthesiser.synthesise(text, rate=tts.rate)

    async def reply(self, client_id: str, text: str) -> Handled | NotHandled:
        """The butler's answer to one resident's words, for the ear (wording for an
        elderly resident when their profile says so; the speaker's own TTS sets the pace)."""
        text = text.strip()
        if not text:
            return Handled(text=NOT_HEARD_TEXT)
        sender = namespaced_sender("wyoming", client_id)
        try:
            answer = await self.speech.reply(sender, text)
        except Exception:  # noqa: BLE001 - the speaker must hear something, an emergency its advice
            log.exception("wyoming_handle_failed", sender=sender)
            return _last_resort(text)
        return Handled(text=answer.spoken.text)


def _last_resort(text: str) -> Handled | NotHandled:
    """Even the dialogue's degraded mode failed: an emergency still gets its advice."""
    from assistant.safety import advice_for, assess
    from voice.normalise import speakable

    verdict = assess(text)
    if verdict.emergency:
        return Handled(text=speakable("\n".join(advice_for(verdict))))
    return NotHandled(text=SOMETHING_BROKE)


class Converter:
    """Audio chunks of any rate, width and channel count as 16 kHz mono 16-bit PCM,
    one stream at a time (the resampler keeps its state across chunks). Channels are
    averaged: the library's converter adds them up, which doubles the level and clips
    loud speech."""

    def __init__(self) -> None:
        self._width = AudioChunkConverter(width=SAMPLE_WIDTH)
        self._rate = AudioChunkConverter(rate=SAMPLE_RATE)

    def convert(self, chunk: AudioChunk) -> bytes:
        chunk = self._width.convert(chunk)
        if chunk.channels != CHANNELS:
            frames = np.frombuffer(chunk.audio, "<i2")
            frames = frames[: len(frames) // chunk.channels * chunk.channels].reshape(-1, chunk.channels)
            mono = frames.astype(np.int32).sum(axis=1) // chunk.channels
            chunk = AudioChunk(rate=chunk.rate, width=SAMPLE_WIDTH, channels=CHANNELS, audio=mono.astype("<i2").tobytes())
        return self._rate.convert(chunk).audio


class _Stream:
    """One ASR request: a pooled recogniser, held until ``audio-stop``."""

    def __init__(self, pool: RecogniserPool, language: str | None) -> None:
        self._lease: AbstractContextManager[Recogniser] = pool.acquire()
        self.recogniser = self._lease.__enter__()
        self.language = language or ASR_LANGUAGE
        self.converter = Converter()
        self.pending = bytearray()
        self.seconds = 0.0
        self.texts: list[str] = []

    def feed(self, pcm: bytes) -> None:
        for event in self.recogniser.accept(pcm):
            if isinstance(event, FinalTranscript) and event.text:  # vosk found an endpoint mid-stream
                self.texts.append(event.text)

    def finish(self) -> str:
        """What is left in ``pending`` decoded, and the whole request's text."""
        self.feed(bytes(self.pending[: len(self.pending) // 2 * 2]))
        self.pending.clear()
        return join_words(" ".join([*self.texts, self.recogniser.finish().text]))

    def close(self) -> None:
        self._lease.__exit__(None, None, None)


class ButlerEventHandler(AsyncEventHandler):
    """One client connection (Home Assistant opens one per request)."""

    def __init__(self, butler: ButlerWyoming, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        super().__init__(reader, writer)
        self.butler = butler
        peer = writer.get_extra_info("peername")
        self.client_id = _client_id(peer[0] if peer else "local")
        self._stream: _Stream | None = None
        self._refused = False  # this ASR request was answered with an error: ignore its audio

    async def handle_event(self, event: Event) -> bool:
        if Describe.is_type(event.type):
            await self.write_event(self.butler.info.event())
        elif Transcribe.is_type(event.type):
            await self._start_stream(Transcribe.from_event(event).language)
        elif AudioStart.is_type(event.type):
            if self._stream is None and not self._refused:
                await self._start_stream(None)
        elif AudioChunk.is_type(event.type):
            await self._audio(AudioChunk.from_event(event))
        elif AudioStop.is_type(event.type):
            await self._transcript()
        elif Synthesize.is_type(event.type):
            await self._synthesize(Synthesize.from_event(event))
        elif Transcript.is_type(event.type):
            await self._handle(event)
        return True

    async def disconnect(self) -> None:
        self._close_stream()

    # -- ASR ----------------------------------------------------------------------------
    async def _start_stream(self, language: str | None) -> None:
        self._close_stream()
        self._refused = False
        if self.butler.pool is None:
            self._refused = True
            await self.write_event(Error(
                text=f"speech recognition is not available: no vosk model at {model_dir(self.butler.settings)} "
                     "(install one with `butler models fetch vosk-small-cn` or `butler models install ZIP`)",
                code="asr_model_missing").event())
            return
        self._stream = await asyncio.to_thread(_Stream, self.butler.pool, language)

    async def _audio(self, chunk: AudioChunk) -> None:
        stream = self._stream
        if stream is None:
            return
        audio = stream.converter.convert(chunk)
        stream.seconds += len(audio) / (SAMPLE_RATE * SAMPLE_WIDTH)
        if stream.seconds > self.butler.settings.voice_max_seconds:
            self._close_stream()
            self._refused = True
            await self.write_event(Error(text=f"the audio is longer than {self.butler.settings.voice_max_seconds:g} s",
                                         code="audio_too_long").event())
            return
        stream.pending += audio
        if len(stream.pending) >= FEED_BYTES:
            pcm, stream.pending = bytes(stream.pending[: len(stream.pending) // 2 * 2]), bytearray()
            await asyncio.to_thread(stream.feed, pcm)

    async def _transcript(self) -> None:
        stream, self._stream = self._stream, None
        if stream is None:
            self._refused = False
            return
        try:
            text = await asyncio.to_thread(stream.finish)
        except VoiceError as error:
            await self.write_event(Error(text=error.message, code=error.code).event())
            return
        finally:
            stream.close()
        log.info("wyoming_transcript", client=self.client_id, seconds=round(stream.seconds, 2), chars=len(text))
        await self.write_event(Transcript(text=text, language=stream.language).event())

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.close()

    # -- TTS ----------------------------------------------------------------------------
    async def _synthesize(self, request: Synthesize) -> None:
        voice = request.voice.name if request.voice else None
        started = time.perf_counter()
        try:
            speech = await asyncio.to_thread(self.butler.synthesise, request.text, voice)
        except (VoiceError, ValueError) as error:
            await self.write_event(Error(text=getattr(error, "message", str(error)),
                                         code=getattr(error, "code", "tts_failed")).event())
            return
        rate, width, channels = speech.sample_rate, 2, 1
        await self.write_event(AudioStart(rate=rate, width=width, channels=channels).event())
        pcm = speech.pcm
        step = AUDIO_CHUNK_SAMPLES * width
        for start in range(0, len(pcm), step):
            await self.write_event(AudioChunk(rate=rate, width=width, channels=channels,
                                              audio=pcm[start:start + step]).event())
        await self.write_event(AudioStop().event())
        log.info("wyoming_speech", client=self.client_id, voice=voice or VOICE, seconds=round(speech.duration, 2),
                 synthesis_ms=round((time.perf_counter() - started) * 1000))

    # -- handle -------------------------------------------------------------------------
    async def _handle(self, event: Event) -> None:
        data = event.data or {}
        client_id = _client_id(_satellite(data.get("context")) or self.client_id)
        answer = await self.butler.reply(client_id, str(data.get("text") or ""))
        await self.write_event(answer.event())


def _satellite(context) -> str | None:
    """The satellite (or device) a transcript came from, when the client says."""
    if isinstance(context, dict):
        for key in ("satellite_id", "device_id"):
            if context.get(key):
                return str(context[key])
    return None


def _client_id(raw: str) -> str:
    return re.sub(r"[^\w.:@-]", "_", raw)[:MAX_CLIENT_ID] or "unknown"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("community-butler")
    except PackageNotFoundError:
        return "0"


def build(settings: Settings) -> ButlerWyoming:
    """The services as configured, warmed before the first resident speaks: the vosk
    model and its recognisers (ASR is left out without one; both recognisers decode
    real speech once), espeak-ng, the safety net, and the ticket scorer and classifier
    that degraded mode files complaints with (cold, the first complaint took 3-16 s)."""
    from assistant.safety import warm_up
    from assistant.tickets.classify import classify_category
    from assistant.tickets.sentiment import score_sentiment

    warm_up()
    score_sentiment("电梯坏了")
    classify_category("电梯坏了")
    butler = ButlerWyoming(settings, pool=load_pool(settings))
    # espeak-ng starts on its first text; a recogniser's first speech costs 1-2 s more
    # than later speech (bench/results/voice.md), and the pool was warmed on noise.
    speech = butler.synthesiser.synthesise(WARM_UP_SENTENCE, sample_rate=SAMPLE_RATE)
    if butler.pool is not None:
        with butler.pool.acquire() as first, butler.pool.acquire() as second:
            for recogniser in (first, second):
                recogniser.accept(speech.pcm)
                recogniser.finish()
    return butler


async def serve(settings: Settings, *, host: str | None = None, port: int | None = None) -> None:
    """Run the server until SIGTERM (the supervisor's stop) or cancellation
    (``butler wyoming serve``); the model is loaded and warmed before it listens."""
    butler = await asyncio.to_thread(build, settings)
    server = AsyncTcpServer(host or settings.wyoming_host, port or settings.wyoming_port)
    log.info("wyoming_starting", host=server.host, port=server.port, asr=butler.pool is not None)
    try:
        await server.run(butler.handler)  # the library's own loop: SIGTERM stops it gracefully
    finally:
        await butler.dialogue.aclose()
