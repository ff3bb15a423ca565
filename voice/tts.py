"""Mandarin speech from text, offline: pyttsx3 driving espeak-ng.

The voice is espeak-ng's ``cmn-latn-pinyin`` (pyttsx3 id ``sit/cmn-latn-pinyin``):
the plain ``cmn`` voice reads Latin letters as English-spoken pinyin. Output is a WAV
(espeak-ng's 22,050 Hz mono 16-bit, or resampled to the rate asked for) and, for chat
apps, OGG/Opus (``Speech.ogg_opus``).

Text is made speakable first (``voice.normalise.speakable``: ids digit by digit,
dates, times, money...) unless ``normalise=False``.

Three things about pyttsx3 2.99's espeak driver shape this module:

- One engine per process (pyttsx3 caches engines by driver; espeak-ng itself is
  initialised once) and it is not thread-safe: every use runs under one lock.
- espeak-ng runs in its asynchronous "retrieval" mode, and ``runAndWait`` returns as
  soon as synthesis has *started*: the WAV is written later from espeak's thread. So
  each call waits for the engine's ``finished-utterance`` notification before reading
  the file and releasing the lock.
- In that mode a rate or volume set through ``setProperty`` is queued behind espeak's
  own work and was measured landing on the next text, or not at all (the same text at
  120 and 250 words per minute came out equally long). Rate and volume therefore
  travel inside the text as espeak-ng embedded commands (``\x01<n>S`` speed,
  ``\x01<n>A`` amplitude), which apply to exactly that text; control characters in
  the caller's text are removed first, so a text cannot carry commands of its own.
  The same text at the same rate then comes out the same length within ~3 % (espeak-ng
  keeps some pause state from one text to the next; measured 1.369 s vs 1.408 s).
- The driver ``print``s "Audio saved to ..." on stdout (which a CLI's output or a
  stdio protocol must not get): that name is shadowed in the driver's module only, and
  the line goes to the debug log instead.
"""

from __future__ import annotations

import atexit
import gc
import io
import logging
import re
import tempfile
import threading
import wave
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from voice.audio import encode_ogg_opus, resample, to_wav
from voice.errors import SynthesisError
from voice.normalise import speakable

__all__ = ["VOICE", "ESPEAK_SAMPLE_RATE", "TtsSettings", "Speech", "Synthesiser"]

log = logging.getLogger(__name__)

VOICE = "sit/cmn-latn-pinyin"
ESPEAK_SAMPLE_RATE = 22_050
MAX_TEXT_CHARS = 2_000  # a reply to be heard is short; this guards the engine, not the style
APT_HINT = "apt-get install espeak-ng libespeak-ng1"
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

_lock = threading.Lock()
_engine = None  # the process's one pyttsx3 engine, created on first use under _lock
_voice: str | None = None  # the engine's current voice
_voice_ids: set[str] = set()
_done = threading.Event()
_errors: list[BaseException] = []


@dataclass(frozen=True)
class TtsSettings:
    voice: str = VOICE
    rate: int = 175  # espeak-ng words (for Mandarin: syllables) per minute; its own default
    volume: float = 1.0  # 0.0 to 1.0

    def __post_init__(self) -> None:
        if not 80 <= self.rate <= 450:
            raise ValueError(f"rate must be 80..450 words per minute, not {self.rate}")
        if not 0.0 <= self.volume <= 1.0:
            raise ValueError(f"volume must be 0.0..1.0, not {self.volume}")

    def slower(self, factor: float) -> TtsSettings:
        """These settings at ``factor`` of the rate (0.8 = 20 % slower)."""
        return replace(self, rate=max(80, round(self.rate * factor)))


@dataclass(frozen=True)
class Speech:
    wav: bytes  # mono 16-bit WAV at sample_rate
    sample_rate: int
    duration: float
    text: str  # what was read aloud (after normalisation)

    @property
    def pcm(self) -> bytes:
        with wave.open(io.BytesIO(self.wav)) as f:
            return f.readframes(f.getnframes())

    def ogg_opus(self) -> bytes:
        return encode_ogg_opus(self.pcm, self.sample_rate)


class Synthesiser:
    """Thread-safe: calls from any thread are serialised on the one engine."""

    def __init__(self, settings: TtsSettings = TtsSettings(), *, timeout: float = 30.0) -> None:
        self.settings = settings
        self.timeout = timeout

    def synthesise(self, text: str, *, rate: int | None = None, volume: float | None = None,
                   normalise: bool = True, sample_rate: int | None = None) -> Speech:
        settings = replace(self.settings, **{k: v for k, v in (("rate", rate), ("volume", volume)) if v is not None})
        spoken = speakable(text) if normalise else text.strip()
        if not spoken:
            raise SynthesisError("nothing to say: the text is empty once made speakable")
        if len(spoken) > MAX_TEXT_CHARS:
            raise SynthesisError(f"the text is {len(spoken)} characters; at most {MAX_TEXT_CHARS} are read aloud")
        pcm = _trim_silence(_synthesise(spoken, settings, self.timeout))
        rate_out = ESPEAK_SAMPLE_RATE
        if sample_rate and sample_rate != ESPEAK_SAMPLE_RATE:
            x = resample(np.frombuffer(pcm, "<i2").astype(np.float32) / 32768.0, ESPEAK_SAMPLE_RATE, sample_rate)
            pcm = (np.clip(x, -1.0, 32767 / 32768) * 32768.0).round().astype("<i2").tobytes()
            rate_out = sample_rate
        return Speech(to_wav(pcm, rate_out), rate_out, len(pcm) / 2 / rate_out, spoken)

    def voices(self) -> list[str]:
        """The ids of the installed Mandarin voices."""
        with _lock:
            engine = _get_engine()
            return [v.id for v in engine.getProperty("voices") if "cmn" in v.id]


def _synthesise(text: str, settings: TtsSettings, timeout: float) -> bytes:
    with _lock:
        engine = _get_engine()
        _set_voice(engine, settings.voice)
        commands = f"\x01{settings.rate}S\x01{round(settings.volume * 100)}A"
        return _run(engine, commands + _CONTROL_RE.sub(" ", text), timeout)


def _run(engine, text: str, timeout: float) -> bytes:
    """One utterance, start to finish; the caller holds _lock."""
    with tempfile.TemporaryDirectory(prefix="voice-tts-") as tmp:
        out = Path(tmp) / "speech.wav"
        _done.clear()
        _errors.clear()
        try:
            engine.save_to_file(text, str(out))
            engine.runAndWait()
        except Exception as error:
            raise SynthesisError(f"espeak-ng failed: {error}") from None
        # runAndWait returned when synthesis started (see the module's notes).
        if not _done.wait(timeout):
            engine.stop()  # so that a late end of this text cannot pass for the next one's
            raise SynthesisError(f"espeak-ng did not finish within {timeout:g} s")
        if _errors:
            raise SynthesisError(f"espeak-ng failed: {_errors[0]}")
        try:
            with wave.open(str(out), "rb") as f:
                return f.readframes(f.getnframes())
        except (OSError, EOFError, wave.Error) as error:
            raise SynthesisError(f"espeak-ng wrote no usable audio: {error}") from None


def _trim_silence(pcm: bytes, lead: float = 0.05, tail: float = 0.2, threshold: int = 100) -> bytes:
    """espeak-ng's leading silence varies by tens of milliseconds with the previous
    text's rate (the embedded commands take effect after it); trimming to a fixed
    margin makes the same text the same length every time, and starts it sooner."""
    x = np.frombuffer(pcm, "<i2")
    loud = np.flatnonzero(np.abs(x.astype(np.int32)) > threshold)
    if loud.size == 0:
        return pcm
    start = max(0, loud[0] - int(lead * ESPEAK_SAMPLE_RATE))
    end = min(len(x), loud[-1] + 1 + int(tail * ESPEAK_SAMPLE_RATE))
    return x[start:end].tobytes()


def _set_voice(engine, voice: str) -> None:
    """Queue a voice change for the coming run (espeak-ng switches voices at once, in
    the caller's thread). Not a run of its own: pyttsx3's driver would read its last
    text aloud again into the last file."""
    global _voice
    if voice != _voice:
        if voice not in _voice_ids:
            raise SynthesisError(f"espeak-ng has no voice {voice!r}; Mandarin voices: "
                                 f"{', '.join(sorted(v for v in _voice_ids if 'cmn' in v))}")
        engine.setProperty("voice", voice)
        _voice = voice


def _get_engine():
    global _engine
    if _engine is not None:
        return _engine
    try:
        import pyttsx3
        import pyttsx3.drivers.espeak as espeak_driver
    except (ImportError, OSError) as error:  # OSError: libespeak-ng is missing
        raise SynthesisError(f"pyttsx3 cannot load espeak-ng ({error}): {APT_HINT}") from None
    espeak_driver.print = _driver_print  # module-global: shadows the builtin for the driver only
    try:
        engine = pyttsx3.init("espeak")
    except Exception as error:
        raise SynthesisError(f"pyttsx3 could not start espeak-ng ({error}): {APT_HINT}") from None
    _voice_ids.update(v.id for v in engine.getProperty("voices"))
    if VOICE not in _voice_ids:
        raise SynthesisError(f"espeak-ng has no Mandarin voice {VOICE!r}: {APT_HINT}")
    engine.connect("finished-utterance", lambda name, completed: _done.set())
    engine.connect("error", _on_error)
    _set_voice(engine, VOICE)
    # The first utterance after start-up comes out ~40 ms shorter than every later one
    # of the same text; one throw-away utterance makes results repeatable from the start.
    _run(engine, "你好", 30.0)
    _engine = engine
    atexit.register(_release_engine)
    return engine


def _release_engine() -> None:
    """Drop the engine before the interpreter tears modules down: pyttsx3's
    ``DriverProxy.__del__`` needs ``contextlib`` and otherwise prints a traceback at exit."""
    global _engine
    _engine = None
    gc.collect()


def _on_error(name, exception) -> None:
    _errors.append(exception)
    _done.set()


def _driver_print(*args, **kwargs) -> None:
    log.debug("pyttsx3: %s", " ".join(str(a) for a in args))
