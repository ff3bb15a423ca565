"""Open311 GeoReport v2 mapping of tickets and categories.

- services = the routing table's categories (service_code = the ASCII ``code``);
- service_request_id = ticket id; status is only ``open``/``closed`` (closed once
  the work is done: 已办结, 回访, 关闭); the fine state goes in ``status_notes``;
  the department in ``agency_responsible``; times are ISO 8601 with time zone.

Reads come in three views (``VIEWS``), and no view ever shows a phone, name, e-mail or
device id field (GeoReport v2 has none in its responses):

- ``public`` (no credential): what a city publishes. The description with phone and
  identity numbers, e-mail addresses, self-introduced names and room numbers masked
  (``public_text``: 3号楼*单元***室); the address cut to the building (``approximate_address``: 3号楼,
  never 201室; an ``address_id`` is not shown); lat/long rounded to 3 decimals (about
  100 m); a media_url only when it is http(s).
- ``staff`` (a staff token whose role may not see personal data): exact location,
  the description masked as everywhere else (``mask_text``).
- ``full`` (the Open311 API key, or a staff role in ``UNMASKED_ROLES``): exact location
  and the description as the resident wrote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from assistant.db import Database
from assistant.location import normalise, parse_location
from assistant.privacy import mask_name, mask_text
from assistant.settings import Settings, get_settings
from assistant.tickets.lifecycle import DONE_STATES, OPEN_STATES, aware, state_for_resident, utcnow
from assistant.tickets.models import Ticket
from assistant.tickets.routing import RoutingTable, get_routing
from assistant.tickets.service import (
    MAX_DESCRIPTION, TicketFilters, TicketInputError, deadline_phrase, file_ticket, list_tickets,
)

DEFAULT_WINDOW = timedelta(days=90)
MAX_RESULTS = 1000

View = Literal["public", "staff", "full"]
VIEWS: tuple[View, ...] = ("public", "staff", "full")
# Public coordinates: 3 decimals is about 110 m north-south, a block rather than a door.
PUBLIC_COORDINATE_DECIMALS = 3

_NUM = r"[0-9０-９一二三四五六七八九十百零〇两]+"
# The building (3号楼, 五栋, 203号楼, A座) is read by the location parser; everything after
# it is cut. Without a building: where the unit, floor or room starts (2单元, 201室, 3楼, -201, a trailing 1201).
_ROOM_START_RE = re.compile(rf"{_NUM}\s*(?:单元|室|层|楼|户)|[-－]\s*\d+\s*$|(?<![0-9号])\d{{3,4}}\s*$")
# Room numbers inside free text: 201室, 3号楼 1201, 2单元501.
_ROOM_AFTER_RE = re.compile(r"(号楼|栋|幢|座|单元)(\s*)(\d{3,4})(?![0-9号])")
_ROOM_BEFORE_RE = re.compile(r"(?<![0-9])(\d{2,4})(\s*(?:室|房间|号房))")
_UNIT_RE = re.compile(rf"(?<![0-9])({_NUM})(\s*单元)")
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# A name the resident gives about themselves: 我叫张三, 联系人：李四, 我姓王.
_SELF_NAME_RE = re.compile(r"(我叫|我姓|名字叫|名字是|联系人[：:是]?|姓名[：:是]?)(\s*)([\u4e00-\u9fff·]{1,4})")
_SAFE_MEDIA = re.compile(r"^https?://", re.IGNORECASE)


@dataclass
class Open311Error(Exception):
    status: int
    code: str
    description: str


def _iso(dt: datetime | None, settings: Settings) -> str | None:
    if dt is None:
        return None
    return aware(dt).astimezone(ZoneInfo(settings.timezone)).isoformat(timespec="seconds")


def service_list(routing: RoutingTable | None = None) -> list[dict]:
    routing = routing or get_routing()
    return [{"service_code": r.code, "service_name": r.category, "description": r.description,
             "metadata": False, "type": "realtime", "keywords": ",".join(r.keywords), "group": r.group}
            for r in routing.routes]


def service_definition(code: str, routing: RoutingTable | None = None) -> dict:
    route = (routing or get_routing()).by_code(code)
    if route is None:
        raise Open311Error(404, "service_not_found", f"service_code {code!r} not found")
    # No extra attributes: the description and the location say it all.
    return {"service_code": route.code, "attributes": []}


def status_of(ticket: Ticket) -> str:
    return "closed" if ticket.status in DONE_STATES else "open"


def public_text(text: str | None) -> str | None:
    """Free text as a city may publish it: phone and identity numbers (``mask_text``),
    e-mail addresses, names residents give about themselves, unit and room numbers
    masked (the building stays: 3号楼*单元***室)."""
    if not text:
        return text
    text = mask_text(text)
    text = _EMAIL_RE.sub(lambda m: "***@" + m.group(0).split("@", 1)[1], text)
    text = _SELF_NAME_RE.sub(lambda m: m.group(1) + m.group(2) + mask_name(m.group(3)), text)
    text = _ROOM_AFTER_RE.sub(lambda m: m.group(1) + m.group(2) + "*" * len(m.group(3)), text)
    text = _ROOM_BEFORE_RE.sub(lambda m: "*" * len(m.group(1)) + m.group(2), text)
    return _UNIT_RE.sub(lambda m: "*" * len(m.group(1)) + m.group(2), text)


def approximate_address(address: str | None) -> str | None:
    """The address down to the building, never the unit or room:
    幸福路8号3号楼201室 -> 幸福路8号3号楼, 五栋2单元302 -> 五栋, 幸福路8号201室 -> 幸福路8号.
    An ``address_id:`` (a city's household id) is not published at all."""
    if not address or address.startswith("address_id:"):
        return None
    address = normalise(mask_text(address.strip()))
    place = parse_location(address)  # the one location parser (assistant/location.py)
    if place is not None and place.building_end is not None:
        address = address[:place.building_end]
    else:
        cut = place.detail_start if place is not None and place.detail_start is not None else None
        room = _ROOM_START_RE.search(address)
        if room is not None and (cut is None or room.start() < cut):
            cut = room.start()  # -201 or a trailing 1201 the parser does not take for a room
        if cut is not None:
            address = address[:cut].rstrip(" ,，、-－")
    return public_text(address) or None


def _approximate(value: float | None) -> float | None:
    return None if value is None else round(value, PUBLIC_COORDINATE_DECIMALS)


def request_to_open311(ticket: Ticket, routing: RoutingTable | None = None,
                       settings: Settings | None = None, view: View = "public") -> dict:
    if view not in VIEWS:
        raise ValueError(f"unknown Open311 view: {view}")
    routing = routing or get_routing()
    settings = settings or get_settings()
    route = routing.route(ticket.category)
    public = view == "public"
    if public:
        description, address = public_text(ticket.description), approximate_address(ticket.address)
        lat, long = _approximate(ticket.lat), _approximate(ticket.long)
    else:
        description = mask_text(ticket.description) if view == "staff" else ticket.description
        address, lat, long = ticket.address, ticket.lat, ticket.long
    media_url = ticket.media_url if ticket.media_url and _SAFE_MEDIA.match(ticket.media_url) else None
    return {
        "service_request_id": ticket.id,
        "status": status_of(ticket),
        "status_notes": f"{ticket.status}：{state_for_resident(ticket)}",
        "service_name": ticket.category,
        "service_code": route.code,
        "description": description,
        "agency_responsible": ticket.department,
        "service_notice": f"{deadline_phrase(ticket.urgency, settings)}答复",
        "requested_datetime": _iso(ticket.created_at, settings),
        "updated_datetime": _iso(ticket.updated_at, settings),
        "expected_datetime": _iso(ticket.deadline_at, settings),
        "address": address,
        "address_id": None,
        "zipcode": None,
        "lat": lat,
        "long": long,
        "media_url": media_url,
    }


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _parse_time(name: str, value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace(" ", "+"))
    except ValueError as exc:
        raise Open311Error(400, "bad_datetime", f"{name} must be ISO 8601 (e.g. 2026-11-29T08:00:00+08:00)") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(get_settings().timezone))
    return parsed


def query_requests(db: Database, params: dict[str, str], now: datetime | None = None,
                   view: View = "public") -> list[dict]:
    """GET requests.json: service_request_id, service_code, start_date, end_date, status."""
    routing = get_routing()
    now = aware(now) or utcnow()
    filters = TicketFilters()
    ids = _split(params.get("service_request_id"))
    if ids:
        filters.ids = ids
    codes = _split(params.get("service_code"))
    if codes:
        unknown = [c for c in codes if routing.by_code(c) is None]
        if unknown:
            raise Open311Error(400, "bad_service_code", f"unknown service_code: {', '.join(unknown)}")
        filters.category = [routing.by_code(c).category for c in codes]
    statuses = _split(params.get("status"))
    if any(s not in ("open", "closed") for s in statuses):
        raise Open311Error(400, "bad_status", "status must be open or closed")
    if statuses and len(set(statuses)) == 1:
        filters.status = sorted(OPEN_STATES if statuses[0] == "open" else DONE_STATES)
    filters.since = _parse_time("start_date", params.get("start_date"))
    filters.until = _parse_time("end_date", params.get("end_date"))
    if filters.since and filters.until and filters.since > filters.until:
        raise Open311Error(400, "bad_date_range", "start_date is after end_date")
    if not ids and filters.since is None and filters.until is None:
        filters.since = now - DEFAULT_WINDOW  # the spec's default window
    with db.session() as session:
        tickets, _ = list_tickets(session, filters, limit=MAX_RESULTS, now=now)
        return [request_to_open311(t, routing, view=view) for t in tickets]


def get_request(db: Database, request_id: str, view: View = "public") -> list[dict]:
    with db.session() as session:
        ticket = session.get(Ticket, request_id)
        if ticket is None:
            raise Open311Error(404, "request_not_found", f"service_request_id {request_id!r} not found")
        return [request_to_open311(ticket, view=view)]


def _float(name: str, value: str | None) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except ValueError as exc:
        raise Open311Error(400, "bad_location", f"{name} must be a number") from exc


def create_request(db: Database, form: dict[str, str], settings: Settings | None = None) -> list[dict]:
    """POST requests.json (form-encoded). Needs the configured api_key, a known
    service_code and a location (lat+long, address_string or address_id)."""
    settings = settings or get_settings()
    if not settings.open311_api_key:
        raise Open311Error(403, "posting_disabled", "posting service requests is not enabled on this server")
    if form.get("api_key") != settings.open311_api_key:
        raise Open311Error(403, "bad_api_key", "api_key is missing or invalid")
    code = (form.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, "missing_service_code", "service_code is required")
    route = get_routing().by_code(code)
    if route is None:
        raise Open311Error(404, "service_not_found", f"service_code {code!r} not found")
    lat, long = _float("lat", form.get("lat")), _float("long", form.get("long"))
    address = (form.get("address_string") or "").strip() or None
    address_id = (form.get("address_id") or "").strip() or None
    if (lat is None or long is None) and not address and not address_id:
        raise Open311Error(400, "missing_location", "a location is required: lat and long, address_string or address_id")
    if address is None and address_id:
        address = f"address_id:{address_id}"
    description = (form.get("description") or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, "description_too_long", f"description is limited to {MAX_DESCRIPTION} characters")
    if not description:
        description = route.category  # the service itself says what is wrong
    account_id = (form.get("account_id") or "").strip() or None
    name = " ".join(v for v in ((form.get("last_name") or "").strip(), (form.get("first_name") or "").strip()) if v)
    try:
        filed = file_ticket(db, description=description, sender_id=f"open311:{account_id}" if account_id else None,
                            address=address, lat=lat, long=long, contact_name=name or None,
                            contact_phone=form.get("phone"), media_url=form.get("media_url"), channel="open311",
                            category=route.category, settings=settings)
    except TicketInputError as exc:
        raise Open311Error(400, exc.code, str(exc)) from exc
    return [{"service_request_id": filed.ticket.id, "service_notice": filed.message, "account_id": account_id}]
