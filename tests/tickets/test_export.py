"""Exports: read back every format, masking by default, unmasked only for allowed
roles, filters, and the audit record; the CLI end to end."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from assistant.db import Database
from assistant.tickets import service
from assistant.tickets.export import COLUMNS, ExportForbidden, ExportFormatError, export_tickets
from assistant.tickets.models import TicketExport

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
HEADERS = [h for _, h in COLUMNS]
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def filed(db: Database):
    a = service.file_ticket(db, description="我家楼下的路灯坏了好几天了，晚上黑乎乎的，电话13912345678",
                            sender_id="web:a", address="3号楼", contact_name="张三", contact_phone="13912345678",
                            now=NOW)
    b = service.file_ticket(db, description="=HYPERLINK(\"http://x\") 北门有人摆摊卖菜，占了人行道",
                            address="北门", contact_name="欧阳娜娜", contact_phone="13800001111",
                            now=NOW + timedelta(days=2))
    service.transition_ticket(db, b.ticket.id, "派单", actor="staff:d")
    return a.ticket, b.ticket


def read_back(fmt: str, data: bytes) -> list[dict]:
    if fmt == "csv":
        assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 BOM"
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert rows[0] == HEADERS
        return [dict(zip(HEADERS, r)) for r in rows[1:]]
    if fmt == "xlsx":
        ws = load_workbook(io.BytesIO(data)).active
        rows = [[("" if c is None else c) for c in row] for row in ws.iter_rows(values_only=True)]
        assert list(rows[0]) == HEADERS
        return [dict(zip(HEADERS, r)) for r in rows[1:]]
    items = json.loads(data.decode("utf-8"))
    return [{h: ("" if item[k] is None else item[k]) for k, h in COLUMNS} for item in items]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_round_trip_masked_by_default(db: Database, filed, fmt: str):
    a, b = filed
    out = io.BytesIO()
    result = export_tickets(db, out, fmt=fmt, actor="staff:v", role="viewer", now=NOW + timedelta(days=3))
    rows = read_back(fmt, out.getvalue())
    assert result.row_count == 2 and len(rows) == 2
    by_id = {r["工单号"]: r for r in rows}
    ra, rb = by_id[a.id], by_id[b.id]
    assert ra["联系电话"] == "139****5678" and ra["联系人"] == "张*"
    assert rb["联系电话"] == "138****1111" and rb["联系人"] == "欧***"
    assert "13912345678" not in ra["问题描述"] and "139****5678" in ra["问题描述"]
    assert ra["类别"] == "市政设施" and ra["处理部门"] == "街道城市管理办公室" and ra["状态"] == "受理"
    assert rb["状态"] == "派单"
    assert ra["紧急程度"] == "一般" and ra["情绪"] == "negative"
    assert ra["是否超期"] == "否"
    blob = out.getvalue() if fmt != "xlsx" else json.dumps(rows, ensure_ascii=False).encode()
    assert b"13912345678" not in blob and "张三".encode() not in blob
    if fmt == "csv":
        assert rb["问题描述"].startswith("'=")  # a formula never runs in Excel
    if fmt == "xlsx":
        assert rb["问题描述"].startswith("=HYPERLINK")  # kept as text, not a formula
        ws = load_workbook(io.BytesIO(out.getvalue())).active
        assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_unmasked_only_for_allowed_roles_and_every_export_audited(db: Database, filed, tmp_path: Path):
    for role in ("viewer", "dispatcher", "worker", None):
        with pytest.raises(ExportForbidden):
            export_tickets(db, tmp_path / "x.csv", fmt="csv", actor="staff:x", role=role, unmasked=True)
    result = export_tickets(db, tmp_path / "clear.json", fmt="json", actor="staff:boss", role="admin",
                            unmasked=True)
    rows = json.loads((tmp_path / "clear.json").read_text(encoding="utf-8"))
    assert result.unmasked and {r["contact_phone"] for r in rows} == {"13912345678", "13800001111"}
    export_tickets(db, tmp_path / "masked.csv", fmt="csv", actor="staff:v", role="viewer",
                   filters=service.TicketFilters(status=["派单"]))
    with db.session() as s:
        records = s.scalars(select(TicketExport).order_by(TicketExport.id)).all()
        assert [(r.actor, r.format, r.unmasked, r.row_count) for r in records] == [
            ("staff:boss", "json", True, 2), ("staff:v", "csv", False, 1)]
        assert records[1].filters == {"status": ["派单"]}


def test_filters(db: Database, filed):
    a, b = filed

    def ids(**kw) -> set[str]:
        out = io.BytesIO()
        export_tickets(db, out, fmt="json", actor="t", role="viewer", filters=service.TicketFilters(**kw))
        return {r["id"] for r in json.loads(out.getvalue())}

    assert ids(since=NOW + timedelta(days=1)) == {b.id}
    assert ids(until=NOW + timedelta(days=1)) == {a.id}
    assert ids(status=["受理"]) == {a.id}
    assert ids(category=["占道经营"]) == {b.id}
    assert ids(category=["绿化"]) == set()


def test_bad_format(db: Database):
    with pytest.raises(ExportFormatError):
        export_tickets(db, io.BytesIO(), fmt="pdf", actor="t", role="admin")


def test_cli_export_and_list(db: Database, filed, tmp_path: Path):
    """`butler tickets export` as an operator runs it, in a separate process."""
    env = {**os.environ, "BUTLER_DATABASE_URL": db.url, "BUTLER_DATA_DIR": str(tmp_path / "var"),
           "COLUMNS": "200"}
    butler = str(REPO / ".venv" / "bin" / "butler")
    out = tmp_path / "t.xlsx"
    done = subprocess.run([butler, "tickets", "export", "--format", "xlsx", "--out", str(out),
                           "--category", "市政设施"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "exported 1 tickets (masked)" in done.stdout
    rows = read_back("xlsx", out.read_bytes())
    assert [r["联系电话"] for r in rows] == ["139****5678"]
    csv_out = tmp_path / "t.csv"
    done = subprocess.run([butler, "tickets", "export", "--format", "csv", "--out", str(csv_out), "--unmasked",
                           "--since", "2026-12-01"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = read_back("csv", csv_out.read_bytes())
    assert [r["联系电话"] for r in rows] == ["13800001111"]
    bad = subprocess.run([butler, "tickets", "export", "--out", str(csv_out), "--status", "完成"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and "unknown status" in (bad.stderr + bad.stdout)
    listed = subprocess.run([butler, "tickets", "list"], env=env, capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0 and filed[0].id in listed.stdout and "13912345678" not in listed.stdout
    with db.session() as s:
        actors = [r.actor for r in s.scalars(select(TicketExport))]
    assert len(actors) == 2 and all(a.startswith("cli:") for a in actors)
