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

from assistant.kb.followup import decide_follow_up, has_own_subject
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
NOT_FOUND_NAMED_TEXT = "{name}的事我暂时查不到准确的政策，不想乱说。可以帮您转人工，或者把问题留给社区工作人员，他们会回复您。"
NOT_IN_ENTRY_TEXT = "这条政策里没有写到这一点，我不想乱说。可以帮您转人工，或者把问题留给社区工作人员，他们会回复您。"
NOT_IN_ENTRY_NAMED_TEXT = "关于{name}，政策里没有写到这一点，我不想乱说。可以帮您转人工，或者把问题留给社区工作人员，他们会回复您。"
UNAVAILABLE_TEXT = "政策知识库暂时用不了。可以帮您转人工，或者把问题留给社区工作人员。"
SENTENCE_RE = re.compile(r"[^。！？；!?;]+[。！？；!?;]?")
# What a follow-up asks about, and how a sentence that answers it usually looks:
# 那要带什么材料？ is answered by 带身份证、住所证明…, which shares no word with it.
ASPECTS = (
    (re.compile(r"材料|证件|带什么|带啥|拿什么|拿啥|手续"), re.compile(r"带|持|提供|提交|身份证|户口|证明|材料|证件|照片")),
    (re.compile(r"多少钱|发多少|给多少|补多少|多少元|标准|费用|收费|花多少"), re.compile(r"\d+(\.\d+)?元|免费|不收费|费用|标准")),
    (re.compile(r"多久|多长时间|几天|几点|什么时候|啥时候|期限|到期|时间"), re.compile(r"\d+个?(工作日|天|日|月|年)|当天|当场|时间|期限|每年|每月|之前|以内")),
    (re.compile(r"去哪|在哪|上哪|哪里|哪儿|找谁|找哪|地方|窗口"), re.compile(r"到.{1,16}(办理|申请|申报|登记)|中心|窗口|服务站|社区|派出所|网上|小程序|APP|app")),
    (re.compile(r"电话|热线|联系"), re.compile(r"电话|热线|\d{5,}")),
    (re.compile(r"条件|资格|谁能|哪些人|能不能|可以吗|符合"), re.compile(r"年满|户籍|符合|条件|可以|可申请|可以申请")),
    # 手机上能弄不: whether it can be done online, on the phone, without going there.
    (re.compile(r"手机|网上|线上|app|小程序|在家"), re.compile(r"手机|网上|线上|app|小程序|自助|上门")),
    # 俺81了: an age said after an answer that depends on it (the age bands, 年满…).
    (re.compile(r"\d{2,3}(?:周?岁|了|啦)"), re.compile(r"\d+周?岁|年满")),
)
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


def not_in_entry_text(title: str | None) -> str:
    """The entry under discussion does not cover the follow-up: said with its name."""
    name = entry_name(title or "")
    return NOT_IN_ENTRY_NAMED_TEXT.format(name=name) if name else NOT_IN_ENTRY_TEXT


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
    asked = [answer_looks for asks, answer_looks in ASPECTS if asks.search(normalise(question))]
    sentences = [s.strip() for s in SENTENCE_RE.findall(re.sub(r"\s+", "", result.text)) if s.strip()]

    def score(sentence: str) -> int:
        norm = normalise(sentence)
        return sum(1 for b in wanted if b in norm) + 2 * sum(1 for looks in asked if looks.search(norm))

    scored = [(score(s), i, s) for i, s in enumerate(sentences)]
    best = max((score for score, _, _ in scored), default=0)
    if best == 0:
        return None
    chosen = [x for x in scored if x[0] == best][:2]
    answer = named(short_sentences("".join(s for _, _, s in chosen), limit=2), result.title)
    return with_source(answer, result.source)


def _to_answer(question: str, response: SearchResponse, may_ask: bool = True) -> PolicyAnswer:
    if not response.answerable or not response.results:
        return PolicyAnswer(question, False, NOT_FOUND_TEXT, confidence=response.confidence,
                            alternatives=[r.id for r in response.results[:3]])
    if may_ask and response.uncertain:
        # Rather a question back than a confident wrong answer: residents pick one.
        offered = response.results[:choice_count([r.logit for r in response.results])]
        choices = [(r.id, r.title) for r in offered]
        if len(choices) == 1:
            text = ONE_CHOICE_TEXT.format(title=choices[0][1].rstrip("？?"))
        else:
            text = CHOICE_TEXT.format(options="\n".join(f"{i}. {t}" for i, (_, t) in enumerate(choices, 1)))
        return PolicyAnswer(question, False, text, confidence=response.confidence,
                            alternatives=[r.id for r in response.results[:3]], choices=choices)
    named_thing = unnamed_credential(question, response.results[0])
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


def unnamed_credential(question: str, result: SearchResult) -> str | None:
    """The card or certificate the question names (医保卡) when the entry found names
    neither it nor any two characters of it (预防接种证丢了怎么补 for 医保卡丢了咋补办);
    None when the entry speaks of it (老年卡 / 敬老卡, 医保卡 / 医保电子凭证) or the
    question names none."""
    body = normalise(result.title + result.text)
    for match in _CREDENTIAL_RE.finditer(normalise(question)):
        said = match.group()
        core = "".join(ch for ch in said[:-1] if ch not in _CREDENTIAL_NOISE)
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
        plain = kb.search(question, top_k=5)
        if not topic_hint:
            return _to_answer(question, plain)
        hinted_entry = kb.entry(topic_hint)
        if hinted_entry is not None:
            # Follow-up or new question, on content: does another entry fit it clearly
            # better than the one under discussion?
            decision = decide_follow_up(question, hinted_entry, plain)
            _log().info("kb_follow_up_decision", follow_up=decision.follow_up, reason=decision.reason,
                        current=hinted_entry.id, better=decision.better)
            if not decision.follow_up:
                return _to_answer(question, plain)
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
            if focused is None:
                return PolicyAnswer(question, False, not_in_entry_text(answer.title),
                                    confidence=answer.confidence,
                                    topic=answer.topic, alternatives=[answer.entry_id, *answer.alternatives])
            answer.text = focused
        return answer
    except (KbNotFound, EmbeddingModelError) as exc:
        _log().warning("kb_unavailable", error=str(exc)[:200])
        return PolicyAnswer(question, False, UNAVAILABLE_TEXT, available=False)


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
