"""Where an utterance starts and ends, from 16 kHz mono 16-bit PCM.

webrtcvad (the WebRTC voice activity detector) labels each 10/20/30 ms frame speech
or not; ``UtteranceDetector`` turns those labels into events, in the manner of Home
Assistant's ``VoiceCommandSegmenter``:

- ``SpeechStarted`` once ``speech_seconds`` of speech have been heard without a gap
  longer than ``reset_seconds`` (a cough or a click does not start an utterance);
- ``SpeechEnded`` after ``silence_seconds`` of unbroken silence (reason ``silence``)
  or when the utterance reaches ``max_seconds`` (reason ``max_length``);
- ``NoSpeech`` when nobody has spoken within ``no_speech_seconds``.

Elderly speakers pause inside a sentence, so the default trailing silence is a
generous 0.8 s; a channel can lower it for quick answers. Times in events are seconds
from the first byte the detector was given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import webrtcvad

from voice.audio import SAMPLE_RATE

__all__ = ["VadSettings", "SpeechStarted", "SpeechEnded", "NoSpeech", "VadEvent", "UtteranceDetector",
           "Utterance", "find_utterance"]


@dataclass(frozen=True)
class VadSettings:
    aggressiveness: int = 2  # webrtcvad mode: 0 (keeps most as speech) to 3 (filters most noise)
    frame_ms: int = 30  # 10, 20 or 30: webrtcvad takes no other length
    speech_seconds: float = 0.3
    reset_seconds: float = 0.15  # a gap this long before the start is reached starts counting again
    silence_seconds: float = 0.8
    max_seconds: float = 15.0
    no_speech_seconds: float | None = 8.0

    def __post_init__(self) -> None:
        if self.aggressiveness not in (0, 1, 2, 3):
            raise ValueError(f"aggressiveness must be 0..3, not {self.aggressiveness}")
        if self.frame_ms not in (10, 20, 30):
            raise ValueError(f"frame_ms must be 10, 20 or 30, not {self.frame_ms}")
        if self.silence_seconds <= 0 or self.speech_seconds <= 0 or self.max_seconds <= 0:
            raise ValueError("speech_seconds, silence_seconds and max_seconds must be positive")


@dataclass(frozen=True)
class SpeechStarted:
    at: float  # where the speech that started the utterance began


@dataclass(frozen=True)
class SpeechEnded:
    at: float  # the end of the last speech frame (the trailing silence is not counted)
    reason: Literal["silence", "max_length", "end_of_stream"]


@dataclass(frozen=True)
class NoSpeech:
    at: float


VadEvent = SpeechStarted | SpeechEnded | NoSpeech


class UtteranceDetector:
    """Feed PCM chunks of any length with ``process``; it returns the events those
    chunks completed. One detector per stream (it keeps state); not thread-safe."""

    def __init__(self, settings: VadSettings = VadSettings()) -> None:
        self.settings = settings
        self._vad = webrtcvad.Vad(settings.aggressiveness)
        self._frame_bytes = SAMPLE_RATE * settings.frame_ms // 1000 * 2
        self._frame_seconds = settings.frame_ms / 1000
        self.reset()

    def reset(self) -> None:
        self._pending = b""
        self._frames = 0
        self._now = 0.0  # seconds processed (frames x frame length: no drift from summing floats)
        self.state: Literal["waiting", "speaking", "ended"] = "waiting"
        self._run = 0.0  # speech heard towards a start
        self._run_start = 0.0
        self._gap = 0.0
        self._silence = 0.0  # trailing silence while speaking
        self.started_at: float | None = None
        self.ended_at: float | None = None
        self._last_speech_end = 0.0

    @property
    def ended(self) -> bool:
        return self.state == "ended"

    def process(self, pcm: bytes) -> list[VadEvent]:
        if self.state == "ended":
            return []
        data = self._pending + pcm
        events: list[VadEvent] = []
        usable = len(data) - len(data) % self._frame_bytes
        for offset in range(0, usable, self._frame_bytes):
            event = self._frame(data[offset:offset + self._frame_bytes])
            if event is not None:
                events.append(event)
                if self.state == "ended":
                    self._pending = b""
                    return events
        self._pending = data[usable:]
        return events

    def finish(self) -> list[VadEvent]:
        """The stream is over: an utterance still open ends here."""
        if self.state == "speaking":
            self.state = "ended"
            self.ended_at = self._last_speech_end
            return [SpeechEnded(self._last_speech_end, "end_of_stream")]
        return []

    def _frame(self, frame: bytes) -> VadEvent | None:
        s = self.settings
        start = self._now
        self._frames += 1
        self._now = round(self._frames * self._frame_seconds, 6)
        speech = self._vad.is_speech(frame, SAMPLE_RATE)
        if self.state == "waiting":
            if speech:
                if self._run == 0.0:
                    self._run_start = start
                self._run += self._frame_seconds
                self._gap = 0.0
                if self._run >= s.speech_seconds - 1e-9:
                    self.state = "speaking"
                    self.started_at = self._run_start
                    self._last_speech_end = self._now
                    return SpeechStarted(self._run_start)
            else:
                self._gap += self._frame_seconds
                if self._gap >= s.reset_seconds - 1e-9:
                    self._run = 0.0
                if s.no_speech_seconds is not None and self._now >= s.no_speech_seconds - 1e-9:
                    self.state = "ended"
                    return NoSpeech(self._now)
            return None
        # speaking
        if speech:
            self._silence = 0.0
            self._last_speech_end = self._now
        else:
            self._silence += self._frame_seconds
            if self._silence >= s.silence_seconds - 1e-9:
                self.state = "ended"
                self.ended_at = self._last_speech_end
                return SpeechEnded(self._last_speech_end, "silence")
        if self.started_at is not None and self._now - self.started_at >= s.max_seconds - 1e-9:
            self.state = "ended"
            self.ended_at = self._now
            return SpeechEnded(self._now, "max_length")
        return None


@dataclass(frozen=True)
class Utterance:
    start: float
    end: float
    reason: str


def find_utterance(pcm: bytes, settings: VadSettings = VadSettings(no_speech_seconds=None)) -> Utterance | None:
    """The first utterance of a whole recording, or None if it holds no speech."""
    detector = UtteranceDetector(settings)
    events = detector.process(pcm) + detector.finish()
    ended = next((e for e in events if isinstance(e, SpeechEnded)), None)
    if detector.started_at is None or ended is None:
        return None
    return Utterance(detector.started_at, ended.at, ended.reason)
