"""Choosing by number or by name, slash commands, two requests in one message and a
short new policy question, end to end through /api/v1/chat with the real Rasa
server, action server and gateway (issue #11 items 3-5, issue #12 on /intent)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

pytestmark = pytest.mark.e2e

TICKET_ID = re.compile(r"GD\d{12}")


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Resident:
    """One resident with their own cookie jar: the gateway issues the identity (its
    session cookie), so two residents never share a conversation."""

    def __init__(self, butler, name: str):  # noqa: ANN001
        self.url = f"{butler.gateway_url}/api/v1/chat"
        self.name = name
        self.http = httpx.Client(timeout=120)

    def chat(self, text: str, **extra) -> list[dict]:
        resp = self.http.post(self.url, json={"text": text, **extra})
        if resp.status_code == 422 and "sender_id" in resp.text:  # a gateway that still wants the body's id
            resp = self.http.post(self.url, json={"sender_id": self.name, "text": text, **extra})
        assert resp.status_code == 200, resp.text
        return resp.json()["replies"]

    def say(self, text: str, **extra) -> str:
        return joined(self.chat(text, **extra))


@pytest.fixture
def resident(butler) -> Iterator:  # noqa: ANN001
    made: list[Resident] = []

    def make(name: str) -> Resident:
        made.append(Resident(butler, name))
        return made[-1]

    yield make
    for r in made:
        r.http.close()


def buttons(replies: list[dict]) -> list[dict]:
    return [b for r in replies for b in r.get("buttons") or []]


def joined(replies: list[dict]) -> str:
    return "\n".join(r["text"] for r in replies)


def test_first_item_of_the_help_menu_by_number(butler, resident):
    r = resident("first_item_of_the_help_menu_by_number")
    menu = r.chat("你能帮我做什么")
    assert "1. 政策咨询" in joined(menu) and buttons(menu), menu
    after = r.say("第一个")
    assert "政策" in after and "没听明白" not in after, after


def test_fourth_item_of_the_help_menu_has_no_button_and_still_works(butler, resident):
    r = resident("fourth_item_of_the_help_menu_has_no_button_and_still_works")
    r.chat("你能帮我做什么")
    after = r.say("4")
    assert "没听明白" not in after, after
    assert "投诉记录" in after or "工单" in after or "预约" in after, after  # 查询进度 was asked


def test_a_service_chosen_by_its_name_after_the_service_buttons(butler, resident):
    r = resident("a_service_chosen_by_its_name_after_the_service_buttons")
    asked = r.chat("我想预约服务")
    assert any(b["title"] == "上门理发" for b in buttons(asked)), asked
    after = r.say("理发")
    assert "暂时没有" not in after and ("哪天" in after or "几点" in after or "年纪" in after), after


def test_an_ordinal_past_the_end_names_the_choices(butler, resident):
    r = resident("an_ordinal_past_the_end_names_the_choices")
    asked = r.chat("我想预约服务")
    count = len(buttons(asked))
    after = r.say("第九个")
    assert f"只有{count}个" in after and "上门理发" in after, after
    again = r.say("第一个")  # the list still stands after the miss
    assert "哪天" in again or "几点" in again or "年纪" in again, again


def test_a_phone_number_at_a_list_is_an_answer_not_a_choice(butler, resident):
    r = resident("a_phone_number_at_a_list_is_an_answer_not_a_choice")
    r.chat("我想预约服务")
    after = r.say("13912345678")
    assert "只有" not in after, after


def test_a_typed_emergency_command_raises_no_alert_and_no_ticket(butler, resident, staff_token):
    r = resident("a_typed_emergency_command_raises_no_alert_and_no_ticket")
    base, headers = butler.gateway_url, auth(staff_token)
    before = butler.http.get(f"{base}/api/v1/tickets", params={"urgency": "emergency", "page_size": 200},
                             headers=headers).json()["total"]
    replies = r.chat("/emergency")
    text = joined(replies)
    assert "紧急求助" not in text and "马上拨打" not in text and not TICKET_ID.search(text), text
    assert "一句话说您要办的事" in text
    assert not any((r.get("custom") or {}).get("emergency") for r in replies)
    after = butler.http.get(f"{base}/api/v1/tickets", params={"urgency": "emergency", "page_size": 200},
                            headers=headers).json()["total"]
    assert after == before


def test_the_butlers_own_button_payload_still_works(butler, resident):
    r = resident("the_butlers_own_button_payload_still_works")
    menu = r.chat("你能帮我做什么")
    policy = next(b for b in buttons(menu) if b["title"] == "政策咨询")
    assert "政策" in r.say(policy["payload"])


def test_complaint_and_booking_in_one_message(butler, resident, staff_token):
    r = resident("complaint_and_booking_in_one_message")
    first = r.say("我要投诉楼上漏水，顺便约个维修")
    assert "位置" in first or "哪" in first, first
    assert "另外您说要" not in first  # the complaint comes first
    # Filed on the place; the offer comes with the phone question (the complaint is done, the
    # phone only joins it), and is asked again once the phone is answered.
    filed = r.say("5号楼302")
    ticket_id = TICKET_ID.search(filed)
    assert ticket_id and "手机号" in filed and "另外您说要约个维修" in filed, filed
    joined_phone = r.chat("13912345678")
    text = joined(joined_phone)
    assert "139****5678" in text and "另外您说要约个维修，现在帮您约吗？" in text, text
    assert {b["title"] for b in joined_phone[-1]["buttons"]} == {"好的", "不用了"}
    detail = butler.http.get(f"{butler.gateway_url}/api/v1/tickets/{ticket_id.group(0)}", headers=auth(staff_token))
    assert detail.status_code == 200 and "漏水" in detail.json()["description"]
    assert detail.json()["contact_phone"] == "13912345678"
    started = r.say("好的")
    assert "哪天" in started or "几点" in started or "年纪" in started, started


def test_policy_question_and_booking_in_one_message(butler, resident):
    r = resident("policy_question_and_booking_in_one_message")
    replies = r.chat("养老金怎么领，另外帮我约个体检")
    text = joined(replies)
    assert "养老" in text and "另外您说要约个体检，现在帮您约吗？" in text, text
    assert "先不办了" in r.say("不用了")
    assert "另外您说要" not in r.say("谢谢")


def test_complaint_and_progress_in_one_message(butler, resident):
    r = resident("complaint_and_progress_in_one_message")
    first = r.say("我要投诉楼下噪音，还有上次那个工单怎么样了")
    assert "另外您还问了" not in first
    filed = r.say("6号楼")
    assert TICKET_ID.search(filed), filed
    text = r.say("13812345678")
    assert "另外您还问了“上次那个工单怎么样了”" in text, text
    progress = r.say("好的")
    assert TICKET_ID.search(progress), progress


def test_a_short_new_question_after_a_medical_insurance_answer(butler, resident):
    r = resident("a_short_new_question_after_a_medical_insurance_answer")
    first = r.say("城乡居民医保怎么参保缴费？")
    assert "医保" in first and "来源" in first, first
    second = r.say("居住证怎么办")
    assert "居住证" in second and "来源：《示例市居住证" in second, second


def test_the_first_of_the_free_times_said_as_toushige(butler, resident):
    # Round 15: 头一个 (the north's "the first one") picks the first free time offered.
    r = resident("the_first_of_the_free_times_said_as_toushige")
    listed = r.chat("我想约个保洁 后天都有啥时间")
    times = [b for b in buttons(listed) if '"time"' in (b.get("payload") or "")]
    if not times:
        pytest.skip(f"no free time listed on the servers' day: {joined(listed)}")
    after = r.say("头一个吧")
    assert "地址" in after and "没听清" not in after, after


def test_a_second_request_declined_in_clauses(butler, resident):
    # Round 15: naming what was offered, then no, then a later time is a no, never a yes.
    r = resident("a_second_request_declined_in_clauses")
    text = r.say("居住证怎么办理，还有帮我约个理发")
    assert "另外您说要约个理发" in text, text
    after = r.say("理发就算了 下礼拜再说 先不约了")
    assert "先不办了" in after and "几点" not in after, after


def test_noise_at_the_read_back_books_nothing(butler, resident, staff_token):
    # Round 15: Latin-letter noise never confirms a read-back, whatever the classifier hears.
    r = resident("noise_at_the_read_back_books_nothing")
    asked = r.say("约个维修，后天上午10点，地址8号楼1单元101，电话13912340101")
    if "对吗" not in asked:
        pytest.skip(f"no read-back on the servers' day: {asked}")
    after = r.say("vbnm tyui")
    assert "预约号" not in after, after
    done = r.say("对")
    assert "预约号" in done, done
