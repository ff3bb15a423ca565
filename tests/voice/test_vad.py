"""End-of-utterance detection on a real espeak-ng utterance between silences."""

from __future__ import annotations

import pytest

from voice.audio import decode
from voice.vad import NoSpeech, SpeechEnded, SpeechStarted, UtteranceDetector, VadSettings, find_utterance

LEAD = 1.0  # seconds of silence before the utterance (conftest: padded)


def stream(detector: UtteranceDetector, pcm: bytes, chunk_ms: int = 100):
    """Feed ``pcm`` as a live stream would; (event, seconds of audio fed when it came)."""
    size = 16000 * chunk_ms // 1000 * 2
    out = []
    for start in range(0, len(pcm), size):
        for event in detector.process(pcm[start:start + size]):
            out.append((event, (start + size) / 32000))
    return out


@pytest.fixture(scope="module")
def padded(clips):
    return decode(clips.padded.read_bytes())


@pytest.fixture(scope="module")
def speech_end(clips, padded) -> float:
    """Where the voice really stops: the last sample above a low threshold (espeak-ng
    ends its output with a short pause of its own)."""
    samples = padded.samples
    loud = (abs(samples) > 500).nonzero()[0]
    return loud[-1] / 16000


@pytest.mark.parametrize("aggressiveness", [0, 1, 2, 3])
def test_finds_start_and_end_of_the_utterance(padded, speech_end, aggressiveness):
    detector = UtteranceDetector(VadSettings(aggressiveness=aggressiveness))
    events = stream(detector, padded.pcm)
    kinds = [type(e) for e, _ in events]
    assert kinds == [SpeechStarted, SpeechEnded]
    (started, _), (ended, heard_at) = events
    assert LEAD - 0.05 <= started.at <= LEAD + 0.3
    assert ended.reason == "silence"
    assert speech_end - 0.35 <= ended.at <= speech_end + 0.2  # webrtcvad holds "speech" ~0.1-0.2 s
    # The end is announced after the configured trailing silence, long before the stream ends.
    assert heard_at == pytest.approx(ended.at + 0.8, abs=0.15)
    assert heard_at < padded.duration - 0.5
    assert detector.ended and detector.started_at == started.at and detector.ended_at == ended.at


def test_trailing_silence_is_configurable(padded):
    quick = stream(UtteranceDetector(VadSettings(silence_seconds=0.3)), padded.pcm)
    patient = stream(UtteranceDetector(VadSettings(silence_seconds=1.5)), padded.pcm)
    quick_end, patient_end = quick[-1], patient[-1]
    assert isinstance(quick_end[0], SpeechEnded) and isinstance(patient_end[0], SpeechEnded)
    assert patient_end[1] - quick_end[1] == pytest.approx(1.2, abs=0.15)


def test_chunk_size_does_not_change_the_result(padded):
    results = set()
    for chunk_ms in (7, 30, 100, 1000):  # 7 ms: chunks smaller than a frame and out of step with it
        events = stream(UtteranceDetector(), padded.pcm, chunk_ms)
        results.add(tuple((type(e).__name__, round(e.at, 3)) for e, _ in events))
    assert len(results) == 1


def test_silence_alone_gives_no_speech(clips):
    silence = decode(clips.silence.read_bytes())
    detector = UtteranceDetector(VadSettings(no_speech_seconds=2.0))
    events = stream(detector, silence.pcm)
    assert [type(e) for e, _ in events] == [NoSpeech]
    assert events[0][0].at == pytest.approx(2.0, abs=0.031)
    assert detector.started_at is None
    assert find_utterance(silence.pcm) is None


def test_an_utterance_is_cut_at_its_maximum_length(clips):
    speech = decode(clips.speech.read_bytes()).pcm
    long_speech = speech * 3  # back to back: no silence long enough to end it
    events = stream(UtteranceDetector(VadSettings(max_seconds=2.0)), long_speech)
    ended = [e for e, _ in events if isinstance(e, SpeechEnded)]
    assert len(ended) == 1 and ended[0].reason == "max_length"
    start = next(e for e, _ in events if isinstance(e, SpeechStarted)).at
    assert ended[0].at - start == pytest.approx(2.0, abs=0.031)


def test_stream_end_closes_an_open_utterance(clips):
    speech = decode(clips.speech.read_bytes()).pcm
    cut = speech[: len(speech) // 2]  # the stream stops mid-sentence
    detector = UtteranceDetector()
    events = detector.process(cut)
    assert [type(e) for e in events] == [SpeechStarted]
    final = detector.finish()
    assert len(final) == 1 and final[0].reason == "end_of_stream"
    assert detector.process(cut) == []  # an ended detector ignores more audio
    detector.reset()
    assert detector.state == "waiting" and detector.process(cut)


def test_find_utterance_on_a_whole_recording(padded, speech_end):
    found = find_utterance(padded.pcm)
    assert found is not None
    assert found.start == pytest.approx(LEAD, abs=0.3)
    assert found.end == pytest.approx(speech_end, abs=0.35)


@pytest.mark.parametrize("bad", [dict(aggressiveness=4), dict(frame_ms=25), dict(silence_seconds=0)])
def test_settings_are_checked(bad):
    with pytest.raises(ValueError):
        VadSettings(**bad)
