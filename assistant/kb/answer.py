"""The dialogue's domain function: a resident's policy question in, a short sourced
answer (or an honest "不清楚") out.

    answer_policy_question("我今年刚满八十，社区能给啥补贴？")
    -> PolicyAnswer(answerable=True, text="本市户籍年满80周岁的老年人可以领取高龄津贴：… 来源：《…》",
                    entry_id="ln-001", topic="高龄与老年优待", follow_up="ln-001", ...)

Follow-ups (那要带什么材料？) pass the previous answer's ``follow_up`` value back as
``topic_hint``: the question is then searched together with the entry under
discussion, and that entry's topic is preferred.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import structlog

from assistant.kb.service import KnowledgeBase, SearchResponse, SearchResult, get_knowledge_base



def _log():
    # Looked up at each (rare) use, not cached at import: a CLI reconfigures logging
    # per invocation, and a cached logger would keep writing to an old stream.
    return structlog.get_logger(__name__)

MAX_SENTENCES = 3
MAX_ANSWER_CHARS = 120
NOT_FOUND_TEXT = "这个问题我暂时查不到准确的政策，不想乱说。可以帮您转人工，或者把问题留给社区工作人员，他们会回复您。"
UNAVAILABLE_TEXT = "政策知识库暂时用不了。可以帮您转人工，或者把问题留给社区工作人员。"
# Openers and words that make a question lean on the previous one.
FOLLOW_UP_RE = re.compile(r"^(那|那么|那要|那我|还有|还要|另外|然后|这个|这样|它|他们|要带|需要带|去哪|在哪|多久|多长时间|要多少)")
SENTENCE_RE = re.compile(r"[^。！？；!?;]+[。！？；!?;]?")


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
    answer = short_sentences(body)
    if result.source:
        answer += f"来源：《{result.source.strip('《》')}》"
    return answer


def is_follow_up(question: str) -> bool:
    q = question.strip()
    return bool(FOLLOW_UP_RE.match(q)) or len(re.sub(r"[^\u4e00-\u9fff]", "", q)) <= 6


def _to_answer(question: str, response: SearchResponse) -> PolicyAnswer:
    if not response.answerable or not response.results:
        return PolicyAnswer(question, False, NOT_FOUND_TEXT, confidence=response.confidence,
                            alternatives=[r.id for r in response.results[:3]])
    best = response.results[0]
    return PolicyAnswer(
        question=question, answerable=True, text=compose_answer(best), entry_id=best.id, title=best.title,
        source=best.source or None, topic=best.topic or None, follow_up=best.id,
        confidence=response.confidence, alternatives=[r.id for r in response.results[1:4]],
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
        # A follow-up: search again with the entry (or words) under discussion.
        hinted_entry = kb.entry(topic_hint)
        context = hinted_entry.title if hinted_entry else topic_hint
        combined = kb.search(f"{context} {question}", top_k=5)
        if plain.answerable and not is_follow_up(question) and (
                not combined.answerable or plain.confidence >= combined.confidence):
            return _to_answer(question, plain)
        if hinted_entry and combined.results:
            # Prefer entries of the topic under discussion over a stray best match.
            same_topic = [r for r in combined.results if r.topic == hinted_entry.topic]
            if same_topic and combined.results[0].topic != hinted_entry.topic:
                combined.results.remove(same_topic[0])
                combined.results.insert(0, same_topic[0])
            combined.answerable = combined.answerable or plain.answerable
        answer = _to_answer(question, combined if combined.answerable else plain)
        return answer
    except (KbNotFound, EmbeddingModelError) as exc:
        _log().warning("kb_unavailable", error=str(exc)[:200])
        return PolicyAnswer(question, False, UNAVAILABLE_TEXT, available=False)
