"""Round 22 (conversation fixer B, blind18 read by reason): a yes with thanks passed on (是 姥姥叫我
谢谢你们) is a yes; 提个醒 asks a reminder; errands the butler cannot run (a bill paid, a car
called, a call every day) are said plainly, and pressed on (那咋交啊) told how; a check-in with a
report or a booking does both; an emergency's place heard as a rating, and an update heard as a
goodbye, join the emergency; kitchen waste a shop puts out is 环境卫生; after a rating, another
open matter named is not rated again. New wording, both ways."""

from __future__ import annotations

from datetime import timedelta

import pytest

from assistant.care.besides import request_besides_checkin
from assistant import clock
from assistant.conversation import store
from assistant.conversation.choices import plain_yes
from assistant.conversation.commands import asks_reminder, pushed_back_said
from assistant.conversation.errands import errand_said
from assistant.db import Database
from assistant.settings import Settings
from assistant.tickets import feedback, service
from assistant.tickets.classify import classify_category
from assistant.tickets.lifecycle import aware, utcnow
from tests.conversation._helpers import WordDialogue, converse_once

# --- a yes with thanks passed on ---------------------------------------------------------------


@pytest.mark.parametrize("said", [
    "是 姥姥叫我谢谢你们", "是的 我妈让我谢谢您", "好的 太感谢了", "行 真是辛苦你们了", "对的 外婆叫我谢谢你啦",
])
def test_a_yes_with_thanks_passed_on_is_a_yes(said: str) -> None:
    assert plain_yes(said)


@pytest.mark.parametrize("said", [
    "对 爷爷说改到下午", "对 我妈说不对", "谢谢你们", "对 外公说谢谢 门牌是7号楼", "不对 谢谢",
])
def test_anything_besides_thanks_keeps_it_no_plain_yes(said: str) -> None:
    assert not plain_yes(said)


# --- 提个醒 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("said", ["到时候你给俺提个醒哈", "前一天帮我提一下醒", "到点了喊我一下"])
def test_a_reminder_asked_in_other_words(said: str) -> None:
    assert asks_reminder(said)


@pytest.mark.parametrize("said", [
    "我儿子到时候会给我提个醒", "提醒大家别在楼道堆东西", "给楼上提个醒 别往下扔东西", "上回就提醒过物业",
])
def test_a_reminder_nobody_asks_of_the_butler(said: str) -> None:
    assert not asks_reminder(said)


# --- errands the butler cannot run -----------------------------------------------------------------


@pytest.mark.parametrize(("said", "word"), [
    ("你帮我把燃气费缴一下 两百", "燃气费"),
    ("麻烦给我充五十块话费", "话费"),
    ("替我把暖气费交了吧", "暖气费"),
])
def test_a_bill_paid_for_the_resident_is_refused_plainly(said: str, word: str) -> None:
    answer = errand_said(said)
    assert answer is not None and word in answer and "没法" in answer


@pytest.mark.parametrize("said", [
    "帮俺叫辆车 俺要去车站", "你给我约个网约车去医院", "麻烦帮我打个的士",
    "我一个人在家 你们可不可以每天晚上给我来个电话", "能不能隔两天打电话问问我",
])
def test_a_car_or_a_call_every_day_is_refused_plainly(said: str) -> None:
    answer = errand_said(said)
    assert answer is not None and "没法" in answer


@pytest.mark.parametrize("said", [
    "燃气费在哪里交", "上个月水费交了没", "我刚交了物业费", "物业费多少钱一平", "交了暖气费还不热",
    "帮我叫救护车", "你们这个车棚啥时候修", "车位被占了帮我看看", "我儿子每天晚上给我打电话",
    "弄完了记得回我个电话", "我想约个陪诊 明天上午",
])
def test_other_words_about_bills_cars_and_calls_are_left_alone(said: str) -> None:
    assert errand_said(said) is None


def test_a_call_every_day_names_the_check_in_instead() -> None:
    assert "我挺好的" in errand_said("你们能不能天天早上给俺打个电话")


@pytest.mark.parametrize("said", ["那我该咋缴呢", "我又不会用手机", "那去哪儿交"])
def test_pressed_after_the_bill_refusal_it_says_how(said: str) -> None:
    assert "银行" in pushed_back_said(said, errand_said("帮我把水费交了"))


def test_the_errand_is_answered_before_the_dialogue(db: Database) -> None:
    dialogue = WordDialogue({"交": "help"})
    replies = converse_once(dialogue, db, "web:r22b1", "你帮我把下季度的燃气费缴一下 两百块")
    assert "没法" in replies[0].text and dialogue.sent == []


def test_inside_a_form_the_errand_goes_to_the_form(db: Database) -> None:
    dialogue = WordDialogue({}, loop="booking_form")
    converse_once(dialogue, db, "web:r22b2", "帮我打个车")
    assert dialogue.sent == ["帮我打个车"]


# --- a check-in with a request ----------------------------------------------------------------------


@pytest.mark.parametrize(("said", "intent", "words"), [
    ("报个平安 我挺好的 就是阳台顶上渗水了 墙都湿了", "file_complaint", "阳台顶上渗水了 墙都湿了"),
    ("今天都好 不过楼道那个灯又坏了", "file_complaint", "楼道那个灯又坏了"),
    ("平安无事 另外想约个后天上午的保洁", "book_service", "想约个后天上午的保洁"),
])
def test_a_check_in_with_a_request_carries_it(said: str, intent: str, words: str) -> None:
    besides = request_besides_checkin(said)
    assert besides is not None and besides.intent == intent and besides.words == words


@pytest.mark.parametrize("said", [
    "报个平安 身体挺好 早饭吃了两个包子", "我很好 就是腰有点酸", "今天挺好 昨天水管漏了 现在修好了", "平安",
    "楼道灯坏了",  # a report alone is no check-in with a report
])
def test_a_check_in_alone_carries_nothing(said: str) -> None:
    assert request_besides_checkin(said) is None


def test_the_booking_said_with_a_check_in_names_its_service() -> None:
    assert request_besides_checkin("报平安 顺便给我约个明天的理发").service == "理发"


# --- an emergency's follow-up, whatever the classifier heard ----------------------------------------


class ParsingDialogue(WordDialogue):
    def __init__(self, intent: str):
        super().__init__({})
        self.intent = intent

    async def parse(self, text):
        return {"intent": {"name": self.intent, "confidence": 0.9}}


def _after_emergency(db: Database, sender: str) -> None:
    store.save(db, sender, store.Memory(last=[
        store.Said("遇到危险请马上拨打 110。"),
        store.Said("已记录紧急求助，工单号 GD202612070001。请同时拨打社区电话 021-12345678。"),
    ], last_at=clock.now()))


def test_an_update_heard_as_a_goodbye_goes_to_the_emergency(db: Database) -> None:
    _after_emergency(db, "web:r22b3")
    dialogue = ParsingDialogue("goodbye")
    converse_once(dialogue, db, "web:r22b3", "他下楼了 没声了")
    assert dialogue.sent == ["/inform"]


@pytest.mark.parametrize("said", ["好的 谢谢你们", "知道了 再见"])
def test_a_closing_after_an_emergency_stays_a_closing(db: Database, said: str) -> None:
    _after_emergency(db, "web:r22b4")
    dialogue = ParsingDialogue("goodbye")
    converse_once(dialogue, db, "web:r22b4", said)
    assert dialogue.sent == [said]


def test_without_an_emergency_a_goodbye_is_a_goodbye(db: Database) -> None:
    store.save(db, "web:r22b5", store.Memory(last=[store.Said("预约好了！预约号YY202612070001。")],
                                             last_at=clock.now()))
    dialogue = ParsingDialogue("goodbye")
    converse_once(dialogue, db, "web:r22b5", "他走了 我也走了")
    assert dialogue.sent == ["他走了 我也走了"]


def test_a_place_after_a_fire_joins_the_emergency(db: Database) -> None:
    first = service.respond_to_emergency(db, text="后面楼冒黑烟了 好像烧起来了", sender_id="web:r22b6",
                                         settings=Settings())
    response = service.follow_up_emergency(
        db, ticket_id=first.ticket_id, sender_id="web:r22b6", text="就在幺二零八号楼后面那个自行车棚",
        awaiting_location=True, now=aware(utcnow()) + timedelta(minutes=1), settings=Settings(),
    )
    assert response is not None
    with db.session() as s:
        assert service.get_ticket(s, first.ticket_id).address.startswith("1208号楼")


# --- kitchen waste ----------------------------------------------------------------------------------


@pytest.mark.parametrize("said", [
    "面馆老板把泔水桶放在马路边上 一股馊味", "食堂的厨余垃圾堆在路边好几天", "小吃店天天把潲水倒在门口",
])
def test_kitchen_waste_put_out_is_the_environment(said: str) -> None:
    assert classify_category(said).category == "环境卫生"


@pytest.mark.parametrize("said", ["五金店把货架摆到人行道上了", "早点摊天天占着路口卖"])
def test_goods_or_a_stall_on_the_way_stays_occupying(said: str) -> None:
    assert classify_category(said).category == "占道经营"


# --- after a rating, another open matter ------------------------------------------------------------


def _handled(db: Database, sender: str) -> str:
    filed = service.file_ticket(db, description="2210号楼门口的路灯不亮", sender_id=sender, address="2210号楼",
                                now=utcnow() - timedelta(days=3))
    for action in ("派单", "开始处置", "办结"):
        service.transition_ticket(db, filed.ticket.id, action, actor="staff:t", note="已修好",
                                  now=utcnow() - timedelta(days=1))
    return filed.ticket.id


def test_another_open_matter_named_is_not_the_one_to_rate(db: Database) -> None:
    handled = _handled(db, "web:r22b7")
    stall = service.file_ticket(db, description="2211号楼后门有人摆摊卖水果 占了半条路", sender_id="web:r22b7",
                                address="2211号楼").ticket.id
    with db.session() as s:
        target = feedback.find_ticket_to_rate(s, "web:r22b7", "摆摊的事到现在还没人管吧")
        assert target.ticket_id is None and target.open_named == stall
        assert feedback.find_ticket_to_rate(s, "web:r22b7", "路灯那个挺好").ticket_id == handled
        assert feedback.find_ticket_to_rate(s, "web:r22b7", "满意").ticket_id == handled



# --- spoken digits and 再说一遍 at every step ---------------------------------------------------------


@pytest.mark.parametrize(("said", "phone"), [
    ("电话是幺五九 零零二二 三三四四", "15900223344"),
    ("打这个 一八六幺二三四五六七八", "18612345678"),
])
def test_a_phone_read_out_digit_by_digit_goes_on_the_ticket(said: str, phone: str) -> None:
    from assistant.tickets.intake import parse_contact

    assert parse_contact(said) == ("phone", phone)


@pytest.mark.parametrize("said", ["幺二号楼二单元幺零一", "三三零八号楼", "一二三四五六"])
def test_a_place_or_a_short_number_is_no_phone(said: str) -> None:
    from assistant.tickets.intake import parse_contact

    assert parse_contact(said) is None


@pytest.mark.parametrize(("said", "kind"), [
    ("没太听明白", "repeat"), ("听不大清楚", "repeat"), ("侬讲啥 我听勿懂", "repeat"), ("你刚才讲那个我没记下来", "repeat"), ("你讲的我没记全", "repeat"), ("刚才那段我没记下", "repeat"),
    ("前面那句再讲一道", "repeat"), ("声音大点", "repeat"), ("讲慢一点 我拿个笔", "slower"),
])
def test_not_taken_in_said_in_many_words_is_a_repeat(said: str, kind: str) -> None:
    from assistant.conversation.elder import command

    assert command(said) == kind


@pytest.mark.parametrize("said", ["再说吧", "记一下我闺女的电话", "听不懂普通话的人咋约", "你刚说的那个助餐几点开",
                                  "你刚才讲那个助餐多少钱", "我没记下来电话", "说的那个理发几点"])
def test_other_words_with_those_in_them_are_no_command(said: str) -> None:
    from assistant.conversation.elder import command

    assert command(said) is None


# --- a second emergency somewhere else --------------------------------------------------------------


def _emergencies(db: Database, sender: str, *texts: str) -> list[str | None]:
    return [service.respond_to_emergency(db, text=t, sender_id=sender, settings=Settings()).ticket_id for t in texts]


def test_another_kind_of_emergency_said_to_be_elsewhere_is_its_own_ticket(db: Database) -> None:
    first, second = _emergencies(db, "web:r22b8", "地下车库冒烟了 好像着火了", "另外 对面2321号楼有人拿着刀在打架")
    assert first != second
    with db.session() as s:
        assert "2321" not in (service.get_ticket(s, first).address or "")  # the fire's place is not moved


def test_another_kind_of_emergency_at_another_building_is_its_own_ticket(db: Database) -> None:
    first, second = _emergencies(db, "web:r22b9", "2322号楼2单元冒黑烟了", "2330号楼门口有人被打了 倒在地上")
    assert first != second


@pytest.mark.parametrize("texts", [
    ("家里厨房起火了", "我爸被烟呛晕过去了 叫不醒"),  # the same emergency's casualty, no place
    ("2323号楼1单元着火了", "2323号楼5楼还有人困在里面出不来"),  # the same building
    ("有人拿刀在楼下追人", "2324号楼 我老伴被砍了一刀 流了好多血"),  # the answer to where, with the harm
])
def test_more_of_the_same_emergency_joins_it(db: Database, texts: tuple[str, str]) -> None:
    first, second = _emergencies(db, f"web:r22b10-{len(texts[1])}", *texts)
    assert first == second


# --- whether a service is offered --------------------------------------------------------------------


@pytest.mark.parametrize(("said", "name"), [
    ("那社区有没有人陪老人去看病的", "陪诊"), ("你们那有剪头发的吗", "理发"), ("有法律咨询没有", "法律咨询"),
])
def test_whether_a_service_is_offered_is_answered_with_its_booking(said: str, name: str) -> None:
    from assistant.booking.about import asks_if_offered

    found = asks_if_offered(said)
    assert found is not None and found[0] == name and "要帮您约" in found[1]


@pytest.mark.parametrize("said", [
    "有没有我约的那个理发", "明天助餐还有没有位置", "楼道灯有没有人管", "有没有养老金的政策", "我约了理发没有",
])
def test_own_bookings_reports_and_policies_are_not_that_question(said: str) -> None:
    from assistant.booking.about import asks_if_offered

    assert asks_if_offered(said) is None


def test_the_offer_is_made_before_the_dialogue_with_its_button(db: Database) -> None:
    dialogue = WordDialogue({"有": "query_booking"})
    replies = converse_once(dialogue, db, "web:r22b11", "你们这儿有没有人陪老人去看病")
    assert dialogue.sent == [] and replies[0].buttons[0].title == "约陪诊"


def test_someone_gone_said_before_the_call_is_no_caller() -> None:
    assert errand_said("老头子走了家里就我一个 你们可以每天早上给我来个电话不") is not None
    assert errand_said("我外孙女天天晚上给我打电话 你们别担心") is None


def test_an_update_after_the_place_was_taken_goes_to_the_emergency(db: Database) -> None:
    store.save(db, "web:r22b12", store.Memory(last=[
        store.Said("已记下位置：2340号楼2单元301，工单号 GD202612070009。请同时拨打社区电话 021-12345678。"),
    ], last_at=clock.now()))
    dialogue = ParsingDialogue("goodbye")
    converse_once(dialogue, db, "web:r22b12", "那人从楼梯跑下去了")
    assert dialogue.sent == ["/inform"]


@pytest.mark.parametrize("said", ["那到底有人来修了没", "有人过来看吗", "有没有人来管管"])
def test_whether_someone_came_is_the_reports_progress_not_a_service(said: str) -> None:
    from assistant.booking.about import asks_if_offered

    assert asks_if_offered(said) is None


@pytest.mark.parametrize("said", ["那个人下楼了 听不到声音了", "他好像离开了", "人走了 外面安静了"])
def test_the_one_who_threatened_gone_gets_the_advice_not_to_follow(db: Database, said: str) -> None:
    first = service.respond_to_emergency(db, text="有人拿着棍子在砸我家门 我一个人在家", sender_id="web:r22b13",
                                         address="2350号楼1单元101", settings=Settings())
    response = service.follow_up_emergency(
        db, ticket_id=first.ticket_id, sender_id="web:r22b13", text=said,
        now=aware(utcnow()) + timedelta(minutes=1), settings=Settings(),
    )
    assert response is not None and "110" in response.lines[0] and "别去追" in response.lines[0]
