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
)
# (module, command name). Each module exposes ``command`` (a function).
SINGLE_COMMANDS: tuple[tuple[str, str], ...] = ()

for _module, _name in COMMAND_GROUPS:
    app.add_typer(importlib.import_module(_module).app, name=_name)
for _module, _name in SINGLE_COMMANDS:
    app.command(_name)(importlib.import_module(_module).command)


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


if __name__ == "__main__":
    app()
