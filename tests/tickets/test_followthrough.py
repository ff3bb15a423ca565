"""Issue #11 items 6-8 and the watcher part of #12, on the domain functions with a
real SQLite database and a real loopback webhook: what follows an emergency (where,
what else), honest promises in every alert and contact setting, residents' ratings
and reopening, and what a linked reporter or a stranger hears about a ticket."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from assistant.db import Database
from assistant.settings import Settings
from assistant.tickets import feedback, lifecycle, service
from assistant.tickets.emergency import follow_up_advice
from assistant.tickets.export import export_rows
from assistant.tickets.lifecycle import aware

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # Monday 10:00 Shanghai
PHONE = "021-12345678"  # the default service phone


class _Recorder(BaseHTTPRequestHandler):
    received: list[dict] = []
    status = 204

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(json.loads(body))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    """A real HTTP server on loopback; ``status`` 500 makes it refuse alerts."""
    _Recorder.received, _Recorder.status = [], 204
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/alerts", _Recorder
    server.shutdown()
    server.server_close()


# The three alert settings of issue #11 item 7: a webhook that takes alerts, one that
# refuses them, none at all.
@pytest.fixture(params=["up", "down", "none"])
def alert_setting(request, webhook):
    url, recorder = webhook
    if request.param == "down":
        recorder.status = 500
    settings = Settings(alert_webhook_url=url if request.param != "none" else "")
    return request.param, settings, recorder


# ---- emergency follow-through ------------------------------------------------------------------


def test_without_a_place_the_butler_asks_where_after_the_advice(db: Database):
    r = service.respond_to_emergency(db, text="楼道里着火了", sender_id="web:e1", settings=Settings())
    assert "119" in r.lines[0] and r.lines[-1] == service.LOCATION_QUESTION and r.needs_location
    with_place = service.respond_to_emergency(
        db, text="8号楼2单元着火了", sender_id="web:e2", settings=Settings()
    )
    assert not with_place.needs_location and service.LOCATION_QUESTION not in with_place.lines
    with db.session() as s:
        assert service.get_ticket(s, with_place.ticket_id).address == "8号楼2单元"


@pytest.mark.parametrize(
    "reply,place",
    [
        ("在6号楼3单元", "6号楼3单元"),
        ("6栋302", "6栋302"),
        ("小区东门", "小区东门"),
        ("就在超市后面那条路", "超市后面那条路"),
    ],
)
def test_the_answer_to_where_joins_the_same_ticket(db: Database, reply, place):
    first = service.respond_to_emergency(db, text="楼道里着火了", sender_id="web:w", settings=Settings())
    answer = service.follow_up_emergency(
        db,
        ticket_id=first.ticket_id,
        sender_id="web:w",
        text=reply,
        awaiting_location=True,
        now=aware(lifecycle.utcnow()) + timedelta(minutes=1),
        settings=Settings(),
    )
    assert answer is not None and answer.ticket_id == first.ticket_id and not answer.needs_location
    assert answer.lines[0].startswith(f"已记下位置：{place}")
    with db.session() as s:
        ticket = service.get_ticket(s, first.ticket_id)
        assert ticket.address == place
        assert ticket.events[-1].action == "补充位置" and ticket.events[-1].to_state == place
        assert len(service.list_tickets(s)[0]) == 1  # one emergency, one ticket


def test_a_reply_that_is_not_a_place_does_not_become_one(db: Database):
    first = service.respond_to_emergency(db, text="楼道里着火了", sender_id="web:n1", settings=Settings())
    for text in ("好的", "嗯"):
        assert (
            service.follow_up_emergency(
                db,
                ticket_id=first.ticket_id,
                sender_id="web:n1",
                text=text,
                awaiting_location=True,
                settings=Settings(),
            )
            is None
        )
    bleeding = service.follow_up_emergency(
        db,
        ticket_id=first.ticket_id,
        sender_id="web:n1",
        text="他流血了",
        awaiting_location=True,
        settings=Settings(),
    )
    assert bleeding.needs_location and bleeding.lines[-1] == service.LOCATION_QUESTION
    with db.session() as s:
        assert service.get_ticket(s, first.ticket_id).address is None


@pytest.mark.parametrize(
    "reply,place",
    [
        ("就在8号楼下面的停车场", "8号楼下面的停车场"),
        ("就在8号楼楼下", "8号楼"),
        ("在小区广场那边丢的 就9号楼前面", "广场那边丢的 就9号楼前面"),
    ],
)
def test_the_answer_to_where_heard_as_a_complaint_is_still_the_answer(db: Database, reply, place):
    first = service.respond_to_emergency(
        db, text="楼下有人拿刀打架了", sender_id="web:wc", settings=Settings()
    )
    answer = service.follow_up_emergency(
        db,
        ticket_id=first.ticket_id,
        sender_id="web:wc",
        text=reply,
        awaiting_location=True,
        reads_as_complaint=True,
        settings=Settings(),
    )
    assert answer is not None and answer.ticket_id == first.ticket_id and not answer.needs_location
    with db.session() as s:
        assert service.get_ticket(s, first.ticket_id).address.startswith(place)
        assert len(service.list_tickets(s)[0]) == 1


def test_a_new_problem_at_the_where_question_is_a_new_matter(db: Database):
    first = service.respond_to_emergency(
        db, text="楼下有人拿刀打架了", sender_id="web:wn", settings=Settings()
    )
    assert (
        service.follow_up_emergency(
            db,
            ticket_id=first.ticket_id,
            sender_id="web:wn",
            text="3号楼路灯坏了好几天了",
            awaiting_location=True,
            reads_as_complaint=True,
            settings=Settings(),
        )
        is None
    )


@pytest.mark.parametrize(
    "text,advice",
    [
        ("他流血了", "按压"),
        ("烟越来越大了", "低姿"),
        ("还有煤气味", "开关电灯"),
        ("人还没醒", "侧躺"),
        ("血还是止不住，咋办", "按压"),
        ("止不住血啊", "按压"),
        ("血一直往外冒 止不住", "按压"),
        ("佢话个腰好痛", "乱动"),
        ("他说腿疼得厉害", "乱动"),
        ("我头有点晕", "室外"),
    ],
)
def test_further_details_get_the_advice_that_fits(text, advice):
    assert any(advice in line for line in follow_up_advice(text)), follow_up_advice(text)


def test_follow_up_advice_is_empty_for_a_place_or_an_acknowledgement():
    assert follow_up_advice("在6号楼3单元") == [] and follow_up_advice("好的") == []
    assert any("120" in line for line in follow_up_advice("他流血了"))


def test_a_detail_minutes_later_adds_to_the_ticket_with_its_advice(db: Database, clock):
    start = clock.now()
    first = service.respond_to_emergency(db, text="6号楼着火了", sender_id="web:d", settings=Settings())
    clock.move_to(start + timedelta(minutes=2))
    # Through the emergency path (the safety net reads 他流血了 as an emergency) ...
    again = service.respond_to_emergency(db, text="他流血了", sender_id="web:d", settings=Settings())
    assert again.ticket_id == first.ticket_id and again.follow_up
    assert "按压" in again.lines[0] and "119" not in again.lines[0]
    # ... and through the follow-up path (烟越来越大了 is no emergency on its own).
    clock.move_to(start + timedelta(minutes=4))
    smoke = service.follow_up_emergency(
        db, ticket_id=first.ticket_id, sender_id="web:d", text="烟越来越大了", settings=Settings()
    )
    assert "低姿" in smoke.lines[0] and first.ticket_id in smoke.lines[1]
    with db.session() as s:
        ticket = service.get_ticket(s, first.ticket_id)
        assert "他流血了" in ticket.description and "烟越来越大了" in ticket.description
        assert [e.action for e in ticket.events][-2:] == ["补充", "补充"]
        assert len(service.list_tickets(s)[0]) == 1


def test_follow_ups_end_when_the_emergency_goes_quiet_and_belong_to_their_reporter(db: Database, clock):
    start = clock.now()
    first = service.respond_to_emergency(db, text="楼道里着火了", sender_id="web:q", settings=Settings())
    assert (
        service.follow_up_emergency(
            db,
            ticket_id=first.ticket_id,
            sender_id="web:someone-else",
            text="在6号楼3单元",
            awaiting_location=True,
            settings=Settings(),
        )
        is None
    )
    clock.move_to(start + service.EMERGENCY_FOLLOW_UP + timedelta(minutes=1))
    assert not service.live_emergency(db, first.ticket_id, "web:q")
    assert (
        service.follow_up_emergency(
            db,
            ticket_id=first.ticket_id,
            sender_id="web:q",
            text="在6号楼3单元",
            awaiting_location=True,
            settings=Settings(),
        )
        is None
    )
    with db.session() as s:
        assert service.get_ticket(s, first.ticket_id).address is None


# ---- honest promises -----------------------------------------------------------------------------


def test_emergency_promises_follow_the_alert_setting(db: Database, alert_setting):
    setting, settings, recorder = alert_setting
    first = service.respond_to_emergency(
        db, text="楼道里着火了", sender_id=f"web:p-{setting}", settings=settings
    )
    told = "\n".join(first.lines)
    place = service.follow_up_emergency(
        db,
        ticket_id=first.ticket_id,
        sender_id=f"web:p-{setting}",
        text="在6号楼3单元",
        awaiting_location=True,
        settings=settings,
    )
    added = "\n".join(place.lines)
    if setting == "up":
        assert "已通知值班人员" in told and PHONE not in told
        assert "已告诉值班人员" in added
        assert [a["type"] for a in recorder.received] == ["emergency", "emergency_update"]
        assert recorder.received[1]["address"] == "6号楼3单元"
    else:
        assert "已通知" not in told and "已记录紧急求助" in told and PHONE in told
        assert "值班人员" not in added and PHONE in added
        assert len(recorder.received) == (2 if setting == "down" else 0)  # tried, refused / never tried


@pytest.mark.parametrize("contact", ["13912345678", None])
def test_a_reply_by_a_deadline_is_promised_only_with_a_phone(db: Database, contact):
    filed = service.file_ticket(
        db,
        description="我家楼下的路灯坏了好几天了",
        sender_id="web:c",
        address="3号楼",
        contact_phone=contact,
        now=NOW,
    )
    if contact:
        assert "3个工作日内给您答复" in filed.message
    else:
        assert "给您答复" not in filed.message and "联系您" not in filed.message
        assert "没有留联系方式" in filed.message and f"{filed.ticket.id} 怎么样了" in filed.message


# ---- residents' ratings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,score",
    [
        ("满意", 5),
        ("满意 五星", 5),
        ("给个好评", 5),
        ("非常满意", 5),
        ("处理得不错", 5),
        ("打5分", 5),
        ("还行吧", 3),
        ("基本满意", 3),
        ("3", 3),
        ("三星吧", 3),
        ("一般般", 3),
        ("不太满意", 2),
        ("打两分", 2),
        ("处理得不好，我不满意", 1),
        ("不满意", 1),
        ("差评", 1),
        ("修完又坏了", 1),
        ("太慢了没人管", 1),
        ("一星", 1),
        ("你好", None),
        ("我要预约理发", None),
        ("", None),
        # stars and points said in words, English or pinyin
        ("给个满分", 5),
        ("four stars", 4),
        ("5 stars", 5),
        ("wu xing", 5),
        ("si fen ba", 4),
        ("3/5", 3),
        ("修得不错，给个四颗星", 4),
        ("five star service", 5),
        ("我住五号楼", None),
        ("wuhan", None),
        # 垃圾 is the rubbish the ticket was about, unless it is said of the handling
        ("垃圾拉走了，基本满意吧，就是太慢了", 3),
        ("垃圾清走了，满意", 5),
        ("处理得太垃圾了", 1),
        ("垃圾", 1),
    ],
)
def test_parse_rating(text, score):
    assert feedback.parse_rating(text) == score


@pytest.mark.parametrize(
    "text,has_reason",
    [
        ("处理得不好，我不满意", False),
        ("不满意", False),
        ("满意 五星", False),
        ("还行吧", False),
        ("修完又坏了，不满意", True),
        ("太慢了没人管", True),
        ("师傅来了看一眼就走了，没解决", True),
    ],
)
def test_reason_in(text, has_reason):
    assert (feedback.reason_in(text) is not None) is has_reason


def handled(
    db: Database,
    *,
    sender: str = "web:r",
    contact: str | None = None,
    at: datetime = NOW,
    text: str = "我家楼下的路灯坏了好几天了",
) -> str:
    filed = service.file_ticket(
        db, description=text, sender_id=sender, address="3号楼", contact_phone=contact, now=at
    )
    for action, note in (("派单", None), ("开始处置", None), ("办结", "已更换灯泡")):
        service.transition_ticket(
            db, filed.ticket.id, action, actor="staff:t", note=note, now=at + timedelta(hours=1)
        )
    return filed.ticket.id


def test_satisfied_rating_is_stored_and_shown_to_staff(db: Database):
    tid = handled(db)
    out = feedback.rate_ticket(db, sender_id="web:r", ticket_id=tid, score=5, now=NOW + timedelta(days=1))
    assert "满意" in out.message and not out.reopened and out.awaiting is None
    with db.session() as s:
        data = service.ticket_to_dict(service.get_ticket(s, tid), timeline=True)
    assert data["status"] == "已办结" and data["resident_rating"]["label"] == "满意"
    assert data["resident_rating"]["score"] == 5 and data["ratings"][0]["sender_id"] == "web:r***"
    assert data["timeline"][-1]["action"] == "居民评价"


def test_unsatisfied_asks_why_then_the_reason_reopens(db: Database):
    tid = handled(db, contact="13912345678")
    asked = feedback.rate_ticket(db, sender_id="web:r", ticket_id=tid, score=1, now=NOW + timedelta(days=1))
    assert asked.awaiting == "rating_reason" and "原因" in asked.message and "重新交给" in asked.message
    when = NOW + timedelta(days=1, minutes=2)
    done = feedback.add_reason(db, sender_id="web:r", ticket_id=tid, reason="修完第二天又不亮了", now=when)
    assert done.reopened and "已重新打开" in done.message and "给您答复" in done.message
    with db.session() as s:
        t = service.get_ticket(s, tid)
        assert t.status == "处置中" and t.resolved_at is None and t.reopen_count == 1
        assert aware(t.deadline_at) == lifecycle.deadline_for("normal", when)
        assert t.events[-1].action == lifecycle.RESIDENT_REOPEN_ACTION and "又不亮" in t.events[-1].note
        assert t.ratings[-1].reason == "修完第二天又不亮了" and t.ratings[-1].reopened
        rows = export_rows(db, service.TicketFilters(), unmasked=False, now=when)
    assert rows[0]["resident_rating"] == "不满意（1分）" and rows[0]["reopen_count"] == 1
    assert rows[0]["resident_rating_reason"] == "修完第二天又不亮了"


def test_unsatisfied_with_a_reason_at_once_reopens_and_promises_nothing_without_a_phone(db: Database):
    tid = handled(db)
    out = feedback.rate_ticket(
        db, sender_id="web:r", ticket_id=tid, score=1, reason="太慢了没人管", now=NOW + timedelta(days=2)
    )
    assert out.reopened and "给您答复" not in out.message and f"{tid} 怎么样了" in out.message


def test_reopening_has_limits_window_and_count(db: Database):
    late = handled(db, sender="web:late")
    out = feedback.rate_ticket(
        db, sender_id="web:late", ticket_id=late, score=1, reason="修完又坏了", now=NOW + timedelta(days=9)
    )
    assert not out.reopened and "超过7天" in out.message
    with db.session() as s:
        assert service.get_ticket(s, late).status == "已办结"
    tid = handled(db, sender="web:twice")
    for round_ in range(lifecycle.MAX_RESIDENT_REOPENS):
        at = NOW + timedelta(days=1 + round_)
        assert feedback.rate_ticket(
            db, sender_id="web:twice", ticket_id=tid, score=1, reason="还是不亮", now=at
        ).reopened
        service.transition_ticket(db, tid, "办结", actor="staff:t", note="再修", now=at + timedelta(hours=1))
    third = feedback.rate_ticket(
        db, sender_id="web:twice", ticket_id=tid, score=1, reason="还是不亮", now=NOW + timedelta(days=4)
    )
    assert not third.reopened and "2次" in third.message


def test_only_handled_tickets_of_ones_own_can_be_rated(db: Database):
    open_ = service.file_ticket(db, description="楼道灯坏了", sender_id="web:o", address="5号楼", now=NOW)
    with pytest.raises(feedback.FeedbackRefused, match="还没办结"):
        feedback.rate_ticket(db, sender_id="web:o", ticket_id=open_.ticket.id, score=1, now=NOW)
    tid = handled(db, sender="web:owner")
    with pytest.raises(feedback.FeedbackRefused, match="没有工单"):
        feedback.rate_ticket(db, sender_id="web:stranger", ticket_id=tid, score=1, reason="不好", now=NOW)
    with pytest.raises(feedback.FeedbackRefused):
        feedback.rate_ticket(db, sender_id="web:owner", ticket_id=tid, score=6, now=NOW)


def test_the_ticket_to_rate_is_the_latest_handled_or_the_one_named(db: Database):
    older = handled(db, sender="web:f", text="小区门口的井盖丢了", at=NOW - timedelta(days=3))
    newer = handled(db, sender="web:f", text="我家楼下的路灯坏了好几天了")
    service.file_ticket(db, description="楼上装修太吵了", sender_id="web:f", address="3号楼", now=NOW)
    with db.session() as s:
        assert feedback.find_ticket_to_rate(s, "web:f", "处理得不好，我不满意").ticket_id == newer
        assert feedback.find_ticket_to_rate(s, "web:f", "井盖那个处理得不好").ticket_id == older
        assert feedback.find_ticket_to_rate(s, "web:f", "满意", ticket_id=older).ticket_id == older
        assert feedback.find_ticket_to_rate(s, "web:x", "不满意", ticket_id=older).ticket_id is None
        assert "没有已办结" in feedback.find_ticket_to_rate(s, "web:nobody", "不满意").message


def test_rating_buttons_send_the_rating_and_the_ticket():
    buttons = feedback.rating_buttons("GD202611300001")
    assert [b["title"] for b in buttons] == ["满意", "基本满意", "不满意"]
    assert buttons[2]["payload"] == '/rate_ticket{"rating": "不满意", "ticket_id": "GD202611300001"}'
    assert [feedback.parse_rating(b["title"]) for b in buttons] == [5, 3, 1]


def test_resident_reopen_refuses_open_closed_and_reasonless(db: Database):
    tid = handled(db)
    with db.transaction() as s:
        t = service.get_ticket(s, tid)
        with pytest.raises(lifecycle.InvalidTransition, match="原因"):
            lifecycle.resident_reopen(t, actor="resident:web:r", reason="  ", now=NOW + timedelta(days=1))
        t.status = lifecycle.CLOSED
        assert lifecycle.resident_reopen_refusal(t, NOW + timedelta(days=1)) == "工单已关闭"
        t.status = lifecycle.IN_PROGRESS
        assert lifecycle.resident_reopen_refusal(t, NOW) == "工单还在处理中"
        s.rollback()


# ---- watchers and strangers (#12) -----------------------------------------------------------------


def test_a_linked_reporter_hears_the_state_and_their_own_words_never_the_first_reporters(db: Database):
    first = service.file_ticket(
        db,
        description="3号楼门口的路灯坏了，我是张三，电话13912345678",
        sender_id="web:first",
        address="3号楼1单元202",
        contact_phone="13912345678",
        now=NOW,
    )
    linked = service.file_ticket(
        db,
        description="3号楼路灯不亮了",
        sender_id="web:second",
        address="3号楼",
        now=NOW + timedelta(hours=1),
    )
    assert linked.duplicate and linked.ticket.id == first.ticket.id
    tid = first.ticket.id
    with db.session() as s:
        owner = service.public_status(s, tid, "web:first")
        watcher = service.public_status(s, tid, "web:second")
        stranger = service.public_status(s, tid, "web:stranger")
        listed = service.my_tickets_text(s, "web:second")
        from assistant.tickets.references import resolve_ticket_reference

        ref = resolve_ticket_reference(s, "web:second", "那个路灯的事有回复了吗")
    assert "路灯坏了" in owner
    for text in (watcher, stranger, listed):
        assert (
            "张三" not in text
            and "139" not in text
            and "1单元202" not in text
            and "门口的路灯坏了" not in text
        )
        assert "受理" in text
    assert "3号楼路灯不亮了" in watcher and tid in watcher
    assert stranger == f"工单 {tid} 当前状态：受理，{lifecycle.state_for_resident(first.ticket)}。"
    assert ref.match == "one" and ref.ticket_id == tid


def test_rating_reopening_and_the_emergency_place_on_both_databases(any_db: Database):
    tid = handled(any_db)
    out = feedback.rate_ticket(
        any_db, sender_id="web:r", ticket_id=tid, score=1, reason="修完又坏了", now=NOW + timedelta(days=1)
    )
    assert out.reopened
    first = service.file_emergency(
        any_db, description="楼道里着火了", sender_id="web:pg", now=NOW, settings=Settings()
    )
    service.follow_up_emergency(
        any_db,
        ticket_id=first.ticket.id,
        sender_id="web:pg",
        text="在6号楼3单元",
        awaiting_location=True,
        now=NOW + timedelta(minutes=1),
        settings=Settings(),
    )
    with any_db.session() as s:
        t = service.get_ticket(s, tid)
        assert (t.status, t.reopen_count, t.ratings[0].reopened) == ("处置中", 1, True)
        assert service.get_ticket(s, first.ticket.id).address == "6号楼3单元"
