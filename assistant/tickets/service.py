"""The ticket service: everything the chat, the staff API, Open311 and the CLI do
with tickets goes through these functions (one rule, one place).

- ``file_ticket``: classify, score, route, set the deadline, keep the cues, link
  duplicates, alert on emergencies.
- ``file_emergency``: an emergency ticket at once, plus what to do now;
  ``respond_to_emergency``: the same as the resident hears it (advice first, even if filing fails).
- ``transition_ticket`` / ``correct_ticket``: staff work, audited.
- ``public_status`` / ``my_tickets``: what residents may see.
- ``list_tickets`` / ``ticket_to_dict``: shared by the staff API, export and Open311.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import Select, func, make_url, or_, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session, selectinload

from assistant.db import Database
from assistant.location import Location, compatible, complete, resolve
from assistant.safe_url import UnsafeUrl, http_url
from assistant.privacy import mask_name, mask_phone, mask_sender, mask_text
from assistant.residents.service import get_or_create_resident, remember_contact
from assistant.settings import Settings, get_settings
from assistant.tickets import lifecycle
from assistant.tickets.duplicates import same_problem
from assistant.tickets.asking import asks_for_a_promise
from assistant.tickets.emergency import emergency_advice, send_alert
from assistant.tickets.ids import next_ticket_id
from assistant.tickets.lifecycle import (
    OPEN_STATES,
    URGENCY_RANK,
    URGENCY_ZH,
    InvalidTransition,
    TicketError,
    TicketNotFound,
    aware,
    deadline_for,
    is_overdue,
    record_event,
    record_resident_word,
    utcnow,
)
from assistant.tickets.models import Ticket, TicketWatcher
from assistant.tickets.routing import get_routing

log = structlog.get_logger(__name__)

MAX_DESCRIPTION = 4000
DUPLICATE_WINDOW = timedelta(days=7)
DUPLICATE_RADIUS_M = 200.0
# From this many residents reporting the same open problem, it is at least urgent.
MANY_REPORTS = 3
# A resident's further messages this soon after their emergency report add to it.
EMERGENCY_FOLLOW_UP = timedelta(minutes=15)
# Another resident reporting the same kind of emergency at the same place this soon
# after the last activity on an open emergency ticket joins it: one ticket, one alert.
EMERGENCY_SAME_PLACE = timedelta(minutes=15)
# How long an emergency filing waits for another one in flight before it files anyway
# (the other has committed its ticket by then unless its database is stuck).
EMERGENCY_LOCK_WAIT_SECONDS = 2.0


class TicketInputError(TicketError):
    """A complaint that cannot be filed as given (empty, too long, bad coordinates)."""

    code = "invalid_ticket"


class BadMediaUrl(TicketInputError):
    """A photo link that is not an absolute http(s) URL (assistant/safe_url.py)."""

    code = "bad_media_url"


@dataclass
class FiledTicket:
    ticket: Ticket
    created: bool  # False: the report was linked to an existing open ticket
    message: str  # what the resident is told
    alerted: bool = False
    advice: list[str] = field(default_factory=list)
    own: bool = False  # not created: the resident's own open ticket, told again (no one else's)

    @property
    def duplicate(self) -> bool:
        return not self.created


# ---- duplicates -------------------------------------------------------------------


def is_similar(a: str, b: str) -> bool:
    """The same problem (``assistant.tickets.duplicates.same_problem``): a shared object
    (楼道灯 = 楼梯灯, 下水道 = 排水沟) whose faults agree (坏 / 不亮, not 坏 / 异响)."""
    return same_problem(a, b)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6371000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


def report_location(address: str | None, description: str | None) -> Location | None:
    """Where a report is: its address read by the location parser, completed from the
    resident's own words when the address is a cut-down piece of them (an NLU entity
    that kept 17号楼 of 117号楼), or the first location in the words without an address."""
    return resolve(address, description)


def is_nearby(
    a: Ticket,
    *,
    address: str | None,
    lat: float | None,
    long: float | None,
    description: str | None = None,
    strict: bool = False,
) -> bool:
    """Same place. The whole location decides (``assistant.location.compatible``): the
    same building (十二号楼 is 12栋, 20号楼 is not 203号楼) and, where both say them, the
    same unit, floor and room; or the same named place (北门 / 小区北门); an address the
    parser cannot read (超市后面那条路) matches when equal or one contains the other.
    When both reports carry coordinates they must be within 200 m, and decide alone
    when either report names no building, unit or room."""
    la, lb = report_location(a.address, a.description), report_location(address, description)
    if None not in (a.lat, a.long, lat, long):
        if haversine_m(a.lat, a.long, lat, long) > DUPLICATE_RADIUS_M:
            return False
        if la is None or lb is None or not (la.is_structured and lb.is_structured):
            return True  # a shared position is the most precise thing a report can have
    return compatible(la, lb, strict=strict)


def find_duplicate(
    session: Session,
    *,
    description: str,
    address: str | None,
    lat: float | None,
    long: float | None,
    now: datetime,
) -> Ticket | None:
    """The most recent open ticket, filed within the last 7 days, at the same place and
    about the same problem. Of any category: the classifier may put two phrasings of one
    problem in two categories (楼道灯 物业管理 / 楼梯灯 市政设施); the problem rule decides."""
    candidates = session.scalars(
        select(Ticket)
        .where(Ticket.status.in_(OPEN_STATES), Ticket.created_at >= now - DUPLICATE_WINDOW)
        .order_by(Ticket.created_at.desc())
        .limit(200)
    )
    for ticket in candidates:
        if is_nearby(ticket, address=address, lat=lat, long=long, description=description) and is_similar(
            ticket.description, description
        ):
            return ticket
    return None


# ---- filing -----------------------------------------------------------------------


def _clean(value: str | None, limit: int) -> str | None:
    value = lifecycle.clean_text(value)
    return value[:limit] if value else None


def _address(value: str | None) -> str | None:
    """A ticket's address as staff read it: a number said digit by digit (一二四七号楼, as
    speech recognition writes it) in Arabic digits (``location.with_digits``)."""
    from assistant.location import with_digits

    return _clean(with_digits(value), 256)


def _validate(description: str, lat: float | None, long: float | None) -> str:
    description = lifecycle.clean_text(description) or ""
    if not description:
        raise TicketInputError("请说一下遇到了什么问题。")
    if len(description) > MAX_DESCRIPTION:
        raise TicketInputError(f"问题描述太长了，请控制在 {MAX_DESCRIPTION} 字以内。")
    if (lat is None) != (long is None):
        raise TicketInputError("位置需要同时有纬度和经度。")
    if lat is not None and not (-90 <= lat <= 90 and -180 <= long <= 180):
        raise TicketInputError("位置坐标不对。")
    return description


def deadline_phrase(urgency: str, settings: Settings | None = None) -> str:
    """ "2小时内" / "24小时内" / "3个工作日内", from the configured deadline."""
    settings = settings or get_settings()
    specs = {**lifecycle.DEFAULT_DEADLINES, **(settings.ticket_deadlines or {})}
    amount, unit = lifecycle.parse_duration(specs.get(urgency, specs["normal"]))
    number = f"{amount:g}"
    return {"h": f"{number}小时内", "d": f"{number}天内", "wd": f"{number}个工作日内"}[unit]


def duplicate_heading(original: Ticket, *, own: bool) -> str:
    """What a resident hears first when their report joins an open ticket: their own told
    again (more of it), or another resident's (a watcher now). One wording for every channel
    (the chat, degraded mode), so nobody is told 已有居民反映过 about their own report."""
    state = lifecycle.state_for_resident(original)
    if own:
        return f"这件事您已经反映过了（工单号 {original.id}，{state}），刚才说的已补充到工单上。"
    return f"已有居民反映过这个问题（工单号 {original.id}，{state}），已为您加入关注。"


# How every filing is said (filed_message, filed_asking_contact): the conversation layer
# knows a ticket was just filed by these words (turn.TICKET_FILED), so they live here once.
FILED_OPENING = "已为您登记，工单号"


def filed_message(ticket: Ticket, *, has_contact: bool, settings: Settings | None = None) -> str:
    """What a resident hears when their complaint is filed. A reply by a deadline
    ("3个工作日内给您答复") is promised only when there is a phone to reply to;
    an anonymous resident hears how to follow it up themselves."""
    said = f"{FILED_OPENING} {ticket.id}。问题归为“{ticket.category}”，由{ticket.department}处理"
    if has_contact:
        return (
            f"{said}，{deadline_phrase(ticket.urgency, settings)}给您答复。"
            f"您也可以随时说“{ticket.id} 怎么样了”查询进度。"
        )
    return f"{said}。您没有留联系方式，进度请随时说“{ticket.id} 怎么样了”查询。"


def filed_asking_contact(ticket: Ticket) -> str:
    """Filed without a phone, asked for one now (no reply deadline is promised yet)."""
    return (
        f"{FILED_OPENING} {ticket.id}。问题归为“{ticket.category}”，由{ticket.department}处理。"
        f"{CONTACT_INVITATION}"
    )


# Said after a complaint filed without a phone: filing never waits on the phone (a
# resident who leaves at the contact question would lose the complaint), the phone is
# asked for afterwards and joins the ticket (add_contact).
# The words every phone question about a ticket carries (CONTACT_INVITATION, how_to_follow):
# the conversation layer knows by them that the ticket's phone was asked (turn.TICKET_PHONE_ASK).
CONTACT_ASK_WORDS = "我记到工单上"
CONTACT_INVITATION = f"想知道处理结果的话，留个手机号给我，{CONTACT_ASK_WORDS}；不留也可以，进度随时问我。"


# 查完了跟我说一声 / 有结果告诉我: the resident asks to be told the outcome.
_TELL_ME = re.compile(
    r"(?:跟|给|和|同)我(?:说|讲|打)?(?:一声|一下|个话|个信)|告诉我|通知我|回复我|回个话|回个信|给个信|给我个信"
    r"|联系我|打给我|给我打|(?:跟|给|和)我说|知会我|吱一声"
    # 处理好了给我回个电话 / 修好了发个短信: a call or a text back is being told too.
    r"|(?:给|跟)?我?回(?:个|一个|一下|一通)?电话|回电|(?:发|来)(?:个|条|一条)?短信|短信(?:通知|告诉|说)"
    # 修好了打这个电话 139… / 弄完了打我手机: the number to call when it is done.
    # Not 我打这个电话没人接 (the resident's own call).
    r"|(?<![我俺])打(?:这个|这|我这个|我的|我)(?:电话|号码|号|手机)(?![^，,。]{0,3}(?:没|不|占线|关机))"
)


# 别联系我了 / 不用通知我 / 不要再打给我: the resident asks not to be told (别忘了告诉我 still asks).
_NOT_ME = re.compile(r"(?:别|不用|不要|不必|甭|无需|不需要|用不着|没必要)(?:再|老|总|又|一直|都)?$")


def asks_to_be_told(text: str | None) -> bool:
    """Does the resident ask to be told how a ticket ends (查完了跟我说一声不)? Not when
    the words are denied (别联系我了, 不用通知我)."""
    text = text or ""
    return any(not _NOT_ME.search(text[: m.start()]) for m in _TELL_ME.finditer(text))


# 处理好了 / 有结果了 / 修完以后: the outcome the resident waits for, said before the tell-me.
_OUTCOME = re.compile(
    r"(?:修|处理|弄|搞|办|整|维修)(?:好|完)|搞定|解决|有(?:了)?(?:结果|消息|进展|回复|下文|信儿?)|结果出来|好了|完了"
    # 垃圾收走了 / 车拖走了 / 东西清掉了: the thing taken away is the outcome too.
    r"|(?:收|清|拉|运|搬|拖|挪|弄)(?:走|掉)"
)


def asks_to_hear_the_outcome(text: str | None) -> bool:
    """A wish to be told how a report ends, not a request for a person now: 有结果了给我回个
    电话 / 修好了你们发个短信告诉我一声 (the outcome said first), or 有消息告诉我 (no person
    named). 转人工 / 让工作人员给我回电话 without an outcome asks for a person
    (``form_turns.wants_person``: the hand-off's rule)."""
    from assistant.form_turns import wants_person

    text = text or ""
    if not asks_to_be_told(text):
        return False
    told = next(m for m in _TELL_ME.finditer(text) if not _NOT_ME.search(text[: m.start()]))
    if _OUTCOME.search(text[: told.start()]) and not re.search(r"转(?:接)?(?:个|一个|一下)?人工|人工客服", text):
        return True
    return not wants_person(text)


def how_to_follow(ticket_id: str) -> str:
    """How a resident who left no phone follows their ticket: nobody will call them,
    so no promise of it; the progress is theirs to ask for, by the ticket's number."""
    return (
        f"您没有留电话，处理完我们没法主动联系您。工单号 {ticket_id}，进度随时可以问我，说“{ticket_id} 怎么样了”就能查到；"
        f"想在有结果时收到通知，也可以留个手机号，{CONTACT_ASK_WORDS}。"
    )


def add_contact(
    db: Database, ticket_id: str, *, sender_id: str, phone: str, now: datetime | None = None,
    replace: bool = False,
) -> str | None:
    """A phone said after filing joins the resident's own ticket: the filer's contact
    (when none is there yet) or the resident's watch of a ticket they joined. Audited.
    ``replace``: the number said is the one to call (修好了打这个电话 139…), whatever was
    there. Returns the number the ticket now holds for this resident."""
    now = aware(now) or utcnow()
    phone = _clean(phone, 32)
    with db.transaction() as session:
        ticket = session.get(Ticket, ticket_id, with_for_update=True)
        mine = [w for w in (ticket.watchers if ticket else []) if w.sender_id == sender_id]
        if ticket is None or not (mine or ticket.sender_id == sender_id):
            raise TicketNotFound(f"没有找到您的工单 {ticket_id}。")
        if ticket.sender_id == sender_id and (replace or not ticket.contact_phone):
            ticket.contact_phone = phone
        for watch in mine:
            watch.contact_phone = phone if replace else (watch.contact_phone or phone)
        held = ticket.contact_phone if ticket.sender_id == sender_id else (mine[0].contact_phone if mine else None)
        record_resident_word(ticket, sender_id, "补充联系方式", f"居民留了电话 {mask_phone(phone)}", now)
        ticket.updated_at = now
        remember_contact(session, sender_id, phone=phone)
    log.info("ticket_contact_added", ticket_id=ticket_id)
    return held


def recorded_read_back(
    db: Database, ticket_id: str, *, sender_id: str, text: str, now: datetime | None = None
) -> str | None:
    """是2单元啊 你给记对了没 right after filing: the ticket as recorded, read back (工单号,
    位置, 问题). A place said with the question that differs from the one recorded
    corrects it first (the building kept: 521号楼3单元 + 2单元 -> 521号楼2单元) while the
    ticket is still 受理. None when the ticket is not the resident's."""
    from assistant.tickets.intake import corrected_place, extract_location, place_said

    with db.session() as session:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None or ticket.sender_id != sender_id:
            return None
        address, description = ticket.address, ticket.description
    said = place_said(text)
    if said and not _corrects_recorded_place(text, said, address):
        said = None  # 我家是5号楼，你记对了没: not the ticket's place; read back, the resident says
    if said and address and said not in address:
        meant = corrected_place(f"{address}，不对是{said}") or said
        if correct_place(db, ticket_id, sender_id=sender_id, place=meant, now=now):
            address = meant
    elif said and not address and correct_place(db, ticket_id, sender_id=sender_id, place=said, now=now):
        address = said
    clause = re.split(r"[，,。！!？?\s]", (description or "").strip(), maxsplit=1)[0]
    problem = clause.replace(extract_location(clause) or "", "", 1).strip("的在 ") or clause
    where = f"位置是{address}，" if address else "还没有位置，"
    return f"记下了：工单号 {ticket_id}，{where}问题是“{problem[:40]}”。不对的话直接告诉我改。"


_PLACE_KINDS = ("courtyard", "building", "unit", "floor", "room", "place", "estate", "road")


def _corrects_recorded_place(text: str, said: str, address: str | None) -> bool:
    """A place said with 记对了没 corrects the ticket's when the message says a correction
    (不对，是2单元), or names the same kind of part as the one recorded (是2单元啊 for a
    ticket at 3单元) and is not where the resident lives (我家是5号楼, 我住3单元)."""
    from assistant import form_turns
    from assistant.location import parse_location

    if form_turns.corrects(text):
        return True
    if not_the_scene(text, said):
        return False
    if not address:
        return True
    mine, recorded = parse_location(said), parse_location(address)
    if mine is None or recorded is None:
        return False
    return any(getattr(mine, kind) is not None and getattr(recorded, kind) is not None for kind in _PLACE_KINDS)


def correct_place(
    db: Database, ticket_id: str, *, sender_id: str, place: str, now: datetime | None = None
) -> bool:
    """The filer corrects the place of a ticket just filed (不对，是13号楼): while it is
    still 受理 and theirs, the address becomes the place said. Audited; False when the
    ticket is not theirs or already moving (staff then hear it as a new report)."""
    now = aware(now) or utcnow()
    place = _address(place)
    with db.transaction() as session:
        ticket = session.get(Ticket, ticket_id, with_for_update=True)
        if (
            ticket is None
            or ticket.sender_id != sender_id
            or ticket.status != lifecycle.ACCEPTED
            or not place
        ):
            return False
        if ticket.address != place:
            record_event(
                ticket,
                actor=f"resident:{sender_id}",
                action="更正位置",
                from_state=ticket.address,
                to_state=place,
                note="居民更正了问题的位置",
                now=now,
            )
            ticket.address, ticket.updated_at = place, now
    log.info("ticket_place_corrected", ticket_id=ticket_id)
    return True


def _analyse(description: str, category: str | None, repeat_count: int = 0):
    # Imported here: the scorer and classifier are another module's, loaded on first use.
    from assistant.tickets.classify import classify_category
    from assistant.tickets.sentiment import assess_urgency, score_sentiment

    sentiment = score_sentiment(description)
    urgency = assess_urgency(description, sentiment, repeat_count=repeat_count)
    if category:
        classification_cues, confidence = ["工作人员或服务类别指定"], 1.0
    else:
        classification = classify_category(description)
        category, confidence, classification_cues = (
            classification.category,
            classification.confidence,
            list(classification.cues),
        )
    return category, confidence, classification_cues, sentiment, urgency


def file_in_passing(db: Database, *, sender_id: str, text: str, now: datetime | None = None) -> FiledTicket | None:
    """A report said in the middle of another request (约保洁… 还有个事 楼上漏水漏到我家了
    921栋3单元201 你们给报一下 电话139…): when it says what is wrong and where, it is filed as
    said, with the phone said in it, and the other request goes on; None when it is no
    whole report (no problem or no place: the form it interrupted reads it as usual)."""
    from assistant.tickets.intake import extract_location, parse_contact, reads_as_complaint

    if not reads_as_complaint(text):
        return None
    place = extract_location(text)
    if not place:
        return None
    contact = parse_contact(text)
    phone = contact[1] if contact and contact[0] == "phone" else None
    return file_ticket(db, description=text, sender_id=sender_id, address=place, contact_phone=phone, now=now)


def file_ticket(
    db: Database,
    *,
    description: str,
    sender_id: str | None = None,
    address: str | None = None,
    lat: float | None = None,
    long: float | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    media_url: str | None = None,
    channel: str = "chat",
    category: str | None = None,
    force_urgency: str | None = None,
    check_duplicates: bool = True,
    actor: str | None = None,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> FiledTicket:
    """File a complaint: a new ticket, or a link to the open ticket it duplicates."""
    settings = settings or get_settings()
    now = aware(now) or utcnow()
    description = _validate(description, lat, long)
    routing = get_routing()
    if category is not None and not routing.has_category(category):
        raise TicketInputError(f"没有“{category}”这个类别。")
    address, media_url = _address(complete(address, description)), _clean(media_url, 512)
    try:  # a javascript:/data: URL would run in a staff member's browser: http(s) only
        media_url = http_url(media_url)
    except UnsafeUrl as exc:
        raise BadMediaUrl(str(exc)) from exc
    contact_name, contact_phone = _clean(contact_name, 64), _clean(contact_phone, 32)
    category, confidence, category_cues, sentiment, urgency = _analyse(description, category)
    level, urgency_cues = urgency.level, list(urgency.cues)
    if force_urgency and URGENCY_RANK[force_urgency] > URGENCY_RANK[level]:
        level = force_urgency
        urgency_cues.append("居民报告紧急情况")
    actor = actor or (f"resident:{sender_id}" if sender_id else f"{channel}:anonymous")

    with db.transaction() as session:
        original = None
        if check_duplicates and level != "emergency":
            original = find_duplicate(
                session, description=description, address=address, lat=lat, long=long, now=now
            )
        if original is not None and sender_id and _is_reporter(original, sender_id):
            # The resident's own open ticket (filed or joined, an emergency too): the same
            # matter told again is more of it, not a second resident's report.
            _append_detail(session, original, sender_id=sender_id, text=description, now=now, settings=settings)
            message = f"{duplicate_heading(original, own=True)}进度可以随时说“{original.id} 怎么样了”查询。"
            filed = FiledTicket(ticket=original, created=False, message=message, own=True)
        elif original is not None:
            _link_duplicate(
                session,
                original,
                sender_id=sender_id,
                description=description,
                contact_phone=contact_phone,
                actor=actor,
                now=now,
                settings=settings,
            )
            message = f"{duplicate_heading(original, own=False)}进度可以随时说“{original.id} 怎么样了”查询。"
            filed = FiledTicket(ticket=original, created=False, message=message)
        else:
            resident_id = None
            if sender_id:
                resident = get_or_create_resident(session, sender_id)
                remember_contact(session, sender_id, address=address, phone=contact_phone, name=contact_name)
                resident_id = resident.id
            route = routing.route(category)
            ticket = Ticket(
                id=next_ticket_id(session, now),
                created_at=now,
                updated_at=now,
                channel=channel,
                sender_id=sender_id,
                resident_id=resident_id,
                description=description,
                address=address,
                lat=lat,
                long=long,
                media_url=media_url,
                contact_name=contact_name,
                contact_phone=contact_phone,
                category=route.category if category == route.category else category,
                category_confidence=round(float(confidence), 4),
                department=route.department,
                sentiment_score=round(float(sentiment.score), 4),
                sentiment_label=sentiment.label,
                urgency=level,
                cues={"category": category_cues, "sentiment": list(sentiment.cues), "urgency": urgency_cues},
                status=lifecycle.ACCEPTED,
                deadline_at=deadline_for(level, now, settings),
                report_count=1,
            )
            session.add(ticket)
            record_event(
                ticket,
                actor=actor,
                action="受理",
                from_state=None,
                to_state=lifecycle.ACCEPTED,
                note=f"类别 {ticket.category}，派往 {ticket.department}，{URGENCY_ZH[level]}",
                now=now,
            )
            if sender_id:
                ticket.watchers.append(TicketWatcher(sender_id=sender_id, at=now, is_filer=True))
            session.flush()
            message = filed_message(ticket, has_contact=bool(contact_phone), settings=settings)
            filed = FiledTicket(ticket=ticket, created=True, message=message)
        if sender_id:  # photos the resident sent before the complaint was filed
            from assistant.tickets.attachments import link_pending

            link_pending(session, sender_id=sender_id, ticket=filed.ticket, now=now)
    if filed.created and filed.ticket.urgency == "emergency":
        filed.alerted = send_alert(filed.ticket, settings, db=db)
        if filed.alerted:
            _note_alert_delivered(db, filed.ticket.id, now)
    log.info(
        "ticket_filed",
        ticket_id=filed.ticket.id,
        created=filed.created,
        category=filed.ticket.category,
        urgency=filed.ticket.urgency,
        description=mask_text(description),
    )
    return filed


def _append_detail(
    session: Session, ticket: Ticket, *, sender_id: str, text: str, now: datetime, settings: Settings
) -> bool:
    """The resident's further words on their own ticket: into its description (stamped 补充)
    and its timeline. False when the ticket already has those very words."""
    said = [line.split("] ", 1)[-1].strip() for line in ticket.description.split("\n")]
    if text.strip() in said:
        return False
    stamp = now.astimezone(ZoneInfo(settings.timezone)).strftime("%m-%d %H:%M")
    addition = f"\n[{stamp} 补充] {text.strip()}"
    if len(ticket.description) + len(addition) <= MAX_DESCRIPTION:
        ticket.description += addition
    record_resident_word(ticket, sender_id, "补充", mask_text(text)[:200], now)
    ticket.updated_at = now
    return True


def demand_answer(db: Database, sender_id: str, text: str, *, now: datetime | None = None) -> str | None:
    """再派人来看看啊 from a resident with an open ticket of their own: what has been done with
    it (``handling_answer``: a visit time nobody set is never promised). None without one."""
    ticket_id = own_open_ticket(db, sender_id, text, now=now)
    if not ticket_id:
        return None
    answer = handling_answer(db, ticket_id, sender_id, text)
    return f"{answer}派人要由处理部门安排，我这里没法直接派。" if answer else None


def follow_answer(db: Database, sender_id: str, text: str | None, *, now: datetime | None = None) -> str | None:
    """那我咋知道办没办 (``asking.asks_how_to_know``) from a resident with an open ticket of
    their own: how they will learn the outcome, as it really is. With their phone on it,
    the outcome is told them; without, nobody can call them, and the ticket's number is
    theirs to ask by (``how_to_follow``). None without an open ticket or such a question."""
    from assistant.tickets.asking import asks_how_to_know

    if not asks_how_to_know(text):
        return None
    ticket_id = own_open_ticket(db, sender_id, text, now=now)
    if not ticket_id:
        return None
    with db.session() as session:
        ticket = session.get(Ticket, ticket_id, options=[selectinload(Ticket.watchers)])
        if ticket is None:
            return None
        phone = ticket.contact_phone if ticket.sender_id == sender_id else None
        phone = phone or next(
            (w.contact_phone for w in ticket.watchers if w.sender_id == sender_id and w.contact_phone), None
        )
    if not phone:
        return how_to_follow(ticket_id)
    return (
        f"您留了电话 {mask_phone(phone)}，工单 {ticket_id} 有结果会按这个电话告诉您。"
        f"进度也可以随时问我，说“{ticket_id} 怎么样了”就能查到。"
    )


# 咋处理的 said with no word about the resident's report: their latest ticket only when
# it was closed this recently.
OUTCOME_UNNAMED_WITHIN = timedelta(days=7)
_NAMED_CUES = ("工单号", "话题", "类别", "地点", "时间")


def _note_said(note: str, limit: int = 200) -> str:
    """The 办结 note as one sentence: its own full stop kept (no 。。), a long note cut with …"""
    note = note.strip()
    if len(note) > limit:
        return note[:limit].rstrip("，,、；; ") + "…。"
    return note if note[-1:] in "。！!？?…" else f"{note}。"


def outcome_answer(db: Database, sender_id: str, text: str | None, *, now: datetime | None = None) -> str | None:
    """咋处理的 (``asking.asks_how_handled``) once the resident's report is handled: what staff
    wrote when they closed it (the 办结 note), with the ticket's number; the ticket the words
    name among their own, else the latest handled. None when they have no handled ticket, or
    the words are about one still open (what was done so far is answered elsewhere)."""
    from assistant.tickets.asking import about_our_matter, asks_how_handled
    from assistant.tickets.ids import TICKET_ID_LIKE_RE
    from assistant.tickets.lifecycle import DONE_STATES
    from assistant.tickets.references import resolve_ticket_reference

    if not asks_how_handled(text):
        return None
    now = aware(now) or utcnow()
    with db.session() as session:
        ref = resolve_ticket_reference(session, sender_id, text or "", now=now)
        by_id = any(c.startswith("工单号") for c in ref.cues)
        if TICKET_ID_LIKE_RE.search(text or "") and not (ref.match == "one" and by_id):
            # an id mistyped (a digit too few): they mean one ticket, maybe not the latest
            return None
        if ref.match == "one":
            ticket = ref.ticket
        elif ref.match == "ambiguous" or ref.mentioned_id or any(c.startswith(_NAMED_CUES) for c in ref.cues):
            # The words name a ticket (a problem, a place) that is not one of theirs, or several:
            # never answer with another one (review 21 F2: 上回那个漏水… got the lift's).
            return None
        else:
            ticket = session.scalars(
                select(Ticket)
                .where(_reported_by(sender_id))
                .order_by(Ticket.updated_at.desc(), Ticket.created_at.desc())
                .limit(1)
            ).first()
        if ticket is None or ticket.status not in DONE_STATES:
            return None
        done = [e for e in ticket.events if e.action == "办结"]
        note = (done[-1].note or "").strip() if done else ""
        when = aware(done[-1].at) if done else aware(ticket.resolved_at)
        named = ref.match == "one" and any(c.startswith(_NAMED_CUES) for c in ref.cues)
        if not named and not about_our_matter(text) and (when is None or now - when > OUTCOME_UNNAMED_WITHIN):
            # 咋处理的 with no word about their report, weeks after it was closed: not "the"
            # ticket (review 21 M3).
            return None
        day = f"{when.astimezone(ZoneInfo(get_settings().timezone)):%-m月%-d日}" if when else ""
        told = f"工单 {ticket.id} {day}已办结"
        if note:
            return f"{told}，处理情况是：{_note_said(mask_text(note))}对结果不满意的话，跟我说“不满意”和原因就行。"
        return f"{told}，工作人员没写具体怎么处理的。想知道细节，可以说“转人工”问工作人员。"


def own_open_ticket(db: Database, sender_id: str, text: str | None = None, *, now: datetime | None = None) -> str | None:
    """The resident's own open ticket (filed or joined within the duplicate window) a
    further word is about: the one the words refer to when they name one of theirs, else
    the latest. None when they have none open."""
    from assistant.tickets.references import resolve_ticket_reference

    now = aware(now) or utcnow()
    with db.session() as session:
        if text:
            ref = resolve_ticket_reference(session, sender_id, text, now=now)
            if ref.match == "one" and ref.ticket.status in OPEN_STATES:
                return ref.ticket.id
        ticket = session.scalars(
            select(Ticket)
            .where(_reported_by(sender_id), Ticket.status.in_(OPEN_STATES), Ticket.created_at >= now - DUPLICATE_WINDOW)
            .order_by(Ticket.updated_at.desc(), Ticket.created_at.desc())
            .limit(1)
        ).first()
        return ticket.id if ticket else None


# 楼下路灯也坏了 / 另外那盏也不亮: another of the same, not the report again.
_ANOTHER_ONE = re.compile(r"也|另外|另一|还有|别的|其他|其它")
# How long after filing the same problem said again, with no place, is that report again.
SAID_AGAIN_WINDOW = timedelta(minutes=30)


def said_again(db: Database, sender_id: str, text: str | None, *, now: datetime | None = None) -> str | None:
    """暖气不热啊 冰凉的 你们快给看看 minutes after the resident reported 暖气不热 at their home:
    the same problem said again with no place is that report again (an elder repeats
    themselves), not a new one to ask "where?" of. The words join the ticket and the
    resident is told it is reported already, with its number. None when the words name a
    place, another problem, or no report of theirs of the last half hour is open."""
    from assistant.tickets.duplicates import read_problem, same_problem
    from assistant.tickets.intake import extract_location

    said = (_clean(text, MAX_DESCRIPTION) or "").strip()
    if not said or said.startswith("/") or extract_location(said) or _ANOTHER_ONE.search(said):
        return None
    problem = read_problem(said)
    if not (problem.objects and problem.faults):
        return None
    now = aware(now) or utcnow()
    with db.transaction() as session:
        ticket = session.scalars(
            select(Ticket)
            .where(_reported_by(sender_id), Ticket.status.in_(OPEN_STATES),
                   Ticket.created_at >= now - SAID_AGAIN_WINDOW, Ticket.urgency != "emergency")
            .order_by(Ticket.created_at.desc(), Ticket.id.desc())
            .limit(1)
            .with_for_update()
        ).first()
        if ticket is None or not _is_reporter(ticket, sender_id):
            return None
        first_words = ticket.description.split("\n", 1)[0]
        if not same_problem(first_words, said):
            return None
        _append_detail(session, ticket, sender_id=sender_id, text=said, now=now, settings=get_settings())
        ticket_id, state = ticket.id, lifecycle.state_for_resident(ticket)
    log.info("ticket_said_again", ticket_id=ticket_id, description=mask_text(said))
    return (f"这件事您已经反映过了，工单号 {ticket_id}（{state}），不用再报一次。刚才说的已补充到工单上，"
            f"处理的人能看到。进度随时说“{ticket_id} 怎么样了”就能查到。")


def add_detail(
    db: Database,
    ticket_id: str,
    *,
    sender_id: str,
    text: str,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> str | None:
    """补充一下… / 再给他们加一句…: the resident's further words joined to their own open
    ticket (``ticket_id``), and what they are told; None when it is not theirs or no longer open."""
    settings = settings or get_settings()
    now = aware(now) or utcnow()
    text = (_clean(text, MAX_DESCRIPTION) or "").strip()
    if not text:
        return None
    with db.transaction() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.id == ticket_id).with_for_update()).one_or_none()
        if ticket is None or not _is_reporter(ticket, sender_id) or ticket.status not in OPEN_STATES:
            return None
        _append_detail(session, ticket, sender_id=sender_id, text=text, now=now, settings=settings)
        state = lifecycle.state_for_resident(ticket)
    log.info("ticket_detail_added", ticket_id=ticket_id, description=mask_text(text))
    return f"好的，已补充到工单 {ticket_id} 上（{state}），处理的人能看到。"


def _link_duplicate(
    session: Session,
    original: Ticket,
    *,
    sender_id: str | None,
    description: str,
    contact_phone: str | None,
    actor: str,
    now: datetime,
    settings: Settings,
) -> None:
    """Add the resident as a watcher, count the report, and escalate the original's
    urgency when repeated reports make it more pressing (never lower it)."""
    session.refresh(original, with_for_update=True)
    original.report_count += 1
    already = sender_id and any(w.sender_id == sender_id for w in original.watchers)
    if sender_id and not already:
        original.watchers.append(
            TicketWatcher(
                sender_id=sender_id,
                at=now,
                is_filer=False,
                description=description,
                contact_phone=contact_phone,
            )
        )
    record_event(
        original,
        actor=actor,
        action="重复反映",
        from_state=original.status,
        to_state=original.status,
        note=f"第 {original.report_count} 位居民反映：{mask_text(description)[:200]}",
        now=now,
    )
    from assistant.tickets.sentiment import assess_urgency, score_sentiment

    combined = f"{original.description}\n{description}"
    reassessed = assess_urgency(combined, score_sentiment(combined), repeat_count=original.report_count - 1)
    level, cues = reassessed.level, list(reassessed.cues)
    # Many residents reporting one problem is pressing in itself, whatever the wording.
    if original.report_count >= MANY_REPORTS and level == "normal":
        level = "urgent"
        cues.append(f"{original.report_count} 位居民反映")
    if URGENCY_RANK[level] > URGENCY_RANK[original.urgency]:
        before = original.urgency
        original.urgency = level
        original.cues = {**(original.cues or {}), "urgency": cues}
        new_deadline = deadline_for(level, aware(original.created_at), settings)
        original.deadline_at = min(aware(original.deadline_at), new_deadline)
        record_event(
            original,
            actor="system",
            action="升级",
            from_state=URGENCY_ZH[before],
            to_state=URGENCY_ZH[level],
            note="多位居民反映，提高紧急程度",
            now=now,
        )


def _reported_by(sender_id: str):
    """Tickets this resident filed or joined as a reporter of the same emergency."""
    joined = select(TicketWatcher.ticket_id).where(TicketWatcher.sender_id == sender_id)
    return or_(Ticket.sender_id == sender_id, Ticket.id.in_(joined))


def _recent_emergency(session: Session, sender_id: str, now: datetime) -> Ticket | None:
    """The resident's own open emergency ticket (filed or joined) with activity in the
    last few minutes."""
    return session.scalars(
        select(Ticket)
        .where(
            _reported_by(sender_id),
            Ticket.urgency == "emergency",
            Ticket.status.in_(OPEN_STATES),
            Ticket.updated_at >= now - EMERGENCY_FOLLOW_UP,
        )
        .order_by(Ticket.created_at.desc())
        .limit(1)
        .with_for_update()
    ).first()


def _is_reporter(ticket: Ticket, sender_id: str) -> bool:
    return ticket.sender_id == sender_id or any(w.sender_id == sender_id for w in ticket.watchers)


def _emergency_of(session: Session, ticket_id: str, sender_id: str, now: datetime) -> Ticket | None:
    """``ticket_id`` when it is this resident's own open emergency ticket, still live."""
    ticket = session.scalars(select(Ticket).where(Ticket.id == ticket_id).with_for_update()).one_or_none()
    if (
        ticket is None
        or not _is_reporter(ticket, sender_id)
        or ticket.urgency != "emergency"
        or ticket.status not in OPEN_STATES
        or aware(ticket.updated_at) < now - EMERGENCY_FOLLOW_UP
    ):
        return None
    return ticket


def live_emergency(db: Database, ticket_id: str, sender_id: str, now: datetime | None = None) -> bool:
    """Is ``ticket_id`` still this resident's emergency that further messages join?"""
    now = aware(now) or utcnow()
    with db.session() as session:
        ticket = session.get(Ticket, ticket_id)
        return bool(
            ticket is not None
            and _is_reporter(ticket, sender_id)
            and ticket.urgency == "emergency"
            and ticket.status in OPEN_STATES
            and aware(ticket.updated_at) >= now - EMERGENCY_FOLLOW_UP
        )


@contextmanager
def _emergency_lock(db: Database, wait: float = EMERGENCY_LOCK_WAIT_SECONDS) -> Iterator[bool]:
    """One emergency filing at a time across the gateway and the action server, so two
    reports of one fire sent at the same moment cannot both find no ticket and both
    file one. SQLite: an flock beside the database file; PostgreSQL: an advisory lock.
    Waits at most ``wait`` seconds (yields False then: filing goes on without it, as a
    resident's advice must never wait long)."""
    import fcntl
    import time

    deadline = time.monotonic() + wait
    url = make_url(db.url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        with open(f"{url.database}.emergency-lock", "a") as handle:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        log.warning("emergency_lock_timeout")
                        yield False
                        return
                    time.sleep(0.05)
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return
    if url.get_backend_name() == "postgresql":
        with db.engine.connect() as conn:
            held = False
            while not held:
                held = bool(
                    conn.execute(
                        sql_text("SELECT pg_try_advisory_lock(:k)"), {"k": _EMERGENCY_LOCK_KEY}
                    ).scalar()
                )
                conn.commit()
                if not held and time.monotonic() >= deadline:
                    log.warning("emergency_lock_timeout")
                    break
                if not held:
                    time.sleep(0.05)
            try:
                yield held
            finally:
                if held:
                    conn.execute(sql_text("SELECT pg_advisory_unlock(:k)"), {"k": _EMERGENCY_LOCK_KEY})
                    conn.commit()
        return
    yield False


# pg_advisory_lock key of emergency filing ("emergenc" in ASCII, fits a bigint).
_EMERGENCY_LOCK_KEY = 0x656D657267656E63


def _same_place_emergency(
    session: Session,
    *,
    description: str,
    address: str | None,
    lat: float | None,
    long: float | None,
    now: datetime,
) -> Ticket | None:
    """An open emergency ticket of the same kind (fire, gas...) at the same place
    (``is_nearby``: the whole location, or 200 m) with activity in the last
    ``EMERGENCY_SAME_PLACE``: another resident's report of this very emergency. A
    report that does not say where, or whose kind the safety net cannot read, never
    joins another resident's ticket."""
    from assistant.tickets.emergency import emergency_kinds

    if not address and (lat is None or long is None):
        return None
    kinds = set(emergency_kinds(description))
    if not kinds:
        return None
    candidates = session.scalars(
        select(Ticket)
        .where(
            Ticket.urgency == "emergency",
            Ticket.status.in_(OPEN_STATES),
            Ticket.updated_at >= now - EMERGENCY_SAME_PLACE,
        )
        .order_by(Ticket.created_at.desc())
        .limit(50)
        .with_for_update()
    )
    for ticket in candidates:
        # strict: joining sends no alert, so 5号楼 does not join 3号院5号楼 (location.compatible).
        if is_nearby(
            ticket, address=address, lat=lat, long=long, description=description, strict=True
        ) and kinds & set(emergency_kinds(ticket.description)):
            return ticket
    return None


def _join_same_place(
    db: Database,
    sender_id: str,
    *,
    description: str,
    address: str | None,
    lat: float | None,
    long: float | None,
    now: datetime,
    settings: Settings,
) -> Ticket | None:
    """Another resident's report of an emergency already filed: they become a reporter
    of that ticket (a watcher with their own words), the report is counted and
    audited, and staff are not alerted a second time (the console log has it)."""
    with db.transaction() as session:
        ticket = _same_place_emergency(
            session, description=description, address=address, lat=lat, long=long, now=now
        )
        if ticket is None:
            return None
        ticket.report_count += 1
        if not any(w.sender_id == sender_id for w in ticket.watchers):
            ticket.watchers.append(
                TicketWatcher(
                    sender_id=sender_id, at=now, is_filer=False, description=description[:MAX_DESCRIPTION]
                )
            )
        if lat is not None and long is not None and ticket.lat is None:
            ticket.lat, ticket.long = lat, long
        if address and not ticket.address:
            ticket.address = _address(address)
        record_resident_word(ticket, sender_id, "重复反映", f"第 {ticket.report_count} 位居民报告同一紧急情况：{mask_text(description)[:200]}", now)
        ticket.updated_at = now
        session.flush()
        session.expunge(ticket)
    log.warning(
        "ticket_emergency_joined",
        ticket_id=ticket.id,
        reports=ticket.report_count,
        description=mask_text(description),
    )
    return ticket


# The question after the advice when the butler does not know where the emergency is.
LOCATION_QUESTION = "请告诉我具体位置：几号楼几单元几室？"
# Places a community has many of (车棚, 楼道, 停车场): said alone, staff cannot tell which.
# 小区门口 / 小区大门 / 小区停车场 are the estate's own gate and car park: findable.
_ONE_OF_MANY = re.compile(
    r"^(?:小区(?!的?(?:大?门口|停车场))|院子?里?)?(?:的)?(?:车棚|自行车棚|电动车棚|充电棚|充电桩|车库|停车场|停车位|楼道|楼梯间?|楼下|楼上"
    r"|电梯里?|单元门口?|门口|垃圾房|垃圾站|垃圾桶|垃圾箱|花坛|绿化带|草坪|配电箱|配电房|地下室|天台|楼顶)"
    r"(?:那边|这边|那里|这里|那儿|这儿|里|边上|旁边)?$"
)


def findable(address: str | None) -> bool:
    """Can staff find the emergency from ``address``? A building, a road, a gate, an
    estate or the resident's own words for a spot (超市后面那条路) say where; a place a
    community has many of, said alone (车棚那边, 楼道), does not."""
    from assistant.location import parse_location

    if not address:
        return False
    said = re.sub(r"\s+", "", address)
    loc = parse_location(said)
    if loc is not None and any(
        getattr(loc, name) is not None for name in ("building", "road", "estate", "courtyard", "unit", "room")
    ):
        return True
    return not _ONE_OF_MANY.match(said)


def _where_exactly(address: str | None) -> str:
    """The question where, naming the vague place the resident said (是几号楼的车棚？)."""
    place = re.sub(r"^(?:小区|院子?里?)?(?:的)?|(?:那边|这边|那里|这里|那儿|这儿|里|边上|旁边)$", "", address or "")
    if place and _ONE_OF_MANY.match(re.sub(r"\s+", "", address or "")):
        return f"请告诉我具体位置：是几号楼的{place}？"
    return LOCATION_QUESTION


# Replies that answer nothing (the location question stays open).
_NO_ANSWER = re.compile(
    r"^(嗯+|哦+|啊+|好+的?|好吧|行|知道了|收到|明白|谢谢|谢了|多谢|ok|okay|是的?|对)[。！!.~]*$",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def place_in_reply(text: str, *, awaiting_location: bool, reads_as_request: bool = False) -> str | None:
    """Where the emergency is, from a further message: an address-like phrase (6号楼3单元,
    小区东门); or, when the butler has just asked where, the resident's own words
    (超市后面那条路) unless the message is a detail of the emergency (他流血了), says
    nothing, or is a request of its own (``reads_as_request``: 我想约个上门理发)."""
    from assistant.tickets.emergency import emergency_kinds, follow_up_advice
    from assistant.tickets.intake import corrected_place, extract_location, find_locations, normalise

    text = normalise(text)
    place = extract_location(text)
    if place and awaiting_location:
        # 在小区广场那边丢的 就10号楼前面 / 就在23号楼下面的停车场: every place said, in the
        # resident's words from the first to the last (a correction gives the place meant).
        found = find_locations(text)
        if len(found) >= 2 and corrected_place(text) is None and found[-1].end - found[0].start <= 40:
            return text[found[0].start : found[-1].end]
    if place:
        return place
    if (
        awaiting_location
        and not reads_as_request
        and not _NO_ANSWER.match(text)
        and len(_CJK.findall(text)) >= 2
        and not follow_up_advice(text)
        and not emergency_kinds(text)
    ):
        return re.sub(r"^(在|就在|是在|地址是|位置是|位置在)", "", text).strip("。，, ")[:120] or None
    return None


# Words before a place that make it a direction (往北门跑了) or the resident's home (我家在
# 9楼), said about an emergency already placed: not where the emergency is.
_DIRECTION_BEFORE = re.compile(r"(?:往|朝|向|跑到|逃到|跑去|逃去|跑向|逃向|奔)\s*$")
_HOME_BEFORE = re.compile(r"(?:我|俺|我们)(?:家|住)(?:在|是|住在?)?\s*$")


def not_the_scene(text: str, place: str) -> bool:
    """In a further message about an emergency whose place is known: ``place`` is
    where someone ran (那人往北门跑了) or where the resident lives (烟飘到楼上了 我家在9楼),
    not a new place for the emergency."""
    from assistant.tickets.intake import normalise

    said = normalise(text)
    at = said.find(place)
    if at < 0:
        return False
    before = said[max(0, at - 6) : at]
    return bool(_DIRECTION_BEFORE.search(before) or _HOME_BEFORE.search(before))


@dataclass
class EmergencyUpdate:
    """What a further message added to the resident's emergency ticket."""

    ticket: Ticket
    place: str | None  # the location attached by this message, if any
    has_location: bool  # the ticket now knows where (address or coordinates)
    update_delivered: bool  # the staff alert was updated through the webhook
    repeat: bool = False  # the same words again: nothing added, staff not alerted again


def _says_nothing_new(ticket: Ticket, description: str, place: str | None, lat: float | None) -> bool:
    """The message repeats what the ticket already has, and brings no place."""
    said = [line.split("] ", 1)[-1] for line in ticket.description.split("\n")]
    new_place = bool(place and place != ticket.address) or (lat is not None and ticket.lat is None)
    return not new_place and description.strip() in {line.strip() for line in said}


def _add_to_emergency(
    db: Database,
    sender_id: str,
    *,
    description: str,
    address: str | None,
    lat: float | None,
    long: float | None,
    now: datetime,
    ticket_id: str | None = None,
    settings: Settings | None = None,
) -> EmergencyUpdate | None:
    """A further message about an emergency the resident reported minutes ago joins
    that ticket (one emergency, one ticket) instead of opening another: the words go
    into the description, a place into the ticket's location, an audit event is
    written, and staff get an update when the alert webhook takes one. ``ticket_id``
    names the ticket the conversation is about; otherwise the resident's latest live one."""
    from assistant.tickets.emergency import send_alert_update

    settings = settings or get_settings()
    with db.transaction() as session:
        ticket = (
            _emergency_of(session, ticket_id, sender_id, now)
            if ticket_id
            else _recent_emergency(session, sender_id, now)
        )
        if ticket is None:
            return None
        if ticket_id is None and another_emergency(ticket.description, ticket.address, description, _address(address)):
            # 还有 隔壁2312号楼有人拿刀打架 minutes after a fire: another emergency somewhere else,
            # its own ticket and alert (joined, it would move the fire to that building).
            log.warning("ticket_emergency_another", ticket_id=ticket.id)
            return None
        place = _within_known_building(ticket.address, _address(address))
        if casualty_elsewhere(ticket.description, ticket.address, description, place):
            place = None  # the casualty's place stays in its words; the ticket keeps the emergency's
        if _says_nothing_new(ticket, description, place, lat):
            # The same report again (a resend, a double tap): counted, not a new alert.
            record_resident_word(ticket, sender_id, "重复报告", mask_text(description)[:200], now)
            ticket.updated_at = now
            session.flush()
            session.expunge(ticket)
            log.warning("ticket_emergency_repeat", ticket_id=ticket.id)
            return EmergencyUpdate(
                ticket=ticket,
                place=None,
                has_location=bool(ticket.address or ticket.lat is not None),
                update_delivered=False,
                repeat=True,
            )
        stamp = now.astimezone(ZoneInfo(settings.timezone)).strftime("%H:%M")
        addition = f"\n[{stamp} 补充] {description}"
        if len(ticket.description) + len(addition) <= MAX_DESCRIPTION:
            ticket.description += addition
        if place and place != ticket.address:
            before = ticket.address
            ticket.address = place
            record_event(
                ticket,
                actor=f"resident:{sender_id}",
                action="补充位置",
                from_state=before,
                to_state=place,
                note=mask_text(description)[:200],
                now=now,
            )
        else:
            place = None
            record_resident_word(ticket, sender_id, "补充", mask_text(description)[:200], now)
        if lat is not None and long is not None and ticket.lat is None:
            ticket.lat, ticket.long = lat, long
        session.flush()
        session.expunge(ticket)
    log.warning(
        "ticket_emergency_update",
        ticket_id=ticket.id,
        description=mask_text(description),
        location_added=bool(place),
    )
    delivered = send_alert_update(ticket, f"位置：{place}" if place else description, settings, db=db)
    if delivered:
        _note_alert_delivered(db, ticket.id, now)
    return EmergencyUpdate(
        ticket=ticket,
        place=place,
        has_location=bool(ticket.address or ticket.lat is not None),
        update_delivered=delivered,
    )


# 隔壁 / 对面 / 另一栋 / 还有…: words that put what follows somewhere else.
_ELSEWHERE_RE = re.compile(r"隔壁|对面|旁边(?:那|的)?(?:栋|幢|楼)|另一(?:栋|幢|个楼|边)|别的楼|还有|另外|同时")
# Harm that an emergency of any kind leaves behind: someone hurt or taken ill (medical), choked by
# its smoke (poisoning), shut in by it (trapped). Said after another kind, it is most often the
# first one's casualty, wherever it lies (被砍的人倒在4号楼门口, 从5号楼跑出来的时候摔倒了).
_CONSEQUENCE_KINDS = frozenset({"medical", "poisoning", "trapped"})
# Said as a new matter: 还有 / 另外 / 对面… (还有人困在里面 is the same fire's people, no new matter).
_NEW_MATTER_RE = re.compile(r"还有(?!人|个人|几个人)|另外|同时|对面|隔壁|另一(?:栋|幢|个楼|边)|别的楼")
# Words that tie the harm to the first emergency: its victim (被砍的, 受伤的), its smoke, fleeing it,
# the fright of it.
_TIED_TO_THE_FIRST_RE = re.compile(
    r"被(?:砍|捅|刺|扎|打|烧|烫|炸|烟|熏|呛)|烟|呛|熏|烧伤|烫伤|炸伤|跑出来|逃出来|救出来|抬出来|背出来|冲出来|出来的时候"
    r"|吓|受伤的|伤者|伤员|那个(?:人|男的|女的|老人)|刚才那"
)


def another_emergency(reported: str | None, known: str | None, text: str, place: str | None) -> bool:
    """A new emergency message from the resident whose emergency is minutes old is another
    emergency, not more of the same, when it is of other kinds only (the safety net's
    ``emergency_kinds``: violence after a fire) and happens at another place: a building
    other than the one the ticket has, or, when the ticket has none yet, a place said as
    elsewhere (隔壁2312号楼 / 还有…). 我妈吓晕过去了 after the fire (no place) stays the same
    emergency, with the advice that fits it. Harm only (someone hurt, choked, shut in:
    ``_CONSEQUENCE_KINDS``) is the first one's casualty wherever it lies, unless said as a
    new matter (还有 隔壁5号楼一个老人摔倒了) with nothing tying it to the first (被烟呛晕, 被砍的人,
    跑出来的时候)."""
    new = _new_kinds(reported, text) if place else set()
    if not new or not _elsewhere(known, text, place):
        return False
    if new <= _CONSEQUENCE_KINDS:
        return bool(_NEW_MATTER_RE.search(text)) and not _TIED_TO_THE_FIRST_RE.search(text)
    return True


def casualty_elsewhere(reported: str | None, known: str | None, text: str, place: str | None) -> bool:
    """The first emergency's casualty said at another building (被砍的人倒在4号楼门口了): it
    joins the ticket, but the ticket keeps the emergency's own place — the casualty's is in
    its words, sent to staff as they are (moved, the fire would be sent to where the hurt lies)."""
    from assistant.location import parse_location

    here = parse_location(known) if known else None
    if here is None or not (here.building or here.courtyard):
        return False  # no place of its own yet: the casualty's is the first one the ticket gets
    new = _new_kinds(reported, text) if place else set()
    return bool(new) and new <= _CONSEQUENCE_KINDS and _elsewhere(known, text, place) and not another_emergency(
        reported, known, text, place
    )


def _new_kinds(reported: str | None, text: str) -> set[str]:
    """The emergency kinds of the text when none of them is the reported one's; else empty."""
    from assistant.tickets.emergency import emergency_kinds

    new = set(emergency_kinds(text))
    if not new or new & set(emergency_kinds(reported or "")):
        return set()
    return new


def _elsewhere(known: str | None, text: str, place: str | None) -> bool:
    """Is ``place`` another building than the ticket's (``known``), or, when the ticket has
    no building yet, said as elsewhere?"""
    from assistant.location import compatible, parse_location

    here, there = parse_location(known) if known else None, parse_location(place) if place else None
    if here is not None and there is not None and (here.building or here.courtyard) and (
        there.building or there.courtyard
    ):
        return not compatible(here, there)
    return bool(_ELSEWHERE_RE.search(text))


def _within_known_building(known: str | None, place: str | None) -> str | None:
    """卡在7楼跟8楼中间 / 3单元502 after 1049号楼电梯里关了个小孩: a part of a building said
    without the building is inside the one the ticket already has (1049号楼 7楼), never in
    its place. A place with a building, an estate, a road or a named place of its own
    stands as said."""
    from assistant.location import parse_location

    if not known or not place:
        return place
    before, after = parse_location(known), parse_location(place)
    if before is None or after is None or not (before.building or before.courtyard):
        return place
    own = (after.building, after.courtyard, after.estate, after.road, after.place)
    if any(own) or not any(v is not None for v in (after.unit, after.floor, after.room)):
        return place
    return f"{known} {place}"[:256]


def file_emergency(
    db: Database,
    *,
    description: str,
    sender_id: str | None = None,
    address: str | None = None,
    lat: float | None = None,
    long: float | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    channel: str = "chat",
    now: datetime | None = None,
    settings: Settings | None = None,
) -> FiledTicket:
    """An emergency ticket at once, staff alerted, and what the resident should do right
    now. The same resident's further messages within ``EMERGENCY_FOLLOW_UP`` of their
    last one add to their emergency ticket instead (the very same words again add
    nothing and alert no one); another resident's report of the same kind of
    emergency at the same place within ``EMERGENCY_SAME_PLACE`` joins that ticket (one
    ticket, one alert). Filing without a sender (staff, integrations) always files.
    The resident is told "已通知" only when the alert was delivered."""
    settings = settings or get_settings()
    now = aware(now) or utcnow()
    description = _validate(description, lat, long)
    with _emergency_lock(db):
        update = (
            _add_to_emergency(
                db,
                sender_id,
                description=description,
                address=address,
                lat=lat,
                long=long,
                now=now,
                settings=settings,
            )
            if sender_id
            else None
        )
        if update is not None:
            from assistant.tickets.emergency import follow_up_advice

            advice = (
                emergency_advice(description)
                if update.repeat
                else (
                    follow_up_advice(description, update.ticket.description)
                    or emergency_advice(description)
                )
            )
            return FiledTicket(
                ticket=update.ticket,
                created=False,
                advice=advice,
                message=_update_message(update, settings),
                alerted=update.update_delivered,
            )
        # Residents' reports only: staff and integrations filing without a sender mean a new ticket.
        joined = (
            _join_same_place(
                db,
                sender_id,
                description=description,
                address=address,
                lat=lat,
                long=long,
                now=now,
                settings=settings,
            )
            if sender_id
            else None
        )
        if joined is not None:
            return FiledTicket(
                ticket=joined,
                created=False,
                advice=emergency_advice(description),
                message=(
                    f"这里的紧急情况已有居民报告（工单号 {joined.id}），您的报告已加入这张工单。"
                    f"请同时拨打社区电话 {settings.service_phone}。"
                ),
            )
        filed = file_ticket(
            db,
            description=description,
            sender_id=sender_id,
            address=address,
            lat=lat,
            long=long,
            contact_name=contact_name,
            contact_phone=contact_phone,
            channel=channel,
            force_urgency="emergency",
            check_duplicates=False,
            now=now,
            settings=settings,
        )
    filed.advice = emergency_advice(description)
    if filed.alerted:
        filed.message = f"社区已收到紧急求助，已通知值班人员，工单号 {filed.ticket.id}。"
    else:  # only the console log has it: promise nothing more than that
        filed.message = (
            f"已记录紧急求助，工单号 {filed.ticket.id}。请同时拨打社区电话 {settings.service_phone}。"
        )
    return filed


def _update_message(update: EmergencyUpdate, settings: Settings) -> str:
    """已补充 / 已记下位置, and 已告诉值班人员 only when the update was delivered."""
    if update.repeat:
        return f"您刚才已报告过，工单号 {update.ticket.id}，不会重复登记。请同时拨打社区电话 {settings.service_phone}。"
    # The number said plainly as 工单号: the one thing the resident needs to quote later.
    said = (
        f"已记下位置：{update.place}，工单号 {update.ticket.id}。"
        if update.place
        else f"已补充到您刚才的紧急工单，工单号 {update.ticket.id}。"
    )
    if update.update_delivered:
        return f"{said}已告诉值班人员。"
    return f"{said}请同时拨打社区电话 {settings.service_phone}。"


@dataclass
class EmergencyResponse:
    """What the resident is told about an emergency, in order, and the ticket filed
    (None when filing failed: the advice has been given all the same).
    ``needs_location``: the butler asked where (the next answer is the place);
    ``follow_up``: the message joined an emergency reported minutes before."""

    lines: list[str]
    ticket_id: str | None
    needs_location: bool = False
    follow_up: bool = False


def respond_to_emergency(
    db: Database,
    *,
    text: str,
    sender_id: str | None,
    address: str | None = None,
    lat: float | None = None,
    long: float | None = None,
    channel: str = "chat",
    settings: Settings | None = None,
) -> EmergencyResponse:
    """The one emergency path, shared by the dialogue's action and the gateway's degraded
    mode: the 119/120/110 advice first, then the emergency ticket and the staff alert,
    then, when the message did not say where, the question where. A further message
    within minutes adds to the same ticket and gets the advice for what it adds.
    A database or webhook failure never withholds the advice."""
    from assistant.tickets.intake import extract_location

    settings = settings or get_settings()
    address = address or extract_location(text)
    try:
        filed = file_emergency(
            db,
            description=text or "紧急求助",
            sender_id=sender_id,
            address=address,
            lat=lat,
            long=long,
            channel=channel,
            settings=settings,
        )
    except Exception:  # noqa: BLE001 - never let a database problem delay the advice
        log.exception("emergency_ticket_failed", sender_id=sender_id)
        return EmergencyResponse(
            lines=[
                "\n".join(emergency_advice(text)),
                f"也请打社区电话 {settings.service_phone} 告诉工作人员。",
            ],
            ticket_id=None,
        )
    ticket = filed.ticket
    needs_location = ticket.lat is None and not findable(ticket.address)
    lines = ["\n".join(filed.advice), filed.message]
    if needs_location:
        lines.append(_where_exactly(ticket.address))
    return EmergencyResponse(
        lines=lines, ticket_id=ticket.id, needs_location=needs_location, follow_up=not filed.created
    )


def advice_for_addition(db: Database, ticket_id: str | None, text: str) -> list[str]:
    """The advice a further message gets about the emergency ``ticket_id``, read with the
    ticket's own words (我能开灯找一下阀门不 after a gas smell: 千万不要开灯). Empty when it
    adds nothing to act on: for a caller that must decide whether a message the
    classifier heard as something else (转人工, 再说一遍) is about the emergency."""
    reported = None
    if ticket_id:
        with db.session() as session:
            ticket = session.get(Ticket, ticket_id)
            reported = ticket.description if ticket is not None else None
    from assistant.tickets.emergency import follow_up_advice

    return follow_up_advice(lifecycle.clean_text(text) or "", reported)


def follow_up_emergency(
    db: Database,
    *,
    ticket_id: str,
    sender_id: str,
    text: str,
    awaiting_location: bool = False,
    reads_as_complaint: bool = False,
    reads_as_request: bool = False,
    reads_as_question: bool = False,
    lat: float | None = None,
    long: float | None = None,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> EmergencyResponse | None:
    """A message in the minutes after an emergency that the safety net did not read as
    an emergency itself: the answer to "where?" (在6号楼3单元, 小区东门) or a detail
    (烟越来越大了). It joins ``ticket_id`` with the advice that fits. None when the
    ticket is no longer the resident's live emergency, or the message adds nothing
    to it (the caller treats it as an ordinary message). ``reads_as_complaint``: the
    classifier heard a complaint; unless it names a hazard or a detail of the
    emergency, it is a new matter (3号楼路灯坏了), not the emergency's place.
    ``reads_as_request``: the classifier heard a request (a booking); only an
    address-like phrase in it is taken as the place (在6号楼3单元 is; 我想约个理发 is not).
    ``reads_as_question``: the classifier heard a policy question (高龄津贴怎么领): it joins
    only with a place or advice of its own, never as a mere detail."""
    from assistant.tickets.emergency import (
        adds_a_detail,
        advice_again,
        advice_touched,
        asks_about_it,
        emergency_kinds,
    )
    from assistant.tickets.intake import extract_location, is_substantive, names_a_problem

    settings = settings or get_settings()
    now = aware(now) or utcnow()
    text = lifecycle.clean_text(text) or ""
    advice = advice_for_addition(db, ticket_id, text)
    place_words = extract_location(text) or ""
    # 就在23号楼下面的停车场 right after "where?": the answer, however the classifier heard
    # it, unless it names something wrong of its own (3号楼路灯坏了 is a new matter).
    answers_where = awaiting_location and bool(place_words) and not names_a_problem(text)
    if (
        reads_as_complaint
        and not advice
        and not emergency_kinds(text)
        and not answers_where
        and is_substantive(text.replace(place_words, "", 1))
        # 保安说监控里看见她往南门走了 names nothing wrong: more about the emergency, not a new matter.
        and names_a_problem(text)
    ):
        return None
    place = place_in_reply(text, awaiting_location=awaiting_location, reads_as_request=reads_as_request)
    if place is not None and not awaiting_location and not_the_scene(text, place):
        place = None  # 那人往北门跑了 / 我家在9楼: where someone went or lives, not where it happens
    # 穿的灰色棉袄 戴个蓝帽子 / 闸已经拉了 水还在往下滴: more about the emergency, in words no
    # advice is keyed to, whatever the classifier heard; it joins the ticket for staff.
    detail = not reads_as_request and not reads_as_question and adds_a_detail(text)
    if not text or (place is None and not advice and not detail and (lat is None or long is None)):
        return None
    if not advice and (place is not None or detail):
        # 卡在7楼跟8楼中间 门扒不开 after 不要扒门: the resident is at what the advice warns
        # against; the advice again.
        with db.session() as session:
            ticket = session.get(Ticket, ticket_id)
            advice = advice_touched(text, ticket.description if ticket is not None else None)
    if not advice and place is None and detail and asks_about_it(text):
        # 要不要进去看看嘛: no answer of our own for it; what matters for this emergency, again.
        with db.session() as session:
            ticket = session.get(Ticket, ticket_id)
            advice = advice_again(ticket.description if ticket is not None else None)
    update = _add_to_emergency(
        db,
        sender_id,
        description=text[:MAX_DESCRIPTION],
        address=place,
        lat=lat,
        long=long,
        now=now,
        ticket_id=ticket_id,
        settings=settings,
    )
    if update is None:
        return None
    lines = (["\n".join(advice)] if advice else []) + [_update_message(update, settings)]
    if not update.has_location:
        lines.append(LOCATION_QUESTION)
    return EmergencyResponse(
        lines=lines, ticket_id=update.ticket.id, needs_location=not update.has_location, follow_up=True
    )


# ---- what was done with a report (你们通知物业了没有, 派人了吗, 啥时候来人) -----------------

# The audit event written when the staff webhook took an emergency's alert: what the
# resident may later be told as 已通知 (the console log alone is no notice to anyone).
ALERT_DELIVERED = "告警送达"


def _note_alert_delivered(db: Database, ticket_id: str, now: datetime) -> None:
    try:
        with db.transaction() as session:
            ticket = session.get(Ticket, ticket_id)
            if ticket is not None and not any(e.action == ALERT_DELIVERED for e in ticket.events):
                record_event(
                    ticket,
                    actor="system",
                    action=ALERT_DELIVERED,
                    from_state=ticket.status,
                    to_state=ticket.status,
                    note="值班人员已收到紧急告警",
                    now=now,
                )
    except Exception as exc:  # noqa: BLE001 - the alert went out; only the record of it is missing
        log.warning("ticket_alert_note_failed", ticket_id=ticket_id, error=type(exc).__name__)


def alert_delivered(session: Session, ticket: Ticket) -> bool:
    """Did staff really receive this emergency's alert: the webhook took it at once
    (audited), or the outbox delivered it later (the ``staff-alerts`` job)?"""
    from assistant.outbox.models import SENT, OutboxMessage

    if any(e.action == ALERT_DELIVERED for e in ticket.events):
        return True
    sent = session.scalars(
        select(OutboxMessage.id).where(
            OutboxMessage.state == SENT,
            or_(
                OutboxMessage.dedupe_key == f"alert:{ticket.id}",
                OutboxMessage.dedupe_key.like(f"alert-update:{ticket.id}:%"),
            ),
        )
    ).first()
    return sent is not None


_CALL_NUMBER = re.compile(r"11[09]|120")


def emergency_numbers(description: str | None) -> list[str]:
    """The numbers to call for the emergency the words describe (119 for a fire, 120 for
    someone hurt), from the safety net's advice for its kinds."""
    from assistant.safety import advice_for_topics, assess

    topics = assess(description or "", quiet=True).topics
    found: list[str] = []
    for topic in topics:
        for line in advice_for_topics([topic]):
            found += _CALL_NUMBER.findall(line)
    return list(dict.fromkeys(found)) or ["110", "119", "120"]


# Whom a resident may ask about (你们通知城管了吗): the butler files tickets; it tells
# nobody outside by itself.
_OUTSIDE = re.compile(r"城管|消防|警察|派出所|公安|物业|保安|居委会?|街道|环卫|供电局|自来水公司|燃气公司")
_WHEN_ASKED = re.compile(r"(?:啥|什么|哪|甚么)时候|多久|多长时间|几时|几点|哪天|几天|何时|啥时|还没")


def _reopened_by_resident(ticket: Ticket) -> bool:
    """The ticket's latest change of state was the resident's own reopening."""
    moves = [e for e in ticket.events if e.from_state != e.to_state]
    return bool(moves) and max(moves, key=lambda e: (aware(e.at), e.id or 0)).action == lifecycle.RESIDENT_REOPEN_ACTION


def handling_answer(
    db: Database, ticket_id: str, sender_id: str, text: str, *, settings: Settings | None = None
) -> str | None:
    """The honest answer to 你们通知物业了没有 / 是不是已经派人了 / 啥时候来人 about the
    resident's own ticket: only what was really done. An emergency is 已通知 only when
    staff's alert was delivered, else 已记录, with the number to call (the butler calls
    no one); an ordinary ticket says its state (受理: not yet dispatched) and who
    handles it, never a visit time nobody set. None when the ticket is not theirs or no
    longer open (the usual progress answer then says it was handled and asks for a rating)."""
    settings = settings or get_settings()
    with db.session() as session:
        ticket = session.get(
            Ticket, ticket_id, options=[selectinload(Ticket.watchers), selectinload(Ticket.events)]
        )
        if ticket is None or not _is_own(ticket, sender_id) or ticket.status not in OPEN_STATES:
            # Handled or closed: the usual progress answer says so and asks for a rating.
            return None
        lines: list[str] = []
        undispatched = ticket.status == lifecycle.ACCEPTED
        if ticket.urgency == "emergency" and ticket.status in OPEN_STATES:
            numbers = "或".join(emergency_numbers(ticket.description))
            if alert_delivered(session, ticket):
                lines.append(f"您的紧急求助已通知社区值班人员，工单号 {ticket.id}，他们会尽快处理。")
            else:
                lines.append(
                    f"您的紧急求助已记录，工单号 {ticket.id}，但还没能通知到值班人员。"
                    f"请打社区电话 {settings.service_phone}，让工作人员尽快处理。"
                )
            if undispatched:
                lines.append("工单现在是“受理”状态，还没有派人的记录。")
            lines.append(f"我这里没法替您拨打 {numbers}，还没打的话，请马上拨打。")
            return "".join(lines)
        if undispatched:
            lines.append(
                f"工单 {ticket.id} 已登记受理，由{ticket.department}处理。现在还在等派单，还没派人。"
            )
        elif ticket.status == lifecycle.DISPATCHED:
            lines.append(f"工单 {ticket.id} 已派给{ticket.department}，等他们安排人处理。")
        elif _reopened_by_resident(ticket):
            # Reopened on the resident's 不满意: said so, and who has it now.
            lines.append(f"工单 {ticket.id} 已经按您的意见重新打开，交回{ticket.department}处理了。")
        else:
            lines.append(f"工单 {ticket.id} {lifecycle.state_for_resident(ticket)}。")
        if undispatched and _OUTSIDE.search(text or ""):
            lines.append("我这里是登记工单，不会另外打电话通知谁，由工单转给负责的部门。")
        if ticket.status in (lifecycle.ACCEPTED, lifecycle.DISPATCHED) and asks_for_a_promise(text):
            # 你能保证后天之前给修好吗: no promise of a day nobody set.
            lines.append("我没法替处理部门打包票：什么时候上门、哪天修好，要等他们安排，我这里还看不到具体时间。")
        elif ticket.status in (lifecycle.ACCEPTED, lifecycle.DISPATCHED) and _WHEN_ASKED.search(text or ""):
            lines.append("什么时候上门，要等处理部门安排，我这里还看不到具体时间。")
        phone = ticket.contact_phone if ticket.sender_id == sender_id else next(
            (w.contact_phone for w in ticket.watchers if w.sender_id == sender_id and w.contact_phone), None
        )
        if phone and ticket.status in OPEN_STATES:
            lines.append(f"有结果会按您留的电话 {mask_phone(phone)} 告诉您。")
        elif ticket.status in OPEN_STATES:
            lines.append(f"进度随时说“{ticket.id} 怎么样了”就能查到。")
        return "".join(lines)


# ---- staff work -------------------------------------------------------------------


def _locked_ticket(session: Session, ticket_id: str) -> Ticket:
    ticket = session.scalars(select(Ticket).where(Ticket.id == ticket_id).with_for_update()).one_or_none()
    if ticket is None:
        raise TicketNotFound(f"没有工单 {ticket_id}")
    return ticket


def transition_ticket(
    db: Database,
    ticket_id: str,
    action: str,
    *,
    actor: str,
    note: str | None = None,
    department: str | None = None,
    satisfaction: int | None = None,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> Ticket:
    with db.transaction() as session:
        ticket = _locked_ticket(session, ticket_id)
        event = lifecycle.apply_transition(
            ticket,
            action,
            actor=actor,
            note=note,
            department=department,
            satisfaction=satisfaction,
            now=now,
            settings=settings,
        )
        session.flush()
        from assistant.outbox.tickets import enqueue_ticket_update  # the resident hears of it (pushes)

        enqueue_ticket_update(session, ticket, event)
        _load_all(ticket)
        return ticket


def correct_ticket(
    db: Database,
    ticket_id: str,
    *,
    actor: str,
    category: str | None = None,
    department: str | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Staff correct the category and/or department. A new category also re-routes
    the department unless one is given. Each change is one audit event."""
    now = aware(now) or utcnow()
    category = lifecycle.clean_text(category)
    department = lifecycle.clean_text(department)
    note = lifecycle.clean_text(note)
    if category is None and department is None:
        raise TicketInputError("请给出要更正的类别或部门。")
    if department is not None and len(department) > 64:
        raise TicketInputError("部门名称太长。")
    routing = get_routing()
    if category is not None and not routing.has_category(category):
        raise TicketInputError(f"没有“{category}”这个类别，可选：{'、'.join(routing.categories)}。")
    with db.transaction() as session:
        ticket = _locked_ticket(session, ticket_id)
        if category is not None and category != ticket.category:
            record_event(
                ticket,
                actor=actor,
                action="更正类别",
                from_state=ticket.category,
                to_state=category,
                note=note,
                now=now,
            )
            ticket.category = category
            ticket.category_confidence = 1.0
            ticket.cues = {**(ticket.cues or {}), "category": ["工作人员更正"]}
            if department is None:
                department = routing.department_for(category)
        if department is not None and department != ticket.department:
            record_event(
                ticket,
                actor=actor,
                action="更正部门",
                from_state=ticket.department,
                to_state=department,
                note=note,
                now=now,
            )
            ticket.department = department
        session.flush()
        _load_all(ticket)
        return ticket


def _load_all(ticket: Ticket) -> None:
    """Touch the relationships so the ticket is usable after its session closes."""
    _ = list(ticket.events), list(ticket.watchers), list(ticket.ratings)


# ---- reading ----------------------------------------------------------------------


@dataclass
class TicketFilters:
    since: datetime | None = None
    until: datetime | None = None
    status: list[str] | None = None
    category: list[str] | None = None
    department: str | None = None
    urgency: str | None = None
    overdue: bool | None = None
    sender_id: str | None = None
    ids: list[str] | None = None

    def as_dict(self) -> dict:
        return {
            k: (v.isoformat() if isinstance(v, datetime) else v)
            for k, v in self.__dict__.items()
            if v not in (None, [])
        }


def _filtered(query: Select, f: TicketFilters, now: datetime) -> Select:
    if f.since:
        query = query.where(Ticket.created_at >= aware(f.since))
    if f.until:
        query = query.where(Ticket.created_at < aware(f.until))
    if f.status:
        query = query.where(Ticket.status.in_(f.status))
    if f.category:
        query = query.where(Ticket.category.in_(f.category))
    if f.department:
        query = query.where(Ticket.department == f.department)
    if f.urgency:
        query = query.where(Ticket.urgency == f.urgency)
    if f.ids:
        query = query.where(Ticket.id.in_(f.ids))
    if f.sender_id:
        watched = select(TicketWatcher.ticket_id).where(TicketWatcher.sender_id == f.sender_id)
        query = query.where(or_(Ticket.sender_id == f.sender_id, Ticket.id.in_(watched)))
    if f.overdue is True:
        query = query.where(Ticket.status.in_(OPEN_STATES), Ticket.deadline_at < now)
    elif f.overdue is False:
        query = query.where(or_(Ticket.status.not_in(OPEN_STATES), Ticket.deadline_at >= now))
    return query


def list_tickets(
    session: Session,
    filters: TicketFilters | None = None,
    *,
    offset: int = 0,
    limit: int | None = 50,
    now: datetime | None = None,
    with_timeline: bool = False,
) -> tuple[list[Ticket], int]:
    filters = filters or TicketFilters()
    now = aware(now) or utcnow()
    total = session.scalar(_filtered(select(func.count()).select_from(Ticket), filters, now)) or 0
    query = _filtered(select(Ticket), filters, now).order_by(Ticket.created_at.desc(), Ticket.id.desc())
    query = query.options(selectinload(Ticket.watchers), selectinload(Ticket.ratings))
    if with_timeline:
        query = query.options(selectinload(Ticket.events))
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query)), total


# 你们记的是哪个门 / 登记的地址对吗 / 位置写的啥: what the ticket holds, asked of it.
_ASKS_RECORDED_RE = re.compile(
    r"(?<![要需得该登])(?:登记|记|写|填|录)(?:的|了|上|下)?(?:是|的是|成)?(?:哪|什么|啥|哪儿|哪里)"
    r"|(?:地址|位置|地点)(?:改|更正|换)(?:过来|好|对)了?(?:吧|吗|没|伐)"
    r"|(?:地址|位置|地点|门)(?:登记|记|写)(?:得|的)?(?:对|没错)(?:了)?(?:吗|没|不|伐|哇)"
    r"|记对了(?:吗|没|伐)"
)


def asks_what_was_recorded(text: str | None) -> bool:
    return bool(_ASKS_RECORDED_RE.search(text or ""))


def recorded_place_text(db: Database, sender_id: str, ticket_id: str) -> str | None:
    """工单 GD… 上记的位置是…: the place on the resident's own ticket, or None (not theirs,
    or no place on it)."""
    with db.session() as session:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None or ticket.sender_id != sender_id or not ticket.address:
            return None
        return f"工单 {ticket.id} 上记的位置是{ticket.address}。不对的话，直接说“改成…”就行。"


def place_just_reported(
    db: Database, sender_id: str, *, now: datetime | None = None, within: timedelta = timedelta(minutes=10)
) -> str | None:
    """Where the resident's newest report of the last minutes is (634号楼西边的垃圾桶满了, then
    那边的路灯也不亮: 那边 is that place). None without one, or without an address."""
    now = aware(now) or utcnow()
    with db.session() as session:
        ticket = session.scalar(
            select(Ticket)
            .where(Ticket.sender_id == sender_id, Ticket.created_at >= now - within)
            .order_by(Ticket.created_at.desc(), Ticket.id.desc())
            .limit(1)
        )
        return ticket.address if ticket is not None and ticket.address else None


def which_of_several(
    db: Database, sender_id: str, *, now: datetime | None = None, within: timedelta = timedelta(minutes=30)
) -> str | None:
    """我报的事现在啥进度了 with two reports filed in the last minutes and still open: the
    question names neither, so both are listed, in the resident's words with their state,
    and the resident is asked which. None with fewer than two."""
    now = aware(now) or utcnow()
    with db.session() as session:
        recent = [
            t for t in my_tickets(session, sender_id)
            if t.status in lifecycle.OPEN_STATES and (aware(t.created_at) or now) >= now - within
        ]
        if len(recent) < 2:
            return None
        lines = [f"您刚才报了 {len(recent)} 件事："]
        # In the order they were told, numbered: 第二件 / 2 is the second the resident reported.
        recent.sort(key=lambda t: (aware(t.created_at) or now, t.id))
        for i, t in enumerate(recent, 1):
            words = own_words(t, sender_id)
            state = lifecycle.state_for_resident(t)
            lines.append(f"{i}. {t.id}：{_summary(words, 16)}，{state}" if words else f"{i}. {t.id}：{state}")
        lines.append("您问的是哪一件？说第几件、说说是哪件事，或者说工单号都行。")
        return "\n".join(lines)


# 你们不会把我说出去吧 / 能保密吗 / 别让他知道是我: whether the reporter stays unknown.
_WHO_REPORTED = re.compile(
    r"(?<![我俺])(?:不会|别|不要|会不会|能不能不|可不可以不)[^，。,！!？?]{0,8}(?:说出去|透露|泄露|暴露|讲出去|捅出去"
    # 告诉 only told to the other party or told who it was: 会不会告诉我处理结果 / 别告诉我又要
    # 等三天 ask for news or complain (review 16 note 25).
    r"|告诉(?:他|她|对方|那家|邻居|人家|楼上|楼下|隔壁|对门|别人|外人)|告诉[^，。,！!？?我俺]{0,6}是我)"
    r"|保密|(?:知道|查到|晓得|发现)是我|说是我"
    r"|(?:被|让)(?:他|她|他们|她们|对方|那家|邻居|人家|楼上|楼下|隔壁|对门)[^，。,！!？?]{0,3}知道"
)


def asks_who_reported_stays_unknown(text: str | None) -> bool:
    """The resident asks whether the people reported on will learn who reported them."""
    return bool(text) and not str(text).startswith("/") and bool(_WHO_REPORTED.search(str(text)))


def who_reported_answer(db: Database, ticket_id: str, sender_id: str) -> str | None:
    """What is true of the reporter's identity on their own ticket: the phone is on it or
    not; what is published hides phones, names and room numbers (``open311.public_text``).
    No promise about what a person will say: a worry is for staff, by 转人工."""
    with db.session() as session:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None or not _is_own(ticket, sender_id):
            return None
        first = (
            "工单上记了您的电话，只给处理的工作人员联系您用。"
            if ticket.contact_phone
            else "您是匿名登记的，工单上没有记您的电话。"
        )
    return (f"{first}对外公开的工单信息会隐去电话、姓名和门牌号。"
            "担心被知道是谁反映的，可以说“转人工”，跟工作人员交代一声。")


def get_ticket(session: Session, ticket_id: str) -> Ticket:
    ticket = session.get(
        Ticket,
        ticket_id,
        options=[selectinload(Ticket.events), selectinload(Ticket.watchers), selectinload(Ticket.ratings)],
    )
    if ticket is None:
        raise TicketNotFound(f"没有工单 {ticket_id}")
    return ticket


def ticket_to_dict(
    ticket: Ticket, *, masked: bool = True, now: datetime | None = None, timeline: bool = False
) -> dict:
    """The staff view of a ticket. ``masked`` hides the resident's personal data."""

    def iso(dt: datetime | None) -> str | None:
        return aware(dt).isoformat() if dt else None

    data = {
        "id": ticket.id,
        "status": ticket.status,
        "category": ticket.category,
        "category_confidence": ticket.category_confidence,
        "department": ticket.department,
        "sentiment": {"score": ticket.sentiment_score, "label": ticket.sentiment_label},
        "urgency": ticket.urgency,
        "cues": ticket.cues or {},
        "deadline": iso(ticket.deadline_at),
        "overdue": is_overdue(ticket, now),
        "created_at": iso(ticket.created_at),
        "updated_at": iso(ticket.updated_at),
        "resolved_at": iso(ticket.resolved_at),
        "closed_at": iso(ticket.closed_at),
        "channel": ticket.channel,
        "description": mask_text(ticket.description) if masked else ticket.description,
        "address": ticket.address,
        "lat": ticket.lat,
        "long": ticket.long,
        "media_url": _shown_url(ticket.media_url),
        "contact_name": mask_name(ticket.contact_name) if masked else ticket.contact_name,
        "contact_phone": mask_phone(ticket.contact_phone) if masked else ticket.contact_phone,
        "satisfaction": ticket.satisfaction,
        # The residents' own ratings through the conversation (assistant/tickets/feedback.py):
        # the latest one, and how often residents reopened the ticket.
        "resident_rating": _rating_dict(ticket.ratings[-1], masked) if ticket.ratings else None,
        "reopen_count": ticket.reopen_count or 0,
        "report_count": ticket.report_count,
        "allowed_actions": lifecycle.allowed_actions(ticket.status),
    }
    if timeline:
        data["timeline"] = [
            {
                "at": iso(e.at),
                "actor": e.actor,
                "action": e.action,
                "from": e.from_state,
                "to": e.to_state,
                "note": mask_text(e.note) if masked else e.note,
            }
            for e in ticket.events
        ]
        data["ratings"] = [_rating_dict(r, masked) for r in ticket.ratings]
        data["watchers"] = [
            {
                "sender_id": w.sender_id if not masked else mask_sender(w.sender_id),
                "at": iso(w.at),
                "is_filer": w.is_filer,
                "contact_phone": mask_phone(w.contact_phone) if masked else w.contact_phone,
            }
            for w in ticket.watchers
        ]
    return data


def _rating_dict(rating, masked: bool) -> dict:
    from assistant.tickets.feedback import rating_to_dict

    return rating_to_dict(rating, masked=masked)


# ---- what residents see -----------------------------------------------------------


def _is_own(ticket: Ticket, sender_id: str | None) -> bool:
    return bool(sender_id) and (
        ticket.sender_id == sender_id or any(w.sender_id == sender_id for w in ticket.watchers)
    )


def own_words(ticket: Ticket, sender_id: str | None) -> str | None:
    """What this resident themselves said about the ticket: the description for the
    filer, their own linked report for a watcher, None for anyone else. Another
    resident's words, address or phone are never read back (issue #12)."""
    if not sender_id:
        return None
    if ticket.sender_id == sender_id:
        return ticket.description
    return next((w.description for w in ticket.watchers if w.sender_id == sender_id and not w.is_filer), None)


def public_status(session: Session, ticket_id: str, sender_id: str | None = None) -> str:
    """Anyone holding an id hears its state, never its details. The filer also hears
    what it was about; a resident linked to it as a duplicate hears their own words,
    never the first reporter's."""
    from assistant.tickets.ids import find_ticket_id

    normalised = find_ticket_id(ticket_id)
    ticket = session.get(Ticket, normalised, options=[selectinload(Ticket.watchers)]) if normalised else None
    if ticket is None:
        return f"没有查到工单 {ticket_id}。请核对一下工单号，是 GD 加 12 位数字。"
    state = f"当前状态：{ticket.status}，{lifecycle.state_for_resident(ticket)}。"
    if ticket.status in OPEN_STATES and _reopened_by_resident(ticket):
        # 你们得重新派人来看 after 不满意: that it was reopened on their word, and is back with them.
        state += f"这件事已经按您的意见重新打开，交回{ticket.department}重新处理。"
    words = own_words(ticket, sender_id)
    if words and ticket.sender_id == sender_id:
        # 工单号 said as such: the number the resident quotes to check it again. The place as
        # it stands on the ticket (a place put right since is the one shown: 你们记的是哪个门).
        where = f"位置记的是{ticket.address}，" if ticket.address else ""
        return f"您反映的“{_summary(words)}”（工单号 {ticket.id}）{where}{state}"
    if words:
        return f"您反映的“{_summary(words)}”已并入工单 {ticket.id}，{state}"
    if _is_own(ticket, sender_id):
        return f"您关注的工单 {ticket.id} {state}"
    return f"工单 {ticket.id} {state}"


def _summary(description: str, limit: int = 16) -> str:
    text = mask_text(description.strip().splitlines()[0])
    return text if len(text) <= limit else text[:limit] + "…"


def my_tickets(session: Session, sender_id: str, limit: int = 5) -> list[Ticket]:
    tickets, _ = list_tickets(session, TicketFilters(sender_id=sender_id), limit=limit)
    return tickets


def my_tickets_text(session: Session, sender_id: str, limit: int = 5) -> str:
    tickets = my_tickets(session, sender_id, limit)
    if not tickets:
        # Perhaps filed by phone or at the counter: the number finds it wherever it was filed.
        return (
            "您在这里还没有投诉记录。如果之前是打电话或在别处报的，告诉我工单号（GD开头）就能查进度。"
            "有问题也可以直接告诉我，比如“楼下路灯坏了”。"
        )
    lines = [f"您最近的 {len(tickets)} 件投诉："]
    for i, t in enumerate(tickets, 1):
        words = own_words(t, sender_id)
        lines.append(f"{i}. {t.id}：{_summary(words, 12)}，{t.status}" if words else f"{i}. {t.id}：{t.status}")
    return "\n".join(lines)


__all__ = [
    "FiledTicket",
    "InvalidTransition",
    "TicketError",
    "TicketFilters",
    "TicketInputError",
    "TicketNotFound",
    "correct_ticket",
    "file_emergency",
    "file_ticket",
    "find_duplicate",
    "get_ticket",
    "list_tickets",
    "my_tickets",
    "my_tickets_text",
    "own_words",
    "public_status",
    "ticket_to_dict",
    "transition_ticket",
]


def _shown_url(value: str | None) -> str | None:
    """A stored media URL, shown only if it is http(s) (rows filed before the check)."""
    try:
        return http_url(value)
    except UnsafeUrl:
        return None
