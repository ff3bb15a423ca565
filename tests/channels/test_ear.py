"""Replies made for the ear (assistant/channels/ear.py) on the real replies of each
capability: the texts are made by the same domain functions the actions call
(booking read-back and confirmation, a filed ticket, a knowledge-base answer and its
"which one?" question), and the choices are checked against the conversation
helper that reads the resident's spoken answer (assistant/conversation/choices.py)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from assistant.channels.ear import MORE_PROMPT, SHORT_CHARS, Spoken, for_the_ear
from assistant.conversation.choices import Picked, options_from_reply, resolve_choice
from assistant.dialogue import Button, Reply
from assistant.kb.answer import CHOICE_TEXT, ONE_CHOICE_TEXT
from voice.normalise import speakable

LATIN_RE = re.compile(r"[A-Za-z]")
DIGIT_RE = re.compile(r"[0-9]")
SYMBOL_RE = re.compile(r"[#*_`<>\[\]{}\\|~^@&%$+=/《》“”\"]")


def policy_choice_reply() -> Reply:
    """The knowledge base's "which one?" with the buttons actions/policy.py adds."""
    titles = [("ln-001", "高龄津贴怎么领？"), ("ln-007", "居家养老服务补贴")]
    text = CHOICE_TEXT.format(options="\n".join(f"{i}. {t}" for i, (_, t) in enumerate(titles, 1)))
    buttons = [Button(t, '/ask_policy{"policy_entry": "%s"}' % e) for e, t in titles]
    buttons += [Button("把问题留给工作人员", "/affirm"), Button("转人工", "/request_human")]
    return Reply(text=text, buttons=buttons)


def booked_reply() -> Reply:
    from assistant.booking.models import Booking
    from assistant.booking.service import booked_text

    booking = Booking(id="YY202612050007", service="理发", location="上门",
                      starts_at=datetime(2026, 12, 7, 15, 0), resident_id=1)
    return Reply(text=booked_text(booking))


def ticket_reply() -> Reply:
    from assistant.tickets.models import Ticket
    from assistant.tickets.service import filed_message

    ticket = Ticket(id="GD202612050007", category="漏水", department="物业维修部", urgency="normal")
    return Reply(text=filed_message(ticket, has_contact=False))


KB_ANSWER = ("本市户籍年满80周岁的老年人可以领取高龄津贴。80至89周岁每人每月100元，90至99周岁每人每月300元。"
             "申请时带身份证和户口本，到社区服务中心办理。来源：《长者津贴发放办法》")


# -- ids, read-backs, sources ------------------------------------------------------------
def test_a_booking_confirmation_reads_the_yy_id_letter_by_letter_and_digit_by_digit():
    spoken = for_the_ear([booked_reply()])
    assert "Y Y 二零二六幺二零五零零零七" in spoken.text
    assert not DIGIT_RE.search(spoken.text)
    assert spoken.rate_factor == 1.0


def test_a_ticket_id_is_read_digit_by_digit_and_survives_the_elderly_wording():
    for elderly in (False, True):
        spoken = for_the_ear([ticket_reply()], elderly=elderly)
        assert "G D 二零二六幺二零五零零零七" in spoken.text, spoken.text
        assert not DIGIT_RE.search(spoken.text)
    # For an elder the only Latin letters left are the id's own.
    elder = for_the_ear([ticket_reply()], elderly=True).text
    assert set(LATIN_RE.findall(elder)) <= {"G", "D"}


def test_a_booking_read_back_question_is_never_cut():
    from assistant.booking.catalogue import load_catalogue
    from assistant.booking.service import confirmation_text

    text = confirmation_text(load_catalogue().services["理发"], datetime(2026, 12, 7, 15, 0),
                             address="3号楼2单元501", phone="13812345678")
    spoken = for_the_ear([Reply(text=text, buttons=[Button("对", "/affirm"), Button("不对", "/deny")])])
    assert spoken.text.startswith("您要预约十二月七日")
    for part in ("下午三点", "三号楼二单元五零一", "尾号五六七八", "十元", "对吗？"):
        assert part in spoken.text, (part, spoken.text)
    assert MORE_PROMPT not in spoken.text and not spoken.rest
    assert spoken.text.endswith("请说“对”，或者“不对”。")


def test_a_knowledge_base_answer_is_shortened_and_the_rest_with_its_source_offered():
    spoken = for_the_ear([Reply(text=KB_ANSWER), Reply(text="还想了解这方面的什么，可以接着问我。")])
    first = spoken.text.split(MORE_PROMPT)[0]
    assert MORE_PROMPT in spoken.text
    assert len(first) <= SHORT_CHARS + len("。")
    assert first.startswith("本市户籍年满八十周岁的老年人可以领取高龄津贴。")
    assert "这是根据《长者津贴发放办法》" in spoken.rest
    assert "身份证" in spoken.rest and "身份证" not in spoken.text
    assert spoken.text.endswith("还想了解这方面的什么，可以接着问我。")


def test_a_short_answer_is_read_whole_with_its_source():
    spoken = for_the_ear([Reply(text="高龄津贴每月10日前发放。来源：《长者津贴发放办法》")])
    assert spoken.text == "高龄津贴每月十日前发放。这是根据《长者津贴发放办法》"
    assert not spoken.rest


def test_emergency_advice_is_never_shortened():
    advice = ("请立刻拨打119！能走就马上离开，走楼梯，不要坐电梯。用湿毛巾捂住口鼻，弯腰低姿前进。"
              "不要回去拿东西。已经通知值班人员，工单号GD202612050001。")
    spoken = for_the_ear([Reply(text=advice, custom={"emergency": {"ticket_id": "GD202612050001"}})])
    assert MORE_PROMPT not in spoken.text and not spoken.rest
    assert "拨打幺幺九" in spoken.text  # a hotline: 1 said 幺
    assert "不要回去拿东西" in spoken.text


# -- choices ---------------------------------------------------------------------------------
def test_buttons_become_what_to_say_and_a_spoken_number_picks_that_button():
    reply = Reply(text="您想约哪项服务？", buttons=[Button("上门理发", '/book_service{"service_type": "理发"}'),
                                             Button("助餐", '/book_service{"service_type": "助餐"}'),
                                             Button("康复理疗", '/book_service{"service_type": "理疗"}')])
    spoken = for_the_ear([reply])
    assert spoken.text == "您想约哪项服务？您可以说“一”，上门理发；说“二”，助餐；说“三”，康复理疗。"
    options = options_from_reply(reply.text, [(b.title, b.payload) for b in reply.buttons])
    for said, button in (("一", 0), ("二", 1), ("三", 2), ("第一个", 0), ("助餐", 1), ("康复理疗", 2)):
        picked = resolve_choice(said, options)
        assert isinstance(picked, Picked) and picked.option.payload == reply.buttons[button].payload, said


def test_the_which_one_question_is_read_as_a_numbered_list_that_the_numbers_pick():
    reply = policy_choice_reply()
    spoken = for_the_ear([reply])
    assert "您是想问：“一”，高龄津贴怎么领；“二”，居家养老服务补贴。" in spoken.text
    assert "也可以说“把问题留给工作人员”，或者“转人工”。" in spoken.text
    assert "点一下" not in spoken.text and "说数字就行" in spoken.text
    assert MORE_PROMPT not in spoken.text  # a question is never cut
    options = options_from_reply(reply.text, [(b.title, b.payload) for b in reply.buttons])
    assert resolve_choice("一", options).option.payload == reply.buttons[0].payload
    assert resolve_choice("第二个", options).option.payload == reply.buttons[1].payload
    assert resolve_choice("转人工", options).option.payload == "/request_human"


def test_one_choice_is_a_yes_question_for_the_ear():
    reply = Reply(text=ONE_CHOICE_TEXT.format(title="高龄津贴怎么领"),
                  buttons=[Button("高龄津贴怎么领？", '/ask_policy{"policy_entry": "ln-001"}')])
    spoken = for_the_ear([reply])
    assert "是的话说“是”" in spoken.text and "点一下" not in spoken.text
    assert spoken.text.endswith("您可以说“一”，高龄津贴怎么领。")


def test_only_the_last_reply_with_buttons_is_offered_as_the_choices_remembered():
    first = Reply(text="好的。", buttons=[Button("旧选项", "/old")])
    last = Reply(text="请选时间：", buttons=[Button("12月7日 10:00", "/a"), Button("12月7日 15:30", "/b")])
    spoken = for_the_ear([first, last])
    assert "旧选项" not in spoken.text
    assert "您可以说“一”，十二月七日 上午十点；说“二”，十二月七日 下午三点半。" in spoken.text


# -- elderly wording and speed ---------------------------------------------------------------
def test_elderly_wording_has_short_sentences_no_english_and_no_symbols():
    text = "您好，可以用社区APP预约，也可以打电话，工作人员会在3个工作日内联系您，OK吗？网址https://example.cn/a"
    plain = for_the_ear([Reply(text=text)])
    elder = for_the_ear([Reply(text=text)], elderly=True)
    assert "APP" in plain.text
    assert not LATIN_RE.search(elder.text), elder.text
    assert not SYMBOL_RE.search(elder.text), elder.text
    assert "手机应用" in elder.text and "三个工作日" in elder.text
    longest = max(len(s) for s in re.split(r"[。！？]", elder.text))
    assert longest <= max(len(s) for s in re.split(r"[。！？]", plain.text))
    assert longest <= 20, elder.text


def test_elderly_speech_is_slower_and_the_slowest_reply_rate_wins(monkeypatch):
    monkeypatch.setenv("BUTLER_ELDERLY_SPEECH_RATE", "0.8")
    from assistant.settings import get_settings

    get_settings.cache_clear()
    try:
        assert for_the_ear([Reply(text="好的。")]).rate_factor == 1.0
        assert for_the_ear([Reply(text="好的。")], elderly=True).rate_factor == pytest.approx(0.8)
        asked = [Reply(text="好的。"), Reply(text="我再说一遍。", custom={"speak": {"rate_factor": 0.7}})]
        assert for_the_ear(asked).rate_factor == pytest.approx(0.7)
        assert for_the_ear(asked, elderly=True).rate_factor == pytest.approx(0.7)
    finally:
        get_settings.cache_clear()


def test_the_text_is_speakable_and_stable():
    for reply in (booked_reply(), ticket_reply(), policy_choice_reply(), Reply(text=KB_ANSWER)):
        spoken = for_the_ear([reply])
        assert isinstance(spoken, Spoken) and spoken.text
        assert not DIGIT_RE.search(spoken.text), spoken.text
        assert speakable(spoken.text) == spoken.text  # already through voice.normalise


def test_no_replies_say_nothing():
    assert for_the_ear([]) == Spoken(text="", rate_factor=1.0)


def test_an_answer_whose_rest_holds_a_phone_or_hotline_is_read_whole():
    from assistant.degraded import recorded_text
    from assistant.settings import Settings

    spoken = for_the_ear([Reply(text=recorded_text(Settings()))])
    assert len(spoken.text) > SHORT_CHARS and MORE_PROMPT not in spoken.text and not spoken.rest
    assert "幺幺零" in spoken.text


def test_the_elderly_booking_summary_is_heard_in_short_plain_sentences():
    from assistant.conversation.readback import short_sentences

    summary = short_sentences("您要预约12月1日（周二）下午3点的上门理发，地址3号楼2单元501，"
                              "联系电话139****5678，费用20元，对吗？")
    spoken = for_the_ear([Reply(text=summary, buttons=[Button("对", "/affirm"), Button("不对", "/deny")])],
                         elderly=True)
    assert spoken.text.startswith("您要预约十二月一日周二下午三点的上门理发。地址三号楼二单元五零一。"
                                  "联系电话尾号五六七八。费用二十元。对吗？")
    assert not spoken.rest  # a read-back to confirm is never cut
    assert not set(spoken.text) & set("（）()*“”《》0123456789")
