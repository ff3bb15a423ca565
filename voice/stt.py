"""Streaming speech recognition with vosk (Kaldi), offline.

A model is a directory, always loaded by its path (``vosk.Model(path)``): vosk's
loading by language or by model name downloads from the internet, so it is never used. ``load_model`` loads each directory once
per process and raises ``ModelMissing`` — naming the install command — when there
is no model there. A loaded model is shared by every recogniser and thread.

A ``Recogniser`` is one stream (one per conversation turn, used by one thread at a
time). Feed it 16 kHz mono 16-bit PCM in chunks of any size:

    rec = Recogniser(model)
    for chunk in chunks:
        for event in rec.accept(chunk):   # PartialTranscript / FinalTranscript
            ...
    last = rec.finish()                    # FinalTranscript(end_of_stream=True)

Recognisers are expensive to make and cheap to reuse: keep them in a
``RecogniserPool`` (``with pool.acquire() as rec``), which resets each for the next
stream.

``PartialTranscript`` is emitted when the running hypothesis changes;
``FinalTranscript`` when vosk detects the end of an utterance (an endpoint) and at
``finish``. Chinese models emit words separated by spaces; the text joins Han
characters back together (``你好 世界`` → ``你好世界``) and leaves other scripts alone.

``phrases`` restricts recognition to a short list (a grammar), which makes short
answers far more reliable: ``ELDERLY_ANSWERS`` holds 是/不是/一/二/三/人工 and the
like. A phrase the model's vocabulary lacks as one word is tried character by
character; what cannot be expressed at all is dropped with a warning, and a list
with nothing left falls back to free recognition (``Recogniser.grammar`` is then
None). Speech outside the list comes back as an empty text with ``out_of_grammar``.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import vosk

from voice.audio import SAMPLE_RATE
from voice.errors import ModelMissing, RecognitionError

__all__ = ["ELDERLY_ANSWERS", "Word", "PartialTranscript", "FinalTranscript", "Transcript", "Recogniser",
           "RecogniserPool", "load_model", "looks_like_model", "transcribe", "INSTALL_HINT"]

log = logging.getLogger(__name__)

INSTALL_HINT = ("install one with `butler models fetch vosk-small-cn` (or, without internet, "
                "`butler models install vosk-model-small-cn-0.22.zip`), or point BUTLER_VOSK_MODEL_DIR "
                "at a vosk model directory")

# Short answers an elderly resident gives to a yes/no question or a numbered menu.
# 救命 stays in every list: a grammar must never make a cry for help unhearable.
ELDERLY_ANSWERS: tuple[str, ...] = (
    "是", "是的", "不是", "对", "对的", "不对", "好", "好的", "不要", "可以", "不用",
    "一", "二", "三", "四", "五", "第一个", "第二个", "第三个",
    "人工", "转人工", "再说一遍", "没听清", "慢一点", "救命",
)

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_SPACE_RE = re.compile(rf"(?<=[{_HAN}]) +(?=[{_HAN}])")
_UNK = "[unk]"

_models: dict[Path, vosk.Model] = {}
_models_lock = threading.Lock()


@dataclass(frozen=True)
class Word:
    word: str
    start: float
    end: float
    confidence: float


@dataclass(frozen=True)
class PartialTranscript:
    text: str


@dataclass(frozen=True)
class FinalTranscript:
    text: str
    words: tuple[Word, ...] = ()
    end_of_stream: bool = False  # False: vosk found an endpoint mid-stream
    out_of_grammar: bool = False  # a grammar was set and what was said is not in it

    @property
    def confidence(self) -> float | None:
        return sum(w.confidence for w in self.words) / len(self.words) if self.words else None


TranscriptEvent = PartialTranscript | FinalTranscript


@dataclass(frozen=True)
class Transcript:
    """A whole recording's result: the finals' texts joined."""

    text: str
    finals: tuple[FinalTranscript, ...] = field(default_factory=tuple)
    partials: int = 0


def looks_like_model(path: Path) -> bool:
    path = Path(path)
    return (path / "am" / "final.mdl").is_file() or (path / "final.mdl").is_file()


def load_model(path: str | Path) -> vosk.Model:
    """The vosk model in ``path``, loaded once per process."""
    path = Path(path).expanduser().resolve()
    with _models_lock:
        if path in _models:
            return _models[path]
        if not path.is_dir():
            raise ModelMissing(f"no speech recognition model at {path}: {INSTALL_HINT}")
        if not looks_like_model(path):
            raise ModelMissing(f"{path} is not a vosk model (no am/final.mdl): {INSTALL_HINT}")
        vosk.SetLogLevel(-1)  # Kaldi's LOG lines go; its warnings and errors stay
        try:
            model = vosk.Model(str(path))
        except Exception as error:  # vosk raises a bare Exception("Failed to create a model")
            raise ModelMissing(f"the vosk model at {path} could not be loaded ({error}); check it with "
                               f"`butler models verify-speech` or reinstall it: {INSTALL_HINT}") from None
        _models[path] = model
        return model


def grammar_for(model: vosk.Model, phrases: Iterable[str]) -> list[str]:
    """``phrases`` as a vosk grammar this model can use (see the module's notes)."""
    grammar: list[str] = []
    missing: list[str] = []
    for phrase in phrases:
        phrase = phrase.strip()
        if not phrase:
            continue
        words = phrase.split()
        if all(model.vosk_model_find_word(w) != -1 for w in words):
            candidate = phrase
        else:
            # Chinese lexicons split differently (不是 may be 不 + 是): try the characters.
            chars = [c for c in phrase if not c.isspace()]
            candidate = " ".join(chars) if all(model.vosk_model_find_word(c) != -1 for c in chars) else ""
        if not candidate:
            missing.append(phrase)
        elif candidate not in grammar:
            grammar.append(candidate)
    if missing:
        log.warning("grammar phrases not in the model's vocabulary, left out: %s", "、".join(missing))
    return grammar


def join_words(text: str) -> str:
    """vosk's space-separated words as text: no spaces between Han characters."""
    text = " ".join(w for w in text.split() if w != _UNK)
    return _HAN_SPACE_RE.sub("", text)


class Recogniser:
    def __init__(self, model: vosk.Model | str | Path, *, sample_rate: int = SAMPLE_RATE,
                 phrases: Sequence[str] | None = None, words: bool = True) -> None:
        self.model = model if isinstance(model, vosk.Model) else load_model(model)
        self.sample_rate = sample_rate
        self.grammar: list[str] | None = None
        if phrases:
            grammar = grammar_for(self.model, phrases)
            if grammar:
                self.grammar = grammar
            else:
                log.warning("none of the %d grammar phrases is in the model's vocabulary: "
                            "recognising freely", len(phrases))
        try:
            if self.grammar:
                # [unk] lets speech outside the list come out as "not in the list" rather than
                # as the nearest phrase; a model without it in its vocabulary only warns.
                unk = [_UNK] if self.model.vosk_model_find_word(_UNK) != -1 else []
                self._rec = vosk.KaldiRecognizer(self.model, float(sample_rate),
                                                 json.dumps(self.grammar + unk, ensure_ascii=False))
            else:
                self._rec = vosk.KaldiRecognizer(self.model, float(sample_rate))
        except Exception as error:
            raise RecognitionError(f"vosk could not create a recogniser: {error}") from None
        self._rec.SetWords(words)
        self._partial = ""
        self._finished = False

    def reset(self) -> None:
        """Ready for the next stream. Reusing a recogniser is much cheaper than making
        one (see RecogniserPool)."""
        self._rec.Reset()
        self._partial = ""
        self._finished = False

    def accept(self, pcm: bytes) -> list[TranscriptEvent]:
        """Feed PCM; the events it produced (at most a final and a partial)."""
        if self._finished:
            raise RecognitionError("this recogniser has finished; reset() it for the next stream")
        if len(pcm) % 2:
            raise RecognitionError("PCM must be 16-bit: an odd number of bytes was given")
        if not pcm:
            return []
        if self._rec.AcceptWaveform(pcm):
            self._partial = ""
            final = self._final(self._rec.Result(), end_of_stream=False)
            return [final] if (final.text or final.out_of_grammar) else []
        partial = join_words(json.loads(self._rec.PartialResult()).get("partial", ""))
        if partial and partial != self._partial:
            self._partial = partial
            return [PartialTranscript(partial)]
        return []

    def finish(self) -> FinalTranscript:
        """The end of the stream: what is left as a final result."""
        if self._finished:
            raise RecognitionError("finish() was already called")
        self._finished = True
        return self._final(self._rec.FinalResult(), end_of_stream=True)

    def _final(self, raw: str, *, end_of_stream: bool) -> FinalTranscript:
        result = json.loads(raw)
        raw_text = result.get("text", "")
        words = tuple(Word(w["word"], float(w["start"]), float(w["end"]), float(w.get("conf", 1.0)))
                      for w in result.get("result", []) if w.get("word") != _UNK)
        text = join_words(raw_text)
        out_of_grammar = bool(self.grammar) and _UNK in raw_text.split() and not text
        return FinalTranscript(text, words, end_of_stream, out_of_grammar)


class RecogniserPool:
    """Warm recognisers, reused stream after stream.

    A new vosk recogniser pays for building its decoding graph's caches on its first
    speech: measured with the Korean model, 1.1-1.8 s for the first 200 ms chunk of
    speech, against 20-30 ms on a recogniser that has decoded a few turns
    (bench/results/voice.md). A voice channel should therefore keep recognisers and
    reset them, not make one per turn: ``with pool.acquire() as rec: ...`` lends one
    (made if none is idle) and takes it back reset, keeping at most ``size`` idle.
    ``warm`` makes them ahead of time and runs audio through each, so that the first
    resident does not pay. One pool per grammar (``phrases``). Thread-safe.
    """

    def __init__(self, model: vosk.Model | str | Path, *, phrases: Sequence[str] | None = None,
                 size: int = 2, sample_rate: int = SAMPLE_RATE) -> None:
        self.model = model if isinstance(model, vosk.Model) else load_model(model)
        self.phrases = tuple(phrases) if phrases else None
        self.size = size
        self.sample_rate = sample_rate
        self._idle: list[Recogniser] = []
        self._lock = threading.Lock()

    def _new(self) -> Recogniser:
        return Recogniser(self.model, sample_rate=self.sample_rate, phrases=self.phrases)

    def warm(self, pcm: bytes | None = None) -> None:
        """Fill the pool, running ``pcm`` (speech works best; default: 1 s of quiet
        noise) through each recogniser."""
        if pcm is None:
            rng = np.random.default_rng(0)
            pcm = rng.normal(0.0, 3000.0, self.sample_rate).astype("<i2").tobytes()
        with self._lock:
            missing = self.size - len(self._idle)
        for _ in range(missing):
            rec = self._new()
            rec.accept(pcm[: len(pcm) // 2 * 2])
            rec.finish()
            rec.reset()
            self._release(rec)

    @contextmanager
    def acquire(self) -> Iterator[Recogniser]:
        with self._lock:
            rec = self._idle.pop() if self._idle else None
        if rec is None:
            rec = self._new()
        try:
            yield rec
        finally:
            rec.reset()
            self._release(rec)

    def _release(self, rec: Recogniser) -> None:
        with self._lock:
            if len(self._idle) < self.size:
                self._idle.append(rec)

    @property
    def idle(self) -> int:
        with self._lock:
            return len(self._idle)


def transcribe(model: vosk.Model | str | Path | RecogniserPool, pcm: bytes, *,
               phrases: Sequence[str] | None = None, chunk_ms: int = 200) -> Transcript:
    """A whole recording (16 kHz mono 16-bit PCM) through a streaming recogniser (one
    of the pool's, when given a pool; its own grammar then applies)."""
    if isinstance(model, RecogniserPool):
        with model.acquire() as rec:
            return _transcribe(rec, pcm, chunk_ms)
    return _transcribe(Recogniser(model, phrases=phrases), pcm, chunk_ms)


def _transcribe(rec: Recogniser, pcm: bytes, chunk_ms: int) -> Transcript:
    step = SAMPLE_RATE * chunk_ms // 1000 * 2
    finals: list[FinalTranscript] = []
    partials = 0
    for start in range(0, len(pcm), step):
        for event in rec.accept(pcm[start:start + step]):
            if isinstance(event, FinalTranscript):
                finals.append(event)
            else:
                partials += 1
    finals.append(rec.finish())
    text = join_words(" ".join(f.text for f in finals if f.text))
    return Transcript(text, tuple(finals), partials)
