"""``butler handoffs``: residents waiting for a person."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from assistant.db import get_database
from assistant.privacy import mask_phone
from assistant.residents.service import REASON_ZH, close_handoff, list_handoffs

app = typer.Typer(help="居民转人工请求", no_args_is_help=True)


@app.command("list")
def list_command(all_: bool = typer.Option(False, "--all", help="include done requests")) -> None:
    """List open hand-off requests (every reason, unanswered policy questions too), newest first."""
    table = Table("id", "resident", "phone", "reason", "status", "created")
    with get_database().session() as session:
        for handoff, resident in list_handoffs(session, None if all_ else "open"):
            table.add_row(str(handoff.id), resident.sender_id, mask_phone(resident.phone) or "-",
                          REASON_ZH.get(handoff.reason, handoff.reason), handoff.status, handoff.created_at.isoformat(timespec="minutes"))
    Console().print(table)


@app.command("done")
def done_command(handoff_id: int) -> None:
    """Mark a hand-off request as handled."""
    with get_database().session() as session:
        if close_handoff(session, handoff_id, by="cli") is None:
            typer.echo(f"no hand-off request {handoff_id}", err=True)
            raise typer.Exit(1)
    typer.echo(f"hand-off {handoff_id} done")
