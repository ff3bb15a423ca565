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
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

import structlog

from assistant.privacy import mask_text
from assistant.safety import model
from assistant.safety.lexicon import KIND_ORDER, TOPIC_ORDER, Cue, Lexicon, Suppressors, lexicon
from assistant.safety.normalise import normalise

log = structlog.get_logger(__name__)

VERSION = 2
# The second opinion's probability at which a classifier's "emergency" stands when
# the cues did not fire: 0.5, the model's own even odds (a vote, not a tuned value).
PLAUSIBLE_SCORE = 0.5
# When the net read cues and explained why none is an emergency now (a question, a
# past event, a hazard complaint), the classifier's "emergency" stands only if the
# second opinion is as sure as it must be to fire on its own (model.THRESHOLD): the
# net's explicit reading outweighs a look-alike's words (a rule, not a tuned value).
SUPPRESSED_PLAUSIBLE_SCORE = model.THRESHOLD
# The second opinion fires on its own only on messages with at least this many content
# characters (round 12: a lone 现在, an answer to "when?", scored 0.94).
MODEL_MIN_CHARS = 3
# Round 14: when every cue was explained away (an ordinary sense, a habit, a hazard
# complaint...) but the second opinion is at least this sure, the explanation is
# overruled and the net fires. Measured on each blind set as it was when measured once
# (the lexicon and the model of that day, neither ever tuned on it): sets 9-12 pooled
# +10 emergencies caught for 1 false alarm at 0.85-0.93 alike, +7 for 1 at 0.95. The
# review rounds' hand-written look-alikes of tests/safety (枕头大战, a lift that stops,
# a child hiding) score 0.91-0.93 on today's model, so the bar is 0.95. Most overruled
# readings were "ordinary sense" ones the rest of the message did not bear out.
OVERRULE_SCORE = 0.95
# How a suppression found without any cue (a story, an everyday thing, a habit, an
# event over) is reported: "<category>:<marker>→model".
MODEL_SUPPRESSED = "→model"
# After a cue, these make it "actual": it has happened or is happening (着火了, 着火啊).
_PERFECTIVE = re.compile(r"^(?:了|啦|咯|喽|啰|嘞|啊|呀|哇|咧|喔|哦|嘛|起来了|le(?![a-z]))")
_PROGRESSIVE = re.compile(r"(?:在|正|一直)$")
_QUESTION_END = re.compile(r"(吗|么|嘛)$")
# Round 12: an A-not-A question right after a cue not said to be happening (油锅着火能不能用水浇).
# Not a request for help said that way (你们能不能帮忙看看监控).
_A_NOT_A = re.compile(r"^[^,。你您]{0,2}?(能不能|可不可以|可以不可以|能否)(?![^,。]{0,4}(?:帮|来|派|过来|救|看看|找|上门))")
# Just after a cue: it is asked about (你失踪了吗, 着火了么).
_QUESTION_AFTER = re.compile(r"[了啦]?(?:吗|么)")
# A request said politely (帮忙去看看好吗, 能派个人来吗) ends like a question but asks
# for help: it does not make the cue a question.
# Round 10: a rebuke (你们还不停电吗, 还不派人吗) ends like a question too but demands action now.
_POLITE_REQUEST = re.compile(r"(?:帮|麻烦|请|派|来|过来|去看|看看|看一下|上门)[^,。]{0,8}(?:好吗|行吗|可以吗|好不好|行不行|吗)$"
                             r"|还不[^,。]{0,8}吗$"
                             # Round 11: so is "does nobody deal with it?" (整个单元都是煤气味没人管吗).
                             r"|(?:没人|都不|不)管[^,。]{0,2}吗$"
                             # Round 13: "do you have …?" asks the desk for something (你们有AED吗).
                             r"|你们[^,。什么啥]{0,4}有[^,。什么啥]{1,8}吗$"
                             # Round 22: so is "what are you doing?" or a 到底 demanding an answer (你们到底在干嘛, 到底管不管嘛).
                             r"|(?:干嘛|干什么|干啥|搞什么|搞啥)[^,。]{0,2}$|(?:到底|究竟)[^,。]{0,8}(?:嘛|吗|么)$")
# Round 13: a cue that ends in a result complement (烧到, 漫到, 流进) reaches its object first.
_RESULT_END = re.compile(r"(?:到|进|入)$")
_CONTENT = re.compile(r"[^,。\s啊呀哇吧呢吗了啦!！?？.]")
# Suppressions that say the message is not about an emergency at all; others
# (hypothetical, past...) still tell which advice fits if the classifier insists.
_NOT_ABOUT_IT = ("ordinary_sense", "negation", "minor")
# Explanations the second opinion never overrules (OVERRULE_SCORE): a denial said
# outright (没有着火) and an event said to be over (孩子已经被抱出来了) are grammar the
# n-gram model cannot read; on the blind sets as measured once, overruling them caught
# no emergency and raised two false alarms.
_FINAL = ("negation", "past")
# Review 14: after a cue with 真 before it, what keeps it a what-if (真着火了的话, 真着火了会不会…,
# a consequence: 真着火了跑都跑不出去, 就全完了), and a how-to that does so when nothing anchors the
# cue (真着火了怎么办).
_WHAT_IF_AFTER = re.compile(r"的话|会不会|会怎(?:么)?样|跑都跑不|逃都逃不|(?:跑|逃)不(?:出去|脱|掉|赢|了)"
                            r"|(?:就|全|都)完了|还得了|不得了|那就|可就")
_HOW_AFTER = re.compile(r"怎么办|咋办|咋整|怎么弄|咋弄|该怎么|怎么处理")
# Review 18 (note 1): what to do now, asked after a cue said to have happened to one's own or to someone there
_PLEA_AFTER = re.compile(r"(?:要|应该|该)(?:怎么办|咋办|怎么做|怎么处理|打什么电话|打哪个电话|打几|找谁|叫谁)|(?:应该|该)?打(?:什么|哪个)电话")
_SOMEONE_IN_IT = re.compile(r"(?:困|关|锁|卡|压|埋)(?:住)?了(?:个|一个|两个|几个|好几个)?人|有人(?:被|在|倒|晕|摔|受伤)")
# Review 14: the resident's household (not a place by it: 我家附近, 我家楼下), and following a video
# or a post (照着视频里的偏方): what makes a cue theirs despite hearsay (see _own_clause).
_HOUSEHOLD = re.compile(r"(?:我|俺|咱)(?:们)?家(?!附近|旁边|楼|对面|小区|那|门口|周围|隔壁)|全家|一家人|一家子|家里人|一家老小")
_ACTED_ON = re.compile(r"(?:照着|按照|按着|跟着|学着|照|按)[^,。]{0,2}$")
_INSIDE = re.compile(r"里|中|上|内")
_SUDDEN = re.compile(r"突然|忽然|一下子")
_REMEDY_AFTER = re.compile(r"[^,。]{0,3}?的?(?:偏方|土方子?|方子|秘方|做法|办法|法子|药方)")
# A near miss said inside a long cue, just before its verb (孩子差点摔了, 老人险些被撞).
_NEAR_MISS_INSIDE = re.compile(r"(?:差点|差一点|险些)(?:儿)?(?:就)?(?=[^,。]{1,4}$)")
# Kinds whose cues carry their own time span (三天没见, 从昨天到现在没回来): a past
# time word before them starts the span, it does not close it.
_DAYS_KINDS = ("silent_elder", "missing")
# Round 16: a person said to feel sick (人有点恶心, 我有点难受) is the body, not a smell found disgusting (味道好恶心).
_PERSON_UNWELL = re.compile(r"(?:人|我|俺|他|她)(?:都|也|就|还)?(?:有点|有些|开始|觉得|感觉|好|很)?(?:恶心|发晕|难受|不舒服)")
# Kinds of a smell or a fume: a habit of the smell does not cover someone unwell now.
_FUME_KINDS = ("gas", "poisoning")
# After "it is over": it is not (还在响, 又烧起来).
_NOT_OVER = re.compile(r"[^,。]{0,2}(?:还在|还是|还有|又|仍|但是?|可是|却)")
# Review 15: a new symptom said later with a turn or now (后来扶起来了，可是现在说头疼想吐) reopens what was over:
# a head injury after a fall, a poisoning after the smell went.
_REOPENED = re.compile(r"(?:可是|但是?|不过|结果|现在|这会儿?|又|却)[^。]{0,10}?(?<![不没])"
                       r"(?:头晕|头疼|头痛|恶心|想吐|吐了|呕吐|胸闷|胸口疼|心慌|喘不|上不来气|站不稳|眼前发黑"
                       r"|说不出话|说话不清|叫不醒|叫不应|昏过去|昏迷|迷糊|抽搐|流血|出血|起不来|动不了)")
# For a missing or silent person a past day is where the silence STARTS (昨天走丢了,
# still missing); only a past EVENT (上次我爸走丢的事) is over.
_PAST_EVENT = re.compile(r"上次|上回|上一次|那次|那回|去年|前年|以前|从前|曾经|小时候|年轻时|当年"
                         # round 12: a month or a week ago is a past event too (上个月我爸走丢那次)
                         r"|上个?月|上个?(?:星期|礼拜)|上周")
# A fire/gas/electricity cue that is perceived now or has lasted minutes is not a
# hazard's what-if, whatever the complaint around it (天然气漏得整栋楼都能闻到; 着火冒烟十分钟了).
# A smell that stings (味道呛死人) is perceived too; a span of the day (都一上午了) has lasted.
_HAPPENING = re.compile(r"闻到|闻着|能闻|看到|看见|听到|[0-9一二三四五六七八九十几半两]+(?:分钟|个?小时|个?钟头|秒)了"
                        r"|好一会儿了|半天了|一(?:上午|下午|早上|晚上|整天|夜)了|好久了|味[^,。]{0,3}呛"
                        # round 10: a leak heard, growing, or filling the building (嘶嘶漏气, 越来越大, 全楼都是)
                        r"|嘶嘶|越来越(?:大|浓|重|冲|多)|(?:全楼|满楼|整栋楼?|整个楼)都|味道全"
                        # round 11: a whole stairwell or floor filled with it (整个单元都是煤气味)
                        r"|(?:整个|全|一整个)(?:单元|楼道|楼层|层)都(?:是|有)?[^,。]{0,3}(?:味|烟)"
                        # round 13: a place full of the smell now (单元头全是煤气味, 满屋都是味)
                        r"|(?:全|都|满|到处)是[^,。]{0,4}味"
                        # round 15: a smell that overwhelms people (燃气味冲得人都受不了了, 熏得人头晕)
                        r"|味[^,。]{0,3}(?:冲|熏)得[^,。]{0,4}(?:受不了|睁不开|喘不|头晕|想吐|难受|头疼|头痛)"
                        # round 23: sparks flying now (接头处火星四溅, 火花乱飞), told inside a complaint about old wiring
                        r"|(?:火星|火花)[^,。]{0,2}(?:四溅|乱飞|乱溅|直冒|噼里啪啦|噼啪)")
# Round 15: nearly fainting (差点晕倒) is no near miss when the message names the body unwell now
# (头晕恶心吐，刚才差点晕倒): it is the faint coming on, and the symptoms are today's.
_FIRE_PROPER = re.compile(r"着火|着了火|起火|起了火|失火|火灾|烧起来|着起来|大火|明火|火苗|火焰")
_FAINT = re.compile(r"晕倒|晕过去|昏倒|昏过去|晕了过去|昏了过去")
_UNWELL_NOW = re.compile(r"头晕|恶心|想吐|(?<![吐呕])吐了|呕吐|(?<=[晕心])吐|胸闷|心慌|出冷汗|冒冷汗|喘不上|喘不过|站不稳|眼前发黑|浑身无力|手脚发麻")
# A whereabouts denied (从不出远门, 没住院) or only announced (说要回老家, 闹着要去医院)
# accounts for nobody.
# Round 13: a whereabouts said of the writer (我在外地出差，我妈说我爸到现在没回家) accounts for nobody missing.
_WRITER = re.compile(r"(?:^|[,。])(?:我|俺)(?:在|人在|现在在)?(?:外地|外面|外头|国外|单位|公司)?$")
_DENIED = re.compile(r"(?:不|没|没有|未|从不|从没|从来不|从来没|说要|吵着要|闹着要|嚷着要|非要)$")


@dataclass(frozen=True)
class SafetyVerdict:
    """What the safety net decided about one message, and why.

    - ``emergency``: whether the emergency path must run, whatever the classifier says;
    - ``kinds``: the kinds of emergency, most urgent first (gas before fire);
    - ``cues``: the cue phrases that fired (as read after normalisation);
    - ``suppressed``: cues that matched but were suppressed, as
      ``"<category>:<marker>→<cue>"`` (e.g. ``"hypothetical:万一→着火"``);
    - ``topics``: the advice topics, in the order their advice is given;
    - ``model_score``: the second opinion's P(emergency), computed only when the
      lexicon found no cue at all (None otherwise); above ``model.THRESHOLD`` it
      fires on its own, reported as cue ``model:<score>`` and kind ``general``.
    """

    emergency: bool
    kinds: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    suppressed: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    model_score: float | None = None
    # Advice topics of cues suppressed as hypothetical/past/hazard talk: used only
    # when the classifier calls the message an emergency although the net did not.
    fallback_topics: tuple[str, ...] = field(default=(), repr=False)
    # Round 19: every cue's own subject is explained as no person (鹦鹉走丢了, my dog 跑丢了): final for the vote.
    subject_explained: bool = field(default=False, repr=False)

    @property
    def plausible(self) -> bool:
        """Whether an intent classifier's "emergency" may stand: the net fired, or its
        second opinion gives at least ``PLAUSIBLE_SCORE`` (``SUPPRESSED_PLAUSIBLE_SCORE``
        when cues matched and were all suppressed). A classifier's emergency that
        neither the cues nor the n-gram model support is outvoted two to one (see
        ``settle_intent``); when no model is installed it stands (recall first)."""
        if self.emergency or self.model_score is None:
            return True
        if self.suppressed and all(x.endswith(MODEL_SUPPRESSED) for x in self.suppressed):
            # Round 11: no cue at all, and the message says what it is about instead (a
            # story, a lost thing, anger, a habit, something over): nothing supports the
            # classifier's "emergency" (0 emergencies among ~1,000 such messages of the
            # tuned sets; most of set 10's classifier false alarms).
            return False
        if self.suppressed and all(x.split(":", 1)[0] in _FINAL for x in self.suppressed):
            # Round 15: every cue denied or said to be over (上回…晕倒了, 前天着火了…谁来刷): final for
            # the classifier's vote as for the model's overrule. At each blind run of sets 12-14 the
            # classifier-plausible messages explained only so were 2 look-alikes and no emergency.
            return False
        if self.subject_explained:
            # Round 19: what is lost or stuck is a pet or a thing named as the cue's own subject, the same reason the
            # model may not overrule it (`_subject_explained`); the n-gram model reads 走丢 alone.
            return False
        if self.suppressed and all(_SOMEDAY_WORRY.match(x) for x in self.suppressed):
            # Round 19: a worry of some day to come (就怕我爸哪天出门找不着家了): no day is today. On the tuned sets no
            # emergency's cues were all explained so (a classifier-plausible look-alike of set 18 was).
            return False
        # Review 19 (note 14): an ordinary sense, even one holding the whole cue, is the net's least certain reading: the
        # classifier's vote stands on the model's own threshold (a round-19 rule that made it final silenced the
        # classifier on 我爸累得吐血了 and 老大说要杀了他弟弟 已经把门踹开了 while those senses were too wide).
        return self.model_score >= (SUPPRESSED_PLAUSIBLE_SCORE if self.suppressed else PLAUSIBLE_SCORE)

    def as_metadata(self) -> dict:
        """JSON-serialisable, for Rasa's message metadata (``butler_safety``)."""
        return {
            "emergency": self.emergency,
            "kinds": list(self.kinds),
            "cues": list(self.cues),
            "suppressed": list(self.suppressed),
            "topics": list(self.topics),
            "model_score": self.model_score,
            "plausible": self.plausible,
            "version": VERSION,
        }


# Round 19: a hurry for a repair or a look (你们赶紧找人瞅瞅, 快派人来修) is no cry for help in a message without a cue
_REPAIR_HURRY = re.compile(r"(?:赶紧|赶快|快点?|马上)(?:找人|派人|叫人|来人)?(?:来|过来)?(?:给)?(?:修|瞅瞅|瞅一下|看看|看一下|瞧瞧|检查|处理|弄)")
_SOMEDAY_WORRY = re.compile(r"hypothetical:[^→]*(?:哪(?:一)?天|有一天)[^→]*→")


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
    """The cue is reported as having happened or happening: 了 in it or just after
    it (着火了, 喝了农药, 泡到水头了), an exclamation (着火啊), 在/正 before it."""
    if re.search("[了咗啦]", hit.text):
        return True
    # going on inside the cue (水正往我家电闸里灌, 阀门一直在喷)
    if re.search("正在|正(?=[往朝向在])|一直在|还在", hit.text):
        return True
    after = text[hit.end: hit.end + 4]
    if _PERFECTIVE.match(after) or re.match(r"^[^,。]{0,2}[了啦]", after):
        return True
    # Round 13: a cue ending in a result complement (烧到, 漫到, 流进) takes its object before 了:
    # 火都烧到一楼窗户了 is as perfective as 烧到了.
    if _RESULT_END.search(hit.text) and re.match(r"^[^,。]{1,6}[了啦咗]", text[hit.end: hit.end + 7]):
        return True
    return bool(_PROGRESSIVE.search(text[max(0, hit.start - 3): hit.start]))


def _residue(text: str, hit: _Hit, msg: "_Message") -> re.Match[str] | None:
    """Round 16 review: a fire's smell left over from a fire said to be over on a past day (上个礼拜楼下烧过一趟，
    现在还有焦味道): the fire event with 过 after a past time word, the smell said to be left (还有, 一直有) just
    before the cue, and nothing after the event says it is back, growing or hurting anyone."""
    s = lexicon().suppressors
    if s.past_residue_event is None or s.past_residue_left is None:
        return None
    if not s.past_residue_left.search(text[max(msg.clause_start(hit.start), hit.start - 8): hit.start]):
        return None
    day = s.past_time.search(text, 0, hit.start)
    if day is None:
        return None
    event = s.past_residue_event.search(text, day.end(), hit.start)
    if event is None:
        return None
    if s.past_residue_unless is not None and s.past_residue_unless.search(text, event.end()):
        return None
    return event


# Round 16: what usually happens (平时半小时就回来了, 一般十分钟就到家了) is the baseline a lateness is measured
# against, not an event that is over.
_USUALLY = re.compile(r"平时|平常|平日|往常|往日|以往|一般|通常|向来|素来|每天|每次|每回|天天|照理|按说|本来")


# Round 17 (set 16): a day to come in the cue's own clause (下周电梯困人应急演练, 明天停电梯) puts the cue in the future:
# no emergency now, whatever its aspect. Only in its clause: 明天来修，现在燃气还在漏 is today.
# Round 18: not a day that describes a noun (约明天的钟点工 厨房煤气味好大: 明天的 dates the booking, not the smell).
_FUTURE = re.compile(r"(?:下周|下个?(?:星期|礼拜|月)|明年|明天|明儿|明早|明晚|后天|下次|下回|下一次|改天|过几天|到时候"
                     r"|next (?:week|month|time)|tomorrow)(?!的)")
# Review 17 (note 7): the day to come governs only its own event. A cue said to have happened (着火了, 摔下来流了血) after
# that event is closed (后天就过年了 我家厨房着火了: 了 ends the day's clause) or after a turn of events (结果, 突然, 刚)
# is today's, also with no comma between (spoken messages lose their spaces in normalise).
_FUTURE_CLOSED = re.compile(r"了|结果|突然|忽然|刚|已经|正在|现在|这会")
# A realised cue is in the day to come only through a modal between them (明天电梯要停了, 下周会…了).
# Review 17: a condition, a fear of some day or a product asked about earlier in the sentence does not govern a cue
# said to have happened, or a state, after a turn of events (结果, 这下, 刚才): spoken messages are one sentence.
_FUME_UNWELL = re.compile(r"头(?:好|很|有点|特别|都)?(?:晕|疼|痛)|恶心|想吐|喘不|呛得")
_LATIN_CUE = re.compile(r"[a-z]{3}")
_EN_PAST_AFTER = re.compile(r"[a-z ']{0,20}?\b(?<!since )(?<!from )(?<!till )(?<!until )(yesterday|last (?:week|night|month|year|time)|(?:[a-z]+ )?(?:days?|weeks?|months?|years?) ago)(?![a-z])")  # round 20: not \b — Chinese may follow at once
_EN_STILL = re.compile(r"\b(?:still|since|keeps?|right now|(?:won.?t|can.?t|cannot|couldn.?t) (?:get up|move|breathe|stand|wake|stop)"
                       r"|not (?:moving|breathing|waking|answering|responding)|lying|on the floor|unconscious|bleeding)\b"
                       # review 19 (note 23): again after it, or a symptom named (the way _REOPENED reads Chinese); a bare now or
                       # today is not enough (fainted two days ago, now fine)
                       r"|\b(?:again|confused|vomit\w*|throw\w* up|threw up"
                       r"|sleepy|drowsy|dizzy|(?:won.?t|can.?t|cannot|couldn.?t) (?:walk|talk|speak|see)|swollen|swelling|smell\w*"
                       r"|headache|head ?ache|hurts?|pain\w*|blood|faint\w*|passed out|breath\w*|worse)\b"
                       r"|还在|一直|起不来|叫不醒|动不了|又|头晕|头疼|头痛|恶心|想吐|吐了|呕吐|迷糊|站不稳|肿"
                       # review 19b (B12): a state of the person told in the present after now/today (now he is acting
                       # strange, now her face looks droopy) keeps the cue, unless it says they are fine
                       r"|\b(?:now|today|this morning|tonight|at the moment),? (?:he|she|his|her|they|their|my \w+)\b"
                       r"(?! (?:is|are|'s|seems?|looks?) (?:fine|ok|okay|alright|all right|better|good|well|doing))"
                       r"|\b(?:slurr\w*|droop\w*|weak|numb|strange|not making sense|not himself|not herself)\b")
_SMELT_BY = re.compile(r"(?:我|俺|我们|俺们)[^,。]{0,2}(?:闻到|闻着|闻见)")
_OWN_WATCHER = re.compile(r"(?:我|俺)(?:家|们家)?(?:的)?(?:爸|妈|爷|奶|姥|外公|外婆|老伴|老公|老婆|儿|女|孙|孩子|娃|宝宝|婆婆|公公)|^(?:孩子|娃|宝宝|老伴)")
_OTHER_PERSON = re.compile(r"主持人|嘉宾|选手|演员|的人|有人|个人|有个|那个|这个|他|她|人家|里")
_NOW_INSIDE = re.compile(r"在|一直|已经|正|还|现在|刚")
_MODAL_INSIDE = re.compile(r"(?<![不没])(?:会不会|可能会|会|容易)$")
_TURNED = re.compile(r"结果|这下|刚才|刚刚")
# Review 19b (B16): a symptom had (有…的症状) is someone's, not the topic
_SYMPTOM_HAD = re.compile(r"有(?!没有|什么|哪些|啥)")
# Round 19: today named after the condition's own event (就怕哪天出事 今天我妈真的走丢了), not inside the condition (万一今天…)
_TODAY_TURN = re.compile(r"今天|今儿|今早|今晚|这回|这次")
# Round 19 (set 18): a change of subject (顺便, 另外, 对了, 还有我们楼那个…) ends what a question, a policy word or a day to come
# governed: 我想预约明天上门理发 顺便问下…我妈出门一直没回来 and 高龄津贴怎么申请 还有…独居的奶奶三天没见了 report now.
_WATCHING_NOW = re.compile(r"正在(?=看|追|刷|听|读|玩)")
_TOPIC_SHIFT = re.compile(r"顺便|另外|对了|再就是|再问|还想问|还有(?:就是|个事|件事|一件事|一个事|个问题|一个问题|啊|呀|呢|,)"
                          r"|还有(?=我们|我家|俺家|咱们|咱家|那个|这个|楼上|楼下|隔壁|对门)")
# Round 18: sooner or later (迟早着火, 早晚会出事) is a what-if of its clause, whatever follows the cue.
_SOONER = re.compile(r"(?:迟早|早晚(?=会|得|要|也|都))[^,。吧呢了啊]{0,3}$")
# Round 18: a fall feared with nobody to notice it (没人管, 没人知道), said of no particular time.
_NOBODY_NOTICES = re.compile(r"没(?:有)?人(?:管|知道|发现|照顾|扶|看见|看到)")
_DATED = re.compile(r"刚|已经|现在|今天|今早|今晚|昨天|昨晚|前天|才|这会|正在|还在|一直|起不来|叫不醒|不省人事|血")
_STATE_CUE = re.compile(r"起不来|动不了|站不起来|叫不醒|没反应|不省人事")
_FUTURE_MODAL = re.compile(r"要|会|将|打算|准备|计划|可能|得")
# Round 17: someone's question passed on (我老公问电梯困人了能不能自己扒门出去): the cue is what was asked about
# when a question about it follows in its sentence; not a message from the one in trouble (他被困住了，他问…), nor a
# question about a person named in it (邻居问钱奶奶怎么两天没出门: about her).
_ASKED = re.compile(r"(?:老公|老婆|爱人|丈夫|妻子|媳妇|老伴|妈妈|爸爸|我妈|我爸|爷爷|奶奶|外公|外婆|姥姥|姥爷|孩子|儿子|女儿"
                    r"|老师|家长|人家|有人|别人|邻居|朋友|同事|同学)(?:想|也|还|就)?问(?!题|候|好)")
# Review 17 (note 9): a question passed on about something said to have happened to someone (他家老人晕倒了, 她摔倒了)
# or said to go on (烟都上来了, 现在, 还在) is a relayed emergency, not a general question.
_RELAYED_WHO = re.compile(r"我(?:的)?(?:同学|朋友|同事|邻居|室友|舍友)|他|她|爸|妈|爷|奶|孙|老伴|老公|老婆|儿子|女儿|我们|咱们|俺们|我家|他家|她家")
_RELAYED_NOW = re.compile(r"现在|这会|还在|正在|都上来|越来越|已经|烟都|火都|叫不醒|喊不醒|起不来|没反应|快不行|不行了")
_ASKED_WHAT = re.compile(r"能不能|可不可以|可以不可以|能否|会不会|要不要|多久|多长时间|哪个|哪里|怎么|咋|吗|么|呢|是不是")
# Round 17: a laugh about what the resident is watching (我在看动画片，他掉进水里了哈哈) is the show's, not a report.
_WATCHING = re.compile(r"(?:在|正在)(?:看|追|刷)|看的(?:那|这)")
# Review 17 (note 11): a fire or gas said to have happened after a laugh while watching is not guessed to be the
# show's (我在看电视 哈哈 厨房着火了): only when the message puts it in the show (片里, 剧里, 节目里, 动画里).
_SHOW_EXEMPT = ("fire", "gas")
_IN_SHOW = re.compile(r"(?:片|剧|节目|动画|视频|电视|电影|里面那个)(?:里|中|上)(?!面?[有是]?(?:我|俺))")
# Round 17 (set 16): a cue said to be going on now in its own clause (煤气管子又在嘶嘶漏气, 正在冒烟) is not the habit an
# earlier clause describes (天天说安全安全，…又在漏气).
_GOING_NOW = re.compile(r"正在|又在|还在|这会儿?(?:正)?在|现在(?:正)?在|此刻")
# Round 17 (lead's brief): fear felt now, then a pause, then a bare event about nobody in particular (真怕 老人摔倒) is
# still the worry: the event is not said to happen (no 了, 在, 正), nobody is named (他, 我, 我妈, 有人) and nothing places
# it (楼道, 现在). 我好怕 他拿刀要砍我 and 好害怕啊 楼道里全是烟 are what the fear is about, happening; 好怕啊，着火 a cry.
_FEAR_PAUSE = re.compile(r"(?:怕|害怕|担心|生怕)[啊呀哇哦]?,$")
_SOMEONE = re.compile(r"他|她|我|俺|你|有人|咱|谁")
# Review 17 (note 17): a state or a result in the clause (倒地不起, 不省人事, 高烧抽筋) says the event is happening, even
# with no 了 (telegraphic speech): the fear is about what is there, not a worry.
_STATE_NOW = re.compile(r"不起|不省人事|昏迷|抽筋|抽搐|抽起来|高烧|烧到|流血|出血|血流|满脸血|是血|喘不|上不来气|透不过气"
                        r"|没反应|叫不醒|喊不醒|没气|没呼吸|不动了|一动不动|口吐|翻白眼|不醒")
# … unless the clause places the state in some night or day to come, or in nobody noticing (老人半夜昏迷没人管): feared.
_SOMEDAY = re.compile(r"半夜|夜里|晚上|以后|将来|哪天|有一天|老了|到时候|没人管|没人知道|没人发现")
# Round 17: a show being watched (电视剧, 电影, 动画片, 追剧) is the story only of what happens in it. A person of the
# message's, outside the show (not 剧里, 电影里的, 男主的爸爸), taken suddenly while watching (我在看电视剧，我爸突然倒了;
# 看电影的时候我爸突然喘不上气了; 陪孙子看动画片，孙子突然抽起来了) is no part of it. Dreams, drills and classes stay stories.
_MEDIA = re.compile(r"电影|电视剧|连续剧|悬疑剧|动画片?|动漫|综艺|纪录片|追剧|美剧|韩剧|日剧|港剧|网剧|节目|新闻|直播")
_WATCHER_THEN = re.compile(r"[,。]|的时候|时|着|到一半|一半|完|之后|以后|后")
# Between the show and 突然, only the watching itself (看着看着, 追到一半, 的时候): no one else is its subject.
_STILL_WATCHING = re.compile(r"[看着了到一半的时候时追刷就又在呢,哈嘿嘻]*")
_WATCHED = re.compile(r"看完|看了|看着|刚看|在看|正看|在追")
# Review 18 (note 1): in the show (有个老人, 里面, 主角…) between the watching and the person: the show's, not theirs
_SHOW_PERSON = re.compile(r"里面|里头|里边|剧里|片里|有个|有一个|主角|女主|男主|演员|角色|镜头")
_OWN_WHO = re.compile(r"(?:我|俺)(?:家|们家)?(?:的)?(?:爸|妈|爷|奶|姥|外公|外婆|老伴|老公|老婆|儿|女|孙|孩子|婆婆|公公)")
# Review 18 (note 1): the show over and left (看完电影出来, 散场): what happens after is life, unless told of the show
_LEFT_SHOW = re.compile(r"(?:出来|散场|散了|回来|回家|回到家|到家)")
_TOLD_OF_SHOW = re.compile(r"(?:电影|剧|片|节目|视频|新闻)(?:里|中|上)|剧情|演|主角|女主|男主|角色|镜头|新闻|报道|讲的是|说的是|(?:^|(?<=[,。来家]))(?:说|讲)|听说|据说")
_AT_ONCE = re.compile(r"就(?:倒|晕|昏|抽|吐|喘|说不出|栽|摔|不行)")
_AROUND = re.compile(r"外面|外头|楼下|楼上|隔壁|对门|对面|厨房|家里|屋里|窗外|门外|楼道")
_SMELT = re.compile(r"(?:就|又)?(?:闻到|闻着|闻见|一股|好大一股|有股)")


# Review 18 (note 10): a liking (老爱玩火) is a habit of the verb it governs; an event said to have happened after it
# (把窗帘点着了) is today's.
# Round 22: the habit is the background of today's instance told after it, the cue's own verb again after today or now
# (天天打孩子 今天打得孩子嗷嗷叫, 经常吵架 刚才又动刀了 is another cue's): 今天/刚才/现在 then, within a few characters, the
# verb that opens the cue (打) or a going-on (还在, 正在).
_TODAY_NOW = re.compile(r"(?:今天|今儿|今晚|今早|今天早上|今天晚上|这回|这次|刚才|刚刚|现在|这会儿?|此刻)")


# Review 22 (MUST 1, 12): what is asked after a cue — prevention, who pays, whether it can still be used — is a topic or
# the aftermath only while nothing says the event is on now. Prevention named after a cue said to have happened (摔倒了
# 防范有啥用) is a complaint; who pays after a hit told now, to one's own, or with someone still down or hurt (刚才…撞倒
# 一个老太太 谁来赔 她坐地上哭; 把我爸撞了 怎么定责) is asked from inside it; 能用吗 after smoke still going (还在冒烟 还能
# 用吗) asks about a fire.
_PREVENTION = re.compile(r"预防|防治|防范")
# … and before a cue: prevention governs only what has not happened (怎么预防老人摔倒), never a cue said to have (…防范
# 煤气还是泄漏了; spoken messages lose their pauses, so the marker may sit right before it)
_PREVENTION_BEFORE = re.compile(r"^(?:预防|防止|防范|以防|提防|避免|怎么防|如何防|怎么预防|怎样预防|如何预防)$")
_WHO_PAYS = re.compile(r"赔|定责|责任")
_HIT_ON = re.compile(r"刚才|刚刚|刚(?=[^,。]{0,4}(?:撞|轧|碾|刮|被))|现在|正在|还在|躺|倒在|倒地|坐(?:在)?地上|在地上|起不来|站不起|爬不起|"
                     r"动不了|不动|流血|出血|是血|血流|疼|痛|哭|昏|晕|叫不醒|没反应|不省|快来|救命|120|救护车|送医院|骨折|断了")
_STILL_DOWN = re.compile(r"刚才|刚刚|现在|正在|还在|躺着|躺在|倒在|倒地|在地上|起不来|站不起|爬不起|不动|流血|出血|血流|是血|昏|叫不醒|没反应|不省")
_USE_ASKED = re.compile(r"能用吗|能坐吗|安全吗|有用吗|管用吗")
_GOING_ON_BEFORE = re.compile(r"(?:还在|正在|一直在?|又在|不停地?)[^,。]{0,2}$")


def _aftermath_asked_while_on(msg: "_Message", hit: "_Hit", found: re.Match[str], actual: bool) -> bool:
    asked = found.group(found.lastindex or 0)
    text = msg.text
    if _PREVENTION.match(asked):
        return actual
    if _WHO_PAYS.search(asked):
        sentence = text[msg.sentence_start(hit.start): hit.end + len(msg.sentence_after(hit.end, len(text)))]
        return bool(_HIT_ON.search(sentence) or _OWN_WHO.search(text, max(0, hit.start - 8), hit.end))
    if _USE_ASKED.search(asked):
        return bool(_GOING_ON_BEFORE.search(text, max(0, hit.start - 6), hit.start))
    return False


def _today_again(text: str, hit: "_Hit", after: str) -> bool:
    today = _TODAY_NOW.search(after)
    if today is None:
        return False
    rest = after[today.end(): today.end() + 8]
    return bool(_GOING_NOW.search(rest) or (hit.text[:1] and hit.text[:1] in rest))


_LIKING = re.compile(r"(?:(?:冬天|夏天|平时|平常|晚上)(?:里)?)?(?:总|老|就|都|特)?(?:爱|喜欢)")
# Review 18 (note 1): a drill denied (不是演习) or a real event said during it (演练的时候真着火了, 是真的): not the drill.
_DRILL = re.compile(r"演习|演练|drill")
_DRILL_DENIED = re.compile(r"(?:不是|并非|哪是|不像|没有|没在|可不是)(?:在)?(?:搞|做|消防|防火|逃生)?$")
_REAL_IN_DRILL = re.compile(r"真的|是真|真(?=[^,。]{0,2}(?:着|起|冒|烧|摔|倒|晕|被|有|困|出|伤))|not a drill|real")
_PRETEND = re.compile(r"假装|装作|模拟|假设|假的|扮|当作|当成")


# Review 18 (note 1): how long before the police take a report (才能报案), asked while the search goes on (我们都找了两个钟头了):
# not the aftermath of something over but a search under way.
_SEARCH_ON = re.compile(r"找了[^,。]{0,8}了|还没找到|没找着|还在找|正在找|到处找|找遍了")


# Review 18 (note 1's look-alike): how long the police wait before taking a report, asked with no search told
_REPORT_RULE = re.compile(r"(?:立案|报案|报警)[^,。]{0,4}(?:要|得|必须|需要)(?:等|过)[^,。]{0,8}(?:吗|么|嘛|是吧|对吧)"
                          r"|(?:立案|报案|报警)[^,。]{0,4}(?:要等|得等)?(?:多久|多长时间|几个?(?:小时|钟头|天))"
                          # review 19: the wait said first (系咪要等24个钟先报警, 是不是要等一天才能报案)
                          r"|(?:要|得|必须)等[^,。]{0,8}(?:才|先|再)(?:能|可以)?(?:立案|报案|报警)")


_ASKING = re.compile(r"问问|问一下|问下|想问|请问|咨询|打听|一般|是不是都|系咪|系唔系")
_DISTRESS = re.compile(r"急死|急哭|急疯|急坏|吓死|怎么办|咋办|天黑|还没回|没回来|打不通|联系不上")


def _searching_now(text: str, aftermath: re.Match[str]) -> bool:
    return bool(aftermath.group().startswith(("能报", "报不报")) and text[aftermath.end(): aftermath.end() + 1] in ("案", "警")
                and _SEARCH_ON.search(text))


def _real_despite_drill(text: str, drill: re.Match[str], hit: "_Hit", actual: bool = False) -> bool:
    if _COURSE.fullmatch(drill.group()):
        return _real_at_course(text, drill, hit, actual)
    if not _DRILL.fullmatch(drill.group()):
        return False
    if _DRILL_DENIED.search(text, max(0, drill.start() - 6), drill.start()):
        return True
    between = text[drill.end(): hit.end] if drill.end() <= hit.start else text[hit.start: drill.start()]
    return bool(_REAL_IN_DRILL.search(between) and not _PRETEND.search(between))


# Round 20 (review 20 note 1): a class or a training (培训, 急救课, 讲座) names the topic of its day, not a pretend event:
# what happens to somebody there, said real (真晕倒了) or sudden of someone particular (有个老人突然倒地), is real. A role
# played (演摔倒的人, 扮伤员) stays the class's, and so does a sudden event taught (老人突然晕倒怎么办).
# Round 22: a demonstration (演示, 示范教学) is such a class.
_COURSE = re.compile(r"培训|急救课|安全课|课上讲|讲座|知识讲座|科普|消防宣传|宣传周|宣传|演示|示范教学|现场示范")
# review 20 (note 33): 就能 before perceiving or a state is the present (就能闻到, 就能看到…躺在), not a what-if
_PERCEIVED_OR_STATE = re.compile(r"闻|看|听|感觉|见|瞅|瞧|躺|倒|趴|摸到|现在")
_URGENT_AT_COURSE = re.compile(r"快叫|快来|救护车|120|119|110|救命|赶紧|快打")
_ACTING = re.compile(r"演(?!示|讲|习|练)|扮|假装|装作|模拟|假的|当作|当成")
_PARTICULAR = re.compile(r"有个|有位|有一个|有一位|有人|[\u4e00-\u9fff](?:阿姨|奶奶|爷爷|大爷|大妈|大娘|叔|婶|师傅|姐|哥)")
# review 20 (notes 7, 8): the class's topic is taught (讲, 教, 学, 演示) or asked after the cue (怎么办, 怎么扶, 的时候); a
# teacher is never the particular person of a taught event
_TAUGHT = re.compile(r"(?:医生|老师|专家|讲师|大夫|护士)(?:说|讲(?!着|完|到一半)|介绍(?!完))|讲(?!座|堂|台|着|完|到一半|到中途|了[一二三四五六七八九十几半\d])|教(?!室|学楼|了一半)|学(?!校|生|堂|员|着学)|演示(?!完)|示范|介绍|说了?(?:说)?(?=[^,。]{0,6}(?:怎么|如何))")
_TAUGHT_AFTER = re.compile(r"[^,。]{0,3}?(?:怎么|咋|如何|该|应该|要怎|的时候|时(?:候)?(?:要|该|怎)|的处理|的急救)")


def _real_at_course(text: str, course: re.Match[str], hit: "_Hit", actual: bool) -> bool:
    if course.end() > hit.start:
        return False
    between = text[course.end(): hit.end]
    if _ACTING.search(between):
        return False
    if _REAL_IN_DRILL.search(between) or _OWN_WHO.search(text, 0, hit.end):
        return True  # review 20b (notes 11, 23): one's own person at the class is real, even asking what to do
    if _TAUGHT_AFTER.match(text, hit.end):
        return False
    if _STATE_NOW.search(between):
        return True  # review 20b (note 11): a state said at the class (口吐白沫, 晕过去) is real whatever was taught
    if _TAUGHT.search(between):
        return False
    # review 20 (note 7): an event at the class said to have happened, a state (起不来, 叫不醒, 抽搐), one's own kin or an
    # urgent word is the resident's, like a sudden event of someone particular
    if actual or _STATE_NOW.search(between) or _OWN_WHO.search(text, 0, hit.end) or _URGENT_AT_COURSE.search(text):
        return True
    return bool(_SUDDEN.search(between) and _PARTICULAR.search(between))


# Review 20 (note 5): 咋找 and 自救 (how to find, how to save oneself) are a question only when the message is the bare
# cue and the question (困电梯咋自救？ 孩子走丢咋找？), perhaps with a generic who (孩子, 老人), or carries a general frame
# (一般, 万一, 想学, 讲讲); anything told besides — the writer, one's own kin, a place, a time, a plea, a state — is a resident in it.
_BARE_HOW = re.compile(r"(?:怎么|咋|咋个|如何)自救|咋(?:个)?找(?![到着])")
_GENERIC_WHO = re.compile(r"(?:孩子|小孩子?|小朋友|老人家?|老年人|宝宝|人)?")
_GENERIC_WHERE = re.compile(r"(?:在)?(?:电梯|厕所|卫生间)?(?:里)?了?")  # 被困电梯咋自救: the cue's own place
_ONLY_PARTICLES = re.compile(r"[啊呀呢哦嘛吧哈呐,。!?]*")
# review 20b (note 19): 真有事 is "if something happens" only in a frame of a device broken, a person alone or a what-then
# review 20b (note 39): a person living alone is no such frame (独居那个阿姨真有啥事敲门不应: knocked, no answer)
_CF_FRAME = re.compile(r"坏了|没电|万一|没人知道|谁知道|怎么办|咋办|咋整|的话|谁负责")
_CF_NOW = re.compile(r"这回|这次|这下|现在|爸|妈|爷|奶|太|婆|公|伴|老头|孩子")
_ASKED_AFTER = re.compile(r"(?:有没有|有啥|有什么)(?:好|什么)?(?:办法|法子)|想学|学学|讨论|问问")
_ASK_TAIL = re.compile(r"[^,。]{0,3}[啊呀呢哦嘛吧哈呐,。!?]*")
_TOLD_AFTER = re.compile(r"还没|没找到|找不到|小时|钟头|岁|天黑|报警|急|已经|刚|要是|如果")
# review 23 (MUST 2): the learning frame with a bare 先 (想先学, 想先了解), and the question it must follow to mean "ahead"
_FIRST_ONLY = re.compile(r"想先(?:学|了解)")
_ASKED_THEN = re.compile(r"(?:能不能|能否|可不可以|可以吗|怎么|咋|如何|吗|么|是不是|要不要|该不该|对不对|才对|什么|啥|哪|多[深久少长大重远])[^。]{0,12}[。?？,]?"
                         r"[^。]{0,3}$")
# final review 23 (MUST 1): … and only while the emergency asked of is nobody's in particular (老人摔倒了…能不能马上扶起来？):
# a place or person of the resident's (厨房着火了 用水能灭吗, 老伴喘不上气 咋办) or a sign said as now (煤气漏了
# 味道好大 怎么关啊, 嘴唇发紫) makes the question about their own emergency, and 想先学 is "first, before I act"
_OWN_HERE = re.compile(r"(?:我|俺|咱)(?:们)?(?:家|这|的)|家里|屋里|厨房|卫生间|厕所|阳台|客厅|卧室|楼道|楼下|楼上|门口|隔壁|对门"
                       r"|老伴|老公|老婆|爱人|孩子|孙|(?:好|很|太|特别|越来越)(?:大|浓|重|呛|冲|多|烫|猛|厉害)|发紫|发青|发白")
_GENERAL_FRAME = re.compile(r"一般|万一|如果|要是|想学|学学|讲讲|请教|有经验|科普|知识|有没有(?:好|什么)?(?:办法|法子)|有啥(?:好)?(?:办法|法子)|问问|群里|讨论")


def _only_asked(msg: "_Message", hit: "_Hit", found: re.Match[str]) -> bool:
    text = msg.text
    start = hit.end + found.start(1)
    end = hit.end + found.end(1)
    # review 20b (note 10): a general frame before the cue (万一孩子走丢咋找, 一般…); after the question only a way asked or
    # a wish to learn with nothing told (孩子走丢咋找 有没有好办法), never 要是天黑了咋办 (the parent's next step)
    if _GENERAL_FRAME.search(text, 0, hit.start) or (msg.learning is not None and msg.learning.start() < hit.start):
        return True
    # review 20b (notes 34, 41): only of a generic who (孩子, 老人), and with nothing after the way asked — one's own
    # grandson (我孙子走丢咋找), clothes, a place or the family out searching told after it is a search under way
    asked = _ASKED_AFTER.search(text, end)
    if (asked is not None and not _TOLD_AFTER.search(text, end) and _GENERIC_WHO.fullmatch(text, 0, hit.start)
            and _ASK_TAIL.fullmatch(_ASKED_AFTER.sub("", text[asked.end():]))):
        return True
    return bool(_GENERIC_WHO.fullmatch(text, 0, hit.start) and _GENERIC_WHERE.fullmatch(text, hit.end, start)
                and _ONLY_PARTICLES.fullmatch(text, end) and "啊啊" not in text[end:])  # review 20 (note 19): a cry


def _today_turned(text: str, start: int, end: int) -> bool:
    today = _TODAY_TURN.search(text, start, end)
    return today is not None and len(_CONTENT.findall(text, start, today.start())) >= 2


def _real_against_story(msg: "_Message", story: re.Match[str], hit: "_Hit") -> bool:
    """Round 19: after a show or hearsay, a cue said to be real (真, 真的, 是真) at a place or a person of the resident's
    own (我家楼下真着火了, 楼下真的冒烟了), and not put in the show (剧里, 片里) nor played, is the resident's event."""
    between = msg.text[story.end(): hit.end]
    return bool(_REAL_IN_DRILL.search(between) and msg.s.hypothetical_anchor.search(between)
                and not _PRETEND.search(between) and not _IN_SHOW.search(between))


def _real_beside_show(msg: "_Message", show: re.Match[str], hit: "_Hit", actual: bool) -> bool:
    """Round 19: a show named (电影, 电视剧) does not hold a cue said to have happened after it at the resident's own
    place or with a cry for help after the show's name (我在看电影 楼下着火了 快来人; 在看电影 我家楼下真的着火了), unless
    the message puts it in the show (片里, 剧里) or it is played."""
    text = msg.text
    if hit.start < show.end() or not _MEDIA.fullmatch(show.group()) or _INSIDE.match(text, show.end()):
        return False
    rest = text[show.end():]
    if _IN_SHOW.search(rest) or _PRETEND.search(rest) or _SHOW_PERSON.search(text, show.end(), hit.start):
        return False
    if (hit.cue.kind in _SHOW_EXEMPT and "味" in hit.text
            and (_AROUND.search(text, show.end(), hit.start) or _FUME_UNWELL.search(rest)
                 or _SMELT_BY.search(text, show.end(), hit.end))):
        return True  # 在追剧 厨房煤气味好大 我头好晕 / 孩子在看节目 我闻到一股煤气味: no show smells in one's home
    start = max(text.rfind(",", 0, show.start()), text.rfind("。", 0, show.start())) + 1
    if ((actual or hit.cue.kind == "medical") and hit.cue.kind in _PERSON_KINDS
            and (_OWN_WHO.search(text, show.end(), hit.end)
                 or (_OWN_WATCHER.search(text, start, show.start())
                     and not _OTHER_PERSON.search(text, show.end(), hit.start + 2)))):
        return True  # 节目刚放完 我爸就说头疼嘴歪 / 我家孩子在看节目 看着看着从沙发上摔下来 头磕破了: one's own person
    if not actual:
        return False
    return bool(_real_against_story(msg, show, hit) or msg.s.urgent.search(text, show.end()))


def _watching_taken(text: str, media: re.Match[str], person: re.Pattern[str] | None) -> bool:
    """A person outside the show taken suddenly after the show is named (see _MEDIA)."""
    if person is None or not _MEDIA.fullmatch(media.group()) or _INSIDE.match(text, media.end()):
        return False
    sentence_end = text.find("。", media.end())
    rest = text[media.end(): len(text) if sentence_end == -1 else sentence_end]
    smelt = _SUDDEN.search(rest)
    if smelt is not None and _STILL_WATCHING.fullmatch(rest, 0, smelt.start()) and _SMELT.match(rest, smelt.end()):
        return True  # review 17 (note 8): the watcher smells something (正在追剧呢 突然闻到一股煤气味): no show smells
    for where in _AROUND.finditer(rest):
        if _STILL_WATCHING.fullmatch(rest, 0, where.start()) and _SUDDEN.search(rest, where.end(), where.end() + 4):
            return True  # review 17 (note 8): 我在看追剧 厨房突然冒黑烟了: the watcher's surroundings
    # 追剧 is itself the watching (我在追剧): its 追 counts with the 在 before it
    watched = _WATCHED.search(text, max(0, media.start() - 4), media.start() + (1 if media.group() == "追剧" else 0))
    if (watched is not None and watched.group() in ("看完", "刚看") and _LEFT_SHOW.match(rest)
            and not _TOLD_OF_SHOW.search(rest)):
        return True  # review 18 (note 1): 刚看完电影出来 电梯卡住了 — the show is over and left behind
    then = _WATCHER_THEN.search(rest)
    if then is None and watched is not None:
        then = re.compile("").match(rest)  # 刚看完电视剧 老伴就倒了: the watching is over before the show is named
    if then is None:
        return False
    start = max(text.rfind(",", 0, media.start()), text.rfind("。", 0, media.start())) + 1
    watcher = person.search(text, start, media.start())
    sudden = _SUDDEN.search(rest)
    if (watcher is not None and text[watcher.start() - 1: watcher.start()] != "的" and sudden is not None
            and _STILL_WATCHING.fullmatch(rest, 0, sudden.start())):
        return True  # the watcher taken while watching (我妈追剧追到一半突然说不出话了, 看着看着突然)
    for who in person.finditer(rest, then.end()):
        if rest[who.start() - 1: who.start()] == "的" or _INSIDE.match(rest, who.end()):
            continue
        if _SHOW_PERSON.search(rest, then.end(), who.start()) and not _OWN_WHO.match(rest, who.start()):
            continue  # review 18 (note 1): 我在看电视剧 里面有个老人突然晕倒 — a person of the show, not one's own
        if _SUDDEN.search(rest, who.end(), who.end() + 6) or _AT_ONCE.match(rest, who.end()):
            return True
    # review 17 (note 8): the watcher's surroundings (外面突然着火了, 楼下突然冒烟): no part of a show
    return any(_SUDDEN.search(rest, where.end(), where.end() + 4) for where in _AROUND.finditer(rest, then.end()))


# Round 17: a cue whose subject is an animal or a thing (它们为什么找不到妈妈): no person in trouble.
_NOT_A_PERSON = re.compile(r"(?<![其])它们?|牠们?")
# Review 17 (note 6): the animal or thing is the cue's subject only when nothing between 它 and the cue names a person
# or a 把/被 (它把孩子腿咬出血了, 电梯它卡住了把我们困在里面, 我出去找它的时候我爸摔倒了) and 它 is no verb's object
# (我爸吃了它以后就倒了): otherwise the person is the one in trouble.
_A_PERSON_NEAR = re.compile(r"我|你|他|她|俺|咱|人|孩|娃|孙|爸|妈|爷|奶|婆|公|儿|女|宝|哥|姐|弟|妹"
                            r"|老人|老头|老太|大爷|大妈|邻居|把|被|以后|之后|的时候|然后|结果|后就")


def _the_subject(text: str, hit: "_Hit", it: re.Match[str]) -> re.Match[str] | None:
    """Review 17 (note 6): 它 as the cue's subject: not the object of a verb before it (吃了它, 找它), and nothing
    between it and the cue's verb names a person, a 把/被 or the end of a subordinate clause (以后, 的时候)."""
    if text[it.start() - 1: it.start()] in ("了", "过", "着", "把", "被", "给", "找", "吃", "喝", "用"):
        return None
    between = text[it.end(): hit.start] if it.end() <= hit.start else text[it.end(): hit.end]
    return None if _A_PERSON_NEAR.search(between) else it
_PERSON_KINDS = ("missing", "trapped", "medical", "silent_elder")


def _clause_start(text: str, position: int) -> int:
    return max(text.rfind(",", 0, position), text.rfind("。", 0, position)) + 1


# Round 16: a return said of a person named only there (孩子没回家…老公已经回来了) is someone else's.
_RETURNS = ("回来了", "到家了", "回家了")
_BROUGHT = tuple("送带领接找抱扶背拉劝喊叫")
# Review 16 (note 26): the kin word's person, in any of its forms (我爸, 爸爸, 老爸 are one), and the general word
# for their kind said first (老人 走丢了… 奶奶回来了 is the same old woman); only a different person (孩子 missing,
# 老公 back) is someone else.
_KIN_FORMS = (
    ("elder", re.compile(r"爸|爹")), ("elder", re.compile(r"妈|娘")),
    ("elder", re.compile(r"爷爷|外公|姥爷|老爷子|阿公")), ("elder", re.compile(r"奶奶|外婆|姥姥|老太太|阿婆|阿嬷")),
    ("spouse", re.compile(r"老公|丈夫|老伴|爱人")), ("spouse", re.compile(r"老婆|妻子|媳妇|老伴|爱人")),
    ("child", re.compile(r"儿子|孩子|小孩|娃")), ("child", re.compile(r"女儿|闺女|孩子|小孩|娃")),
    ("child", re.compile(r"哥哥|弟弟")), ("child", re.compile(r"姐姐|妹妹")),
    ("other", re.compile(r"邻居")),
)
_KIND_WORDS = {"elder": re.compile(r"老人|老年人|老太太|老爷子|老头|老大爷|大爷|大妈|老奶奶|老爷爷|独居|老伴"),
               "child": re.compile(r"孩子|小孩|娃|宝宝|小朋友")}
_NAMED = re.compile("|".join(form.pattern for _, form in _KIN_FORMS))


def _someone_else_back(text: str, over: re.Match[str]) -> bool:
    if over.group() not in _RETURNS or text[over.start() - 1: over.start()] in _BROUGHT:
        return False  # 邻居送回来了: the one missing, brought back by someone
    start = _clause_start(text, over.start())
    named = _NAMED.search(text, start, over.start())
    if named is None:
        return False
    before = text[:start]
    for kind, form in _KIN_FORMS:
        if form.search(named.group()):
            if form.search(before):
                return False
            general = _KIND_WORDS.get(kind)
            if general is not None and general.search(before):
                return False
    return True


# review 20b (note 38): up and off (爬起来就跑了) says a fall is over, never a stabbing or a fight: whoever ran off, the
# wound stays
_UP_AND_OFF = re.compile(r"起来[^,。]{0,5}就(?:走|跑)")
_WOUND = re.compile(r"捅|砍|刺伤|刀|打架|打起来|打群架|斗殴|血|受伤")


def _overs(text: str, s: Suppressors) -> list[re.Match[str]]:
    """The "it is over" phrases of a message (已经灭了, 没事了), in order, without those
    a following word reopens (火已经关了还在响), and without an adult's dealing with it
    (保安劝开了) when someone is injured (打得头破血流，物业处理了: round 12 review)."""
    found = [m for m in s.past_over.finditer(text)
             if not _NOT_OVER.match(text, m.end()) and not _REOPENED.search(text, m.end())
             and not _USUALLY.search(text, _clause_start(text, m.start()), m.start())
             and not _someone_else_back(text, m)
             and not (_UP_AND_OFF.search(m.group()) and _WOUND.search(text))]
    if s.past_dealt_with is not None and not (s.past_injury is not None and s.past_injury.search(text)):
        found += [m for m in s.past_dealt_with.finditer(text) if not _NOT_OVER.match(text, m.end())]
    return sorted(found, key=lambda m: m.start())


# Round 16: someone not seen, not back or not answering (咋没下楼, 没回来, 联系不上): what an accounted whereabouts explains.
# Round 19: what says a person is safe now, among the over phrases; 现在 just before 已经/都/人 is that phrase's own
_SAFE_NOW = re.compile(r"好好的|挺好的|没事|冇事|没大碍|联系上了|找到了|找着了|找回来了|回来了|到家了|回家了|醒过来|缓过来|一切")
_OVER_NOW = re.compile(r"现在(?=已经|都|也|人|没事|好)")
# Round 22: 现在 before "it has passed" (现在缓过来了, 现在好多了) tells how it is since, no urgency (the everyday phrases)
_PASSED_NOW = re.compile(r"现在(?=(?:已经|都|也)?(?:缓过来|好了|好多了|没事))")
# round 20: the calm of a repair asked in no hurry or a fear of some mishap (see not_now) does not hold when somebody
# is not answering or not found
_CALM = re.compile(r"有空|抽空|方便的时候|不(?:着|太)?急|怕|三长两短|(?:看着|想想|想起来)?就?(?:怪)?不放心")
_NOSEE_NOW = re.compile(r"没人接|打不通|关机|联系不上|没人应|敲门|没开门|不开门|没动静|没见")
_BODY_NOW = re.compile(r"脸色|嘴唇|手脚冰凉|尿不出|停不下来|肿|舌头|嘴角|口水|耷拉|说胡话|胡言乱语|不认人|认不出人|神志不清|迷迷糊糊|站不住|站不稳|走不了路|说不出话|说不清话|嘴歪|抽了|发烧|高烧|烧到")
# round 20: 现在 before a denial of the thing (现在没味儿, 现在没漏, 现在不冒了) tells how it is, no urgency
_DENIED_NOW = re.compile(r"现在(?=(?:还|倒|也)?(?:没|不)(?:有)?(?:味|漏|冒|响|烟|闻到|事|什么事|啥事))")
_ABSENCE = re.compile(r"没(?:下楼|下来|回|见|来|出门|出来|到家|接|开门|人应|动静|露面)|不接|不应|联系不上|找不到|找不着|不见了")


def _accounted(text: str, s: Suppressors) -> re.Match[str] | None:
    """Where the person is said to be (在战友家, 住院了, 在家养着), not denied (没住院) nor said of the writer."""
    return next((m for m in s.accounted.finditer(text)
                 if not _DENIED.search(text[max(0, m.start() - 3): m.start()])
                 and not _WRITER.search(text, 0, m.start())), None)


def _marker(match: re.Match[str]) -> str:
    """The marker a suppressor pattern found (its first group when it has one)."""
    return match.group(1) if match.re.groups and match.group(1) else match.group()


def _own_span(match: re.Match[str]) -> tuple[int, int]:
    # Round 19: any group named threat… (threat, threat_sibling: a name may occur once in the joined pattern); review 19:
    # or own_… (own_heat)
    for name in match.re.groupindex:
        if name.startswith(("threat", "own_")) and match.group(name):
            return match.span(name)
    return match.span()


class _Message:
    """One normalised message and everything the suppressors need from it, found
    once (a long run-on transcript has many cues: each must cost little)."""

    def __init__(self, text: str, s: Suppressors):
        self.text = text
        self.s = s
        self.urgent = bool(s.urgent.search(text))
        self.sentence_starts = [0] + [m.end() for m in re.finditer("。", text)]
        self.clause_starts = [0] + [m.end() for m in re.finditer("[,。]", text)]
        # Review 19 (note 22): an ordinary sense's `own_` group, when it matched, is the only part it sets aside.
        self.ordinary = [(*_own_span(m), m.group()) for m in s.ordinary.finditer(text)]
        # Review 17 (note 14): a pattern's `threat` group, when it matched, is the only part it sets aside.
        self.ordinary_always = [(*_own_span(m), m.group()) for m in s.ordinary_always.finditer(text)]
        self.before = list(s.hypothetical_before.finditer(text))
        self.anywhere = s.hypothetical_anywhere.search(text)
        # Round 19: the 正在 of 正在看节目 is the watching's own, no urgency
        self.anywhere_soft = (None if s.urgent.search(_WATCHING_NOW.sub("", text))
                              else s.hypothetical_anywhere_soft.search(text))
        # Laughter is play only when nothing is urgent (嘿嘿嘿快来人啊 is a cry for help).
        self.laughter = (
            None if self.urgent or s.hypothetical_laughter is None else s.hypothetical_laughter.search(text)
        )
        self.aftermath = None if self.urgent else s.past_aftermath.search(text)
        # review 19 (note 2): another hazard named (消防通道堵了) before the missing kit
        self.hazard = (None if self.urgent else next((m for m in s.hazard_markers.finditer(text) if not _NO_KIT.match(m.group())),
                                                      None) or s.hazard_markers.search(text))
        # Round 13b: a hazard that makes people fall (灯坏了, 太滑, 结冰, 没扶手), or any hazard complained
        # of, and what anchors a fall in the message (刚, 已经, 起不来, 流血).
        self.fall_hazard = (None if self.urgent or s.hazard_fall_markers is None
                            else s.hazard_fall_markers.search(text) or self.hazard)
        self.fall_anchor = None if s.hazard_fall_anchor is None else s.hazard_fall_anchor.search(text)
        # Round 13b: a service asked for, or whether the person qualifies, with no acute sign anywhere.
        self.chronic_frame = (None if self.urgent or s.chronic_frame is None or s.chronic_acute is None
                              or s.chronic_acute.search(text) else s.chronic_frame.search(text))
        self.accounted = _accounted(text, s)
        # "It is over" unless what follows says it is not (火已经关了还在响).
        self.over = _overs(text, s)
        # Round 12 review: a general question (想了解, 一般怎么), and what makes a cue the
        # resident's own (我妈, 刚才) whatever the question around it.
        self.learning = (None if self.urgent or s.hypothetical_learning is None
                         else s.hypothetical_learning.search(text))
        # review 23 (MUST 2): bare 先 is "first, before I act" (煤气漏了 味道很大 我想先学一下怎么关总阀) — ahead of
        # time only after a question of the resident's own (…能不能马上扶起来。我想先学学), and (final review 23, MUST 1)
        # only of an emergency that is nobody's in particular (_OWN_HERE)
        first_only = self.learning is not None and bool(_FIRST_ONLY.fullmatch(self.learning.group()))
        if first_only and (not _ASKED_THEN.search(text, 0, self.learning.start())
                           or _OWN_HERE.search(text) or _STATE_NOW.search(text)):
            self.learning = None
        self.learning_own = (None if s.hypothetical_learning_own is None
                             else s.hypothetical_learning_own.search(text))
        self.ongoing = [m.start() for m in s.past_ongoing.finditer(text)]
        frames = [(m.start(), name, m, _attributive_end(text, m) if name == "past" else None)
                  for name, pattern in
                  (("past", s.past_time), ("present", s.past_present), ("habitual", s.habitual))
                  for m in pattern.finditer(text)]
        self.frames = sorted(frames, key=lambda f: f[0])
        self.frame_starts = [f[0] for f in self.frames]

    def sentence_start(self, position: int) -> int:
        return self.sentence_starts[bisect_right(self.sentence_starts, position) - 1]

    def clause_start(self, position: int) -> int:
        return self.clause_starts[bisect_right(self.clause_starts, position) - 1]

    def clause_end(self, position: int) -> int:
        i = bisect_right(self.clause_starts, position)
        return self.clause_starts[i] - 1 if i < len(self.clause_starts) else len(self.text)

    def sentence_after(self, end: int, window: int) -> str:
        i = bisect_right(self.sentence_starts, end)
        stop = self.sentence_starts[i] - 1 if i < len(self.sentence_starts) else len(self.text)
        return self.text[end: min(stop, end + window)]

    def time_frame(self, position: int) -> tuple[str, re.Match[str]] | None:
        """The nearest past, present or habitual time word starting before position."""
        i = bisect_left(self.frame_starts, position)
        while i and self.frames[i - 1][3] is not None and self.frames[i - 1][3] <= position:
            i -= 1  # review 13: it describes a noun before position (上次修过的门锁), it dates nothing there
        return (self.frames[i - 1][1], self.frames[i - 1][2]) if i else None

    def ongoing_between(self, start: int, end: int) -> bool:
        i = bisect_left(self.ongoing, start)
        return i < len(self.ongoing) and self.ongoing[i] < end


# Review 13: a state said as new on the cue itself (从轮椅上栽下来起不来了) is news, not a description.
_NEW_STATE = re.compile(r"(?:起不来|动不了|不能动|起不了身)[了啦咯喽]")
# Review 13: a past time word followed by …的 and a noun in its clause describes the noun (上次修过的门锁,
# 以前装的那个锁), it does not date what happens now; 那年摔的。(是…的) still dates.
# Only with a verb or more between (上次的师傅 is the time word's own noun phrase), and only for a cue after
# the 的: a cue inside the description is what is dated (上周电梯困人的事).
_ATTRIBUTIVE = re.compile(r"[^,。!?的]{1,6}的(?![,。!?]|$)")


def _attributive_end(text: str, marker: re.Match[str]) -> int | None:
    found = _ATTRIBUTIVE.match(text, marker.end())
    return None if found is None else found.end()


# Review 15: the body unwell from riding (晕车, 坐车) is motion sickness, not a faint coming on.
_MOTION = re.compile(r"晕车|晕船|晕机|坐车|坐船|坐飞机|坐公交|坐地铁")


def _unwell_with(msg: _Message, hit: _Hit) -> bool:
    """Round 15: the body named unwell now next to a near faint (头晕恶心吐，刚才差点晕倒); review 15: in the
    same sentence, and not from riding (坐车差点晕倒，有点恶心)."""
    start = msg.sentence_start(hit.start)
    sentence = msg.text[start: hit.end + len(msg.sentence_after(hit.end, len(msg.text)))]
    return bool(_UNWELL_NOW.search(sentence)) and not _MOTION.search(sentence)


def _suppression(msg: _Message, hit: _Hit) -> str | None:
    """Why this cue does not report an emergency now, or None if it does."""
    text, s, cue = msg.text, msg.s, hit.cue
    # Ordinary senses: the cue's own guard, then words overlapping the cue.
    if cue.unless is not None:
        found = cue.unless.search(_region(text, hit, cue.window))
        if found:
            return f"ordinary_sense:{found.group()}"
    if cue.unless_before is not None:
        found = cue.unless_before.search(text, 0 if cue.window < 0 else max(0, hit.start - cue.window), hit.start)
        if found:
            return f"ordinary_sense:{found.group()}"
    for start, end, word in msg.ordinary:
        overlaps = start < hit.end and hit.start < end
        inside_cue = hit.start <= start and end <= hit.end
        if overlaps and not inside_cue:
            return f"ordinary_sense:{word}"
    for start, end, word in msg.ordinary_always:
        if start < hit.end and hit.start < end:
            return f"ordinary_sense:{word}"
    if cue.kind in _PERSON_KINDS:
        its = list(_NOT_A_PERSON.finditer(text, msg.clause_start(max(hit.start, hit.end - 1)), hit.end))
        it = _the_subject(text, hit, its[-1]) if its else None
        if it is not None:
            return f"ordinary_sense:{it.group()}"
    # Denials and near misses, just before the cue in its clause.
    before = text[max(msg.clause_start(hit.start), hit.start - 8): hit.start]
    for pattern in (s.negation, s.near_miss):
        found = pattern.search(before)
        if found and not (pattern is s.near_miss and _FAINT.search(hit.text) and _unwell_with(msg, hit)):
            return f"negation:{_marker(found)}"
    # Round 14: a near miss inside a cue that spans its person (我家孩子差点摔了) is one too.
    found = _NEAR_MISS_INSIDE.search(hit.text)
    if found:
        return f"negation:{found.group()}"
    if cue.kind in s.minor_kinds and not _FIRE_PROPER.search(hit.text):
        # round 20 (review 20 note 1): 有点 makes a spark or a smell small (有点火花), never a fire itself (我家好像有点着火了)
        found = s.minor.search(before)
        if found:
            return f"minor:{_marker(found)}"
    if cue.kind == "medical":
        found = s.minor_after.search(msg.sentence_after(hit.end, 16))
        if found:
            return f"minor:{_marker(found)}"
    # Hypotheticals: a condition earlier in the sentence, a worry just before, a
    # how-to question just after, a drill or a dream anywhere.
    actual = _actual(text, hit)
    sentence_start = msg.sentence_start(hit.start)
    found = next((m for m in reversed(msg.before) if sentence_start <= m.start() and m.end() <= hit.end), None)
    if (found is not None and (actual or _STATE_CUE.search(hit.text))
            and (_TURNED.search(text, found.end(), hit.start) or _today_turned(text, found.end(), hit.start))):
        found = None  # review 17: 怕哪天她摔了 结果今天真摔了 / 有没有那种手环 我妈刚才摔倒了: it happened since
    if found is not None and actual and _PREVENTION_BEFORE.search(found.group()):
        found = None  # review 22: 说了多少次要防范 煤气还是泄漏了, 物业从来不搞预防 现在3号楼着火了 — prevented things do not happen
    if found is not None and _TOPIC_SHIFT.search(text, found.end(), hit.start):
        found = None  # round 19: 有没有那种手环 另外我们楼的奶奶三天没见了: another subject
    if found is not None and _HOW_AFTER.search(text, found.end(), hit.start):
        found = None  # round 18: the what-then closes the condition (哪天着火了咋办 今天真着火了: the second is today's)
    if found is None:
        found = s.hypothetical_once.search(before)
    if found is None and not msg.urgent and cue.kind not in s.counterfactual_exempt:
        found = s.hypothetical_counterfactual.search(before)
        if found is not None and actual and _sincere(msg, hit, found):
            found = None
        if found is not None and "事" in found.group() and (
                not _CF_FRAME.search(text) or _CF_NOW.search(text, max(0, hit.start - len(before) - 4), hit.start - len(found.group()) + 1)):
            found = None  # review 20b (note 19): 这回我爸真有事喊都喊不应 — something really is wrong, not "if"
    if found is None and not actual:
        near_start = max(msg.clause_start(hit.start), hit.start - 12)
        found = s.hypothetical_before_near.search(text[near_start: hit.start])
        if (found is not None and found.group(1).endswith("能") and _PERCEIVED_OR_STATE.match(text, near_start + found.end(1))
                and not _QUESTION_END.search(msg.sentence_after(hit.end, 40))):
            found = None  # review 20 (note 33): 在门口就能闻到煤气味, 开门就能看到我爸躺在地上 — so strong it is perceived now
    if found is None and hit.end - hit.start > 4 and not _PERFECTIVE.match(text[hit.end:]):
        # round 19: "will" inside a long cue, just before its verb (插线板是不是用久了会冒烟 要不要换): a what-if, whatever
        # 了 the cue holds before it (用久了)
        found = _MODAL_INSIDE.search(text, max(hit.start, msg.clause_start(hit.end - 1)), hit.end - 2)
        if found is not None and _NOW_INSIDE.search(text, hit.start, found.start()):
            found = None  # 电线一直在冒烟会不会着火: something is happening already, the question is its consequence
    if found is None and not actual and not msg.urgent:
        clause_start = msg.clause_start(hit.start)
        fear = _FEAR_PAUSE.search(text, max(0, clause_start - 6), clause_start) if clause_start else None
        clause = text[clause_start: msg.clause_end(hit.end)]
        # the event has a subject of its own (老人摔倒); a bare cry after the fear (好怕啊，着火) is the cry
        said = len(_CONTENT.findall(clause)) > 2
        if (fear is not None and said and not s.hypothetical_anchor.search(clause) and not _SOMEONE.search(clause)
                and not _GOING_NOW.search(clause)
                and not (_STATE_NOW.search(clause) and not _SOMEDAY.search(clause))):
            found = fear
    if found is None and actual and not msg.urgent and s.hypothetical_worry is not None:
        # review 15: a worry governing the cue (担心她晚上摔了没人知道) is a what-if even in the perfective
        found = s.hypothetical_worry.search(text[max(msg.clause_start(hit.start), hit.start - 8): hit.start])
        end_clause = msg.clause_start(hit.end - 1)
        if found is None and end_clause > hit.start:
            # a cue that spans clauses (我妈一个人住，担心她晚上摔了): the worry just before its verb (the cue's
            # last three characters) in that verb's clause
            found = s.hypothetical_worry.search(text[end_clause: max(end_clause, hit.end - 3)])
        if found is None and hit.end - hit.start > 4:
            # round 18: sooner or later inside a long cue, just before its verb (电线乱拉迟早着火啊)
            found = _SOONER.search(text, max(hit.start, msg.clause_start(hit.end - 1)), hit.end - 2)
        clause_start = msg.clause_start(hit.start)
        if found is None and clause_start:
            # round 18: fear, a pause, then a fall nobody would notice (担心 老人半夜摔了没人管) is the worry; the pause
            # alone (担心 我妈摔倒了) says it happened
            fear = _FEAR_PAUSE.search(text, max(0, clause_start - 6), clause_start)
            clause = text[clause_start: msg.clause_end(hit.end)]
            if fear is not None and _NOBODY_NOTICES.search(clause) and not _DATED.search(clause):
                found = fear
    after = msg.sentence_after(hit.end, s.hypothetical_after_window)
    if found is None:
        found = s.hypothetical_after.search(after)
        if found is not None and actual and _PLEA_AFTER.match(after, found.start(found.lastindex or 0)) and (
                (s.hypothetical_learning_own is not None
                 and s.hypothetical_learning_own.search(text, sentence_start, hit.end))
                or _SOMEONE_IN_IT.search(text, max(sentence_start, hit.start - 4), hit.end + 2)):
            found = None  # review 18 (note 1): 我妈吃了一整瓶安眠药 要怎么办, 电梯里困了人 应该打什么电话: a plea
        if found is not None and "症状" in found.group() and (
                _SYMPTOM_HAD.search(text, msg.clause_start(hit.start), hit.start)
                or re.match(r"[^,。]{0,4}的症状了", after)
                or (s.hypothetical_learning_own is not None
                    and s.hypothetical_learning_own.search(text, msg.clause_start(hit.start), hit.end))):
            found = None  # review 19b (B16): 我妈好像有中风的症状了, 我爸中风的症状… — a symptom with an owner is no topic
        if found is not None and _aftermath_asked_while_on(msg, hit, found, actual):
            found = None
    if (found is None and cue.kind == "missing" and not msg.urgent and not _SEARCH_ON.search(text)
            and not s.past_present.search(text) and not _DISTRESS.search(text) and _ASKING.search(text)
            and not (s.hypothetical_learning_own is not None and s.hypothetical_learning_own.search(text))):
        found = _REPORT_RULE.search(after)  # review 18: 孩子走失了派出所立案要等二十四小时吗 — a rule asked about
    if found is None and not actual:
        # A person or a place anywhere earlier in the sentence anchors the cue
        # (我老汉儿突然抽起来了，口吐白沫，咋个办: a cry for help, not a question).
        sentence = text[msg.sentence_start(hit.start): msg.clause_end(hit.end)]
        if not s.hypothetical_anchor.search(sentence):
            found = s.hypothetical_after_unless_actual.search(after)
            if found is not None and _ABSENCE.search(after, 0, found.start(1)):
                found = None  # round 20: 孙女放学没回家 打电话也不接 怎么找 — a second sign of the absence told: a search under way
            if found is not None and _BARE_HOW.fullmatch(found.group(1)) and not _only_asked(msg, hit, found):
                found = None  # review 20 (note 5): 我困电梯咋自救, 我闺女走丢咋找, 孩子刚走丢 咋找 — told, not asked
            if (found is not None and _WRITER_ASKS.search(after, 0, found.start(1))
                    and ("," in text[hit.start: hit.end + found.start(1)]
                         or _WE_ASK.search(after, 0, found.start(1)))):
                found = None  # round 21 (set 20): 灯里头往下淌水，一闪一闪的，俺咋整 — told, then the writer asks what to do
        if found is None and s.hypothetical_after_unless_person is not None and not (
                s.hypothetical_person is not None
                and s.hypothetical_person.search(text, max(msg.clause_start(hit.start), hit.start - 6), hit.end)):
            # review 15: a way out, a price, a choice of numbers asked about a cue with no person as its
            # subject (跌倒报警的手环要多少钱); a person in it (老人被困电梯里，救援要多少钱) is asking from inside
            found = s.hypothetical_after_unless_person.search(after)
        if (found is None and cue.kind != "general" and not s.hypothetical_perceived.search(sentence)
                and not _HAPPENING.search(sentence)):
            # a yes/no question about the cue (厨房着火能用水浇吗); not when it has lasted
            # minutes (倒在门口十几分钟了，一动不动，没人管吗: a complaint about nobody helping)
            rest = msg.sentence_after(hit.end, 40)
            found = None if _POLITE_REQUEST.search(rest) else (_QUESTION_END.search(rest) or _A_NOT_A.match(rest))
    if found is None and not actual and not msg.urgent:
        found = _topic_of(msg, hit)
    # Hearsay and policy words elsewhere do not silence a cue said of today
    # (关于充电桩的申请回头再说，我爷爷今天上午走丢了).
    # Hearsay said between today's word and the cue still governs it (刚才新闻里说…着火了).
    soft = msg.anywhere_soft
    frame = msg.time_frame(hit.start)
    if soft is not None and frame is not None and frame[0] == "present" and not (
            frame[1].start() < soft.start() < hit.start):
        soft = None
    if soft is not None and actual and _own_clause(msg, hit, soft):
        soft = None
    if soft is not None and "问" in soft.group() and _relayed_now(msg, hit, soft, actual):
        soft = None  # review 17 (note 9): 托我问，他家老人晕倒了叫不醒 is relayed, not a general question
    if soft is not None and _COURSE.fullmatch(soft.group()) and _real_at_course(text, soft, hit, actual):
        soft = None  # review 20 (note 7): 宣传活动现场有个小孩被开水烫伤了 — it happened at the event
    if soft is not None and _real_at_the_show(msg, hit, soft, actual):
        soft = None  # review 17 (note 8): 排练节目 领舞的阿姨突然倒下了 happened at the show, not in it
    if soft is not None and soft.end() <= hit.start and _TOPIC_SHIFT.search(text, soft.end(), hit.start):
        soft = None  # round 19: 补贴怎么申请 还有我们楼那个独居的奶奶三天没见了
    if soft is not None and soft.end() <= hit.start and _real_beside_show(msg, soft, hit, actual):
        soft = None  # round 19: the resident's own person or smell after a show named (see _real_beside_show)
    if soft is not None and actual and soft.end() <= hit.start and _real_against_story(msg, soft, hit):
        soft = None  # round 19: 电视里在播节目 我家楼下真着火了: 真 sets the resident's own event against the show
    if (soft is not None and _MEDIA_NOUN.search(soft.group()) and _OWN_FILMED.search(text)
            and not _PUBLISHER.search(text)):
        soft = None  # review 21 (S11): 楼道着火的视频我刚拍的 火还很大 — a video the writer just took is the report
    if soft is not None and _watching_taken(text, soft, s.hypothetical_person):
        soft = None  # round 17: taken suddenly while watching the news or a video (老爸看新闻看着看着突然嘴歪了)
    anywhere = msg.anywhere
    if anywhere is not None and all(_watching_taken(text, m, s.hypothetical_person)
                                    or _real_despite_drill(text, m, hit, actual)
                                    or _real_beside_show(msg, m, hit, actual)
                                    for m in s.hypothetical_anywhere.finditer(text)):
        anywhere = None
    found = found or anywhere or soft
    if found is None and not msg.urgent:
        clause_start = msg.clause_start(hit.start)
        future = _FUTURE.search(text, clause_start, hit.start)
        if (future is not None and not s.past_present.search(text, future.end(), hit.start)
                and not _TOPIC_SHIFT.search(text, future.end(), hit.start)
                and not (actual and (_FUTURE_CLOSED.search(text, future.end(), hit.start)
                                     or not _FUTURE_MODAL.search(text, future.end(), hit.start)))):
            found = future
        asked = _ASKED.search(text, clause_start, hit.start)
        if (found is None and asked is not None and _ASKED_WHAT.search(text, asked.end(), hit.end + len(msg.sentence_after(hit.end, 20)))
                and not (s.hypothetical_learning_own is not None and s.hypothetical_learning_own.search(hit.text))
                and not (s.hypothetical_person is not None and s.hypothetical_person.search(text, asked.end(), hit.end))
                and not _relayed_now(msg, hit, asked, actual)):
            found = asked
    if found is None and msg.learning is not None and (
            msg.learning_own is None
            or (not actual and msg.clause_start(msg.learning.start()) == msg.clause_start(hit.start))):
        # a general question (噎住了怎么急救，想学学; 想了解一下老人摔倒怎么扶): it sets a cue aside
        # unless the message makes the cue the resident's own (我妈, 刚才) and the cue is said to have
        # happened or sits in another clause (我想了解一下，我妈摔倒了起不来了: a cry for help)
        found = msg.learning
    if (found is None and msg.laughter is not None and cue.kind not in s.laughter_exempt
            and (not actual or _QUESTION_AFTER.match(text, hit.end) or _asked_in_jest(msg, hit)
                 or (_WATCHING.search(text) and (cue.kind not in _SHOW_EXEMPT or _IN_SHOW.search(text))))
            and not (cue.kind in _PERSON_KINDS and s.hypothetical_learning_own is not None
                     and not _QUESTION_AFTER.match(text, hit.end)
                     and msg.laughter.end() <= msg.clause_start(hit.start)
                     and s.hypothetical_learning_own.search(text, msg.clause_start(hit.start), hit.end))):
        # round 17: not a body in trouble of theirs in a later clause than the laugh (哈哈刚才笑完，我妈就说胸口疼)
        # laughter does not make play of a cue said to have happened (嘿嘿，楼下着火了), unless
        # the cue is asked about in jest (你失踪了吗哈哈: a question to the listener)
        found = msg.laughter
    if found:
        return f"hypothetical:{_marker(found)}"
    # Past events that are over.
    if not cue.present:
        found = s.past_aspect.search(text[hit.start: hit.end + 4])
        if found is None:
            found = next((m for m in msg.over if m.start() >= hit.end), None)
        if (found is None and msg.aftermath is not None and not _searching_now(text, msg.aftermath)
                and not (cue.kind in _PERSON_KINDS and _STILL_DOWN.search(text))):
            found = msg.aftermath  # review 22: not with the person still down or hurt now (赔偿谁出 大爷躺着不动)
        if found is None and cue.kind == "fire" and "味" in hit.text:
            found = _residue(text, hit, msg)
        if found:
            return f"past:{_marker(found)}"
        if cue.kind in s.accounted_kinds and msg.accounted:
            return f"past:{msg.accounted.group()}"
        # Round 13: a habit of a smell or a fume does not cover someone unwell now (一开门就一股
        # 臭鸡蛋味，隔壁阿姨说头晕): the person's symptom is today's.
        unwell_now = (cue.kind in _FUME_KINDS and ((s.everyday_unless is not None
                                                    and s.everyday_unless.search(text) is not None)
                                                   or _PERSON_UNWELL.search(text) is not None))
        if cue.kind not in s.habitual_exempt and not unwell_now:
            found = s.habitual.search(hit.text)
            if (found is None and cue.kind in s.habitual_after_kinds and s.habitual_after is not None
                    and not msg.urgent
                    and (s.habitual_after_needs is None or s.habitual_after_needs.search(text))):
                # round 12: a count of times after the cue in a complaint about a lift breaking down
                # (电梯又坏了 关了我好几回了): a recurring problem
                found = s.habitual_after.search(text[hit.end: hit.end + 8])
            if found:
                return f"habitual:{_marker(found)}"
        if (cue.kind not in _DAYS_KINDS and _LATIN_CUE.search(hit.text) and _EN_PAST_AFTER.match(text, hit.end)
                and not _EN_STILL.search(msg.sentence_after(hit.end, 80))):
            return f"past:{_EN_PAST_AFTER.match(text, hit.end).group(1)}"  # round 19: English puts the time after (fell last year)
        frame = msg.time_frame(hit.start)
        if cue.kind not in _DAYS_KINDS:
            # Round 13: a time word inside a long cue (我那年在楼道摔了) dates it, and it is nearer
            # than any before it. Not for the kinds whose cues carry their own span (三天没见).
            inside = msg.time_frame(hit.end)
            if inside is not None and inside[1].start() >= hit.start:
                frame = inside
        if (frame is not None and cue.kind in _DAYS_KINDS and frame[0] == "past"
                and _PAST_EVENT.fullmatch(frame[1].group())
                and not msg.ongoing_between(frame[1].start(), hit.end + 12)):
            return f"past:{frame[1].group()}"
        if frame is not None and cue.kind not in _DAYS_KINDS:
            name, marker = frame
            if name == "past" and not msg.ongoing_between(marker.start(), hit.end + 12):
                return f"past:{marker.group()}"
            # "always" describes its own sentence (你们电梯老是坏！我婆婆心脏不舒服…: the
            # lift is habitual, the heart is now)
            if (name == "habitual" and cue.kind not in s.habitual_exempt and not unwell_now
                    and not (actual and _LIKING.fullmatch(marker.group()) and marker.end() < hit.start)
                    and marker.start() >= msg.sentence_start(hit.start)
                    and not _GOING_NOW.search(text, msg.clause_start(hit.start), hit.end)
                    and not (actual and _TURNED.search(text, marker.end(), hit.start))  # review 22: 天天讲预防 结果…摔倒了
                    and not _today_again(text, hit, msg.sentence_after(hit.end, 40))):
                return f"habitual:{marker.group()}"
    # Round 13b: a lasting condition named as the reason for a service (她六十八，中风了下不了床，能约助浴吗):
    # a description of the person, when its sentence says what lasts and nothing acute is said.
    if (cue.kind == "medical" and msg.chronic_frame is not None and s.chronic_cues is not None
            and s.chronic_lasting is not None and s.chronic_cues.search(hit.text)
            and not _NEW_STATE.search(text, hit.start, min(len(text), hit.end + 1))):
        sentence_start = msg.sentence_start(hit.start)
        sentence = text[sentence_start: hit.end + len(msg.sentence_after(hit.end, len(text)))]
        lasting = s.chronic_lasting.search(sentence)
        if lasting:
            return f"chronic:{lasting.group()}"
    # Round 13b: a fall feared in a complaint about what makes people fall (灯坏了…摔了咋整): "what then?"
    # at once after the fall, nothing anchoring it in time, an injury or a person of the writer's own.
    if (cue.kind == "medical" and msg.fall_hazard is not None and msg.fall_anchor is None
            and s.hazard_fall_cue is not None and s.hazard_fall_what_if is not None
            and s.hazard_fall_cue.search(hit.text) and s.hazard_fall_what_if.match(text[hit.end:])
            and not (s.hazard_fall_person is not None
                     and s.hazard_fall_person.search(text[msg.clause_start(hit.start): hit.end]))):
        return f"hazard_complaint:{msg.fall_hazard.group()}"
    # Complaints about a hazard that has not (yet) happened, or its what-if.
    if cue.kind in s.hazard_kinds and msg.hazard:
        region = text[max(msg.sentence_start(hit.start), hit.start - 12): hit.end + 12]
        if _HAPPENING.search(region) and not s.hazard_what_if.search(after):
            return None
        if (actual and msg.clause_start(hit.end - 1) <= hit.start
                and _PLACE_BEFORE.search(text, msg.clause_start(hit.start), hit.start)
                and not _CONDITION.search(text, msg.clause_start(hit.start), hit.start)):
            return None  # round 19: 灭火器都过期了 楼下冒黑烟了 怎么办 — a realised cue at a place is a plea, not the what-if
        if _NO_KIT.match(msg.hazard.group()) and (
                not s.hazard_what_if.search(after)
                or (actual and not _CONDITION.search(text, msg.clause_start(hit.start), hit.start))):
            # review 19 (note 2): 楼道起火 连个灭火器都没有 — the missing kit is a what-if only with its what-then;
            # review 19b (B2): and only with a condition (万一, 要是, 真) before the cue — 走廊着火了怎么办 is a plea
            return None
        if not actual or s.hazard_what_if.search(after):
            return f"hazard_complaint:{msg.hazard.group()}"
    return None


# Round 19: a place named just before a realised cue (楼下冒黑烟了, 三楼着火了, 厨房煤气味), with no condition in its clause
_PLACE_BEFORE = re.compile(r"(?:楼下|楼上|隔壁|对门|对面|[\d一二三四五六七八九十]+(?:楼|层|栋|幢|号楼|单元)|厨房|卧室|客厅|阳台"
                           r"|我家|俺家|家里|屋里|楼道里|地下室|车库)(?:的|那边|那里|这边|那家|家)?$")
_CONDITION = re.compile(r"真|万一|要是|如果|假如|一旦|哪天|的话")
# Review 19 (note 2): equipment missing altogether (连个灭火器都没有), the weakest hazard marker
_NO_KIT = re.compile(r"连个")


# Round 18 (known leftover): a cue asked about (是不是漏气了) and laughed at after it (哈哈) is a jest, like 你失踪了吗哈哈,
# unless the writer says they are uneasy or unwell (我有点慌, 头晕), smells or sees it now (闻到, 好多烟), or hurries (快去看看).
_ASKED_BEFORE = re.compile(r"(?:是不是|是否|会不会|莫不是|该不会)[^,。]{0,3}$")
_UNEASY = re.compile(r"慌|害怕|好怕|吓人|吓死|担心|不放心|头[^,。]{0,2}(?:晕|疼|痛)|恶心|难受|不舒服|闻到|闻着|现在|还在"
                     r"|烟|火苗|冒|血|哭|倒|躺|快|赶紧|急|打不通|不接|没人|救")


# Review 18 (notes 15, 22): a jest closes the message — nothing but the laugh and particles after it (你失踪了吗哈哈);
# anything said after the laugh (嘴里有蓝色的东西, 我手麻得不行) is the resident still telling of it.
_JEST_CLOSES = re.compile(r"[哈嘻嘿呵啊呀吧嘛哦呢啦么吗~～…,。!?！？\s]*")


def _last_laugh_end(msg: _Message, start: int) -> int:
    end = msg.laughter.end()
    for m in msg.s.hypothetical_laughter.finditer(msg.text, start):
        end = m.end()
    return end


def _asked_in_jest(msg: _Message, hit: _Hit) -> bool:
    text = msg.text
    clause_start = msg.clause_start(hit.start)
    rest = text[:hit.start] + "," + text[hit.end:]  # the body in trouble said besides the cue asked about
    return bool(_ASKED_BEFORE.search(text, clause_start, hit.start)
                and msg.laughter is not None and msg.laughter.start() >= hit.end
                and _JEST_CLOSES.fullmatch(text, _last_laugh_end(msg, hit.end))
                and not _UNEASY.search(rest)
                and not (msg.s.everyday_unless is not None and msg.s.everyday_unless.search(rest)))


# Review 17 (note 8): a show, a rehearsal or a game of pretend is where people were when something real happened to
# one of them (在排练节目 领舞的阿姨突然倒下了, 过家家玩着玩着 孩子从床上摔下来头破了, 演小品 结果台子塌了砸到人了):
# a realised cue after it with a turn of events or a real person as subject, and nothing saying it was played.
_SHOW_OR_PLAY = re.compile(r"节目|过家家|角色扮演|排练|彩排|小品|演戏|剧情")
_PLAYED = re.compile(r"剧情|剧本|情节|写的|演|扮|角色|女主|男主|主角|主持人|台词|剧里|片里|节目里|戏里|小品里|剧情里|假装|装作")
# round 20 (review 20 note 1): 奶奶, 爷爷… named as the one it happened to are real people at the show, like 阿姨
_REAL_TURN = re.compile(r"突然|忽然|结果|真的|真摔|现在|刚才|一下子|不小心|有个|有人|阿姨|大爷|大妈|大娘|奶奶|爷爷|姥姥|阿婆"
                        r"|老人|老师|孩子|小孩|我家|我妈|我爸"
                        r"|闻到|闻见|出来一看|跑出去|厨房|家里|楼下|外面")


def _real_at_the_show(msg: _Message, hit: _Hit, marker: re.Match[str], actual: bool) -> bool:
    if not actual or not _SHOW_OR_PLAY.fullmatch(marker.group()) or _INSIDE.match(msg.text, marker.end()):
        return False
    between = msg.text[marker.end(): hit.start]
    return not _PLAYED.search(between + hit.text) and bool(_REAL_TURN.search(between + hit.text))


def _relayed_now(msg: _Message, hit: _Hit, asked: re.Match[str], actual: bool) -> bool:
    """Review 17 (note 9): a passed-on question about a cue said to have happened to someone named after the relay
    (他家老人, 她), or with something said to go on in its sentence (烟都上来了, 现在): the emergency is relayed."""
    if not actual:
        return False
    text = msg.text
    if _RELAYED_WHO.search(text, asked.end(), hit.end):
        return True
    sentence = text[msg.sentence_start(hit.start): hit.end + len(msg.sentence_after(hit.end, len(text)))]
    return bool(_RELAYED_NOW.search(sentence))


def _own_clause(msg: _Message, hit: _Hit, soft: re.Match[str]) -> bool:
    """Review 14: a cue said to have happened to the resident's own (我妈, 我家, 全家) in its
    clause is theirs, not the story's: 看了短视频里的做法煮野蘑菇，全家中毒了; 新闻里刚说完，我家就有人
    食物中毒了. The hearsay or video still governs a cue in its own clause (新闻里说有个老人中毒了),
    unless the resident acted on it (我妈照着视频里的偏方吃草药中毒了, 听群里说的偏方给孩子喝了煤油)."""
    start = msg.clause_start(hit.start)
    if start <= soft.start() < hit.end:
        # in the cue's own clause: theirs only when the resident acted on what was heard or seen,
        # before the marker (照着视频里) or after it (听群里说的偏方给孩子喝了煤油)
        if _ACTED_ON.search(msg.text[max(start, soft.start() - 4): soft.start()]) or _REMEDY_AFTER.match(msg.text, soft.end()):
            return True
        # a person of theirs watching when it happened (我爸刷短视频刷着刷着突然说不出话了): the watching is
        # what they were doing; not what the video showed (我爸看视频里有个人突然晕倒了)
        own = msg.s.hypothetical_learning_own
        watcher = msg.text[start: soft.start()]
        return bool(((own is not None and own.search(watcher)) or _HOUSEHOLD.search(watcher))
                    and not _INSIDE.match(msg.text, soft.end())
                    and _SUDDEN.search(msg.text[soft.end(): hit.start]))
    before = msg.text[start: hit.start]
    own = msg.s.hypothetical_learning_own
    return bool((own is not None and own.search(before)) or _HOUSEHOLD.search(before))


# Round 21 (set 20): the writer as the subject of the what-to-do question (俺咋整, 我该怎么办, 我们咋办) after a pause in what
# is told: asked from inside (a bare 电梯困人我们该怎么办 stays a question)
_WRITER_ASKS = re.compile(r"(?:我|俺|咱)(?:们|俩)?(?:这|现在)?(?:该|要|应该|得|可)?$")
# Review 21 (S16): … or several of them ask it with no pause (电梯困人我们该怎么办): the people in it; a general frame
# (遇到, 如果, 的话) is read before this, a bare 着火怎么办 has no subject
_WE_ASK = re.compile(r"(?:我们|俺们|咱们|我俩|俺俩|咱俩)(?:这|现在)?(?:该|要|应该|得|可)?$")
# Round 21 (set 20): a cue that names the topic of something else, not an event now: a media item (抖音上那个火灾视频, 着火
#的新闻), a device's trigger (一天没开门就提醒子女的那种), prevention or a simulation (防触电培训, 模拟摔倒的垫子) just before it.
# Not a video the writer took (我拍了楼下着火的视频) and never when urgent or said to have happened (checked by the caller).
# Review 21 (P4): a photo or a video is how residents report now (三楼着火的照片 我刚拍的, 着火了 照片发你们了): it names a
# topic only when someone else published it — a platform or the writer watching it in the sentence (抖音上, 网上, 刷到,
# 看了个). A published item (新闻, 报道, 帖子, 节目) is one in itself. Filmed or sent, on either side of the cue: a report.
_PUBLISHED_NOUN = re.compile(r"(?:的|之类的|相关的?)?(?:新闻|报道|纪录片|电影|帖子|段子|文章|小说|节目)")
_MEDIA_NOUN = re.compile(r"(?:的|之类的|相关的?)?(?:视频|短视频|片子|图片|照片)")
_PUBLISHER = re.compile(r"抖音|快手|微博|小红书|头条|b站|视频号|公众号|网上|网络上|网传|新闻|电视|朋友圈|转发|转的|刷到|刷了|"
                        r"(?:看|看到|看见)(?:了|过)?(?:个|一个|一段|段|条|一条|几个|几段)|看过|(?:别人|人家|网友)(?:发|拍|转)")
_FILMED = re.compile(r"拍|录|发给|发到|发你|发群|发过来|发上来|传给|传到")
# review 21 (S11): filmed by the writer (我刚拍的, 刚录的): the report's own media, whatever a media word elsewhere says
_OWN_FILMED = re.compile(r"(?:我|俺|刚|才)(?:刚刚?|才)?(?:拍|录)")
_TRIGGER_AFTER = re.compile(r"[^,。]{0,2}?就(?:会)?(?:自动)?(?:提醒|通知|推送|发(?:消息|短信|信息|微信)|告警|预警|自动报警)(?!了)[^,。]{0,6}?(?:的|吗|么|呢|那种)")
_DEVICE = re.compile(r"装|设备|门磁|手环|手表|传感器|感应|探测|系统|app|功能|监测|智能|smart|报警器")
# Review 21 (P5): … unless the rest of the message says the device went off or the event is here (我妈戴着呢 刚才响了)
_WENT_OFF = re.compile(r"刚才|刚刚|正在|这会儿?|(?:响|叫|报警|推送|通知|提醒|打电话|打来|亮|闪)(?:了|起来|个不停|半天)"
                       r"|一直(?:在)?(?:响|叫|报警|闪)|收到(?:了)?(?:提醒|通知|消息|推送|短信|电话)")
# … or one cause guessed against another (是不是电表坏了还是哪里漏电): the cue right after 还是 in a 是不是 question, with
# nothing perceived or going on in the sentence
_OR_GUESS = re.compile(r"还是(?:哪里|哪儿|什么地方|哪)?(?:有|在)?$")
_GUESS_ASKED = re.compile(r"是不是|是否|难道|会不会")
# what the senses say now (not 突然, which a bill or a price may carry: 电费突然翻倍)
_SENSED = re.compile(r"(?:有|一|这)股|闻到|闻着|看到|看见|听到|听见|现在|正在|刚才|刚刚|冒|还在|一直在|滋滋|噼啪|麻|烫|焦|糊|味")
_AGAINST_BEFORE = re.compile(r"(?:预防|防止|防范|谨防|(?<![消堤边国海])防|模拟|仿真|假装|装作)[^,。]?$")


def _topic_of(msg: _Message, hit: _Hit) -> re.Match[str] | None:
    text = msg.text
    found = _AGAINST_BEFORE.search(text, max(msg.clause_start(hit.start), hit.start - 3), hit.start)
    if found is not None:
        return found
    sentence_start = msg.sentence_start(hit.start)
    sentence = text[sentence_start: hit.end] + msg.sentence_after(hit.end, len(text))
    found = _PUBLISHED_NOUN.match(text, hit.end)
    if found is None and _PUBLISHER.search(sentence):
        found = _MEDIA_NOUN.match(text, hit.end)
    if found is not None and not _FILMED.search(sentence):
        return found
    found = _TRIGGER_AFTER.match(text, hit.end)
    if found is not None and _DEVICE.search(text) and not _WENT_OFF.search(text, found.end()):
        return found
    found = _OR_GUESS.search(text, msg.clause_start(hit.start), hit.start)
    if found is not None and _GUESS_ASKED.search(text, sentence_start, found.start()):
        sentence = text[sentence_start: msg.clause_end(hit.end)]
        if not _SENSED.search(sentence) and not _HAPPENING.search(sentence):
            return found
    return None


def _sincere(msg: _Message, hit: _Hit, marker: re.Match[str]) -> bool:
    """Review 14: an emphatic 真/真的 just before a cue said to have happened (我爸真的不喘气了,
    真的着火了，不是开玩笑) is sincerity, not a what-if. It stays a what-if when said 真要/真要是, or
    with 的话/会不会 after the cue, or with 怎么办 after it in a sentence that names no real person
    or place (真着火了怎么办; but 我爸真的叫不醒了怎么办 is a cry)."""
    if marker.group().endswith(("要", "要是")):
        return False
    after = msg.sentence_after(hit.end, 16)
    if _WHAT_IF_AFTER.search(after):
        return False
    sentence = msg.text[msg.sentence_start(hit.start): msg.clause_end(hit.end)]
    return not (_HOW_AFTER.search(after) and not msg.s.hypothetical_anchor.search(sentence))


# Review 15: the idioms of feeling an ordinary sense may hold a cue in (气得冒火, 累得我要死了, 笑死了).
# round 20: joy or nerves that tie the tongue (开心得话都说不出来) are feelings too
_FEELING_IDIOM = re.compile(r"(?:热|累|吵|烦|气|笑|饿|困|急|冷|忙|臭|闷|馋|乐|美|爽|渴|恨|辣|吓|想|无聊|激动|高兴|开心|感动|兴奋|紧张)(?:得|死)"
                            r"|冒(?:火|烟|青烟)|火冒"
                            r"|(?:热情|斗志|激情|热血|士气|气氛|小宇宙)[^,。]{0,4}(?:烧|燃)起来")  # round 19


def _subject_explained(text: str, hit: _Hit, why: str) -> bool:
    """An ordinary sense that names the cue's own subject, right before it (鹦鹉走丢了,
    猫又丢了), or an idiom that holds the whole cue (气得冒火): the thing that is lost or
    stuck is not a person, the fuming is anger, however sure the model is.
    Farther away it is a word the message only mentions (在菜鸟驿站门口走丢了, 手机定位也没有),
    which the second opinion may overrule."""
    if not why.startswith("ordinary_sense:"):
        return False
    marker = why.split(":", 1)[1]
    if not marker:
        return False
    if text.find(marker, max(0, hit.start - len(marker) - 1), hit.start) != -1:
        return True
    # Round 15: an idiom that holds the whole cue (气得冒火, 累得我要死了) says what the cue's words
    # mean here; the n-gram model reads only the words (0.96 on 我快被我儿子气得冒火了).
    # Review 15: only an idiom of feeling; a word that merely holds the cue (落水口 a child fell into) may be
    # overruled like any other.
    if not _FEELING_IDIOM.search(marker):
        return False
    at = text.find(marker, max(0, hit.end - len(marker)), hit.start + len(marker))
    return at != -1 and at <= hit.start and hit.end <= at + len(marker)


def _ordered(values, order: tuple[str, ...]) -> tuple[str, ...]:
    rank = {value: i for i, value in enumerate(order)}
    return tuple(sorted(set(values), key=lambda v: rank.get(v, len(order))))


def _unique(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _second_opinion(text: str | None, normalised: str, started: float, quiet: bool) -> SafetyVerdict:
    """No cue at all: ask the n-gram model (see model.py)."""
    score = model.probability(normalised)
    s = lexicon().suppressors
    reason = _model_set_aside(normalised, s, score)
    if reason is None and score is not None and score < model.THRESHOLD:
        reason = _not_now(normalised, s)
    if reason is not None and score is not None:
        return SafetyVerdict(False, suppressed=(f"{reason}{MODEL_SUPPRESSED}",), model_score=round(score, 3))
    if score is None or score < model.THRESHOLD or len(_CONTENT.findall(normalised)) < MODEL_MIN_CHARS:
        # Round 12: a one- or two-character message (现在, 好的) gives the n-gram model nothing to
        # read; the cues handle the short cries (救命, 着火, help, 120).
        return SafetyVerdict(False, model_score=None if score is None else round(score, 3))
    verdict = SafetyVerdict(True, kinds=("general",), cues=(f"model:{score:.2f}",), topics=("general",),
                            model_score=round(score, 3))
    if not quiet:
        log.warning("safety_net_fired", kinds=list(verdict.kinds), cues=list(verdict.cues), suppressed=[],
                    text=mask_text(text), ms=round((time.perf_counter() - started) * 1000, 3))
    return verdict


def _model_set_aside(normalised: str, s: Suppressors, score: float | None, overrule: bool = False) -> str | None:
    """Why the model's words may not make the message an emergency, as for a cue: a
    drama, a dream, a drill, a joke (在看悬疑剧，里面有人被下毒了), or, unless urgent, a
    lost thing or nobody hurt (快递丢了; 没人碰到), a past day's event over. Reported as a
    suppression, so a classifier's "emergency" needs the model's own threshold
    (``plausible``); the same reasons keep the model from overruling the cues'
    explanations (``OVERRULE_SCORE``)."""
    reason = None
    story = s.hypothetical_anywhere.search(normalised)
    if story is not None and all(_watching_taken(normalised, m, s.hypothetical_person)
                                 for m in s.hypothetical_anywhere.finditer(normalised)):
        story = None  # round 17: a person outside the show taken suddenly while watching
    if story is None and not s.urgent.search(normalised) and not s.past_present.search(normalised):
        # Round 13: hearsay, television, news (电视里的老爷爷一个人住在山上) set the model's words
        # aside as they set a cue's aside, unless urgent or said of today (刚才视频我妈说话不清了).
        story = s.hypothetical_anywhere_soft.search(normalised)
        if story is not None and _watching_taken(normalised, story, s.hypothetical_person):
            story = None
    if story is None and s.hypothetical_laughter is not None and not s.urgent.search(normalised):
        story = s.hypothetical_laughter.search(normalised)
    if story is not None:
        reason = f"hypothetical:{_marker(story)}"
    elif s.everyday is not None:
        # Review 13: the phrases that say nothing of anyone's safety (堵车, 难吃, 真想) moved to
        # `not_now` (below the threshold only); what is left says nobody is in danger, and any sign
        # of a body in trouble (`everyday_unless`: 发紫, 肿, 喘, 不说话) hands the message to the model.
        # Round 16: unless urgent outside the phrase itself (the 现在 of 烧现在退了 is the phrase's own).
        thing = s.everyday.search(normalised)
        if (thing is not None
                and not s.urgent.search(_PASSED_NOW.sub("", normalised[: thing.start()] + "," + normalised[thing.end():]))
                and not (s.everyday_unless is not None
                         and s.everyday_unless.search(normalised[: thing.start()] + "," + normalised[thing.end():]))):
            # round 12 review: not when someone is unwell (楼下打了农药，孩子头晕呕吐); round 22: outside the phrase (晕车晕得我想吐
            # is the motion sickness's own nausea)
            reason = f"everyday:{thing.group()}"
    if (reason is None and not s.urgent.search(normalised)
            and not (s.everyday_unless is not None and s.everyday_unless.search(normalised))):
        # Round 16: someone not seen or not back is said to be somewhere (咋没下楼…他女儿说他在家养着; 没回来…在老战友
        # 家喝酒) and nobody is unwell nor anything urgent: accounted for, as the cues of a silence or a disappearance
        # are. Only for an absence: 有人在我家门口捅锁眼 is where a stranger is, not where someone missed is.
        where = _accounted(normalised, s) if _ABSENCE.search(normalised) else None
        if where is not None:
            reason = f"past:{where.group()}"
    if (reason is None and not overrule and s.report_wait is not None
            and not (s.everyday_unless is not None and s.everyday_unless.search(normalised))):
        # Review 15: a report chased after days (到底来不来人 我都报三天了), whatever its impatience (来人 is
        # urgent): a ticket, unless someone is unwell.
        wait = s.report_wait.search(normalised)
        if wait is not None:
            reason = f"everyday:{wait.group()}"
    if reason is None and score is not None and _ABSENCE.search(normalised):
        # Round 19 (set 18): someone not answering or not seen, then said safe (现在已经联系上了 人好好的, 找到了 没事了):
        # whatever the model reads in the absence, the message says it is over. Urgency outside the phrase cancels it
        # (the 现在 of 现在已经 / 现在人 is the phrase's own).
        over = next((m for m in _overs(normalised, s) if _SAFE_NOW.search(m.group())), None)
        if over is not None and over.start() > _ABSENCE.search(normalised).start():
            start = over.start() - 2 if normalised.endswith("现在", 0, over.start()) else over.start()
            rest = _OVER_NOW.sub("", normalised[:start] + "," + normalised[over.end():])
            if not s.urgent.search(rest) and not (s.everyday_unless is not None and s.everyday_unless.search(rest)):
                reason = f"past:{_marker(over)}"
    if reason is None and score is not None and not s.urgent.search(normalised):
        # A past day's event said to be over (昨儿个灶上烧糊了…开窗散了), nothing said of
        # today: what a cue would be suppressed for, the model may not fire on either.
        over = next(iter(_overs(normalised, s)), None)
        day = s.past_time.search(normalised)
        if over is not None and day is not None and not s.past_present.search(normalised):
            reason = f"past:{day.group()}"
    return reason


def _not_now(normalised: str, s: Suppressors) -> str | None:
    """Positive evidence, in a message without any cue, that it is not about an
    emergency now: a habit (老有人拉着老人卖保健品), an event said to be over (现在都好了),
    a repair (一直渗水). Used only below the model's own threshold, to make a
    classifier's "emergency" need that threshold (``plausible``); never when urgent."""
    overs = _overs(normalised, s)
    over = next(iter(overs), None)
    # the urgency of 现在 in 现在都好了 is the phrase's own; round 19: of every over phrase (虚惊一场…现在好了)
    rest = normalised
    for m in reversed(overs):
        start = m.start() - 2 if rest.endswith("现在", 0, m.start()) else m.start()
        rest = rest[:start] + "," + rest[m.end():]
    rest = _REPAIR_HURRY.sub("", _DENIED_NOW.sub("", _OVER_NOW.sub("", rest)))
    day = s.past_time.search(normalised, 0, 4)
    if day is not None and not _GOING_NOW.search(rest) and not s.past_ongoing.search(rest):
        # Round 19: a message that opens on a past day (上周暴雨地下室进过水 现在干了, 前年…现在出门都揣紧钱包): its 现在 tells
        # how things are since, no urgency
        rest = rest.replace("现在", "")
    if s.urgent.search(rest):
        return None
    if over is not None:
        return f"past:{_marker(over)}"
    if day is not None:
        return f"past:{day.group()}"
    habit = s.habitual.search(normalised)
    if habit is not None:
        return f"habitual:{_marker(habit)}"
    repair = s.not_now.search(normalised) if s.not_now is not None else None
    if repair is not None and _CALM.match(repair.group()) and (
            _ABSENCE.search(normalised) or _NOSEE_NOW.search(normalised) or _BODY_NOW.search(normalised)
            or (s.everyday_unless is not None and s.everyday_unless.search(normalised))):
        # round 20: 打电话一直不接 怕出事 你们有空去看看, 怕出事 我爸一下午都说胡话 — no hurry said, but somebody is not
        # answering or a body is in trouble
        repair = None
    if repair is not None:
        return f"not_now:{repair.group()}"
    # Round 19: a hazard complained of (没装燃气报警器 这是个大 risk 物业不管一下, 连个围栏都没有), with no cue at all and
    # nothing urgent: what a fire or gas cue in it would be set aside for, below the model's own threshold.
    hazard = s.hazard_markers.search(normalised)
    if hazard is not None and s.everyday_unless is not None and s.everyday_unless.search(normalised):
        hazard = None  # round 20 (review 20 note 6): 报警器坏了没响，我老公在浴室洗澡晕了 — the complaint is not the message
    if hazard is not None:
        return f"hazard_complaint:{hazard.group()}"
    # Round 16: a condition that has lasted years (瘫在床上好几年了，出不了门，他咋认证), nothing acute said:
    # a question about the person, as for a medical cue (`chronic`).
    if s.chronic_lasting is not None and s.chronic_acute is not None and not s.chronic_acute.search(normalised):
        lasting = s.chronic_lasting.search(normalised)
        if lasting is not None:
            return f"chronic:{lasting.group()}"
    return None


def warm_up() -> None:
    """Compile the lexicon now (a few hundred milliseconds, once per process), so
    the first resident's message does not pay for it."""
    normalise("预热")
    lexicon()
    model.probability("预热")


def assess(text: str | None, *, quiet: bool = False) -> SafetyVerdict:
    """Decide whether ``text`` reports an emergency happening now (see the module
    docstring). Never raises on any string. Logs every decision it makes
    (``safety_net_fired`` at warning, ``safety_net_suppressed`` at debug), unless
    ``quiet`` (for a second reading of a message already assessed)."""
    started = time.perf_counter()
    normalised = normalise(text)
    if not normalised:
        # Round 16: nothing left once the fillers are gone (然后呢, 嗯嗯): nothing supports a classifier's
        # "emergency" either (model_score 0, not None: None means no model is installed).
        return SafetyVerdict(False, model_score=0.0 if text and text.strip() else None)
    lex = lexicon()
    message = _Message(normalised, lex.suppressors)
    fired: list[_Hit] = []
    suppressed: list[str] = []
    fallback: list[str] = []
    hits = []
    for hit in _find(normalised, lex):
        reason = _suppression(message, hit)
        hits.append((hit, reason))
        if reason is None:
            fired.append(hit)
        else:
            suppressed.append(f"{reason}→{hit.text}")
            if not reason.startswith(_NOT_ABOUT_IT):
                fallback.append(hit.cue.topic)

    if not fired and not suppressed:
        return _second_opinion(text, normalised, started, quiet)
    # Every cue suppressed: the n-gram model still scores the message, as a vote on a
    # classifier's "emergency" (``plausible``), and fires only when it is at least
    # ``OVERRULE_SCORE`` sure: then the cues explained away for a reason other than
    # "not about it" give the kinds (general when there are none).
    score = None if fired else model.probability(normalised)
    overruled = (score is not None and score >= OVERRULE_SCORE
                 and len(_CONTENT.findall(normalised)) >= MODEL_MIN_CHARS
                 and not any(why.startswith(_FINAL) or _subject_explained(normalised, hit, why) for hit, why in hits
                             if why is not None)
                 and _model_set_aside(normalised, lex.suppressors, score, overrule=True) is None)
    if overruled:
        fired = [h for h, why in hits if why is not None and not why.startswith(_NOT_ABOUT_IT)]
    kinds = _ordered((h.cue.kind for h in fired), KIND_ORDER) or (("general",) if overruled else ())
    if len(kinds) > 1:
        kinds = tuple(k for k in kinds if k != "general")
    topics = _ordered((h.cue.topic for h in fired if h.cue.kind in kinds), TOPIC_ORDER)
    if overruled and not topics:
        topics = ("general",)
    verdict = SafetyVerdict(
        emergency=bool(fired) or overruled,
        kinds=kinds,
        cues=((f"model:{score:.2f}",) if overruled else ()) + _unique(h.text for h in fired),
        suppressed=_unique(suppressed),
        topics=topics,
        model_score=None if score is None else round(score, 3),
        fallback_topics=_ordered(fallback, TOPIC_ORDER),
        subject_explained=(not fired and not overruled and bool(hits)
                           and all(why is not None and _subject_explained(normalised, hit, why) for hit, why in hits)),
    )
    elapsed_ms = round((time.perf_counter() - started) * 1000, 3)
    if quiet:
        return verdict
    if verdict.emergency:
        log.warning("safety_net_fired", kinds=list(verdict.kinds), cues=[mask_text(c) for c in verdict.cues],
                    suppressed=[mask_text(x) for x in verdict.suppressed], text=mask_text(text), ms=elapsed_ms)
    elif verdict.suppressed:
        log.debug("safety_net_suppressed", suppressed=[mask_text(x) for x in verdict.suppressed],
                  text=mask_text(text), ms=elapsed_ms)
    return verdict


def settle_intent(intent: str | None, verdict: SafetyVerdict) -> str | None:
    """The intent the butler acts on, given the classifier's and the net's readings.

    - the net fired: ``emergency``, whatever the classifier said;
    - the classifier said ``emergency`` and the net's second opinion does not find it
      plausible (``SafetyVerdict.plausible``): ``None`` — the caller takes the
      classifier's next-best intent;
    - otherwise the classifier's intent.

    Rasa's last NLU component (nlu_components/safety_net.py) applies the same rule
    from ``as_metadata()`` (``emergency`` and ``plausible``).
    """
    if verdict.emergency:
        return "emergency"
    if intent == "emergency" and not verdict.plausible:
        return None
    return intent
