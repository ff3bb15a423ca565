"""Round 16 (issue #11): a floor said in a report is no place (the building is asked);
那边 right after a report is that report's place; a report said with a request for a
person is filed and handed off; a report heard as a policy question is taken as a
report; the phone joined to a ticket is said back with 工单号. rasa-sdk's real Tracker
and dispatcher against the test database, the clock injected."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.policy import ActionAskPolicy, reports_a_problem
from actions.tickets import ActionSubmitComplaint, ActionTicketFollowup, ValidateComplaintForm
from assistant.db import Database
from assistant.residents.models import HandoffRequest, Resident
from assistant.tickets import intake, service
from tests.tickets.test_followthrough_actions import DOMAIN, followups, joined, run, tracker


@pytest.mark.parametrize(
    "text",
    ["厨房地漏反味 一股臭气 5号楼2单元", "7栋门口那盏路灯老是闪 晃得人眼花", "12号楼楼梯间的灯不停地闪"],
)
def test_a_flickering_light_and_a_drain_smell_are_problems(text):
    assert intake.reads_as_complaint(text)


@pytest.mark.parametrize("place,floor_only", [("三楼", True), ("一楼", True), ("8号楼三楼", False), ("东门", False)])
def test_only_a_floor(place, floor_only):
    assert intake.only_a_floor(place) is floor_only


async def _validate(text: str, slots: dict, intent: str = "file_complaint", sender: str = "web:r16") -> dict:
    events = await ValidateComplaintForm().run(CollectingDispatcher(), tracker(text, intent, slots, sender=sender), DOMAIN)
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_a_floor_in_the_report_is_no_place_but_at_the_question_it_is(app_env: Database):
    got = await _validate("我们这栋的雨水管裂了 二楼墙上全是水印子", {"requested_slot": None})
    assert got.get("complaint_description") and not got.get("complaint_location")
    asked = {"complaint_description": "雨水管裂了", "requested_slot": "complaint_location"}
    got = await _validate("二楼那块", asked, intent="inform")
    assert got.get("complaint_location") == "二楼"


async def test_there_after_a_report_is_the_place_of_that_report(app_env: Database, clock):
    sender = "web:r16-there"
    filled = {"complaint_description": "41号楼南边的井盖松了", "complaint_location": "41号楼南边"}
    await run(ActionSubmitComplaint(), tracker("41号楼南边的井盖松了", "file_complaint", filled, sender=sender))
    got = await _validate("那边的树枝也快断了 砸到人咋办", {"requested_slot": None}, sender=sender)
    assert got.get("complaint_location") == "41号楼南边"
    # Nobody else's report lends its place.
    got = await _validate("那边的树枝也快断了 砸到人咋办", {"requested_slot": None}, sender="web:r16-other")
    assert not got.get("complaint_location")


async def test_a_report_asking_for_a_person_is_filed_and_handed_off(app_env: Database, monkeypatch):
    monkeypatch.setattr("assistant.form_turns.wants_person", lambda text, **_: "转人工" in (text or ""))
    sender = "web:r16-person"
    said = "52号楼的门禁坏了好几天 进不去门 给我转人工"
    filled = {"complaint_description": said, "complaint_location": "52号楼"}
    messages, slots, _ = await run(ActionSubmitComplaint(), tracker(said, "file_complaint", filled, sender=sender))
    assert slots.get("last_ticket_id") and "人工" in joined(messages)
    assert "会打您" not in joined(messages)  # no phone yet: no call promised
    waiting = slots["ticket_followup"]
    messages, _, _ = await run(
        ActionTicketFollowup(), tracker("13912340616", "inform", {"ticket_followup": waiting}, sender=sender)
    )
    assert "工单号" in joined(messages) and "139****0616" in joined(messages)
    with app_env.session() as s:
        resident = s.scalar(select(Resident).where(Resident.sender_id == sender))
        assert resident.phone == "13912340616"
        assert s.scalar(select(HandoffRequest).where(HandoffRequest.resident_id == resident.id)) is not None


async def test_a_report_without_a_person_asked_hands_off_nothing(app_env: Database):
    sender = "web:r16-noperson"
    filled = {"complaint_description": "53号楼门禁坏了", "complaint_location": "53号楼"}
    messages, _, _ = await run(ActionSubmitComplaint(), tracker("53号楼门禁坏了", "file_complaint", filled, sender=sender))
    assert "人工" not in joined(messages)


@pytest.mark.parametrize(
    "text,report",
    [
        ("18号楼卫生间地漏返味 熏得头疼 电话13912340717", True),
        ("楼道灯一直闪 电话13912340718", True),
        ("燃气泄漏了怎么办", False),
        ("医保卡丢了咋补办", False),
        ("我家楼上漏水怎么处理", False),
    ],
)
def test_a_report_heard_as_a_policy_question(text, report):
    assert reports_a_problem(text) is report


async def test_the_policy_action_takes_a_report_to_the_complaint_form(app_env: Database):
    events = await ActionAskPolicy().run(
        CollectingDispatcher(), tracker("19号楼地下室返味 一下楼就闻到 电话13912340719", "ask_policy"), DOMAIN
    )
    assert followups(events) == ["complaint_form"]


async def test_the_phone_said_after_filing_is_read_back_with_the_ticket_number(app_env: Database):
    filled = {"complaint_description": "54号楼垃圾桶满了没人收", "complaint_location": "54号楼"}
    _, slots, _ = await run(ActionSubmitComplaint(), tracker("54号楼", "inform", filled, sender="web:r16-phone"))
    messages, _, _ = await run(
        ActionTicketFollowup(),
        tracker("号码是139 1234 0720", "inform", {"ticket_followup": slots["ticket_followup"]}, sender="web:r16-phone"),
    )
    assert f"工单号 {slots['last_ticket_id']}" in joined(messages)


def test_no_report_lends_its_place_when_there_is_none(app_env: Database, clock):
    assert service.place_just_reported(app_env, "web:r16-none", now=clock.now()) is None


@pytest.mark.parametrize("text", ["我报的那些事有人管没", "我说的那两件事处理得怎么样了"])
async def test_a_question_naming_no_report_after_two_lists_both(app_env: Database, clock, text):
    from actions.tickets import ActionCheckTicket

    sender = "web:r16-two"
    first = {"complaint_description": "55号楼后门的路灯不亮了", "complaint_location": "55号楼", "complaint_contact": "13912340721"}
    await run(ActionSubmitComplaint(), tracker("55号楼", "inform", first, sender=sender))
    second = {"complaint_description": "55号楼3单元楼道里堆满了旧家具", "complaint_location": "55号楼3单元",
              "complaint_contact": "13912340721"}
    _, slots, _ = await run(ActionSubmitComplaint(), tracker("55号楼3单元", "inform", second, sender=sender))
    for action, slot_values in ((ActionTicketFollowup(), {"ticket_followup": slots["ticket_followup"]}),
                                (ActionCheckTicket(), {})):
        messages, _, _ = await run(action, tracker(text, "check_ticket", slot_values, sender=sender))
        said = joined(messages)
        assert "路灯" in said and "家具" in said and "哪一件" in said, said
    # One picked out by its words is answered alone.
    messages, _, _ = await run(ActionCheckTicket(), tracker("路灯那个事派人了吗", "check_ticket", {}, sender=sender))
    assert "哪一件" not in joined(messages)


async def test_one_report_is_answered_about_itself(app_env: Database, clock):
    sender = "web:r16-one"
    filled = {"complaint_description": "56号楼门口的井盖翘起来了", "complaint_location": "56号楼",
              "complaint_contact": "13912340722"}
    _, slots, _ = await run(ActionSubmitComplaint(), tracker("56号楼", "inform", filled, sender=sender))
    messages, _, _ = await run(
        ActionTicketFollowup(), tracker("我报的事有人管没", "check_ticket", {"ticket_followup": slots["ticket_followup"]}, sender=sender)
    )
    assert "哪一件" not in joined(messages) and slots["last_ticket_id"] in joined(messages)


@pytest.mark.parametrize("place,more", [("垃圾房", True), ("车棚", True), ("二楼", True), ("南边车棚", False),
                                        ("8号楼垃圾房", False), ("中心广场", False)])
def test_needs_more_place(place, more):
    assert intake.needs_more_place(place) is more


async def test_one_of_several_facilities_alone_asks_which(app_env: Database):
    got = await _validate("反映个事 垃圾房三天没人清运了 苍蝇到处飞", {"requested_slot": None})
    assert got.get("complaint_description") and not got.get("complaint_location")
    asked = {"complaint_description": "垃圾房没人清运", "requested_slot": "complaint_location"}
    got = await _validate("就是垃圾房", asked, intent="inform")
    assert got.get("complaint_location")  # the answer to "where?" is what they know


@pytest.mark.parametrize(
    "address,text,meant",
    [
        ("57号楼西边", "说错了 不是西边 改成南边那个", "57号楼南边"),
        ("58栋东侧", "哦不对 应该是北面", "58栋北边"),
        ("小区东门", "不对 改成北边", None),
        ("59号楼东边", "哦不对 是60号楼", None),
    ],
)
def test_a_side_corrected_keeps_the_building(address, text, meant):
    assert intake.side_corrected(address, text) == meant


async def test_the_side_corrected_after_filing_keeps_the_building(app_env: Database):
    sender = "web:r16-side"
    filled = {"complaint_description": "垃圾桶倒了一地没人扶", "complaint_location": "61号楼东边"}
    _, slots, _ = await run(ActionSubmitComplaint(), tracker("61号楼东边", "inform", filled, sender=sender))
    messages, _, _ = await run(
        ActionTicketFollowup(),
        tracker("哎不对 说岔了 改成西边那个 东边那个是车棚", "inform", {"ticket_followup": slots["ticket_followup"]}, sender=sender),
    )
    assert "61号楼西边" in joined(messages)
    with app_env.session() as s:
        assert service.get_ticket(s, slots["last_ticket_id"]).address == "61号楼西边"


async def test_asking_to_file_a_matter_just_filed_says_its_number(app_env: Database, clock):
    sender = "web:r16-again"
    first = {"complaint_description": "62号楼北边的垃圾桶满了没人收", "complaint_location": "62号楼北边",
             "complaint_contact": "13912340723"}
    await run(ActionSubmitComplaint(), tracker("62号楼北边", "inform", first, sender=sender))
    second = {"complaint_description": "那边的井盖也翘起来了", "complaint_location": "62号楼北边",
              "complaint_contact": "13912340723"}
    _, slots, _ = await run(ActionSubmitComplaint(), tracker("62号楼北边", "inform", second, sender=sender))
    messages, _, events = await run(
        ActionTicketFollowup(),
        tracker("嗯 井盖那个也帮我报上", "file_complaint", {"ticket_followup": slots["ticket_followup"]}, sender=sender),
    )
    assert f"工单号 {slots['last_ticket_id']}" in joined(messages) and "井盖" in joined(messages)
    assert not followups(events)  # not filed a second time


@pytest.mark.parametrize(
    "text,asks",
    [
        ("那你们会找对方谈谈吧", True),
        ("你们会不会去跟隔壁沟通一下", True),
        ("那你们跟楼上那家说了没有", True),
        ("我自己会跟楼上说的", False),
        ("会不会很贵啊", False),
        ("隔壁天天半夜装修 吵死了", False),
    ],
)
def test_whether_the_other_party_will_be_told_is_a_question_about_the_report(text, asks):
    from assistant.tickets.asking import asks_what_was_done

    assert asks_what_was_done(text) is asks


@pytest.mark.parametrize("contact,expected", [(None, "匿名"), ("13912340724", "记了您的电话")])
async def test_whether_the_reporter_stays_unknown_is_answered_truly(app_env: Database, contact, expected):
    sender = f"web:r16-anon-{contact}"
    filled = {"complaint_description": "63号楼顶上有人私搭鸽子棚", "complaint_location": "63号楼",
              "complaint_contact": contact}
    _, slots, _ = await run(ActionSubmitComplaint(), tracker("63号楼", "inform", filled, sender=sender))
    messages, _, _ = await run(
        ActionTicketFollowup(),
        tracker("他们家不会知道是我举报的吧", "greet", {"ticket_followup": slots["ticket_followup"]}, sender=sender),
    )
    said = joined(messages)
    assert expected in said and "隐去" in said, said


@pytest.mark.parametrize("text,asks", [("你们不会把我说出去吧", True), ("能保密不", True), ("别让楼上知道", True),
                                       ("我不会告诉别人", False), ("谢谢你们", False)])
def test_asks_who_reported_stays_unknown(text, asks):
    assert service.asks_who_reported_stays_unknown(text) is asks


async def test_after_the_list_the_words_of_one_report_get_its_state(app_env: Database, clock):
    sender = "web:r16-pick"
    for description, place in (("64号楼后门的路灯不亮了", "64号楼"), ("64号楼2单元楼道里堆满了旧家具", "64号楼2单元")):
        filled = {"complaint_description": description, "complaint_location": place, "complaint_contact": "13912340725"}
        _, slots, _ = await run(ActionSubmitComplaint(), tracker(place, "inform", filled, sender=sender))
    messages, listed, _ = await run(
        ActionTicketFollowup(), tracker("我报的那些事咋样了", "check_ticket", {"ticket_followup": slots["ticket_followup"]}, sender=sender)
    )
    assert "哪一件" in joined(messages) and listed["ticket_followup"].startswith("which|")
    messages, _, _ = await run(
        ActionTicketFollowup(), tracker("家具那个", "inform", {"ticket_followup": listed["ticket_followup"]}, sender=sender)
    )
    said = joined(messages)
    assert slots["last_ticket_id"] in said and "哪一件" not in said, said


async def test_a_call_back_about_the_outcome_is_no_hand_off(app_env: Database):
    sender = "web:r16-callback"
    said = "65号楼后面的井盖松了 修好了给我回个电话"
    filled = {"complaint_description": said, "complaint_location": "65号楼"}
    messages, _, _ = await run(ActionSubmitComplaint(), tracker(said, "file_complaint", filled, sender=sender))
    assert "人工" not in joined(messages)


async def test_unhappy_with_a_reason_while_the_phone_was_still_asked_rates_the_handled_ticket(app_env: Database, clock):
    sender = "web:r16-rate"
    filled = {"complaint_description": "66号楼单元门的门禁坏了", "complaint_location": "66号楼"}
    _, slots, _ = await run(ActionSubmitComplaint(), tracker("66号楼", "inform", filled, sender=sender))
    tid = slots["last_ticket_id"]
    for action in ("派单", "开始处置", "办结"):
        service.transition_ticket(app_env, tid, action, actor="staff:t", note="已修", now=clock.now())
    messages, _, events = await run(
        ActionTicketFollowup(),
        tracker("不满意 才修好两天又刷不开了", "file_complaint", {"ticket_followup": slots["ticket_followup"]}, sender=sender),
    )
    assert "complaint_form" not in followups(events)
    with app_env.session() as s:
        ticket = service.get_ticket(s, tid)
        assert ticket.status in ("受理", "派单", "处置中"), ticket.status  # reopened with the reason
