"""The corpus files follow the documented format (no butler needed): every file of
every set loads, ids are unique, and the checks the runner applies mean what the
README says."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from conversations.corpus import (
    HERE, CorpusError, Runner, Turn, _booking_matches, _ticket_matches, load_corpus, load_file, normalise,
)

CORPORA = ("dev", "blind", "blind2", "blind3", "blind4", "blind5", "blind6", "blind7", "blind8", "blind9", "blind10", "blind11", "blind12", "blind13", "blind14", "blind15", "blind16")
SETS = [HERE / name for name in CORPORA if (HERE / name).is_dir() and any((HERE / name).glob("*.y*ml"))]


@pytest.mark.parametrize("directory", SETS, ids=[d.name for d in SETS])
def test_every_corpus_loads(directory: Path):
    conversations = load_corpus(directory)
    assert conversations
    for c in conversations:
        assert c.says >= 1 and c.goal, c.name


def test_the_dev_corpus_has_forty_conversations_of_every_kind():
    conversations = load_corpus(HERE / "dev")
    assert len(conversations) >= 40
    kinds = {c.kind for c in conversations}
    assert {"leave_form", "digress_resume", "corrections", "choose", "two_requests", "followup_vs_new",
            "emergency", "anonymous", "rating", "elderly_dialect", "happy_path"} <= kinds


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kind.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_digits_with_a_leading_zero_and_clocks_stay_the_text_written(tmp_path):
    # YAML 1.1 would read 0541 as the octal 353, 0011 as 9 and 10:30 as 630: the check would then
    # look for words the script never wrote (blind11's call-back script expected the phone's 0541).
    conversation, = load_file(write(tmp_path, (
        "conversations: [{id: a, turns: [{say: '13912340541', expect: [0541, 0011, 0987, 5678, 10:30],"
        " forbid: [0377]}], goal: {bookings: 0, tickets: 1, handoff: false}, dates: true}]")))
    turn = conversation.turns[0]
    assert turn.expect == ["0541", "0011", "0987", "5678", "10:30"] and turn.forbid == ["0377"]
    assert conversation.goal == {"bookings": 0, "tickets": 1, "handoff": False}


@pytest.mark.parametrize("text, message", [
    ("conversations: [{id: a, turns: [{say: 你好}], goal: {handoff: false}, colour: red}]", "unknown key"),
    ("conversations: [{id: A b, turns: [{say: 你好}], goal: {handoff: false}}]", "'id'"),
    ("conversations: [{id: a, turns: [{say: 你好, expects: [x]}], goal: {handoff: false}}]", "unknown key"),
    ("conversations: [{id: a, turns: [{say: 你好}]}]", "goal"),
    ("conversations: [{id: a, turns: [{say: 你好}], goal: {booking: {day: 周三}}}]", "booking day"),
    ("conversations: [{id: a, turns: [{say: 你好}], goal: {booking: {time: 3pm}}}]", "HH:MM"),
    ("conversations: [{id: a, turns: [{staff: {to: 关闭}}], goal: {tickets: 1}}]", "staff"),
    ("conversations: [{id: a, turns: [{say: 你好}], goal: {tickets: many}}]", "count"),
])
def test_a_file_off_the_format_is_refused_with_its_reason(tmp_path, text, message):
    with pytest.raises(CorpusError, match=message):
        load_file(write(tmp_path, text))


def test_reply_checks_alternatives_forbidden_words_and_buttons():
    runner = Runner(http=None, gateway_url="", staff=None, local_now=datetime.now)  # type: ignore[arg-type]
    replies = [{"text": "预约好了！预约号ＹＹ2026120500001。", "buttons": [{"title": "1. 理发", "payload": "/x"}]}]
    today = date(2026, 12, 5)
    ok = Turn(say="x", expect=["预约号", "不约|yy2026"], forbid=["没听清"], buttons=["理发|保洁"])
    assert runner.check_replies(ok, replies, today, {}) == []
    bad = Turn(say="x", expect=["工单号|GD"], forbid=["没听清|预约号"], buttons=["助餐"])
    problems = runner.check_replies(bad, replies, today, {})
    assert len(problems) == 3 and "工单号" in problems[0] and "预约号" in problems[1] and "助餐" in problems[2]
    assert runner.check_replies(Turn(say="x"), [], today, {}) == ["no reply at all"]


def test_goal_matching():
    booking = {"id": "YY1", "service": "理发", "starts_at": "2026-12-07T15:00:00", "status": "booked",
               "address": "3号楼1单元202", "phone": "13912345678"}
    assert _booking_matches(booking, {"service": "理发", "time": "15:00", "address": "3号楼1单元"}, date(2026, 12, 7))
    assert not _booking_matches(booking, {"service": "理发"}, date(2026, 12, 8))
    assert not _booking_matches(booking, {"time": "15:30"}, date(2026, 12, 7))
    assert not _booking_matches(booking, {"status": "cancelled"}, date(2026, 12, 7))
    ticket = {"category": "市政设施", "status": "已办结", "urgency": "normal", "address": None,
              "description": "路灯坏了", "satisfaction": 2, "report_count": 1,
              "timeline": [{"note": "地点：6号楼3单元"}]}
    assert _ticket_matches(ticket, {"category": ["市政设施", "物业管理"], "address": "6号楼3单元", "rated": True})
    assert not _ticket_matches(ticket, {"satisfaction": 5})
    assert not _ticket_matches(ticket, {"address": "7号楼"})
    assert not _ticket_matches(ticket, {"urgency": "emergency"})
    rated = {**ticket, "satisfaction": None,
             "ratings": [{"sender_id": "web:r-1", "score": 1, "label": "不满意"}]}
    assert _ticket_matches(rated, {"rated": True, "satisfaction": 1, "rating": "不满意"}, "web:r-1")
    assert not _ticket_matches(rated, {"rated": True}, "web:r-2")  # someone else's rating
    assert not _ticket_matches(rated, {"rating": ["满意", "基本满意"]}, "web:r-1")


def test_normalise():
    assert normalise("ＧＤ２０２６ 12") == "gd202612"
