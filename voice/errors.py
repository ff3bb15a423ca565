"""The library's one error family.

Every error carries a stable ``code`` (snake_case) that a channel can map to an
HTTP status or a spoken apology, and a ``message`` written for the operator who
reads the log: what went wrong and, where there is one, the command that fixes it.
The library never words anything for residents; the channels do.
"""

from __future__ import annotations


class VoiceError(Exception):
    code = "voice_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # the code first, so a log line says which kind at a glance
        return f"[{self.code}] {self.message}"


# -- audio in -------------------------------------------------------------------------
class AudioError(VoiceError):
    code = "bad_audio"


class EmptyAudio(AudioError):
    code = "empty_audio"


class UnsupportedAudio(AudioError):
    code = "unsupported_audio"


class AudioTooLarge(AudioError):
    code = "audio_too_large"


class AudioTooLong(AudioError):
    code = "audio_too_long"


class DecoderMissing(AudioError):
    """A decoder program (ffmpeg) the format needs is not installed: the machine's
    fault, not the sender's, so a channel should answer 503 rather than 4xx."""

    code = "decoder_missing"


# -- recognition ----------------------------------------------------------------------
class RecognitionError(VoiceError):
    code = "asr_failed"


class ModelMissing(RecognitionError):
    code = "asr_model_missing"


# -- model provisioning ---------------------------------------------------------------
class ModelInstallError(VoiceError):
    code = "model_install_failed"


class ModelVerificationFailed(ModelInstallError):
    code = "model_verification_failed"


# -- synthesis ------------------------------------------------------------------------
class SynthesisError(VoiceError):
    code = "tts_failed"
