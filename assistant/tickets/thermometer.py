"""The 民意温度计 (public-opinion thermometer): how residents feel, from the tickets.

Every figure is one SQL aggregate over ``tickets`` (no ticket is loaded into Python),
so the console's charts stay fast on a large table:

- ``daily``: tickets per local day in a date range, how many were emergencies, and the
  sentiment per day (average score, negative / neutral / positive counts);
- ``topics``: the complaint categories of the last seven days against the seven before;
- ``by_category``: sentiment per category (average score, negative tickets);
- ``compliance``: per department, tickets resolved by their deadline, resolved late, and
  still open past it; with the satisfaction staff recorded at 回访;
- ``satisfaction``: 回访 scores and residents' own ratings (1..5) in the range;
- ``hot_spots``: tickets per place (building or named place) and category, with their
  sentiment: the heat map (SQL groups by address; ``assistant.location`` folds them).

Days are local days (``settings.timezone``); the database stores UTC. SQLite shifts by
the zone's offset at the start of the range (the zone has no daylight saving time in
China); PostgreSQL converts each row with ``AT TIME ZONE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from assistant import clock
from assistant.settings import get_settings
from assistant.tickets.lifecycle import OPEN_STATES
from assistant.tickets.models import Ticket, TicketRating

# The longest range one request may ask for (a year and a day: a leap year).
MAX_DAYS = 366
DEFAULT_DAYS = 30
TOP_TOPICS = 8


class RangeError(ValueError):
    """A date range the thermometer refuses (reversed, or too long)."""

    code = "bad_date_range"


@dataclass(frozen=True)
class DateRange:
    start: date  # first local day, inclusive
    end: date  # last local day, inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def date_range(start: date | None, end: date | None, *, today: date | None = None) -> DateRange:
    """The range asked for: by default the last 30 days up to today (the project clock)."""
    today = today or clock.today()
    end = end or today
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise RangeError("开始日期晚于结束日期")
    if (end - start).days + 1 > MAX_DAYS:
        raise RangeError(f"日期范围最长 {MAX_DAYS} 天")
    return DateRange(start, end)


def _zone() -> ZoneInfo:
    return ZoneInfo(get_settings().timezone)


def _bounds(rng: DateRange, zone: ZoneInfo) -> tuple[datetime, datetime]:
    lo = datetime.combine(rng.start, time.min, zone).astimezone(UTC)
    hi = datetime.combine(rng.end + timedelta(days=1), time.min, zone).astimezone(UTC)
    return lo, hi


def day_bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """The instants that bound local days ``start`` to ``end`` (both inclusive; either
    may be open): what a chart's bar drills into."""
    zone = _zone()
    lo = datetime.combine(start, time.min, zone).astimezone(UTC) if start else None
    hi = datetime.combine(end + timedelta(days=1), time.min, zone).astimezone(UTC) if end else None
    return lo, hi


def _local_day(session: Session, zone: ZoneInfo, at: datetime):
    """A SQL expression: the local day of ``tickets.created_at`` as 'YYYY-MM-DD'."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone(zone.key, Ticket.created_at), "YYYY-MM-DD")
    minutes = int(at.astimezone(zone).utcoffset().total_seconds() // 60)
    return func.date(Ticket.created_at, f"{minutes:+d} minutes")


def daily(session: Session, rng: DateRange) -> list[dict]:
    """One row per local day of the range (days without tickets included, as zeros)."""
    zone = _zone()
    lo, hi = _bounds(rng, zone)
    day = _local_day(session, zone, lo).label("day")
    rows = session.execute(
        select(day, func.count().label("total"),
               func.sum(case((Ticket.urgency == "emergency", 1), else_=0)).label("emergency"),
               func.avg(Ticket.sentiment_score).label("sentiment"),
               func.sum(case((Ticket.sentiment_label == "negative", 1), else_=0)).label("negative"),
               func.sum(case((Ticket.sentiment_label == "neutral", 1), else_=0)).label("neutral"),
               func.sum(case((Ticket.sentiment_label == "positive", 1), else_=0)).label("positive"))
        .where(Ticket.created_at >= lo, Ticket.created_at < hi)
        .group_by(day)).all()
    found = {str(r.day): r for r in rows}
    out = []
    for i in range(rng.days):
        key = (rng.start + timedelta(days=i)).isoformat()
        r = found.get(key)
        out.append({"day": key, "total": int(r.total) if r else 0,
                    "emergency": int(r.emergency or 0) if r else 0,
                    "sentiment": round(float(r.sentiment), 3) if r and r.sentiment is not None else None,
                    "negative": int(r.negative or 0) if r else 0, "neutral": int(r.neutral or 0) if r else 0,
                    "positive": int(r.positive or 0) if r else 0})
    return out


def _category_counts(session: Session, lo: datetime, hi: datetime) -> dict[str, int]:
    rows = session.execute(select(Ticket.category, func.count()).where(
        Ticket.created_at >= lo, Ticket.created_at < hi).group_by(Ticket.category)).all()
    return {category: int(n) for category, n in rows}


def topics(session: Session, *, today: date | None = None, limit: int = TOP_TOPICS) -> dict:
    """Complaint categories of this week (the last 7 local days, today included)
    against the week before, most frequent this week first."""
    zone = _zone()
    today = today or clock.today()
    this_week = DateRange(today - timedelta(days=6), today)
    last_week = DateRange(today - timedelta(days=13), today - timedelta(days=7))
    now_counts = _category_counts(session, *_bounds(this_week, zone))
    before = _category_counts(session, *_bounds(last_week, zone))
    names = sorted(set(now_counts) | set(before), key=lambda c: (-now_counts.get(c, 0), -before.get(c, 0), c))
    return {"this_week": {"start": this_week.start.isoformat(), "end": this_week.end.isoformat()},
            "last_week": {"start": last_week.start.isoformat(), "end": last_week.end.isoformat()},
            "items": [{"category": c, "this_week": now_counts.get(c, 0), "last_week": before.get(c, 0)}
                      for c in names[:limit]]}


def by_category(session: Session, rng: DateRange) -> list[dict]:
    """Sentiment per category in the range, the most negative first."""
    lo, hi = _bounds(rng, _zone())
    rows = session.execute(
        select(Ticket.category, func.count().label("total"), func.avg(Ticket.sentiment_score).label("sentiment"),
               func.sum(case((Ticket.sentiment_label == "negative", 1), else_=0)).label("negative"))
        .where(Ticket.created_at >= lo, Ticket.created_at < hi).group_by(Ticket.category)).all()
    out = [{"category": r.category, "total": int(r.total), "sentiment": round(float(r.sentiment or 0), 3),
            "negative": int(r.negative or 0)} for r in rows]
    return sorted(out, key=lambda r: (r["sentiment"], -r["total"], r["category"]))


def compliance(session: Session, rng: DateRange, *, now: datetime | None = None) -> list[dict]:
    """Per department, of the tickets filed in the range: resolved by the deadline,
    resolved after it, still open past it, still open in time; and the average
    satisfaction recorded at 回访. The worst (most late) first."""
    lo, hi = _bounds(rng, _zone())
    now = now or clock.now()
    open_ = Ticket.status.in_(sorted(OPEN_STATES))
    rows = session.execute(
        select(Ticket.department, func.count().label("total"),
               func.sum(case((Ticket.resolved_at.is_not(None) & (Ticket.resolved_at <= Ticket.deadline_at), 1),
                             else_=0)).label("on_time"),
               func.sum(case((Ticket.resolved_at > Ticket.deadline_at, 1), else_=0)).label("late"),
               func.sum(case((open_ & (Ticket.deadline_at < now), 1), else_=0)).label("overdue"),
               func.sum(case((open_ & (Ticket.deadline_at >= now), 1), else_=0)).label("open"),
               func.avg(Ticket.satisfaction).label("satisfaction"), func.count(Ticket.satisfaction).label("rated"))
        .where(Ticket.created_at >= lo, Ticket.created_at < hi).group_by(Ticket.department)).all()
    out = []
    for r in rows:
        done = int(r.on_time or 0) + int(r.late or 0)
        out.append({"department": r.department, "total": int(r.total), "on_time": int(r.on_time or 0),
                    "late": int(r.late or 0), "overdue": int(r.overdue or 0), "open": int(r.open or 0),
                    "on_time_rate": round(int(r.on_time or 0) / done, 3) if done else None,
                    "satisfaction": round(float(r.satisfaction), 2) if r.satisfaction is not None else None,
                    "rated": int(r.rated or 0)})
    return sorted(out, key=lambda r: (-(r["late"] + r["overdue"]), -r["total"], r["department"]))


def satisfaction(session: Session, rng: DateRange) -> dict:
    """Satisfaction in the range: staff's 回访 scores (of tickets filed in the range) and
    residents' own ratings given in the range; averages of 1..5 and how many."""
    lo, hi = _bounds(rng, _zone())
    visit = session.execute(select(func.avg(Ticket.satisfaction), func.count(Ticket.satisfaction)).where(
        Ticket.created_at >= lo, Ticket.created_at < hi)).one()
    rated = session.execute(select(func.avg(TicketRating.score), func.count(TicketRating.id)).where(
        TicketRating.at >= lo, TicketRating.at < hi)).one()
    return {"follow_up": {"average": round(float(visit[0]), 2) if visit[0] is not None else None,
                          "count": int(visit[1])},
            "residents": {"average": round(float(rated[0]), 2) if rated[0] is not None else None,
                          "count": int(rated[1])}}


HOT_SPOT_PLACES = 12
HOT_SPOT_CATEGORIES = 6
_ADDRESS_GROUPS = 5000


def place_of(address: str | None) -> str | None:
    """Where a ticket is, at the grain of a hot spot: the building (with its
    courtyard, phase or estate), else the named place or road (``assistant.location``)."""
    from assistant.location import resolve

    found = resolve(address, None)
    if found is None:
        return None
    if found.building:
        prefix = "".join(filter(None, (found.estate, f"{found.phase}期" if found.phase else None,
                                       f"{found.courtyard}号院" if found.courtyard else None)))
        building = found.building if not found.building[-1].isdigit() else f"{found.building}号楼"
        return prefix + building
    return found.place or found.road or found.area or found.estate


def hot_spots(session: Session, rng: DateRange) -> dict:
    """Tickets per place (building or named place) and category in the range, with
    their sentiment: a heat map's cells. SQL groups by address and category; the
    location parser then folds the addresses into places (12栋 and 十二号楼 are one)."""
    lo, hi = _bounds(rng, _zone())
    rows = session.execute(
        select(Ticket.address, Ticket.category, func.count().label("total"),
               func.sum(Ticket.sentiment_score).label("score"),
               func.sum(case((Ticket.sentiment_label == "negative", 1), else_=0)).label("negative"))
        .where(Ticket.created_at >= lo, Ticket.created_at < hi, Ticket.address.is_not(None))
        .group_by(Ticket.address, Ticket.category)
        .order_by(func.count().desc()).limit(_ADDRESS_GROUPS)).all()
    cells: dict[tuple[str, str], list[float]] = {}
    places: dict[str, int] = {}
    categories: dict[str, int] = {}
    for r in rows:
        place = place_of(r.address)
        if not place:
            continue
        cell = cells.setdefault((place, r.category), [0, 0.0, 0])
        cell[0] += int(r.total)
        cell[1] += float(r.score or 0)
        cell[2] += int(r.negative or 0)
        places[place] = places.get(place, 0) + int(r.total)
        categories[r.category] = categories.get(r.category, 0) + int(r.total)
    top_places = sorted(places, key=lambda p: (-places[p], p))[:HOT_SPOT_PLACES]
    top_categories = sorted(categories, key=lambda c: (-categories[c], c))[:HOT_SPOT_CATEGORIES]
    grid = []
    for place in top_places:
        row = []
        for category in top_categories:
            total, score, negative = cells.get((place, category), (0, 0.0, 0))
            row.append({"total": total, "negative": negative,
                        "sentiment": round(score / total, 3) if total else None})
        grid.append({"place": place, "total": places[place], "cells": row})
    return {"categories": top_categories, "places": grid}


def thermometer(session: Session, rng: DateRange, *, today: date | None = None) -> dict:
    """Everything the console's thermometer draws."""
    days = daily(session, rng)
    scored = [d for d in days if d["sentiment"] is not None]
    total = sum(d["total"] for d in days)
    mean = (sum(d["sentiment"] * d["total"] for d in scored) / total) if total else None
    return {"range": {"start": rng.start.isoformat(), "end": rng.end.isoformat()},
            "total": total, "sentiment": round(mean, 3) if mean is not None else None,
            "daily": days, "topics": topics(session, today=today), "by_category": by_category(session, rng),
            "compliance": compliance(session, rng), "satisfaction": satisfaction(session, rng),
            "hot_spots": hot_spots(session, rng)}
