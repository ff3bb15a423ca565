"""Choosing from the butler's last list by number or by name.

``options_from_reply`` turns the butler's reply (its buttons, and its numbered lines
when the text numbers the choices: the help menu numbers five items and has four
buttons) into ``Option``s. ``resolve_choice`` reads the resident's next message:

    一 / 1 / 1. / 选一 / 第一个吧 / 第1个 / 头一个 / 最后一个 / 倒数第二个  -> that option
    理发 / 上门理发 / 要那个助餐的                              -> the option so named
    对 / 中中中，对着哩 / 系呀，冇错 (a yes/no question)          -> its yes button (/affirm)
    第五个 (of three)                                          -> OutOfRange
    13800138000 / 3号楼 / 明天下午3点 / 78岁                    -> None (an answer, not a choice)

Only a message that is nothing but a choice is taken as one: anything else is left
to the dialogue, which reads answers better than a pattern can.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field

import cn2an

from assistant.booking.service import BOOKING_ID_RE
from assistant.tickets.ids import TICKET_ID_RE

NUMBERED_LINE_RE = re.compile(r"^\s*(\d{1,2})\s*[.、．)）]\s*(\S.*)$")
ENTITY_VALUE_RE = re.compile(r'"[^"]+"\s*:\s*"([^"]+)"')
CN_NUMERAL = "一二两三四五六七八九十"
_NUM = rf"(?:[0-9]{{1,2}}|[{CN_NUMERAL}]{{1,3}})"
# Words around a choice that carry no content: 那就第一个吧, 我选1, 要那个助餐的.
_PREFIX = r"(?:那|就|我|要|选|想|择|还是|用|是)*"
_SUFFIX = r"(?:吧|啊|呀|的|呢|哈|嘛|那个|这个|就行|就好|好了|可以|行)*"
_UNIT = r"(?:个|项|条|种|位|家|样|件事?|单)"  # 第二件(事): a ticket listed
EXPLICIT_RE = re.compile(rf"^{_PREFIX}第(?P<n>{_NUM})(?:{_UNIT}|号)?{_SUFFIX}$")
BARE_RE = re.compile(rf"^{_PREFIX}(?P<n>{_NUM}){_SUFFIX}$")
LAST_RE = re.compile(
    rf"^{_PREFIX}(?:最后(?:面|头|边)?(?:一{_UNIT}|那{_UNIT}?|{_UNIT}|的)?"
    # 末尾那个 / 最底下的 / 最下面那个: the last of a list read top to bottom.
    rf"|(?:末尾|最末|最底下|最下面|最下边|垫底)(?:的|那?{_UNIT}?)){_SUFFIX}$"
)
# 后面那个 / 下面那个 / 前面那个 / 上边的: of two, the later or the earlier one (of more, no one).
LATER_OF_TWO_RE = re.compile(rf"^{_PREFIX}(?:后面|后边|后头|下面|下边|下头|后一)(?:的|那?{_UNIT}?){_SUFFIX}$")
EARLIER_OF_TWO_RE = re.compile(rf"^{_PREFIX}(?:前面|前边|前头|上面|上边|上头|前一)(?:的|那?{_UNIT}?){_SUFFIX}$")
# 头一个 / 头个 / 最前面那个 / 打头的: the first, as it is said in the north and by elders.
FIRST_RE = re.compile(
    rf"^{_PREFIX}(?:头一?{_UNIT}|最前(?:面|头|边)?(?:的|那?{_UNIT}?)|打头(?:的|那?{_UNIT}?)){_SUFFIX}$"
)
FROM_END_RE = re.compile(rf"^{_PREFIX}倒数第?(?P<n>{_NUM}){_UNIT}?{_SUFFIX}$")
# 中间那个 / 当中的 / 正中间那个: the middle one (of an even count, the earlier of the two
# middle ones: the read-back says which it is, and it is put right there).
MIDDLE_RE = re.compile(rf"^{_PREFIX}(?:正?中间|当中)(?:的|那?{_UNIT}?){_SUFFIX}$")
YES_NO_PAYLOADS = frozenset({"/affirm", "/deny"})
TRAILING_PUNCT = "。.！!？?~～、，,；; \t\n\u3000"
FILLER_RE = re.compile(r"那个|这个|我要|我想|想要|就要|我选|一下|帮我|给我|[要就吧的呢啊呀嗯那选我个约是吗]")
CJK_RE = re.compile(r"[\u4e00-\u9fff]")
PUNCT_RE = re.compile(r"[\s。.！!？?~～、，,；;：:“”\"'（）()]+")


@dataclass
class Option:
    title: str
    payload: str | None  # None: a numbered line without a button; its title is sent as text
    names: list[str] = field(default_factory=list)
    numbered: bool = True
    # The yes button of a question about one service (要取消…的助餐…吗？): that service, so naming
    # it back (就那个吃饭的 助餐那个) is the yes.
    asks_about: str = ""

    def message(self) -> str:
        return self.payload or self.title

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict) -> Option:
        return cls(
            title=str(raw.get("title", "")),
            payload=raw.get("payload"),
            names=[str(n) for n in raw.get("names") or []],
            numbered=bool(raw.get("numbered", True)),
            asks_about=str(raw.get("asks_about") or ""),
        )


@dataclass
class Picked:
    option: Option


@dataclass
class OutOfRange:
    asked: int
    options: list[Option]


def _names(title: str, payload: str | None) -> list[str]:
    names = [title.strip().rstrip("？?")]
    label = re.split(r"[：:]", title, maxsplit=1)[0].strip()
    names.append(label)
    # An entity value in words (理发) names its button; a machine value (a slot's
    # 2026-12-07T10:00) does not.
    names.extend(v for v in ENTITY_VALUE_RE.findall(payload or "") if CJK_RE.search(v))
    # A title made of parts (YY202612070006 理发 12月8日（周二）09:00): its one word part
    # names it too (理发那个).
    words = [part for part in title.split() if CJK_RE.fullmatch(part[:1] or "x") and not re.search(r"\d", part)]
    if len(title.split()) > 1 and len(words) == 1:
        names.append(words[0])
    seen: list[str] = []
    for name in names:
        if name and name not in seen:
            seen.append(name)
    return seen


def options_from_reply(text: str, buttons: list[tuple[str, str]]) -> list[Option]:
    """The choices one reply offers: its numbered lines when it has at least two
    (each tied to the button it names), then the buttons no line names."""
    numbered = [m.group(2).strip() for m in map(NUMBERED_LINE_RE.match, (text or "").splitlines()) if m]
    options: list[Option] = []
    used: set[int] = set()
    if len(numbered) >= 2:
        for line in numbered:
            label = re.split(r"[：:]", line, maxsplit=1)[0].strip()
            match = next(
                (
                    i
                    for i, (title, _) in enumerate(buttons)
                    if i not in used and title and (title in line or label in title)
                ),
                None,
            )
            if match is None:
                options.append(Option(title=label, payload=None, names=_names(label, None)))
            else:
                used.add(match)
                title, payload = buttons[match]
                options.append(Option(title=label, payload=payload, names=_names(title, payload) + [label]))
    payloads = {(payload or "").strip() for _, payload in buttons}
    services = _services_in(text) if YES_NO_PAYLOADS <= payloads else []
    for i, (title, payload) in enumerate(buttons):
        if i not in used:
            options.append(
                Option(
                    title=title,
                    payload=payload,
                    names=_names(title, payload),
                    numbered=not numbered or len(numbered) < 2,
                    asks_about=services[0] if len(services) == 1 and (payload or "").strip() == "/affirm" else "",
                )
            )
    return options


def _number(raw: str) -> int | None:
    if raw.isdigit():
        return int(raw)
    try:
        return int(cn2an.cn2an(raw, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


# A hesitation before the choice (嗯…那就第一个吧, 呃，第二个): no content, as elders talk.
LEADING_HESITATION_RE = re.compile(r"^(?:[嗯恩呃额哦噢唔呐]+[\s…⋯.。，,、~～]*)+")


def _clean(text: str) -> str:
    return LEADING_HESITATION_RE.sub("", text.strip()).strip(TRAILING_PUNCT).replace(" ", "")


def resolve_ordinal(text: str, count: int) -> int | None | OutOfRange:
    """The 0-based index an ordinal message names among ``count`` options; None when
    the message is not an ordinal; OutOfRange for an explicit ordinal past the end.
    A bare number past the end is no choice (it is probably an answer)."""
    t = _clean(text)
    if not t or count <= 0:
        return None
    if LAST_RE.match(t):
        return count - 1
    if FIRST_RE.match(t):
        return 0
    if MIDDLE_RE.match(t):
        return (count - 1) // 2 if count >= 3 else None
    if LATER_OF_TWO_RE.match(t):
        return 1 if count == 2 else None
    if EARLIER_OF_TWO_RE.match(t):
        return 0 if count == 2 else None
    if m := FROM_END_RE.match(t):
        n = _number(m.group("n"))
        if n is None or n < 1:
            return None
        return count - n if n <= count else OutOfRange(n, [])
    if m := EXPLICIT_RE.match(t):
        n = _number(m.group("n"))
        if n is None or n < 1:
            return None
        return n - 1 if n <= count else OutOfRange(n, [])
    if m := BARE_RE.match(t):
        n = _number(m.group("n"))
        if n is None or not 1 <= n <= count:
            return None
        return n - 1
    return None


# On a list of bookings to cancel, the cancel word says what the list is for: 助浴那个退了吧
# names the one to cancel and nothing else.
_CANCEL_PAYLOAD = "/cancel_booking"
_CANCEL_WORDS_RE = re.compile(r"不要了|不要|取消掉?|退掉|退了|不约了|不去了|不用了|删掉|撤掉|算了")


def _service_names(text: str) -> str:
    """The text with a service's everyday name (吃饭, 剪头) replaced by the catalogue's name
    (助餐, 理发), so a list naming services is chosen from in any of their words."""
    from assistant.booking.catalogue import load_catalogue

    try:
        services = load_catalogue().services.values()
    except Exception:  # noqa: BLE001 - without the catalogue the words are matched as said
        return text
    words = sorted(((w, s.name) for s in services for w in s.aliases if w and w not in s.name),
                   key=lambda pair: -len(pair[0]))
    for word, name in words:
        if word in text and name not in text:
            text = text.replace(word, name, 1)
    return text


def resolve_by_name(text: str, options: list[Option]) -> Option | None:
    """The one option the message names, when the message says nothing else. Yes/no
    buttons (对/不对, 匿名反映) are left to the dialogue: it reads 对, 不对 and 匿名 in
    its own words, and a form may want the words themselves."""
    t = _clean(text)
    if options and all((o.payload or "").startswith(_CANCEL_PAYLOAD) for o in options):
        t = _service_names(_CANCEL_WORDS_RE.sub("", t)) or t
    core = PUNCT_RE.sub("", FILLER_RE.sub("", t))
    best: list[tuple[int, Option]] = []
    for option in options:
        if (option.payload or "").strip() in YES_NO_PAYLOADS:
            continue
        score = 0
        for name in option.names:
            n = PUNCT_RE.sub("", name)
            if not n:
                continue
            if n == t or n == core:
                score = max(score, 1000)
            elif len(n) >= 2 and n in t:
                leftover = PUNCT_RE.sub("", FILLER_RE.sub("", t.replace(n, "", 1)))
                if len(leftover) <= 1:
                    score = max(score, 100 + len(n))
            elif len(core) >= 2 and CJK_RE.search(core) and core in n:
                score = max(score, len(core))
        if score:
            best.append((score, option))
    if not best:
        return None
    best.sort(key=lambda x: -x[0])
    if len(best) > 1 and best[0][0] == best[1][0]:
        return None  # two options fit equally: not a choice
    return best[0][1]


# A plain yes said in words, in Mandarin or a dialect (中中中，对着哩 / 系呀，冇错 / 嗯呐 对 /
# 对的对的 / 要得): every clause is a yes and nothing else, so no answer and no correction
# rides on it. The NLU may hear such a yes as anything; the yes button it answers
# (payload /affirm) says what it is.
_YES_WORD = (
    r"(?:对头|对着哩|对着呢|对着嘞|对的|对|是滴|是嘞|是的|是|嗯呐|嗯哪|嗯|恩|好嘞|好咧|好的|好|行的|行|中|成"
    r"|可以|没错|冇错|无错|没问题|冇问题|没毛病|系|係|啱嘅|啱|要得|得嘞|妥妥的|妥了|妥|确认|就这样|就这么着|就是|OK|ok"
    # 就这 / 就咁 / 就系咁: "just so", a yes said of what was read back (行 就这吧 / 系，就咁啦)
    r"|就这个|就这|就系咁|就咁|就酱)"
)
# 对 奶奶说谢谢你 / 好的 太感谢你们了 / 对 我妈让我谢谢你: thanks (passed on for someone too)
# ride on a yes and change nothing. 麻烦 / 辛苦 are thanks only put to us (麻烦你们了 / 太辛苦您了)
# or bare (好 麻烦了); 太麻烦了 / 我妈说麻烦了 is "it is a hassle", a doubt, never thanks.
_THANKED = r"(?:你们?|您|大家)"
_THANKS = (
    r"(?:(?:[\u4e00-\u9fff]{1,4}?(?:说|让我|叫我|要我|让俺|叫俺))?"
    rf"(?:(?:太|真是?|非常|好|十分)?(?:谢谢|多谢|感谢|谢了){_THANKED}?|(?:太|真是?|非常)?(?:麻烦|辛苦){_THANKED}了)"
    r"|(?:麻烦|辛苦)了)(?:啦|了)?[啊呀哈啦哦]*"
)
_YES_CLAUSE_RE = re.compile(rf"^(?:{_YES_WORD}[啊呀吧哈嘛哩咧嘞喇啦嘅哒]*)+(?:{_THANKS})?$")
_THANKS_RE = re.compile(rf"^{_THANKS}$")
_CLAUSE_SPLIT_RE = re.compile(r"[\s，,。.！!~～、；;…]+")


def plain_yes(text: str) -> bool:
    """The message is nothing but a yes (see ``_YES_WORD``)."""
    clauses = [c for c in _CLAUSE_SPLIT_RE.split(_clean(text)) if c]
    yes = [c for c in clauses if _YES_CLAUSE_RE.match(c)]
    return bool(yes) and all(c in yes or _THANKS_RE.match(c) for c in clauses)


# A remark said after an ordinal (最后一个吧 下午晚点好 / 第一个 上午的好): no value of its
# own (no digits nor number words: 第一个吧 十点的 names another time; no day (白天, the
# daytime, is none: 最后那个 白天要上班 says why), no building:
# 第一个吧 明天 is left to the dialogue, which keeps the day), no change of mind
# (不/别/改/换/还是), no question (第一个吧，那天下雨吗 is asked, not a remark), short; a part
# of the day named in it must be the chosen option's, else the two disagree and nothing
# is chosen.
_REMARK_MAX = 14  # 最后一个吧 晚上大伙儿都下班了: a reason may take a few words
_REMARK_VETO_RE = re.compile(
    r"\d|[零〇一二两三四五六七八九十百半几]|[不别改换]|还是|或者|要么|(?<!白)天|周|星期|礼拜|[月号]|楼|栋"
    r"|吗|[?？]|呢|啥|什么|怎么|咋|多少|哪"
)
# 晚一点好 / 早点儿: "a bit later / earlier", no clock time (一点 is no one o'clock there).
_A_BIT_RE = re.compile(r"(?<=[早晚迟])一?点儿?(?![半钟0-9])")
_PART_OF_DAY_RE = re.compile(r"上午|下午|中午|晚上|早上|傍晚")
# 下午我得去医院 / 上午要去接孙子 / 早上有事: the part of the day the resident is busy in, a
# reason for the choice: the option chosen must lie outside it.
_BUSY_RE = re.compile(r"得去|要去|得上|要上|有事|没空|忙|上班|去医院|接孩子|接孙")


def _ordinal_with_remark(text: str, ordered: list[Option]) -> Picked | None:
    """第…个 / 最后一个 / 倒数第二个 (never a bare number) followed by a remark that agrees
    with the option it names: that option."""
    clauses = [c for c in (_clean(part) for part in _CLAUSE_SPLIT_RE.split(text.strip())) if c]
    if len(clauses) < 2:
        return None
    head, remarks = clauses[0], clauses[1:]
    if BARE_RE.match(head):
        return None
    index = resolve_ordinal(head, len(ordered))
    if index is None or isinstance(index, OutOfRange):
        return None
    option = ordered[index]
    for remark in remarks:
        if len(remark) > _REMARK_MAX or _REMARK_VETO_RE.search(_A_BIT_RE.sub("", remark)):
            return None
        parts = _PART_OF_DAY_RE.findall(remark)
        if _BUSY_RE.search(remark):
            if any(part in option.title for part in parts):
                return None  # 最后一个，下午我要去医院 while the last is in the afternoon
        elif any(part not in option.title for part in parts):
            return None
    return Picked(option)


_BY_PLACE_RES = (LAST_RE, FIRST_RE, MIDDLE_RE, LATER_OF_TWO_RE, EARLIER_OF_TWO_RE)


def said_by_place(text: str) -> bool:
    """The message (or its first clause, a remark after it) picks by where an option stands
    (前面那个 / 后边的 / 最后那个 / 头一个 / 中间那个), not by its number or its name."""
    clauses = [c for c in (_clean(part) for part in _CLAUSE_SPLIT_RE.split(text.strip())) if c]
    return bool(clauses) and any(place.match(clauses[0]) for place in _BY_PLACE_RES)


# Naming back what a yes/no question is about says yes to it only when nothing else is said: no
# doubt, no other choice, no question (不是助餐那个 / 还是理发吧 / 助餐那个吗 are no yes).
_NOT_NAMING_BACK_RE = re.compile(r"[不别没换改另或哪啥吗呢？?]|还是|要么")
_POINTING_RE = re.compile(r"就是|那个|这个|那一个|这一个|[就那这个的吧啊呀哈嗯对是一了掉]")


def names_only(text: str, service: str) -> bool:
    """The message is nothing but ``service`` named (by its name or an everyday one: 就那个吃饭的
    助餐那个), with what a cancel question's yes may repeat (助餐那个不要了 at 要取消…助餐…吗)."""
    if not service:
        return False
    from assistant.booking.catalogue import load_catalogue

    try:
        entry = load_catalogue().services.get(service)
    except Exception:  # noqa: BLE001 - without the catalogue only the name itself is read
        entry = None
    words = sorted({service, *(entry.aliases if entry else ())}, key=len, reverse=True)
    t = PUNCT_RE.sub("", _CANCEL_WORDS_RE.sub("", _clean(text)))
    named = t
    for word in words:
        named = named.replace(word, "")
    if named == t or _NOT_NAMING_BACK_RE.search(named):
        return False
    return not _POINTING_RE.sub("", named)


def resolve_choice(text: str, options: list[Option]) -> Picked | OutOfRange | None:
    if not options:
        return None
    # Only a button that is itself a yes (对 / 好的, not 继续 or 把问题留给工作人员).
    yes = [o for o in options if (o.payload or "").strip() == "/affirm" and plain_yes(o.title)]
    if len(yes) == 1 and plain_yes(text):
        return Picked(yes[0])  # a yes in words answers the yes/no question it was asked
    if len(yes) == 1 and names_only(text, yes[0].asks_about):
        # 要取消…的助餐…吗？ → 就那个吃饭的 助餐那个: the one the question is about, named back.
        return Picked(yes[0])
    ordered = [o for o in options if o.numbered] or options
    if all((o.payload or "").strip() in YES_NO_PAYLOADS for o in ordered) and said_by_place(text):
        # 还是前面那个吧 at a read-back just changed: the earlier value, never 对 (nor 后面那个
        # 不对). Words placing an option in a list point at what was said, not at the two
        # buttons of a yes/no question: left to the dialogue.
        return None
    index = resolve_ordinal(text, len(ordered))
    if isinstance(index, OutOfRange):
        return OutOfRange(index.asked, ordered)
    if index is not None:
        return Picked(ordered[index])
    named = resolve_by_name(text, options) or resolve_by_pinyin(text, options)
    if named:
        return Picked(named)
    return _ordinal_with_remark(text, ordered)


def out_of_range_text(result: OutOfRange) -> str:
    listed = "；".join(f"{i}. {o.title}" for i, o in enumerate(result.options, 1))
    return f"只有{len(result.options)}个可以选：{listed}。请说第几个，或者直接说名字。"


# --- names said in pinyin ----------------------------------------------------------------
#
# xinli咨询那个 / lifa: a service typed in pinyin (a phone keyboard left in Latin, or a
# resident who cannot find the characters). The message and each option's name are read
# as toneless pinyin; only a message with Latin letters in it is read so.
_LATIN_RE = re.compile(r"[A-Za-z]{2,}")


def _pinyin(text: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(text)).lower().replace("ü", "v")


def resolve_by_pinyin(text: str, options: list[Option]) -> Option | None:
    """The one option whose name the message says in pinyin (all of it, or in part
    together with characters: xinli咨询), when the message says nothing else."""
    t = _clean(text)
    if not _LATIN_RE.search(t):
        return None
    core = _pinyin(PUNCT_RE.sub("", FILLER_RE.sub("", t)))
    if len(core) < 4:
        return None
    hits = []
    for option in options:
        if (option.payload or "").strip() in YES_NO_PAYLOADS:
            continue
        spelled = {_pinyin(PUNCT_RE.sub("", n)) for n in option.names if n}
        if core in spelled:
            hits.append((2, option))
        elif any(s.startswith(core) for s in spelled):
            hits.append((1, option))
    if not hits:
        return None
    hits.sort(key=lambda x: -x[0])
    if len(hits) > 1 and hits[0][0] == hits[1][0]:
        return None
    return hits[0][1]


# --- lists of the resident's own records ---------------------------------------------------
#
# 您有3个预约：1. …（已预约，YY…）… / 您刚才报了 2 件事：GD…：… — the butler lists bookings or
# tickets as text, without buttons (one per record would crowd the chat). Each line that
# names one record (YY… / GD…) is an option all the same: 2 / 中间那个 / 把第二个取消了 /
# 第一件怎么样了 / 绿化那件 pick it, with what the resident wants done to it.
# Built from the ids' own patterns (a ticket's ends where its digits end: GD + 13 digits is none).
RECORD_ID_RE = re.compile(f"(?:{BOOKING_ID_RE.pattern})|(?:{TICKET_ID_RE.pattern})")
# What is asked of a picked record, around the choice: a cancel, or its progress.
_RECORD_CANCEL_RE = re.compile(
    r"^(?:把|将|帮我把|给我把|麻烦把)?(?P<choice>.+?)(?:给我|帮我)?(?:取消掉?|不要了|退掉|退了|不约了|不去了|删掉|撤掉|撤了|算了)"
    r"[了吧啊呀哈]*$"
    r"|^(?:取消|退掉|撤掉|删掉|不要)(?P<choice2>.+?)$"
)
_RECORD_CANCEL_FILLER_RE = re.compile(r"^(?:帮我把|给我把|麻烦把|把|将)|(?:给我|帮我)?[了吧啊呀哈掉]*$")
_RECORD_PROGRESS_RE = re.compile(
    r"^(?P<choice>.+?)(?:现在)?(?:怎么样了?|咋样了?|怎样了|进度(?:如何|怎样|咋样)?|到哪一?步了?|到哪了|办得?怎么样了?|处理得?怎么样了?|有结果了?吗?|呢)"
    r"[了吗呢啊呀吧]*$"
)


_POINTER_TAIL_RE = re.compile(r"(?:的)?(?:那|这)(?:一)?(?:件事?|个|条|单)?$")


def record_lines(text: str) -> list[Option]:
    """The records a reply lists, one option per line naming exactly one record (at least
    two such lines; else no list)."""
    options: list[Option] = []
    for line in (text or "").splitlines():
        ids = set(RECORD_ID_RE.findall(line.upper()))
        if len(ids) != 1:
            continue
        record = ids.pop()
        numbered = NUMBERED_LINE_RE.match(line)
        title = (numbered.group(2) if numbered else line).strip()
        names = [record]
        if record.startswith("GD"):
            # GD…：楼道灯坏了好几天…，已受理: the resident's own words name it.
            said = re.split(r"[：:]", title, maxsplit=1)[-1]
            said = re.split(r"[…，,]", said, maxsplit=1)[0].strip()
            if CJK_RE.search(said):
                names.append(said)
        else:
            names.extend(_services_in(title))
        options.append(Option(title=title, payload=None, names=names, numbered=True))
    return options if len(options) >= 2 else []


def _services_in(text: str) -> list[str]:
    from assistant.booking.catalogue import load_catalogue

    try:
        services = load_catalogue().services.values()
    except Exception:  # noqa: BLE001 - without the catalogue a line is picked by number only
        return []
    return [s.name for s in services if s.name in text]


def record_of(option: Option) -> str | None:
    found = RECORD_ID_RE.search(option.title.upper())
    return found.group(0) if found else None


def resolve_record(text: str, options: list[Option]) -> tuple[Option, str] | None:
    """(the record picked, what is asked of it: "cancel", "progress" or "") when the
    message picks one of the listed records by number, position or name, alone or with a
    cancel or a progress question around it; None otherwise."""
    if not options:
        return None
    t = _clean(text)
    readings = [(t, "")]
    if m := _RECORD_CANCEL_RE.match(t):
        readings.append((m.group("choice") or m.group("choice2"), "cancel"))
    if _CANCEL_WORDS_RE.search(t):
        # 头一个不要了 取消掉: the cancel said twice over; what is left names the booking.
        left = _RECORD_CANCEL_FILLER_RE.sub("", _CANCEL_WORDS_RE.sub("", t))
        readings.append((left, "cancel"))
    if m := _RECORD_PROGRESS_RE.match(t):
        readings.append((m.group("choice"), "progress"))
    for said, asked in readings:
        said = (said or "").strip(TRAILING_PUNCT)
        if not said:
            continue
        # 电梯那件 / 绿化带的那个: the words before the pointer name it.
        said = _POINTER_TAIL_RE.sub("", said) if not _POINTER_TAIL_RE.fullmatch(said) else said
        index = resolve_ordinal(said, len(options))
        if isinstance(index, int):
            return options[index], asked
        by_id = [o for o in options if record_of(o) and record_of(o) in said.upper()]
        if len(by_id) == 1:
            return by_id[0], asked
        named = resolve_by_name(said, options)
        if named is not None:
            return named, asked
    return None


def record_message(option: Option, asked: str) -> str:
    """The message a picked record stands for: its cancel, its progress, or (a booking
    picked alone) its id, which the dialogue reads as the booking asked about."""
    record = record_of(option) or option.title
    if record.startswith("GD"):
        if asked == "cancel":
            return f"{record}不要了"
        return "/check_ticket" + json.dumps({"ticket_id": record}, ensure_ascii=False)
    if asked == "cancel":
        from assistant.booking.references import cancel_payload

        return cancel_payload(record)
    return f"{record}这个预约怎么样了"
