"""Category -> department routing, read from the editable ``routing.yml``.

The file is re-read whenever its modification time changes, so staff edits take
effect without a restart. A broken file is refused with ``RoutingError`` (the
previous good table keeps serving) instead of silently routing tickets nowhere.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROUTING_FILE = Path(__file__).with_name("routing.yml")
FALLBACK_CATEGORY = "其他"
_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


class RoutingError(Exception):
    """The routing table is malformed or names an unknown category/department."""


@dataclass(frozen=True)
class Route:
    category: str
    code: str
    department: str
    group: str = ""
    description: str = ""
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoutingTable:
    routes: tuple[Route, ...]
    _by_category: dict[str, Route] = field(default_factory=dict, compare=False)
    _by_code: dict[str, Route] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self._by_category.update({r.category: r for r in self.routes})
        self._by_code.update({r.code: r for r in self.routes})

    @property
    def categories(self) -> list[str]:
        return [r.category for r in self.routes]

    @property
    def departments(self) -> list[str]:
        return sorted({r.department for r in self.routes})

    def route(self, category: str) -> Route:
        """The route of ``category``; unknown categories go where 其他 goes, so a
        ticket always lands on somebody's desk."""
        return self._by_category.get(category) or self._by_category[FALLBACK_CATEGORY]

    def department_for(self, category: str) -> str:
        return self.route(category).department

    def by_code(self, code: str) -> Route | None:
        return self._by_code.get(code)

    def has_category(self, category: str) -> bool:
        return category in self._by_category


def parse_routing(data: object) -> RoutingTable:
    if not isinstance(data, dict) or not isinstance(data.get("categories"), list):
        raise RoutingError("routing file needs a top-level 'categories' list")
    routes: list[Route] = []
    seen_categories: set[str] = set()
    seen_codes: set[str] = set()
    for i, entry in enumerate(data["categories"], start=1):
        if not isinstance(entry, dict):
            raise RoutingError(f"entry {i} is not a mapping")
        category = str(entry.get("category") or "").strip()
        code = str(entry.get("code") or "").strip()
        department = str(entry.get("department") or "").strip()
        if not category or not department:
            raise RoutingError(f"entry {i} needs both 'category' and 'department'")
        if not _CODE_RE.match(code):
            raise RoutingError(f"entry {i} ({category}) needs an ASCII 'code' like 'street_light'")
        if category in seen_categories or code in seen_codes:
            raise RoutingError(f"entry {i}: category {category!r} or code {code!r} appears twice")
        seen_categories.add(category)
        seen_codes.add(code)
        keywords = entry.get("keywords") or []
        routes.append(Route(category=category, code=code, department=department,
                            group=str(entry.get("group") or ""),
                            description=str(entry.get("description") or ""),
                            keywords=tuple(str(k) for k in keywords)))
    if FALLBACK_CATEGORY not in seen_categories:
        raise RoutingError(f"the table must route the fallback category {FALLBACK_CATEGORY!r}")
    return RoutingTable(tuple(routes))


def load_routing_file(path: Path) -> RoutingTable:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RoutingError(f"cannot read {path}: {exc}") from exc
    return parse_routing(data)


_lock = threading.Lock()
_cache: dict[Path, tuple[float, RoutingTable]] = {}


def get_routing(path: Path | None = None) -> RoutingTable:
    """The current table, re-read when the file changed since the last call."""
    path = Path(path or ROUTING_FILE)
    mtime = path.stat().st_mtime
    with _lock:
        cached = _cache.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
        try:
            table = load_routing_file(path)
        except RoutingError:
            if cached:  # keep serving the last good table; the error is for whoever edited it
                import structlog

                structlog.get_logger(__name__).error("routing_file_invalid", path=str(path))
                return cached[1]
            raise
        _cache[path] = (mtime, table)
        return table
