"""``butler users``: staff accounts."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from assistant.auth.models import ROLES, StaffUser
from assistant.auth.service import create_user
from assistant.db import get_database

app = typer.Typer(help="工作人员账号", no_args_is_help=True)


@app.command("create")
def create_command(
    username: str = typer.Option(..., "--username"),
    password: str = typer.Option(..., "--password", prompt=True, hide_input=True),
    role: str = typer.Option("viewer", "--role", help=" | ".join(ROLES)),
) -> None:
    """Add a staff user."""
    with get_database().session() as session:
        try:
            user = create_user(session, username, password, role)
        except ValueError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc
        typer.echo(f"created {user.username} ({user.role})")


@app.command("list")
def list_command() -> None:
    """List staff users."""
    table = Table("username", "role", "active", "created")
    with get_database().session() as session:
        for user in session.scalars(select(StaffUser).order_by(StaffUser.username)):
            table.add_row(user.username, user.role, "yes" if user.active else "no",
                          user.created_at.isoformat(timespec="minutes"))
    Console().print(table)
