"""The speech library stands alone: it never imports the application."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import voice

PACKAGE = Path(voice.__file__).parent


def test_no_module_of_voice_imports_assistant():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{path.name}: {n}" for n in names if n == "assistant" or n.startswith("assistant.")]
    assert offenders == []


def test_importing_voice_loads_no_engine():
    code = ("import sys, voice, voice.errors; "
            "print(sorted(m for m in ('vosk', 'pyttsx3', 'webrtcvad', 'soundfile', 'assistant') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_errors_carry_stable_codes():
    codes = {cls.code for cls in (voice.EmptyAudio, voice.UnsupportedAudio, voice.AudioTooLarge, voice.AudioTooLong,
                                  voice.DecoderMissing, voice.ModelMissing, voice.ModelVerificationFailed,
                                  voice.SynthesisError)}
    assert "asr_model_missing" in codes and len(codes) == 8
    error = voice.ModelMissing("no model")
    assert str(error) == "[asr_model_missing] no model" and error.message == "no model"
