"""Mandarin synthesis through pyttsx3 and espeak-ng (the real engine)."""

from __future__ import annotations

import io
import threading
import wave

import numpy as np
import pytest

from voice.audio import decode
from voice.errors import SynthesisError
from voice.tts import ESPEAK_SAMPLE_RATE, VOICE, Synthesiser, TtsSettings
from voice.vad import find_utterance

TEXT = "您好，我是社区管家。请问您想约哪天几点？"


@pytest.fixture(scope="module")
def tts() -> Synthesiser:
    return Synthesiser()


def wav_info(data: bytes) -> tuple[int, int, int, float, np.ndarray]:
    with wave.open(io.BytesIO(data)) as f:
        frames = f.readframes(f.getnframes())
        return f.getframerate(), f.getnchannels(), f.getsampwidth(), f.getnframes() / f.getframerate(), \
            np.frombuffer(frames, "<i2")


def test_the_mandarin_pinyin_voice_is_installed(tts):
    assert VOICE == "sit/cmn-latn-pinyin"
    assert VOICE in tts.voices()


def test_speech_is_a_nonempty_wav_at_espeaks_rate(tts):
    speech = tts.synthesise(TEXT)
    rate, channels, width, duration, samples = wav_info(speech.wav)
    assert (rate, channels, width) == (ESPEAK_SAMPLE_RATE, 1, 2)
    assert speech.sample_rate == ESPEAK_SAMPLE_RATE
    assert duration == pytest.approx(speech.duration)
    # 19 syllables at 175 per minute is about 6.5 s of speech plus pauses: plausible bounds.
    assert 3.0 < duration < 12.0
    assert np.abs(samples).max() > 5000
    # It is speech, not noise: the voice activity detector finds an utterance in it.
    assert find_utterance(decode(speech.wav).pcm) is not None


def test_text_is_made_speakable_first(tts):
    speech = tts.synthesise("工单GD202612050007，15:30上门")
    assert speech.text == "工单G D 二零二六幺二零五零零零七，下午三点半上门"
    raw = tts.synthesise("15:30", normalise=False)
    assert raw.text == "15:30"


def test_slower_rate_is_measurably_longer(tts):
    normal = tts.synthesise(TEXT)
    elderly = tts.synthesise(TEXT, rate=TtsSettings().slower(0.8).rate)
    assert elderly.duration >= normal.duration * 1.15
    fast = tts.synthesise(TEXT, rate=250)
    assert fast.duration < normal.duration


def test_rate_applies_to_exactly_its_own_text(tts):
    # espeak-ng's queued rate used to land on the next text: alternate and compare.
    durations = {rate: set() for rate in (120, 250)}
    for rate in (120, 250, 120, 250, 120):
        durations[rate].add(tts.synthesise("请问您想约哪天几点", rate=rate).duration)
    # The same rate gives the same length within a few per cent (espeak-ng keeps some
    # pause state across texts), never the other rate's length.
    for rate in durations:
        assert max(durations[rate]) <= min(durations[rate]) * 1.05
    assert min(durations[120]) > max(durations[250]) * 1.5


def test_volume_scales_the_signal(tts):
    loud = wav_info(tts.synthesise("你好", volume=1.0).wav)[4]
    quiet = wav_info(tts.synthesise("你好", volume=0.25).wav)[4]
    assert np.abs(quiet).max() < np.abs(loud).max() * 0.5


def test_resampled_output(tts):
    speech = tts.synthesise("你好", sample_rate=16000)
    rate, *_ = wav_info(speech.wav)
    assert rate == speech.sample_rate == 16000


def test_ogg_opus_for_chat_apps(tts):
    speech = tts.synthesise("你好，我是社区管家")
    ogg = speech.ogg_opus()
    assert ogg[:4] == b"OggS" and b"OpusHead" in ogg[:200]
    assert decode(ogg).duration == pytest.approx(speech.duration, abs=0.06)


def test_stdout_stays_clean(tts, capfd):
    tts.synthesise("你好")
    out, _ = capfd.readouterr()
    assert out == ""  # pyttsx3's "Audio saved to ..." must not reach stdout


def test_threads_are_serialised_and_each_gets_its_own_text(tts):
    texts = ["你好", "请问您想约哪天几点", "好的，再见", "您的工单已受理"]
    expected = {t: tts.synthesise(t).wav for t in texts}
    results: dict[str, bytes] = {}
    errors: list[BaseException] = []

    def speak(text: str) -> None:
        try:
            results[text] = tts.synthesise(text).wav
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)

    threads = [threading.Thread(target=speak, args=(t,)) for t in texts * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    for text in texts:  # each thread got its own text (espeak-ng's pauses vary by a few %)
        assert wav_info(results[text])[3] == pytest.approx(wav_info(expected[text])[3], rel=0.05)


def test_control_characters_cannot_carry_espeak_commands(tts):
    plain = tts.synthesise("你好你好你好", normalise=False)
    injected = tts.synthesise("\x01" + "80S" + "你好你好你好", normalise=False)
    # "80S" is read (a little longer), but the text is not slowed to 80 words per minute.
    assert injected.duration < plain.duration * 2


def test_empty_text_and_bad_settings(tts):
    with pytest.raises(SynthesisError) as err:
        tts.synthesise("   😀 ")
    assert err.value.code == "tts_failed"
    with pytest.raises(ValueError):
        TtsSettings(rate=20)
    with pytest.raises(ValueError):
        TtsSettings(volume=1.5)
    with pytest.raises(SynthesisError, match="no voice"):
        Synthesiser(TtsSettings(voice="sit/no-such-voice")).synthesise("你好")
    with pytest.raises(SynthesisError, match="characters"):
        tts.synthesise("好" * 2001)
