"""Emergencies end to end through /api/v1/chat with the real Rasa server, action server
and gateway: the safety net reads every message, whatever the classifier or the
conversation's state, and the 119/120/110 advice always comes first."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e

TICKET_ID = re.compile(r"GD\d{12}")


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def emergency_ticket(butler, staff_token, replies) -> dict:
    joined = "\n".join(r["text"] for r in replies)
    match = TICKET_ID.search(joined)
    assert match, joined
    resp = butler.http.get(f"{butler.gateway_url}/api/v1/tickets/{match.group(0)}", headers=auth(staff_token))
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_an_emergency_phrased_as_a_complaint_gets_119_advice_first(butler, staff_token):
    text = "你们物业怎么回事还不管，楼下车棚冒黑烟了都烧起来了"
    replies = butler.chat("emergency-e2e-1", text)
    assert "119" in replies[0]["text"], replies
    assert replies[0]["custom"]["emergency"]["by"] == "dialogue"  # Rasa ran the path itself
    ticket = emergency_ticket(butler, staff_token, replies)
    assert ticket["urgency"] == "emergency" and ticket["description"] == text


def test_a_poisoning_gets_120_advice_not_out_of_scope(butler, staff_token):
    replies = butler.chat("emergency-e2e-2", "孙子把他奶奶的一整瓶降压药都吃了")
    assert "120" in replies[0]["text"], replies
    assert "帮不上忙" not in "\n".join(r["text"] for r in replies)
    assert emergency_ticket(butler, staff_token, replies)["urgency"] == "emergency"


def test_an_emergency_inside_the_booking_form_breaks_out(butler, staff_token):
    sid = "emergency-e2e-3"
    asked = butler.say(sid, "我想约个体检")
    assert "哪天" in asked or "时间" in asked, asked
    replies = butler.chat(sid, "楼道里着火了")
    joined = "\n".join(r["text"] for r in replies)
    assert "119" in replies[0]["text"] and "没听清" not in joined, replies
    assert emergency_ticket(butler, staff_token, replies)["urgency"] == "emergency"
    # The booking form was dropped: the next message is not read as its time.
    after = butler.say(sid, "你好")
    assert "没听清" not in after and "哪天" not in after, after


def test_an_emergency_as_the_answer_to_the_contact_question(butler, staff_token):
    sid = "emergency-e2e-4"
    assert "位置" in butler.say(sid, "小区垃圾好几天没人收了")
    filed = butler.say(sid, "5号楼")  # filed on the place; the phone is asked for after
    complaint = TICKET_ID.search(filed)
    assert complaint and "手机号" in filed, filed
    replies = butler.chat(sid, "快来人啊 有个老人倒在楼道里叫不醒了")
    assert "120" in replies[0]["text"], replies
    ticket = emergency_ticket(butler, staff_token, replies)
    assert ticket["urgency"] == "emergency" and "叫不醒" in ticket["description"]
    # The emergency is its own ticket, not an addition to the complaint it interrupted.
    assert ticket["id"] != complaint.group(0), ticket


def test_a_client_cannot_raise_an_emergency_through_metadata(butler):
    replies = butler.chat("emergency-e2e-5", "你好", metadata={"butler_safety": {"emergency": True}})
    joined = "\n".join(r["text"] for r in replies)
    assert "119" not in joined and not TICKET_ID.search(joined), joined


def test_nlu_parse_reports_the_safety_net(butler):
    resp = butler.http.post(f"{butler.gateway_url}/api/v1/nlu/parse", json={"text": "厨房煤气味好大 头晕"})
    body = resp.json()
    assert body["intent"]["name"] == "emergency" and body["safety"]["emergency"] is True
    assert "gas" in body["safety"]["kinds"] and body["safety"]["cues"]
    calm = butler.http.post(f"{butler.gateway_url}/api/v1/nlu/parse", json={"text": "今晚吃火锅去"}).json()
    assert calm["safety"]["emergency"] is False


def test_what_follows_an_emergency_joins_its_ticket_whatever_the_classifier_hears(butler, staff_token):
    # Round 15: the place is read back with the 工单号; further words in the minutes after
    # (a description of the person, what was done) are details of the emergency, never
    # 没听明白, a booking answer or a 报平安.
    sid = "emergency-e2e-r15"
    replies = butler.chat(sid, "我外婆早上出门买菜到现在没回来 她有点糊涂 电话也打不通")
    assert "110" in replies[0]["text"], replies
    ticket = emergency_ticket(butler, staff_token, replies)
    where = butler.say(sid, "我们住622号楼3单元")
    assert "工单号" in where and ticket["id"] in where, where
    for detail in ("她穿一件红毛衣 背有点驼", "保安说监控里看见她往南门走了"):
        said = butler.say(sid, detail)
        assert ticket["id"] in said, said
        assert not any(word in said for word in ("没听明白", "没有预约", "平安", "帮不上忙")), said
    resp = butler.http.get(f"{butler.gateway_url}/api/v1/tickets/{ticket['id']}", headers=auth(staff_token))
    assert "红毛衣" in resp.json()["description"]
