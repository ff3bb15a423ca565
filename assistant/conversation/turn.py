"""One resident message through the conversation helper, before and after Rasa.

Before: a slash command that is not one of the butler's own buttons (a bare intent
name gets a short answer and reaches neither Rasa nor the safety net: it is a
machine token, not words; words after a slash lose the slash); a yes/no to an
offered second request; a choice by number or by name (the
button's payload is sent instead of the text); two requests in one message (the
first is sent, the second remembered; two complaints about different things are two
requests too). After: the reply's choices are remembered,
and a remembered second request is offered once the first is done (no form left
running, no yes/no question open); the replies are remembered for 再说一遍.
Between the two, 再说一遍 / 慢一点 / 我年纪大了 are answered by ``elder`` from the memory,
and noise (hjkl qwer: Latin letters, no word) reaches Rasa as not understood, never as
whatever the classifier makes of it.

An offer answered with a value instead of 对 (13022648170 / 我不留电话，匿名吧 / a time, an
address) is a yes: the offered request goes first and the value answers its first
question. Complaints counted out (一是…；二是…) are all asked for: the second is filed
as soon as the first is, without an offer; so is a report asked after a policy
question (居住证咋办？还有…楼道里堆满了杂物). 两个都记上了吧 is answered from the records
(``recap``), and 理发先不约了 right after the safety net took over is said back.
A person asked for with another request (…车都泡了，给我转个人工) is asked outright: the
other request goes first, the hand-off right after it in the same turn, never offered.

An emergency the safety net recognises is never read as anything else: it goes to
the dialogue as it was said. If the memory cannot be read or written the message
goes through as it was said: the helper never costs a resident an answer.

This module holds the helpers; the order in which a turn asks them is
``assistant.conversation.stages`` (named stages, listed in its docstring).
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import TYPE_CHECKING

import anyio
import structlog

from assistant import clock, form_turns
from assistant.conversation import commands, numbers, recap, split, store
from assistant.conversation.choices import (
    options_from_reply,
    plain_yes,
    record_lines,
)
from assistant.tickets.feedback import (
    RESTATED_YES_RE,
    explicit_rating,
    parse_rating,
    rates_a_ticket,
    reason_in,
    restates_yes,
)
from assistant.tickets.service import CONTACT_ASK_WORDS, FILED_OPENING

if TYPE_CHECKING:
    from collections.abc import Callable

    from assistant.db import Database
    from assistant.dialogue import DialogueClient, Reply

log = structlog.get_logger(__name__)

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
YES_NO_PAYLOADS = {"/affirm", "/deny"}
# The complaint's own phone question (assistant.tickets.service.CONTACT_INVITATION and the
# anonymous how-to-follow answer both end with it).
TICKET_PHONE_ASK = CONTACT_ASK_WORDS
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
        return f"{offered}，{said}" if intent == "book_service" and _has_booking_details(said) else offered
    return None


def _place_of_waiting_report(pending: store.Pending, said: str) -> str | None:
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


def _has_booking_time(said: str) -> bool:
    """A day or a clock time said: only a booking asks for one (a ticket's phone never does)."""
    from assistant.booking.conversation import time_from

    return time_from(said) is not None


def _has_booking_details(said: str) -> bool:
    """A time, a phone or an address said in the message."""
    from assistant.booking.conversation import address_in, phone_from, time_from

    return bool(time_from(said) or phone_from(said) or address_in(said))


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


def _asks_yes_or_no(options) -> bool:  # noqa: ANN001 - remembered options
    """The butler's last reply asked a yes/no question (its 对/不对 buttons): a yes word
    answers that question, not the request still waiting for its offer."""
    return any((o.payload or "").strip() in ("/affirm", "/deny") for o in options or [])


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


async def _number_again(db: Database | None, sender: str, said: str, memory: store.Memory) -> list[Reply] | None:
    """The resident's ticket or booking number said again, or what it is (``numbers``);
    a question the last reply left open is asked again after it. None: not asked, or
    nothing on record (the dialogue answers)."""
    from assistant.dialogue import Button, Reply

    asked = numbers.asked(said)
    if asked is None:
        return None
    last_texts = [s.text or "" for s in memory.last]
    try:
        text = await anyio.to_thread.run_sync(
            lambda: numbers.answer(_database(db), sender, asked[0], asked[1], last_texts))
    except Exception as exc:  # noqa: BLE001 - without the records the dialogue answers
        log.warning("number_lookup_failed", error=type(exc).__name__)
        return None
    if text is None:
        return None
    replies = [Reply(text=text)]
    open_question = memory.last[-1] if memory.last else None
    if open_question is not None and re.search(r"[？?]\s*$", open_question.text or ""):
        replies.append(Reply(text=open_question.text,
                             buttons=[Button(t, p) for t, p in open_question.buttons]))
    return replies


def _database(db: Database | None) -> Database:
    if db is not None:
        return db
    from assistant.db import get_database

    return get_database()


async def converse(
    client: DialogueClient, sender: str, text: str, metadata: dict | None = None, db: Database | None = None
) -> list[Reply]:
    """One resident message, before and after the dialogue: the stages of
    ``assistant.conversation.stages`` in order (its docstring lists them and says how to
    add one). The helpers the stages call live here and in the topic modules."""
    from assistant.conversation.stages import run_turn

    return await run_turn(client, sender, text, metadata, db)


def _offered_booking_taken(said: str, options) -> str | None:  # noqa: ANN001 - remembered options
    """The booking button's message when the butler offered one service's booking (要帮您约助餐吗？
    with 约助餐 / 不用了) and the resident asks for it in words (那给我订一个 / 好 给俺约上 明天
    中午): a wish to book naming no other service. None otherwise."""
    from assistant.booking.conversation import service_asked_for, wishes_to_book

    booking = [o for o in options if (o.payload or "").startswith("/book_service{")]
    if len(booking) != 1 or not wishes_to_book(said):
        return None
    try:
        offered = json.loads(booking[0].payload[len("/book_service") :]).get("service_type")
    except (ValueError, AttributeError):
        return None
    named = service_asked_for(said)
    return booking[0].message() if offered and named in (None, offered) else None


def _worded_intent(said: str, memory: store.Memory) -> str | None:
    """The intent payload for words whose meaning the conversation knows better than the
    classifier, or None. One place for all of them, each sent with its words kept:

    - a correction of the booking read-back just asked, with its new value (搞错了，楼号说反了，
      是18号楼): ``/inform``, whatever the classifier hears in it (a report, a question), so
      the read-back takes it (``_corrects_readback``);
    - the cancel said again at 要取消…吗？ (对 取消 / 嗯 取消吧): ``/affirm``, its yes, only when
      it is the cancel alone (``confirms_cancel`` refuses a second request with it, which
      goes on as words to the two-request split or the reschedule reading);
    - a booking id with only a word to cancel it (取消YY…, YY…不要了), not at a yes/no question:
      ``/cancel_booking{"booking_id": …}`` (the round-16 model read such lines as nlu_fallback;
      ``booking.conversation.cancel_by_id``).
    """
    from assistant.booking.conversation import asks_what_booked, cancel_by_id, confirms_cancel

    if _corrects_readback(said, memory.last):
        return "/inform"
    if _hedges_at_readback(said, memory.last):
        # 先这样吧 我回去跟老伴商量商量 at the read-back: not settled, nothing booked; the
        # classifier may hear a goodbye and leave the read-back unanswered.
        return "/deny"
    if _corrects_ticket_place(said, memory.last):
        return "/inform"  # 不对 是西边那个 at the ticket's phone question: the ticket's place
    if _asks_to_cancel(memory.last) and confirms_cancel(said):
        return "/affirm"  # 对 取消 / 取消吧 at 要取消…吗？: a yes in the question's own words
    if not _asks_yes_or_no(memory.options):
        if asks_what_booked(said):
            return "/query_booking"  # 我现在都订了些啥: the bookings listed, never the help menu
        return cancel_by_id(said)
    return None


async def _recorded_place(
    client: DialogueClient, db: Database | None, sender: str, said: str, last: list[store.Said]
) -> list[Reply] | None:
    """The place on the ticket just filed (its id in the butler's last turn), when the message
    asks what was recorded (你们记的是哪个门), outside forms; None otherwise."""
    from assistant.tickets.ids import find_ticket_id
    from assistant.tickets.service import asks_what_was_recorded, recorded_place_text

    if not asks_what_was_recorded(said):
        return None
    # (filed, or its place just put right: 好的，工单 GD… 的位置改成…了)
    filed = [find_ticket_id(s.text) for s in last]
    ticket_id = next((t for t in reversed(filed) if t), None)
    if ticket_id is None:
        return None
    return await _told_outside_forms(
        client, sender, lambda: recorded_place_text(_database(db), sender, ticket_id), "recorded_place_unavailable"
    )


def _records_listed(last: list[store.Said]):  # noqa: ANN202 - a list of Options
    """The records (bookings, tickets) the butler's last turn listed as lines without
    buttons of their own: the latest such list, else none."""
    for said in reversed(last):
        if said.buttons:
            continue
        listed = record_lines(said.text)
        if listed:
            return listed
    return []


async def _booking_asked(
    client: DialogueClient, db: Database | None, sender: str, said: str, last: list[store.Said], *,
    anywhere: bool = False,
) -> list[Reply] | None:
    """The answer to a booking of the resident's asked about by its id (YY… 这个还在吧), or
    to 师傅几点来 (the booking just made, else the only one), outside forms (``anywhere``:
    a record picked from a list is answered inside one too); None otherwise."""
    from assistant.booking.conversation import asks_when_worker_comes, booking_asked_by_id, visit_time_text
    from assistant.booking.service import find_booking_id
    from assistant.dialogue import Reply

    by_id = find_booking_id(said) is not None
    if not by_id and not asks_when_worker_comes(said):
        return None
    made = [s.text for s in last if BOOKED_RE.search(s.text or "")]
    just_booked = _BOOKING_ID_RE.search(made[-1]) if made else None

    def answer() -> str | None:
        database = _database(db)
        if by_id:
            return booking_asked_by_id(database, sender, said, now=clock.local_now())
        return visit_time_text(database, sender, said, booking_id=just_booked.group(1) if just_booked else None,
                               now=clock.local_now())

    if anywhere:
        try:
            told = await anyio.to_thread.run_sync(answer)
        except Exception as exc:  # noqa: BLE001 - the records are a help here
            log.warning("conversation_booking_asked_unavailable", error=type(exc).__name__)
            return None
        return [Reply(text=told)] if told else None
    return await _told_outside_forms(client, sender, answer, "conversation_booking_asked_unavailable")


def _cancel_names_asked(words: str, question: str) -> bool:
    from assistant.booking.conversation import cancel_names_asked

    return cancel_names_asked(words, question)


def _cancels_outright(part: str) -> bool:
    """The part cancels a booking in plain words (理发不要了 取消吧 / 给取消了吧): no question,
    no keeping it, no hesitation."""
    from assistant.booking.conversation import cancels_again

    return cancels_again(part) and not split.HESITATES_RE.search(part)


def _corrects_ticket_place(said: str, last: list[store.Said]) -> bool:
    """The place of the ticket just filed put right (不对 是816号楼门口 / 改成西边那个) right
    after it was filed (its phone question open, or filed with the phone said): the words go
    as ``/inform`` to the ticket's follow-up, which corrects its place (the classifier may
    hear a booking's cancel or move in 改成, or nothing it knows)."""
    from assistant.tickets.intake import corrects_place

    return bool(last) and _just_filed(last[-1].text or "") and corrects_place(said)


# The butler's words for a ticket just filed (the service's own), and its phone question.
TICKET_FILED = FILED_OPENING


def _just_filed(text: str) -> bool:
    return TICKET_PHONE_ASK in text or TICKET_FILED in text


# The cancel question (assistant.booking.conversation.cancel_question), with its 对 / 不对.
CANCEL_QUESTION_RE = re.compile(r"^要取消.*吗[？?]$")


def _asks_to_cancel(last: list[store.Said]) -> bool:
    asked = last[-1] if last else None
    return (
        asked is not None
        and bool(CANCEL_QUESTION_RE.match((asked.text or "").strip()))
        and {p.strip() for _, p in asked.buttons} >= YES_NO_PAYLOADS
    )


CANCEL_PAYLOAD = "/cancel_booking"
# The booking read-back (assistant.booking.service.confirmation_text, and its short
# sentences for elders), asked with its 对 / 不对 buttons.
BOOKING_READBACK_RE = re.compile(r"^您要预约")


def _corrects_readback(said: str, last: list[store.Said]) -> bool:
    """The message corrects one answer of the booking read-back just asked, with the new
    value (是18号楼，别的不变 / 手机尾号是4417): not leaving, not a bare 不对 (the
    read-back asks which one itself), not a question put to it."""
    from assistant.booking.conversation import changes_mind_on_value, correction_from, hedges

    asked = last[-1] if last else None
    if asked is None or not BOOKING_READBACK_RE.match(asked.text or ""):
        return False
    if not {p.strip() for _, p in asked.buttons} >= YES_NO_PAYLOADS:
        return False
    # 唉 算了算了 还是上午十点吧: 算了 lets go of the change just made, the value is the answer.
    stops = form_turns.is_stop(said) and not changes_mind_on_value(said, now=clock.local_now())
    if stops or hedges(said) or re.search(r"[?？吗]", said):
        return False
    correction = correction_from(said, now=clock.local_now())
    return correction is not None and correction.slot is not None and correction.value is not None


def _hedges_at_readback(said: str, last: list[store.Said]) -> bool:
    """The message puts off the booking read-back just asked (我再想想 / 先这样吧，回去商量
    商量再约), with no correction and no question in it."""
    from assistant.booking.conversation import correction_from, hedges

    asked = last[-1] if last else None
    if asked is None or not BOOKING_READBACK_RE.match(asked.text or ""):
        return False
    if not {p.strip() for _, p in asked.buttons} >= YES_NO_PAYLOADS:
        return False
    if not hedges(said) or re.search(r"[?？吗]", said) or form_turns.is_stop(said):
        return False
    return correction_from(said, now=clock.local_now()) is None


async def _deliver_second_booking(
    client: DialogueClient, sender: str, pending: store.Pending, metadata: dict | None
) -> list[Reply]:
    """The waiting request sent on: a booking of a service its words name starts as that
    service's booking, and the words then answer its questions (借明天下午三点的活动室: words
    the classifier may not place); anything else goes as it was said."""
    from assistant.booking.conversation import service_asked_for

    service = service_asked_for(pending.text) if pending.intent == "book_service" else None
    if service is None:
        return await client.deliver_or_degrade(sender, pending.text, metadata)
    started = await client.deliver_or_degrade(sender, f'/book_service{{"service_type": "{service}"}}', metadata)
    if started and await _form_running(client, sender):
        return await client.deliver_or_degrade(sender, pending.text, metadata)
    return started


def _asks_did_you_mean(replies: list[Reply]) -> bool:
    """The last reply asks the resident to confirm the question (您是想问“…”吗？)."""
    return bool(replies) and bool(re.search(r"您是想问.*吗[？?]\s*$", replies[-1].text or "", re.DOTALL))


# The butler's words for a booking just made or moved (service.booked_text, conversation.moved_text).
BOOKED_RE = re.compile(r"预约好了|改好了！预约号")


def _cancel_said_again(said: str, memory: store.Memory) -> str | None:
    """对 / 对 取消 right after the butler said a booking was cancelled (a pick from the list
    of bookings to cancel does it at once): the cancel is done; said so with its number."""
    from assistant.booking.conversation import cancel_confirmed_again

    if memory.options:
        return None
    return cancel_confirmed_again(said, [s.text or "" for s in memory.last])


def _reminder_after_booking(said: str, last: list[store.Said]) -> bool:
    """A reminder asked for (到时候提醒我一下哈 我记性不好) right after a booking was made."""
    from assistant.conversation.commands import asks_reminder

    return any(BOOKED_RE.search(s.text or "") for s in last) and asks_reminder(said)


# 换个时间 / 改成… / 挪到…: a change of time asked for in words.
_MOVE_WORDS_RE = re.compile(
    r"(?:换|改|调|挪)(?:个|一下|下)?(?:时间|钟点|日子|点儿?)|改到|改成|改在|换到|换成|挪到|推到|调到|延到|提前到"
)
_BOOKING_ID_RE = re.compile(r"预约号\s*([A-Z]{2}\d{8,})")


async def _move_after_booking(client: DialogueClient, said: str, last: list[store.Said]) -> str | None:
    """The reschedule payload for 换个时间，改成下午两点半 said right after a booking was
    made (预约好了…预约号YY…), when the message asks for a change and carries the new time
    and the classifier is unsure what it is; None otherwise (a confident classifier, no
    booking just made, no time, or a cancel said)."""
    import json

    from assistant.booking.conversation import reschedule_target
    from assistant.dialogue import DialogueUnavailable

    made = [s.text for s in last if BOOKED_RE.search(s.text or "")]
    if not made or not _MOVE_WORDS_RE.search(said):
        return None
    booked = _BOOKING_ID_RE.search(made[-1])
    if form_turns.is_stop(said) or re.search(r"取消|不约|退掉", said):
        return None
    if re.search(r"的话|如果|要是|假如", said):
        return None  # 改成下午的话要加钱吗: asked about a move, not asked for
    target = reschedule_target(said)
    if target is None:
        return None
    try:
        parsed = await client.parse(said)
    except DialogueUnavailable:
        return None
    intent = parsed.get("intent") or {}
    if intent.get("name") != "nlu_fallback" and float(intent.get("confidence") or 0) >= split.MIN_CONFIDENCE:
        return None
    entities = {**({"booking_id": booked.group(1)} if booked else {}), "time": target}
    return "/reschedule_booking" + json.dumps(entities, ensure_ascii=False)


async def _contact_after_booking(db: Database | None, sender: str, said: str, last: list[store.Said]) -> str | None:
    """The reply for a phone or an address put right right after a booking was made
    (``booking.conversation.contact_fixed_after_booking``), or None."""
    from assistant.booking.conversation import contact_fixed_after_booking

    made = [s.text for s in last if BOOKED_RE.search(s.text or "")]
    booked = _BOOKING_ID_RE.search(made[-1]) if made else None
    if booked is None:
        return None
    try:
        return await anyio.to_thread.run_sync(
            lambda: contact_fixed_after_booking(_database(db), sender, booked.group(1), said, now=clock.local_now())
        )
    except Exception as exc:  # noqa: BLE001 - the booking is a help here, never a reason to fail
        log.warning("conversation_contact_after_booking_failed", error=type(exc).__name__)
        return None


def _yes_then_question(said: str, options) -> tuple[str, str] | None:  # noqa: ANN001 - remembered options
    """(the yes button's message, the question) when the message answers the butler's
    yes/no question with a plain yes and then asks something (对，那到时候短信会提醒我吧？);
    None otherwise."""
    from assistant.booking.conversation import yes_then_question

    yes = [o for o in options or [] if (o.payload or "").strip() == "/affirm" and plain_yes(o.title)]
    if len(yes) != 1:
        return None
    question = yes_then_question(said)
    return (yes[0].message(), question) if question else None


async def _question_after_yes(
    client: DialogueClient, db: Database | None, sender: str, question: str, metadata: dict | None
) -> list[Reply]:
    """The question said after a yes: a reminder is answered by what this channel can
    really send (``booking.conversation.reminder_asked_text``); anything else goes to
    the dialogue as a question of its own."""
    from assistant.booking.conversation import asks_to_be_reminded, reminder_asked_text
    from assistant.dialogue import Reply

    if asks_to_be_reminded(question):
        try:
            text = await anyio.to_thread.run_sync(lambda: reminder_asked_text(_database(db), sender))
        except Exception as exc:  # noqa: BLE001 - the booking is made; the answer is a help
            log.warning("conversation_reminder_answer_unavailable", error=type(exc).__name__)
            return []
        return [Reply(text=text)]
    return await client.deliver_or_degrade(sender, question, metadata)


async def _handoff_contact(db: Database | None, sender: str, said: str) -> list[Reply] | None:
    """The answer to the hand-off's phone question: a number (13812348035 / 我电话138…) is
    remembered for staff to call and the hand-off refreshed; 不留 / 不用了 gets the
    community's phone. ``None`` when the message is something else (it goes on as said)."""
    from assistant.dialogue import Reply
    from assistant.residents.service import handoff_reply, remember_contact, request_handoff
    from assistant.settings import get_settings
    from assistant.tickets.intake import parse_contact

    settings = get_settings()
    if NO_RE.match(said) or said == "/deny":
        return [Reply(text=f"好的，不留也行。着急的话请直接打社区电话 {settings.service_phone}（{settings.service_hours}）。")]
    contact = parse_contact(said)
    if contact is None or not split.is_bare_value(said):
        return None
    if contact[0] != "phone":
        return [Reply(text=f"好的，不留也行。着急的话请直接打社区电话 {settings.service_phone}（{settings.service_hours}）。")]

    def record() -> str:
        with _database(db).transaction() as session:
            remember_contact(session, sender, phone=contact[1])
            request_handoff(session, sender, "asked", said)
        return contact[1]

    try:
        phone = await anyio.to_thread.run_sync(record)
    except Exception as exc:  # noqa: BLE001 - unrecorded, the words go on to the dialogue
        log.warning("conversation_handoff_contact_failed", error=type(exc).__name__)
        return None
    return [Reply(text=handoff_reply("好的，号码记下了。", phone, service_phone=settings.service_phone,
                                     service_hours=settings.service_hours))]


async def _besides_person(client: DialogueClient, text: str) -> str | None:
    """What else a message that asks for a person asks for (101号楼车库漏水，车都泡了，
    给我转个人工，电话…: the complaint), when it is a task; ``None`` otherwise (转人工
    alone, or 我搞不懂，给我转人工: the message goes on as said)."""
    from assistant.dialogue import DialogueUnavailable

    if not split.asks_person(text):
        return None
    rest = split.without_person(text)
    if not split.CJK_RE.search(rest) or len(split.CJK_RE.findall(rest)) < 2:
        return None
    try:
        intent = split.task_intent(await client.parse(rest))
    except DialogueUnavailable:
        intent = None  # the words decide; degraded mode files and hands over in turn
    return rest if intent or split.worded_intent(rest) else None


async def _person_missed(client: DialogueClient, text: str) -> bool:
    """The classifier does not hear the hand-off a message asks for (with Rasa down the
    words go on as said: degraded mode reads them)."""
    from assistant.dialogue import DialogueUnavailable

    try:
        parsed = await client.parse(text)
    except DialogueUnavailable:
        return False
    return ((parsed.get("intent") or {}).get("name")) != "request_human"


def _part_intent(parsed: dict, part: str) -> str | None:
    """The task of one part: a progress question by its words (the classifier may hear
    路灯 in 那个路灯的单子啥进度 and call it a complaint), else the classifier's intent,
    else the task it names in words."""
    if split.asks_progress(part):
        return "check_ticket"
    return split.task_intent(parsed) or split.worded_intent(part)


async def _two_requests(client: DialogueClient, text: str) -> tuple[str, str, str, bool] | None:
    """(first part, second part, second intent, counted out) when the message holds two
    different task requests. Classifies only messages with a connector or a count
    (一是…二是…); a phone said once goes with both parts. Two complaints counted out
    (我要反映两个事：一是…；二是…) are both asked for: ``counted``."""
    from assistant.dialogue import DialogueUnavailable

    counted = split.enumerated_split(text)
    cut = (
        counted or split.candidate_split(text) or split.cancel_then_request(text)
        or split.problems_side_by_side(text)  # 楼道灯坏了 垃圾也没人清: no connector said
    )
    if cut is None:
        return None
    cut = split.share_contact(cut)
    # 这两件事都跟你说下: the matters said to be two, as counting them out says.
    said_two = counted is None and split.says_two(text)
    if said_two:
        cut = split.Split(split.without_count(cut.first), split.without_count(cut.second))
    try:
        # Each part is classified without the phone said for both (share_contact): a number
        # tells who to call back, no request, and the classifier hears 门口井盖也松了 电话139…
        # as inform (two problems side by side were never cut).
        first, second = await asyncio.gather(
            client.parse(split.without_phone(cut.first)), client.parse(split.without_phone(cut.second))
        )
    except DialogueUnavailable:
        return None
    intents = split.two_requests(first, second)
    if intents is None:
        a, b = _part_intent(first, cut.first), _part_intent(second, cut.second)
        intents = (a, b) if a and b and a != b else None
        if a == "book_service" and b in (None, "book_service") and split.two_bookings(cut.first, cut.second):
            # 助餐, 另外还想约个理发 / …再借明天下午的活动室: two services asked for, two bookings
            # (the classifier may not place the second part's words).
            intents = (a, "book_service")
    if (
        (intents is None or intents[0] == "book_service")
        and _part_intent(first, cut.first) == "book_service"
        and split.booking_carried(cut.first, cut.second)
    ):
        intents = ("book_service", "book_service")  # 约明早理发 还有明天中午的助餐: 约 goes with both
    if (
        intents is None
        and split.two_problems(cut.first, cut.second)
        and "file_complaint" in {split.task_intent(first), split.task_intent(second)}
        and {split.task_intent(first), split.task_intent(second)} <= {"file_complaint", None}
    ):
        # 803号楼门口路灯黑了 还有803号楼后面垃圾堆成山了: each part names a thing and its fault,
        # different things; the classifier may place only one of the two (the other unsure).
        intents = ("file_complaint", "file_complaint")
    if (
        intents is None
        and split.task_intent(first) == split.task_intent(second) == "ask_policy"
        and split.two_questions(cut.first, cut.second)
    ):
        intents = ("ask_policy", "ask_policy")  # 养老金咋查 还有医保卡丢了咋补办: both answered
    if (
        intents is None
        and (counted is not None or said_two)
        and split.two_things(cut.first, cut.second)
        and "file_complaint" in {split.task_intent(first), split.task_intent(second)}
    ):
        intents = ("file_complaint", "file_complaint")
    if (
        (counted is not None or said_two)
        and intents != ("file_complaint", "file_complaint")
        and "book_service" not in (intents or ())
        and split.two_problems(cut.first, cut.second)
    ):
        # 反映两个事 1220号楼后头路灯黑了 还有楼门口车乱停…: the resident says there are two
        # matters and each part names a thing and its fault: two reports, whatever the
        # classifier makes of the part that carries the count.
        intents = ("file_complaint", "file_complaint")
    if intents is None:
        return None
    if intents == ("book_service", "book_service"):
        cut = split.share_address(cut)  # …再订个助餐 地址813号楼1单元101: the address goes with both
    both = (counted is not None or said_two) and intents == ("file_complaint", "file_complaint")
    if intents == ("file_complaint", "file_complaint"):
        # …还有人把车停到消防通道上: a second report naming no place is at the first's.
        cut = split.Split(cut.first, split.share_place(cut.first, cut.second))
    # 居住证咋办？还有334号楼楼道里堆满了杂物: a question answered in one go, then a report or a
    # booking asked outright: it starts right after the answer, no offer in between.
    both = both or (intents[0] == "ask_policy" and intents[1] in AT_ONCE_AFTER_POLICY)
    return cut.first, cut.second, intents[1], both


# A booking after a policy answer is offered, as the issue asks (另外您说要约个体检，现在帮您约吗？):
# the resident has just read an answer and may want to ask on before booking. A report, or a
# second question (养老金咋查 还有医保卡丢了咋补办), is answered right after the first.
AT_ONCE_AFTER_POLICY = frozenset({"file_complaint", "ask_policy"})


async def _bare_service(client: DialogueClient, sender: str, text: str) -> str | None:
    """The service a message that is nothing but its everyday name wants booked (剪头,
    洗澡吧: words an elder says, which the classifier may not be sure of), when no
    form is running (inside one it is the form's answer); None otherwise."""
    from assistant.booking.conversation import bare_service_request
    from assistant.dialogue import DialogueUnavailable

    service = bare_service_request(text)
    if service is None:
        return None
    try:
        return service if await client.active_loop(sender) is None else None
    except DialogueUnavailable:
        return None


async def _free_times_asked(client: DialogueClient, sender: str, text: str) -> str | None:
    """The service whose free times a message asks for (明天能剪头不 都有啥时间), when no
    form is running and the classifier hears no booking in it (no task, or a question
    about bookings or policy: its words name the service and ask for times, a booking);
    None otherwise."""
    from assistant.booking.conversation import asks_free_times, service_from

    service = service_from(text)
    if service is None or not asks_free_times(text):
        return None
    parsed = await _parsed_outside_forms(client, sender, text)
    if parsed is None:
        return None
    return None if split.task_intent(parsed) in ("book_service", "cancel_booking") else service


async def _cancel_by_time(db: Database | None, sender: str, text: str) -> str | None:
    from assistant.booking.conversation import cancel_by_time

    try:
        return await anyio.to_thread.run_sync(lambda: cancel_by_time(_database(db), sender, text))
    except Exception as exc:  # noqa: BLE001 - the bookings are a help here, never a reason to fail
        log.warning("conversation_cancel_by_time_unavailable", error=type(exc).__name__)
        return None


async def _booking_line(client: DialogueClient, sender: str, text: str) -> str | None:
    """The service of a message that is nothing but a booking's values (``booking_line``),
    when no form is running (inside one they are its answers) and the classifier hears no
    booking task in it; None otherwise."""
    from assistant.booking.conversation import booking_line

    service = booking_line(text)
    if service is None:
        return None
    parsed = await _parsed_outside_forms(client, sender, text)
    if parsed is None:
        return None
    # Any booking task the classifier hears (a query or a move of the booking they have too)
    # goes on as said: only words it cannot place are a new booking.
    # (reschedule_booking is no TASK_INTENT of the splitter, so the intent is read here.)
    intent = parsed.get("intent") or {}
    booking_tasks = ("book_service", "cancel_booking", "query_booking", "reschedule_booking")
    heard = intent.get("name") if float(intent.get("confidence") or 0) >= split.MIN_CONFIDENCE else None
    return None if heard in booking_tasks else service


async def _parsed_outside_forms(client: DialogueClient, sender: str, text: str) -> dict | None:
    """The classifier's reading of ``text`` when no form is running (inside one, the words
    are its answers); None while a form runs or the dialogue engine is down."""
    from assistant.dialogue import DialogueUnavailable

    try:
        if await client.active_loop(sender) is not None:
            return None
        return await client.parse(text)
    except DialogueUnavailable:
        return None


async def _form_running(client: DialogueClient, sender: str) -> bool:
    from assistant.dialogue import DialogueUnavailable

    try:
        return await client.active_loop(sender) is not None
    except DialogueUnavailable:
        return False


async def _recap(
    db: Database | None, sender: str, pending: store.Pending | None, last: list[store.Said]
) -> list[Reply] | None:
    """What was filed and booked lately, and what still waits: the offer still open, or
    the yes/no question the butler asked last (a read-back not yet confirmed is asked
    again, never reported as done); ``None`` when there is nothing to tell (the question
    goes to the dialogue)."""
    from assistant.dialogue import Button, Reply

    # (A ticket's phone question, with its one 不留电话, waits for no yes: the ticket is filed.)
    asked = (
        last[-1]
        if last and any(p.strip() in YES_NO_PAYLOADS for _, p in last[-1].buttons) and not _is_contact_question(last[-1])
        else None
    )
    if asked is not None and (pending is None or not pending.offered):
        try:
            done = await anyio.to_thread.run_sync(recap.recent, _database(db), sender)
        except Exception as exc:  # noqa: BLE001
            log.warning("conversation_recap_unavailable", error=type(exc).__name__)
            return None
        head = recap.recap_text(done) if done else ""
        text = f"{head}\n还有一件等您确认：{asked.text}" if head else f"还差您确认一下：{asked.text}"
        return [Reply(text=text, buttons=[Button(t, p) for t, p in asked.buttons])]

    try:
        done = await anyio.to_thread.run_sync(recap.recent, _database(db), sender)
    except Exception as exc:  # noqa: BLE001 - the records are a help here, never a reason to fail
        log.warning("conversation_recap_unavailable", error=type(exc).__name__)
        return None
    waiting = (
        split.offer_text(pending.text, pending.intent) if pending is not None and pending.offered else None
    )
    if not done and waiting is None:
        return None
    text = recap.recap_text(done, waiting)
    buttons = [Button("好的", "/affirm"), Button("不用了", "/deny")] if waiting else []
    return [Reply(text=text, buttons=buttons)]


# What the safety net said when it took over (已记录紧急求助 / 请马上拨打 120).
EMERGENCY_SAID_RE = re.compile(r"紧急求助|马上拨打\s*1[12]0")
DROP_BOOKING_RE = re.compile(r"先?不约了|先不约|不用约了|不预约了|别约了|不订了|改天再约|以后再约|先不弄了")


def _dropped_after_emergency(said: str, memory: store.Memory) -> str | None:
    """The words for a booking let go right after an emergency broke off its form
    (120打了，理发先不约了), or ``None``."""
    if not DROP_BOOKING_RE.search(said) or not any(EMERGENCY_SAID_RE.search(r.text) for r in memory.last):
        return None
    from assistant.booking.conversation import service_from

    service = service_from(said)
    what = f"{service}先不约了" if service else "这次先不约了"
    return f"好的，{what}，等忙完了再跟我说。您和家人注意安全，有需要随时找我。"


# After a complaint is filed the butler asks for a phone, with one button: 不留电话. The
# complaint is done: the phone only joins it, so a second request is offered right away.
CONTACT_BUTTON_RE = re.compile(r"^不留")


def _no_list_shown(options) -> bool:  # noqa: ANN001 - the remembered options
    """No list the message could choose from: none shown, or only the 不留电话 of the ticket's
    phone question (补充一下… right after filing adds to the ticket, it picks nothing)."""
    return not options or all(CONTACT_BUTTON_RE.match(o.title or "") for o in options)


def _is_contact_question(reply) -> bool:  # noqa: ANN001 - a Reply, or a remembered Said
    buttons = [b if isinstance(b, tuple) else (b.title, b.payload) for b in reply.buttons]
    return bool(buttons) and all(CONTACT_BUTTON_RE.match(t) and p.strip() == "/deny" for t, p in buttons)


def _answer_awaited(memory: store.Memory, pending: store.Pending | None) -> bool:
    """A yes, a choice or an answer is waited for: a list or buttons shown, an offer open,
    or the butler's last reply asked something (您要预约…对吗？)."""
    if memory.options or (pending is not None and pending.offered):
        return True
    return any(re.search(r"[？?]", said.text or "") for said in memory.last)


def _offered_with_contact_question(last: list[store.Said]) -> bool:
    """The butler's last turn asked for the first ticket's phone and offered the second
    request with it."""
    return any(_is_contact_question(said) for said in last)


# 请告诉我具体位置：几号楼几单元几室？/ 在哪个位置？/ 地址是哪里？: the butler's last reply asked
# for a place (an emergency's or a report's location question).
_PLACE_QUESTION_RE = re.compile(r"(?:几号楼|在哪|哪里|哪儿|哪个位置|具体位置|地址|什么位置)[^？?]{0,20}[？?]")


def _home_address_for(said: str, pending: store.Pending, last=()) -> bool:  # noqa: ANN001 - remembered Said
    """1226号楼1单元101 said while a home-visit booking asked with its time waits for its offer
    (…另外给俺约个理发 明天上午九点半 上门): the address is that booking's, not the question's.
    Only when nothing else asked for a place: after an emergency's or a report's location
    question (请告诉我具体位置：几号楼几单元几室？) the address answers that question (review 21 M6)."""
    from assistant.booking.catalogue import load_catalogue
    from assistant.booking.conversation import address_in, service_asked_for

    if any(_PLACE_QUESTION_RE.search(getattr(reply, "text", None) or "") for reply in last):
        return False
    service = load_catalogue().services.get(service_asked_for(pending.text) or "")
    return bool(service and service.at_home and address_in(said) and _has_booking_time(pending.text))


def _contact_for_both(said: str, pending: store.Pending) -> bool:
    """A phone said at the ticket's phone question while a booking is offered, that is the
    booking's too: the booking was asked for with its day or time, or the words also give a
    home address (地址就是…1103 电话139…: a filed ticket asks no address, a booking does).
    不留电话 / 匿名 is the ticket's alone."""
    from assistant.booking.conversation import address_in, phone_from

    if pending.intent != "book_service" or phone_from(said) is None:
        return False
    return _has_booking_time(pending.text) or bool(address_in(said))


def _answers_contact(said: str) -> bool:
    """A phone, or 不留 / 匿名: an answer to the phone question, not to the offer."""
    from assistant.tickets.intake import parse_contact

    if YES_RE.match(said) or NO_RE.match(said) or said.startswith("/"):
        return False
    return parse_contact(said) is not None


RATING_PAYLOAD = "/rate_ticket"


# A bare score: 5 / 4分 / 五星. Not 第一 (an ordinal picks a button: the choice resolver's).
BARE_SCORE_RE = re.compile(r"^\s*[1-5一二两三四五]\s*(?:分|星|颗星)?[\s。.！!]*$")


def _rating_said(said: str, options) -> str | None:  # noqa: ANN001 - the remembered options
    """5 / 4分 after the rating buttons (满意 / 基本满意 / 不满意): the question also asks for
    1 to 5 points, so a bare number is a score, never the 5th of three buttons. The
    message that rates the buttons' ticket, or None."""
    if not options or not all(o.message().startswith(RATING_PAYLOAD) for o in options):
        return None
    score = parse_rating(said, accounts=False)
    if score is None or not BARE_SCORE_RE.match(said):
        return None
    try:
        ticket_id = json.loads(options[0].message()[len(RATING_PAYLOAD) :]).get("ticket_id")
    except (ValueError, AttributeError):
        return None
    entities = {"rating": f"{score}分", "ticket_id": ticket_id} if ticket_id else {"rating": f"{score}分"}
    return RATING_PAYLOAD + json.dumps(entities, ensure_ascii=False)


def _rating_with_id(said: str) -> str | None:
    """我要评价一下GD202612060005 / GD…打5分: a rating of the ticket named, sent as one (the
    classifier may hear 评价一下 as anything, even a booking). None otherwise."""
    from assistant.tickets.ids import find_ticket_id

    ticket_id = find_ticket_id(said)
    if not ticket_id or not rates_a_ticket(said.replace(ticket_id, " ")):
        return None
    if reason_in(said.replace(ticket_id, " ")) is not None:
        return None  # GD…打1分，昨晚还在跳: the words carry the reason, they go as said
    entities: dict[str, str] = {"ticket_id": ticket_id}
    score = explicit_rating(said.replace(ticket_id, " "))
    if score is not None:
        entities["rating"] = f"{score}分"
    return RATING_PAYLOAD + json.dumps(entities, ensure_ascii=False)


async def _added_to_ticket(client: DialogueClient, db: Database | None, sender: str, said: str) -> list[Reply] | None:
    """The reply when the message adds to the resident's own open ticket
    (``intake.adds_to_report``, ``service.own_open_ticket``), outside any form (a form's
    question takes more words itself); the words are joined to the ticket. None otherwise.
    (The caller never asks it of words the safety net finds plausibly acute.)"""
    from assistant.tickets.intake import adds_to_report
    from assistant.tickets.service import add_detail, own_open_ticket

    if not adds_to_report(said):
        return None

    def add() -> str | None:
        database = _database(db)
        ticket_id = own_open_ticket(database, sender, said, now=clock.now())
        return add_detail(database, ticket_id, sender_id=sender, text=said, now=clock.now()) if ticket_id else None

    return await _told_outside_forms(client, sender, add, "ticket_detail_unavailable")


# The butler's words when a rating was recorded (feedback: 谢谢您的评价，已记下 / 收到您的评价).
RATED_RE = re.compile(r"谢谢您的评价|收到您的评价")


async def _reason_after_rating(client: DialogueClient, db: Database | None, sender: str, said: str) -> list[Reply] | None:
    """The reply when the message gives the reason of the rating just recorded
    (``feedback.reason_after_rating``), outside any form; None otherwise."""
    from assistant.tickets.feedback import reason_after_rating

    return await _told_outside_forms(
        client, sender, lambda: reason_after_rating(_database(db), sender, said, now=clock.now()),
        "rating_reason_unavailable",
    )


async def _said_again(client: DialogueClient, db: Database | None, sender: str, said: str) -> list[Reply] | None:
    """The reply when the message says the resident's report of the last minutes again
    (``service.said_again``), outside any form; None otherwise."""
    from assistant.tickets.asking import asks_what_was_done, demands_someone
    from assistant.tickets.duplicates import read_problem
    from assistant.tickets.intake import extract_location
    from assistant.tickets.service import said_again

    # Cheap words first: only a problem with no place, asking nothing of what was done
    # (你们管不管 / 再派人来看看 have answers of their own), costs a look at the tracker.
    problem = read_problem(said)
    if not (problem.objects and problem.faults) or extract_location(said):
        return None
    if asks_what_was_done(said) or demands_someone(said):
        return None
    return await _told_outside_forms(
        client, sender, lambda: said_again(_database(db), sender, said, now=clock.now()), "ticket_lookup_failed"
    )


def _outcome_answer(db: Database | None, sender: str, said: str) -> str | None:
    from assistant.tickets.service import outcome_answer

    return outcome_answer(_database(db), sender, said, now=clock.now())


def _follow_answer(db: Database | None, sender: str, said: str) -> str | None:
    from assistant.tickets.service import follow_answer

    return follow_answer(_database(db), sender, said, now=clock.now())


async def _told_outside_forms(
    client: DialogueClient, sender: str, work: Callable[[], str | None], unavailable: str
) -> list[Reply] | None:
    """``work()`` (blocking: it reads the records) answered as the reply, only when no form
    runs; None when a form runs, ``work`` has nothing to say, or the records are out of
    reach (then the words go to the dialogue as said, and ``unavailable`` is logged)."""
    from assistant.dialogue import Reply

    try:
        if await _form_running(client, sender):
            return None
        told = await anyio.to_thread.run_sync(work)
    except Exception as exc:  # noqa: BLE001 - without the records the words go as said
        log.warning(unavailable, error=type(exc).__name__)
        return None
    return [Reply(text=told)] if told else None


async def _demand_for_ticket(client: DialogueClient, db: Database | None, sender: str, said: str) -> list[Reply] | None:
    """The reply to someone demanded (``asking.demands_someone``) by a resident with an open
    ticket of their own and no upcoming booking, outside any form; None otherwise."""
    from assistant.booking.service import upcoming_bookings
    from assistant.tickets.asking import demands_someone
    from assistant.tickets.service import demand_answer

    if not demands_someone(said):
        return None

    def answer() -> str | None:
        database = _database(db)
        with database.session() as session:
            if upcoming_bookings(session, sender, now=clock.local_now()):
                return None  # 师傅 may be the booking's: the dialogue decides
        return demand_answer(database, sender, said, now=clock.now())

    return await _told_outside_forms(client, sender, answer, "ticket_demand_unavailable")


# The butler's words right after an emergency (tickets.service: the ticket filed, the place
# asked, an addition said back).
_EMERGENCY_TURN_RE = re.compile(r"紧急求助|紧急工单|请告诉我具体位置|已记下位置")
# Intents whose rules never reach the emergency's follow-up: words heard so go to a goodbye,
# a greeting, thanks or the menu instead of the emergency they are about.
_BYPASSING_INTENTS = frozenset({"goodbye", "greet", "thank", "help"})
# 好的 谢谢 / 知道了 再见: a closing and nothing more, left to be one.
_CLOSING_RE = re.compile(
    r"^(?:(?:好的?|嗯+|行|中|知道了|明白了?|晓得了|收到|谢谢(?:你们?|您)?|多谢|感谢|再见|拜拜|没事了|好了|先这样|就这样)"
    r"[\s，,。.！!~～啊呀哈了吧哦嘞]*)+$"
)


async def _emergency_update(client: DialogueClient, said: str, memory: store.Memory) -> str | None:
    """``/inform`` (sent with the words) for a message right after an emergency turn that the
    classifier hears as a goodbye, a greeting, thanks or a wish for the menu (他走了 好像往楼下跑了 /
    人跑了 往东门去了): its rules would never let the emergency's follow-up read it, which
    decides on the words whether it adds to the emergency (its advice that fits) or not.
    None for a closing and nothing more (好的 谢谢), or any other reading."""
    from assistant.dialogue import DialogueUnavailable

    if not memory.last or not any(_EMERGENCY_TURN_RE.search(s.text or "") for s in memory.last):
        return None
    if _CLOSING_RE.match(said) or memory.options:
        return None
    try:
        parsed = await client.parse(said)
    except DialogueUnavailable:
        return None
    return "/inform" if ((parsed.get("intent") or {}).get("name")) in _BYPASSING_INTENTS else None


async def _service_offered(client: DialogueClient, sender: str, said: str) -> list[Reply] | None:
    """Whether a service is offered, asked outside a form (``booking.about.asks_if_offered``):
    the answer with its booking button; None otherwise."""
    from assistant.booking.about import asks_if_offered
    from assistant.dialogue import Button, Reply

    found = asks_if_offered(said)
    if found is None or await _form_running(client, sender):
        return None
    name, text = found
    payload = "/book_service" + json.dumps({"service_type": name}, ensure_ascii=False)
    return [Reply(text=text, buttons=[Button(f"约{name}", payload), Button("不用了", "/deny")])]


async def _errand_refused(client: DialogueClient, sender: str, said: str) -> list[Reply] | None:
    """The honest can't for an errand the butler cannot run (``commands.errand_said``: a bill
    paid, a car called, a call every day), outside a form (a form's question keeps its turn);
    None otherwise."""
    from assistant.channels import can_receive_reminders
    from assistant.dialogue import Reply

    text = commands.errand_said(said, can_push=can_receive_reminders(sender))
    if text is None or await _form_running(client, sender):
        return None
    return [Reply(text=text)]


async def _someones_number(client: DialogueClient, sender: str, said: str) -> list[Reply] | None:
    """The honest reply when a household's or another estate's number is asked for
    (``commands.someones_number_said``), outside any form; None otherwise."""
    from assistant.dialogue import Reply
    from assistant.tickets.intake import names_a_problem

    answer = commands.someones_number_said(said, problem=names_a_problem(said))
    if answer is None or await _form_running(client, sender):
        return None
    return [Reply(text=answer)]


async def _unasked_rating(client: DialogueClient, db: Database | None, sender: str, said: str) -> str | None:
    """The rating payload for a rating said unasked of the resident's handled ticket
    (``feedback.unasked_rating``), outside any form; None otherwise."""
    from assistant.tickets.feedback import unasked_rating

    try:
        found = await anyio.to_thread.run_sync(unasked_rating, _database(db), sender, said)
    except Exception as exc:  # noqa: BLE001 - without the records the words go as said
        log.warning("unasked_rating_unavailable", error=type(exc).__name__)
        return None
    if found is None or await _form_running(client, sender):
        return None
    ticket_id, score = found
    return RATING_PAYLOAD + json.dumps({"rating": f"{score}分", "ticket_id": ticket_id}, ensure_ascii=False)


async def _first_done(client: DialogueClient, sender: str, replies: list[Reply]) -> bool:
    """The first request is done when no form is running and no yes/no question is
    open. The tracker says whether a form runs; without it, a reply ending in a
    question is taken as not done."""
    from assistant.dialogue import DialogueUnavailable

    if not replies:
        return False
    last = replies[-1]
    if any(b.payload.strip() in YES_NO_PAYLOADS for b in last.buttons) and not _is_contact_question(last):
        return False
    try:
        return await client.active_loop(sender) is None
    except DialogueUnavailable:
        return not last.text.rstrip().endswith(("？", "?"))


async def _remember(
    db: Database | None,
    sender: str,
    memory: store.Memory | None,
    replies: list[Reply],
    *,
    pending: store.Pending | None = None,
    keep_options: bool = False,
    keep_last: bool = False,
) -> None:
    """Remember the choices of the last reply that has buttons (none: no choices) and
    the replies themselves, for 再说一遍 (``keep_last``: a repeat keeps the replies it
    repeated). ``memory``: what was remembered before this message. Nothing before
    and nothing now costs no write."""
    with_buttons = [r for r in replies if r.buttons]
    new = store.Memory(pending=pending)
    if keep_last and memory is not None and memory.last:
        new.last, new.last_at = memory.last, clock.now()
    elif replies:
        new.last = [store.Said(r.text, [(b.title, b.payload) for b in r.buttons]) for r in replies]
        new.last_at = clock.now()
    if (
        memory is not None
        and not memory.options
        and memory.pending is None
        and not memory.last
        and not with_buttons
        and pending is None
        and not new.last
    ):
        return
    if keep_options and memory is not None:
        new.options, new.shown_at = memory.options, clock.now()
    elif with_buttons:
        last = with_buttons[-1]
        new.options = options_from_reply(last.text, [(b.title, b.payload) for b in last.buttons])
        new.shown_at = clock.now()
    try:
        await anyio.to_thread.run_sync(store.save, _database(db), sender, new)
    except Exception as exc:  # noqa: BLE001
        log.warning("conversation_memory_unwritable", error=type(exc).__name__)
