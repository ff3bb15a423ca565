"""The dialogue's domain function: a resident's policy question in, a short sourced
answer (or an honest "不清楚") out.

    answer_policy_question("我今年刚满八十，社区能给啥补贴？")
    -> PolicyAnswer(answerable=True, text="本市户籍年满80周岁的老年人可以领取高龄津贴：… 来源：《…》",
                    entry_id="ln-001", topic="高龄与老年优待", follow_up="ln-001", ...)

Follow-ups (那要带什么材料？) pass the previous answer's ``follow_up`` value back as
``topic_hint``: the question is then searched together with the entry under
discussion, and that entry's topic is preferred. A follow-up that lands on the same
entry gets the sentences that speak to it (``focused_answer``), not the answer again.

When the knowledge base probably has something but the abstainer is unsure
(``SearchResponse.uncertain``), the answer is a question back: ``choices`` lists the
likely entries, and ``answer_entry`` answers the one the resident picks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import structlog

from assistant.kb.followup import decide_follow_up, has_own_subject, subject_of, subject_tokens, titled_by
from assistant.kb.fusion import choice_count
from assistant.kb.service import KnowledgeBase, SearchResponse, SearchResult, get_knowledge_base
from assistant.kb.text import bigram_tokens, expand_query, normalise



def _log():
    # Looked up at each (rare) use, not cached at import: a CLI reconfigures logging
    # per invocation, and a cached logger would keep writing to an old stream.
    return structlog.get_logger(__name__)

MAX_SENTENCES = 3
MAX_ANSWER_CHARS = 120
NOT_FOUND_TEXT = "这个问题我暂时查不到准确的政策，不想乱说。可以帮您转人工，或者把问题留给社区工作人员，他们会回复您。"
CHOICE_TEXT = "我不太确定您问的是哪一条。您是想问：\n{options}\n点一下就行。都不是的话，可以转人工，或者把问题留给工作人员。"
ONE_CHOICE_TEXT = "我不太确定。您是想问“{title}”吗？是的话点一下。不是的话，可以转人工，或者把问题留给工作人员。"
KINDS_TEXT = ("关于{kind}，我这里查到这几项：\n{options}\n想了解哪一项，点一下或者说第几个就行。"
              "都不是的话，可以转人工，或者把问题留给工作人员。")
NOT_FOUND_NAMED_TEXT = "{name}的事我暂时查不到准确的政策，不想乱说。可以帮您转人工，或者把问题留给社区工作人员，他们会回复您。"
NOT_IN_ENTRY_TEXT = "这条政策里没有写到这一点，我不想乱说。可以帮您转人工，或者把问题留给社区工作人员，他们会回复您。"
NOT_IN_ENTRY_NAMED_TEXT = "关于{name}，政策里没有写到这一点，我不想乱说。可以帮您转人工，或者把问题留给社区工作人员，他们会回复您。"
UNAVAILABLE_TEXT = "政策知识库暂时用不了。可以帮您转人工，或者把问题留给社区工作人员。"
SENTENCE_RE = re.compile(r"[^。！？；!?;]+[。！？；!?;]?")
# What a follow-up asks about, how a sentence that answers it usually looks, and how
# to say the aspect when the entry is silent on it (关于异地就医，政策里没有写到要带什么材料):
# 那要带什么材料？ is answered by 带身份证、住所证明…, which shares no word with it.
_ELIGIBLE_LOOKS = re.compile(r"年满|户籍|符合|条件|低于|高于|以上|以下|不满|满\d|可申请|可以申请|可以领|可以办|才能")
_WEAK_ELIGIBILITY_RE = re.compile(r"能申请|能领|能办|能享受|申请得了|领得了|办得了")
ASPECTS = (
    (re.compile(r"材料|证件|带什么|带啥|带哪|拿什么|拿啥|拿哪|手续|准备什么|准备啥|准备哪"),
     re.compile(r"带|持|提供|提交|身份证|户口|证明|材料|证件|照片"), "要带什么材料"),
    (re.compile(r"多少钱|发多少|给多少|补多少|领多少|拿多少|多少元|标准|费用|收费|花多少|好多钱|几多钱"),
     re.compile(r"\d+(\.\d+)?[万千百]?元|免费|不收费|费用|标准"), "具体的钱数"),
    # Three kinds of time: how long it takes (办下来要多久), when (几点扔, 什么时候报名), until when.
    (re.compile(r"多久|多长时间|几天|几个月|几年|多少天|多少个工作日|要好久|得好久|好久[能才]|几耐"),
     re.compile(r"(?<!满)\d+个?(工作日|天|日|月|年)|当天|当场|以内|之内|每年|每月|每周|每天"), "要多长时间"),
    (re.compile(r"几点|什么时候|啥时候|哪天|几号|几月|时间"),
     re.compile(r"\d+点|\d+月|\d+日|\d+号|\d+个?(工作日|天|月|年)内|当天|时间|每年|每月|之前"), "具体的时间"),
    (re.compile(r"期限|到期|过期|有效期|截止"), re.compile(r"期限|到期|之前|以内|内|每年|\d+个?(天|月|年)"), "期限"),
    (re.compile(r"去哪|在哪|上哪|哪里|哪儿|找谁|找哪|地方|窗口"),
     re.compile(r"到.{1,16}(办理|申请|申报|登记)|中心|窗口|服务站|社区|派出所|网上|小程序|APP|app"), "具体地点"),
    (re.compile(r"电话|热线|联系"), re.compile(r"电话|热线|\d{5,}"), "联系电话"),
    (re.compile(r"条件|资格|谁能|哪些人|能不能|可以吗|符合|够格|够不够|算不算"), _ELIGIBLE_LOOKS, "申请条件"),
    # 这种能申请不 after the resident's own case: whether they qualify. Weak: 网上能办吗 asks
    # about doing it online, so these words count only when nothing else is asked.
    (_WEAK_ELIGIBILITY_RE, _ELIGIBLE_LOOKS, "申请条件"),
    # 手机上能弄不: whether it can be done online, on the phone, without going there. Paying
    # through 微信 / 支付宝 is doing it on the phone.
    (re.compile(r"手机|网上|线上|app|小程序|在家"),
     re.compile(r"手机|网上|线上|app|小程序|自助|上门|微信|支付宝|公众号|网站|平台"), "能不能在网上办"),
    # 能派人上门来评定不: whether someone comes to the home; only a sentence that says so answers it.
    (re.compile(r"上门|到家|来家"), re.compile(r"上门|到家|入户"), "能不能上门办"),
    # 垃圾分类咋分 / 属于什么垃圾: which kinds there are, or which kind a thing is.
    (re.compile(r"咋分|怎么分(?!配)|如何分|分几类|哪几类|哪些类|分为|分成|属于什么|属于哪|算什么|算啥|是什么垃圾"),
     re.compile(r"分为|分成|[2-9两几四三五六]类|属于"), "怎么分类"),
    # 俺81了: an age said after an answer that depends on it (the age bands, 年满…).
    (re.compile(r"\d{2,3}(?:周?岁|了|啦)"), re.compile(r"\d+周?岁|年满"), "按年龄怎么算"),
)


def asked_aspects(question: str) -> list[int]:
    """Which aspects (indices into ``ASPECTS``) a question asks about."""
    norm = normalise(question)
    found = [i for i, (asks, _, _) in enumerate(ASPECTS) if asks.search(norm)]
    weak = next(i for i, aspect in enumerate(ASPECTS) if aspect[0] is _WEAK_ELIGIBILITY_RE)
    return [i for i in found if i != weak] if len(found) > 1 else found


def answers_aspect(text: str, aspects: list[int]) -> bool:
    """The text has what an answer to one of the aspects looks like."""
    norm = normalise(text)
    return any(ASPECTS[i][1].search(norm) for i in aspects)


# What an entry is about, said before an answer that does not name it (住院费用超过起付线… is
# about 住院费用医保报销比例): the title up to its question words. A title whose head would
# be no subject (家里着火了怎么办 -> 家里) is named whole.
_TITLE_ASKS_RE = re.compile(
    r"怎么|怎样|如何|是什么|是多少|有多少|多少|有什么|有哪些|哪些|是几点|几点|在哪|哪里|去哪|找谁|能不能|谁能|属于"
    r"|有几|有补贴|有优惠|免费吗|能免费|能享受|还能|能骑|能推|能堆|要戴|要打|会被|分为|被偷|丢了|坏了|到期了|断缴了"
    r"|去世后|着火了"
)
_NO_SUBJECT_END_RE = re.compile(r"[了后里的是在括]$")
_ARTICLE_TITLE_RE = re.compile(r"\s第[一二三四五六七八九十百零\d]+[条章节]")


@dataclass
class PolicyAnswer:
    question: str
    answerable: bool
    text: str  # what the butler says: at most three short sentences + 来源：《…》
    entry_id: str | None = None
    title: str | None = None
    source: str | None = None
    topic: str | None = None
    follow_up: str | None = None  # pass back as topic_hint for a follow-up question
    confidence: float = 0.0
    available: bool = True
    alternatives: list[str] = field(default_factory=list)  # other entry ids, best first
    # When the knowledge base is unsure which entry is meant: (id, title) pairs to ask
    # about, best first; ``text`` then lists them and ``answerable`` is False.
    choices: list[tuple[str, str]] = field(default_factory=list)


def short_sentences(text: str, limit: int = MAX_SENTENCES, max_chars: int = MAX_ANSWER_CHARS) -> str:
    """The first sentences of a text, at most ``limit`` and about ``max_chars``."""
    sentences = [s.strip() for s in SENTENCE_RE.findall(re.sub(r"\s+", "", text)) if s.strip()]
    out = ""
    for i, sentence in enumerate(sentences[:limit]):
        if not sentence.endswith(("。", "！", "？", "!", "?")):
            sentence = sentence.rstrip("；;，,") + "。"
        if i and len(out) + len(sentence) > max_chars:
            break
        out += sentence
    return out


def with_source(answer: str, source: str) -> str:
    return answer + f"来源：《{source.strip('《》')}》" if source else answer


def entry_name(title: str) -> str | None:
    """What an entry is about, in a few words (高龄津贴怎么领？发多少？ -> 高龄津贴;
    住院费用医保报销比例是多少？ -> 住院费用医保报销比例; 家里着火了怎么办？ -> “家里着火了怎么办”);
    None for an article of a regulation (its source names it) or a title without words."""
    title = (title or "").strip()
    if not title or _ARTICLE_TITLE_RE.search(title):
        return None
    first = re.split(r"[？?]", title)[0]
    first = re.sub(r"[（(][^）)]*[）)]", "", first).strip(" ，,。")
    if len(re.findall(r"[\u4e00-\u9fff]", first)) < 2:
        return None
    asks = _TITLE_ASKS_RE.search(first)
    if asks is None:
        return first if not title.rstrip().endswith(("？", "?")) else f"“{first.rstrip('吗呢')}”"
    head = first[: asks.start()]
    if len(re.findall(r"[\u4e00-\u9fff]", head)) >= 2 and not _NO_SUBJECT_END_RE.search(head):
        return head
    return f"“{first.rstrip('吗呢')}”"


def named(answer: str, title: str) -> str:
    """The answer with what it answers said first (关于…：), unless it names it already:
    a resident who asked 医保报销咋弄 hears that the answer is about 医保报销, and sees at
    once when the butler took the question for something else."""
    name = entry_name(title)
    if name is None or normalise(name.strip("“”")) in normalise(answer):
        return answer
    return f"{name}：{answer}" if not name.startswith("“") else f"关于{name}：{answer}"


def not_in_entry_text(title: str | None, question: str = "") -> str:
    """The entry under discussion does not cover the follow-up: said with its name and,
    when the follow-up asks for something recognisable (材料, 多久…), with what was asked,
    so the resident hears that the question was understood (关于异地就医，政策里没有写到
    要带什么材料)."""
    name = entry_name(title or "")
    text = NOT_IN_ENTRY_NAMED_TEXT.format(name=name) if name else NOT_IN_ENTRY_TEXT
    aspects = asked_aspects(question) if question else []
    if aspects:
        text = text.replace("没有写到这一点", f"没有写到{ASPECTS[aspects[0]][2]}", 1)
    return text


def compose_answer(result: SearchResult) -> str:
    """Answer text for a search result. For long entries (a Markdown note or a long
    article) the best-matching passage is used, else the entry's own text."""
    body = result.text
    if len(body) > MAX_ANSWER_CHARS and result.passage:
        passage = result.passage
        prefix_end = passage.find("。")
        if passage.startswith(result.title) and prefix_end != -1:
            passage = passage[prefix_end + 1:]  # drop the "title：heading。" prefix
        body = passage or body
    answer = named(short_sentences(body), result.title)
    return with_source(answer, result.source)


def is_follow_up(question: str) -> bool:
    """A question that names no subject of its own (那要带什么材料？ 去哪办？) leans on
    the previous answer, whatever its length. With an entry under discussion,
    ``decide_follow_up`` decides on the knowledge base's own entries and scores."""
    return not has_own_subject(question)


def focused_answer(question: str, result: SearchResult) -> str | None:
    """For a follow-up that lands on the entry already given: the sentences of that
    entry that speak to the follow-up (那要带什么材料？ -> the sentence with 身份证、
    住所证明), in their own order, plus the source. None when no sentence shares a
    word with the question or looks like what it asks for: repeating the whole answer
    would not answer it."""
    # The entry's own title words (那高龄津贴发多少？) say which entry, not what about it.
    wanted = set(bigram_tokens(expand_query(normalise(question)))) - set(bigram_tokens(normalise(result.title)))
    aspects = asked_aspects(question)
    sentences = [s.strip() for s in SENTENCE_RE.findall(re.sub(r"\s+", "", result.text)) if s.strip()]

    def score(sentence: str) -> int:
        norm = normalise(sentence)
        return sum(1 for b in wanted if b in norm) + 2 * sum(1 for i in aspects if ASPECTS[i][1].search(norm))

    # A follow-up that asks for something (厨余的几点扔: a time) is answered only by a
    # sentence that gives it; one that merely shares a word (厨余) would not answer it.
    scored = [(score(s), i, s) for i, s in enumerate(sentences) if not aspects or answers_aspect(s, aspects)]
    best = max((score for score, _, _ in scored), default=0)
    if best == 0:
        return None
    chosen = [x for x in scored if x[0] == best][:2]
    answer = named(short_sentences("".join(s for _, _, s in chosen), limit=2), result.title)
    return with_source(answer, result.source)


# Aspects whose question word says sharply what the answer is (a sum, a time, a list of
# materials, the kinds): enough to settle which of close entries is meant. 能不能 / 在哪
# ask about almost anything.
_SHARP_ASPECTS = frozenset({"要带什么材料", "具体的钱数", "要多长时间", "具体的时间", "期限", "怎么分类"})
_SHARP_WORDS_RE = re.compile(r"多少|几|多久|多长|什么时候|啥时候|咋分|怎么分|如何分|带什么|带啥|带哪|拿什么|拿啥|材料|证件|属于")
# How far (ranker log-odds) below the best an entry that asks what the question asks may
# stand and still be preferred (垃圾分类现在几点能扔 -> 垃圾定时定点投放是几点).
ASPECT_MARGIN = 4.0


def title_asks(title: str, aspects: list[int]) -> bool:
    """The entry's own question asks one of the aspects (垃圾定时定点投放是几点？: a time)."""
    norm = normalise(title)
    return any(ASPECTS[i][0].search(norm) for i in aspects)


def prefer_asked_aspect(question: str, response: SearchResponse) -> SearchResponse:
    """A question says what kind of answer it wants with its question word (几点 a time,
    咋分 the kinds, 带啥 materials). When the best entry neither asks nor answers that, and
    a close one of the same topic is the very question of that kind, answering with the
    entry that has the kind of answer asked for is surer than asking which one is meant."""
    aspects = [i for i in asked_aspects(question) if ASPECTS[i][2] in _SHARP_ASPECTS]
    if not aspects or not _SHARP_WORDS_RE.search(normalise(question)) or not response.answerable \
            or len(response.results) < 2:
        return response
    top = response.results[0]
    if title_asks(top.title, aspects):
        if response.uncertain and not any(title_asks(r.title, aspects) for r in response.results[1:]
                                          if top.logit - r.logit <= ASPECT_MARGIN):
            # 垃圾分类每天几点可以倒: the best entry is the one question of that kind near it.
            return SearchResponse(response.query, True, response.confidence, response.results, uncertain=False)
        return response
    if answers_aspect(top.text, aspects):
        return response
    for r in response.results[1:]:
        if top.logit - r.logit > ASPECT_MARGIN:
            break
        if r.topic == top.topic and title_asks(r.title, aspects) and answers_aspect(r.text, aspects):
            results = [r, *(x for x in response.results if x is not r)]
            return SearchResponse(response.query, True, response.confidence, results, uncertain=False)
    return response


# Words that name a kind of benefit or document after what it is for (独生子女 + 补贴).
_NAMED_KIND_WORDS = frozenset({"补贴", "津贴", "补助", "奖励", "奖金", "救助", "扶助", "证", "卡", "保险", "金", "费"})
_NOT_A_NAME_RE = re.compile(r"有|没|什么|怎|咋|啥|哪|多少|能|要")


def unnamed_benefit(question: str, results: list[SearchResult]) -> str | None:
    """The benefit or document the question names by a word of its own (独生子女补贴,
    育婴师证) when none of the entries speaks of that word, in the resident's words or in
    the colloquial table's formal ones (电瓶车保险 is spoken of as 电动自行车…): offering
    or answering those entries (育儿补贴, 子女投靠…) would be answering another question.
    None when an entry speaks of it, or the question names no such thing."""
    import jieba

    texts = [normalise(r.title + r.text) for r in results]
    words = jieba.lcut(normalise(question))
    for word, kind in zip(words, words[1:]):
        if kind not in _NAMED_KIND_WORDS or len(word) < 3 or not re.fullmatch(r"[\u4e00-\u9fff]+", word):
            continue
        if _NOT_A_NAME_RE.search(word):
            continue
        said = [word, *expand_query(word).split()[1:]]

        def spoken_of(term: str) -> bool:
            absent = [not any(term[i:i + 2] in t for t in texts) for i in range(len(term) - 1)]
            return not any(a and b for a, b in zip(absent, absent[1:]))

        if not any(spoken_of(term) for term in said):
            return word + kind
    return None


# 老人都有哪些补贴能领 / 生孩子有哪些补贴: the kinds of a benefit, not one of them. Each
# kind word with what an entry of that kind says (高龄津贴, 助餐补贴 are 补贴; 半价 is 优惠).
_ASKS_KINDS_RE = re.compile(r"(?:都|一共|总共|还)有(?:啥|些啥|什么|哪些|哪几种|哪几样|几种)|有哪些|有哪几[种样项个]"
                            r"|有些(?:啥|什么)|(?:能|可以)领(?:啥|什么|哪些)")
_KINDS = (
    (re.compile(r"补贴|津贴|补助|福利|钱"), re.compile(r"补贴|津贴|补助|救助金|奖励"), "补贴"),
    (re.compile(r"优待|优惠|照顾|福利"), re.compile(r"优待|优惠|免费|半价|减免"), "优惠"),
)
# An entry that itself lists the kinds (残疾人两项补贴是什么, 低保家庭还能享受哪些优惠) answers.
_TITLE_LISTS_RE = re.compile(r"是什么|有什么|有哪些|哪些|哪几")
# How far below the best (ranker log-odds) an entry of the kind may be listed, and how many.
KINDS_MARGIN = 8.0
MAX_KINDS = 4
KINDS_TOP_K = 8


def asks_kinds(question: str) -> bool:
    norm = normalise(question)
    return bool(_ASKS_KINDS_RE.search(norm)) and any(asks.search(norm) for asks, _, _ in _KINDS)


def kinds_listed(question: str, response: SearchResponse) -> tuple[str, list[SearchResult]] | None:
    """For a question asking what kinds of a benefit there are: the kind word and the
    entries titled by that kind on the best entry's topic (at least two, best first; an
    entry that merely mentions one, 产假有多少天 beside 生育津贴, is not one). None when
    the question asks no such thing, the best entry lists the kinds itself, or fewer than
    two entries are of that kind."""
    if not response.answerable or not response.results or not asks_kinds(question):
        return None
    top = response.results[0]
    if _TITLE_LISTS_RE.search(normalise(top.title)):
        return None
    norm = normalise(question)
    for asks, looks, kind in _KINDS:
        if not asks.search(norm):
            continue
        listed = [r for r in response.results if r.topic == top.topic and top.logit - r.logit <= KINDS_MARGIN
                  and looks.search(normalise(r.title))][:MAX_KINDS]
        if len(listed) >= 2:
            return kind, listed
    return None


def _to_answer(question: str, response: SearchResponse, may_ask: bool = True) -> PolicyAnswer:
    kinds = kinds_listed(question, response) if may_ask else None
    if kinds is not None:
        # Several entries of the kind asked about: list them to pick from, rather than
        # answer one as if it were all there is.
        kind, listed = kinds
        choices = [(r.id, r.title) for r in listed]
        text = KINDS_TEXT.format(kind=kind, options="\n".join(f"{i}. {t}" for i, (_, t) in enumerate(choices, 1)))
        return PolicyAnswer(question, False, text, confidence=response.confidence,
                            alternatives=[r.id for r in listed], choices=choices)
    if not response.answerable or not response.results:
        # 独生子女奖励咋领: say what is not known, so the resident hears the question was understood.
        missing = unnamed_benefit(question, response.results[:3]) if response.results else None
        return PolicyAnswer(question, False, NOT_FOUND_NAMED_TEXT.format(name=missing) if missing else NOT_FOUND_TEXT,
                            confidence=response.confidence, alternatives=[r.id for r in response.results[:3]])
    if may_ask and response.uncertain:
        # Rather a question back than a confident wrong answer: residents pick one.
        offered = response.results[:choice_count([r.logit for r in response.results])]
        missing = unnamed_benefit(question, offered)
        if missing is not None:
            # 独生子女补贴咋领 and no entry speaks of 独生子女: an honest 查不到, not three unrelated choices.
            return PolicyAnswer(question, False, NOT_FOUND_NAMED_TEXT.format(name=missing),
                                confidence=response.confidence, alternatives=[r.id for r in response.results[:3]])
        choices = [(r.id, r.title) for r in offered]
        if len(choices) == 1:
            text = ONE_CHOICE_TEXT.format(title=choices[0][1].rstrip("？?"))
        else:
            text = CHOICE_TEXT.format(options="\n".join(f"{i}. {t}" for i, (_, t) in enumerate(choices, 1)))
        return PolicyAnswer(question, False, text, confidence=response.confidence,
                            alternatives=[r.id for r in response.results[:3]], choices=choices)
    named_thing = unnamed_credential(question, response.results[0]) or unnamed_benefit(question, response.results[:1])
    if named_thing is not None:
        # 医保卡丢了咋补办 answered with 预防接种证丢了怎么补: the card or certificate the resident
        # names is nowhere in the entry; an honest 查不到, never the other document's answer.
        return PolicyAnswer(question, False, NOT_FOUND_NAMED_TEXT.format(name=named_thing),
                            confidence=response.confidence, alternatives=[r.id for r in response.results[:3]])
    return _answer_from(question, response.results[0], response.confidence,
                        [r.id for r in response.results[1:4]])


# A card or a certificate a question names (医保卡, 身份证, 残疾证); 认证 / 刷卡 / 证明 are none.
_CREDENTIAL_RE = re.compile(r"[\u4e00-\u9fff]{1,3}?(?:(?<![刷打])卡|(?<![认验论保签考])证)(?!明|件|书|据)")
_CREDENTIAL_NOISE = set("的了我你他她这那个是在丢补办换掉怎么咋有没能要领用张本新旧老带拿")


_ASKING_RE = re.compile(r"(?:请|我)?(?:问一下|问下|问问|请问|打听一下|打听下|咨询一下|想问)")


def unnamed_credential(question: str, result: SearchResult) -> str | None:
    """The card or certificate the question names (医保卡) when the entry found names
    neither it nor any two characters of it (预防接种证丢了怎么补 for 医保卡丢了咋补办);
    None when the entry speaks of it (老年卡 / 敬老卡, 医保卡 / 医保电子凭证) or the
    question names none."""
    body = normalise(result.title + result.text)
    # 问一下老年证在哪办: the asking words are no part of the card's name (下老年证 would be
    # read as 下年证), and 老 of 老年 is the name itself, not 旧.
    asked = _ASKING_RE.sub("，", normalise(question))
    for match in _CREDENTIAL_RE.finditer(asked):
        said = match.group()
        core = "".join(ch for i, ch in enumerate(said[:-1]) if ch not in _CREDENTIAL_NOISE or said[i : i + 2] == "老年")
        if len(core) < 2 or said in body:
            continue
        if any(core[i : i + 2] in body for i in range(len(core) - 1)):
            continue
        return core + said[-1]
    return None


def _answer_from(question: str, result: SearchResult, confidence: float, alternatives: list[str]) -> PolicyAnswer:
    return PolicyAnswer(
        question=question, answerable=True, text=compose_answer(result), entry_id=result.id, title=result.title,
        source=result.source or None, topic=result.topic or None, follow_up=result.id,
        confidence=confidence, alternatives=alternatives,
    )


def answer_policy_question(question: str, topic_hint: str | None = None, *,
                           kb: KnowledgeBase | None = None) -> PolicyAnswer:
    """Best entry for the question, as a short sourced answer; ``answerable`` is False
    (with an honest text) when the knowledge base has nothing on it."""
    from assistant.embeddings.model import EmbeddingModelError
    from assistant.kb.store import KbNotFound

    question = (question or "").strip()
    if not question:
        return PolicyAnswer(question, False, "请问您想了解哪方面的政策？")
    try:
        kb = kb or get_knowledge_base()
        plain = kb.search(question, top_k=KINDS_TOP_K if asks_kinds(question) else 5)
        if not topic_hint:
            return _to_answer(question, prefer_asked_aspect(question, plain))
        hinted_entry = kb.entry(topic_hint)
        if hinted_entry is not None:
            # Follow-up or new question, on content: does another entry fit it clearly
            # better than the one under discussion?
            decision = decide_follow_up(question, hinted_entry, plain)
            _log().info("kb_follow_up_decision", follow_up=decision.follow_up, reason=decision.reason,
                        current=hinted_entry.id, better=decision.better)
            if not decision.follow_up:
                if decision.reason == "names_other" and not plain.answerable:
                    return _to_answer(question, named_by_title(question, plain))
                return _to_answer(question, prefer_asked_aspect(question, plain))
        # A follow-up: search again with the entry (or words) under discussion.
        context = hinted_entry.title if hinted_entry else topic_hint
        combined = kb.search(f"{context} {question}", top_k=5)
        if hinted_entry is None and plain.answerable and has_own_subject(question) and (
                not combined.answerable or plain.confidence >= combined.confidence):
            return _to_answer(question, plain)
        if hinted_entry and combined.results:
            # Prefer entries of the topic under discussion over a stray best match.
            same_topic = [r for r in combined.results if r.topic == hinted_entry.topic]
            if same_topic and combined.results[0].topic != hinted_entry.topic:
                combined.results.remove(same_topic[0])
                combined.results.insert(0, same_topic[0])
            combined.answerable = combined.answerable or plain.answerable
        chosen = combined if combined.answerable else plain
        # The entry under discussion already narrows a follow-up down: no question back.
        answer = _to_answer(question, chosen, may_ask=False)
        if answer.answerable and hinted_entry is not None and answer.entry_id == topic_hint:
            # The follow-up lands on the entry already given: answer just the part it
            # asks about, or say the entry does not cover it, instead of repeating.
            focused = focused_answer(question, chosen.results[0])
            if focused is None and not asked_aspects(question) and has_own_subject(question) \
                    and titled_by(subject_tokens(subject_of(question)), [hinted_entry]):
                # 高龄津贴呢 / 那高龄津贴那个呢 right after the 高龄津贴 answer: it asks for that
                # very entry, nothing about it; the answer again, not "not written".
                return answer
            if focused is None:
                sibling = sibling_answer(question, hinted_entry, plain)
                if sibling is not None:
                    return sibling
                return PolicyAnswer(question, False, not_in_entry_text(answer.title, question),
                                    confidence=answer.confidence,
                                    topic=answer.topic, alternatives=[answer.entry_id, *answer.alternatives])
            answer.text = focused
        return answer
    except (KbNotFound, EmbeddingModelError) as exc:
        _log().warning("kb_unavailable", error=str(exc)[:200])
        return PolicyAnswer(question, False, UNAVAILABLE_TEXT, available=False)


def named_by_title(question: str, plain: SearchResponse) -> SearchResponse:
    """A short question that names another thing (那敬老卡的那个呢, 疫苗呢) which the abstainer,
    reading few words, would refuse: the one entry titled by what it names answers it;
    when several are, the resident is asked which (those entries first)."""
    tokens = subject_tokens(subject_of(question))
    titled = titled_by(tokens, plain.results)
    rest = [r for r in plain.results if r not in titled]
    return SearchResponse(plain.query, True, plain.confidence, [*titled, *rest], uncertain=len(titled) > 1)


def shares_subject(title: str, other: str) -> bool:
    """Two entries speak of the same thing: their names share two characters in a row
    (垃圾定时定点投放 / 生活垃圾: 垃圾; 小学入学报名 / 老年大学: nothing)."""
    one, two = (normalise((entry_name(t) or t).strip("“”")) for t in (title, other))
    return any(one[i:i + 2] in two for i in range(len(one) - 1) if re.fullmatch(r"[\u4e00-\u9fff]{2}", one[i:i + 2]))


def sibling_answer(question: str, current, plain: SearchResponse) -> PolicyAnswer | None:  # noqa: ANN001
    """A follow-up the entry under discussion does not cover (厨余的几点扔 after the fines
    for not sorting) may be the very question of another entry on the same topic
    (垃圾定时定点投放是几点？): that entry answers it, named, before an honest "not
    written". It must be found by the question alone, be on the same topic, ask what the
    follow-up asks and have such an answer."""
    aspects = asked_aspects(question)
    if not aspects:
        return None
    for r in plain.results:
        if r.id == current.id or r.topic != current.topic:
            continue
        if not (title_asks(r.title, aspects) and answers_aspect(r.text, aspects)):
            continue
        if not shares_subject(r.title, current.title):
            continue  # 什么时候报名 after 老年大学怎么报名: 小学入学报名 is another thing
        focused = focused_answer(question, r)
        if focused is not None:
            answer = _answer_from(question, r, plain.confidence, [current.id])
            answer.text = focused
            return answer
    return None


def answer_entry(entry_id: str, *, kb: KnowledgeBase | None = None) -> PolicyAnswer | None:
    """The answer for an entry the resident picked from the choices; None when the
    entry is gone (the knowledge base was updated in between) or unavailable."""
    from assistant.embeddings.model import EmbeddingModelError
    from assistant.kb.store import KbNotFound

    try:
        entry = (kb or get_knowledge_base()).entry(entry_id)
    except (KbNotFound, EmbeddingModelError):
        return None
    if entry is None:
        return None
    result = SearchResult(id=entry.id, score=1.0, title=entry.title, source=entry.source, topic=entry.topic,
                          text=entry.text)
    return _answer_from(entry.title, result, 1.0, [])


# --- an offered entry picked by what it says ---------------------------------------------------

# 八十岁以上给的那个 / 坐公交那条: words pointing at one of the entries offered (给的 / 的那个 / 那条
# say nothing of which); the rest is what the entry itself says.
_POINTER_WORDS_RE = re.compile(r"(?:给|发|领|办|说|讲|管)?的?(?:那个|那条|那项|那一个|这个|这条|那种)?(?:吧|啊|呀|哈)?$")
_PICK_FILLER_RE = re.compile(r"^(?:就是|就|是|要|我要|我想问|问)+")
_ASKS_RE = re.compile(r"[吗么呢？?]|几|多少|怎么|咋|啥|什么|哪|谁|能不能|是不是|有没有")
# A number and its unit (80岁, 65周岁, 100元): the sharpest words an entry has.
# A range (80到89岁) names both ends with the unit.
_AMOUNT_RE = re.compile(r"(\d+)(?:(?:到|至|-|~)(\d+))?(周?岁|元|块|年|个月|天)")


def _amounts(text: str) -> set[str]:
    unit = {"周岁": "岁", "块": "元"}
    return {f"{number}{unit.get(m.group(3), m.group(3))}"
            for m in _AMOUNT_RE.finditer(text) for number in (m.group(1), m.group(2)) if number}


def entry_picked_by_words(said: str, entry_ids: list[str], *, kb: KnowledgeBase | None = None) -> str | None:
    """The one offered entry (``entry_ids``, from the choices just shown) that the words point
    at by what it says, not by its title or its number: 八十岁以上给的那个 is the entry that speaks
    of 80岁 when no other offered one does. The words' amounts (a number and its unit) must all be
    in it, and its share of the words' other pairs of characters must be the best of all, alone.
    None when the words point at no entry, or at several alike."""
    from assistant.embeddings.model import EmbeddingModelError
    from assistant.kb.store import KbNotFound

    said = normalise(said or "").strip()
    pointer = _POINTER_WORDS_RE.search(said)
    words = _PICK_FILLER_RE.sub("", said[: pointer.start()] if pointer else said)
    # Only words that point (…的那个 / …那条 / …给的) pick, and never a question of its own (社区食堂几点
    # 开饭 right after the list shares 社区 with an entry: a new question, not a pick).
    if not pointer or not pointer.group() or _ASKS_RE.search(words) or len(words) < 2 or len(entry_ids) < 2:
        return None
    try:
        base = kb or get_knowledge_base()
        entries = [(entry_id, base.entry(entry_id)) for entry_id in entry_ids]
    except (KbNotFound, EmbeddingModelError):
        return None
    amounts = _amounts(words)
    pairs = set(bigram_tokens(_AMOUNT_RE.sub(" ", words)))
    scored = []
    for entry_id, entry in entries:
        if entry is None:
            continue
        said_there = normalise(f"{entry.title} {entry.text}")
        if amounts and not amounts <= _amounts(said_there):
            continue
        shared = pairs & set(bigram_tokens(said_there))
        if pairs and len(shared) * 2 < len(pairs):
            continue  # most of what the words say is not in it
        scored.append((len(amounts) * 3 + len(shared), entry_id))
    scored.sort(reverse=True)
    if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]


# --- a resident's own record, which the butler cannot see -----------------------------------

# Money paid to or by the resident (养老金, 社保, 补贴…) and its status asked (到账没有, 扣了多少,
# 交了几年): a look into their own account, not a question about the policy.
_MONEY_RE = re.compile(r"养老金|退休金|退休工资|社保|医保|补贴|津贴|低保|抚恤金|公积金")
_STATUS_RE = re.compile(
    r"到账|到了没|到没到|发了没|发没发|发下来没|打过来没|打到卡|余额|还剩多少|扣了多少|扣款|缴费记录|交了几年|缴了几年"
    r"|交没交|缴没缴|交上了没|缴上了没|交了没有|缴了没有|停了没|断缴"
)
# Asked of the resident's own (帮我查查 / 我这个月的 / 我妈的…咋还没): not 养老金几号到账 in general.
_OWN_RE = re.compile(r"(?:帮|给|替)我(?:查|看)|你(?:帮我)?查查|查一下我|我(?:这个月|上个月|今年|的|家)|我(?:妈|爸|老伴)的|咋还没|怎么还没|还没收到")
_WHERE_TO_ASK = (
    (re.compile(r"医保"), "医保的可以打 12393 医保热线，或者用医保App、医保卡查"),
    (re.compile(r"公积金"), "公积金可以打 12329 热线，或者用公积金App查"),
    (re.compile(r"补贴|津贴|低保|抚恤金"), "补贴发没发，可以问社区居委会，或者查一下发放的银行卡"),
    (re.compile(r"养老金|退休|社保"), "养老金和社保可以打 12333 社保热线，或者用社保App、发放养老金的银行卡查"),
)


def own_record_answer(question: str | None) -> str | None:
    """The honest answer when a resident asks the butler to look into their own account
    (你帮我查查我这个月养老金到账没有): it cannot see anyone's records; where to ask. None
    for a question about the policy itself (养老金每月几号发)."""
    said = (question or "").strip()
    if not said or said.startswith("/") or not (_MONEY_RE.search(said) and _STATUS_RE.search(said)
                                               and _OWN_RE.search(said)):
        return None
    where = next((text for pattern, text in _WHERE_TO_ASK if pattern.search(said)), _WHERE_TO_ASK[-1][1])
    return f"我这里看不到个人的到账和缴费记录，没法替您查。{where}。"
