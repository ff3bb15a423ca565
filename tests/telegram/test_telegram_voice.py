"""Voice notes: OGG/Opus in (made at test time: espeak-ng speech encoded by ffmpeg,
as Telegram's app records them), the speech pipeline, text and an OGG/Opus voice
reply out. No Chinese vosk model can be had here (PLATFORM_NOTES): PyPI's Korean
model stands in for it and the clip is Korean speech, so a real transcript reaches
the dialogue (degraded mode, see conftest.py)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from sqlalchemy import select

from tests.channels.conftest import KOREAN_SENTENCE, korean_model_dir
from tests.telegram.conftest import USER, bot_running, texts, until

APT = "apt-get install espeak-ng libespeak-ng1 ffmpeg"


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed: {APT}")
    return path


@pytest.fixture(scope="session")
def voice_note(tmp_path_factory) -> bytes:
    root = tmp_path_factory.mktemp("telegram-voice")
    wav, ogg = root / "ko.wav", root / "ko.ogg"
    subprocess.run([need("espeak-ng"), "-v", "ko", "-w", str(wav), KOREAN_SENTENCE], check=True, timeout=60)
    subprocess.run([need("ffmpeg"), "-loglevel", "error", "-i", str(wav), "-af", "adelay=500,apad=pad_dur=0.5",
                    "-c:a", "libopus", "-ar", "48000", "-ac", "1", str(ogg)], check=True, timeout=60)
    data = ogg.read_bytes()
    assert data[:4] == b"OggS" and b"OpusHead" in data[:200]
    return data


async def test_a_voice_note_is_recognised_and_answered_with_text_and_voice(bot_env, standin, voice_note,
                                                                           monkeypatch):
    from assistant.inbox.models import InboxMessage
    from assistant.settings import get_settings

    monkeypatch.setenv("BUTLER_VOSK_MODEL_DIR", str(korean_model_dir()))
    get_settings.cache_clear()
    standin.add_file("note1", voice_note)
    async with bot_running():
        standin.voice_update(USER, "note1", duration=3)
        await until(lambda: standin.sent_to(USER, "sendVoice"), timeout=120, what="the voice reply")
    [reply] = standin.sent_to(USER, "sendVoice")
    assert reply.voice[:4] == b"OggS" and b"OpusHead" in reply.voice[:200]  # what sendVoice wants
    assert texts(standin)  # the same answer as text
    assert standin.count("getFile") == 1
    with bot_env.session() as session:
        [row] = session.scalars(select(InboxMessage)).all()
    assert row.sender_id == f"telegram:{USER}" and row.text.strip()  # a real transcript reached the dialogue


async def test_without_a_recognition_model_the_resident_is_asked_to_type(bot_env, standin, voice_note):
    from assistant.channels.telegram import MODEL_MISSING_TEXT

    standin.add_file("note2", voice_note)
    async with bot_running():
        standin.voice_update(USER, "note2", duration=3)
        await until(lambda: texts(standin), timeout=60, what="the answer")
    assert texts(standin) == [MODEL_MISSING_TEXT] == ["语音识别暂时用不了，请打字告诉我。"]
    assert not standin.sent_to(USER, "sendVoice")


async def test_a_voice_note_over_the_limit_is_not_downloaded(bot_env, standin, voice_note):
    standin.add_file("note3", voice_note)
    async with bot_running():
        standin.voice_update(USER, "note3", duration=600)
        await until(lambda: texts(standin), timeout=60, what="the answer")
    assert "太长" in texts(standin)[0] and standin.count("getFile") == 0
