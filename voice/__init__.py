"""社区管家's speech library: audio in, text out, text in, audio out — and nothing
about dialogue (it never imports ``assistant``; the channels compose it).

- ``voice.audio``: decode WAV / OGG-Opus / WebM-Opus / AMR / MP4 to 16 kHz mono PCM
- ``voice.vad``: where an utterance starts and ends (webrtcvad)
- ``voice.stt``: streaming vosk recognition with partial and final events, grammars
- ``voice.tts``: Mandarin synthesis (pyttsx3 + espeak-ng ``cmn-latn-pinyin``)
- ``voice.normalise``: written Chinese to speakable Chinese
- ``voice.models``, ``voice.cli``: verified model installs (``butler models fetch``)
- ``voice.errors``: the typed errors, each with a stable ``code``

Submodules are imported on demand, so ``import voice`` loads no engine.
"""

from voice.errors import (  # noqa: F401  (the errors are the package's shared vocabulary)
    AudioError,
    AudioTooLarge,
    AudioTooLong,
    DecoderMissing,
    EmptyAudio,
    ModelInstallError,
    ModelMissing,
    ModelVerificationFailed,
    RecognitionError,
    SynthesisError,
    UnsupportedAudio,
    VoiceError,
)
