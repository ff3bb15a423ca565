"""``butler telegram run``: the Telegram bot until stopped (``make run`` starts it
through the supervisor when ``BUTLER_TELEGRAM_BOT_TOKEN`` is set; docs/telegram.md)."""

from __future__ import annotations

import asyncio
import logging

import typer

app = typer.Typer(help="Telegram 机器人 The Telegram bot for residents", no_args_is_help=True)


@app.command("run")
def run() -> None:
    """Run the bot: long polling, or webhook mode when BUTLER_TELEGRAM_WEBHOOK_URL is set."""
    from assistant.channels.telegram import serve
    from assistant.logging import configure_logging
    from assistant.settings import get_settings

    settings = get_settings()
    configure_logging(settings)
    # python-telegram-bot logs the Bot API URLs, token included, at DEBUG: never that.
    logging.getLogger("telegram").setLevel(max(logging.getLogger().level, logging.INFO))
    if not settings.telegram_bot_token:
        typer.echo("butler telegram: BUTLER_TELEGRAM_BOT_TOKEN is not set.", err=True)
        raise typer.Exit(2)
    try:
        asyncio.run(serve(settings))
    except KeyboardInterrupt:
        pass
    except ValueError as error:  # webhook mode without its secret
        typer.echo(f"butler telegram: {error}", err=True)
        raise typer.Exit(2) from None
