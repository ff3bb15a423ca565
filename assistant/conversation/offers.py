"""The second request of a message (``two_requests``) once it waits: its offer answered, or
asked for before it was offered.

Answered: a yes however it is said (``says_yes``, ``taken_offer``: with the details said
with it, a condition the offer meets, the place of an offered report), a no (``declines_offer``,
``DECLINED_TEXT``), or the first ticket's phone said while the offer waits behind its phone
question (``offered_with_contact_question``, ``answers_contact``, ``contact_for_both``).
Before the offer: the request asked for in words (``asked_before_offer``), a waiting
report's place said (``place_of_waiting_report``), a waiting home booking's address
(``home_address_for``).
"""

from __future__ import annotations

import re

from assistant.conversation import bookings, split, state, store
from assistant.conversation.choices import plain_yes
from assistant.tickets.feedback import RESTATED_YES_RE, restates_yes


YES_RE = re.compile(
    r"^(?:好|好的|好啊|好吧|行|行的|可以|要|要的|嗯|嗯嗯|是|是的|对|约吧|约|查吧|查|办吧|记吧|没问题|麻烦了|麻烦你了|帮我约|帮我查"
    r"|能约就约|约就约|那就约|那约吧|可以约)"
    r"[。.！!~～，, ]*$"
)


NO_RE = re.compile(
    r"^(?:不用|不用了|不要|不要了|算了|就算了|不了|先不|先不用|先不用了|先不要了|先不了|先不约|先不约了|不约了|不需要|没事了"
    r"|暂时不用|暂时不用了|暂时不约|暂时不约了"
    r"|唔使|唔使住|唔駛|唔駛住|唔要|唔需要|唔洗|唔洗住)[。.！!~～，, ]*$"  # Cantonese 唔使(住) = 先不用
)


# 先不约了 电梯修好再说 / 等我闺女回来再说吧: a no to an offered second request, with a reason
# or a later time; only read where an offer waits for its answer.
LATER_RE = re.compile(
    r"^(?:(?:不用|不用了|不要|不要了|算了|不了|先不|先不用|先不了|先不约|先不约了|不约了|暂时不用|暂时不约|先放放)"
    r"[。.！!~～，, ]*.{0,20}?|等.{1,16}?)(?:再说|再约|以后|回头|改天|下次|不急)[吧吧呀啊了。.！!~～ ]*$"
)


# 好的 后天下午两点 地址14号楼2单元601: yes, with the details of the second request.
YES_WITH_DETAILS_RE = re.compile(
    r"^(?:能约就约|约就约|那就约|可以约|好的|好啊|好吧|好|行|可以|要的|要|嗯嗯|嗯|是的|对|没问题|约吧|约)"
    r"[。.！!~～，,、 ]+(?P<rest>\S.*)$"
)


# 要得，约嘛 / 好的你帮我报上去 / 中，约吧: every clause a yes, said plainly in any dialect
# (choices.plain_yes) or said again in words (feedback.restates_yes), with or without the
# particle a dialect ends it with (约嘛, 报上去噻).
_CLAUSE_RE = re.compile(r"[\s，,。.！!~～、；;…]+")


_END_PARTICLES_RE = re.compile(r"(?<=.)[嘛噻撒哦呗咯嘞哈啦呀啊吧喇囉]+$")


def says_yes(said: str) -> bool:
    """The message is a yes and nothing else, however it is said."""
    clauses = [c for c in _CLAUSE_RE.split(said.strip()) if c]
    return bool(clauses) and all(
        YES_RE.match(c) or plain_yes(c) or restates_yes(c) or restates_yes(_END_PARTICLES_RE.sub("", c))
        for c in clauses
    )


# 保洁先不用了，等电梯修好再说 / 那个先不约了: what was offered named (or pointed at) first,
# then the no; the no is read on what follows.
_NAMED_NO_RE = re.compile(r"^(?P<topic>[^，,。！!？?\s]{1,10}?)(?=先不|不用|不要|暂时不|先放|不了|不约|算了|唔使|唔駛|唔要|唔洗)")


_TOPIC_TAIL_RE = re.compile(r"(?:的事儿?|这事儿?|那事儿?|的话|就|呢|嘛|啊|呀|吧)+$")


_POINTERS = frozenset({"这个", "那个", "这", "那", "这件事", "那件事", "这事", "那事", "这个事", "那个事"})


# 对，不过先不用 / 好的，等会再说 / 好，我再想想: a yes word that only acknowledges, then the
# no, a later time or a hedge; what follows the yes decides.
_ACK_THEN_RE = re.compile(
    r"^(?:好|好的|好啊|好吧|行|行吧|可以|嗯|嗯嗯|是|是的|对|对的|知道了|晓得了)[。.！!~～，,、\s]+"
    r"(?:不过|但是|可是|只是)?[，,\s]*(?P<rest>\S.*)$"
)


def _acknowledged_then_no(said: str) -> bool:
    from assistant.booking.conversation import hedges

    match = _ACK_THEN_RE.match(said)
    if match is None:
        return False
    rest = match.group("rest")
    bare = _END_PARTICLES_RE.sub("", rest.rstrip("。.！!~～ "))
    return bool(NO_RE.match(rest) or NO_RE.match(bare) or LATER_RE.match(rest) or hedges(rest))


# 过两天再说 / 改天吧 / 多谢: a clause that puts it off or thanks, said with a no.
_LATER_CLAUSE_RE = re.compile(
    r"^[^不要约]{0,8}?(?:再说|再约|再讲|再看)$"  # 过两天再说 / 下个月再约 / 等我闺女回来再说
    r"|^(?:改天|下次|回头|以后)$"
)


_THANKS_CLAUSE_RE = re.compile(r"^(?:谢谢|多谢|谢了|谢谢你|谢谢您|唔该|唔该晒|麻烦了)$")


def _says_no(said: str, offered: str, intent: str | None) -> bool:
    """One clause that says no to the offer, plainly or after naming what was offered."""
    bare = _END_PARTICLES_RE.sub("", said.rstrip("。.！!~～ "))
    if NO_RE.match(said) or NO_RE.match(bare) or LATER_RE.match(said):
        return True
    match = _NAMED_NO_RE.match(bare)
    if match is None:
        return False
    topic = _TOPIC_TAIL_RE.sub("", match.group("topic")) or match.group("topic")
    named = topic in _POINTERS or bool(intent and split.names_offer(topic, offered, intent))
    rest = bare[match.end() :]
    return named and bool(NO_RE.match(rest) or LATER_RE.match(rest))


def declines_offer(said: str, offered: str, intent: str | None = None) -> bool:
    """A no to the offered second request: 不用了 / 先不约了，等我闺女回来再说, the same
    after naming what was offered (保洁先不用了，等电梯修好再说 / 保洁唔使住喇), after a yes
    word that only acknowledges (对，不过先不用 / 好的，等会再说), or said in clauses each
    of which is a no, a later or thanks (体检就算了 过两天再说 不约了 / 保洁唔使住喇 多谢)."""
    if said == "/deny" or _says_no(said, offered, intent) or _acknowledged_then_no(said):
        return True
    clauses = [c for c in _CLAUSE_RE.split(said.strip()) if c]
    if len(clauses) < 2:
        return False
    noes = [c for c in clauses if _says_no(c, offered, intent)]
    rest = [_END_PARTICLES_RE.sub("", c) for c in clauses if c not in noes]
    return bool(noes) and all(_LATER_CLAUSE_RE.match(c) or _THANKS_CLAUSE_RE.match(c) for c in rest)


# 管的话就记一下 / 能约的话就约 / 要是能管就帮我报上去: a yes on a condition the offer
# itself answers (it was offered, so it can be done): the condition is read as met.
_CONDITION_RE = re.compile(
    r"^(?:要是|如果|假如)?[^，,。！!？?\s]{1,6}?的话[，,\s]*(?:就|那就|那)?"
    r"|^(?:要是|如果|假如)[^，,。！!？?\s]{1,6}?[，,\s]*(?:就|那就|那)"
)


def _yes_with_values(said: str) -> str | None:
    """记一下 电话139… / 帮我报上去，电话139…: a yes said again in words, then nothing but
    what the request's form asks (a phone, a time, an address): those values; else None."""
    clauses = [c for c in _CLAUSE_RE.split(said.strip()) if c]
    if len(clauses) < 2 or not (restates_yes(clauses[0]) or says_yes(clauses[0])):
        return None
    rest = said.strip()[said.strip().find(clauses[1]) :]
    return rest if split.is_bare_value(rest) else None


def taken_offer(said: str, offered: str, intent: str | None = None) -> str | None:
    """The message to send when the resident accepts the offered second request:
    the request itself, plus any details said with the yes; ``None`` if not a yes.
    Naming what was offered (那理发的事呢) accepts it too; so does a yes on a condition
    (管的话就记一下), with the values said after it (电话139…)."""
    condition = _CONDITION_RE.match(said)
    if condition and said[condition.end() :].strip() and not NO_RE.match(said[condition.end() :]):
        rest = said[condition.end() :].strip()
        values = _yes_with_values(rest)
        if values is not None:
            return f"{offered}，{values}"
        if says_yes(rest) or restates_yes(rest):
            return offered
    if YES_RE.match(said) or said == "/affirm" or RESTATED_YES_RE.match(said):
        return offered
    if declines_offer(said, offered, intent):
        return None  # 保洁先不用了: naming what was offered is no yes when a no follows
    if says_yes(said):
        return offered
    values = _yes_with_values(said)
    if values is not None and not NO_RE.match(said):
        return f"{offered}，{values}"  # 帮我登记一下，电话139…
    match = YES_WITH_DETAILS_RE.match(said)
    if match and not NO_RE.match(said):
        if RESTATED_YES_RE.match(match.group("rest")):
            return offered  # 要的，帮我报上去: a yes twice over
        return f"{offered}，{match.group('rest')}"
    if intent == "file_complaint" and not NO_RE.match(said) and _places_the_offer(said, offered):
        # 车库就是1026号楼底下那个车库的入口 after 车库入口老有车乱停…现在也帮您登记吗？: where the
        # offered report is, said of the place it named: a yes, with its location first.
        return f"{said}，{offered}"
    if (
        intent
        and not NO_RE.match(said)
        and not said.startswith("/")
        and split.names_offer(said, offered, intent)
    ):
        # 约体检 后天早上8点: naming it with its details is asking for it with them (the
        # details answer the form's questions, never lost to a bare "约个体检").
        if intent == "file_complaint" and _places_it_closer(said, offered):
            # 摆摊的就在636号楼边上那个南门口: naming the report with a building where it had
            # none (小区南门口) says where it is: those words go first, the place is theirs.
            return f"{said}，{offered}"
        return f"{offered}，{said}" if intent == "book_service" and bookings.has_booking_details(said) else offered
    return None


def place_of_waiting_report(pending: store.Pending, said: str) -> str | None:
    """The waiting report's words with its place, when it names none and a clause of the
    message puts the same thing at a building (跳舞的在1029号楼旁边的小广场 for 广场舞音响
    开得震天响); None otherwise."""
    from assistant.location import find_locations
    from assistant.tickets.duplicates import objects_match, read_problem

    if pending.intent != "file_complaint" or any(p.is_structured for p in find_locations(pending.text)):
        return None
    waiting = read_problem(pending.text)
    if not waiting.objects:
        return None
    for clause in (c.strip() for c in re.split(r"[，,。；;！!\s]+", said)):
        if not clause or not any(p.is_structured for p in find_locations(clause)):
            continue
        here = read_problem(clause)
        if here.objects and objects_match(here.objects, waiting.objects):
            return f"{pending.text}，{clause}"
    return None


def _places_the_offer(said: str, offered: str) -> bool:
    """The message gives a building (or unit, room) for the place the offered report names
    (车库入口 / 车库的入口 at 1026号楼), naming no problem of its own."""
    from assistant.tickets.duplicates import read_problem

    if not _places_it_closer(said, offered):
        return False
    here, there = read_problem(said), read_problem(offered)
    if here.faults or (here.objects and not (here.objects & there.objects)):
        return False  # 1026号楼电梯也坏了: a problem of its own
    return bool((here.spots & there.spots) or (here.words & there.words) or (here.objects & there.objects))


def _places_it_closer(said: str, offered: str) -> bool:
    """The message names a building, unit or room where the offered report named none."""
    from assistant.location import find_locations

    return any(p.is_structured for p in find_locations(said)) and not any(
        p.is_structured for p in find_locations(offered)
    )


DECLINED_TEXT = "好的，那先不办了。还有别的事随时找我。"


# 帮我报上去 / 好的，登记一下 / 给我反映上去: filing asked for in words, nothing else said.
_FILE_VERB_RE = re.compile(r"报|登记|记上|记下|记一下|反映")


# 好的约 明天上午10点… / 那就约吧，后天下午: a booking asked for, the details after the verb.
_BOOK_NOW_RE = re.compile(
    # The verb stands as a verb: followed by a particle, the end, punctuation or a value
    # (约 明天上午 / 约下午两点), never by what makes it a noun or another question (订单号,
    # 你约的是几点, 约不上怎么办).
    r"^(?:好的?|好啊|行|可以|要的?|嗯嗯?|对|中|要得|成)?[，,。\s]*(?:那就|就|那|帮我|给我|麻烦|你)*(?:预约|约|订)"
    r"(?![了过的不单好到])"
    r"(?:(?:一下|上|吧|嘛|个|一个)|(?=$|[，,。.!！\s]|\d|[今明后大下上这本周星礼早中晚凌零一二三四五六七八九十两]))"
    r"[，,。\s]*"
)


def asked_before_offer(said: str, pending: store.Pending) -> str | None:
    """The message to send when the resident asks for the request they made in the same
    breath as a question before it was offered: a report to be filed in words and nothing
    else (好的你帮我报上去), or a booking with a booking verb and no other service
    (好的约 明天上午10点 222栋1单元1801: the request, with the details). None otherwise."""
    if pending.offered:
        return None
    if pending.intent == "file_complaint":
        return pending.text if _FILE_VERB_RE.search(said) and restates_yes(said) else None
    if pending.intent != "book_service":
        return None
    from assistant.booking.conversation import service_asked_for

    match = _BOOK_NOW_RE.match(said)
    named = service_asked_for(said)
    if match is None or (named is not None and named != service_asked_for(pending.text)):
        return None
    rest = said[match.end() :].strip(split.PUNCT)
    return f"{pending.text}，{rest}" if rest else pending.text


def offered_with_contact_question(last: list[store.Said]) -> bool:
    """The butler's last turn asked for the first ticket's phone and offered the second
    request with it."""
    return any(state.is_contact_question(said) for said in last)


# 请告诉我具体位置：几号楼几单元几室？/ 在哪个位置？/ 地址是哪里？: the butler's last reply asked
# for a place (an emergency's or a report's location question).
_PLACE_QUESTION_RE = re.compile(r"(?:几号楼|在哪|哪里|哪儿|哪个位置|具体位置|地址|什么位置)[^？?]{0,20}[？?]")


def home_address_for(said: str, pending: store.Pending, last=()) -> bool:  # noqa: ANN001 - remembered Said
    """1226号楼1单元101 said while a home-visit booking asked with its time waits for its offer
    (…另外给俺约个理发 明天上午九点半 上门): the address is that booking's, not the question's.
    Only when nothing else asked for a place: after an emergency's or a report's location
    question (请告诉我具体位置：几号楼几单元几室？) the address answers that question (review 21 M6)."""
    from assistant.booking.catalogue import load_catalogue
    from assistant.booking.conversation import address_in, service_asked_for

    if any(_PLACE_QUESTION_RE.search(getattr(reply, "text", None) or "") for reply in last):
        return False
    service = load_catalogue().services.get(service_asked_for(pending.text) or "")
    return bool(service and service.at_home and address_in(said) and bookings.has_booking_time(pending.text))


def contact_for_both(said: str, pending: store.Pending) -> bool:
    """A phone said at the ticket's phone question while a booking is offered, that is the
    booking's too: the booking was asked for with its day or time, or the words also give a
    home address (地址就是…1103 电话139…: a filed ticket asks no address, a booking does).
    不留电话 / 匿名 is the ticket's alone."""
    from assistant.booking.conversation import address_in, phone_from

    if pending.intent != "book_service" or phone_from(said) is None:
        return False
    return bookings.has_booking_time(pending.text) or bool(address_in(said))


def answers_contact(said: str) -> bool:
    """A phone, or 不留 / 匿名: an answer to the phone question, not to the offer."""
    from assistant.tickets.intake import parse_contact

    if YES_RE.match(said) or NO_RE.match(said) or said.startswith("/"):
        return False
    return parse_contact(said) is not None
