"""The spine's conversations, through the gateway, with the real Rasa and action server."""

import httpx
import pytest

pytestmark = pytest.mark.e2e


def test_ready_and_parse_maps_synonyms(butler):
    assert httpx.get(f"{butler.gateway_url}/readyz").status_code == 200
    resp = butler.http.post(f"{butler.gateway_url}/api/v1/nlu/parse", json={"text": "我想约个剪头发"})
    body = resp.json()
    assert body["intent"]["name"] == "book_service"
    assert {"entity": "service_type", "value": "理发"} in body["entities"]


def test_greet_then_help_names_what_the_butler_does(butler):
    assert "社区管家" in butler.say("core-1", "你好")
    replies = butler.chat("core-1", "你能帮我干啥")
    text = replies[0]["text"]
    for capability in ("政策", "预约", "反映问题", "进度", "转人工"):
        assert capability in text
    assert any(b["payload"] == "/request_human" for b in replies[0]["buttons"])


def test_repeat_gives_the_previous_message_again(butler):
    first = butler.say("core-2", "你好")
    assert butler.say("core-2", "没听清，再说一遍") == first


def test_request_human_is_recorded_for_staff(butler, staff_token):
    text = butler.say("core-3", "我要找工作人员")
    assert butler.settings.service_phone in text
    resp = butler.http.get(f"{butler.gateway_url}/api/v1/handoffs",
                           headers={"Authorization": f"Bearer {staff_token}"})
    assert butler.sender("core-3") in [h["sender_id"] for h in resp.json()]


def test_out_of_scope_is_a_polite_no_that_says_what_it_can_do(butler):
    text = butler.say("core-4", "帮我订一张去北京的机票")
    assert "帮不上" in text and "预约" in text


def test_thanks_and_goodbye(butler):
    assert "不客气" in butler.say("core-5", "谢谢你啊")
    assert "再见" in butler.say("core-5", "拜拜")


# Noise a resident might send by accident (a pocket, a cat, a child at the keyboard).
NOISE = ["呜哩哇啦呜哩哇啦", "hjkl qwer", "叽里咕噜叽里咕噜", "zxcv bnmm", "噼里啪啦咕噜咕噜", "asdfgh jkl",
         "ㄅㄆㄇㄈ", "啊啊啊啊啊啊啊", "qqqq pppp", "咿咿呀呀咿咿呀呀", "jjjj kkkk", "呱呱呱呱呱"]


def test_two_misunderstandings_in_a_row_offer_a_person(butler):
    # Two messages the NLU cannot place (nlu_fallback), in a row. Which noise DIET places
    # varies between trainings of the same data: the trainings of round 14 read
    # 呜哩哇啦呜哩哇啦 as out_of_scope at 0.99 and hjkl qwer as affirm at 0.95, where earlier
    # ones fell back (a known weakness of the classifier: a gibberish guard is on the list
    # for round 15; not what this test is about). So the real NLU, through the gateway's
    # parse endpoint, picks two noises it cannot place, and the test chats them in a row.
    unplaced = []
    for text in NOISE:
        resp = butler.http.post(f"{butler.gateway_url}/api/v1/nlu/parse", json={"text": text})
        assert resp.status_code == 200, resp.text
        if resp.json()["intent"]["name"] == "nlu_fallback":
            unplaced.append(text)
    assert len(unplaced) >= 2, f"the NLU placed all but {unplaced} of {NOISE}"
    first = butler.chat("core-6", unplaced[0])
    second = butler.chat("core-6", unplaced[1])
    assert len(first) == 1 and "没听明白" in first[0]["text"]
    assert any(b["payload"] == "/request_human" for r in second for b in r["buttons"])


def test_web_and_telegram_conversations_never_mix(butler):
    butler.say("same-id", "你好")
    # A different channel namespace starts with no history: nothing to repeat.
    assert "还没说" in butler.say("other-id", "再说一遍")
