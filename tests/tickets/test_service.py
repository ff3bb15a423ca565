"""Filing tickets: scores and cues, routing, deadlines, duplicates, emergencies
(with a real loopback webhook), and what residents may see."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from assistant.db import Database
from assistant.settings import Settings
from assistant.tickets import service
from assistant.tickets.emergency import emergency_advice
from assistant.tickets.lifecycle import aware
from assistant.tickets.models import Ticket

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # Monday 10:00 Shanghai
STREETLIGHT = "我家楼下的路灯坏了好几天了，晚上黑乎乎的"


def test_file_ticket_keeps_scores_cues_route_and_deadline(db: Database):
    filed = service.file_ticket(db, description=STREETLIGHT, sender_id="web:alice", address="幸福里3号楼",
                                contact_name="张三", contact_phone="13912345678", now=NOW)
    t = filed.ticket
    assert filed.created and t.id.startswith("GD20261130")
    assert t.category == "市政设施" and t.department == "街道城市管理办公室"
    assert t.sentiment_label == "negative" and -1 <= t.sentiment_score < 0
    assert t.urgency == "normal" and t.status == "受理"
    assert t.cues["category"] and t.cues["sentiment"]  # staff see why
    assert t.deadline_at == datetime(2026, 12, 3, 15, 59, 59, tzinfo=UTC)  # 3 working days
    assert t.id in filed.message and "3个工作日内" in filed.message
    with db.session() as s:
        stored = service.get_ticket(s, t.id)
        assert stored.events[0].action == "受理" and stored.events[0].actor == "resident:web:alice"
        assert stored.resident_id is not None


@pytest.mark.parametrize("bad", ["", "   ", "长" * 4001])
def test_bad_descriptions_get_a_chinese_message(db: Database, bad: str):
    with pytest.raises(service.TicketInputError) as info:
        service.file_ticket(db, description=bad)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(info.value))


def test_bad_coordinates_refused(db: Database):
    with pytest.raises(service.TicketInputError):
        service.file_ticket(db, description=STREETLIGHT, lat=95.0, long=121.0)
    with pytest.raises(service.TicketInputError):
        service.file_ticket(db, description=STREETLIGHT, lat=31.2)


def test_urgent_ticket_gets_24h(db: Database):
    filed = service.file_ticket(db, description="楼上天天半夜装修吵死了，老人孩子都睡不着，投诉好几次了没人管",
                                address="7号楼", now=NOW)
    assert filed.ticket.urgency == "urgent"
    assert filed.ticket.deadline_at == NOW + timedelta(hours=24)
    assert filed.ticket.category == "噪音扰民"


# ---- duplicates -----------------------------------------------------------------

def test_duplicate_is_linked_and_resident_told(any_db: Database):
    db = any_db
    first = service.file_ticket(db, description=STREETLIGHT, sender_id="web:a", address="3号楼", now=NOW)
    second = service.file_ticket(db, description="3号楼楼下路灯不亮了，太黑了", sender_id="web:b",
                                 address="3号楼楼下", contact_phone="13800001111", now=NOW + timedelta(hours=3))
    assert not second.created and second.ticket.id == first.ticket.id
    assert "已有居民反映" in second.message and "已为您加入关注" in second.message
    with db.session() as s:
        t = service.get_ticket(s, first.ticket.id)
        assert t.report_count == 2
        assert {w.sender_id for w in t.watchers} == {"web:a", "web:b"}
        assert any(e.action == "重复反映" for e in t.events)
        # The linked resident sees it among their tickets and hears what it is about.
        assert [x.id for x in service.my_tickets(s, "web:b")] == [t.id]
        assert "路灯" in service.public_status(s, t.id, "web:b")


def test_repeated_reports_escalate_urgency(db: Database):
    first = service.file_ticket(db, description="5号楼门口路面有个坑", address="5号楼", now=NOW)
    assert first.ticket.urgency in ("normal", "urgent")
    for i, who in enumerate(("web:x", "web:y", "web:z")):
        service.file_ticket(db, description="5号楼门口的路面坑坑洼洼", sender_id=who, address="5号楼",
                            now=NOW + timedelta(hours=i + 1))
    with db.session() as s:
        t = service.get_ticket(s, first.ticket.id)
        assert t.report_count == 4 and t.urgency == "urgent"
        assert aware(t.deadline_at) <= NOW + timedelta(hours=24)
        assert any(e.action == "升级" for e in t.events) == (first.ticket.urgency == "normal")


@pytest.mark.parametrize("kwargs, why", [
    ({"description": "3号楼门口的垃圾好几天没人清运了", "address": "3号楼"}, "other category"),
    ({"description": STREETLIGHT, "address": "12号楼"}, "other building"),
    ({"description": "3号楼楼下井盖丢了，很危险", "address": "3号楼"}, "different problem"),
])
def test_not_duplicates(db: Database, kwargs, why):
    first = service.file_ticket(db, description=STREETLIGHT, address="3号楼", now=NOW)
    other = service.file_ticket(db, now=NOW + timedelta(hours=1), **kwargs)
    assert other.created and other.ticket.id != first.ticket.id, why


def test_duplicates_by_coordinates_and_time_window(any_db: Database):
    db = any_db
    first = service.file_ticket(db, description=STREETLIGHT, lat=31.2304, long=121.4737, now=NOW)
    near = service.file_ticket(db, description="楼下路灯坏了", lat=31.2310, long=121.4740, now=NOW)  # ~75 m
    assert not near.created and near.ticket.id == first.ticket.id
    far = service.file_ticket(db, description="楼下路灯坏了", lat=31.2404, long=121.4737, now=NOW)  # ~1.1 km
    assert far.created
    late = service.file_ticket(db, description="楼下路灯坏了", lat=31.2304, long=121.4737,
                               now=NOW + timedelta(days=8))
    assert late.created  # older than 7 days: a new problem


def test_closed_tickets_do_not_absorb_new_reports(any_db: Database):
    db = any_db
    first = service.file_ticket(db, description=STREETLIGHT, address="3号楼", now=NOW)
    service.transition_ticket(db, first.ticket.id, "派单", actor="staff:d")
    service.transition_ticket(db, first.ticket.id, "开始处置", actor="staff:w")
    service.transition_ticket(db, first.ticket.id, "办结", actor="staff:w", note="已修好")
    again = service.file_ticket(db, description=STREETLIGHT, address="3号楼", now=NOW + timedelta(hours=5))
    assert again.created


def test_similarity_measures():
    assert service.is_similar(STREETLIGHT, "楼下路灯不亮")
    assert not service.is_similar("3号楼门口路灯坏了", "3号楼门口井盖坏了")  # place words do not count
    assert service.is_similar("小区北门垃圾站好几天没清运", "北门那边的垃圾堆成山了")  # 垃圾站 / 垃圾
    assert not service.is_similar("11栋停水了", "11栋停电了")
    place = Ticket(address="3号楼", lat=None, long=None)
    assert service.is_nearby(place, address="幸福里3号楼2单元", lat=None, long=None)
    assert not service.is_nearby(place, address="13号楼", lat=None, long=None)
    assert service.is_nearby(Ticket(address="北门"), address="小区北门", lat=None, long=None)
    assert not service.is_nearby(Ticket(address="东门"), address="西门", lat=None, long=None)
    assert not service.is_nearby(Ticket(address=None), address="西门", lat=None, long=None)
    assert service.haversine_m(31.2304, 121.4737, 31.2304, 121.4737) == 0
    assert 1000 < service.haversine_m(31.2304, 121.4737, 31.2404, 121.4737) < 1200


# ---- emergencies ------------------------------------------------------------------

class _Recorder(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append({"path": self.path, "type": self.headers["Content-Type"],
                                    "json": json.loads(body)})
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture
def webhook():
    """A real HTTP server on loopback that records what it is sent."""
    _Recorder.received = []
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/alerts", _Recorder.received
    server.shutdown()
    server.server_close()


def test_emergency_creates_ticket_and_posts_alert(db: Database, webhook):
    url, received = webhook
    settings = Settings(alert_webhook_url=url)
    filed = service.file_emergency(db, description="楼道里着火了，好大的烟", sender_id="web:c", address="8号楼",
                                   contact_phone="13912345678", settings=settings, now=NOW)
    assert filed.created and filed.alerted
    assert filed.ticket.urgency == "emergency" and filed.ticket.deadline_at == NOW + timedelta(hours=2)
    assert filed.ticket.category == "消防安全"
    assert any("119" in line for line in filed.advice)
    assert len(received) == 1
    alert = received[0]
    assert alert["path"] == "/alerts" and alert["type"] == "application/json"
    assert alert["json"]["ticket_id"] == filed.ticket.id and alert["json"]["urgency"] == "emergency"
    assert alert["json"]["contact_phone"] == "139****5678"  # masked even for staff chat groups
    assert "fire" in alert["json"]["hazards"]


def test_emergencies_filed_without_a_resident_are_never_merged(db: Database, webhook):
    url, received = webhook
    settings = Settings(alert_webhook_url=url)
    a = service.file_emergency(db, description="楼道里着火了", address="8号楼", settings=settings, now=NOW)
    b = service.file_emergency(db, description="楼道里着火了", address="8号楼", settings=settings, now=NOW)
    assert a.ticket.id != b.ticket.id and len(received) == 2


def test_dead_webhook_does_not_stop_the_answer(db: Database):
    settings = Settings(alert_webhook_url="http://127.0.0.1:9/none")  # discard port: refused
    filed = service.file_emergency(db, description="闻到很大的燃气味", settings=settings, now=NOW)
    assert filed.created and not filed.alerted
    assert "不要开关电灯" in filed.advice[0]


def test_non_emergency_ticket_with_acute_hazard_still_alerts(db: Database, webhook):
    url, received = webhook
    filed = service.file_ticket(db, description="2号楼电梯困人了，里面有个老人", address="2号楼",
                                settings=Settings(alert_webhook_url=url), now=NOW)
    assert filed.ticket.urgency == "emergency" and filed.alerted and len(received) == 1


@pytest.mark.parametrize("text, number", [
    ("楼道里着火了", "119"), ("我爸突然晕倒了", "120"), ("有人拿刀在楼下打人", "110"),
    ("电梯困人了", "119"),
])
def test_emergency_advice_names_the_number(text, number):
    assert any(number in line for line in emergency_advice(text))


def test_gas_advice_comes_first_and_says_no_switches():
    advice = emergency_advice("厨房燃气泄漏了还冒烟")
    assert "不要开关电灯" in advice[0] and any("119" in a for a in advice)


def test_unclear_emergency_gets_all_numbers():
    advice = emergency_advice("快来人啊")
    assert all(n in advice[0] for n in ("110", "119", "120"))


# ---- resident views ---------------------------------------------------------------

def test_status_by_id_shows_state_only(db: Database):
    filed = service.file_ticket(db, description=STREETLIGHT + "，我电话13912345678", sender_id="web:owner",
                                address="3号楼", contact_name="张三", contact_phone="13912345678", now=NOW)
    tid = filed.ticket.id
    service.transition_ticket(db, tid, "派单", actor="staff:d")
    service.transition_ticket(db, tid, "开始处置", actor="staff:w")
    with db.session() as s:
        stranger = service.public_status(s, tid, "web:stranger")
        owner = service.public_status(s, f"{tid} 怎么样了", "web:owner")
        missing = service.public_status(s, "GD209901010001", "web:owner")
    assert "处置中" in stranger
    for secret in ("路灯", "3号楼", "张", "1391234", "5678", "街道"):
        assert secret not in stranger
    assert "处置中" in owner and "路灯" in owner and "13912345678" not in owner
    assert "没有查到" in missing


def test_my_tickets_lists_only_own(db: Database):
    service.file_ticket(db, description=STREETLIGHT, sender_id="web:me", address="3号楼", now=NOW)
    service.file_ticket(db, description="小区门口有人摆摊卖菜，占了人行道", sender_id="web:me", address="北门",
                        now=NOW + timedelta(minutes=1))
    service.file_ticket(db, description="楼上狗一直叫", sender_id="web:other", address="9号楼", now=NOW)
    with db.session() as s:
        mine = service.my_tickets(s, "web:me")
        text = service.my_tickets_text(s, "web:me")
        empty = service.my_tickets_text(s, "web:nobody")
    assert len(mine) == 2 and all(t.sender_id == "web:me" for t in mine)
    assert mine[0].id in text and "狗" not in text
    assert "还没有投诉记录" in empty


def test_overdue_filter(any_db: Database):
    db = any_db
    old = service.file_ticket(db, description="楼道里着火了", address="1号楼", force_urgency="emergency",
                              check_duplicates=False, now=NOW - timedelta(hours=5))
    fresh = service.file_ticket(db, description=STREETLIGHT, address="3号楼", now=NOW)
    with db.session() as s:
        overdue, total = service.list_tickets(s, service.TicketFilters(overdue=True), now=NOW)
        assert [t.id for t in overdue] == [old.ticket.id] and total == 1
        ok, _ = service.list_tickets(s, service.TicketFilters(overdue=False), now=NOW)
        assert [t.id for t in ok] == [fresh.ticket.id]
        assert isinstance(s.get(Ticket, old.ticket.id), Ticket)


def test_nul_characters_are_cleaned_on_both_databases(any_db: Database):
    filed = service.file_ticket(any_db, description="楼道灯\x00坏了", address="\x003号楼", contact_name="张\x00三")
    with any_db.session() as s:
        t = service.get_ticket(s, filed.ticket.id)
        assert (t.description, t.address, t.contact_name) == ("楼道灯坏了", "3号楼", "张三")


def test_emergency_without_a_delivered_alert_promises_no_notification(db: Database):
    filed = service.file_emergency(db, description="楼道里着火了", sender_id="web:n", settings=Settings(), now=NOW)
    assert not filed.alerted and "已通知" not in filed.message
    assert filed.ticket.id in filed.message and "021-12345678" in filed.message


def test_the_same_residents_follow_up_joins_their_emergency_ticket(db: Database, webhook):
    url, received = webhook
    settings = Settings(alert_webhook_url=url)
    first = service.file_emergency(db, description="楼道里着火了", sender_id="web:f", settings=settings, now=NOW)
    assert first.created and "已通知值班人员" in first.message
    later = service.file_emergency(db, description="在6号楼3单元，有人被烫伤流血了", sender_id="web:f",
                                   address="6号楼3单元", settings=settings, now=NOW + timedelta(minutes=3))
    assert not later.created and later.ticket.id == first.ticket.id
    assert first.ticket.id in later.message and any("120" in line for line in later.advice)
    # One emergency, one alert; the place it adds reaches staff as an update of it.
    assert [r["json"]["type"] for r in received] == ["emergency", "emergency_update"]
    assert received[1]["json"]["address"] == "6号楼3单元" and received[1]["json"]["ticket_id"] == first.ticket.id
    with db.session() as s:
        ticket = service.get_ticket(s, first.ticket.id)
        assert "流血" in ticket.description and ticket.address == "6号楼3单元"
        assert [e.action for e in ticket.events][-1] == "补充位置"
    # Another resident, or the same one much later, gets a ticket of their own.
    other = service.file_emergency(db, description="着火了", sender_id="web:g", settings=settings,
                                   now=NOW + timedelta(minutes=4))
    much_later = service.file_emergency(db, description="又着火了", sender_id="web:f", settings=settings,
                                        now=NOW + timedelta(minutes=40))
    assert other.created and much_later.created
    assert [r["json"]["type"] for r in received].count("emergency") == 3
