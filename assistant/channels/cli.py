"""Operators' commands for the voice channels:

    butler wyoming serve [--host H] [--port P]         # the Wyoming server (make run starts it)
    butler tts "您的工单已受理" --out reply.wav [--elderly]

``register(app)`` adds both to the root ``butler`` app (``assistant/cli.py``).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

wyoming_app = typer.Typer(help="智能音箱 The Wyoming server for Home Assistant voice pipelines", no_args_is_help=True)


@wyoming_app.command("serve")
def wyoming_serve(
    host: str = typer.Option(None, help="Listen on this address (default: BUTLER_WYOMING_HOST, 127.0.0.1)."),
    port: int = typer.Option(None, help="Listen on this port (default: BUTLER_WYOMING_PORT, 10600)."),
) -> None:
    """Serve ASR, TTS and the butler's dialogue (handle) over Wyoming until stopped."""
    from assistant.channels.wyoming import serve
    from assistant.logging import configure_logging
    from assistant.settings import get_settings

    settings = get_settings()
    configure_logging(settings)
    try:
        asyncio.run(serve(settings, host=host, port=port))
    except KeyboardInterrupt:
        pass
    except OSError as error:  # the port is taken, the address is not ours
        typer.echo(f"butler wyoming: cannot listen on {host or settings.wyoming_host}:"
                   f"{port or settings.wyoming_port}: {error}", err=True)
        raise typer.Exit(3) from None


def tts(
    text: str = typer.Argument(..., help="What to say (written Chinese; made speakable first)."),
    out: Path = typer.Option(..., "--out", help="The WAV file to write."),
    elderly: bool = typer.Option(False, "--elderly", help="Speak slower (BUTLER_ELDERLY_SPEECH_RATE, 0.8)."),
) -> None:
    """Speak TEXT into a WAV file with the butler's Mandarin voice."""
    from assistant.settings import get_settings
    from voice.errors import SynthesisError
    from voice.tts import Synthesiser, TtsSettings

    settings = TtsSettings()
    if elderly:
        settings = settings.slower(get_settings().elderly_speech_rate)
    try:
        speech = Synthesiser(settings).synthesise(text)
    except SynthesisError as error:
        typer.echo(f"butler tts: {error.message}", err=True)
        raise typer.Exit(1) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(speech.wav)
    typer.echo(f"{out}: {speech.duration:.2f} s at {speech.sample_rate} Hz ({settings.rate} 字/分钟) — {speech.text}")


def register(app: typer.Typer) -> None:
    """Add ``butler wyoming …`` and ``butler tts`` to the root app."""
    app.add_typer(wyoming_app, name="wyoming")
    app.command("tts")(tts)
