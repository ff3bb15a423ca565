"""Residents' voice on outcomes (issue #11 item 8): after 已办结 a resident rates how
their ticket was handled (满意 / 基本满意 / 不满意, or 1–5) and says why; 不满意 with a
reason reopens the ticket when the lifecycle allows it (``lifecycle.resident_reopen``:
within 7 days of 已办结, at most twice, back to 处置中 with a fresh deadline).

Who may rate: the resident who filed the ticket or one linked to it as a duplicate
report (their own experience of the handling). Staff see every rating on the ticket
(``ticket_to_dict``: ``resident_rating`` and ``ratings``) and in exports.

Plain functions over the database; the dialogue (actions/tickets.py) only adapts.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from assistant.db import Database
from assistant.privacy import mask_sender, mask_text
from assistant.settings import Settings, get_settings
from assistant.tickets import lifecycle
from assistant.tickets.lifecycle import DONE_STATES, TicketError, TicketNotFound, aware, record_resident_word, utcnow
from assistant.tickets.models import Ticket, TicketRating, TicketWatcher

log = structlog.get_logger(__name__)

SATISFIED, PARTLY, UNSATISFIED = "满意", "基本满意", "不满意"
# The buttons the butler offers, with the score each stands for.
BUTTON_SCORES = ((SATISFIED, 5), (PARTLY, 3), (UNSATISFIED, 1))
# At or below this score a rating is 不满意: the butler asks why, and the reason may reopen.
UNSATISFIED_MAX = 2
# How long the butler waits for a rating or a reason once it asked.
ANSWER_WAIT = timedelta(minutes=30)
MAX_REASON = 1000


class FeedbackRefused(TicketError):
    """The resident may not rate this ticket (not theirs, not handled yet)."""

    code = "feedback_refused"


def label_for(score: int) -> str:
    return SATISFIED if score >= 4 else PARTLY if score == 3 else UNSATISFIED


# ---- reading what the resident said --------------------------------------------------------

_DIGITS = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
# A score, in one grammar for every reader (parse_rating, rates_a_ticket, the chat's turn):
# stars (五星, 4颗星, 3/5) always; points given (打/给/评 N 分) or said as such (N分 at the end of a
# clause, 5分满意). Never minutes, money or a fraction: 三分钟前报的, 给我5分钟, 一分钱都没退,
# 一分都不退给我, 三分之一.
_N = r"[1-5一二两三四五]"
_POINT = r"分(?![钟钱之半多秒米厘毫])"
_STAR = r"(?:颗星|个星|粒星(?!星)|颗|星|stars?\b|/\s*5)"  # 粒: Cantonese 三粒星
_GIVEN = r"(?:打|给|评)[^，,。；;！!？?\d]{0,3}"
_SCORE_ENDS = r"(?=$|[\s，,。.！!？?；;~～、…)）]|[吧了啊呀哈哦嘛呢]|满意|基本|不满|不太|还行|还可以|一般|凑合|好评|差评)"
SCORE_RE = re.compile(
    rf"{_GIVEN}(?P<given>{_N})\s*(?:{_POINT}|{_STAR})"
    rf"|(?P<said>{_N})\s*(?:{_POINT}{_SCORE_ENDS}|{_STAR})"
)
# The same said in English or in pinyin (five stars, wu xing, si fen).
_WORD_DIGITS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "yi": 1,
    "er": 2,
    "liang": 2,
    "san": 3,
    "si": 4,
    "wu": 5,
}
_WORD_STARS = re.compile(r"\b(one|two|three|four|five)\s*stars?\b|\b(yi|er|liang|san|si|wu)\s*(?:xing|fen)\b")
# Most specific first: 不满意 before 满意, 基本满意 before 满意.
_SCORED: tuple[tuple[re.Pattern[str], int], ...] = (
    (
        re.compile(
            r"非常不满意|很不满意|极不满意|特别不满意|太不满意|bu\s*man\s*yi|差评|太差|很差|极差|一塌糊涂"
            r"|(?:太|真|很|好|就是个?|简直|真是)垃圾|垃圾(?:服务|物业|处理|态度|部门)|^垃圾[!！。.\s]*$"
        ),
        1,
    ),
    (re.compile(r"不太满意|不大满意|不怎么满意|不咋满意|不够满意|不咋地|不怎么样"), 2),
    (re.compile(r"不满意|不满|不好|不行|差劲"), 1),
    # The regions' praise said with a no, a degree word between (没那么麻利, 不咋安逸, 不太靠谱).
    (re.compile(r"(?:不|没|别)(?:太|怎么|咋|咋个|那么|大|很|是很|够|算)?"
                r"(?:巴适|安逸|几好|杠杠的|顶呱呱|呱呱叫|得劲|靠谱|利索|麻利|快手|蛮好|灵光|板扎)"), 2),
    (re.compile(r"基本满意|还行|还可以|还凑合|凑合|一般般?|马马虎虎|过得去|勉强|中规中矩"), 3),
    (re.compile(r"非常满意|很满意|特别满意|十分满意|好评|满意|满分|挺好|很好|不错|给力|点赞|man\s*yi"), 5),
    # Praise in the regions' words (安逸, 杠杠的, 没得说, 得劲, 手脚麻利), not said
    # with a no before it (不得劲, 不利索, 没那么麻利).
    # 蛮好 / 老好 / 交关好 / 灵光 (吴语), 要得 / 板扎 (西南), 美滴很 (西北), 嘎嘎好 / 贼好 (东北),
    # 好得很, 没毛病, 妥妥的.
    (re.compile(r"(?<![不没])(?:巴适|安逸|几好|好好嘢|杠杠的|没得说|没说的|顶呱呱|呱呱叫|得劲|靠谱|利索|麻利|快手|(?:真|很|太|超)棒|棒棒|(?:超|真|很)赞"
                r"|蛮好|蛮灵|老好|交关好|灵光|(?:你们|师傅|这回|这次)?要得|板扎|美滴很|嘎嘎好|贼好|好得很|没毛病|妥妥)"), 5),
)
# Said about the handling without a rating word: the resident is not satisfied.
_UNHAPPY = re.compile(
    r"没修好|没解决|没弄好|没处理|又坏|又漏|又堵|又不亮|还是(?:坏|漏|堵|不行|没|不亮|老样子)|白修|敷衍|糊弄"
    r"|太慢|慢死|没人管|没人来|态度(?:不好|差)|跟没修一样|问题还在|根本没|办结个|看一眼就走"
)
# Words that say nothing beyond the rating (the rest is the reason).
_FILLER = re.compile(
    r"处理得?的?|办得?的?|结果|评价(?:一下)?|打(?:个)?分|给(?:个|你们)?|我(?:的)?|你们|对于?|工单|这个|那个|这次|上次|上回|刚才"
    r"|办结(?:的|了)?|就是|觉得|感觉|真的?|有点|一下|吧|了|啊|呀|呢|嘛|吗|哦|的|很|太|非常|特别|谢谢|\s"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _norm(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip().lower()


# 不满意……哦搞错了 说反了 是满意 / 三分，打错了，五分: the resident takes back what they said
# first; what follows the correction is the rating (when it gives one).
_TAKEN_BACK = re.compile(
    r"说反了|搞反了|弄反了|说错了|搞错了|弄错了|打错了|点错了|按错了|讲错了|讲反了|口误|更正一下|纠正一下"
    r"|不是不满意|不对不对"
    # 满意 哦不，非常满意: an interjection takes back only with a pause after it, never as the
    # start of 不满意 (哦不满意 is 1).
    r"|(?:不不不|哦不|啊不|呃不|噢不)(?=[，,。.、…！!\s~～])"
)


# The words of a correction (说错了, 说反了…): they take back what came before, rated or not.
_SAID_WRONG = re.compile(r"反了|错了|口误|更正|纠正|不是不满意|不对不对")


def parse_rating(text: str | None, *, accounts: bool = True) -> int | None:
    """The score 1..5 a message gives: 5分 / 五星 / a bare 1-5, or the words (不满意 1,
    不太满意 2, 基本满意/还行 3, 满意/好评 5), or 1 for an unhappy account of the
    handling (修完又坏了, 太慢了没人管) unless ``accounts`` is False. None when it gives none.
    A rating taken back in the same message (不满意…说反了，是满意) is the one said after."""
    norm = _norm(text)
    if not norm:
        return None
    taken_back = list(_TAKEN_BACK.finditer(norm))
    if taken_back and _score_in(norm[: taken_back[-1].start()], accounts=False) is None and not _SAID_WRONG.search(
        norm[: taken_back[-1].end()]
    ):
        taken_back = []  # 哦不，… with no rating before it takes nothing back
    if taken_back:
        after = norm[taken_back[-1].end():]
        corrected = _score_in(after, accounts=accounts)
        if corrected is not None:
            return corrected
    return _score_in(norm, accounts=accounts)


def _score_in(norm: str, *, accounts: bool) -> int | None:
    if not norm:
        return None
    stars = SCORE_RE.search(norm)
    if stars:
        return _DIGITS[stars.group("given") or stars.group("said")]
    words = _WORD_STARS.search(norm)
    if words:
        return _WORD_DIGITS[words.group(1) or words.group(2)]
    # A bare number (not 第一 / 第一个: an ordinal picks a button, the chat resolves it).
    bare = re.fullmatch(r"\s*([1-5一二两三四五])[\s。.!！]*", norm)
    if bare:
        return _DIGITS[bare.group(1)]
    for pattern, score in _SCORED:
        if pattern.search(norm):
            return score
    if accounts and _UNHAPPY.search(norm):
        return 1
    return None


# A rating in so many words: 评价 / 打分 / 满分, or points and stars given (我给4分, 打个五星) or
# opening the message (4分, 五颗星) — in the score grammar above, so 三分钟前报的 / 给我5分钟 /
# 一分钱都没退给我 are no rating.
RATING_WORDS_RE = re.compile(
    r"评价|评个价|打分|评分|打个分|打几分|满分"
    rf"|{_GIVEN}{_N}\s*(?:{_POINT}|{_STAR})|^\s*{_N}\s*(?:{_POINT}{_SCORE_ENDS}|{_STAR})"
)


def rates_a_ticket(text: str | None) -> bool:
    """The resident rates, or wants to rate, a handled ticket (我要评价一下GD…, 那个楼道杂物的事
    我给4分, 给个五星)."""
    return bool(RATING_WORDS_RE.search(_norm(text)))


# 帮我报上去 / 登记一下吧 / 帮我约 / 那个也报上: the yes said again in words, no detail of the request
# (it would join the complaint's description).
RESTATED_YES_RE = re.compile(
    r"^(?:那就|那个|这个|那件事?|这件事?|那|就)?也?(?:你|麻烦)?(?:帮我|给我|帮忙)?(?:报上去|报一下|报吧|上报|报|登记|记下来|记上|记一下"
    r"|反映上去|反映一下|约上|约一下|约|查一下|查查|查|办一下|办)(?:一下|上|吧|啊|呀|哈|了)*"
    r"[。.！!~～，, ]*$"
)


# 好，帮我报 / 行，登记一下吧: the same after a yes word.
_YES_FIRST = re.compile(r"^(?:好的?|好啊|行|可以|要的?|嗯嗯?|对)?[，,。\s]*")


def restates_yes(text: str | None) -> bool:
    """帮我报上去 / 好，帮我报 / 那也登记一下: the yes said again in words, asking for what was
    offered (or was just done), with no detail of the request."""
    return bool(RESTATED_YES_RE.match(_YES_FIRST.sub("", (text or "").strip(), count=1)))


def explicit_rating(text: str | None) -> int | None:
    """The score a message gives in so many words (4分, 五星, 不满意, 基本满意), or None.
    Unlike ``parse_rating``, an unhappy account alone (怎么还没人来) is no rating: used
    where the message could as well be a progress query (GD… 不满意 vs GD… 怎么样了)."""
    return parse_rating(text, accounts=False)


def rating_from_entity(value: str | None) -> int | None:
    """The NLU's ``rating`` entity (满意, 五星, 5分...) read the same way as text."""
    return parse_rating(value) if value else None


def score_of(words: str | None, entity: str | None) -> int | None:
    """The score a message gives: the resident's own words first, the NLU's ``rating``
    entity only when the words give none (a button's payload, a word the grammar lacks).
    The entity is a span the classifier cut out of the words and may cut wrongly: 满意
    out of 不满意, 好 out of 不好."""
    said = (words or "").strip()
    from_words = None if not said or said.startswith("/") else parse_rating(said)
    return from_words if from_words is not None else rating_from_entity(entity)


def reason_in(text: str | None) -> str | None:
    """The resident's reason, when the message says more than a rating: the whole
    message in their words (staff read it), or None for 不满意 / 处理得不好 alone."""
    norm = _norm(text)
    rest = SCORE_RE.sub(" ", norm)
    for pattern, _score in _SCORED:
        rest = pattern.sub(" ", rest)
    rest = _FILLER.sub("", rest)
    if len(_CJK.findall(rest)) < 3:
        return None
    return lifecycle.clean_text(text)[:MAX_REASON]


def still_waiting(asked_at: datetime | None, now: datetime | None = None) -> bool:
    """Is an answer to the butler's rating question (asked at ``asked_at``) still one?"""
    now = aware(now) or utcnow()
    return asked_at is not None and timedelta(0) <= now - aware(asked_at) <= ANSWER_WAIT


def rating_buttons(ticket_id: str) -> list[dict]:
    """满意 / 基本满意 / 不满意, each sending the rating and the ticket back."""
    return [
        {
            "title": title,
            "payload": "/rate_ticket"
            + json.dumps({"rating": title, "ticket_id": ticket_id}, ensure_ascii=False),
        }
        for title, _score in BUTTON_SCORES
    ]


# ---- which ticket ----------------------------------------------------------------------------


def _linked(ticket: Ticket, sender_id: str) -> bool:
    return ticket.sender_id == sender_id or any(w.sender_id == sender_id for w in ticket.watchers)


def handled_tickets(session: Session, sender_id: str) -> list[Ticket]:
    """The resident's handled tickets (filed or linked), the most recently handled first."""
    watched = select(TicketWatcher.ticket_id).where(TicketWatcher.sender_id == sender_id)
    tickets = list(
        session.scalars(
            select(Ticket)
            .where((Ticket.sender_id == sender_id) | Ticket.id.in_(watched), Ticket.status.in_(DONE_STATES))
            .options(selectinload(Ticket.watchers))
        )
    )
    return sorted(tickets, key=lambda t: (aware(t.resolved_at or t.updated_at), t.id), reverse=True)


def awaits_rating(session: Session, sender_id: str, ticket_id: str) -> bool:
    """Is this the resident's own handled ticket, not yet rated by them? (路灯修好了吗 about
    it is a good moment to ask how it went.)"""
    ticket = session.get(Ticket, ticket_id, options=[selectinload(Ticket.watchers)])
    if ticket is None or ticket.status not in DONE_STATES or not _linked(ticket, sender_id):
        return False
    rated = session.scalars(
        select(TicketRating.id).where(
            TicketRating.ticket_id == ticket_id, TicketRating.sender_id == sender_id
        )
    ).first()
    return rated is None


# The work said done (修好了, 弄干净了, 清走了, 整好了, 搞定, 不漏了): what a praise or a
# complaint right after it is about.
_WORK_DONE = re.compile(
    r"(?:修|弄|整|搞|干|做|清|收拾|处理|换|疏通|补|装|填|加固|清运|打扫|扫|挪|搬|拖|运|拆|砍)(?:好|完|干净|走|掉|妥|返好|返)"
    r"|搞定|通了|亮了|不漏了|不堵了|不吵了|消停|干净了"
    # 修是修了 / 清是清了 / 挪是挪走了: the work granted, before a but.
    r"|(?P<verb>[修弄整搞干做清换补挪搬拖管])是(?P=verb)"
)


# The outcome as it is now (现在路宽敞了, 终于不吵了, 这下亮堂了): what the work changed, said
# in place of the work itself.
_OUTCOME_NOW = re.compile(r"(?:现在|如今|这下|这回|终于|总算|可算|已经)[^，,。！!？?\s]{1,8}了")
# The praise said to the people who did the work (你们要得, 师傅辛苦了, 谢谢你们).
_TO_THE_WORKERS = re.compile(
    r"(?:你们|师傅|工作人员|物业)[^，,。！!？?\s]{0,3}(?:要得|辛苦|真行|厉害|给力|不错|可以|棒|好样的)|谢谢(?:你们|师傅)"
)


def _about_the_work(said: str) -> bool:
    return bool(_WORK_DONE.search(said) or _OUTCOME_NOW.search(said) or _TO_THE_WORKERS.search(said))


def unasked_rating(db: Database, sender_id: str, text: str | None) -> tuple[str, int] | None:
    """路灯换好了 安逸得很 / 修完了 杠杠的 / 现在路宽敞了 你们要得 / 修好了又坏了 不满意: a
    rating said unasked, about the work (said done, its outcome now, or praise to those
    who did it), while the resident has a handled ticket they have not rated: the rating
    of it (the ticket and the score), not a new report, a greeting or 报平安. Not when it
    also reports something wrong (修好了 很好 可楼道灯又不亮了: a new matter). None otherwise."""
    from assistant.tickets.intake import names_a_problem

    said = _norm(text)
    if not said or said.startswith("/") or not _about_the_work(said):
        return None
    score = explicit_rating(said)
    # The fix said (不堵了, 不漏了) is no problem: what is left once it is taken out may be.
    rest = _OUTCOME_NOW.sub(" ", _WORK_DONE.sub(" ", said))
    if score is None or (names_a_problem(rest) and score >= 4):
        return None
    with db.session() as session:
        handled = handled_tickets(session, sender_id)
        if handled and awaits_rating(session, sender_id, handled[0].id):
            return handled[0].id, score
    return None


def rates_handled_ticket(db: Database, sender_id: str, text: str | None) -> bool:
    """Is the message a rating said unasked of the resident's handled ticket (``unasked_rating``)?"""
    return unasked_rating(db, sender_id, text) is not None


INVITATION = "处理得怎么样？点下面的按钮评价一下，也可以打 1 到 5 分。"


@dataclass
class RatingTarget:
    """The ticket a rating is about, or why there is none (``message``)."""

    ticket_id: str | None
    message: str = ""
    # The words name only tickets of theirs that are still open (卖菜那个还没弄吧 right after
    # rating another): the first of them; nothing is to be rated, its state is asked.
    open_named: str | None = None


def find_ticket_to_rate(
    session: Session, sender_id: str, text: str, *, ticket_id: str | None = None, now: datetime | None = None
) -> RatingTarget:
    """An id said or sent by a button (it must be the resident's own); else the
    ticket the words refer to (修路灯那个, resolved among the resident's own tickets)
    when it is handled; else the resident's most recently handled ticket."""
    from assistant.tickets.ids import find_ticket_id
    from assistant.tickets.references import resolve_ticket_reference

    wanted = find_ticket_id(ticket_id) or find_ticket_id(text)
    if wanted:
        ticket = session.get(Ticket, wanted, options=[selectinload(Ticket.watchers)])
        if ticket is None or not _linked(ticket, sender_id):
            return RatingTarget(None, f"您的投诉里没有工单 {wanted}，只能评价自己反映过的事。")
        return RatingTarget(ticket.id)
    handled = handled_tickets(session, sender_id)
    if not handled:
        return RatingTarget(None, "您还没有已办结的工单可以评价。办结以后可以跟我说“满意”或“不满意”。")
    ref = resolve_ticket_reference(session, sender_id, text, now=now)
    if ref.topics and ref.tickets:
        done = [t for t in ref.tickets if t.status in DONE_STATES]
        if done:
            return RatingTarget(done[0].id)
        # Another matter of theirs, still open: never the last handled one rated again.
        return RatingTarget(None, open_named=ref.tickets[0].id)
    return RatingTarget(handled[0].id)


# ---- recording ---------------------------------------------------------------------------------


@dataclass
class FeedbackOutcome:
    """What happened and what the resident is told. ``awaiting``: the butler asked a
    question and waits for ``rating`` or ``rating_reason`` (None: nothing pending)."""

    ticket_id: str
    message: str
    score: int | None = None
    awaiting: str | None = None
    reopened: bool = False
    buttons: list[dict] = field(default_factory=list)


def not_handled_yet(ticket_id: str | None) -> str:
    """A score given to a matter still open: nothing rated, said so."""
    return f"工单 {ticket_id} 还没办结，现在还不能评价。办结以后可以跟我说“满意”或“不满意”。"


def ask_for_rating(ticket_id: str) -> FeedbackOutcome:
    return FeedbackOutcome(
        ticket_id=ticket_id,
        awaiting="rating",
        buttons=rating_buttons(ticket_id),
        message=f"工单 {ticket_id} 已办结，您对处理结果满意吗？也可以打 1 到 5 分。",
    )


def _locked(session: Session, ticket_id: str, sender_id: str) -> Ticket:
    ticket = session.scalars(select(Ticket).where(Ticket.id == ticket_id).with_for_update()).one_or_none()
    if ticket is None:
        raise TicketNotFound(f"没有工单 {ticket_id}")
    if not _linked(ticket, sender_id):
        raise FeedbackRefused(f"您的投诉里没有工单 {ticket_id}，只能评价自己反映过的事。")
    return ticket


def _has_phone(ticket: Ticket, sender_id: str) -> bool:
    if ticket.sender_id == sender_id:
        return bool(ticket.contact_phone)
    return any(w.sender_id == sender_id and w.contact_phone for w in ticket.watchers)


# How a recorded rating is said back (a 不满意 heard, or any rating recorded or changed): the
# conversation layer knows by these words that the resident just rated
# (assistant.conversation.ratings.RATED_RE), so they live here once.
HEARD_OPENING = "收到您的评价"
THANKS_OPENING = "谢谢您的评价"


def _heard(rating: TicketRating, *, with_score: bool) -> str:
    """What the reply to a 不满意 says first, as a clerk would: the rating (or the reason)
    was heard, and sorry, before what was done about it."""
    if with_score:
        return f"{HEARD_OPENING}：{rating.label}（{rating.score}分）。抱歉没让您满意。"
    return "收到，您说的原因已记下。"


# The problem still there, or back (又漏了, 还是不亮, 跟没修一样, 晚上又停回来了): what a
# reopening is for.
_FAULT = r"(?:坏|漏|堵|不亮|不行|不灵|不通|不动|没反应|响|吵|停|渗|跳|冒|臭|满|滴|堆|闪|黑|脏|乱|湿|味)"
_STILL_WRONG = re.compile(
    rf"(?:又|还|还是|还在|就|仍|仍然|依然|依旧|照样|照旧)(?:又|一直|在|很|挺|那么|是)?{_FAULT}|又(?:来|回来)"
    # 又刷不开了 / 又打不着火 / 照样关不上: a verb between, then its no.
    rf"|(?:又|还是|照样|照旧|依旧|仍然)[^，,。！!？?\s]{{0,3}}(?:{_FAULT}|不|没)"
    r"|没修好|没解决|没弄好|没处理|没(?:清|弄|搬|挪|拖)走|还是(?:没|老样子|那样)|还有|问题还在"
    r"|跟没(?:修|处理|弄|管|来)一样|根本没|压根没|白修|没人来|一点没|一点都没"
)


def reopens(reason: str | None) -> bool:
    """Does a 不满意 with this reason call for the work again? Not when the resident grants
    the work was done (弄是弄好了, 修好了) and only finds fault with how (拖了三天, 态度差):
    sending a fixed thing back to the department helps nobody; staff see the rating. Yes
    when the problem is still there or back (修好了又坏了), or the work is not granted."""
    said = _norm(reason)
    return bool(_STILL_WRONG.search(said)) or not _WORK_DONE.search(said)


def _reopen_or_explain(
    ticket: Ticket,
    rating: TicketRating,
    *,
    sender_id: str,
    now: datetime,
    settings: Settings,
    with_score: bool = True,
) -> tuple[str, bool]:
    """Reopen for a 不满意 with a reason when the lifecycle allows; the reply first
    acknowledges the rating (``with_score``: said in this message) or the reason, then
    says only what was done."""
    from assistant.tickets.service import deadline_phrase

    heard = _heard(rating, with_score=with_score)
    if not reopens(rating.reason):
        return (
            f"{heard}您说的已记下，工作人员能看到。事情本身已经办好了，工单 {ticket.id} 就不重新打开了；"
            f"要是问题又出现，随时告诉我。",
            False,
        )
    refusal = lifecycle.resident_reopen_refusal(ticket, now)
    if refusal:
        return (
            f"{heard}工作人员能看到您的意见。{refusal}，不能在这里重新打开；"
            f"问题还在的话，可以直接告诉我重新反映，或者说“找工作人员”。",
            False,
        )
    lifecycle.resident_reopen(
        ticket, actor=f"resident:{sender_id}", reason=rating.reason or "", now=now, settings=settings
    )
    rating.reopened = True
    promise = (
        f"{deadline_phrase(ticket.urgency, settings)}给您答复。"
        if _has_phone(ticket, sender_id)
        else f"进度可以随时说“{ticket.id} 怎么样了”查询。"
    )
    return f"{heard}工单 {ticket.id} 已重新打开，交回{ticket.department}处理，{promise}", True


def rate_ticket(
    db: Database,
    *,
    sender_id: str,
    ticket_id: str,
    score: int,
    reason: str | None = None,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> FeedbackOutcome:
    """Record a resident's rating of a handled ticket. 不满意 without a reason asks
    why; with one it reopens the ticket when the lifecycle allows."""
    settings = settings or get_settings()
    now = aware(now) or utcnow()
    if isinstance(score, bool) or score not in range(1, 6):
        raise FeedbackRefused("评分是 1 到 5 分。")
    reason = lifecycle.clean_text(reason)
    reason = reason[:MAX_REASON] if reason else None
    with db.transaction() as session:
        ticket = _locked(session, ticket_id, sender_id)
        if ticket.status not in DONE_STATES:
            raise FeedbackRefused(
                f"工单 {ticket.id} 还没办结（{lifecycle.state_for_resident(ticket)}），办结以后再评价。"
            )
        label = label_for(score)
        before = next((r for r in reversed(ticket.ratings) if r.sender_id == sender_id), None)
        rating = TicketRating(sender_id=sender_id, at=now, score=score, label=label, reason=reason)
        ticket.ratings.append(rating)
        record_resident_word(ticket, sender_id, "居民评价", f"{label}（{score}分）" + (f"：{reason}" if reason else ""), now)
        reopened, awaiting = False, None
        if score > UNSATISFIED_MAX and before is not None and before.score != score:
            # 三星吧 … 算了 人家大半夜来修的 改成五星: the rating changed, said with its new score.
            message = f"{THANKS_OPENING}，已改成：{label}（{score}分）。"
        elif score > UNSATISFIED_MAX:
            message = f"{THANKS_OPENING}，已记下：{label}。"
        elif reason:
            message, reopened = _reopen_or_explain(
                ticket, rating, sender_id=sender_id, now=now, settings=settings
            )
        else:
            awaiting = "rating_reason"
            can = lifecycle.resident_reopen_refusal(ticket, now) is None
            message = "抱歉没让您满意。哪里不满意？说一下原因，" + (
                "我帮您把工单重新交给处理部门。" if can else "我记下来给工作人员看。"
            )
        session.flush()
        ticket_id = ticket.id
    log.info(
        "ticket_rated",
        ticket_id=ticket_id,
        score=score,
        reopened=reopened,
        reason=mask_text(reason) if reason else None,
    )
    return FeedbackOutcome(
        ticket_id=ticket_id, message=message, score=score, awaiting=awaiting, reopened=reopened
    )


def add_reason(
    db: Database,
    *,
    sender_id: str,
    ticket_id: str,
    reason: str,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> FeedbackOutcome:
    """The reason for the resident's latest rating of the ticket (asked after 不满意);
    reopens the ticket when the lifecycle allows."""
    settings = settings or get_settings()
    now = aware(now) or utcnow()
    reason = (lifecycle.clean_text(reason) or "")[:MAX_REASON]
    if not reason:
        raise FeedbackRefused("请说一下哪里不满意。")
    with db.transaction() as session:
        ticket = _locked(session, ticket_id, sender_id)
        rating = next((r for r in reversed(ticket.ratings) if r.sender_id == sender_id), None)
        if rating is None:
            raise FeedbackRefused(f"您还没有评价工单 {ticket.id}。")
        rating.reason = f"{rating.reason}；{reason}" if rating.reason else reason
        record_resident_word(ticket, sender_id, "评价原因", reason, now)
        reopened = False
        if rating.score <= UNSATISFIED_MAX and not rating.reopened:
            message, reopened = _reopen_or_explain(
                ticket, rating, sender_id=sender_id, now=now, settings=settings, with_score=False
            )
        else:
            message = "谢谢，您的意见已记下，工作人员能看到。"
        session.flush()
        ticket_id = ticket.id
        score = rating.score
    log.info("ticket_rating_reason", ticket_id=ticket_id, reopened=reopened, reason=mask_text(reason))
    return FeedbackOutcome(ticket_id=ticket_id, message=message, score=score, reopened=reopened)


# How the handling went, said of the work (太慢, 才有人管, 态度, 又…了): a reason, not a new matter.
_OF_THE_HANDLING = re.compile(r"慢|拖|才(?:有人|来|管|修|弄)|态度|师傅|工人|敷衍|糊弄|马虎|凑合|不彻底|没弄好|没修好|效率")


def reason_after_rating(db: Database, sender_id: str, text: str | None, *, now: datetime | None = None) -> str | None:
    """来得太慢了 报了好几天才有人管 而且今天又停回来了 right after the resident rated their
    ticket (打个三分吧 → 已记下：基本满意): why, said unasked. It joins that rating as its
    reason (``add_reason``: an unhappy one reopens the ticket), instead of being taken for
    a new report and asked "where?". None when no rating of theirs is that recent, the
    words name a place of their own (a new matter) or say nothing of the handling.
    Another score said as a change (算了 人家大半夜来修的 改成五星, ``changed_score``)
    changes the rating: a new one is recorded, the words its reason."""
    from assistant.tickets.intake import extract_location

    said = (text or "").strip()
    if not said or said.startswith("/") or extract_location(said):
        return None
    changed = changed_score(said)
    if changed is None and reason_in(said) is None:
        return None
    if changed is None and not (_UNHAPPY.search(said) or _STILL_WRONG.search(said) or _OF_THE_HANDLING.search(said)
                                or _about_the_work(said)):
        return None
    now = aware(now) or utcnow()
    with db.session() as session:
        rating = session.scalars(
            select(TicketRating).where(TicketRating.sender_id == sender_id)
            .order_by(TicketRating.at.desc(), TicketRating.id.desc()).limit(1)
        ).first()
        if rating is None or not still_waiting(rating.at, now):
            return None
        ticket_id, score_before = rating.ticket_id, rating.score
    try:
        if changed is not None and changed != score_before and (changed > UNSATISFIED_MAX or reason_in(said)):
            # 哎算了 人家师傅大半夜来修的 改成五星: another score, with why: the rating changed.
            return rate_ticket(
                db, sender_id=sender_id, ticket_id=ticket_id, score=changed, reason=reason_in(said), now=now
            ).message
        if reason_in(said) is None:
            return None  # 改成五星 of the score already given: nothing to add
        return add_reason(db, sender_id=sender_id, ticket_id=ticket_id, reason=said, now=now).message
    except FeedbackRefused:
        return None


# 改成五星 / 还是给五星吧 / 换成4分 / 改打一星: a score said as a change of the one given.
_CHANGE_TO = re.compile(r"(?:改|换|调)(?:成|为|到|打|给|评)?|还是(?:给|打|评)?|重新(?:打|给|评)")


# 改成基本满意 / 换成不满意吧 / 改为满意: the new rating said as a word of satisfaction, right
# after a change word proper (改/换/调, never 还是: 还是不行 is the handling, no score given).
_CHANGE_TO_WORD = re.compile(r"(?:改|换|调)(?:成|为|到)(?:个|一个)?")


def changed_score(text: str | None) -> int | None:
    """The new score of a rating changed in words (改成五星, 还是给4分吧, 重新打个一星, 改成基本
    满意), or None when the message changes no score (its stars or points, or its word of
    satisfaction, must follow a change word)."""
    norm = _norm(text)
    for change in _CHANGE_TO.finditer(norm):
        score = SCORE_RE.search(norm, change.end())
        if score and score.start() - change.end() <= 3:
            return _DIGITS[score.group("given") or score.group("said")]
    for change in _CHANGE_TO_WORD.finditer(norm):
        for pattern, score in _SCORED:
            if pattern.match(norm, change.end()):
                return score
    return None


def rating_to_dict(rating: TicketRating, *, masked: bool = True) -> dict:
    """The staff view of one rating."""

    return {
        "at": aware(rating.at).isoformat() if rating.at else None,
        "sender_id": mask_sender(rating.sender_id) if masked else rating.sender_id,
        "score": rating.score,
        "label": rating.label,
        "reason": mask_text(rating.reason) if masked and rating.reason else rating.reason,
        "reopened": rating.reopened,
    }


__all__ = [
    "BUTTON_SCORES",
    "FeedbackOutcome",
    "FeedbackRefused",
    "RatingTarget",
    "add_reason",
    "ask_for_rating",
    "changed_score",
    "find_ticket_to_rate",
    "not_handled_yet",
    "handled_tickets",
    "label_for",
    "parse_rating",
    "rate_ticket",
    "rating_buttons",
    "rating_from_entity",
    "rating_to_dict",
    "reason_in",
    "score_of",
    "still_waiting",
    "unasked_rating",
]
