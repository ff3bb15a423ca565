"""``butler calendar``: the operators' statutory-holiday file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant import clock
from assistant.calendar.holidays import (
    SAMPLE_PATH,
    HolidayFileError,
    holidays_path,
    import_holiday_file,
    load_calendar,
)

app = typer.Typer(help="法定节假日与调休（工作日时限）", no_args_is_help=True)


def _coverage_lines() -> tuple[list[str], list[int]]:
    calendar = load_calendar()
    today = clock.today()
    lines = []
    for year in (today.year, today.year + 1):
        source = calendar.source(year)
        lines.append(f"{year}: {source or 'NOT COVERED (Monday to Friday only)'}")
    if calendar.error:
        lines.append(f"the holiday file {calendar.path} is ignored: {calendar.error}")
    return lines, calendar.missing_years(today)


@app.command("import")
def import_command(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False,
                                                       help="YAML: years -> holidays / workdays")]) -> None:
    """Validate a holiday file and make it the operators' holiday file. Copy the dates
    from the State Council's notice (国务院办公厅关于…年部分节假日安排的通知)."""
    try:
        target, parsed = import_holiday_file(file)
    except HolidayFileError as exc:
        typer.echo(f"invalid holiday file: {exc}", err=True)
        raise typer.Exit(1) from None
    years = ", ".join(str(y) for y in sorted(parsed.years)) or "none"
    typer.echo(f"holiday file saved to {target} (years: {years})")
    lines, _missing = _coverage_lines()
    for line in lines:
        typer.echo(line)


@app.command("status")
def status_command() -> None:
    """Which source knows this year's and next year's holidays. Exits 1 when one is
    missing (working-day deadlines then count Monday to Friday only)."""
    lines, missing = _coverage_lines()
    for line in lines:
        typer.echo(line)
    typer.echo(f"holiday file: {holidays_path()} (sample: {SAMPLE_PATH})")
    if missing:
        raise typer.Exit(1)
