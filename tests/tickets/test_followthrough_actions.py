"""The dialogue side of issue #11 items 6-8: the emergency action asks where, the
follow-up action attaches the answer and further details to the same ticket, and the
rating actions record ratings and reopen; run with rasa-sdk's real Tracker and
dispatcher against the test database (no Rasa server needed)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.tickets import ActionCheckTicket, ActionEmergency, ActionRateTicket, ActionTicketFollowup
from assistant.db import Database
from assistant.tickets import service

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = {"slots": {}, "forms": {}}
for name in ("core.yml", "tickets.yml", "booking.yml"):
    part = yaml.safe_load((ROOT / "domain" / name).read_text(encoding="utf-8")) or {}
    DOMAIN["slots"].update(part.get("slots") or {})
    DOMAIN["forms"].update(part.get("forms") or {})


def tracker(
    text: str, intent: str, slots: dict | None = None, entities=None, sender: str = "web:ft"
) -> Tracker:
    all_slots = {name: None for name in DOMAIN["slots"]}
    all_slots.update(slots or {})
    return Tracker(
        sender_id=sender,
        slots=all_slots,
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 0.9},
            "entities": entities or [],
            "metadata": {},
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


async def run(action, t: Tracker) -> tuple[list[dict], dict, list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return dispatcher.messages, slots, events


def followups(events: list[dict]) -> list[str]:
    return [e["name"] for e in events if e["event"] == "followup"]


def joined(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


async def test_fire_then_where_then_bleeding_all_on_one_ticket(app_env: Database, clock):
    start = clock.now()
    messages, slots, _ = await run(ActionEmergency(), tracker("楼道里着火了", "emergency"))
    assert "119" in messages[0]["text"] and messages[-1]["text"] == service.LOCATION_QUESTION
    tid = slots["emergency_ticket_id"]
    assert slots["emergency_awaiting_location"] is True and slots["ticket_followup"].startswith(
        f"emergency|{tid}|"
    )

    clock.move_to(start + timedelta(minutes=1))
    messages, after, _ = await run(ActionTicketFollowup(), tracker("在6号楼3单元", "inform", slots))
    assert (
        joined(messages).startswith("已记下位置：6号楼3单元")
        and after["emergency_awaiting_location"] is False
    )
    slots.update(after)

    clock.move_to(start + timedelta(minutes=3))
    messages, _, _ = await run(ActionEmergency(), tracker("他流血了", "emergency", slots))
    assert "按压" in messages[0]["text"] and tid in joined(messages)
    assert service.LOCATION_QUESTION not in joined(messages)
    with app_env.session() as s:
        tickets, total = service.list_tickets(s)
        assert total == 1 and tickets[0].id == tid and tickets[0].address == "6号楼3单元"
        assert "他流血了" in tickets[0].description


async def test_smoke_read_as_out_of_scope_still_joins_with_its_advice(app_env: Database, clock):
    _, slots, _ = await run(ActionEmergency(), tracker("5号楼2单元着火了", "emergency"))
    assert slots["emergency_awaiting_location"] is False  # the place was in the message
    messages, _, _ = await run(ActionTicketFollowup(), tracker("烟越来越大了", "out_of_scope", slots))
    assert "低姿" in messages[0]["text"] and slots["emergency_ticket_id"] in joined(messages)


async def test_a_non_answer_to_where_is_asked_once_more_then_goes_the_usual_way(app_env: Database):
    _, slots, _ = await run(ActionEmergency(), tracker("楼道里着火了", "emergency"))
    messages, after, _ = await run(ActionTicketFollowup(), tracker("嗯嗯", "affirm", slots))
    assert joined(messages) == service.LOCATION_QUESTION and after == {"emergency_awaiting_location": False}
    slots.update(after)
    messages, _, events = await run(
        ActionTicketFollowup(), tracker("我家楼下路灯坏了", "file_complaint", slots)
    )
    assert not messages and followups(events) == ["complaint_form"]


async def test_a_bare_place_read_as_a_booking_is_still_the_emergencys_place(app_env: Database):
    # 在6号楼3单元 looks like a booking's address answer; the NLU may call it book_service.
    _, slots, _ = await run(ActionEmergency(), tracker("楼道里着火了", "emergency"))
    messages, after, events = await run(
        ActionTicketFollowup(), tracker("在6号楼3单元", "book_service", slots)
    )
    assert joined(messages).startswith("已记下位置：6号楼3单元") and not followups(events)
    assert after["emergency_awaiting_location"] is False
    with app_env.session() as s:
        assert service.get_ticket(s, slots["emergency_ticket_id"]).address == "6号楼3单元"


async def test_a_real_booking_while_asked_where_starts_the_booking_form(app_env: Database):
    _, slots, _ = await run(ActionEmergency(), tracker("楼道里着火了", "emergency"))
    messages, _, events = await run(
        ActionTicketFollowup(), tracker("我想约个上门理发", "book_service", slots)
    )
    assert followups(events) == ["booking_form"], (messages, events)


async def test_a_new_complaint_while_asked_where_is_a_new_matter(app_env: Database):
    _, slots, _ = await run(ActionEmergency(), tracker("楼道里着火了", "emergency"))
    messages, _, events = await run(
        ActionTicketFollowup(), tracker("3号楼路灯坏了好几天了", "file_complaint", slots)
    )
    assert not messages and followups(events) == ["complaint_form"]
    with app_env.session() as s:
        assert service.get_ticket(s, slots["emergency_ticket_id"]).address is None
    # The same words with a detail of the emergency are about it.
    messages, _, _ = await run(
        ActionTicketFollowup(), tracker("3号楼那边烟越来越大了", "file_complaint", slots)
    )
    assert "低姿" in messages[0]["text"]
    with app_env.session() as s:
        assert service.get_ticket(s, slots["emergency_ticket_id"]).address == "3号楼"


async def test_after_the_window_the_message_goes_the_usual_way_and_the_question_ends(
    app_env: Database, clock
):
    start = clock.now()
    _, slots, _ = await run(ActionEmergency(), tracker("楼道里着火了", "emergency"))
    clock.move_to(start + service.EMERGENCY_FOLLOW_UP + timedelta(minutes=5))
    messages, after, events = await run(ActionTicketFollowup(), tracker("在6号楼3单元", "inform", slots))
    assert after["ticket_followup"] is None
    assert not messages and followups(events) == ["action_handle_misunderstanding"]


def handled(db: Database, clock, sender: str = "web:ft", phone: str | None = None) -> str:
    filed = service.file_ticket(
        db,
        description="我家楼下的路灯坏了好几天了",
        sender_id=sender,
        address="3号楼",
        contact_phone=phone,
        now=clock.now() - timedelta(days=2),
    )
    for action, note in (("派单", None), ("开始处置", None), ("办结", "已更换灯泡")):
        service.transition_ticket(
            db, filed.ticket.id, action, actor="staff:t", note=note, now=clock.now() - timedelta(days=1)
        )
    return filed.ticket.id


async def test_unsatisfied_then_the_reason_reopens_the_latest_handled_ticket(app_env: Database, clock):
    tid = handled(app_env, clock)
    messages, slots, _ = await run(
        ActionRateTicket(),
        tracker("处理得不好，我不满意", "rate_ticket", entities=[{"entity": "rating", "value": "不满意"}]),
    )
    assert "原因" in joined(messages) and slots["ticket_followup"].startswith(f"rating_reason|{tid}|")
    # The reason sounds like a new complaint to the NLU; the pending question takes it.
    messages, after, _ = await run(
        ActionTicketFollowup(), tracker("修完第二天又不亮了", "file_complaint", slots)
    )
    assert "已重新打开" in joined(messages) and after["ticket_followup"] is None
    with app_env.session() as s:
        t = service.get_ticket(s, tid)
        assert (
            t.status == "处置中" and t.ratings[-1].score == 1 and t.ratings[-1].reason == "修完第二天又不亮了"
        )


async def test_a_rating_said_with_the_ticket_id_is_a_rating_not_a_progress_query(app_env: Database, clock):
    tid = handled(app_env, clock)
    # The NLU may call it check_ticket (the id is what it notices); the rating still counts.
    messages, slots, _ = await run(ActionCheckTicket(), tracker(f"{tid}不满意", "check_ticket"))
    assert "原因" in joined(messages) and slots["ticket_followup"].startswith(f"rating_reason|{tid}|")
    messages, _, _ = await run(ActionCheckTicket(), tracker(f"{tid} 怎么样了", "check_ticket"))
    assert "当前状态" in joined(messages)  # a progress query stays one


async def test_a_score_with_the_ticket_id_is_recorded_and_a_strangers_gets_only_the_state(
    app_env: Database, clock
):
    tid = handled(app_env, clock)
    messages, _, _ = await run(
        ActionCheckTicket(), tracker(f"{tid}打4分", "check_ticket", sender="web:someone-else")
    )
    assert "当前状态" in joined(messages)
    await run(ActionCheckTicket(), tracker(f"{tid}我打4分", "check_ticket"))
    with app_env.session() as s:
        assert service.get_ticket(s, tid).ratings[-1].score == 4


async def test_a_rating_without_a_score_gets_buttons_and_a_button_records_it(app_env: Database, clock):
    tid = handled(app_env, clock)
    messages, slots, _ = await run(ActionRateTicket(), tracker("评价一下上次的工单", "rate_ticket"))
    assert [b["title"] for b in messages[0]["buttons"]] == ["满意", "基本满意", "不满意"]
    assert slots["ticket_followup"].startswith(f"rating|{tid}|")
    payload = messages[0]["buttons"][0]["payload"]
    messages, after, _ = await run(
        ActionRateTicket(),
        tracker(
            payload,
            "rate_ticket",
            slots,
            entities=[{"entity": "rating", "value": "满意"}, {"entity": "ticket_id", "value": tid}],
        ),
    )
    assert "满意" in joined(messages) and after["ticket_followup"] is None
    with app_env.session() as s:
        assert service.get_ticket(s, tid).ratings[-1].score == 5


async def test_a_rating_with_nothing_handled_says_so(app_env: Database):
    messages, slots, _ = await run(ActionRateTicket(), tracker("不满意", "rate_ticket", sender="web:new"))
    assert "没有已办结" in joined(messages) and slots["ticket_followup"] is None


async def test_a_ticket_id_from_someone_else_gets_only_its_state(app_env: Database, clock):
    first = service.file_ticket(
        app_env,
        description="3号楼门口路灯坏了，电话13912345678",
        sender_id="web:a",
        address="3号楼1单元202",
        contact_phone="13912345678",
    )
    service.file_ticket(app_env, description="3号楼路灯不亮", sender_id="web:b", address="3号楼")
    tid = first.ticket.id
    watcher, _, _ = await run(ActionCheckTicket(), tracker(f"{tid} 怎么样了", "check_ticket", sender="web:b"))
    stranger, _, _ = await run(
        ActionCheckTicket(), tracker(f"{tid} 怎么样了", "check_ticket", sender="web:c")
    )
    for text in (joined(watcher), joined(stranger)):
        assert "门口" not in text and "139" not in text and "1单元202" not in text and "受理" in text
    assert "3号楼路灯不亮" in joined(watcher)


async def test_asking_after_a_handled_ticket_invites_a_rating_once(app_env: Database, clock):
    tid = handled(app_env, clock)
    messages, slots, _ = await run(ActionCheckTicket(), tracker("路灯修好了吗", "check_ticket"))
    assert tid in joined(messages) and "满意" in [b["title"] for b in messages[-1]["buttons"]]
    assert slots["ticket_followup"].startswith(f"rating|{tid}|")
    await run(ActionTicketFollowup(), tracker("5", "inform", slots))  # rated: 5
    messages, slots, _ = await run(ActionCheckTicket(), tracker("路灯修好了吗", "check_ticket"))
    assert not messages[-1]["buttons"] and not slots  # rated already: the state alone
    # Someone else's handled ticket, by id: the state as anyone hears it, no rating.
    messages, slots, _ = await run(
        ActionCheckTicket(), tracker(f"{tid}怎么样了", "check_ticket", sender="web:x")
    )
    assert not messages[-1]["buttons"] and not slots


async def test_a_place_heard_as_a_policy_question_is_the_emergencys_place_and_a_real_one_goes_on(
    app_env: Database,
):
    _, slots, _ = await run(ActionEmergency(), tracker("着火咧！快救火", "emergency"))
    messages, after, _ = await run(ActionTicketFollowup(), tracker("109栋底下电动车棚", "ask_policy", slots))
    assert "已记下位置" in joined(messages) and "109栋" in joined(messages)
    messages, _, events = await run(ActionTicketFollowup(), tracker("高龄津贴怎么领", "ask_policy", after))
    assert followups(events) == ["action_ask_policy"]
