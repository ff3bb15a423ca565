"""Duplicate linking through ``file_ticket`` on SQLite, round 3 (issue #12 item 6): parts
of one building (C座/D座, 南单元/北单元), estates of one number (东苑/西苑), a
self-correction, and another problem at the same place are not linked; the same problem
said another way is. Sentences written for these tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assistant.db import Database
from assistant.tickets import intake, service

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # Monday 10:00 Shanghai


def _linked(db: Database, first: str, second: str) -> bool:
    a = service.file_ticket(db, description=first, address=intake.extract_location(first), sender_id="web:r-a",
                            now=NOW)
    b = service.file_ticket(db, description=second, address=intake.extract_location(second), sender_id="web:r-b",
                            now=NOW + timedelta(hours=1))
    return not b.created and b.ticket.id == a.ticket.id


@pytest.mark.parametrize(("first", "second"), [
    ("7号楼C座门禁坏了", "7号楼D座门禁坏了"),
    ("9号楼南单元楼梯灯坏了", "9号楼北单元楼梯灯坏了"),
    ("东苑5栋楼道灯坏了", "西苑5栋楼道灯坏了"),
    ("17栋3单元楼道堆杂物", "17栋3单元楼道堆杂物，不对是4单元"),
    ("6号楼路灯不亮", "6号楼路灯太刺眼了"),
    ("21栋暖气不热", "21栋暖气片漏水了"),
])
def test_not_linked(db: Database, first: str, second: str):
    assert not _linked(db, first, second)


@pytest.mark.parametrize(("first", "second"), [
    ("7号楼C座门禁坏了", "七号楼C座门禁刷卡没反应"),
    ("10-502楼道灯坏了", "10号楼502门口楼道灯不亮"),
    ("地库积水了", "地下车库进水了"),
])
def test_linked(db: Database, first: str, second: str):
    assert _linked(db, first, second)
