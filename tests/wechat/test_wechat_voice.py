"""Voice messages (AMR-NB, as WeChat records them; made at test time: espeak-ng speech
through sox) recognised by our own recogniser. No Chinese vosk model can be had here
(PLATFORM_NOTES): without a model the resident is asked to type, unless WeChat's own
``Recognition`` came with the message; PyPI's Korean model stands in for a model, with
Korean speech, so a real transcript reaches the dialogue (degraded mode, conftest.py)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.channels.conftest import KOREAN_SENTENCE, korean_model_dir
from tests.wechat.conftest import OA_PATH, OPENID, fields, inbox_rows, until

APT = "apt-get install espeak-ng sox libsox-fmt-all"


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed: {APT}")
    return path


@pytest.fixture(scope="session")
def amr(tmp_path_factory) -> bytes:
    root = tmp_path_factory.mktemp("wechat-voice")
    wav, amr = root / "ko.wav", root / "ko.amr"
    subprocess.run([need("espeak-ng"), "-v", "ko", "-w", str(wav), KOREAN_SENTENCE], check=True, timeout=60)
    subprocess.run([need("sox"), str(wav), "-r", "8000", "-c", "1", "-t", "amr-nb", str(amr)], check=True, timeout=60)
    data = amr.read_bytes()
    assert data[:6] == b"#!AMR\n"
    return data


def voice(gateway, oa, msg_id: int, media_id: str, recognition: str = ""):
    xml = oa.message("voice", msg_id=msg_id, MediaId=media_id, Format="amr", Recognition=recognition)
    return gateway.post(OA_PATH, params=oa.query(), content=xml.encode())


def test_without_a_recognition_model_the_resident_is_asked_to_type(gateway, oa, standin, amr, wechat_env):
    from assistant.channels.wechat import MODEL_MISSING_TEXT

    standin.media["m1"] = amr
    response = voice(gateway, oa, 5001, "m1")
    assert fields(response.text)["Content"] == MODEL_MISSING_TEXT == "语音识别暂时用不了，请打字告诉我。"
    assert standin.count("/cgi-bin/media/get") == 0  # nothing downloaded that could not be heard
    assert inbox_rows(wechat_env) == []


def test_without_our_model_wechats_own_recognition_is_used(gateway, oa, standin, amr, wechat_env):
    voice(gateway, oa, 5002, "m2", recognition="我要投诉")
    assert [(r.sender_id, r.text) for r in inbox_rows(wechat_env)] == [(f"wechat:{OPENID}", "我要投诉")]


def test_a_voice_message_is_recognised_by_our_recogniser(gateway, oa, standin, amr, wechat_env, monkeypatch):
    monkeypatch.setattr(gateway.app.state.settings, "vosk_model_dir", korean_model_dir())
    standin.media["m3"] = amr
    response = voice(gateway, oa, 5003, "m3", recognition="不该用这个")
    assert response.status_code == 200
    if response.text == "success":  # loading the model took longer than WeChat waits
        until(lambda: standin.sent_to(OPENID), timeout=120, what="the late reply")
    else:
        assert fields(response.text)["Content"]
    [row] = inbox_rows(wechat_env)
    assert row.sender_id == f"wechat:{OPENID}" and row.text.strip() and row.text != "不该用这个"
    assert row.meta["input"] == "voice"
    assert standin.count("/cgi-bin/media/get") == 1
