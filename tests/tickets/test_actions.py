"""The complaint dialogue's actions, run with rasa-sdk's real Tracker and
dispatcher against the test database (no Rasa server needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.tickets import (
    ActionTicketFollowup,
    FORM_SLOTS,
    ActionCheckTicket,
    ActionEmergency,
    ActionSubmitComplaint,
    ValidateComplaintForm,
)
from assistant.db import Database
from assistant.tickets import service

DOMAIN = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "domain" / "tickets.yml").read_text(encoding="utf-8")
)


def tracker(
    text: str,
    slots: dict | None = None,
    intent: str = "file_complaint",
    entities=None,
    metadata=None,
    sender: str = "web:resident-1",
) -> Tracker:
    all_slots = {name: None for name in DOMAIN["slots"]}
    all_slots["requested_slot"] = None
    all_slots.update(slots or {})
    return Tracker(
        sender_id=sender,
        slots=all_slots,
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 0.9},
            "entities": entities or [],
            "metadata": metadata or {},
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": "complaint_form"},
        latest_action_name="action_listen",
    )


async def validate(t: Tracker) -> dict:
    events = await ValidateComplaintForm().run(CollectingDispatcher(), t, DOMAIN)
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_first_message_is_the_description():
    got = await validate(tracker("我家楼下的路灯坏了好几天了，晚上黑乎乎的"))
    assert got["complaint_description"] == "我家楼下的路灯坏了好几天了，晚上黑乎乎的"
    assert "complaint_location" not in got  # "楼下" is not a place staff can find


async def test_generic_opener_is_not_a_description():
    got = await validate(tracker("我要投诉"))
    assert got.get("complaint_description") is None


async def test_place_in_the_first_message_is_kept():
    got = await validate(tracker("3号楼门口的井盖丢了"))
    assert got["complaint_location"] == "3号楼"


async def test_location_answer_words_entity_or_shared_location():
    asked = {"complaint_description": "路灯坏了", "requested_slot": "complaint_location"}
    assert (await validate(tracker("就在5栋2单元门口", asked, "inform")))["complaint_location"] == "5栋2单元"
    got = await validate(
        tracker("那边", asked, "inform", entities=[{"entity": "location", "value": "小区东门"}])
    )
    assert got["complaint_location"] == "小区东门"
    got = await validate(tracker("超市后面那条路", asked, "inform"))
    assert got["complaint_location"] == "超市后面那条路"
    got = await validate(
        tracker("这里", asked, "inform", metadata={"location": {"lat": 31.23, "long": 121.47}})
    )
    assert got["complaint_location"] == "居民发送的定位"
    assert got["complaint_lat"] == 31.23 and got["complaint_long"] == 121.47


async def test_contact_phone_or_anonymous():
    asked = {
        "complaint_description": "路灯坏了",
        "complaint_location": "3号楼",
        "requested_slot": "complaint_contact",
    }
    assert (await validate(tracker("13912345678", asked, "inform")))["complaint_contact"] == "13912345678"
    assert (await validate(tracker("不用了", asked, "deny")))["complaint_contact"] == "匿名"
    assert (await validate(tracker("/deny", asked, "deny")))["complaint_contact"] == "匿名"
    assert (await validate(tracker("匿明", asked, "nlu_fallback")))["complaint_contact"] == "匿名"  # a typo
    assert "complaint_contact" not in await validate(tracker("嗯嗯", asked, "inform"))


async def test_giving_up_ends_the_form_without_a_ticket(app_env: Database):
    asked = {"complaint_description": "路灯坏了", "requested_slot": "complaint_location"}
    got = await validate(tracker("算了不投诉了", asked, "deny"))
    assert got["complaint_cancelled"] is True and got["requested_slot"] is None
    dispatcher = CollectingDispatcher()
    await ActionSubmitComplaint().run(
        dispatcher, tracker("算了", {**asked, "complaint_cancelled": True}), DOMAIN
    )
    assert "不登记" in dispatcher.messages[0]["text"]
    with app_env.session() as s:
        assert service.list_tickets(s)[1] == 0


async def test_submit_files_the_ticket_and_check_by_id(app_env: Database):
    filled = {
        "complaint_description": "我家楼下的路灯坏了好几天了，晚上黑乎乎的",
        "complaint_location": "3号楼",
        "complaint_contact": "13912345678",
    }
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitComplaint().run(dispatcher, tracker("13912345678", filled, "inform"), DOMAIN)
    text = dispatcher.messages[0]["text"]
    ticket_id = next(e["value"] for e in events if e["event"] == "slot" and e["name"] == "last_ticket_id")
    assert ticket_id in text and "3个工作日内" in text
    assert SlotSet("complaint_description", None) in events
    with app_env.session() as s:
        t = service.get_ticket(s, ticket_id)
        assert t.contact_phone == "13912345678" and t.address == "3号楼" and t.sender_id == "web:resident-1"

    # Progress by id: from the entity, or from the text when NLU missed it.
    for kwargs in ({"entities": [{"entity": "ticket_id", "value": ticket_id}]}, {}):
        d = CollectingDispatcher()
        await ActionCheckTicket().run(
            d, tracker(f"{ticket_id} 怎么样了", intent="check_ticket", **kwargs), DOMAIN
        )
        assert "受理" in d.messages[0]["text"]
    stranger = CollectingDispatcher()
    await ActionCheckTicket().run(
        stranger, tracker(f"{ticket_id}怎么样了", intent="check_ticket", sender="web:someone-else"), DOMAIN
    )
    assert "受理" in stranger.messages[0]["text"] and "路灯" not in stranger.messages[0]["text"]
    mine = CollectingDispatcher()
    await ActionCheckTicket().run(mine, tracker("我的投诉", intent="check_ticket"), DOMAIN)
    assert ticket_id in mine.messages[0]["text"]


async def test_anonymous_with_shared_location(app_env: Database):
    filled = {
        "complaint_description": "路边垃圾堆了好几天没人清运",
        "complaint_location": "居民发送的定位",
        "complaint_lat": 31.2304,
        "complaint_long": 121.4737,
        "complaint_contact": "匿名",
    }
    events = await ActionSubmitComplaint().run(
        CollectingDispatcher(), tracker("匿名", filled, "deny"), DOMAIN
    )
    ticket_id = next(e["value"] for e in events if e.get("name") == "last_ticket_id")
    with app_env.session() as s:
        t = service.get_ticket(s, ticket_id)
        assert t.address is None and t.lat == 31.2304 and t.contact_phone is None


@pytest.mark.parametrize(
    "text, number", [("楼道里着火了", "119"), ("我妈晕倒了", "120"), ("有人拿刀砍人", "110")]
)
async def test_emergency_answers_at_once_and_files(app_env: Database, text, number):
    dispatcher = CollectingDispatcher()
    events = await ActionEmergency().run(dispatcher, tracker(text, intent="emergency"), DOMAIN)
    assert number in dispatcher.messages[0]["text"]
    ticket_id = next(e["value"] for e in events if e.get("name") == "last_ticket_id")
    assert ticket_id in dispatcher.messages[1]["text"]
    with app_env.session() as s:
        assert service.get_ticket(s, ticket_id).urgency == "emergency"


async def test_emergency_advice_even_when_the_database_is_down(app_env: Database, monkeypatch):
    import assistant.tickets.service as module

    def broken(*args, **kwargs):
        raise RuntimeError("database unreachable")

    monkeypatch.setattr(
        module, "file_emergency", broken
    )  # simulates an outage; the real path is tested above
    dispatcher = CollectingDispatcher()
    await ActionEmergency().run(dispatcher, tracker("厨房燃气泄漏了", intent="emergency"), DOMAIN)
    assert "不要开关电灯" in dispatcher.messages[0]["text"]


@pytest.mark.parametrize("text", ["我的投诉", "查一下我的工单", "GD202611290007"])
async def test_progress_question_heard_as_a_complaint_is_answered(app_env: Database, text):
    """NLU may call "我的投诉" a complaint: the form ends at once and the check runs."""
    got = await validate(tracker(text))
    assert got["complaint_cancelled"] is True and got["requested_slot"] is None
    events = await ActionSubmitComplaint().run(
        CollectingDispatcher(), tracker(text, {"complaint_cancelled": True}), DOMAIN
    )
    assert any(e["event"] == "followup" and e["name"] == "action_check_ticket" for e in events)
    with app_env.session() as s:
        assert service.list_tickets(s)[1] == 0


# --- references to the resident's own tickets, and emergencies inside the form ---------


def _file(db: Database, text: str, sender: str = "web:resident-1", address: str = "3号楼") -> str:
    return service.file_ticket(db, description=text, sender_id=sender, address=address).ticket.id


async def test_a_reference_is_answered_with_the_residents_own_ticket(app_env: Database):
    leak = _file(app_env, "楼上卫生间往我家天花板漏水")
    _file(app_env, "小区东门的路灯不亮了")
    _file(app_env, "楼上漏水漏到我家了", sender="web:someone-else", address="9号楼")
    dispatcher = CollectingDispatcher()
    await ActionCheckTicket().run(
        dispatcher, tracker("那个漏水的事有回复了吗", intent="check_ticket"), DOMAIN
    )
    [message] = dispatcher.messages
    assert leak in message["text"] and "受理" in message["text"] and not message["buttons"]


async def test_an_ambiguous_reference_asks_which_one_with_buttons(app_env: Database):
    a = _file(app_env, "楼上卫生间往我家天花板漏水", address="3号楼")
    b = _file(app_env, "地下车库顶上一直渗水漏水", address="车库")
    dispatcher = CollectingDispatcher()
    await ActionCheckTicket().run(dispatcher, tracker("漏水那个事咋样了", intent="check_ticket"), DOMAIN)
    [message] = dispatcher.messages
    payloads = " ".join(button["payload"] for button in message["buttons"])
    assert a in payloads and b in payloads and "哪" in message["text"]


async def test_a_reference_heard_as_a_complaint_ends_the_form_for_the_progress_answer(app_env: Database):
    _file(app_env, "楼上卫生间往我家天花板漏水")
    got = await validate(tracker("上回反映的漏水到底修了没有"))
    assert got["complaint_cancelled"] is True
    # ...but with nothing filed before, the same words are a new complaint.
    fresh = await validate(tracker("上回反映的漏水到底修了没有", sender="web:new-resident"))
    assert fresh.get("complaint_cancelled") is not True and fresh["complaint_description"]


async def test_the_form_rejects_an_emergency_so_the_emergency_rule_runs(app_env: Database):
    events = await ValidateComplaintForm().run(
        CollectingDispatcher(),
        tracker("楼道里着火了", {"requested_slot": "complaint_contact"}, intent="emergency"),
        DOMAIN,
    )
    assert events == []  # nothing extracted: Rasa rejects the form


async def test_an_emergency_drops_the_active_form_and_its_answers(app_env: Database):
    trk = tracker(
        "有人晕倒了",
        {"requested_slot": "complaint_location", "complaint_description": "垃圾没人收"},
        intent="emergency",
    )
    events = await ActionEmergency().run(CollectingDispatcher(), trk, DOMAIN)
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["complaint_description"] is None and slots["requested_slot"] is None


# ---- issue #11: a complaint said in pieces, a place corrected in the same message --------------


async def _turns(messages: list[tuple[str, str]]) -> dict:
    """Runs the form over several messages, each at the question the form asked after the
    one before (the slots carried over as Rasa would)."""
    slots: dict = {}
    for text, intent in messages:
        slots.update(await validate(tracker(text, slots, intent)))
        # Rasa's form loop asks the first slot still empty next.
        slots["requested_slot"] = next((s for s in FORM_SLOTS if not slots.get(s)), None)
    return slots


async def test_a_complaint_said_in_pieces_keeps_every_piece():
    slots = await _turns([("灯坏了", "file_complaint"), ("楼道", "inform"), ("三楼那个", "inform")])
    assert slots["complaint_description"] == "灯坏了，楼道三楼"
    assert slots["complaint_location"] == "三楼"  # the place in the later piece
    assert slots["requested_slot"] is None  # filed now; the phone is asked after


async def test_a_vague_place_is_no_answer_to_where():
    asked = {"complaint_description": "灯坏了", "requested_slot": "complaint_location"}
    got = await validate(tracker("楼道", asked, "inform"))
    assert got["complaint_description"] == "灯坏了，楼道"
    assert "complaint_location" not in got  # still empty: the form asks where again


async def test_more_detail_at_the_location_question_joins_the_opening_description():
    slots = await _turns([("路灯坏了", "file_complaint"), ("在5号楼，晚上一直不亮", "inform")])
    assert slots["complaint_location"] == "5号楼"
    assert slots["complaint_description"] == "路灯坏了，晚上一直不亮"


@pytest.mark.parametrize("text", ["在5号楼", "5栋2单元", "超市后面那条路"])
async def test_a_place_alone_is_not_added_to_the_description(text):
    asked = {"complaint_description": "路灯坏了", "requested_slot": "complaint_location"}
    got = await validate(tracker(text, asked, "inform"))
    assert got["complaint_location"] and "complaint_description" not in got


async def test_contact_answers_are_not_added_to_the_description():
    asked = {
        "complaint_description": "路灯坏了",
        "complaint_location": "5号楼",
        "requested_slot": "complaint_contact",
    }
    for text, intent in (("13912345678", "inform"), ("匿名", "inform"), ("不用了", "deny")):
        got = await validate(tracker(text, asked, intent))
        assert got["complaint_contact"] and "complaint_description" not in got, text


@pytest.mark.parametrize(
    ("text", "entities", "place"),
    [
        ("15号楼…哦不对，是16号楼", [{"entity": "location", "value": "15号楼"}], "16号楼"),
        ("3单元，不是，4单元", [{"entity": "location", "value": "3单元"}], "4单元"),
        ("15号楼路灯坏了，哦不对，是16号楼", [], "16号楼"),
    ],
)
async def test_a_place_corrected_in_one_message_fills_the_place_meant(text, entities, place):
    asked = {"complaint_description": "路灯坏了", "requested_slot": "complaint_location"}
    got = await validate(tracker(text, asked, "inform", entities=entities))
    assert got["complaint_location"] == place


@pytest.mark.parametrize("text", ["匿名", "13912345678"])
async def test_a_contact_said_alone_is_the_answer_even_when_heard_as_a_no(text):
    """匿名 alone is often read as deny: it is the contact answer, never leaving the form."""
    asked = {
        "complaint_description": "路灯坏了",
        "complaint_location": "5号楼",
        "requested_slot": "complaint_contact",
    }
    got = await validate(tracker(text, asked, "deny"))
    assert got.get("complaint_contact") == ("匿名" if text == "匿名" else text)
    assert not got.get("complaint_cancelled")


async def test_a_complaint_without_a_phone_is_filed_at_once_and_the_phone_joins_it_after(app_env: Database):
    """Filing never waits on the contact question; the phone asked for afterwards joins
    the ticket (audited), and no reply deadline is promised before there is one."""
    filled = {"complaint_description": "12号楼门口的路灯不亮了", "complaint_location": "12号楼"}
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitComplaint().run(dispatcher, tracker("12号楼", filled, "inform"), DOMAIN)
    said = dispatcher.messages[0]["text"]
    ticket_id = next(e["value"] for e in events if e["event"] == "slot" and e["name"] == "last_ticket_id")
    assert ticket_id in said and "手机号" in said and "工作日" not in said
    waiting = next(e["value"] for e in events if e["event"] == "slot" and e["name"] == "ticket_followup")
    assert waiting.startswith(f"contact|{ticket_id}|")

    answer = CollectingDispatcher()
    done = await ActionTicketFollowup().run(
        answer, tracker("13912340088", {"ticket_followup": waiting}, "inform"), DOMAIN
    )
    assert "139****0088" in answer.messages[0]["text"] and ticket_id in answer.messages[0]["text"]
    assert SlotSet("ticket_followup", None) in done
    with app_env.session() as s:
        t = service.get_ticket(s, ticket_id)
        assert t.contact_phone == "13912340088"
        assert any(e.action == "补充联系方式" for e in t.events)


@pytest.mark.parametrize(
    ("text", "intent", "usual"),
    [
        ("不留了", "deny", None),
        ("匿名", "inform", None),
        ("再反映一个，10号楼垃圾没人收", "file_complaint", "complaint_form"),
    ],
)
async def test_no_phone_after_filing_is_fine_and_a_new_matter_goes_its_way(
    app_env: Database, text, intent, usual
):
    filled = {"complaint_description": "11号楼楼道堆满了纸箱", "complaint_location": "11号楼"}
    events = await ActionSubmitComplaint().run(
        CollectingDispatcher(), tracker("11号楼", filled, "inform"), DOMAIN
    )
    waiting = next(e["value"] for e in events if e["event"] == "slot" and e["name"] == "ticket_followup")
    answer = CollectingDispatcher()
    done = await ActionTicketFollowup().run(
        answer, tracker(text, {"ticket_followup": waiting}, intent), DOMAIN
    )
    if usual:
        assert {"event": "followup", "name": usual, "timestamp": None} in done
    else:
        assert "不留也没关系" in answer.messages[0]["text"]


async def test_a_place_corrected_right_after_filing_corrects_the_ticket(app_env: Database):
    filled = {"complaint_description": "路灯坏了，在3号楼", "complaint_location": "3号楼"}
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitComplaint().run(
        dispatcher, tracker("路灯坏了，在3号楼", filled, "file_complaint"), DOMAIN
    )
    assert "您没有留联系方式" not in dispatcher.messages[0]["text"]  # it is being asked for
    waiting = next(e["value"] for e in events if e["event"] == "slot" and e["name"] == "ticket_followup")
    ticket_id = waiting.split("|")[1]
    answer = CollectingDispatcher()
    done = await ActionTicketFollowup().run(
        answer, tracker("不对，是13号楼，不是3号楼", {"ticket_followup": waiting}, "deny"), DOMAIN
    )
    assert "13号楼" in answer.messages[0]["text"]
    assert any(
        e["event"] == "slot" and e["name"] == "ticket_followup" and e["value"] for e in done
    )  # phone still asked
    with app_env.session() as s:
        t = service.get_ticket(s, ticket_id)
        assert t.address == "13号楼" and any(e.action == "更正位置" for e in t.events)


# --- a rating said where a progress question was heard -------------------------------------------


@pytest.mark.parametrize(
    "text", ["那个楼道杂物的事我给4分", "我要评价一下GD202601010001", "给这事打个五星吧"]
)
async def test_a_rating_heard_as_a_progress_question_goes_to_the_rating(text):
    dispatcher = CollectingDispatcher()
    events = await ActionCheckTicket().run(dispatcher, tracker(text, intent="check_ticket"), DOMAIN)
    assert events == [{"event": "followup", "name": "action_rate_ticket", "timestamp": None}]
    assert dispatcher.messages == []


async def test_a_progress_question_stays_one(app_env: Database):
    ticket = _file(app_env, "楼道里堆满了杂物")
    dispatcher = CollectingDispatcher()
    events = await ActionCheckTicket().run(
        dispatcher, tracker(f"{ticket}怎么样了", intent="check_ticket"), DOMAIN
    )
    assert events == [] and ticket in dispatcher.messages[0]["text"]


@pytest.mark.parametrize(
    "text", ["我们楼道头的灯儿坏球了，黑黢黢的，上下楼怕摔到", "楼上嘞水一直滴到我屋头来了"]
)
async def test_a_new_problem_heard_as_a_progress_question_opens_the_complaint_form(app_env: Database, text):
    dispatcher = CollectingDispatcher()
    events = await ActionCheckTicket().run(dispatcher, tracker(text, intent="check_ticket"), DOMAIN)
    assert events == [{"event": "followup", "name": "complaint_form", "timestamp": None}]
    assert dispatcher.messages == []


@pytest.mark.parametrize("text", ["屋里向抽水马桶个水箱断脱了 侬喊个师傅上门", "灶披间个水管爆脱了 师傅啥辰光好来"])
async def test_a_home_fault_in_shanghai_speech_heard_as_a_progress_question_is_filed(app_env: Database, text):
    # review 23 (convB): no records, a fault of their own home asked a worker for — the fault, not 没有投诉记录.
    dispatcher = CollectingDispatcher()
    events = await ActionCheckTicket().run(dispatcher, tracker(text, intent="check_ticket"), DOMAIN)
    assert events == [{"event": "followup", "name": "complaint_form", "timestamp": None}]
    assert dispatcher.messages == []


@pytest.mark.parametrize(("text", "intent"), [("好，帮我报", "affirm"), ("帮我登记一下吧", "nlu_fallback")])
async def test_asking_to_file_what_was_just_filed_says_it_is_filed(app_env: Database, text, intent):
    filled = {"complaint_description": "12号楼楼顶漏水漏到我家了", "complaint_location": "12号楼"}
    events = await ActionSubmitComplaint().run(
        CollectingDispatcher(), tracker("12号楼", filled, "inform"), DOMAIN
    )
    waiting = next(e["value"] for e in events if e["event"] == "slot" and e["name"] == "ticket_followup")
    ticket_id = waiting.split("|")[1]
    answer = CollectingDispatcher()
    done = await ActionTicketFollowup().run(
        answer, tracker(text, {"ticket_followup": waiting}, intent), DOMAIN
    )
    assert ticket_id in answer.messages[0]["text"] and "登记好了" in answer.messages[0]["text"]
    assert any(e["event"] == "slot" and e["name"] == "ticket_followup" and e["value"] for e in done)
    with app_env.session() as s:
        assert s.query(service.Ticket).count() == 1


async def test_dropping_the_report_at_the_phone_question_is_answered_honestly(app_env: Database):
    filled = {"complaint_description": "9号楼旁边路灯坏了好几天了", "complaint_location": "9号楼"}
    events = await ActionSubmitComplaint().run(
        CollectingDispatcher(), tracker("9号楼", filled, "inform"), DOMAIN
    )
    waiting = next(e["value"] for e in events if e["event"] == "slot" and e["name"] == "ticket_followup")
    answer = CollectingDispatcher()
    await ActionTicketFollowup().run(
        answer, tracker("不用了不投诉了 谢谢啊", {"ticket_followup": waiting}, "deny"), DOMAIN
    )
    said = answer.messages[0]["text"]
    assert "已经登记" in said and "转人工" in said and "不留也没关系" not in said
