"""Decoding every format a channel receives to 16 kHz mono 16-bit PCM, and the
errors for what cannot or must not be decoded."""

from __future__ import annotations

import io
import time
import wave

import numpy as np
import pytest
import soundfile as sf

from tests.voice.conftest import need, run
from voice import audio
from voice.audio import AudioLimits, decode, encode_ogg_opus, from_pcm, sniff
from voice.errors import AudioTooLarge, AudioTooLong, DecoderMissing, EmptyAudio, UnsupportedAudio

FORMATS = ["wav-22k-mono-16", "wav-44k-stereo-24", "wav-8k-mono-8", "wav-48k-mono-float", "wav-16k-mono-16",
           "ogg-opus", "webm-opus", "mp4-aac", "amr-nb"]
EXPECTED_KIND = {"ogg-opus": "ogg", "webm-opus": "webm", "mp4-aac": "mp4", "amr-nb": "amr"}


def envelope(samples: np.ndarray, rate: int = 16000, window_ms: int = 50) -> np.ndarray:
    size = rate * window_ms // 1000
    n = len(samples) // size
    frames = samples[: n * size].astype(np.float64).reshape(n, size)
    return np.sqrt((frames ** 2).mean(axis=1))


@pytest.fixture(scope="module")
def reference(formats) -> np.ndarray:
    """sox's own 16 kHz rendering of the utterance: an independent reference."""
    with wave.open(str(formats["wav-16k-mono-16"])) as f:
        return np.frombuffer(f.readframes(f.getnframes()), "<i2")


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_decodes_to_16k_mono_with_the_same_speech(name, formats, clips, reference):
    data = formats[name].read_bytes()
    result = decode(data)
    assert result.sample_rate == 16000
    assert result.source_format == EXPECTED_KIND.get(name, "wav")
    assert len(result.pcm) % 2 == 0
    # Same length as the utterance (codecs pad or trim a few tens of milliseconds).
    assert result.duration == pytest.approx(clips.speech_seconds, abs=0.12)
    # Same speech: the loudness envelope follows the reference's closely.
    ours, ref = envelope(result.samples), envelope(reference)
    n = min(len(ours), len(ref))
    correlation = np.corrcoef(ours[:n], ref[:n])[0, 1]
    assert correlation > 0.9, f"{name}: envelope correlation {correlation:.3f}"
    assert np.abs(result.samples).max() > 3000  # not silence, not a near-mute mistake of scaling


def test_lossless_wav_resampling_matches_sox_sample_for_sample(formats, reference):
    ours = decode(formats["wav-44k-stereo-24"].read_bytes()).samples.astype(np.float64)
    n = min(len(ours), len(reference))
    assert np.corrcoef(ours[:n], reference[:n].astype(np.float64))[0, 1] > 0.99


def test_amr_keeps_every_frame(formats, clips):
    # ffmpeg drops AMR DTX frames; the sox path keeps the whole length.
    assert decode(formats["amr-nb"].read_bytes()).duration == pytest.approx(clips.speech_seconds, abs=0.03)


def test_sniff_reads_the_container_from_the_bytes(formats):
    assert sniff(formats["wav-8k-mono-8"].read_bytes()) == "wav"
    assert sniff(formats["ogg-opus"].read_bytes()) == "ogg"
    assert sniff(formats["webm-opus"].read_bytes()) == "webm"
    assert sniff(formats["amr-nb"].read_bytes()) == "amr"
    assert sniff(formats["mp4-aac"].read_bytes()) == "mp4"
    assert sniff(b"#!AMR-WB\n\x00") == "amr-wb"
    assert sniff(b"\x02#!SILK_V3\x00") == "silk"
    assert sniff(b"hello, not audio") is None


def test_empty_audio():
    with pytest.raises(EmptyAudio) as err:
        decode(b"")
    assert err.value.code == "empty_audio"


def test_garbage_is_unsupported_with_a_clear_message():
    with pytest.raises(UnsupportedAudio) as err:
        decode(b"this is a text file, not a voice message" * 10)
    assert err.value.code == "unsupported_audio"
    assert "WAV" in err.value.message and "AMR" in err.value.message


def test_wechat_silk_is_refused_by_name():
    with pytest.raises(UnsupportedAudio, match="SILK"):
        decode(b"\x02#!SILK_V3" + bytes(200))


def test_a_broken_wav_header_is_unsupported():
    with pytest.raises(UnsupportedAudio):
        decode(b"RIFF\x10\x00\x00\x00WAVEfmt " + bytes(8))


def test_a_truncated_webm_is_unsupported(formats):
    data = formats["webm-opus"].read_bytes()[:60]
    with pytest.raises((UnsupportedAudio, EmptyAudio)):
        decode(data)


def test_too_large_is_refused_before_decoding(formats):
    data = formats["wav-44k-stereo-24"].read_bytes()
    with pytest.raises(AudioTooLarge) as err:
        decode(data, limits=AudioLimits(max_bytes=len(data) - 1))
    assert err.value.code == "audio_too_large"


@pytest.mark.parametrize("name", ["wav-22k-mono-16", "ogg-opus", "webm-opus", "amr-nb"])
def test_too_long_is_refused(name, formats):
    with pytest.raises(AudioTooLong) as err:
        decode(formats[name].read_bytes(), limits=AudioLimits(max_seconds=1.0))
    assert err.value.code == "audio_too_long"
    assert "1 s" in err.value.message


def test_the_default_limit_refuses_61_seconds():
    # 61 s of 8 kHz 8-bit silence: under the size limit (488 KB), over the 60 s one.
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(1)
        f.setframerate(8000)
        f.writeframes(b"\x80" * 8000 * 61)
    with pytest.raises(AudioTooLong, match="61.0 s"):
        decode(buffer.getvalue())


def test_ffmpeg_missing_is_named(formats, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")  # the machine without ffmpeg, not a mock of it
    with pytest.raises(DecoderMissing) as err:
        decode(formats["webm-opus"].read_bytes())
    assert "apt-get install ffmpeg" in err.value.message
    assert err.value.code == "decoder_missing"


def test_amr_falls_back_to_ffmpeg_without_sox(formats, clips, monkeypatch):
    ffmpeg_dir = __import__("shutil").which("ffmpeg").rsplit("/", 1)[0]
    sox = __import__("shutil").which("sox")
    if sox and sox.rsplit("/", 1)[0] == ffmpeg_dir:
        # Both live in /usr/bin: hide sox by giving ffmpeg a PATH of its own.
        link_dir = clips.root / "only-ffmpeg"
        link_dir.mkdir(exist_ok=True)
        if not (link_dir / "ffmpeg").exists():
            (link_dir / "ffmpeg").symlink_to(f"{ffmpeg_dir}/ffmpeg")
        monkeypatch.setenv("PATH", str(link_dir))
    result = decode(formats["amr-nb"].read_bytes())
    assert result.source_format == "amr"
    # ffmpeg drops the DTX frames (PLATFORM_NOTES): shorter, but the speech is there.
    assert 0.5 * clips.speech_seconds < result.duration <= clips.speech_seconds + 0.05


def test_from_pcm_converts_a_stream_to_16k_mono():
    rate, seconds = 48000, 0.5
    t = np.arange(int(rate * seconds)) / rate
    tone = (0.5 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2")
    stereo = np.stack([tone, tone], axis=1).tobytes()
    result = from_pcm(stereo, rate, channels=2)
    assert result.sample_rate == 16000
    assert result.duration == pytest.approx(seconds, abs=0.001)
    spectrum = np.abs(np.fft.rfft(result.samples.astype(np.float64)))
    assert np.argmax(spectrum) * 16000 / len(result.samples) == pytest.approx(440, abs=3)
    # Already 16 kHz mono 16-bit: passed through unchanged.
    assert from_pcm(tone[:1600].tobytes(), 16000).pcm == tone[:1600].tobytes()


def test_from_pcm_rejects_partial_frames_and_odd_widths():
    with pytest.raises(UnsupportedAudio):
        from_pcm(b"\x00\x01\x02", 16000)
    with pytest.raises(UnsupportedAudio):
        from_pcm(b"\x00" * 6, 16000, sample_width=3)
    with pytest.raises(AudioTooLong):
        from_pcm(bytes(32000 * 3), 16000, limits=AudioLimits(max_seconds=2))


def test_ogg_opus_encoding_round_trips_through_decode(clips):
    speech = decode(clips.speech.read_bytes())
    ogg = encode_ogg_opus(speech.pcm, speech.sample_rate)
    info = sf.info(io.BytesIO(ogg))
    assert (info.format, info.subtype, info.channels) == ("OGG", "OPUS", 1)
    again = decode(ogg)
    assert again.duration == pytest.approx(speech.duration, abs=0.05)
    # A rate Opus does not take (espeak-ng's 22,050 Hz) goes through 48 kHz.
    raw = decode(clips.speech.read_bytes())
    assert sf.info(io.BytesIO(encode_ogg_opus(raw.pcm, 16000))).samplerate == 16000
    pcm22 = clips.speech.read_bytes()[44:]
    assert sf.info(io.BytesIO(encode_ogg_opus(pcm22, 22050))).samplerate == 48000


def test_chunks_cover_the_pcm_in_order(clips):
    speech = decode(clips.speech.read_bytes())
    pieces = list(speech.chunks(100))
    assert b"".join(pieces) == speech.pcm
    assert all(len(p) == 3200 for p in pieces[:-1])


def test_wav_output_is_16k_mono_16bit(clips):
    speech = decode(clips.speech.read_bytes())
    with wave.open(io.BytesIO(speech.wav())) as f:
        assert (f.getframerate(), f.getnchannels(), f.getsampwidth()) == (16000, 1, 2)
        assert f.readframes(f.getnframes()) == speech.pcm


def test_decode_file_checks_the_size_first(formats):
    path = formats["ogg-opus"]
    assert audio.decode_file(path).source_format == "ogg"
    with pytest.raises(AudioTooLarge):
        audio.decode_file(path, limits=AudioLimits(max_bytes=10))


def test_ogg_speex_goes_to_ffmpeg_when_soundfile_cannot(clips):
    # libsndfile reads OGG/Opus and Vorbis, not Speex; older chat clients send Speex.
    path = clips.root / "speex.ogg"
    run(need("ffmpeg"), "-nostdin", "-loglevel", "error", "-y", "-i", str(clips.speech), "-ar", "16000",
        "-c:a", "libspeex", str(path))
    with pytest.raises(sf.LibsndfileError):
        sf.info(str(path))
    result = decode(path.read_bytes())
    assert result.source_format == "ogg"
    assert result.duration == pytest.approx(clips.speech_seconds, abs=0.12)


def test_an_odd_sample_rate_is_resampled_quickly(clips):
    # 44,101 Hz: gcd 1 with 16,000, which a polyphase filter would make enormous.
    rate = 44101
    t = np.arange(rate * 5) / rate
    tone = (0.3 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2")
    buffer = io.BytesIO()
    sf.write(buffer, tone, rate, format="WAV", subtype="PCM_16")
    start = time.perf_counter()
    result = decode(buffer.getvalue())
    assert time.perf_counter() - start < 5.0
    assert result.duration == pytest.approx(5.0, abs=0.01)
    spectrum = np.abs(np.fft.rfft(result.samples.astype(np.float64)))
    assert np.argmax(spectrum) * 16000 / len(result.samples) == pytest.approx(440, abs=2)
