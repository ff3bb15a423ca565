"""The editable routing table: contents, validation, reload on edit, corrections."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from assistant.db import Database
from assistant.tickets import service
from assistant.tickets.classify import CATEGORIES
from assistant.tickets.routing import ROUTING_FILE, RoutingError, get_routing, parse_routing


def test_shipped_table_routes_every_category():
    table = get_routing()
    assert set(table.categories) == set(CATEGORIES) and len(table.categories) == 12
    assert table.department_for("违章停车") == "区公安交警大队"
    assert table.department_for("不存在的类别") == table.department_for("其他")
    codes = [r.code for r in table.routes]
    assert len(set(codes)) == len(codes)


@pytest.mark.parametrize("data, message", [
    ({}, "categories"),
    ({"categories": [{"category": "其他", "code": "other"}]}, "department"),
    ({"categories": [{"category": "其他", "code": "Other!", "department": "居委会"}]}, "code"),
    ({"categories": [{"category": "路灯", "code": "light", "department": "城管"}]}, "其他"),
    ({"categories": [{"category": "其他", "code": "other", "department": "a"},
                     {"category": "其他", "code": "other2", "department": "b"}]}, "twice"),
])
def test_malformed_tables_are_refused(data, message):
    with pytest.raises(RoutingError, match=message):
        parse_routing(data)


def test_edits_take_effect_without_restart_and_bad_edits_keep_last_good(tmp_path: Path):
    path = tmp_path / "routing.yml"
    shutil.copy(ROUTING_FILE, path)
    assert get_routing(path).department_for("绿化") == "区绿化养护所"
    text = path.read_text(encoding="utf-8").replace("department: 区绿化养护所", "department: 街道绿化科")
    path.write_text(text, encoding="utf-8")
    os.utime(path, (time.time() + 5, time.time() + 5))  # make sure the mtime moves
    assert get_routing(path).department_for("绿化") == "街道绿化科"
    path.write_text("categories: [oops", encoding="utf-8")
    os.utime(path, (time.time() + 10, time.time() + 10))
    assert get_routing(path).department_for("绿化") == "街道绿化科"  # last good table keeps serving


def test_staff_correction_reroutes_and_is_audited(db: Database):
    filed = service.file_ticket(db, description="小区里有人乱扔东西，说不清楚是什么问题", address="5号楼",
                                category="其他")
    assert filed.ticket.department == "社区居委会"
    ticket = service.correct_ticket(db, filed.ticket.id, actor="staff:li", category="环境卫生", note="实为垃圾乱扔")
    assert ticket.category == "环境卫生" and ticket.department == "街道环卫所"
    ticket = service.correct_ticket(db, filed.ticket.id, actor="staff:li", department="物业公司")
    assert ticket.department == "物业公司"
    corrections = [(e.action, e.from_state, e.to_state, e.actor) for e in ticket.events[1:]]
    assert corrections == [("更正类别", "其他", "环境卫生", "staff:li"),
                           ("更正部门", "社区居委会", "街道环卫所", "staff:li"),
                           ("更正部门", "街道环卫所", "物业公司", "staff:li")]
    with pytest.raises(service.TicketInputError):
        service.correct_ticket(db, filed.ticket.id, actor="staff:li", category="天气")
    with pytest.raises(service.TicketNotFound):
        service.correct_ticket(db, "GD209901010001", actor="staff:li", department="x")
