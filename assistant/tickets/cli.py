"""``butler tickets``: export and list complaint tickets from the command line."""

from __future__ import annotations

import getpass
from datetime import datetime
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="投诉工单：导出、查看", no_args_is_help=True)
console = Console()


class Format(str, Enum):
    csv = "csv"
    xlsx = "xlsx"
    json = "json"


def _filters(since: datetime | None, until: datetime | None, status: str | None, category: str | None):
    from assistant.tickets.lifecycle import STATES
    from assistant.tickets.service import TicketFilters

    statuses = [s.strip() for s in (status or "").split(",") if s.strip()] or None
    unknown = [s for s in statuses or [] if s not in STATES]
    if unknown:
        raise typer.BadParameter(f"unknown status {', '.join(unknown)}; states: {', '.join(STATES)}",
                                 param_hint="--status")
    categories = [c.strip() for c in (category or "").split(",") if c.strip()] or None
    return TicketFilters(since=_local(since), until=_local(until), status=statuses, category=categories)


def _local(value: datetime | None) -> datetime | None:
    """Dates typed by an operator are local time."""
    from assistant.tickets.lifecycle import local_aware

    return local_aware(value)




@app.command("export")
def export_command(
    format: Format = typer.Option(Format.csv, "--format", "-f", help="csv | xlsx | json"),  # noqa: A002
    out: Path = typer.Option(..., "--out", "-o", help="file to write"),
    since: datetime | None = typer.Option(None, formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"],
                                           help="filed on or after (local time)"),
    until: datetime | None = typer.Option(None, formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"],
                                           help="filed before (local time)"),
    status: str | None = typer.Option(None, help="e.g. 受理,处置中"),
    category: str | None = typer.Option(None, help="e.g. 市政设施,环境卫生"),
    unmasked: bool = typer.Option(False, "--unmasked", help="personal data in the clear (operator = admin)"),
) -> None:
    """Export tickets; personal data masked unless --unmasked. Every export is audited."""
    from assistant.db import get_database
    from assistant.tickets.export import export_tickets

    filters = _filters(since, until, status, category)
    # Whoever runs the CLI on the server already holds the database: they act as admin.
    result = export_tickets(get_database(), out, fmt=format.value, filters=filters,
                            actor=f"cli:{getpass.getuser()}", role="admin", unmasked=unmasked)
    masked = "unmasked" if result.unmasked else "masked"
    typer.echo(f"exported {result.row_count} tickets ({masked}) to {out}")


@app.command("list")
def list_command(
    status: str | None = typer.Option(None, help="e.g. 受理,处置中"),
    category: str | None = typer.Option(None),
    overdue: bool = typer.Option(False, "--overdue", help="only overdue tickets"),
    limit: int = typer.Option(20, min=1, max=500),
) -> None:
    """Newest tickets first, personal data masked."""
    from assistant.db import get_database
    from assistant.tickets.lifecycle import URGENCY_ZH, is_overdue
    from assistant.tickets.service import list_tickets

    filters = _filters(None, None, status, category)
    if overdue:
        filters.overdue = True
    from assistant.tickets.lifecycle import utcnow

    now = utcnow()  # one "now" (the project clock) for the filter and the 超期 column
    with get_database().session() as session:
        tickets, total = list_tickets(session, filters, limit=limit, now=now)
        table = Table(title=f"工单（共 {total} 件，显示 {len(tickets)} 件）")
        table.add_column("工单号", no_wrap=True)
        for header in ("状态", "类别", "部门", "紧急", "时限", "超期", "描述"):
            table.add_column(header)
        from zoneinfo import ZoneInfo

        from assistant.privacy import mask_text
        from assistant.settings import get_settings
        from assistant.tickets.lifecycle import aware

        tz = ZoneInfo(get_settings().timezone)
        for t in tickets:
            table.add_row(t.id, t.status, t.category, t.department, URGENCY_ZH.get(t.urgency, t.urgency),
                          aware(t.deadline_at).astimezone(tz).strftime("%m-%d %H:%M"),
                          "是" if is_overdue(t, now) else "", mask_text(t.description)[:30])
    console.print(table)
