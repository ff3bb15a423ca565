"""Real audio for the voice tests, made at test time with the tools the butler
installs (espeak-ng, sox, ffmpeg: requirements/apt.txt), so no recording is
committed. A missing tool fails the test with the command that installs it: the
set-up is incomplete, which is not a reason to skip."""

from __future__ import annotations

import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import pytest

SENTENCE = "请帮我预约明天上午九点理发"
APT = "apt-get install espeak-ng libespeak-ng1 ffmpeg sox libsox-fmt-all"


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed: {APT}")
    return path


def run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, timeout=60)


def wav_duration(path: Path) -> float:
    with wave.open(str(path)) as f:
        return f.getnframes() / f.getframerate()


@dataclass(frozen=True)
class Clips:
    """Paths of generated clips; ``speech`` is espeak-ng's own 22,050 Hz mono 16-bit WAV."""

    speech: Path
    speech_seconds: float
    padded: Path  # 1.0 s silence + speech + 2.0 s silence
    silence: Path  # 4 s of digital silence
    root: Path


@pytest.fixture(scope="session")
def clips(tmp_path_factory) -> Clips:
    root = tmp_path_factory.mktemp("voice-clips")
    espeak, sox = need("espeak-ng"), need("sox")
    speech = root / "speech.wav"
    run(espeak, "-v", "cmn-latn-pinyin", "-w", str(speech), SENTENCE)
    lead, tail, padded = root / "lead.wav", root / "tail.wav", root / "padded.wav"
    run(sox, "-n", "-r", "22050", "-c", "1", "-b", "16", str(lead), "trim", "0", "1.0")
    run(sox, "-n", "-r", "22050", "-c", "1", "-b", "16", str(tail), "trim", "0", "2.0")
    run(sox, str(lead), str(speech), str(tail), str(padded))
    silence = root / "silence.wav"
    run(sox, "-n", "-r", "16000", "-c", "1", "-b", "16", str(silence), "trim", "0", "4.0")
    return Clips(speech, wav_duration(speech), padded, silence, root)


@pytest.fixture(scope="session")
def formats(clips: Clips) -> dict[str, Path]:
    """The same utterance in every container a channel receives."""
    sox, ffmpeg = need("sox"), need("ffmpeg")
    src, root = clips.speech, clips.root
    out = {"wav-22k-mono-16": src}
    variants = {
        "wav-44k-stereo-24": ["-r", "44100", "-c", "2", "-b", "24"],
        "wav-8k-mono-8": ["-r", "8000", "-c", "1", "-b", "8"],
        "wav-48k-mono-float": ["-r", "48000", "-c", "1", "-e", "floating-point", "-b", "32"],
        "wav-16k-mono-16": ["-r", "16000", "-c", "1", "-b", "16"],
    }
    for name, args in variants.items():
        path = root / f"{name}.wav"
        run(sox, str(src), *args, str(path))
        out[name] = path
    # Telegram-style voice note: OGG/Opus at 48 kHz; a browser's MediaRecorder: WebM/Opus.
    for name, ext, codec in (("ogg-opus", "ogg", "libopus"), ("webm-opus", "webm", "libopus"),
                             ("mp4-aac", "m4a", "aac")):
        path = root / f"{name}.{ext}"
        run(ffmpeg, "-nostdin", "-loglevel", "error", "-y", "-i", str(src), "-ar", "48000", "-c:a", codec, str(path))
        out[name] = path
    # WeChat voice: AMR-NB at 8 kHz, made the way PLATFORM_NOTES describes.
    amr = root / "wechat.amr"
    run(sox, str(src), "-r", "8000", "-c", "1", "-t", "amr-nb", str(amr))
    out["amr-nb"] = amr
    return out
