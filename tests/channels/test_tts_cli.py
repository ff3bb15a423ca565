"""``butler tts TEXT --out FILE.wav [--elderly]`` with the real espeak-ng voice."""

from __future__ import annotations

import wave

from typer.testing import CliRunner

from assistant.cli import app

TEXT = "您的工单号是GD202612050007，我们会在2026年12月5日下午3点前处理。"


def tts(*args: str):
    return CliRunner().invoke(app, ["tts", *args])


def duration(path) -> float:
    with wave.open(str(path)) as f:
        assert (f.getnchannels(), f.getsampwidth(), f.getframerate()) == (1, 2, 22_050)
        return f.getnframes() / f.getframerate()


def test_butler_tts_writes_a_wav_and_elderly_is_measurably_slower(tmp_path):
    normal, slow = tmp_path / "normal.wav", tmp_path / "out" / "elderly.wav"
    first = tts(TEXT, "--out", str(normal))
    assert first.exit_code == 0, first.output
    second = tts(TEXT, "--out", str(slow), "--elderly")
    assert second.exit_code == 0, second.output
    # What was read aloud is the speakable text: the ticket id digit by digit, the date as said.
    assert "G D 二零二六幺二零五零零零七" in first.output and "十二月五日下午三点" in first.output
    seconds, slow_seconds = duration(normal), duration(slow)
    assert 5 < seconds < 25, seconds  # ~40 syllables at espeak-ng's 175 a minute, with pauses
    # settings.elderly_speech_rate is 0.8: at least 15 % slower, as the issue asks.
    assert slow_seconds / seconds > 1.15, (seconds, slow_seconds)


def test_butler_tts_with_nothing_to_say_fails_clearly(tmp_path):
    result = tts("  ***  ", "--out", str(tmp_path / "x.wav"))
    assert result.exit_code == 1 and "nothing to say" in result.output
    assert not (tmp_path / "x.wav").exists()
