"""The emergency safety net: does this message report an emergency happening now?

It does not depend on the intent classifier. It reads the normalised message
(:mod:`assistant.safety.normalise`), finds every cue of ``data/cues.yml``, and asks
of each cue, in turn, whether a suppressor of ``data/suppressors.yml`` applies to
it: an ordinary sense (火锅), a denial (没有着火), a hypothetical (万一着火), an event
that is over (昨天…已经灭了), a habit (电梯经常困人), a hazard complaint (有火灾隐患).
The message is an emergency when at least one cue survives. Recall first: a
suppressor applies only to the cue in its scope, and urgency (快来, 救命, 现在)
overrides the weaker ones.

Pure and fast: no I/O after the first call (the lexicon is compiled once), no
model; well under a millisecond for a chat message.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import structlog

from assistant.privacy import mask_text
from assistant.safety.lexicon import KIND_ORDER, TOPIC_ORDER, Cue, Lexicon, Suppressors, lexicon
from assistant.safety.normalise import normalise

log = structlog.get_logger(__name__)

VERSION = 1
# After a cue, these make it "actual": it has happened or is happening (着火了, 着火啊).
_PERFECTIVE = re.compile(r"^(?:了|啦|咯|喽|啰|嘞|啊|呀|哇|咧|喔|哦|嘛|起来了|le(?![a-z]))")
_PROGRESSIVE = re.compile(r"(?:在|正|一直)$")
_CONTENT = re.compile(r"[^,。\s啊呀哇吧呢吗了啦!！?？.]")
# Suppressions that say the message is not about an emergency at all; others
# (hypothetical, past...) still tell which advice fits if the classifier insists.
_NOT_ABOUT_IT = ("ordinary_sense", "negation")


@dataclass(frozen=True)
class SafetyVerdict:
    """What the safety net decided about one message, and why.

    - ``emergency``: whether the emergency path must run, whatever the classifier says;
    - ``kinds``: the kinds of emergency, most urgent first (gas before fire);
    - ``cues``: the cue phrases that fired (as read after normalisation);
    - ``suppressed``: cues that matched but were suppressed, as
      ``"<category>:<marker>→<cue>"`` (e.g. ``"hypothetical:万一→着火"``);
    - ``topics``: the advice topics, in the order their advice is given.
    """

    emergency: bool
    kinds: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    suppressed: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    # Advice topics of cues suppressed as hypothetical/past/hazard talk: used only
    # when the classifier calls the message an emergency although the net did not.
    fallback_topics: tuple[str, ...] = field(default=(), repr=False)

    def as_metadata(self) -> dict:
        """JSON-serialisable, for Rasa's message metadata (``butler_safety``)."""
        return {
            "emergency": self.emergency,
            "kinds": list(self.kinds),
            "cues": list(self.cues),
            "suppressed": list(self.suppressed),
            "topics": list(self.topics),
            "version": VERSION,
        }


@dataclass(frozen=True)
class _Hit:
    cue: Cue
    start: int
    end: int
    text: str


def _region(text: str, hit: _Hit, window: int) -> str:
    if window < 0:
        return text
    return text[max(0, hit.start - window): hit.end + window]


def _alone(text: str, hit: _Hit) -> bool:
    rest = text[: hit.start] + text[hit.end:]
    return len(_CONTENT.findall(rest)) <= 2


def _find(text: str, lex: Lexicon) -> list[_Hit]:
    hits = []
    for cue in lex.cues:
        for match in cue.pattern.finditer(text):
            if not match.group():
                continue
            hit = _Hit(cue, match.start(), match.end(), match.group())
            if cue.needs or cue.alone:
                region = _region(text, hit, cue.window)
                needed = bool(cue.needs) and all(n.search(region) for n in cue.needs)
                if not (needed or (cue.alone and _alone(text, hit))):
                    continue
            hits.append(hit)
    return hits


def _actual(text: str, hit: _Hit) -> bool:
    """The cue is reported as having happened or happening (了, 在, 啊)."""
    if re.search("[了咗啦]", hit.text):
        return True
    if _PERFECTIVE.match(text[hit.end: hit.end + 3]):
        return True
    return bool(_PROGRESSIVE.search(text[max(0, hit.start - 3): hit.start]))


def _sentence_before(text: str, start: int) -> str:
    return text[text.rfind("。", 0, start) + 1: start]


def _clause_before(text: str, start: int) -> str:
    cut = max(text.rfind("。", 0, start), text.rfind(",", 0, start))
    return text[cut + 1: start]


def _sentence_after(text: str, end: int, window: int) -> str:
    stop = text.find("。", end)
    stop = len(text) if stop < 0 else stop
    return text[end: min(stop, end + window)]


def _time_frame(text: str, hit: _Hit, s: Suppressors) -> tuple[str, re.Match[str]] | None:
    """The nearest past, present or habitual time word before the cue."""
    best: tuple[str, re.Match[str]] | None = None
    for name, pattern in (("past", s.past_time), ("present", s.past_present), ("habitual", s.habitual)):
        for match in pattern.finditer(text, 0, hit.start):
            if best is None or match.start() > best[1].start():
                best = (name, match)
    return best


def _suppression(text: str, hit: _Hit, s: Suppressors, urgent: bool) -> str | None:
    """Why this cue does not report an emergency now, or None if it does."""
    cue = hit.cue
    # Ordinary senses: the cue's own guard, then words overlapping the cue.
    if cue.unless is not None:
        found = cue.unless.search(_region(text, hit, cue.window))
        if found:
            return f"ordinary_sense:{found.group()}"
    for word in s.ordinary.finditer(text, max(0, hit.start - 8), hit.end + 8):
        overlaps = word.start() < hit.end and hit.start < word.end()
        inside_cue = hit.start <= word.start() and word.end() <= hit.end
        if overlaps and not inside_cue:
            return f"ordinary_sense:{word.group()}"
    # Denials and near misses, just before the cue.
    before = _clause_before(text, hit.start)[-8:]
    for category, pattern in (("negation", s.negation), ("negation", s.near_miss)):
        found = pattern.search(before)
        if found:
            return f"{category}:{found.group()}"
    # Hypotheticals.
    actual = _actual(text, hit)
    found = s.hypothetical_before.search(_sentence_before(text, hit.start))
    if found is None and not actual:
        found = s.hypothetical_before_near.search(_clause_before(text, hit.start))
    after = _sentence_after(text, hit.end, s.hypothetical_after_window)
    if found is None:
        found = s.hypothetical_after.search(after)
    if found is None and not actual and not s.hypothetical_anchor.search(text):
        found = s.hypothetical_after_unless_actual.search(after)
    if found is None:
        found = s.hypothetical_anywhere.search(text)
    if found is None and not urgent:
        found = s.hypothetical_anywhere_soft.search(text)
    if found:
        return f"hypothetical:{found.group().lstrip('^')}"
    # Past events that are over.
    if not cue.present:
        found = s.past_aspect.search(text[hit.start: hit.end + 4])
        if found:
            return f"past:{found.group()}"
        found = s.past_over.search(text, hit.end)
        if found:
            return f"past:{found.group()}"
        if not urgent:
            found = s.past_aftermath.search(text)
            if found:
                return f"past:{found.group()}"
        if cue.kind not in s.habitual_exempt:
            found = s.habitual.search(hit.text)
            if found:
                return f"habitual:{found.group()}"
        frame = _time_frame(text, hit, s)
        if frame is not None:
            name, marker = frame
            if name == "past" and not s.past_ongoing.search(text, marker.start(), hit.end + 12):
                return f"past:{marker.group()}"
            if name == "habitual" and cue.kind not in s.habitual_exempt:
                return f"habitual:{marker.group()}"
    # Complaints about a hazard that has not (yet) happened.
    if cue.kind in s.hazard_kinds and not urgent and not actual:
        found = s.hazard_markers.search(text)
        if found:
            return f"hazard_complaint:{found.group()}"
    return None


def _ordered(values, order: tuple[str, ...]) -> tuple[str, ...]:
    rank = {value: i for i, value in enumerate(order)}
    return tuple(sorted(set(values), key=lambda v: rank.get(v, len(order))))


def _unique(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def assess(text: str | None) -> SafetyVerdict:
    """Decide whether ``text`` reports an emergency happening now (see the module
    docstring). Never raises on any string; logs every decision it makes."""
    started = time.perf_counter()
    normalised = normalise(text)
    if not normalised:
        return SafetyVerdict(False)
    lex = lexicon()
    urgent = bool(lex.suppressors.urgent.search(normalised))
    fired: list[_Hit] = []
    suppressed: list[str] = []
    fallback: list[str] = []
    for hit in _find(normalised, lex):
        reason = _suppression(normalised, hit, lex.suppressors, urgent)
        if reason is None:
            fired.append(hit)
        else:
            suppressed.append(f"{reason}→{hit.text}")
            if not reason.startswith(_NOT_ABOUT_IT):
                fallback.append(hit.cue.topic)

    kinds = _ordered((h.cue.kind for h in fired), KIND_ORDER)
    if len(kinds) > 1:
        kinds = tuple(k for k in kinds if k != "general")
    topics = _ordered((h.cue.topic for h in fired if h.cue.kind in kinds), TOPIC_ORDER)
    verdict = SafetyVerdict(
        emergency=bool(fired),
        kinds=kinds,
        cues=_unique(h.text for h in fired),
        suppressed=_unique(suppressed),
        topics=topics,
        fallback_topics=_ordered(fallback, TOPIC_ORDER),
    )
    elapsed_ms = round((time.perf_counter() - started) * 1000, 3)
    if verdict.emergency:
        log.warning("safety_net_fired", kinds=list(verdict.kinds), cues=[mask_text(c) for c in verdict.cues],
                    suppressed=[mask_text(x) for x in verdict.suppressed], text=mask_text(text), ms=elapsed_ms)
    elif verdict.suppressed:
        log.debug("safety_net_suppressed", suppressed=[mask_text(x) for x in verdict.suppressed],
                  text=mask_text(text), ms=elapsed_ms)
    return verdict
