"""What is asked of the butler beyond its tasks, answered honestly outside a form.

An errand it cannot run (``errand_refused``: a bill paid for the resident, a car called, a
phone call every day — the rules are here, ``errand_in``), someone else's number
(``someones_number``, words of ``commands``), whether a service is offered (``service_offered``,
words of ``assistant.booking.about``, with its booking button). An errand said together with
a report or a booking (帮我把电费交了 另外楼道灯又坏了) answers the errand and leaves the rest to
the dialogue (``request_besides_errand``): nothing said with it is swallowed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.conversation import commands, state
from assistant.conversation.commands import PAST_RE
from assistant.conversation.split import Request, request_among, spoken_clauses

if TYPE_CHECKING:
    from assistant.dialogue import DialogueClient, Reply


async def service_offered(client: DialogueClient, sender: str, said: str) -> list[Reply] | None:
    """Whether a service is offered, asked outside a form (``booking.about.asks_if_offered``):
    the answer with its booking button; None otherwise."""
    from assistant.booking.about import asks_if_offered
    from assistant.dialogue import Button, Reply

    found = asks_if_offered(said)
    if found is None or await state.form_running(client, sender):
        return None
    name, text = found
    payload = "/book_service" + json.dumps({"service_type": name}, ensure_ascii=False)
    return [Reply(text=text, buttons=[Button(f"约{name}", payload), Button("不用了", "/deny")])]


async def errand_refused(client: DialogueClient, sender: str, said: str) -> tuple[list[Reply], str | None] | None:
    """The honest can't for an errand the butler cannot run (``errand_in``), outside a form (a
    form's question keeps its turn), and the words of a report or a booking said with it
    (``request_besides_errand``), which still go to the dialogue; None when no errand is asked."""
    from assistant.channels import can_receive_reminders
    from assistant.dialogue import Reply

    found = errand_in(said, can_push=can_receive_reminders(sender))
    if found is None or await state.form_running(client, sender):
        return None
    besides = request_besides_errand(said, found)
    return [Reply(text=found.answer)], besides.words if besides is not None else None


async def someones_number(client: DialogueClient, sender: str, said: str) -> list[Reply] | None:
    """The honest reply when a household's or another estate's number is asked for
    (``commands.someones_number_said``), outside any form; None otherwise."""
    from assistant.dialogue import Reply
    from assistant.tickets.intake import names_a_problem

    answer = commands.someones_number_said(said, problem=names_a_problem(said))
    if answer is None or await state.form_running(client, sender):
        return None
    return [Reply(text=answer)]


# --- the errands: what is asked, in words ------------------------------------------------

# Asked of the butler (帮我 / 替我 / 给我把 / 你 / 麻烦你), never told (我交了电费) or asked how
# (电费怎么交: a question, the knowledge base's).
_ERRAND_ASKER = r"(?:(?:帮|替)(?:我|俺|咱|忙)?|给(?:我|俺)(?=把|叫|喊|打|约|订|交|缴|充)|你(?!们?[^，,。！!？?\s]{0,3}(?:怎么|咋))|您|麻烦(?:你|您)?)"
_BILL = (r"(?:电费|水费|燃气费|煤气费|天然气费|气费|话费|电话费|手机费|物业费|暖气费|取暖费|供暖费|网费|宽带费"
         r"|有线电视费|电视费|房租|卫生费|垃圾费)")
_PAY = r"(?:交|缴|付|充|续)"
_SAME_CLAUSE = r"[^，,。！!？?；;\s]"
_PAY_FOR_ME_RE = re.compile(
    _ERRAND_ASKER + _SAME_CLAUSE + r"{0,10}?(?:" + _PAY + r"(?:一下|下|了|上|个)?" + _SAME_CLAUSE + r"{0,6}?(?P<bill>"
    # 交一下物业费的发票: the bill names another thing (its receipt), it is not what is paid.
    + _BILL + r")(?!的)|(?P<bill2>" + _BILL + r")" + _SAME_CLAUSE + r"{0,6}?" + _PAY + r")"
)
# In the clause of the bill, the butler is asked something else about it (帮我问问物业费能不能缓交,
# 帮我查下电费交了没, 开发票): a question or a report of the bill's, the dialogue's and the knowledge
# base's, never a payment asked for.
_BILL_NOT_PAID_RE = re.compile(
    r"查|问|打听|看看|看下|看一下|核对|对一下|算一下|缓|延期|推迟|晚点交|减免|免交|退|发票|收据|票据|开票|明细"
    r"|了没|了吗|了么|了没有|没交|欠|催|涨|贵|多收|收错"
)
_HOW_RE = re.compile(r"怎么|咋|如何|哪里|哪儿|在哪|多少钱|几号|什么时候|啥时候|能不能.{0,6}网上")
# 给我叫个出租车 / 帮我打个车 / 你帮俺喊辆滴滴: a car called for the resident (an ambulance
# is the safety net's, never this).
# 派 is the community sending a vehicle: a ride only with the resident carried (接我, 送我妈去…).
_CAR_RE = re.compile(
    _ERRAND_ASKER + _SAME_CLAUSE + r"{0,4}?(?P<verb>叫|打|约|喊|订|派)(?:个|辆|一辆|一个|部|台)?"
    r"(?<!救护)(?<!消防)(?:出租车?|的士|网约车|滴滴|专车|快车"
    # 车牌 / 车位 / 车主 are no vehicle called.
    r"|(?P<car>(?<![救护消防警拖])车(?![位库棚费子牌号主门窗辆])))"
)
# What the bare 车 is to do, said after it: a ride carries the resident or goes somewhere (接, 送,
# 去, 坐); hauling or towing a thing (拉垃圾, 把僵尸车拖走, 运走) is a job for the estate, a request or
# a report the dialogue files.
_CAR_HAULS_RE = re.compile(r"[来去过]?(?:把[^，,。！!？?；;\s]{1,10}?)?(?:拉|拖|运|清|收|吊|装|搬|挪)[^，,。！!？?；;\s]{0,8}")
# Someone carried, so a ride after all (拉我去医院, 把我老伴送过去).
_CARRIES_SOMEONE_RE = re.compile(r"我|俺|咱|人|老|妈|爸|伴|奶|爷|孩|儿|女|婆|公")
_CAR_RIDE_RE = re.compile(r"接|送|去|到|坐|载|带(?:我|俺|咱)|上医院|回家")
# 每天早上给我打个电话 / 你们能不能天天打电话问问我: the resident phoned again and again.
_CALLS_ME_RE = re.compile(
    r"(?:给|跟|打给)(?:我|俺)(?:打|来|回)?(?:个|一个|通|一通)?电话|打(?:个|一个|通|一通)?电话(?:给|找|问问?|看看)(?:我|俺)"
)
_OFTEN_RE = re.compile(r"每天|天天|每日|每早|每晚|每天早上|每天晚上|每周|每个礼拜|定时|定期|隔[一两三几]天|时不时|经常|按时")
# 我闺女每天给我打电话: someone of the resident's own calls them; nothing is asked.
_CALLER_OF_THEIR_OWN_RE = re.compile(r"闺女|女儿|儿子|老伴|孙[子女]|他们?|她们?|家里人|家人|邻居|保姆|亲戚|朋友|老同事")
_CALL_ASKED_RE = re.compile(r"能不能|能否|可不可以|可以|行不行|帮|麻烦|你们?|您|请")


_CLAUSE_EDGE_RE = re.compile(r"[，,。.！!？?；;\s]")


def _clause_at(said: str, start: int, end: int) -> str:
    """The clause holding said[start:end]: from the punctuation or space before it to the one after."""
    head = _CLAUSE_EDGE_RE.split(said[:start])[-1]
    tail = _CLAUSE_EDGE_RE.split(said[end:])[0]
    return head + said[start:end] + tail


@dataclass(frozen=True)
class Errand:
    """An errand the butler cannot run, found in a message: the honest answer, and where in the
    words it was asked (``start``:``end``, the match), so what else was said can be told apart."""

    answer: str
    start: int
    end: int


def errand_in(text: str | None, *, can_push: bool = False) -> Errand | None:
    """The errand a message asks of the butler (a bill paid for the resident, a car called, a
    phone call every day) with its honest answer, or None when it asks no such thing. A time
    before now in the errand's own clause (上回你们帮我叫的车) tells of one, asks nothing; one in
    another clause (昨天楼道灯坏了) is that clause's."""
    said = (text or "").strip()
    if not said or said.startswith("/"):
        return None

    def asked(match: re.Match[str]) -> bool:
        return not PAST_RE.search(_clause_at(said, match.start(), match.end()))

    paid = _PAY_FOR_ME_RE.search(said)
    if paid and (_BILL_NOT_PAID_RE.search(_clause_at(said, paid.start(), paid.end())) or not asked(paid)):
        paid = None
    if paid and not _HOW_RE.search(said):
        bill = paid.group("bill") or paid.group("bill2")
        return Errand(f"抱歉，交{bill}这样的缴费我没法替您办，我这里不能付钱。"
                      "可以请家人在手机上帮您交，或者带上缴费单去附近的银行、营业厅交。"
                      "实在不方便的话，说“转人工”，我请社区工作人员帮您想办法。", paid.start(), paid.end())
    car = _CAR_RE.search(said)
    if car and (car.group("car") or car.group("verb") == "派"):
        hauls = _CAR_HAULS_RE.match(said, car.end())
        # A bare 车 hauling a thing is no ride; 派 carries the resident or is no ride at all.
        if (hauls and not _CARRIES_SOMEONE_RE.search(hauls.group())) or (
            car.group("verb") == "派" and not _CAR_RIDE_RE.search(_clause_at(said, car.start(), car.end()))
        ):
            car = None
    if car and asked(car) and not _HOW_RE.search(said):
        return Errand("抱歉，叫车我没法帮您叫。可以用手机叫车、打出租车电话，或者请家人帮忙。"
                      "要是去医院看病需要人陪，社区有陪诊服务，我能帮您约。", car.start(), car.end())
    call = _CALLS_ME_RE.search(said)
    # The clause of the call says who is to call: 你们能不能每天…给我来个电话 asks the butler (a
    # 老伴走了 said before it is no caller); 我闺女每天给我打电话 tells of someone of their own.
    clause = _CLAUSE_EDGE_RE.split(said[: call.start()])[-1] if call else ""
    asked_here, own_here = _CALL_ASKED_RE.search(clause), _CALLER_OF_THEIR_OWN_RE.search(clause)
    if call and asked(call) and _OFTEN_RE.search(said) and (
        asked_here or (not own_here and _CALL_ASKED_RE.search(said))
    ):
        pushed = "；这个聊天也会把预约提醒发给您" if can_push else ""
        return Errand("抱歉，我没法给您打电话，也不能每天主动找您"
                      f"{pushed}。您可以每天在这里跟我说一声“我挺好的”，就算报了平安。"
                      "想让社区定期关照您，说“转人工”，请工作人员帮您登记。", call.start(), call.end())
    return None


def errand_said(text: str | None, *, can_push: bool = False) -> str | None:
    """The butler's honest answer to an errand it cannot run, or None (``errand_in``)."""
    found = errand_in(text, can_push=can_push)
    return found.answer if found is not None else None


def request_besides_errand(text: str, errand: Errand) -> Request | None:
    """A report or a booking said with the errand (帮我把电费交了 另外楼道灯又坏了 / 楼下路灯坏了好几天了
    你帮我叫个车): the clauses after the errand's own, else those before it, read by the one
    reading of "another request here" (``split.request_among``); None when there is none."""
    said = (text or "").strip()
    edges_before = list(_CLAUSE_EDGE_RE.finditer(said, 0, errand.start))
    clause_start = edges_before[-1].end() if edges_before else 0
    edge_after = _CLAUSE_EDGE_RE.search(said, errand.end)
    clause_end = edge_after.start() if edge_after else len(said)
    return request_among(spoken_clauses(said[clause_end:])) or request_among(spoken_clauses(said[:clause_start]))
