"""Issue #11 items 6-8 end to end through /api/v1/chat with the real Rasa server, action
server and gateway, checked through the staff API: what follows an emergency (where,
what else) lands on the same ticket; promises match what the stack can do (this stack
has no alert webhook); a resident's 不满意 with a reason reopens a handled ticket and
staff see the rating."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e

TICKET_ID = re.compile(r"GD\d{12}")
WHERE = "请告诉我具体位置：几号楼几单元几室？"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def staff_view(butler, staff_token, ticket_id: str) -> dict:
    resp = butler.http.get(f"{butler.gateway_url}/api/v1/tickets/{ticket_id}", headers=auth(staff_token))
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_fire_where_then_bleeding_all_on_one_ticket(butler, staff_token):
    sid = "followthrough-e2e-1"
    first = butler.chat(sid, "楼道里着火了")
    said = "\n".join(r["text"] for r in first)
    assert "119" in first[0]["text"] and WHERE in said, first
    # No alert webhook in this stack: nothing was delivered, so nothing is promised.
    assert "已通知" not in said and "已记录紧急求助" in said and butler.settings.service_phone in said
    ticket_id = TICKET_ID.search(said).group(0)

    where = butler.say(sid, "在6号楼3单元")
    assert "已记下位置：6号楼3单元" in where and "没听" not in where, where
    ticket = staff_view(butler, staff_token, ticket_id)
    assert ticket["address"] == "6号楼3单元" and ticket["urgency"] == "emergency"
    assert ticket["timeline"][-1]["action"] == "补充位置"

    bleeding = butler.chat(sid, "他流血了")
    assert "按压" in bleeding[0]["text"], bleeding
    assert ticket_id in "\n".join(r["text"] for r in bleeding)
    ticket = staff_view(butler, staff_token, ticket_id)
    assert "他流血了" in ticket["description"] and ticket["address"] == "6号楼3单元"
    # One emergency, one ticket: nothing else was filed for this resident.
    listed = butler.http.get(f"{butler.gateway_url}/api/v1/tickets", params={"urgency": "emergency"},
                             headers=auth(staff_token)).json()["items"]
    assert [t["id"] for t in listed if "他流血了" in (t["description"] or "")] == [ticket_id]


def test_smoke_growing_joins_the_ticket_with_escape_advice(butler, staff_token):
    sid = "followthrough-e2e-2"
    said = butler.say(sid, "8号楼2单元着火了")
    assert WHERE not in said  # the place was in the report
    ticket_id = TICKET_ID.search(said).group(0)
    smoke = butler.say(sid, "烟越来越大了")
    assert "低姿" in smoke and ticket_id in smoke, smoke
    assert "烟越来越大了" in staff_view(butler, staff_token, ticket_id)["description"]


def test_complaint_promises_depend_on_the_phone(butler):
    # Filed as soon as the place is known, before any phone: nothing promised yet.
    filed = butler.say("followthrough-e2e-3", "小区3号楼门口的井盖丢了")
    assert TICKET_ID.search(filed) and "手机号" in filed, filed
    anonymous = butler.say("followthrough-e2e-3", "匿名")
    for said in (filed, anonymous):
        assert "给您答复" not in said and "联系您" not in said and "工作日" not in said, said
    assert "怎么样了" in anonymous, anonymous
    # 96号楼: no other test of the shared stack reports there (a duplicate would be linked, not filed)
    with_phone = butler.say("followthrough-e2e-4", "96号楼楼道的灯坏了一个礼拜了，电话13912345678")
    assert TICKET_ID.search(with_phone) and "给您答复" in with_phone and "手机号" not in with_phone, with_phone
    # A phone said after filing is on the ticket: the result will be told.
    butler.say("followthrough-e2e-7", "97号楼楼下的井盖松了")
    later = butler.say("followthrough-e2e-7", "13912345678")
    assert "139****5678" in later and "处理结果会告诉您" in later, later


def test_unsatisfied_with_a_reason_reopens_and_staff_see_the_rating(butler, staff_token):
    sid = "followthrough-e2e-5"
    filed = butler.say(sid, "7号楼门口的路灯坏了好几天了")
    assert TICKET_ID.search(filed), filed
    assert "不留" in butler.say(sid, "匿名")
    ticket_id = TICKET_ID.search(filed).group(0)
    base, headers = butler.gateway_url, auth(staff_token)
    for body in ({"action": "派单"}, {"action": "开始处置"}, {"action": "办结", "note": "已更换灯泡"}):
        resp = butler.http.post(f"{base}/api/v1/tickets/{ticket_id}/transitions", json=body, headers=headers)
        assert resp.status_code == 200, resp.text

    asked = butler.chat(sid, "处理得不好，我不满意")
    text = "\n".join(r["text"] for r in asked)
    assert "原因" in text and "预约" not in text, asked
    done = butler.say(sid, "修完第二天又不亮了")
    assert "已重新打开" in done and ticket_id in done, done

    ticket = staff_view(butler, staff_token, ticket_id)
    assert ticket["status"] == "处置中" and ticket["reopen_count"] == 1
    assert ticket["resident_rating"]["label"] == "不满意"
    assert ticket["resident_rating"]["reason"] == "修完第二天又不亮了"
    assert ticket["timeline"][-1]["action"] == "居民重新打开"


def test_a_rating_button_records_a_satisfied_rating(butler, staff_token):
    sid = "followthrough-e2e-6"
    filed = butler.say(sid, "9号楼门口垃圾桶满了没人清")
    assert TICKET_ID.search(filed), filed
    assert "不留" in butler.say(sid, "匿名")
    ticket_id = TICKET_ID.search(filed).group(0)
    base, headers = butler.gateway_url, auth(staff_token)
    for body in ({"action": "派单"}, {"action": "开始处置"}, {"action": "办结", "note": "已清运"}):
        assert butler.http.post(f"{base}/api/v1/tickets/{ticket_id}/transitions", json=body,
                                headers=headers).status_code == 200
    asked = butler.chat(sid, "我要评价一下上次的工单")
    buttons = [b for r in asked for b in (r.get("buttons") or [])]
    assert [b["title"] for b in buttons] == ["满意", "基本满意", "不满意"], asked
    thanks = butler.say(sid, buttons[0]["payload"])
    assert "满意" in thanks, thanks
    rating = staff_view(butler, staff_token, ticket_id)["resident_rating"]
    assert rating["score"] == 5 and staff_view(butler, staff_token, ticket_id)["status"] == "已办结"
