"""``butler care``: the elder-care register, the escalation sweep and the sensor
subscriber, for operators."""

from __future__ import annotations

import time

import typer
from rich.console import Console
from rich.table import Table

from assistant.care.models import DEVICE_KINDS

app = typer.Typer(help="独居老人关怀：登记、报平安、升级提醒、家居传感器", no_args_is_help=True)
device_app = typer.Typer(help="家居传感器（水表、门磁、人体感应、一键呼救）", no_args_is_help=True)
app.add_typer(device_app, name="device")


@app.callback()
def _logs_to_stderr() -> None:
    """Logs go to stderr (JSON, personal data masked): stdout carries only the answer
    (``butler care register`` prints the care id alone, for scripts)."""
    import structlog

    from assistant.logging import configure_logging
    from assistant.settings import get_settings

    configure_logging(get_settings())
    structlog.configure(logger_factory=lambda *_: _StderrLogger())


class _StderrLogger:
    """structlog's PrintLogger bound to whatever ``sys.stderr`` is when a line is
    written (a test runner swaps it per command)."""

    def msg(self, message: str) -> None:
        import sys

        print(message, file=sys.stderr, flush=True)

    log = debug = info = warning = warn = error = critical = exception = fatal = failure = err = msg


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(2)


@app.command("register")
def register_command(
    name: str = typer.Option(..., "--name", help="老人姓名"),
    phone: str = typer.Option(..., "--phone", help="老人电话"),
    address: str = typer.Option(..., "--address", help="住址，例如 6号楼3单元201"),
    sender_id: str = typer.Option(None, "--sender-id", help="报平安用的聊天账号（web:…、wyoming:…）"),
    grid_worker: str = typer.Option(None, "--grid-worker", help="负责的网格员"),
    quiet_days: int = typer.Option(3, "--quiet-days", help="连续几天没有平安信号就紧急提醒"),
    window_start: str = typer.Option("08:00", "--window-start", help="每天报平安时段的开始（本地时间）"),
    window_end: str = typer.Option("10:00", "--window-end", help="每天报平安时段的结束"),
    contact: list[str] = typer.Option(None, "--contact", help="紧急联系人 姓名:电话[:关系]，可重复"),
    consent: bool = typer.Option(True, "--consent/--no-consent", help="老人已同意登记（默认是）"),
) -> None:
    """Register an elder; prints the new care id."""
    from assistant.care.service import CareError, register
    from assistant.db import get_database

    try:
        elder = register(get_database(), name=name, phone=phone, address=address, sender_id=sender_id,
                         grid_worker=grid_worker, quiet_days=quiet_days, window_start=window_start,
                         window_end=window_end, emergency_contacts=contact or [], consent=consent)
    except CareError as exc:
        _fail(str(exc))
    typer.echo(elder.id)


@device_app.command("add")
def device_add_command(
    device_id: str = typer.Argument(..., help="设备号（MQTT 主题 butler/sensors/<设备号>）"),
    care_id: int = typer.Option(..., "--care-id", help="老人的登记号"),
    kind: str = typer.Option(..., "--kind", help="|".join(DEVICE_KINDS)),
) -> None:
    """Map a home sensor to a registered elder."""
    from assistant.care.service import CareError, add_device
    from assistant.db import get_database

    try:
        device = add_device(get_database(), device_id=device_id, care_id=care_id, kind=kind)
    except CareError as exc:
        _fail(str(exc))
    typer.echo(f"{device.device_id} → {device.care_id} ({device.kind})")


@app.command("update")
def update_command(
    care_id: int = typer.Argument(..., help="老人的登记号"),
    phone: str = typer.Option(None, "--phone", help="老人电话"),
    address: str = typer.Option(None, "--address", help="住址"),
    sender_id: str = typer.Option(None, "--sender-id", help="报平安用的聊天账号"),
    grid_worker: str = typer.Option(None, "--grid-worker", help="负责的网格员"),
    quiet_days: int = typer.Option(None, "--quiet-days", help="连续几天没有平安信号就紧急提醒"),
    window_start: str = typer.Option(None, "--window-start", help="报平安时段的开始"),
    window_end: str = typer.Option(None, "--window-end", help="报平安时段的结束"),
    contact: list[str] = typer.Option(None, "--contact", help="紧急联系人 姓名:电话[:关系]，可重复（替换原有的）"),
    consent: bool = typer.Option(None, "--consent/--no-consent", help="老人是否同意登记"),
) -> None:
    """Change an entry of the register (only the options given)."""
    from assistant.care.service import CareError, update_elder
    from assistant.db import get_database

    changes = {k: v for k, v in {"phone": phone, "address": address, "sender_id": sender_id,
                                 "grid_worker": grid_worker, "quiet_days": quiet_days,
                                 "window_start": window_start, "window_end": window_end,
                                 "emergency_contacts": contact or None, "consent": consent}.items()
               if v is not None}
    try:
        update_elder(get_database(), care_id, changes, actor="operator:cli")
    except CareError as exc:
        _fail(str(exc))
    typer.echo(care_id)


@app.command("deactivate")
def deactivate_command(care_id: int = typer.Argument(..., help="老人的登记号")) -> None:
    """Take an elder off the register (no more prompts or alerts; the record stays)."""
    from assistant.care.service import CareError, deactivate
    from assistant.db import get_database

    try:
        deactivate(get_database(), care_id, actor="operator:cli")
    except CareError as exc:
        _fail(str(exc))
    typer.echo(care_id)


@device_app.command("remove")
def device_remove_command(device_id: str = typer.Argument(..., help="设备号")) -> None:
    """Unmap a home sensor (its readings stay)."""
    from assistant.care.service import CareError, remove_device
    from assistant.db import get_database

    try:
        device = remove_device(get_database(), device_id, actor="operator:cli")
    except CareError as exc:
        _fail(str(exc))
    typer.echo(f"{device.device_id} ✕ {device.care_id}")


@app.command("list")
def list_command(unmasked: bool = typer.Option(False, "--unmasked", help="显示完整姓名和电话")) -> None:
    """The register, with each elder's last sign of life."""
    from assistant.care.service import register_rows
    from assistant.db import get_database

    with get_database().session() as session:
        rows = register_rows(session, masked=not unmasked)
    table = Table("id", "姓名", "电话", "地址", "网格员", "时段", "静默天数", "最后平安信号")
    for r in rows:
        table.add_row(str(r["id"]), r["name"], r["phone"], r["address"], r["grid_worker"] or "",
                      f"{r['window']['start']}–{r['window']['end']}", str(r["quiet_days"]),
                      r["last_sign_of_life"] or "无")
    Console().print(table)


@app.command("sweep")
def sweep_command(loop: int = typer.Option(0, "--loop", help="每隔多少秒再跑一次（0：只跑一次）")) -> None:
    """Run the escalation ladder once (or every --loop seconds), then deliver the
    contact messages waiting for the contact webhook."""
    from assistant.care.ladder import deliver_contact_webhook, sweep
    from assistant.db import get_database

    db = get_database()
    while True:
        report = sweep(db)
        typer.echo(report.summary())
        deliver_contact_webhook(db)
        if loop <= 0:
            return
        time.sleep(loop)


@app.command("sensors")
def sensors_command() -> None:
    """Subscribe to the home sensors over MQTT until Ctrl-C."""
    from assistant.care.sensors import run_forever

    run_forever()
