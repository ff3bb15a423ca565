"""Two requests in one message: 我要投诉楼上漏水，顺便约个维修.

``candidate_split`` cuts a message at its first connector (顺便/顺带/另外/还有/还想/也想/再/然后/
并且/对了/以及/还要/同时; Cantonese 仲有/仲想/仲要/同埋); only a cut with words on both sides is a candidate. The
caller classifies both parts and treats them as two requests only when they carry
two different task intents (``two_requests``): a connector alone proves nothing
(还有名额吗, 然后呢). Counted parts (一是…；二是… / 第一…第二… / …，还有一个…) are cut
by ``enumerated_split``; a phone said once goes with both parts (``share_contact``).
Two bookings of different services are two requests too (``two_bookings``); a person
asked for with another request (…漏水，给我转个人工) is found by words (``asks_person``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant import form_turns

TASK_INTENTS = frozenset(
    {"file_complaint", "book_service", "ask_policy", "check_ticket", "query_booking", "cancel_booking"}
)
MIN_CONFIDENCE = 0.5
PUNCT = "，,。.；;！!？?、 \t\u3000~～"
# Strong connectors may stand without a comma; 再 only after a pause (，再帮我约个体检),
# since 再见 / 再说一遍 / 我再想想 are no second request.
CONNECTOR_RE = re.compile(
    r"(?:[，,。；;！!、\s]\s*)?(?:顺便(?:问一下|问问|说一下)?|顺带|另外|还有(?:就是)?|然后|并且|对了|以及|还要|还想|也想|同时"
    r"|仲有|仲想|仲要|同埋)"  # Cantonese 仲 = 还, 同埋 = 以及
    # A space is a spoken pause, as a comma is (约理发 再订个助餐); 订 books as 约 does.
    r"|(?:[，,。；;！!、]|(?<=\S)\s)\s*(?:再|再帮我|再给我)(?=[帮给约订问查办预投反报借])"
)
CJK_RE = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Split:
    first: str
    second: str


def _enough(part: str) -> bool:
    return len(CJK_RE.findall(part)) >= 2


def candidate_split(text: str) -> Split | None:
    """The message cut at its first connector with words on both sides, or None."""
    for match in CONNECTOR_RE.finditer(text):
        if match.start() == 0:
            continue
        first = text[: match.start()].strip(PUNCT)
        second = text[match.end() :].strip(PUNCT)
        if _enough(first) and _enough(second):
            return Split(first, second)
    return None


_CLAUSE_RE = re.compile(r"[^，,。；;！!\s]+")


def cancel_then_request(text: str) -> Split | None:
    """理发不要了 取消吧 给我爸换个助浴… : a cancel said outright first, then another request
    with no connector between: the message cut after the last clause that cancels. None when
    nothing follows the cancel, or the cancel is not said outright (a question, keeping it)."""
    from assistant.booking.conversation import _CANCEL_WORD_RE, cancels_again

    clauses = list(_CLAUSE_RE.finditer(text))
    cancelling = [i for i, c in enumerate(clauses) if _CANCEL_WORD_RE.search(c.group())]
    if not cancelling or cancelling[-1] == len(clauses) - 1:
        return None
    end = clauses[cancelling[-1]].end()
    first, second = text[:end].strip(PUNCT), text[clauses[cancelling[-1] + 1].start() :].strip(PUNCT)
    if not cancels_again(first) or HESITATES_RE.search(first) or not _enough(second):
        return None
    return Split(first, second)


HESITATES_RE = re.compile(r"[呢嘛]|要不要|是不是|想想|考虑")


def task_intent(parsed: dict) -> str | None:
    """The task intent Rasa's NLU gives a part, when it is confident enough."""
    intent = parsed.get("intent") or {}
    name = intent.get("name")
    if name in TASK_INTENTS and float(intent.get("confidence") or 0) >= MIN_CONFIDENCE:
        return name
    return None


BOOKING_VERB_RE = re.compile(r"约|订(?!单)")
# A booking verb and a service that ask for no booking: a refusal (不想约… / 别给我约… / 我妈
# 不让约…), a booking already made (约的… / 上次约… / 我约了…) or a complaint about one
# (…咋还不来 / 没人来). A question A不A (能不能约 / 要不要约 / 想不想约) still asks.
NO_NEW_BOOKING_RE = re.compile(
    r"(?:(?<!要)不要|(?<!想)不想|(?<!用)不用|(?<!让)不让|不愿意?|不打算|不需要|不必|用不着|没必要|别|甭)"
    r"(?:再|给|帮|替|跟)?(?:我|俺|他|她|他们|她们|老人|人)?(?:预约|约|订)"
    r"|(?<!能)(?<!可以)(?:约|订)(?:的|过)(?!时间|话|日子|号)|(?<![帮给替]我)(?<![帮给替])(?:约|订)好?了(?!吗|吧|没|啊|呀)"
    r"|上次|上回|之前约|前天约|昨天约"
    r"|没人来|(?:咋|怎么|为啥|为什么|咋个)还?(?:不|没)(?:来|到)|还(?:不|没)(?:来|到)"
)


# 刚才那个路灯的单子现在啥进度 / 上次报的修好了没: a ticket referred to and asked after.
PROGRESS_REF_RE = re.compile(r"单子|工单|GD\d|投诉的|报修的|报的|反映的|报上去的|登记的|报过|反映过|投诉过|报修过")
PROGRESS_ASK_RE = re.compile(
    r"进度|怎么样了|咋样了|如何了|到哪(?:一步)?了|啥情况|什么情况|处理(?:了|好了)?没|"
    r"修(?:好)?了没|有(?:没有)?(?:消息|回音|回复)|有人管(?:了)?没"
)


def asks_progress(part: str) -> bool:
    """The part asks how an earlier ticket is going (刚才那个路灯的单子现在啥进度): it
    names the ticket (单子, 报的) and asks after it. The classifier may hear 路灯 in it
    and call it a complaint; these words say otherwise."""
    return bool(PROGRESS_REF_RE.search(part) and PROGRESS_ASK_RE.search(part))


def worded_intent(part: str) -> str | None:
    """The task a part names in words when the classifier is unsure of it: a progress
    question (``asks_progress``), a booking verb and a service (帮我约明天下午三点上门理发，
    地址…: every detail at once can leave the classifier unsure of the plainest booking),
    or a thing and its fault (路灯坏了好几天了，我电话…): a complaint."""
    from assistant.booking.conversation import service_asked_for

    if asks_progress(part):
        return "check_ticket"
    if _wants_service_first(part):
        return "book_service"
    if (
        (BOOKING_VERB_RE.search(part) or COME_TO_DO_RE.search(part) or _service_and_details(part))
        and service_asked_for(part) is not None
        and "取消" not in part
        and not NO_NEW_BOOKING_RE.search(part)
    ):
        return "book_service"
    from assistant.tickets.duplicates import read_problem

    problem = read_problem(part)  # 20号楼南门那个路灯坏了好几天了: a thing and what is wrong with it
    if problem.objects and problem.faults and not BOOKING_VERB_RE.search(part):
        return "file_complaint"
    return None


# 我要剪头发 / 我想洗澡 said first, as a wish (want verb, then the service's everyday name).
_WANT_FIRST_RE = re.compile(r"^(?:我|俺|咱|我们)?(?:就|还)?(?:要|想|想要|需要)")
_FIRST_CLAUSE_RE = re.compile(r"[\s，,。.！!；;]+")
# What makes the rest a question or another matter (多少钱, 怎么约, 取消, 不要了).
_NOT_A_WISH_RE = re.compile(r"[？?吗么]|多少|怎么|咋|什么|啥|哪|几|能不能|可不可以|取消|不要|不用|不约|投诉|反映")


def _wants_service_first(part: str) -> bool:
    """我要剪头发 剪头发 上门的那个 我腿脚不好下不了楼: the first clause is a wish for a
    service by its everyday name (``bare_service_request`` with a want verb), and the rest
    says it again or why, asking nothing else: a booking, however long an elder's words."""
    from assistant.booking.conversation import bare_service_request

    clauses = [c for c in _FIRST_CLAUSE_RE.split(part.strip()) if c]
    want = _WANT_FIRST_RE.match(clauses[0]) if clauses else None
    if want is None or _NOT_A_WISH_RE.search(part):
        return False
    return bare_service_request(clauses[0][want.end() :]) is not None


# 你们那有人上门给洗不 / 能派个人来帮我打扫吗: someone asked to come and do it, a booking.
COME_TO_DO_RE = re.compile(
    r"(?:有|派|来|找|叫)(?:个|一个)?(?:人|师傅|阿姨)\S{0,3}(?:上门|来|过来)\S{0,4}(?:不|吗|么|没有|伐|冇)[？?。！!\s]*$"
    r"|(?:能|可以|能不能|可不可以)\S{0,4}上门\S{0,6}(?:不|吗|么|伐|冇)?[？?。！!\s]*$"
)


def _service_and_details(part: str) -> bool:
    """保洁 明天下午3点 / 理发，后天上午，5号楼: a service's name and a booking's details
    (a time, an address, a phone) and nothing else."""
    from assistant.booking.conversation import service_from

    service = service_from(part)
    if service is None:
        return False
    rest = part
    from assistant.booking.catalogue import load_catalogue

    entry = load_catalogue().services.get(service)
    for word in sorted({service, *(entry.aliases if entry else ())}, key=len, reverse=True):
        rest = rest.replace(word, " ")
    rest = rest.strip(PUNCT)
    return bool(rest) and is_bare_value(rest)


def two_requests(first: dict, second: dict) -> tuple[str, str] | None:
    a, b = task_intent(first), task_intent(second)
    if a and b and a != b:
        return a, b
    return None


def two_bookings(first: str, second: str) -> bool:
    """Two bookings of different services (约明天中午的助餐，另外还想约个理发): two
    requests, though the classifier gives both parts the same intent. The same service
    twice (约理发，还想约明天的) is one booking told in two parts."""
    from assistant.booking.conversation import service_asked_for

    a, b = service_asked_for(first), service_asked_for(second)
    return a is not None and b is not None and a != b


# 多少钱 / 怎么约 / 有没有 / 能…吗: a part that asks about a service, not for it.
_ASKS_RE = re.compile(r"[?？吗么嘛]|多少|怎么|咋|啥|什么|几|能不能|可不可以|有没有|是不是|要不要|收费|贵不贵")


def booking_carried(first: str, second: str) -> bool:
    """帮我约两个 明天上午九点半理发 还有明天中午的助餐: the booking verb of the first part
    carries over to a second part that names another service and nothing but a booking's
    details (a day, a time, 的): two bookings, though the classifier may hear the bare
    second part as a question about the service. A part that asks (助餐多少钱) stays a question."""
    from assistant.booking.conversation import service_asked_for, service_from

    if not BOOKING_VERB_RE.search(first) or NO_NEW_BOOKING_RE.search(first) or _ASKS_RE.search(second):
        return False
    a, b = service_asked_for(first), service_from(second)
    if a is None or b is None or a == b:
        return False
    bare = PHONE_RE.sub("", second).strip(PUNCT)
    bare = LEADING_FILLER_RE.sub("", bare).strip(PUNCT)
    return bare in {b, f"约个{b}", f"约{b}"} or _service_and_details(bare)


# 垃圾也没人清 / 井盖也松了: 也 right after the second thing marks a matter of its own.
_ALSO_RE = re.compile(r"^[^，,。；;！!\s]{1,10}?也")


def problems_side_by_side(text: str) -> Split | None:
    """楼道灯坏了 垃圾也没人清: two complaints said one after the other with no connector word,
    cut at the clause boundary where the next clause marks its thing with 也 and each side
    names its own thing and what is wrong with it (``two_problems``). None otherwise: two
    clauses without 也 tell one matter (垃圾房没人清运 苍蝇嗡嗡的: the flies are the garbage's;
    漏水了 墙上都发霉了 adds to one thing; 路灯不亮了 好几天了 names one)."""
    for match in _CLAUSE_RE.finditer(text):
        if match.start() == 0 or not _ALSO_RE.match(match.group()):
            continue
        first, second = text[: match.start()].strip(PUNCT), text[match.start() :].strip(PUNCT)
        if _enough(first) and _enough(second) and two_problems(first, second):
            return Split(first, second)
    return None


def two_problems(first: str, second: str) -> bool:
    """Two complaints in one message (摆摊占道，还有楼下垃圾好几天没人收): each part names
    a thing and what is wrong with it, and the things differ. A part that only adds to
    the first (楼上漏水，还有异味 / 墙上都发霉了) names no thing of its own: one complaint."""
    from assistant.tickets.duplicates import objects_match, read_problem

    a, b = read_problem(first), read_problem(second)
    return bool(a.objects and a.faults and b.objects and b.faults) and not objects_match(a.objects, b.objects)


def two_questions(first: str, second: str) -> bool:
    """Two policy questions about different things (养老金咋查 还有医保卡丢了咋补办): each
    part names its own subject and the subjects share no word. A part that asks on about
    the same thing (居住证咋办，还有要带啥材料) names none of its own: one question."""
    from assistant.kb.followup import has_own_subject, subject_of

    if not (has_own_subject(first) and has_own_subject(second)):
        return False
    a, b = subject_of(first), subject_of(second)
    return bool(a and b) and not any(a[i : i + 2] in b for i in range(len(a) - 1))


def two_things(first: str, second: str) -> bool:
    """Two parts counted out (一个是…，一个是…) that name different things (电梯 / 广场舞),
    whether or not the reader knows the fault words of each: counting them out says they
    are two matters."""
    from assistant.tickets.duplicates import objects_match, read_problem

    a, b = read_problem(first), read_problem(second)
    return bool(a.objects and b.objects) and not objects_match(a.objects, b.objects)


def names_offer(said: str, offered: str, intent: str) -> bool:
    """Does the resident's message name what the offered second request is about?
    (那理发的事呢 after an offer to book 理发; 垃圾那件事也记上了没 after an offer to
    file the rubbish complaint.) Naming it is asking for it."""
    if intent in {"book_service", "cancel_booking"}:
        from assistant.booking.conversation import service_asked_for

        wanted = service_asked_for(offered)
        return wanted is not None and service_asked_for(said) == wanted
    if intent == "file_complaint":
        from assistant.tickets.duplicates import objects_match, read_problem

        a, b = read_problem(said), read_problem(offered)
        return bool(a.objects and b.objects) and objects_match(a.objects, b.objects)
    return False


# 还想/也想 are left over when the cut was at an earlier connector (…，另外还想约个理发).
LEADING_FILLER_RE = re.compile(
    r"^(?:还想|也想|还要|再|帮我|给我|麻烦|请|我想|我要|想|要|问一下|问下|问问"
    r"|反映(?:一下|一?个)?(?:事儿?|情况)?|说(?:一下|一?个)(?:事儿?|情况))+"  # 顺便反映个事 小区门口…
)


def offer_subject(second: str) -> str:
    """The words of a second request as it is said back (no phone, no lead-in filler)."""
    bare = PHONE_RE.sub("", second).strip(PUNCT) or second
    return LEADING_FILLER_RE.sub("", bare).strip(PUNCT) or bare


def offer_text(second: str, intent: str) -> str:
    """另外您说要约个维修，现在帮您约吗？ The phone shared with the part (share_contact)
    is for the form, not worth saying back in the offer."""
    bare = PHONE_RE.sub("", second).strip(PUNCT) or second
    what = LEADING_FILLER_RE.sub("", bare).strip(PUNCT) or bare
    if intent == "book_service":
        from assistant.booking.conversation import service_asked_for

        service = service_asked_for(bare)
        if service is not None:
            # 能约个剃头的不 / 水管也漏 想约个师傅来修 / 给我老伴儿约个助浴: the service by its name
            # (the words themselves lose their 给我 to the filler cut: 您说要老伴儿约个助浴).
            what = f"约个{service}"
        return f"另外您说要{what}，现在帮您约吗？"
    if intent == "file_complaint":
        return f"另外您还说了“{what}”，现在也帮您登记吗？"
    if intent == "cancel_booking":
        return f"另外您说要{what}，现在帮您办吗？"
    return f"另外您还问了“{what}”，现在帮您查吗？"


def later_text(second: str, intent: str) -> str:
    """心理咨询也记下了，这件办好接着帮您约。 Said with the first request's question when two
    were asked in one message: the second was heard, and waits its turn."""
    bare = PHONE_RE.sub("", second).strip(PUNCT) or second
    what = LEADING_FILLER_RE.sub("", bare).strip(PUNCT) or bare
    if intent == "book_service":
        from assistant.booking.conversation import service_asked_for

        service = service_asked_for(bare)
        return f"您说的{service}也记下了，这个办好接着帮您约。" if service else f"“{what}”也记下了，这个办好接着帮您约。"
    if intent == "file_complaint":
        return f"您说的“{what}”也记下了，这件办好接着帮您登记。"
    if intent == "ask_policy":
        return f"您问的“{what}”也记下了，这件办好接着帮您查。"
    return f"您说的“{what}”也记下了，这件办好接着帮您办。"


# Complaints counted out: 一是…；二是… / 第一…第二… / 一个是…另一个是… / 一个是…，一个是… / …，还有一个…
# 第一次 / 第一天 count nothing.
ENUM_FIRST_RE = re.compile(
    r"(?:^|[：:，,。；;！!\s])\s*(?:一是|一个是|一件是|其一|第一(?![次天名回遍批期层楼单号])(?:个|件)?(?:是|呢)?)[，,、：:\s]*"
)
ENUM_SECOND_RE = re.compile(
    r"[，,。；;！!、\s]*(?:二是|另一个是|另一件是|另一个|另一件|其二|第二(?![次天名回遍批期层楼单号])(?:个|件)?(?:是|呢)?"
    r"|还有一个(?:是|事|问题)?|还有一件(?:事)?(?:是|就是)?|(?<=[，,。；;！!、\s])一(?:个|件)是)[，,、：:\s]*"
)


def enumerated_split(text: str) -> Split | None:
    """Two things counted out in one message (我要反映两个事：一是…；二是…): the two
    parts, the words before the count (我要反映两个事) left out. ``None`` when the
    message counts nothing."""
    for second in ENUM_SECOND_RE.finditer(text):
        firsts = [m for m in ENUM_FIRST_RE.finditer(text, 0, second.start())]
        start = firsts[-1].end() if firsts else 0
        if not firsts and not second.group().lstrip(PUNCT).startswith(("还有一", "另一")):
            continue  # 二是 / 第二 without a first is no count
        first_part = text[start : second.start()].strip(PUNCT)
        second_part = text[second.end() :].strip(PUNCT)
        if _enough(first_part) and _enough(second_part):
            return Split(first_part, second_part)
    return None


PHONE_RE = re.compile(
    r"(?:(?:我的?)?(?:联系)?(?:电话|手机号?|号码)(?:是|号)?[:：]?\s*)?(?<!\d)1[3-9]\d{9}(?!\d)"
)


# A phone with its label (电话139… / 手机号是139…), as said after a request.
_LABELLED_PHONE_RE = re.compile(r"[，,\s]*(?:(?:我的?)?(?:联系)?(?:电话|手机号?|号码)(?:号码)?(?:是|号)?[:：]?\s*)?(?<!\d)1[3-9]\d{9}(?!\d)")


def without_phone(part: str) -> str:
    """The part without a phone said with it (and its label): what is asked, for the
    classifier; the whole part when nothing else is left."""
    rest = _LABELLED_PHONE_RE.sub("", part).strip(PUNCT)
    return rest if _enough(rest) else part


def share_contact(cut: Split) -> Split:
    """The phone said once counts for both requests (…；二是…臭死了。电话159…):
    the part without one gets it."""
    a, b = PHONE_RE.search(cut.first), PHONE_RE.search(cut.second)
    if a and not b:
        return Split(cut.first, f"{cut.second}，电话{_digits(a.group())}")
    if b and not a:
        return Split(f"{cut.first}，电话{_digits(b.group())}", cut.second)
    return cut


# 都是817号楼… / 一样是…: the words that say it is shared are no part of the address (review20 #32).
_SHARED_RE = re.compile(r"^(?:地址)?(?:都是|都在|一样是|也是|还是)")


def share_address(cut: Split) -> Split:
    """Two bookings said together with one address (明天上午十点约个理发 再订个助餐 地址813号楼
    1单元101): the part without one gets it, as the phone said once (``share_contact``)."""
    from assistant.booking.conversation import address_in

    a, b = (_SHARED_RE.sub("", x) if x else x for x in (address_in(cut.first), address_in(cut.second)))
    if b and not a:
        return Split(f"{cut.first}，地址{b}", cut.second)
    if a and not b:
        return Split(cut.first, f"{cut.second}，地址{a}")
    return cut


def share_place(first: str, second: str) -> str:
    """Two reports said together (734栋楼下天天跳舞，还有人把车停到消防通道上): a second part
    that names no place at all happens where the first does; it gets the first's building."""
    from assistant.location import find_locations

    if find_locations(second):
        return second
    places = [p for p in find_locations(first) if p.is_structured and p.span]
    return f"{second}（{places[0].span}）" if places else second


# 这两件事都跟你说下 / 有两件事要反映: the resident says there are two matters, as counting them
# out does (一是…二是…).
# 俩 counts matters, not the pair of people it follows (我们娘俩, 他爷俩, 老两口); 事 opening
# another word (事先, 事后, 事实, 事业, 事务) is no matter counted (娘俩事先说好的).
_TWO = r"(?:(?:两|2)\s*(?:个|件|样|桩)|(?<![我你他她咱们娘爷哥姐妹弟兄儿女子妻夫公婆孙口])俩\s*(?:个|件|样|桩)?)"
_MATTER_AFTER = r"(?![先后实业务])"
_SAYS_TWO_RE = re.compile(_TWO + r"(?:事情|事" + _MATTER_AFTER + r"|问题|情况)")
# The clause that only says so, left off the part it ends (…堵在楼梯口，这两件事都跟你说下).
_SAYS_TWO_CLAUSE_RE = re.compile(
    r"[，,。；;！!\s]*[^，,。；;！!\s]{0,6}" + _TWO + r"(?:事情|事" + _MATTER_AFTER + r"|问题|情况)"
    r"[^，,。；;！!]{0,10}[。.！!]*$"
)


def says_two(text: str) -> bool:
    """The message says it holds two matters (这两件事都跟你说下)."""
    return bool(_SAYS_TWO_RE.search(text or ""))


# 对，两个都对 / 都要 / 两样都约上: a yes that covers both requests said in one message.
_BOTH_YES_RE = re.compile(
    r"^(?:(?:对|好|好的|是|是的|嗯|行|可以|没错)[，,。\s]*)?(?:两个|两样|两件|俩|两个预约|两项)?都"
    # (两个都约上了吧 asks whether it is done: the recap's, never a yes.)
    r"(?:对|要|约|行|可以|没错|是对的|订|办|帮我约|帮我订|约上|订上)[的吧啊呀哈！!。，,\s]*$"
)


def yes_to_both(text: str) -> bool:
    """The message says yes to both requests (对，两个都对 / 两样都约上)."""
    said = (text or "").strip()
    if "都" not in said:
        return False
    clauses = [c for c in re.split(r"[，,。！!\s]+", said) if c]
    return bool(clauses) and bool(_BOTH_YES_RE.match(clauses[-1])) and all(
        _BOTH_YES_RE.match(c) or re.fullmatch(r"对|好|好的|是|是的|嗯|行|可以|没错|对的", c) for c in clauses
    )


# 反映两个事 / 跟你说俩事：… said first, before the first matter: no part of it.
_SAYS_TWO_LEAD_RE = re.compile(
    r"^[^，,。；;！!\s]{0,8}?" + _TWO + r"(?:事儿|事情|事" + _MATTER_AFTER + r"|问题|情况)"
    r"[啊呀哈吧哦]*[：:，,。；;！!\s]+"
)


def without_count(part: str) -> str:
    """A part without the clause that only counts the matters (said after it, or first)."""
    part = _SAYS_TWO_CLAUSE_RE.sub("", part) or part
    return _SAYS_TWO_LEAD_RE.sub("", part) or part


# --- another request said with something else ---------------------------------------------
#
# A check-in (报个平安 我挺好的 就是卫生间顶上漏水了) or an errand the butler cannot run (帮我把电费交了
# 另外楼道灯又坏了) may carry a request of its own; answering only the first thing would swallow it.
# One reading for every such place: which clause starts a report or a booking.

# 就是… / 不过… / 另外…: the turn from what was said to what else there is.
TURN_TO_ANOTHER_RE = re.compile(r"^(?:就是|不过|但是|可是|只是|只不过|另外|还有|对了|顺便|顺带)+")
_SPOKEN_CLAUSE_RE = re.compile(r"[\s，,。.！!~～；;…]+")


@dataclass(frozen=True)
class Request:
    """A request found among clauses: a report (``file_complaint``) or a booking (``book_service``,
    with the service it names, if it names one), in its own words (from its first clause on)."""

    intent: str
    words: str
    service: str | None = None


def spoken_clauses(text: str) -> list[str]:
    """The clauses of a message as it was said or typed (commas, stops and spoken pauses)."""
    return [c for c in _SPOKEN_CLAUSE_RE.split(text or "") if c]


# 我手机屏幕坏了 / 眼镜摔坏了: what the resident carries is their own, nothing the estate mends; a fault
# said of anything else (马桶堵了, 卧室插座坏了, 阳台渗水) is a report however short.
_CARRIED_THING_RE = re.compile(r"手机|眼镜|电脑|平板|手表|助听器|耳机|充电器|收音机")


def request_among(clauses: list[str], *, passed_over: Callable[[str], bool] | None = None) -> Request | None:
    """The first of ``clauses`` that starts a request of its own, with the words from it to the
    last clause; None when none does. A clause asks for a booking in words, or reports a problem:
    a report by ``intake.reads_as_complaint``, or a thing the estate looks after and what is wrong
    with it (``worded_intent``: 楼道那个灯又坏了, 暖气现在不热了), or a short fault said of a thing
    (``intake.says_what_is_wrong``: 马桶堵了, 阳台渗水) that is not one the resident carries (我手机坏了). ``passed_over`` names clauses that are someone else's business (the body's trouble
    said with a check-in: the care ticket's)."""
    from assistant.booking.conversation import service_asked_for
    from assistant.tickets.intake import reads_as_complaint, says_what_is_wrong

    for i, clause in enumerate(clauses):
        head = TURN_TO_ANOTHER_RE.sub("", clause).strip()
        if not head:
            continue
        rest = TURN_TO_ANOTHER_RE.sub("", " ".join(clauses[i:])).strip()
        wanted = worded_intent(head)
        if wanted == "book_service":
            return Request("book_service", rest, service_asked_for(rest))
        if passed_over is not None and passed_over(head):
            continue
        if wanted == "file_complaint" or reads_as_complaint(head):
            return Request("file_complaint", rest)
        if says_what_is_wrong(head) and not _CARRIED_THING_RE.search(head):
            return Request("file_complaint", rest)
    return None


def _digits(said: str) -> str:
    return re.search(r"1[3-9]\d{9}", said).group()


# What an answer to a form's question looks like: a phone, "no phone", a time, an address.
_VALUE_PARTS_RE = re.compile(
    # 明天下午三点 哦不 四点吧: a value taken back and said again in one breath is still values
    # (first: 啊 alone would leave 不; 呃不知道 / 哦不错 are words, form_turns.TAKEN_BACK).
    r"(?:哦|噢|喔|呃|额|诶|欸|啊|哎)?不对|" + form_turns.TAKEN_BACK + "|"
    r"(?<!\d)1[3-9]\d{9}(?!\d)"
    r"|匿名|不留(?:电话|手机号?|号码|联系方式)?了?|不想留|不用留|不给|没有电话"
    r"|\d+\s*(?:号楼|栋|幢|座)|\d+\s*(?:单元|室|号|层|楼)|[零一二三四五六七八九十]+(?:号楼|栋|单元)"
    r"|今天|明天|后天|大后天|下?(?:周|星期|礼拜)[一二三四五六日天]|\d+月\d+[日号]|[零一二三四五六七八九十\d]+[号日]"
    r"|上午|下午|中午|晚上|早上|傍晚|早晨|[零一二三四五六七八九十两\d]+(?:点|:|：)(?:半|[零一二三四五\d]+分?|\d\d)?|整|左右"
    r"|\d+|我的?|电话|手机号?|号码|联系方式|地址|住在?|在|就|是|还是|吧|啊|呀|的|那|了|嗯|就是"
)
# A bare number (2) may be a choice: a value names what it is.
_VALUE_HINT_RE = re.compile(
    r"1[3-9]\d{9}|匿名|不留|不想留|不用留|点|天|午|晚上|早上|周|星期|礼拜|号楼|栋|幢|单元|室"
)
_FILLER_RE = re.compile(rf"[{re.escape(PUNCT)}…·\-]+")


def is_bare_value(said: str) -> bool:
    """A message that is nothing but what a form asks for (13022648170 / 我不留电话，匿名吧 /
    明天下午两点 / 14号楼2单元601): it answers an offered request's first question."""
    if not said or said.startswith("/") or not _VALUE_HINT_RE.search(said):
        return False
    rest = _FILLER_RE.sub("", _VALUE_PARTS_RE.sub("", said))
    return len(rest) <= 1 and _VALUE_PARTS_RE.search(said) is not None


# What goes with the hand-off words and nothing else (给我…吧).
_PERSON_LEAD_RE = re.compile(r"(?:你|麻烦|请|快|赶紧|赶快)*(?:给我|帮我|我要|我想|想)?$")
_PERSON_TAIL_RE = re.compile(r"(?:客服|服务)?(?:吧|啊|呀|了|哈|一下)*")
# What the hand-off is sent as: the words the classifier and degraded mode both know.
HAND_OFF_MESSAGE = "我要转人工"


# 给我回个电话 / 打电话给我: a call back, which 修好了给我回个电话 asks only once the report is done.
_CALL_BACK_RE = re.compile(r"(?:给我)?(?:回|打)(?:个|一个)?电话(?:给我)?(?:吧)?")


def asks_person(text: str) -> bool:
    """The message asks for a person (转人工, 给我转个人工, 找工作人员), by the one rule;
    not a call back asked for when the report is done (处理好了给我回个电话 139…: to be
    told the outcome, ``asks_to_hear_the_outcome``), unless a person is asked besides."""
    from assistant import form_turns
    from assistant.tickets.service import asks_to_hear_the_outcome

    if not form_turns.wants_person(text):
        return False
    if not asks_to_hear_the_outcome(text):
        return True
    return form_turns.wants_person(_CALL_BACK_RE.sub("，", text))


def without_person(text: str) -> str:
    """The message without its hand-off words (…车都泡了，给我转个人工，电话139… ->
    …车都泡了，电话139…): what else the resident asked for."""
    from assistant import form_turns

    said = text
    for match in reversed(list(form_turns.PERSON_RE.finditer(said))):
        if form_turns.NOT_PERSON_RE.search(said[: match.start()]):
            continue  # 不用转人工: said no to, it stays (form_turns reads it)
        start = match.start() - len(_PERSON_LEAD_RE.search(said[: match.start()]).group())
        end = _PERSON_TAIL_RE.match(said, match.end()).end()
        before, after = said[:start].rstrip(PUNCT), said[end:].lstrip(PUNCT)
        said = f"{before}，{after}" if before and after else before or after
    return said.strip(PUNCT)
