"""Follow-up or new question? Decided on content, never on length.

After an answer about entry H (the entry under discussion), a question is a
follow-up when it asks about H: it names nothing of its own (那要带什么材料？ 去哪办？
发多少？ are all aspects: materials, place, amount), or nothing in the knowledge base
fits it clearly better than H. It is new when it names a subject of its own and the
knowledge base, searched with the question alone, finds a different entry that is
answerable, scores clearly above H, and covers the question's own words at least
as well as H does (居住证怎么办 after a 医保 answer: 居住证 is in the 居住证 entry's
title and nowhere in H).

    decide_follow_up("居住证怎么办", entry_yb_001, kb.search("居住证怎么办"))
    -> FollowUpDecision(follow_up=False, reason="better_entry", better="hj-001")
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.kb.service import SearchResponse
from assistant.kb.text import bigram_tokens, normalise

# Openers that lean on the previous answer. They make no decision alone (那居住证
#怎么办？ is new); they are removed before looking for the question's own subject.
OPENER_RE = re.compile(r"^(?:那么|那要|那我|那|还有|还要|另外|然后|这个|这样|它|他们|请问|问一下|我想问)")
# Words that ask about an aspect of whatever is under discussion, or carry no subject:
# what is left after removing them is what the question is about.
ASPECT_WORDS = (
    "需要带什么材料", "要带什么材料", "带什么材料", "什么材料", "哪些材料", "材料", "证件", "手续", "带什么", "带啥",
    "拿什么", "拿啥", "多少钱", "发多少", "给多少", "补多少", "能领多少", "领多少", "多少元", "标准", "费用", "收费",
    "花钱", "要钱", "交多少", "多少", "多久", "多长时间", "几天", "几个月", "几年", "什么时候", "啥时候", "期限",
    "到期", "时间", "几点", "上哪儿", "上哪", "去哪里", "去哪儿", "去哪", "在哪里", "在哪儿", "在哪", "哪里", "哪儿", "找谁", "找哪",
    "地方", "窗口", "电话", "热线", "联系", "条件", "资格", "谁能", "哪些人", "能不能", "可不可以", "可以吗",
    "符合", "罚款", "处罚", "被罚", "怎么办理", "怎么办", "怎么弄", "怎么申请", "怎么领", "怎么交", "怎么样",
    "怎么", "咋办", "咋弄", "咋", "如何", "什么", "啥", "能", "会", "要", "吗", "呢", "吧", "啊", "呀",
    "我", "我们", "家里", "我家", "我妈", "我爸", "老伴", "爱人", "家人", "孩子", "小孩", "老人", "本人", "亲自",
    "俺", "咱", "家属", "代办", "网上", "手机上", "手机", "线上", "能弄不", "能办不", "行不行", "行不", "弄不", "搞不",
    "弄", "搞", "现场", "预约", "排队", "提前",
    "办理", "申请", "领取", "可以", "需要", "还", "也", "都", "一样", "每个月", "每月", "每年", "一年", "一个月",
    "拿到", "办好", "办下来", "批下来", "下来", "一下", "是", "的", "了", "有", "没有", "是不是", "免费", "本市", "外地", "外地人",
    # 要带哪些证件 / 要准备啥: materials asked with 哪些 / 准备; 这种能申请不: the case just told.
    "带哪些", "拿哪些", "哪些", "哪样", "准备", "这种情况", "这种", "这样的", "这样", "像我这样", "我这样",
    # Where, how and what in regional speech (上哪疙瘩领去, 咋整, 要带啥伐), and asking for it
    # to be done at home (能派人上门来评定不): aspects of the thing under discussion, not things.
    "哪嘎达", "嘎达", "哪旮旯", "旮旯", "哪疙瘩", "疙瘩", "哪块儿", "哪块", "哪搭", "啥地方", "哪个地方",
    "去哪块儿", "去哪块", "上哪块儿", "上哪块", "在哪块儿", "在哪块", "按月", "按年", "按季度", "按季", "一次性",
    "咋整", "咋个", "啥子", "撒子", "伐", "上门", "到家里", "来家里", "到家",
    # 那敬老卡的那个呢: pointing words around the thing named.
    "的那个", "那个", "这个", "那种", "那项", "那条",
    # How much and how long in regional speech (一个月有好多钱咯, 要好久, 几多钱, 几耐), the
    # application handed in (交上去了多久能下来, 递上去以后), and the particles that end them.
    # 好多 / 以后 alone are no aspect (好多老人说…, 以后的事): only in these phrases.
    "好多钱", "几多钱", "好多天", "要好多", "几多", "好久", "几耐", "个月", "个星期",
    "交上去以后", "递上去以后", "报上去以后", "交上去之后", "递上去之后", "报上去之后", "交了以后", "办了以后",
    "交上去", "递上去", "报上去", "交上", "递上", "报上", "完了以后", "等多久", "要等",
    "到账", "打到卡上", "打卡上", "批",
    "咯", "哦", "嘞", "噻", "撒", "哇", "喔", "哈",
)
_ASPECT_RE = re.compile("|".join(map(re.escape, sorted(ASPECT_WORDS, key=len, reverse=True))))
# How far (in the ranker's log-odds) another entry must lead the entry under
# discussion before the question is taken as being about that other entry.
LEAD_MARGIN = 2.0


@dataclass
class FollowUpDecision:
    follow_up: bool
    # no_subject | names_other | nothing_answerable | same_entry | close_to_current | current_covers | better_entry
    reason: str
    better: str | None = None  # the entry the question is about instead, when new


# Clauses in which residents tell their own case (我一个人，退休金两千出头 / 我不想跑一趟)
# before or after the question itself.
_CLAUSE_SPLIT_RE = re.compile(r"[，,。；;！!？?、\s]+")
# A supposed case (要是人瘫在床上去不了, 如果我在外地) is told the same way.
_OWN_CASE_RE = re.compile(r"^(?:要是|如果|假如|万一|假设)?(?:我|俺|咱|本人|家里|我家|我们|老伴|我老伴|我妈|我爸|我老公|我老婆"
                          r"|我儿子|我女儿|孩子|娃)|^(?:要是|如果|假如|万一|假设)")
# ...unless the clause says what the resident wants (我想办居住证，要带啥): that is the subject.
_WANTS_RE = re.compile(r"(?<!不)(?:想|要|打算|准备)(?:办|申请|问|了解|领|交|咨询|弄|搞|报|考|换|补)|问一下|问下|咨询")


def asking_part(question: str) -> str:
    """The part of a message that asks, without the clauses in which the resident tells
    their own case: 我一个人，退休金一个月两千出头，这种能申请不 asks 这种能申请不 about the
    policy under discussion, with 我一个人… as the case; 手机上能弄不，我不想跑一趟 asks
    手机上能弄不. A message that is one clause, or whose other clauses are not the
    resident's own case (我想办居住证，要带啥: what they want), is returned whole."""
    clauses = [c for c in _CLAUSE_SPLIT_RE.split(normalise(question)) if c]
    if len(clauses) < 2:
        return question
    asking = [c for c in clauses if _QUESTION_RE.search(c)]
    told = [c for c in clauses if not _QUESTION_RE.search(c)]
    if not asking or not told or not _OWN_CASE_RE.match(told[0]) or any(_WANTS_RE.search(c) for c in told):
        return question
    return "，".join(asking)


def subject_of(question: str) -> str:
    """The question's own subject: the question without openers, aspect words, the
    resident's own people, the case they tell and punctuation (那要带什么材料？ -> "",
    居住证怎么办 -> 居住证, 我一个人，退休金两千，这种能申请不 -> "")."""
    q = normalise(asking_part(question)).strip()
    q = OPENER_RE.sub("", q)
    q = _ASPECT_RE.sub(" ", q)
    q = re.sub(r"[0-9]+(?:岁|周岁)?", " ", q)  # 我妈今年82能领吗: an age is no subject
    q = re.sub(r"[^\u4e00-\u9fffa-z]+", " ", q)
    q = re.sub(r"今年|现在|已经|刚|还能|还是", " ", q)
    # What is left between the aspect words may be a verb framed by a particle (上哪办去 ->
    # 办去, 70岁就能领了吗 -> 就 领, 在网上能缴不 -> 在 缴不): the frame goes, the verb stays
    # (养老金要交几年: 交 tells it from 养老金怎么领), but a lone verb names no thing.
    runs = (_FRAME_END_RE.sub("", _FRAME_START_RE.sub("", run)) for run in q.split())
    return " ".join(run for run in runs if run)


# Characters that frame a verb rather than name a thing: a preposition or adverb before it
# (在, 就, 才), a direction or an A不 question after it (办去, 交不, 上门来).
_FRAME_START_RE = re.compile(r"^[在就才都还也又再把被给让跟和来去到得]+")
_FRAME_END_RE = re.compile(r"(?<=[\u4e00-\u9fff])[来去不给了过着]+$")


def things_named(subject: str) -> list[str]:
    """The runs of a subject that can name a thing: two characters or more."""
    return [run for run in subject.split() if len(re.sub(r"[^\u4e00-\u9fffa-z]", "", run)) >= 2]


def has_own_subject(question: str) -> bool:
    return bool(things_named(subject_of(question)))


def _coverage(tokens: set[str], text: str) -> float:
    if not tokens:
        return 0.0
    norm = normalise(text)
    return sum(1 for t in tokens if t in norm) / len(tokens)


def subject_tokens(subject: str) -> set[str]:
    """The words of the things a subject names (its lone verbs left out)."""
    named = " ".join(things_named(subject))
    return set(bigram_tokens(named)) or ({named} if named else set())


def names_another_entry(tokens: set[str], current, plain: SearchResponse) -> bool:  # noqa: ANN001
    """None of the subject's words is anywhere in the entry under discussion, and all of
    them are in the title of the best entry found for the question alone."""
    return bool(tokens) and (_coverage(tokens, current.title + current.text) == 0
                             and _coverage(tokens, plain.results[0].title) == 1.0)


def titled_by(tokens: set[str], results: list) -> list:  # noqa: ANN001 - search results
    """The results whose title names every word of the subject, best first."""
    return [r for r in results if tokens and _coverage(tokens, r.title) == 1.0]


def decide_follow_up(question: str, current, plain: SearchResponse) -> FollowUpDecision:  # noqa: ANN001
    """``current``: the entry under discussion (an ``Entry``); ``plain``: the knowledge
    base searched with the question alone."""
    subject = subject_of(question)
    if not things_named(subject):
        return FollowUpDecision(True, "no_subject")
    if plain.results and plain.results[0].id != current.id \
            and names_another_entry(subject_tokens(subject), current, plain):
        # 那敬老卡的那个呢 after the 居家养老服务补贴 answer, 疫苗呢 after 家庭医生: the question names
        # a thing the entry under discussion never mentions and another entry is titled by. A
        # short question scores low with the abstainer, but what it names settles it.
        return FollowUpDecision(False, "names_other", better=plain.results[0].id)
    if not plain.answerable or not plain.results:
        return FollowUpDecision(True, "nothing_answerable")
    top = plain.results[0]
    if top.id == current.id:
        return FollowUpDecision(True, "same_entry")
    mine = next((r for r in plain.results if r.id == current.id), None)
    if mine is not None and top.logit - mine.logit < LEAD_MARGIN:
        return FollowUpDecision(True, "close_to_current")
    tokens = set(bigram_tokens(subject)) or {subject}
    title_top, title_cur = _coverage(tokens, top.title), _coverage(tokens, current.title)
    body_top, body_cur = _coverage(tokens, top.title + top.text), _coverage(tokens, current.title + current.text)
    # The entry under discussion already names all the question names (什么时候报名
    # after 老年大学怎么报名), or names more of it than the other entry does.
    if title_cur == 1.0 or title_cur > title_top or body_cur > body_top:
        return FollowUpDecision(True, "current_covers")
    return FollowUpDecision(False, "better_entry", better=top.id)


# A question's shape: a question particle at the end, or a question word.
# A clause ending in 不 after a verb asks (能交不, 上门来评定不, 要钱不); 也不 / 还不 / 我不 do not.
_QUESTION_RE = re.compile(r"[吗呢么嘛？?][。.！!]*$|(?<=[\u4e00-\u9fff])(?<![也还都就我你他她并可绝决])不[。.！!]*$"
                          r"|多少|多久|多长|怎么|咋|哪|什么|啥|几|能不能|可不可以|要不要|是不是|有没有|谁|是.{1,12}还是"
                          # 有好多钱咯 / 要好久哦 (Hunan, Sichuan): how much, how long.
                          r"|好多钱|好久[哦咯嘛啊呀哟]*[？?。.！!]*$|要好久|得好久")


# 俺81了 / 我妈今年八十五岁了 / 我妈都90多了: an age and nothing else.
_AGE_ONLY_RE = re.compile(
    r"^(?:我|俺|咱|我妈|我爸|我母亲|我父亲|老伴|我老伴|家里老人|老人|他|她)?(?:今年)?(?:都|已经|刚|快|满)?"
    r"\d{2,3}(?:多)?(?:周?岁)?(?:了|啦)?[。.！!~～，, ]*$"
)


def states_age(text: str) -> bool:
    """The message is nothing but an age (俺81了): after an answer that depends on age it
    asks what the answer means for that age."""
    return bool(_AGE_ONLY_RE.match(normalise(text).strip()))


# 那老年卡呢 / 公租房呢: the question just answered, asked again about another thing.
_AND_WHAT_ABOUT_RE = re.compile(r"^(?:那么|那|还有|那要是)?([\u4e00-\u9fffa-z0-9]{2,8}?)呢[?？。.!！~～]*$")
# ...but not about the butler's own things (那我的预约呢, 工单呢, 人呢) or about no thing at all.
_NOT_A_POLICY_THING_RE = re.compile(
    r"预约|工单|单子|师傅|工作人员|人工|电话|回复|结果|进度|你|您|他|她|这个|那个|然后|好的|是的"
    r"|天|上午|下午|晚上|早上|中午|点|楼|单元|门口|小区|\d"  # a time or a place: the booking or the report
)


def asks_about_another_thing(text: str) -> bool:
    """那老年卡呢 right after a policy answer: the same kind of question about another
    thing (the knowledge base then decides what the thing is)."""
    match = _AND_WHAT_ABOUT_RE.match(normalise(text).strip())
    if match is None:
        return False
    # 那敬老卡的那个呢: the thing named by what sets it apart (from a list just heard).
    thing = _POINTED_RE.sub("", match.group(1))
    if _NOT_A_POLICY_THING_RE.search(thing):
        return False
    return len(re.sub(r"^(?:我|俺|咱)(?:的|家)?", "", thing)) >= 2


_POINTED_RE = re.compile(r"的?(?:那个|那种|那项|那条|那一个|那一项)$")


def reads_as_aspect_question(question: str) -> bool:
    """A short question that names nothing of its own (那要钱吗, 在哪办, 要多久, 手机上能弄不),
    an age and nothing else (俺81了), or the same question about another thing (那老年卡呢):
    after a policy answer it can only be a policy question, even when the intent
    classifier could not place it."""
    text = normalise(question).strip()
    if not text or text.startswith("/"):
        return False
    if states_age(text) or asks_about_another_thing(text):
        return True
    # 手机上能办不，我腿脚不方便: the question is asked in one clause, the case told in another.
    return bool(_QUESTION_RE.search(asking_part(text))) and not has_own_subject(text)


# A message that names a report (我报的 / 投诉 / 工单 / 报修 / GD…) is about the tickets,
# even right after a policy answer.
_NAMES_A_REPORT_RE = re.compile(r"报的|报了|报修|投诉|工单|反映的|反映了|gd\d", re.IGNORECASE)


# At least this share of the words a question names must be the answer's own for it to ask on
# about the answer (打到银行卡上是哪张卡啊 after …每月打到本人银行卡上).
_ANSWER_WORDS_SHARE = 0.5


def reuses_answer_words(question: str, answer_text: str | None) -> bool:
    """A question whose things are, for the most part, words the answer just said (社区申请要带啥
    after …本人或家属到社区申请): it asks on about that answer, though it names things — they are
    the answer's, not its own subject (养老金怎么领 after the same answer names another thing)."""
    text = normalise(question).strip()
    if not answer_text or not text or text.startswith("/") or not _QUESTION_RE.search(asking_part(text)):
        return False
    tokens = subject_tokens(subject_of(text))
    return bool(tokens) and _coverage(tokens, answer_text) >= _ANSWER_WORDS_SHARE


def follows_answer(
    text: str | None, topic: str | None, *, heard_as_handoff: bool = False, answer_text: str | None = None
) -> bool:
    """The one rule for a message said right after a policy answer about ``topic`` (the
    entry under discussion): a follow-up on it when it reads as a bare aspect question, an
    age or the same question about another thing (``reads_as_aspect_question``), and names
    no report of the resident's (我报的那个呢, 工单) nor asks what was done with one (派人了吗).
    ``heard_as_handoff``: the classifier heard 转人工; a message that names a person (有人吗,
    能让工作人员上门办吗) keeps that reading. Every action such a message may reach
    (fallback, out of scope, 转人工, a progress question) asks this, nothing else.
    ``answer_text``: the answer just given; a question in its words asks on about it
    (``reuses_answer_words``)."""
    text = (text or "").strip()
    if not topic or not text or text.startswith("/"):
        return False
    from assistant.tickets.asking import asks_what_was_done

    if _NAMES_A_REPORT_RE.search(text) or asks_what_was_done(text):
        return False
    if heard_as_handoff:
        from assistant.form_turns import mentions_person

        if mentions_person(text):
            return False
    return reads_as_aspect_question(text) or reuses_answer_words(text, answer_text)
