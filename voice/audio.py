"""Any voice message in, 16 kHz mono 16-bit PCM out.

What the channels receive:

| source | container / codec | decoded by |
|---|---|---|
| web page upload, smart speakers | WAV of any rate, width (8/16/24/32-bit, float) and channels | soundfile |
| Telegram and other chat apps | OGG/Opus (also OGG/Vorbis, FLAC, MP3); OGG/Speex | soundfile (libsndfile >= 1.0.29); Speex: ffmpeg |
| browsers' MediaRecorder | WebM/Opus (Chrome, Firefox), MP4/AAC (Safari) | ffmpeg |
| WeChat voice messages | AMR-NB (``#!AMR``), AMR-WB | sox (AMR-NB, every frame), else ffmpeg |

The format is recognised from the bytes, never from a file name or a client's MIME
type. soundfile decodes in process; ffmpeg runs as a subprocess with a time limit
(Debian package ``ffmpeg``) on a temporary file, because MP4 needs a seekable input.
Everything is mixed down to mono and resampled with a polyphase filter
(``scipy.signal.resample_poly``).

Limits (``AudioLimits``: 10 MB, 60 s by default) are checked before the work they
guard: the size before decoding, the declared duration before reading the samples,
and ffmpeg is told to stop a little after the limit.

Errors are typed (``voice.errors``): ``EmptyAudio``, ``UnsupportedAudio``,
``AudioTooLarge``, ``AudioTooLong``, and ``DecoderMissing`` when ffmpeg is not there.
WeChat's SILK and the JS-SDK's Speex need WeChat's own decoders: they are refused
as unsupported with a message that says so.
"""

from __future__ import annotations

import io
import logging
import math
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample as resample_fft
from scipy.signal import resample_poly

from voice.errors import AudioTooLarge, AudioTooLong, DecoderMissing, EmptyAudio, UnsupportedAudio

__all__ = ["SAMPLE_RATE", "Audio", "AudioLimits", "sniff", "decode", "decode_file", "from_pcm",
           "to_wav", "encode_ogg_opus", "resample"]

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000  # what vosk and webrtcvad want
FFMPEG_TIMEOUT_SECONDS = 30.0

# Formats soundfile decodes in process; the others go through ffmpeg.
_SOUNDFILE_FORMATS = {"wav", "ogg", "flac", "mp3"}
_FFMPEG_INPUT = {"webm": "matroska", "amr": "amr", "amr-wb": "amr", "mp4": "mp4", "ogg": "ogg"}


@dataclass(frozen=True)
class AudioLimits:
    max_bytes: int = 10 * 1024 * 1024
    max_seconds: float = 60.0


@dataclass(frozen=True)
class Audio:
    """Mono signed 16-bit little-endian PCM."""

    pcm: bytes
    sample_rate: int = SAMPLE_RATE
    source_format: str = "pcm"

    @property
    def duration(self) -> float:
        return len(self.pcm) / 2 / self.sample_rate

    @property
    def samples(self) -> np.ndarray:
        return np.frombuffer(self.pcm, dtype="<i2")

    def wav(self) -> bytes:
        return to_wav(self.pcm, self.sample_rate)

    def chunks(self, milliseconds: int) -> Iterator[bytes]:
        """The PCM in pieces of ``milliseconds`` (the last may be shorter): how a
        stream would have delivered it."""
        size = self.sample_rate * milliseconds // 1000 * 2
        for start in range(0, len(self.pcm), size):
            yield self.pcm[start:start + size]


def sniff(data: bytes) -> str | None:
    """The container of ``data`` from its first bytes, or None when unknown."""
    head = data[:64]
    if head[:4] in (b"RIFF", b"RIFX", b"RF64") and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"OggS":
        return "ogg"
    if head[:4] == b"fLaC":
        return "flac"
    if head[:4] == b"\x1a\x45\xdf\xa3":  # EBML: WebM / Matroska
        return "webm"
    if head[:9] == b"#!AMR-WB\n":
        return "amr-wb"
    if head[:6] == b"#!AMR\n":
        return "amr"
    if head[:9] == b"#!SILK_V3" or head[1:10] == b"#!SILK_V3":
        return "silk"
    if head[4:8] == b"ftyp":
        return "mp4"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    return None


def decode(data: bytes, *, limits: AudioLimits = AudioLimits()) -> Audio:
    """Decode a whole voice message to 16 kHz mono 16-bit PCM."""
    if not data:
        raise EmptyAudio("the audio is empty (0 bytes)")
    if len(data) > limits.max_bytes:
        raise AudioTooLarge(f"the audio is {len(data):,} bytes; at most {limits.max_bytes:,} are accepted")
    kind = sniff(data)
    if kind is None:
        raise UnsupportedAudio("not a recognised audio format (accepted: WAV, OGG/Opus, WebM/Opus, "
                               "AMR-NB, MP4/AAC, FLAC, MP3)")
    if kind == "silk":
        raise UnsupportedAudio("WeChat SILK audio needs WeChat's own decoder and is not supported; "
                               "send AMR or another format")
    if kind in _SOUNDFILE_FORMATS:
        try:
            samples, rate = _soundfile_decode(data, limits)
        except sf.LibsndfileError as error:
            if kind != "ogg":  # an OGG soundfile cannot read (Speex) may still be ffmpeg's
                raise UnsupportedAudio(f"cannot decode this {kind.upper()} audio: {error}") from None
            log.debug("soundfile could not read an OGG stream (%s); trying ffmpeg", error)
            return _ffmpeg_decode(data, kind, limits)
        audio = Audio(_to_int16(resample(_mono(samples), rate, SAMPLE_RATE)), SAMPLE_RATE, kind)
    elif kind == "amr" and shutil.which("sox"):
        audio = _sox_decode_amr(data, limits)
    else:
        audio = _ffmpeg_decode(data, kind, limits)
    if not audio.pcm:
        raise EmptyAudio(f"the {kind.upper()} audio holds no samples")
    if audio.duration > limits.max_seconds:
        raise AudioTooLong(f"the audio lasts {audio.duration:.1f} s; at most {limits.max_seconds:g} s are accepted")
    return audio


def decode_file(path: str | Path, *, limits: AudioLimits = AudioLimits()) -> Audio:
    path = Path(path)
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise AudioTooLarge(f"{path.name} is {size:,} bytes; at most {limits.max_bytes:,} are accepted")
    return decode(path.read_bytes(), limits=limits)


def from_pcm(data: bytes, sample_rate: int, *, sample_width: int = 2, channels: int = 1,
             limits: AudioLimits = AudioLimits()) -> Audio:
    """Raw little-endian PCM (a stream's frames, say) as 16 kHz mono 16-bit PCM."""
    if sample_width not in (1, 2, 4) or not 1 <= channels <= 8 or not 1000 <= sample_rate <= 384_000:
        raise UnsupportedAudio(f"unsupported raw PCM: {sample_rate} Hz, {sample_width} bytes, {channels} channels")
    frame = sample_width * channels
    if len(data) % frame:
        raise UnsupportedAudio(f"raw PCM length {len(data)} is not a whole number of {frame}-byte frames")
    if len(data) / frame / sample_rate > limits.max_seconds:
        raise AudioTooLong(f"the audio lasts more than {limits.max_seconds:g} s")
    if sample_rate == SAMPLE_RATE and sample_width == 2 and channels == 1:
        return Audio(bytes(data))
    if sample_width == 1:  # 8-bit PCM is unsigned
        x = (np.frombuffer(data, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    else:
        dtype = "<i2" if sample_width == 2 else "<i4"
        x = np.frombuffer(data, dtype=dtype).astype(np.float32) / float(2 ** (8 * sample_width - 1))
    x = _mono(x.reshape(-1, channels))
    return Audio(_to_int16(resample(x, sample_rate, SAMPLE_RATE)))


def resample(samples: np.ndarray, source_rate: int, target_rate: int) -> np.ndarray:
    """Float samples from ``source_rate`` to ``target_rate`` (polyphase, anti-aliased)."""
    if source_rate == target_rate or samples.size == 0:
        return samples.astype(np.float32, copy=False)
    g = math.gcd(int(source_rate), int(target_rate))
    up, down = target_rate // g, source_rate // g
    if max(up, down) > 1000:
        # An odd rate (a header saying 44101 Hz) would make the polyphase filter hundreds
        # of thousands of taps long: resample in the frequency domain instead.
        return resample_fft(samples, round(len(samples) * target_rate / source_rate)).astype(np.float32)
    return resample_poly(samples, up, down).astype(np.float32)


def to_wav(pcm: bytes, sample_rate: int = SAMPLE_RATE) -> bytes:
    """Mono 16-bit PCM in a WAV container."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(pcm)
    return buffer.getvalue()


def encode_ogg_opus(pcm: bytes, sample_rate: int) -> bytes:
    """Mono 16-bit PCM as OGG/Opus, what chat apps play as a voice note (Telegram's
    sendVoice). Opus takes only 8/12/16/24/48 kHz, so other rates go to 48 kHz first."""
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
    if sample_rate not in (8000, 12000, 16000, 24000, 48000):
        x, sample_rate = resample(x, sample_rate, 48000), 48000
    buffer = io.BytesIO()
    sf.write(buffer, x, sample_rate, format="OGG", subtype="OPUS")
    return buffer.getvalue()


# -- internals ------------------------------------------------------------------------
def _soundfile_decode(data: bytes, limits: AudioLimits) -> tuple[np.ndarray, int]:
    with sf.SoundFile(io.BytesIO(data)) as f:
        # The declared length, before reading a sample: a header may promise hours.
        if f.frames > 0 and f.samplerate > 0 and f.frames / f.samplerate > limits.max_seconds + 0.5:
            raise AudioTooLong(f"the audio lasts {f.frames / f.samplerate:.1f} s; "
                               f"at most {limits.max_seconds:g} s are accepted")
        samples = f.read(frames=int((limits.max_seconds + 1) * f.samplerate), dtype="float32", always_2d=True)
        return samples, f.samplerate


def _ffmpeg_decode(data: bytes, kind: str, limits: AudioLimits) -> Audio:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise DecoderMissing(f"decoding {kind.upper()} audio needs ffmpeg: apt-get install ffmpeg")
    with tempfile.TemporaryDirectory(prefix="voice-") as tmp:
        source = Path(tmp) / f"in.{kind}"
        source.write_bytes(data)
        command = [ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-f", _FFMPEG_INPUT[kind],
                   "-i", str(source), "-t", f"{limits.max_seconds + 1:g}", "-vn", "-ac", "1",
                   "-ar", str(SAMPLE_RATE), "-f", "s16le", "-acodec", "pcm_s16le", "pipe:1"]
        try:
            done = subprocess.run(command, capture_output=True, timeout=FFMPEG_TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise UnsupportedAudio(f"decoding this {kind.upper()} audio took longer than "
                                   f"{FFMPEG_TIMEOUT_SECONDS:g} s") from None
    errors = done.stderr.decode("utf-8", "replace").strip()
    if done.returncode != 0:
        last = errors.splitlines()[-1] if errors else f"ffmpeg exited with {done.returncode}"
        raise UnsupportedAudio(f"cannot decode this {kind.upper()} audio: {last}")
    if errors:
        # Debian's ffmpeg drops AMR DTX (comfort-noise) frames with an error line and
        # exit 0: the speech is intact, so this is worth a debug line, not a failure.
        log.debug("ffmpeg decoded %s with messages: %s", kind, errors[:500])
    pcm = done.stdout[: len(done.stdout) // 2 * 2]
    return Audio(pcm, SAMPLE_RATE, kind)


def _sox_decode_amr(data: bytes, limits: AudioLimits) -> Audio:
    """AMR-NB through sox (libopencore-amrnb): Debian's ffmpeg drops the DTX frames
    WeChat's recorder writes in pauses, which shortens the silences VAD relies on."""
    command = [shutil.which("sox") or "sox", "-q", "-t", "amr-nb", "-", "-t", "raw", "-r", str(SAMPLE_RATE),
               "-c", "1", "-b", "16", "-e", "signed-integer", "-L", "-", "trim", "0", f"{limits.max_seconds + 1:g}"]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=FFMPEG_TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise UnsupportedAudio(f"decoding this AMR audio took longer than {FFMPEG_TIMEOUT_SECONDS:g} s") from None
    if done.returncode != 0 or not done.stdout:
        # sox without its AMR format module (libsox-fmt-all) fails here too: ffmpeg can still do it.
        log.debug("sox could not decode AMR (%s); trying ffmpeg", done.stderr.decode("utf-8", "replace")[:300])
        return _ffmpeg_decode(data, "amr", limits)
    return Audio(done.stdout[: len(done.stdout) // 2 * 2], SAMPLE_RATE, "amr")


def _mono(samples: np.ndarray) -> np.ndarray:
    return samples.mean(axis=1) if samples.ndim == 2 else samples


def _to_int16(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1.0, 32767 / 32768) * 32768.0).round().astype("<i2").tobytes()
