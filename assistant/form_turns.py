"""What a resident's message means while a form (booking, complaint, any later one)
is asking them something: an answer, leaving, a question in the middle, a hand-off,
"say that again", or an emergency. The form's own reading of answers decides whether
the message answers (``answers``): a real answer wins over the intent the NLU heard
("明天下午三点理发" may come as book_service, "不用了" at the contact step is the
anonymous answer); a message that answers nothing is what its words or intent say.

Plain functions, no Rasa: ``actions/forms.py`` adapts them to every form.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

Turn = Literal["answer", "emergency", "stop", "digress", "handoff", "repeat"]

# Words that leave whatever form is running. Deliberately not bare 不用了/不要 (at
# the contact step "不用了" means "no phone"): each of these names the leaving.
STOP_RE = re.compile(
    # 不弄了 / 先不弄这了 / 不搞这个了: the thing dropped may be pointed at (这, 这个, 那个, 它).
    r"不约了|不预约了|不想约了|别约了|不订了|先不约|不(?:办|弄|整|搞)(?:这个?|那个?|它)?了|不要了|"
    r"不投诉了|不反映了|不报了|不登记了|不说了|取消预约|不想弄了|不干了"
)
# 不剪了不剪了 / 那先不洗了 / 俺不修了: the service let go in its own verb, by the resident at the
# head of a clause (物业说不修了 / 师傅不来了 tell what others do: no leaving) — leaving, unless
# another booking is asked after it (算了不剪了 还是帮我约个保洁吧: the service changes).
LETS_SERVICE_GO_RE = re.compile(
    r"(?:^|(?<=[，,。.！!\s]))(?:那就?|我|俺|算了)?先?不(?:剪|理|洗|修|扫|打扫|检查|体检|洗澡|冲凉)了(?![吗嘛么])"
)
# 约了 / 订过 tell of an appointment the resident already has (不剪了 明天约了医生: a reason), never
# one asked for.
_BOOKS_ANOTHER_RE = re.compile(r"约(?![了过])|订(?![了过])|换成|改成")
# 先不洗了 改到后天 / 不剪了 换个日子: the same service moved, not let go (the time said after it is
# read by extract_time; these are the moves that name no time yet).
_MOVES_IT_RE = re.compile(r"改到|改在|改天|挪到|推到|延到|换个?(?:时间|日子|天|时候|钟点)|换一天|再(?:剪|理|洗|修|扫|约)")


# The words of a time, taken out of a clause to see what the clause says besides the time.
_TIME_WORDS_RE = re.compile(
    r"大后天|后天|明天|今天|明儿|今儿|明早|明晚|今早|今晚|周末|月底|月初|下(?:个)?月"
    r"|(?:下下个?|下个?|这个?|本)?(?:周|星期|礼拜)[一二三四五六日天末]?"
    r"|[\d一二三四五六七八九十]+\s*月(?:\s*[\d一二三四五六七八九十]+\s*[号日])?|[\d一二三四五六七八九十]+\s*[号日]"
    r"|上午|下午|早上|早晨|清早|晚上|中午|午后|傍晚|白天|夜里"
    r"|[零〇一二两三四五六七八九十\d]{1,3}\s*(?:点|时)(?:\s*(?:半|一刻|三刻|[零〇一二三四五六七八九十\d]{1,3}\s*分?))?钟?"
    r"|\d{1,2}:\d{2}"
)
# What a clause may say besides its time when that time is the new appointment (后天下午三点吧 /
# 那就礼拜五上午来剪 / 改明天行不行 / 明天我有空): a move word before it, then coming, doing the
# service, being free and asking whether it suits. Anything else is the clause's own saying, and
# its time belongs to that (我明天要去医院 / 今天腿疼 / 明天再说吧 / 明天我儿子回来帮我修: a reason).
_NEW_TIME_TAIL_RE = re.compile(
    r"(?:那|就|还是|要不|改|挪|换|推|到|成|在|以后|之后|左右|前后|也|都|再|来|过来|上门|能不能|能|可不可以|可以"
    r"|行不行|行|好不好|好|成不成|中|(?:我|俺)?(?:有空|有时间|在家|方便)|剪|理|洗|修|扫|打扫|检查|体检|洗澡|冲凉|弄|做|约"
    r"|吧|吗|嘛|么|啊|呀|呢|哈|啦|咋样|怎么样|的)*"
)
_CLAUSE_RE = re.compile(r"[^，,。.！!？?；;、\s]+")


def _new_time_clause(after: str) -> int | None:
    """Where, in what follows a let-go, a clause names a new time for the same service: the
    time is the clause's head and nothing of the clause's own follows (``_NEW_TIME_TAIL_RE``).
    A time standing alone is read with the clause after it (明天 我要去医院 is a reason)."""
    from assistant.booking.timeparse import extract_time

    clauses = list(_CLAUSE_RE.finditer(after))
    index = 0
    while index < len(clauses):
        start, clause = clauses[index].start(), clauses[index].group()
        while not _TIME_WORDS_RE.sub("", clause) and index + 1 < len(clauses):
            index += 1  # 后天 下午三点吧 / 明天 我要去医院: the time's own clause follows it
            clause += clauses[index].group()
        index += 1
        if (_TIME_WORDS_RE.search(clause) and _NEW_TIME_TAIL_RE.fullmatch(_TIME_WORDS_RE.sub("", clause))
                and extract_time(clause) is not None):
            return start
    return None


def new_time_after_let_go(text: str | None) -> str | None:
    """不剪了 今天有点累 周六上午十点吧 -> 周六上午十点吧: the new time a service let go is moved
    to, from its clause on, so that the booking's time is read there and never from the reason
    said before it (今天). None when no service is let go or no new time is named."""
    said = _clean(text)
    let_go = LETS_SERVICE_GO_RE.search(said)
    if not let_go:
        return None
    after = said[let_go.end():]
    start = _new_time_clause(after)
    return after[start:] if start is not None else None


def _lets_service_go(said: str) -> bool:
    let_go = LETS_SERVICE_GO_RE.search(said)
    if not let_go:
        return False
    after = said[let_go.end():]
    if _BOOKS_ANOTHER_RE.search(after) or _MOVES_IT_RE.search(after):
        return False
    # 不洗了 后天下午三点吧 moves the service; 不剪了 我明天要去医院 lets it go, with its reason.
    return _new_time_clause(after) is None
# Leaving only when nothing else in the message answers (算了，明天下午三点吧).
WEAK_STOP_RE = re.compile(r"算了|取消吧|^取消$|退出")

# "I cannot answer that" (不记得了, 想不起来): a failed answer, never leaving (the deny it
# sounds like would drop the form); the second one offers choices and a person.
CANT_ANSWER_RE = re.compile(
    r"不记得|记不得|记不清|记不住|想不起|忘了|忘记了|不知道|不晓得|不清楚|搞不清"
    r"|说不好|说不准|不好说|不确定|拿不准|没想好|还没想好|想不好"
)
# Only hesitation (这个那个 / 额…那个 / 嗯，就是那个): the resident is searching for words and
# has said nothing yet. The classifier may call it help (round 13's data: not knowing how
# is help), but at a form's question it is a failed answer, so the question is asked
# again and, the second time, offered as buttons. A bare 嗯/啊 is left alone: at a yes/no
# question it is a yes.
HESITATION_ONLY_RE = re.compile(
    r"^(?:这个|那个|这|那|那啥|就是说?|额+|呃+|唔+|嗯+|啊+|哎+|诶+|emm+|em+|uh+|um+|的|呀|吧|[\s,，.。、…~～!！-])*$",
    re.IGNORECASE,
)
HESITATION_WORD_RE = re.compile(r"这个|那个|那啥|就是|额|呃|emm|um|uh", re.IGNORECASE)
# Said with "I cannot answer" these go their own way, never a failed answer: a person
# (不知道，帮我转人工), cancelling (我不知道怎么取消这个预约), leaving or complaining.
OWN_WAY_RE = re.compile(r"人工|客服|工作人员|真人|取消|退出|投诉")

# Asking for a person: a verb of asking before whom (找工作人员, 要人工, 转人工, 叫个真人),
# a call back asked for (打电话给我吧), or the bare word alone (人工, 人工服务). Naming
# staff is not asking for them: 工作人员态度很差 is a complaint, 上次工作人员来修过 a
# story, 人工费多少 a question. The one rule: forms (算了，找工作人员吧: leave, then hand
# over) and degraded mode (a hand-off request while Rasa is down) both call wants_person.
PERSON_RE = re.compile(
    # 让物业的人给我回个电话 / 叫社区的人给我打个电话: a person to call me, whose may be named
    # (first: the whole request is the hand-off, no 让物业的人 left over as a report).
    r"(让|叫|找|派|请)(你们|咱们)?(社区|物业|居委会?|街道)?的?(个|一个)?(人|工作人员|管事的人?|负责人|领导)(给我|跟我)(打|回)(个|一个)?电话"
    r"|转(接|个|一个|一下)?人工|转(接)?(给)?(个|一个|一下)?(工作人员|客服|真人)"
    r"|(找|要|叫|请|联系|接通?|换)(个|一个|一下)?"
    r"(人工|工作人员|真人|活人|客服|物业的?人|值班的?人|管理员|你们的人|社区的人|领导)"
    # 我要跟人说话 / 想和个真人讲 / 有没有活人: a person, not the machine, asked for in plain words
    # (我跟人说过了 / 跟人吵架 / 和人家说好了: no asking, or another talk).
    r"|(要|想|让我|请让我)(直接)?(跟|和|同)(个|一个)?(真|活)?人(说话|说|讲|聊|通话|对话)(?![过了好])"
    r"|有没有(个)?(真人|活人|人工)(?![费成钱])"
    # 找人 / 给俺叫个人来 / 喊个人吧: the whole message, a person and nothing else (叫个人来修 / 找人
    # 问问 say what for: the report's, the resident's own).
    r"|^(我要|我想|给我|帮我|你给我|你给俺|给俺|俺要|快)?(找|叫|喊|来)(个|一个)?人(来|过来)?(吧|啊|呀|嘛)?$"
    # 找你们领导 / 麻烦联系社区负责人 / 我要找管事的: whoever is in charge, asked of us — at
    # the start of a clause or after a request frame (never 我得去找居委会领导开证明: the
    # resident's own errand), and not sent to do a job (叫物业负责人来修一下: the report's).
    r"|(?:(?<=^)|(?<=[，,。！!\s])|(?<=我要)|(?<=我想)|(?<=帮我)|(?<=给我)|(?<=麻烦)|(?<=麻烦你)|(?<=请)"
    r"|(?<=能不能)|(?<=可以)|(?<=让我)|(?<=你们)|(?<=赶紧)|(?<=快))"
    r"(找|联系|叫)(一下)?(你们|社区|物业|居委会?)?的?(领导|负责人|管事的|经理|主任)"
    r"(?![^，,。！!？?]{0,6}(?:修|看看|看一下|处理|换|清理|开门|弄|签字|盖章|开证明))"
    # 联系负责人的电话是多少: the number asked for, which the resident will call: no hand-off.
    r"(?!的?(?:电话|号码|手机|联系方式|微信))"
    # 那你找个管事的人跟我说 / 叫个能做主的来: whoever decides, asked of us (not 去找…: the
    # resident's own errand; not sent to do a job or to sign).
    r"|(?<!去)(找|叫|请|喊|让)(个|一个|位)?(你们|社区|物业|居委会?)?的?(管事|负责|能做主|做得了主|说了算|拍板|当家)的(人)?"
    r"(?![^，,。！!？?]{0,6}(?:修|看看|看一下|处理|换|清理|开门|弄|签字|盖章|开证明))"
    # 让你们领导过来给我们说明白 / 叫经理来解释 / 让主任来见我: someone in charge sent for to
    # explain (见 only as a meeting: 请你们领导见谅 / 别见怪 is an apology).
    r"|(让|叫|请|喊)(你们|社区|物业|居委会?)?的?(领导|负责人|管事的|经理|主任)[^，,。！!？?]{0,6}"
    r"(说|讲|解释|交代|谈|见(?:我|面|个面|一面|一下|见)|来见|给个说法)"
    # 你让人给我打个电话 (I cannot type): a person to call me, asked now.
    # Not someone to go along to hospital with (找个人陪我去医院复查: the 陪诊 service);
    # 找个人陪我说说话 is still a person.
    r"|找个人(?!信息|社保|养老|账户|帐户|所得|名义|档案|卫生|原因|隐私|资料|缴费|申请"
    r"|[^，,。！!？?]{0,2}陪[^，,。！!？?]{0,8}(?:医院|看病|看医生|看大夫|复查|复诊|拿药|配药|开药|取药|就医|检查|门诊))"
    r"|(给我)?(回|打)(个)?电话给我(吧)?$|给我回(个)?电话"
    r"|^(人工|人工客服|人工服务|工作人员|客服|真人)$"
    # 我要跟你们工作人员直接说 / 让我和你们领导说: asking to speak with a person (not 我跟
    # 工作人员说过了, a report of what was done).
    r"|(要|想|让我|请让我|得)(直接)?(跟|和|同)[^，,。！!？?\s]{0,5}?(工作人员|人工|真人|客服"
    # 我们领导 / 单位领导: the resident's own boss, asked before deciding, is no hand-off.
    r"|(?<!我们)(?<!我的)(?<!单位)(?<!公司)(?<!厂里)(?<!学校)(?<!家里)(?<!医院)(领导|负责人))"
    r"(直接|当面|亲自)?(说|讲|谈|聊|通话|对话|说话)(?![过了好])"
)

# Putting it off (改天吧 / 回头再说 / 我去问问儿子 / 我找个人问问再说吧 / 等我闺女回来再定):
# the resident cannot settle it now and will come back; the form is left, never asked
# again and again. Only when nothing in the message answers the question (回头再说，明天
# 下午三点吧 answers). 再说一遍 is a repeat, 我想问问… a question: neither puts anything off.
_ASKED_ONE = (
    r"(?:我|俺)?(?:儿子|女儿|闺女|孩子|娃|伢|家里人?|家人|屋里人|老伴儿?|老头子?|老婆子?|爱人|媳妇|老公|老婆"
    r"|婆婆|公公|他们|她们|他|她|别人|人家)"
)
DEFER_RE = re.compile(
    r"改天|改日|回头(?:再|说)|(?:以后|下次|下回)再(?!也)|过(?:两|几|一阵|些)天?再"
    # 等我儿子回来再定 puts it off; 等我下班回来就行 / 等我回来以后 names a time (one we
    # cannot read: the question fails and is asked again).
    r"|(?P<wait>等(?:我|俺)?.{0,10}?(?:回来|有空|定了|问了|商量)(?!就|以后|之后|后|的时候|那会))"
    r"|再说(?!一遍|一次|一下|下|遍|说|清楚|慢)|再定|再约吧"
    rf"|(?:(?<![想要])问问|问一下|问下|商量商量|商量一下|商量下|合计合计|合计一下){_ASKED_ONE}"
    rf"|(?:跟|和|同){_ASKED_ONE}(?:商量|合计|说一声)"
    r"|(?:找个?人|找人)(?:问问|问一下|问下|商量)"
)
# 我帮我妈问问她能不能约: asking on someone's behalf, nothing put off.
_ON_BEHALF_RE = re.compile(r"[帮替]\S{0,4}$")
# 我(去)找个人问问 is the resident asking someone themselves, not asking us for a person.
# (帮我找个人问问 / 你给我找个人问问 still ask us.)
_SELF_ASK_RE = re.compile(r"找个?人(?:问问|问一下|问下|商量)")
_ASKS_US_RE = re.compile(r"(?:帮|给|替)(?:我|俺)$|(?:你|您|麻烦|请)$")


# 你问问他们师傅几点有空 / 你们找人问问 / 麻烦跟他说一声: asked of us, nothing put off. A
# deferral is the resident speaking of themselves.
_TO_US_RE = re.compile(r"(?:你们|你|您|麻烦|请|帮我|给我|替我|帮忙)(?:先|再|去|也|就|帮我|给我|帮忙|赶紧|快)*$")
# 问问她要不要带证件 / 问问师傅几点能来: a question for us to pass on, said without 我 (我
# 问问我儿子他哪天有空 is the resident's own errand).
_PASSED_ON_RE = re.compile(r"要不要|能不能|会不会|有没有|是不是|可不可以|几点|几号|哪天|什么时候|啥时候|[吗?？]")
_SELF_RE = re.compile(r"我|俺|咱")


def _defer_matches(said: str) -> list[re.Match]:
    found = []
    for m in DEFER_RE.finditer(said):
        before = said[max(0, m.start() - 6) : m.start()]
        if _ON_BEHALF_RE.search(before):
            continue
        if m.group().startswith(("问", "找", "跟", "和", "同")) and (
            _TO_US_RE.search(before)
            or (_PASSED_ON_RE.search(said[m.end() :]) and not _SELF_RE.search(said[: m.end()]))
        ):
            continue
        found.append(m)
    return found


def defers(text: str | None) -> bool:
    """改天吧 / 回头再说哈 / 我去问问儿子 / 我找个人问问再说吧: the resident puts the matter
    off, for now (a form is left)."""
    return bool(_defer_matches(_clean(text)))


def _only_waits(text: str | None) -> bool:
    """The only deferral said is 等…回来 / 等…有空: weak enough that a sure question wins."""
    return all(m.group("wait") for m in _defer_matches(_clean(text)))


# Intents that leave the form when the message answers nothing.
STOP_INTENTS = frozenset({"cancel_booking", "deny"})
# Questions in the middle: answered, then the form asks whether to go on.
DIGRESSION_INTENTS = frozenset({"ask_policy", "check_ticket", "query_booking", "help"})
# An intent is believed over the form only when the classifier is this sure of it
# (an odd place name read as a policy question must stay an answer). Progress and
# "what did I book" questions have distinctive words (怎么样了, 约了什么): the
# pipeline's own fallback threshold (config.yml, 0.55) is enough for them.
INTENT_CONFIDENCE = 0.7
CONFIDENCE_BY_INTENT = {"check_ticket": 0.55, "query_booking": 0.55, "help": 0.55}

# A resident correcting an earlier answer (不对，是13号楼，不是3号楼 / 我说错了).
# 勿对 / 勿是 (Shanghainese), 唔啱 (Cantonese): "not right" in the resident's own words.
CORRECTION_RE = re.compile(r"不对|不是|说错|错了|搞错|改成|改为|换成|应该是|勿对|勿是|唔啱")

# 明天下午三点 哦不 四点吧 / 七点 呃不八点: a value taken back with an interjection and a bare
# 不, spoken. The 不 stands alone: a pause or the end comes after it, or the new value itself
# (a number with its unit, a day, a part of the day; 是 before it). 不 opening a word is no
# take-back: 呃不知道 / 哦不错 / 额不清楚 / 啊不急 / 哦不太方便 / 啊不一定 / 哦不用了 / 啊不要.
_VALUE_AHEAD = (
    r"(?:[零一二两三四五六七八九十百\d]+\s*(?:点(?![都也儿])|[:：]\d|号|栋|幢|座|单元|楼|室|层|月|日)"
    r"|(?:今|明)(?:天|儿|晚|早)|后天|大后天|下午|下(?:个)?(?:周|星期|礼拜)|上午|中午|晚上|早上|早晨|傍晚|凌晨"
    r"|(?:这|那)?(?:周|星期|礼拜)[一二三四五六日天末])"
)
TAKEN_BACK = (
    r"(?:哦|噢|喔|呃|额|诶|欸|啊|哎)不+(?=$|[，,。.！!、；;\s]|(?:是[，,\s]*)?" + _VALUE_AHEAD + ")"
)

# The answer to "刚才的…还继续吗？"
RESUME_YES_RE = re.compile(r"^(?:对|是|是的|好|好的|行|可以|要|继续|接着|接着约|继续吧|嗯|恩|ok|OK|继续约)")
RESUME_NO_RE = re.compile(r"不用|不要|不了|不继续|算了|不约|别|没了|不想")


def _clean(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip().rstrip("。.!！?？~～ ")


# 不用了 我自己打扫吧 / 不麻烦了 俺自己剪: the service declined, the resident will do it themselves.
DO_IT_MYSELF_RE = re.compile(
    r"(?:不用|不要|不麻烦|不需要)(?:你们)?了[啊吧呀]?[，,。\s]*[^，,。！!？?]{0,4}?(?:我|俺|咱)(?:自己|自个儿?|个人)"
    r"(?:来|弄|搞|打扫|扫|收拾|剪|理|洗|做|修|去|整)"
)


def is_stop(text: str | None) -> bool:
    """The message says the resident is leaving (不约了, 算了不要了, 不投诉了, 算了…, 不用了 我自己
    打扫吧)."""
    said = _clean(text)
    return bool(STOP_RE.search(said) or WEAK_STOP_RE.search(said) or DO_IT_MYSELF_RE.search(said)
                or _lets_service_go(said))


def only_weak_stop(text: str | None) -> bool:
    """The only leaving word is a weak one (算了, 取消吧): 哎算了 还是八点半吧 lets go of a change,
    not of the form, when a value comes with it (the caller reads the value)."""
    said = _clean(text)
    return (bool(WEAK_STOP_RE.search(said)) and not STOP_RE.search(said) and not DO_IT_MYSELF_RE.search(said)
            and not _lets_service_go(said))


def goes_own_way(text: str | None) -> bool:
    """The message asks for a person, to cancel or to leave (不知道，帮我转人工 / 我不知道
    怎么取消这个预约): whatever "I don't know" it also says, it is no failed answer."""
    said = _clean(text)
    return bool(OWN_WAY_RE.search(said)) or is_stop(said) or wants_person(said) or defers(said)


def cant_answer(text: str | None) -> bool:
    """我也说不好 / 不记得了 / 还没想好: the resident cannot answer the question asked (a
    failed answer), and asks for nothing else in the same breath (``goes_own_way``)."""
    said = _clean(text)
    if said and HESITATION_ONLY_RE.match(said) and HESITATION_WORD_RE.search(said):
        return True
    return bool(CANT_ANSWER_RE.search(said)) and not goes_own_way(text)


# Saying NO to a person (不用转人工，你帮我约个理发就行 / 别转人工 / 不要找工作人员): the
# negation right before the asking. A bare 不 counts, except in a question or a push
# (能不能转人工, 要不找工作人员吧, 怎么还不转人工: those still ask for one).
NOT_PERSON_RE = re.compile(
    r"(?:不用|不要|不需要|不必|无需|没必要|用不着|甭|别|(?<![能可是要会行好还么])不)"
    r"(?:再|去|帮我|给我|帮忙|麻烦)*$"
)


def _negation(said: str, match: re.Match) -> re.Match | None:
    """The no said to one hand-off match: right before it, or holding its 要 (不需要人工:
    the asking verb 要 is the negation's own last character)."""
    before = NOT_PERSON_RE.search(said[: match.start()])
    if before is None and match.group().startswith("要"):
        before = NOT_PERSON_RE.search(said[: match.start() + 1])
    return before


# 请领导多多见谅 / 请工作人员别见怪 / 请你们领导放心: a courtesy to someone, no summons.
_COURTESY_AFTER_RE = re.compile(r"[^，,。！!？?]{0,6}?(?:见谅|见笑|见怪|包涵|海涵|原谅|指正|费心|放心|受累)")


def _person_asks(said: str) -> list[re.Match]:
    """The hand-off words in ``said`` that ask for a person: not the ones said no to, nor
    找个人问问 (the resident will ask someone themselves), nor a courtesy said to them
    (请领导见谅)."""
    return [
        m for m in PERSON_RE.finditer(said)
        if _negation(said, m) is None
        and not _COURTESY_AFTER_RE.match(said, m.end())
        and not (m.group() == "找个人" and _SELF_ASK_RE.match(said, m.start())
                 and not _ASKS_US_RE.search(said[: m.start()]))
    ]


def declines_person(text: str | None) -> bool:
    """The message says no to a person (不用转人工, 别转人工, 不要找工作人员) and asks for
    none elsewhere: whatever the NLU heard, it is no hand-off."""
    said = _clean(text)
    said_no = any(_negation(said, m) is not None for m in PERSON_RE.finditer(said))
    return said_no and not _person_asks(said)


# 不用叫医生啊 / 别叫人来 / 不用找人 / 不要派人上门: someone (a person, a doctor, staff) said no to.
_REFUSES_SOMEONE_RE = re.compile(
    r"(?:不用|不要|不需要|不必|无需|没必要|用不着|甭|别)(?:再|去|帮我|给我|帮忙|麻烦)*"
    r"(?:叫|找|喊|派|请|联系|打电话叫)(?:个|一个|几个|位)?"
    r"(?:人|医生|大夫|救护车|工作人员|物业|保安|师傅|客服|人工|你们的人|社区的人)"
)


def refuses_someone(text: str | None) -> bool:
    """The message says no to someone being called or sent (不用叫医生啊 就是跟你说一声, 别叫人来,
    不用找人) and asks for no person elsewhere: whatever the NLU heard, it is no hand-off.
    叫个人来 / 不用叫医生 叫个物业的人来 still ask."""
    said = _clean(text)
    if not (_REFUSES_SOMEONE_RE.search(said) or declines_person(said)):
        return False
    rest = _REFUSES_SOMEONE_RE.sub("", without_declined_person(said))
    return not _person_asks(rest) and not _PERSON_WORD_RE.search(rest)


# Words that bring a person into the message at all (有人吗 / 有没有人能帮我 / 让工作人员上门):
# with any of them a short question is not taken away from the hand-off.
# A person asked to come (叫个人过来, 快让物业派个人来, 来个人帮帮我) or to be spoken to (你们领导,
# 负责人, 管事的): the counted 个人 is someone sent, never 派人上门来评定 (how a service works).
_PERSON_WORD_RE = re.compile(
    r"人工|客服|工作人员|真人|有人|找人|人呢|值班|物业的?人"
    r"|(?:叫|派|喊|找|让|来|要)(?:个|一个|几个)人(?!信息|社保|养老|账户|帐户|所得|名义|档案|卫生|原因|隐私|资料|缴费|申请)"
    r"|你们的人|领导|负责人|负责的人|管事的|主管|经理"
)


def mentions_person(text: str | None) -> bool:
    """The message asks for a person (``wants_person``) or names one in a way that may
    (有人吗, 能让工作人员上门办吗): a hand-off the classifier heard in it is kept."""
    said = _clean(text)
    return wants_person(said) or bool(_PERSON_WORD_RE.search(said))


# Staff of the community or of the butler's service, as the one asked for: not a call back
# (给我回个电话, which may only ask to hear the outcome), nor anyone sent to do a job
# (叫物业的人来修, 找个人来看看).
# (值班的人 / 管理员 are left out: they are mostly sent to do a job, 叫管理员来开一下门.)
_STAFF_RE = re.compile(r"人工|工作人员|客服|真人|活人|领导|负责人|管事的|(?:跟|和|同)(?:个|一个)?(?:真|活)?人")


def wants_person(text: str | None, *, staff_only: bool = False) -> bool:
    """The message asks for a person (转人工, 算了，找工作人员吧), not merely names one
    (工作人员态度很差) nor says no to one (不用转人工，你帮我约个理发就行). The one rule of
    hand-off words: forms and degraded mode call it. ``staff_only``: only a member of
    staff asked for (我要跟你们工作人员直接说, 转人工), not a call back (修好了给我回个电话)
    nor someone sent to work (叫物业的人来修): what a report filed in the same words can
    also ask for."""
    asks = _person_asks(_clean(text))
    if staff_only:
        return any(_STAFF_RE.search(m.group()) for m in asks)
    return bool(asks)


# What joins a declined hand-off to the rest of the message (不用转人工了，…).
_DECLINED_TAIL = re.compile(r"[了啦吧啊]*[，,。.！!、\s]*")


def without_declined_person(text: str | None) -> str:
    """The message without a declined hand-off (不用转人工，你帮我约个理发就行 -> 你帮我约个理发就行),
    so that the rest is read as usual (its 不用 is no "no" to the question asked)."""
    if not declines_person(text):
        return text or ""
    said = _clean(text)
    for match in reversed(list(PERSON_RE.finditer(said))):
        negation = _negation(said, match)
        if negation is None:
            continue  # 找个人问问: no hand-off words said no to
        tail = _DECLINED_TAIL.match(said, match.end())
        said = said[: negation.start()] + said[tail.end() :]
    return said


def classify(intent: str | None, text: str | None, *, answers: bool, confidence: float = 1.0) -> Turn:
    """What a message in the middle of a form is. ``answers``: the form read a value
    for the slot it asked (or a correction) out of the message."""
    if intent == "emergency":
        return "emergency"  # always first: the safety net may have forced it
    if STOP_RE.search(_clean(text)) or _lets_service_go(_clean(text)):
        return "stop"  # 不弄了 is never an answer, not even "no phone" at the contact step
    if answers:
        return "answer"
    sure_question = intent in DIGRESSION_INTENTS and confidence >= CONFIDENCE_BY_INTENT.get(intent, INTENT_CONFIDENCE)
    if defers(text) and not wants_person(text) and not (sure_question and _only_waits(text)):
        return "stop"  # 这个日子我定不了，我去问问儿子: put off, not a failed answer
    if cant_answer(text) and intent != "request_human":
        return "answer"  # read as an answer: it fails, and failures lead to a person
    if is_stop(text):
        return "stop"
    sure = confidence >= INTENT_CONFIDENCE
    if intent == "request_human" and not declines_person(text):
        return "handoff"  # 不用转人工，… said no: the rest is read as the answer
    if intent == "repeat" and sure:
        return "repeat"
    if intent in STOP_INTENTS and sure:
        return "stop"
    if intent in DIGRESSION_INTENTS and confidence >= CONFIDENCE_BY_INTENT.get(intent, INTENT_CONFIDENCE):
        return "digress"
    return "answer"  # the form reads it and re-asks if it is no answer


def resume_answer(text: str | None, intent: str | None) -> Literal["yes", "no"] | None:
    """The resident's answer to "刚才的…还继续吗？": yes, no, or neither (then the
    message is read as an answer to the form's question)."""
    said = _clean(without_declined_person(text))  # 不用转人工，继续吧: the 不用 is about the person
    if intent == "deny" or RESUME_NO_RE.search(said) or is_stop(said):
        return "no"
    if intent == "affirm" or RESUME_YES_RE.match(said):
        return "yes"
    return None


# 不是24号楼 names the wrong answer (是25号楼，不是24号楼 / 不是24号楼是25号楼).
NEGATED_RE = re.compile(r"(?:而)?不是[^，,。；;！!是]*")
_WORDS_RE = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]")


def without_negated(text: str) -> str:
    """A correction without the answer it says was wrong, so that reading the new
    answer cannot pick the old one; the text unchanged when nothing else is left."""
    kept = NEGATED_RE.sub("", text)
    return kept if _WORDS_RE.search(CORRECTION_RE.sub("", kept)) else text


# Going back to the form in words (回到刚才约保洁的事 / 接着约理发吧 / 继续刚才那个).
BACK_TO_IT_RE = re.compile(
    r"^[，,。.、\s那就还是]*(?:(?:回到|回去|说回|接着|继续)\w{0,14}|(?:刚才|之前|前面)\w{0,10})[吧啊。.！!]*$"
)


def bare_yes(text: str | None) -> bool:
    """A yes to 还继续吗？ with nothing after it (好 / 继续吧). 好，地址12号楼5单元303 goes on
    and answers in the same breath: the rest is read as the answer. The 继续 button
    (its payload, exactly /affirm) is a bare yes too."""
    rest = _clean(text)
    if rest == "/affirm":
        return True
    while True:  # 嗯，继续吧 / 好的好的
        rest = rest.lstrip("，,。.、！!~～ 吧啊呀")
        match = RESUME_YES_RE.match(rest)
        if not match or not match.end():
            break
        rest = rest[match.end() :]
    if BACK_TO_IT_RE.search(rest) and not re.search(r"\d", rest):
        return True  # 行，那回到刚才约保洁的事: going back names the form, it answers nothing
    return len(_WORDS_RE.findall(rest.strip("吧啊呀"))) < 2


def corrects(text: str | None) -> bool:
    """The message says an earlier answer was wrong (and is not leaving)."""
    said = _clean(text)
    return bool(CORRECTION_RE.search(said)) and not STOP_RE.search(said)


# 你们给报一下 / 帮我反映上去: filing asked for in words (not 记一下 / 登记一下 / 报修, which a
# booking's answers say too: 热水器坏了 记一下地址).
_FILE_ASKED_RE = re.compile(r"报一下(?!名)|报上去|反映一下|反映上去|给报|帮我报|帮忙报")


def files_report(text: str | None) -> bool:
    """还有个事 楼上漏水漏到我家了 你们给报一下: a problem reported, and filing it asked for in
    words, whatever form is asking its question (the classifier may not be sure of it)."""
    from assistant.tickets.intake import reads_as_complaint

    said = _clean(text)
    return bool(_FILE_ASKED_RE.search(said)) and reads_as_complaint(said)

