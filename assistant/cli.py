"""``butler``: the operators' command line. Each capability adds its own command
group from ``assistant/<pkg>/cli.py``; the root only wires them together."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(help="社区管家 Community Butler", no_args_is_help=True, add_completion=False)

# (module, command group name). Each module exposes ``app`` (a typer.Typer).
COMMAND_GROUPS: tuple[tuple[str, str], ...] = (
    ("assistant.residents.cli", "handoffs"),
    ("assistant.auth.cli", "users"),
    ("assistant.tickets.cli", "tickets"),
    ("assistant.embeddings.cli", "models"),
    ("assistant.booking.cli", "bookings"),
    ("assistant.kb.cli", "kb"),
    ("assistant.calendar.cli", "calendar"),
    ("assistant.channels.telegram_cli", "telegram"),
    ("assistant.care.cli", "care"),
    ("assistant.jobs", "jobs"),
)
# (module, command name). Each module exposes ``command`` (a function).
SINGLE_COMMANDS: tuple[tuple[str, str], ...] = (("assistant.tickets.sentiment_cli", "sentiment"),)

for _module, _name in COMMAND_GROUPS:
    app.add_typer(importlib.import_module(_module).app, name=_name)
# The speech-model commands (fetch, install, verify-speech) come from voice/, which cannot
# import assistant: they join the embedding model's `butler models` group.
importlib.import_module("assistant.embeddings.cli").app.add_typer(importlib.import_module("voice.cli").app)
for _module, _name in SINGLE_COMMANDS:
    app.command(_name)(importlib.import_module(_module).command)
importlib.import_module("assistant.channels.cli").register(app)  # butler wyoming serve, butler tts


@app.command()
def migrate() -> None:
    """Create or upgrade the application database to the newest schema."""
    from assistant.db import upgrade
    from assistant.settings import get_settings

    settings = get_settings()
    settings.ensure_dirs()
    upgrade(settings.resolved_database_url)
    typer.echo("database is up to date")


@app.command()
def serve(host: str = typer.Option(None), port: int = typer.Option(None)) -> None:
    """Run the gateway (FastAPI) alone."""
    import uvicorn

    from assistant.settings import get_settings

    settings = get_settings()
    uvicorn.run("assistant.api.app:create_app", factory=True, host=host or settings.gateway_host,
                port=port or settings.gateway_port, log_level="warning")


def _warn_about_holiday_calendar() -> None:
    """The operator starting the butler sees at once when ticket deadlines will ignore
    statutory holidays (the gateway's /readyz says it too)."""
    from assistant import clock
    from assistant.calendar.holidays import holidays_path, load_calendar

    missing = load_calendar().missing_years(clock.local_now().date())
    if missing:
        years = "、".join(str(y) for y in missing)
        typer.secho(f"注意：{years} 年的法定节假日还没有导入，工单的工作日时限暂按周一至周五计算。"
                    f"请用 `butler calendar import FILE` 导入（文件位置 {holidays_path()}）。",
                    fg=typer.colors.YELLOW, err=True)


@app.command()
def run() -> None:
    """Start and supervise the whole butler (Rasa, actions, gateway) until Ctrl-C."""
    import threading

    from assistant.logging import configure_logging
    from assistant.settings import get_settings
    from assistant.shutdown import stop_on_signals
    from assistant.supervisor import Supervisor, process_specs, wait_until_ready

    settings = get_settings()
    settings.ensure_dirs()
    configure_logging(settings)
    if not settings.rasa_model.exists():
        typer.echo(f"no Rasa model at {settings.rasa_model}: run `make model` first", err=True)
        raise typer.Exit(2)
    _warn_about_holiday_calendar()
    supervisor = Supervisor(process_specs(settings))
    stop = threading.Event()
    stop_on_signals(stop)
    supervisor.start()
    gateway = f"http://{settings.gateway_host}:{settings.gateway_port}"
    typer.echo(f"starting… logs in {settings.data_dir / 'logs'}")
    outcome: dict[str, str] = {}

    def _wait() -> None:
        try:
            wait_until_ready(gateway)
            outcome["ready"] = f"社区管家 is ready: {gateway}/  (API docs: {gateway}/docs). Ctrl-C stops it."
        except TimeoutError as exc:
            outcome["ready"] = f"not ready yet ({exc}); see the logs. Still supervising."

    threading.Thread(target=_wait, daemon=True).start()
    try:
        while not stop.wait(1):
            if "ready" in outcome:
                typer.echo(outcome.pop("ready"))
    finally:
        typer.echo("stopping…")
        supervisor.stop()


if __name__ == "__main__":
    app()
