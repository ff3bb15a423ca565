"""References to a resident's own tickets (那个漏水的事有回复了吗) on a real migrated
SQLite database, with tickets filed through the ticket service and a fixed clock:
"now" is Saturday 2026-12-05 10:00 in Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assistant.db import Database
from assistant.tickets import service
from assistant.tickets.references import (
    check_ticket_payload, is_reference_to_existing, resolve_ticket_reference,
)

NOW = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)  # Saturday 10:00 Shanghai
DAY = timedelta(days=1)
AMY, BOB, CAROL = "web:amy", "web:bob", "web:carol"


def _file(db: Database, sender: str, description: str, address: str, when: datetime, **kw) -> str:
    return service.file_ticket(db, description=description, sender_id=sender, address=address, now=when,
                               **kw).ticket.id


def _close(db: Database, ticket_id: str, when: datetime) -> None:
    for action, extra in (("派单", {}), ("开始处置", {}), ("办结", {"note": "已处理"}),
                          ("回访", {"satisfaction": 5}), ("关闭", {})):
        service.transition_ticket(db, ticket_id, action, actor="staff:w", now=when, **extra)


@pytest.fixture
def world(db: Database) -> dict[str, str]:
    """Amy: an open leak (3号楼, Dec 1), an open streetlight (yesterday), a closed noise
    complaint (last week) and a closed older leak (Nov 10). Bob: his own garbage
    complaint, and Amy's leak which he reported too (linked as a duplicate)."""
    ids = {
        "leak": _file(db, AMY, "楼道顶上一直在渗水，墙上都是水印", "幸福里3号楼2单元", NOW - 4 * DAY),
        "light": _file(db, AMY, "我家楼下的路灯坏了好几天了，晚上黑乎乎的", "5号楼", NOW - DAY),
        "noise": _file(db, AMY, "楼上天天晚上装修，电钻声吵得睡不着", "5号楼", NOW - 9 * DAY),
        "old_leak": _file(db, AMY, "卫生间天花板滴水，是楼上漏下来的", "5号楼", NOW - 25 * DAY),
        "garbage": _file(db, BOB, "小区东门的垃圾好几天没人清运了，臭得很", "小区东门", NOW - 3 * DAY),
    }
    _close(db, ids["noise"], NOW - 6 * DAY)
    _close(db, ids["old_leak"], NOW - 20 * DAY)
    linked = service.file_ticket(db, description="楼道顶上一直渗水，墙上全是水印", sender_id=BOB, address="3号楼",
                                 now=NOW - 2 * DAY)
    assert not linked.created and linked.ticket.id == ids["leak"]  # Bob now watches Amy's leak
    return ids


def _resolve(db: Database, sender: str, text: str):
    with db.session() as session:
        return resolve_ticket_reference(session, sender, text, now=NOW)


# (sender, message, expected match, expected key of the first ticket or None)
PHRASINGS = [
    (AMY, "那个漏水的事有回复了吗", "one", "leak"),             # the open leak, not the closed one
    (AMY, "上次说的漏水修了没", "one", "leak"),
    (AMY, "渗水那个咋样了", "one", "leak"),
    (AMY, "楼道滴水的问题处理得怎么样了", "one", "leak"),
    (AMY, "3号楼那个事有人管了吗", "one", "leak"),
    (AMY, "我家顶上漏水那个事有下文没", "one", "leak"),
    (AMY, "路灯修好了吗", "one", "light"),
    (AMY, "灯还是不亮 有人管了吗", "one", "light"),
    (AMY, "黑灯瞎火那个事 咋样了", "one", "light"),
    (AMY, "昨天反映的那个咋样了", "one", "light"),
    (AMY, "上回反映的事有回复吗", "one", "light"),             # the latest report
    (AMY, "刚才说的那个有进展了吗", "one", "light"),
    (AMY, "上周投诉的那个呢 处理了没", "one", "noise"),
    (AMY, "楼上装修太吵那个投诉有结果了吗", "one", "noise"),
    (AMY, "噪音那事儿怎么样了", "one", "noise"),
    (AMY, "我反映的事有回复了吗", "ambiguous", "light"),       # two open ones: ask
    (AMY, "我的投诉怎么样了", "ambiguous", "light"),
    (AMY, "电梯的事有回复了吗", "none", None),
    (AMY, "垃圾的事怎么样了", "none", None),                    # Bob's, never Amy's
    (AMY, "5号楼那个漏水的事", "one", "old_leak"),            # the building decides, closed or not
    (BOB, "渗水那个事怎么样了", "one", "leak"),                 # a linked report is his too
    (BOB, "那个漏水的事有回复了吗", "one", "leak"),
    (BOB, "垃圾没人收那个事咋样了", "one", "garbage"),
    (BOB, "东门那个臭味的事", "one", "garbage"),
    (BOB, "路灯修好了吗", "none", None),                        # Amy's, never Bob's
    (BOB, "噪音的事处理了吗", "none", None),
    (CAROL, "那个漏水的事有回复了吗", "none", None),
]


def test_colloquial_references_resolve_to_the_residents_own_ticket(db: Database, world):
    wrong = []
    for sender, text, match, key in PHRASINGS:
        ref = _resolve(db, sender, text)
        got = ref.tickets[0].id if ref.tickets else None
        if ref.match != match or got != (world[key] if key else None):
            wrong.append((sender, text, ref.match, got, ref.cues))
    assert wrong == [], f"{len(PHRASINGS) - len(wrong)}/{len(PHRASINGS)} right"


def test_never_another_residents_ticket(db: Database, world):
    bob_only = {world["garbage"]}
    amy_only = {world["light"], world["noise"], world["old_leak"]}
    for text in ("我反映的事有回复了吗", "垃圾的事怎么样了", "路灯修好了吗", "那个噪音的事", "上次那个", "咋样了"):
        amy = _resolve(db, AMY, text)
        bob = _resolve(db, BOB, text)
        assert not {t.id for t in amy.tickets} & bob_only
        assert not {t.id for t in bob.tickets} & amy_only
        assert all(c.ticket_id not in amy_only for c in bob.candidates)


def test_ambiguous_gives_buttons_open_first_with_ids(db: Database, world):
    ref = _resolve(db, AMY, "我反映的事有回复了吗")
    assert ref.match == "ambiguous" and ref.ticket is None
    assert [c.ticket_id for c in ref.candidates] == [world["light"], world["leak"], world["noise"], world["old_leak"]]
    light, leak, noise = ref.candidates[0], ref.candidates[1], ref.candidates[2]
    assert light.title == f"{world['light']} 我家楼下的路灯坏了好几天…（12月4日）"
    assert leak.title == f"{world['leak']} 楼道顶上一直在渗水（12月1日）"
    assert noise.title.endswith("（11月26日，关闭）")
    assert leak.payload == f'/check_ticket{{"ticket_id": "{world["leak"]}"}}' == check_ticket_payload(world["leak"])
    assert "哪一件" in ref.message


def test_two_open_leaks_are_ambiguous_until_place_words_or_time_decide(db: Database):
    first = _file(db, AMY, "楼道顶上一直在渗水", "3号楼", NOW - 4 * DAY)
    second = _file(db, AMY, "厨房水管漏水，地上全是水", "7号楼", NOW - 2 * DAY)
    cases = [
        ("那个漏水的事有回复了吗", "ambiguous", second),   # the more recent first
        ("3号楼漏水的事", "one", first),
        ("七号楼那个漏水", "one", second),
        ("厨房漏水那个咋样了", "one", second),
        ("楼道渗水修了没", "one", first),
        ("上次说的漏水修了没", "one", second),            # 上次: the latest report
        ("前天反映的漏水", "one", second),
        ("9号楼漏水的事", "none", None),                  # another building
    ]
    results = [(text, _resolve(db, AMY, text)) for text, _, _ in cases]
    got = [(text, r.match, r.tickets[0].id if r.tickets else None) for text, r in results]
    assert got == [(text, match, tid) for text, match, tid in cases]
    ambiguous = results[0][1]
    assert {c.ticket_id for c in ambiguous.candidates} == {first, second}
    assert "2件漏水的事" in ambiguous.message


def test_open_ranks_above_closed(db: Database):
    closed = _file(db, AMY, "楼道里的灯坏了", "3号楼", NOW - 10 * DAY)
    _close(db, closed, NOW - 8 * DAY)
    open_ = _file(db, AMY, "楼道灯又不亮了，晚上看不见", "3号楼", NOW - 2 * DAY, check_duplicates=False)
    ref = _resolve(db, AMY, "楼道灯的事有回复了吗")
    assert ref.match == "one" and ref.ticket_id == open_
    assert [t.id for t in ref.tickets] == [open_, closed]


def test_none_says_whether_the_resident_has_any_ticket(db: Database, world):
    other = _resolve(db, AMY, "电梯的事有回复了吗")
    assert other.match == "none" and other.has_any_ticket and other.topics == ["电梯"]
    assert "电梯" in other.message
    nothing = _resolve(db, CAROL, "那个漏水的事有回复了吗")
    assert nothing.match == "none" and not nothing.has_any_ticket and nothing.tickets == []
    assert "还没有投诉记录" in nothing.message


def test_an_id_in_the_message_counts_only_when_it_is_the_residents(db: Database, world):
    mine = _resolve(db, AMY, f"{world['light']}怎么样了")
    assert mine.match == "one" and mine.ticket_id == world["light"]
    theirs = _resolve(db, AMY, f"{world['garbage'].lower()} 怎么样了")
    assert theirs.match == "none" and theirs.mentioned_id == world["garbage"] and theirs.tickets == []


def test_same_answer_every_time(db: Database, world):
    first = _resolve(db, AMY, "我反映的事有回复了吗")
    again = _resolve(db, AMY, "我反映的事有回复了吗")
    assert [c.ticket_id for c in first.candidates] == [c.ticket_id for c in again.candidates]


REFERENCES = [
    "那个漏水的事有回复了吗", "上次说的漏水修了没", "我之前反映的路灯", "路灯修好了吗", "咋样了",
    "我上次反映的问题怎么样了", "投诉过好几次了 到底有没有人管", "噪音的问题处理了吗", "有下文没",
    "前几天报修的那个还没回复", "上回说的那事儿 弄好了没", "我的投诉", "GD202612010003", "那件事有结果了吗",
    "反映了三天了还没人回复", "刚才说的电梯修没修", "物业那边有回音吗", "之前跟你们反映的垃圾站",
    "俺家那个渗水的事 有信儿没", "我报修的那个 进度咋样",
]
NEW_REPORTS = [
    "楼上又漏水了", "我家楼上漏水了", "楼下路灯坏了三天了还没人修", "我要投诉楼道灯坏了", "电梯坏了怎么办",
    "那个那个 我家楼上漏水了", "楼上半夜有动静 吵得睡不着", "小区门口垃圾好几天没人收", "上次反映的楼道灯又坏了",
    "我想反映个事 楼道里堆满了杂物", "3号楼门口有人乱停车", "楼道堆满杂物有没有人管", "你好",
    "我要举报 有人在小区里摆摊", "我投诉过一次 现在又开始吵了", "今天下午停水了",
]


@pytest.mark.parametrize("text", REFERENCES)
def test_reference_to_an_earlier_matter(text):
    assert is_reference_to_existing(text)


@pytest.mark.parametrize("text", NEW_REPORTS)
def test_a_new_report_is_not_a_reference(text):
    assert not is_reference_to_existing(text)
