"""Ticket export: CSV (UTF-8 with BOM so Excel opens Chinese correctly), XLSX
(openpyxl) and JSON, with the same filters as the staff list.

Personal data is masked by default (phone 139****5678, name 张*, phone and id
numbers inside free text); only roles in ``UNMASKED_ROLES`` may export it in the
clear. Every export, masked or not, is recorded in ``ticket_exports``.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from assistant.auth.service import UNMASKED_ROLES
from assistant.db import Database
from assistant.tickets.lifecycle import URGENCY_ZH, aware, utcnow
from assistant.tickets.models import TicketExport
from assistant.tickets.service import TicketError, TicketFilters, list_tickets, ticket_to_dict

FORMATS = ("csv", "xlsx", "json")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}

# (key in ticket_to_dict, column header). Headers are Chinese: the reader is staff.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "工单号"), ("created_at", "受理时间"), ("status", "状态"), ("category", "类别"),
    ("department", "处理部门"), ("urgency", "紧急程度"), ("sentiment_label", "情绪"),
    ("sentiment_score", "情绪分"), ("deadline", "办理时限"), ("overdue", "是否超期"),
    ("description", "问题描述"), ("address", "地址"), ("lat", "纬度"), ("long", "经度"),
    ("contact_name", "联系人"), ("contact_phone", "联系电话"), ("report_count", "反映人数"),
    ("satisfaction", "满意度"), ("resident_rating", "居民评价"), ("resident_rating_reason", "评价原因"),
    ("reopen_count", "居民重开次数"), ("resolved_at", "办结时间"), ("closed_at", "关闭时间"),
    ("channel", "来源"),
)


class ExportForbidden(TicketError):
    code = "export_forbidden"


class ExportFormatError(TicketError):
    code = "bad_export_format"


@dataclass
class ExportResult:
    format: str
    row_count: int
    unmasked: bool
    record_id: int


def export_rows(db: Database, filters: TicketFilters, *, unmasked: bool, now: datetime | None = None) -> list[dict]:
    now = aware(now) or utcnow()
    with db.session() as session:
        tickets, _ = list_tickets(session, filters, limit=None, now=now)
        rows = []
        for ticket in tickets:
            data = ticket_to_dict(ticket, masked=not unmasked, now=now)
            row = {key: data.get(key) for key, _ in COLUMNS}
            row["sentiment_label"] = data["sentiment"]["label"]
            row["sentiment_score"] = data["sentiment"]["score"]
            row["urgency"] = URGENCY_ZH.get(data["urgency"], data["urgency"])
            row["overdue"] = "是" if data["overdue"] else "否"
            rating = data["resident_rating"]
            row["resident_rating"] = f"{rating['label']}（{rating['score']}分）" if rating else None
            row["resident_rating_reason"] = rating["reason"] if rating else None
            rows.append(row)
    return rows


def _csv_cell(value: object) -> object:
    """Spreadsheet programs run cells starting with = + - @ as formulas (CSV
    injection, OWASP): such free text gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def write_csv(rows: list[dict], out: BinaryIO) -> None:
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow([header for _, header in COLUMNS])
    for row in rows:
        writer.writerow([_csv_cell(row[key]) for key, _ in COLUMNS])
    out.write(text.getvalue().encode("utf-8-sig"))


def write_xlsx(rows: list[dict], out: BinaryIO) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "工单"
    ws.append([header for _, header in COLUMNS])
    for row in rows:
        ws.append([row[key] for key, _ in COLUMNS])
        for cell in ws[ws.max_row]:
            # openpyxl would store "=..." as a formula: residents' text stays text.
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    ws.freeze_panes = "A2"
    wb.save(out)


def write_json(rows: list[dict], out: BinaryIO) -> None:
    out.write(json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8"))


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "json": write_json}


def export_tickets(db: Database, out: BinaryIO | Path | str, *, fmt: str, filters: TicketFilters | None = None,
                   actor: str, role: str | None, unmasked: bool = False,
                   now: datetime | None = None) -> ExportResult:
    """Write the export to ``out`` (a path or a binary stream) and audit it."""
    if fmt not in FORMATS:
        raise ExportFormatError(f"format must be one of {', '.join(FORMATS)}")
    if unmasked and role not in UNMASKED_ROLES:
        raise ExportForbidden(f"role {role!r} may not export personal data unmasked")
    filters = filters or TicketFilters()
    now = aware(now) or utcnow()
    rows = export_rows(db, filters, unmasked=unmasked, now=now)
    if isinstance(out, (str, Path)):
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            WRITERS[fmt](rows, handle)
    else:
        WRITERS[fmt](rows, out)
    with db.session() as session:
        record = TicketExport(at=now, actor=actor, role=role, format=fmt, filters=filters.as_dict(),
                              unmasked=unmasked, row_count=len(rows))
        session.add(record)
        session.flush()
        record_id = record.id
    return ExportResult(format=fmt, row_count=len(rows), unmasked=unmasked, record_id=record_id)
