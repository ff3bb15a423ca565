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
from functools import lru_cache
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, literal_column, select
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


# SQLite reads a long range faster by scanning the table than through the index on
# created_at (a row lookup per ticket: 100,000 tickets, 400 ms against 20 ms); a unary
# + keeps it from using the index. PostgreSQL's planner makes that choice itself.
SCAN_FROM_DAYS = 45


def _created(session: Session, rng: DateRange):
    if session.get_bind().dialect.name == "sqlite" and rng.days > SCAN_FROM_DAYS:
        return literal_column(f"+{Ticket.__tablename__}.created_at", type_=Ticket.created_at.type)
    return Ticket.created_at


def _local_day(session: Session, zone: ZoneInfo, at: datetime):
    """A SQL expression: the local day of ``tickets.created_at`` as 'YYYY-MM-DD'."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone(zone.key, Ticket.created_at))  # str() of a date: YYYY-MM-DD
    minutes = int(at.astimezone(zone).utcoffset().total_seconds() // 60)
    return func.date(Ticket.created_at, f"{minutes:+d} minutes")


@dataclass(frozen=True)
class Facts:
    """One grouped scan of the range's tickets: per (local day, category, department)
    the sums every chart but the hot spots needs. ``daily``, ``by_category``,
    ``compliance`` and ``satisfaction`` are derived from it in Python, so the dashboard
    reads the table once (a year of 100,000 tickets: one scan, not five)."""

    rng: DateRange
    rows: tuple


def facts(session: Session, rng: DateRange, *, now: datetime | None = None) -> Facts:
    zone = _zone()
    lo, hi = _bounds(rng, zone)
    now = now or clock.now()
    day = _local_day(session, zone, lo).label("day")
    open_ = Ticket.status.in_(sorted(OPEN_STATES))
    rows = session.execute(
        select(day, Ticket.category, Ticket.department, func.count().label("total"),
               func.sum(case((Ticket.urgency == "emergency", 1), else_=0)).label("emergency"),
               func.sum(Ticket.sentiment_score).label("score"),
               func.sum(case((Ticket.sentiment_label == "negative", 1), else_=0)).label("negative"),
               func.sum(case((Ticket.sentiment_label == "neutral", 1), else_=0)).label("neutral"),
               func.sum(case((Ticket.sentiment_label == "positive", 1), else_=0)).label("positive"),
               func.sum(case((Ticket.resolved_at.is_not(None) & (Ticket.resolved_at <= Ticket.deadline_at), 1),
                             else_=0)).label("on_time"),
               func.sum(case((Ticket.resolved_at > Ticket.deadline_at, 1), else_=0)).label("late"),
               func.sum(case((open_ & (Ticket.deadline_at < now), 1), else_=0)).label("overdue"),
               func.sum(case((open_ & (Ticket.deadline_at >= now), 1), else_=0)).label("open"),
               func.sum(Ticket.satisfaction).label("satisfaction"), func.count(Ticket.satisfaction).label("rated"))
        .where(_created(session, rng) >= lo, _created(session, rng) < hi)
        .group_by(day, Ticket.category, Ticket.department)).all()
    return Facts(rng, tuple(rows))


def _sum(rows, *names: str) -> dict[str, float]:
    return {name: sum(float(getattr(r, name) or 0) for r in rows) for name in names}


def daily(session: Session, rng: DateRange, *, known: Facts | None = None) -> list[dict]:
    """One row per local day of the range (days without tickets included, as zeros)."""
    known = known or facts(session, rng)
    by_day: dict[str, list] = {}
    for r in known.rows:
        by_day.setdefault(str(r.day), []).append(r)
    out = []
    for i in range(rng.days):
        key = (rng.start + timedelta(days=i)).isoformat()
        t = _sum(by_day.get(key, ()), "total", "emergency", "score", "negative", "neutral", "positive")
        total = int(t["total"])
        out.append({"day": key, "total": total, "emergency": int(t["emergency"]),
                    "sentiment": round(t["score"] / total, 3) if total else None,
                    "negative": int(t["negative"]), "neutral": int(t["neutral"]), "positive": int(t["positive"])})
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


def by_category(session: Session, rng: DateRange, *, known: Facts | None = None) -> list[dict]:
    """Sentiment per category in the range, the most negative first."""
    known = known or facts(session, rng)
    groups: dict[str, list] = {}
    for r in known.rows:
        groups.setdefault(r.category, []).append(r)
    out = []
    for category, rows in groups.items():
        t = _sum(rows, "total", "score", "negative")
        out.append({"category": category, "total": int(t["total"]),
                    "sentiment": round(t["score"] / t["total"], 3) if t["total"] else 0.0,
                    "negative": int(t["negative"])})
    return sorted(out, key=lambda r: (r["sentiment"], -r["total"], r["category"]))


def compliance(session: Session, rng: DateRange, *, now: datetime | None = None,
               known: Facts | None = None) -> list[dict]:
    """Per department, of the tickets filed in the range: resolved by the deadline,
    resolved after it, still open past it, still open in time; and the average
    satisfaction recorded at 回访. The worst (most late) first."""
    known = known or facts(session, rng, now=now)
    groups: dict[str, list] = {}
    for r in known.rows:
        groups.setdefault(r.department, []).append(r)
    out = []
    for department, rows in groups.items():
        t = _sum(rows, "total", "on_time", "late", "overdue", "open", "satisfaction", "rated")
        done = t["on_time"] + t["late"]
        out.append({"department": department, "total": int(t["total"]), "on_time": int(t["on_time"]),
                    "late": int(t["late"]), "overdue": int(t["overdue"]), "open": int(t["open"]),
                    "on_time_rate": round(t["on_time"] / done, 3) if done else None,
                    "satisfaction": round(t["satisfaction"] / t["rated"], 2) if t["rated"] else None,
                    "rated": int(t["rated"])})
    return sorted(out, key=lambda r: (-(r["late"] + r["overdue"]), -r["total"], r["department"]))


def satisfaction(session: Session, rng: DateRange, *, known: Facts | None = None) -> dict:
    """Satisfaction in the range: staff's 回访 scores (of tickets filed in the range) and
    residents' own ratings given in the range; averages of 1..5 and how many."""
    known = known or facts(session, rng)
    lo, hi = _bounds(rng, _zone())
    visit = _sum(known.rows, "satisfaction", "rated")
    rated = session.execute(select(func.avg(TicketRating.score), func.count(TicketRating.id)).where(
        TicketRating.at >= lo, TicketRating.at < hi)).one()
    return {"follow_up": {"average": round(visit["satisfaction"] / visit["rated"], 2) if visit["rated"] else None,
                          "count": int(visit["rated"])},
            "residents": {"average": round(float(rated[0]), 2) if rated[0] is not None else None,
                          "count": int(rated[1])}}


HOT_SPOT_PLACES = 12
HOT_SPOT_CATEGORIES = 6
_ADDRESS_GROUPS = 5000


@lru_cache(maxsize=4096)
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
        .where(_created(session, rng) >= lo, _created(session, rng) < hi, Ticket.address.is_not(None))
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
    known = facts(session, rng)
    days = daily(session, rng, known=known)
    scored = [d for d in days if d["sentiment"] is not None]
    total = sum(d["total"] for d in days)
    mean = (sum(d["sentiment"] * d["total"] for d in scored) / total) if total else None
    return {"range": {"start": rng.start.isoformat(), "end": rng.end.isoformat()},
            "total": total, "sentiment": round(mean, 3) if mean is not None else None,
            "daily": days, "topics": topics(session, today=today),
            "by_category": by_category(session, rng, known=known), "compliance": compliance(session, rng, known=known),
            "satisfaction": satisfaction(session, rng, known=known),
            "hot_spots": hot_spots(session, rng)}
