"""The voice channel (issue #13, docs/voice.md): one spoken turn in, the butler's
replies and their speech out.

- ``POST /api/v1/voice`` (multipart: ``audio``, optional ``sender_id``, optional
  ``elderly=true``) → ``{"sender_id", "session_token"?, "transcript", "replies",
  "spoken", "audio_base64"}`` (a WAV).
- ``WebSocket /ws/voice``, vosk-server's protocol: a text message
  ``{"config": {"sample_rate": 16000}}`` first (optional ``elderly``; any rate from
  8 kHz to 48 kHz is decoded at that rate), binary 16-bit mono little-endian PCM
  frames answered with ``{"partial": "…"}`` as the hypothesis changes (and
  ``{"text", "result"}`` at an endpoint inside the stream), then ``{"eof": 1}``: the
  final ``{"text", "result": [{"word", "start", "end", "conf"}…]}``, then
  ``{"sender_id", "transcript", "replies", "spoken", "audio_base64"}``, and the socket
  closes (1000). An error is ``{"error": {"code", "message"}}`` followed by a close
  (1008 for a refusal: no model, bad config, bad credentials; 1009 too much audio;
  1011 a failure of ours).

Identity is the chat's (``assistant.api.identity_deps``): a resident session
(cookie / ``X-Butler-Session`` / Bearer) or a trusted integration's key with its own
``sender_id`` (a form field; a query parameter on the socket). The sender is
``voice:<the same local id as the chat's>``.

Errors: 413 ``audio_too_large`` / ``audio_too_long``, 415 ``unsupported_audio``,
422 ``empty_audio`` / ``invalid_request``, 503 ``asr_model_missing`` (Chinese
message) / ``decoder_missing`` / ``tts_failed`` / ``dialogue_failed``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import time
from typing import Annotated, Any

import anyio
import structlog
from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field
from starlette.websockets import WebSocketState

from assistant.api.errors import ApiError, ErrorOut
from assistant.api.identity_deps import (ANONYMOUS_ALLOWED, chat_identity, set_session, set_session_cookie,
                                        websocket_identity)
from assistant.api.routers.chat import ButtonOut, ReplyOut
from assistant.channels.speech import (MODEL_MISSING_ZH, PipelineError, SpeechPipeline, SttStream, VoiceTurn,
                                       voice_sender)
from assistant.dialogue import Reply
from assistant.residents import identity
from assistant.residents.identity import ChatIdentity, IdentityError
from assistant.settings import get_settings

log = structlog.get_logger(__name__)

router = APIRouter(tags=["voice"])

# A pipeline error's code → the HTTP status it answers.
STATUS = {
    "empty_audio": 422,
    "bad_audio": 415,
    "unsupported_audio": 415,
    "audio_too_large": 413,
    "audio_too_long": 413,
    "decoder_missing": 503,
    "asr_model_missing": 503,
    "asr_failed": 503,
    "dialogue_failed": 503,
    "tts_failed": 503,
}
# WebSocket close codes (RFC 6455).
CLOSE_NORMAL, CLOSE_POLICY, CLOSE_TOO_BIG, CLOSE_ERROR = 1000, 1008, 1009, 1011
MIN_RATE, MAX_RATE = 8_000, 48_000
CONFIG_TIMEOUT_SECONDS = 10.0


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorOut, "description": description}


VOICE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: _error("invalid_credentials / invalid_session (as the chat)"),
    403: _error("sender_not_owned: the sender_id is not the session's"),
    413: _error("audio_too_large (over BUTLER_VOICE_MAX_BYTES) or audio_too_long (over BUTLER_VOICE_MAX_SECONDS)"),
    415: _error("unsupported_audio: not a recognised audio format (WAV, OGG/Opus, WebM/Opus, AMR, MP4/AAC, "
                "FLAC, MP3), or one that cannot be decoded"),
    422: _error("empty_audio, invalid_request (no audio part), sender_id_required (integrations)"),
    503: _error("asr_model_missing (no speech recognition model installed: the message says so in Chinese), "
                "decoder_missing, asr_failed, dialogue_failed, tts_failed"),
}


class VoiceResponse(BaseModel):
    sender_id: str = Field(description="who spoke: the session's resident id, or the integration's user id")
    session_token: str | None = Field(default=None, description="resident sessions only (as the chat's)")
    transcript: str = Field(description="what was heard (empty when nothing was)")
    replies: list[ReplyOut]
    spoken: str = Field(description="the replies as they were read aloud (speakable Chinese)")
    audio_base64: str = Field(description="the spoken replies: a mono 16-bit WAV, base64 (empty: nothing to say)")


def pipeline(request: Request) -> SpeechPipeline:
    return request.app.state.speech


def _replies_out(replies: list[Reply]) -> list[dict[str, Any]]:
    return [ReplyOut(text=r.text, buttons=[ButtonOut(title=b.title, payload=b.payload) for b in r.buttons],
                     custom=r.custom).model_dump(exclude_none=True) for r in replies]


def _turn_out(turn: VoiceTurn) -> dict[str, Any]:
    return {"transcript": turn.transcript, "replies": _replies_out(turn.replies), "spoken": turn.spoken.text,
            "audio_base64": base64.b64encode(turn.wav).decode("ascii")}


def _api_error(error: PipelineError) -> ApiError:
    if error.code == "asr_model_missing":  # the operator's message (a path, the command) goes to the log
        log.warning("asr_model_missing", detail=error.message)
    message = MODEL_MISSING_ZH if error.code == "asr_model_missing" else error.message
    return ApiError(STATUS.get(error.code, 503 if error.stage != "stt" else 422), error.code, message)


@router.post("/api/v1/voice", response_model=VoiceResponse, response_model_exclude_none=True,
             responses=VOICE_ERRORS, openapi_extra=ANONYMOUS_ALLOWED,
             summary="One spoken turn: a recording in, the butler's replies and their speech out")
async def voice(request: Request, response: Response,
                audio: Annotated[UploadFile, File(description="the recording (WAV, OGG/Opus, WebM/Opus, AMR, "
                                                                  "MP4/AAC, FLAC, MP3)")],
                caller: Annotated[ChatIdentity, Depends(chat_identity)],
                speech: Annotated[SpeechPipeline, Depends(pipeline)],
                sender_id: Annotated[str | None, Form(min_length=1, max_length=128)] = None,
                elderly: Annotated[bool, Form(description="speak slower and plainer for an elderly resident")] = False,
                ) -> dict[str, Any]:
    settings = get_settings()
    try:
        local = caller.local_sender(sender_id)
    except IdentityError as exc:
        raise ApiError(exc.status, exc.code, exc.message) from exc
    if audio.size is not None and audio.size > settings.voice_max_bytes:
        raise ApiError(413, "audio_too_large",
                       f"the audio is {audio.size:,} bytes; at most {settings.voice_max_bytes:,} are accepted")
    data = await audio.read(settings.voice_max_bytes + 1)
    if len(data) > settings.voice_max_bytes:
        raise ApiError(413, "audio_too_large", f"at most {settings.voice_max_bytes:,} bytes are accepted")
    sender = voice_sender(local)
    request.state.chat_sender = sender
    out: dict[str, Any] = {"sender_id": sender_id if caller.kind == "integration" else caller.subject}
    if caller.kind == "session":
        out["session_token"] = set_session(request, response, settings, caller.subject)
    try:
        turn = await speech.run_audio(data, sender=sender, elderly=elderly)
    except PipelineError as error:
        log.info("voice_turn_refused", stage=error.stage, code=error.code)
        raise _api_error(error) from None
    log.info("voice_turn", sender=sender, **{f"{k}_ms": v for k, v in turn.timings_ms.items()})
    return {**out, **_turn_out(turn)}


# -- the stream -------------------------------------------------------------------------
@router.websocket("/ws/voice")
async def voice_stream(websocket: WebSocket) -> None:
    settings = get_settings()
    speech: SpeechPipeline = websocket.app.state.speech
    try:
        caller = websocket_identity(websocket)
        local = caller.local_sender(websocket.query_params.get("sender_id"))
    except IdentityError as exc:
        await websocket.accept()
        await _refuse(websocket, exc.code, exc.message, CLOSE_POLICY)
        return
    headers = []
    token = None
    if caller.kind == "session":
        token = identity.issue_session_token(settings, caller.subject)
        handshake = Response()
        set_session_cookie(handshake, settings, token, secure=websocket.url.scheme == "wss")
        headers.extend((name, value) for name, value in handshake.raw_headers if name == b"set-cookie")
    await websocket.accept(headers=headers)
    sender = voice_sender(local)
    stream: SttStream | None = None
    try:
        config = await _config(websocket)
        if config is None:
            return
        rate, elderly = config
        try:
            stream = await anyio.to_thread.run_sync(lambda: SttStream(settings, rate))
        except PipelineError as error:
            message = MODEL_MISSING_ZH if error.code == "asr_model_missing" else error.message
            await _refuse(websocket, error.code, message, CLOSE_POLICY)
            return
        max_bytes = min(settings.voice_max_bytes, int(settings.voice_max_seconds * rate * 2))
        stt_ms = 0.0
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            if message.get("bytes") is not None:
                pcm = message["bytes"]
                if len(pcm) % 2:
                    await _refuse(websocket, "unsupported_audio", "frames must be 16-bit PCM (an even byte count)",
                                  CLOSE_POLICY)
                    return
                if stream.bytes + len(pcm) > max_bytes:
                    await _refuse(websocket, "audio_too_long",
                                  f"at most {settings.voice_max_seconds:g} s of audio per turn", CLOSE_TOO_BIG)
                    return
                started = time.perf_counter()
                events = await anyio.to_thread.run_sync(stream.accept, pcm)
                stt_ms += (time.perf_counter() - started) * 1000
                for event in events:
                    await websocket.send_text(_transcript_json(event))
                continue
            if _is_eof(message.get("text")):
                break
        started = time.perf_counter()
        final = await anyio.to_thread.run_sync(stream.finish)
        stt_ms += (time.perf_counter() - started) * 1000
        heard = stream.seconds
        await anyio.to_thread.run_sync(stream.close)
        stream = None
        await websocket.send_text(_transcript_json(final))
        transcript = final.text.strip()
        try:
            turn = await speech.run_transcript(transcript, sender=sender, elderly=elderly, stt_ms=stt_ms,
                                               audio_seconds=heard)
        except PipelineError as error:
            await _refuse(websocket, error.code, error.message, CLOSE_ERROR)
            return
        out = {"sender_id": websocket.query_params.get("sender_id") if caller.kind == "integration"
               else caller.subject, **({"session_token": token} if token else {}), **_turn_out(turn)}
        await websocket.send_text(json.dumps(out, ensure_ascii=False))
        await websocket.close(CLOSE_NORMAL)
    except WebSocketDisconnect:
        return
    finally:
        if stream is not None:
            with contextlib.suppress(Exception):
                await anyio.to_thread.run_sync(stream.close)


async def _config(websocket: WebSocket) -> tuple[int, bool] | None:
    """(sample rate, elderly) from the first message, or None after refusing it."""
    try:
        with anyio.fail_after(CONFIG_TIMEOUT_SECONDS):
            first = await websocket.receive_text()
        raw = json.loads(first)["config"]
        rate = int(raw.get("sample_rate", 16_000))
        elderly = bool(raw.get("elderly", False))
    except TimeoutError:
        await _refuse(websocket, "config_required", "the first message must be {\"config\": {\"sample_rate\": …}}",
                      CLOSE_POLICY)
        return None
    except (KeyError, TypeError, ValueError, AttributeError):
        await _refuse(websocket, "invalid_config", "the first message must be {\"config\": {\"sample_rate\": 16000}}",
                      CLOSE_POLICY)
        return None
    if not MIN_RATE <= rate <= MAX_RATE:
        await _refuse(websocket, "unsupported_sample_rate",
                      f"sample_rate must be {MIN_RATE}..{MAX_RATE} Hz, not {rate}", CLOSE_POLICY)
        return None
    return rate, elderly


def _is_eof(text: str | None) -> bool:
    if not text:
        return False
    try:
        return bool(json.loads(text).get("eof"))
    except (ValueError, AttributeError):
        return False


def _transcript_json(event) -> str:
    from voice.stt import FinalTranscript

    if isinstance(event, FinalTranscript):
        return json.dumps({"text": event.text, "result": [
            {"word": w.word, "start": w.start, "end": w.end, "conf": w.confidence} for w in event.words]},
            ensure_ascii=False)
    return json.dumps({"partial": event.text}, ensure_ascii=False)


async def _refuse(websocket: WebSocket, code: str, message: str, close_code: int) -> None:
    log.info("voice_stream_refused", code=code)
    if websocket.client_state == WebSocketState.CONNECTED:
        with contextlib.suppress(Exception):
            await websocket.send_text(json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False))
            await websocket.close(close_code)
