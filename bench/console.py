"""The staff console's render times with a large ticket table (issue #16: the queue and
the dashboard under 1 s with 100,000 tickets).

A fresh SQLite database (or ``--pg``: a throw-away PostgreSQL database on the
machine's server) is migrated and filled with N tickets (default 100,000) spread over
the last 365 days: a realistic mix of categories, urgencies, states, addresses
(buildings 1–40 with units, gates, roads) and sentiment. Rows are bulk-inserted (the
ticket service would take hours for 100,000 classifications; what is measured here is
reading, not filing). Then the gateway in-process (the production app with the pages,
middleware included) answers, signed in as an admin, each request 5 times after one
warm-up; the median and the worst are written with the load average.

    .venv/bin/python bench/console.py                # writes bench/results/console.json
    .venv/bin/python bench/console.py --tickets 20000 --pg
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LIMIT_MS = 1000.0
CATEGORIES = {"市政设施": "街道城市管理办公室", "环境卫生": "街道环卫所", "噪音扰民": "街道综合行政执法队",
              "物业管理": "街道物业管理办公室", "违章停车": "交警中队", "供水供电供气": "水电气公用事业服务中心",
              "绿化": "街道绿化所", "其他": "街道综合服务中心"}
WORDS = {"市政设施": "路灯不亮", "环境卫生": "垃圾没人清理", "噪音扰民": "半夜装修太吵", "物业管理": "电梯坏了",
         "违章停车": "车堵在消防通道", "供水供电供气": "停水了", "绿化": "树枝挡路", "其他": "有点问题"}
STATES = ("受理", "派单", "处置中", "已办结", "回访", "关闭")


def fill(db, n: int, now: datetime, seed: int = 16) -> float:
    from sqlalchemy import insert

    from assistant.tickets.models import Ticket

    rnd = random.Random(seed)
    places = ([f"{b}号楼" for b in range(1, 41)] + [f"{b}号楼{u}单元" for b in range(1, 41) for u in (1, 2, 3)]
              + ["小区北门", "南门", "东门", "地下车库", "人民路88号", None])
    per_day: dict[str, int] = {}
    rows = []
    for i in range(n):
        at = now - timedelta(seconds=rnd.randint(0, 365 * 86400))
        day = at.strftime("%Y%m%d")
        per_day[day] = per_day.get(day, 0) + 1
        category = rnd.choice(list(CATEGORIES))
        place = rnd.choice(places)
        urgency = rnd.choices(("normal", "urgent", "emergency"), (85, 13, 2))[0]
        state = rnd.choices(STATES, (10, 10, 10, 20, 10, 40))[0]
        score = max(-1.0, min(1.0, rnd.gauss(-0.35, 0.45)))
        deadline = at + timedelta(hours={"normal": 72, "urgent": 24, "emergency": 2}[urgency])
        resolved = at + timedelta(hours=rnd.uniform(1, 120)) if state in ("已办结", "回访", "关闭") else None
        rows.append({
            "id": f"GD{day}{per_day[day]:04d}", "created_at": at, "updated_at": resolved or at, "channel": "chat",
            "sender_id": f"web:r-bench{rnd.randint(1, 20000):05d}", "description": f"{place or ''}{WORDS[category]}",
            "address": place, "category": category, "category_confidence": 0.8, "department": CATEGORIES[category],
            "sentiment_score": round(score, 4),
            "sentiment_label": "negative" if score < -0.1 else "positive" if score > 0.1 else "neutral",
            "urgency": urgency, "cues": {}, "status": state, "deadline_at": deadline, "resolved_at": resolved,
            "satisfaction": rnd.randint(1, 5) if state in ("回访", "关闭") else None, "report_count": 1,
            "reopen_count": 0})
    started = time.perf_counter()
    with db.engine.begin() as conn:
        for chunk in range(0, n, 5000):
            conn.execute(insert(Ticket), rows[chunk:chunk + 5000])
    return time.perf_counter() - started


def measure(client, path: str, runs: int = 5) -> dict:
    client.get(path)  # warm-up: templates compiled, plans cached
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return {"path": path, "median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL on 127.0.0.1:5432 instead of SQLite")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "console.json")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="bench-console-"))
    os.environ.update(BUTLER_ENV_FILE="", BUTLER_DATA_DIR=str(data_dir), BUTLER_ADMIN_USER="admin",
                      BUTLER_ADMIN_PASSWORD="admin-password-1", BUTLER_RASA_URL="http://127.0.0.1:9",
                      BUTLER_ALERT_WEBHOOK_URL="")
    from contextlib import ExitStack

    from assistant.db import Database, temporary_postgres_database, upgrade

    with ExitStack() as stack:
        if args.pg:
            db = stack.enter_context(temporary_postgres_database(
                os.environ.get("BUTLER_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
                prefix="bench_console"))
            url = db.url
        else:
            url = f"sqlite:///{data_dir / 'butler.db'}"
            upgrade(url)
            db = Database(url)
        os.environ["BUTLER_DATABASE_URL"] = url
        from fastapi.testclient import TestClient

        from assistant.api.app import create_app
        from assistant.web.pages import install

        now = datetime.now(UTC)
        load_before = os.getloadavg()
        insert_s = fill(db, args.tickets, now)
        app = create_app()
        install(app)
        results = []
        with TestClient(app, base_url="http://127.0.0.1") as client:
            page = client.get("/console/login").text
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            signed = client.post("/console/login", follow_redirects=False, data={
                "username": "admin", "password": "admin-password-1", "csrf_token": csrf})
            assert signed.status_code == 303, signed.text
            today = now.date()
            ticket_id = re.search(r"GD\d{12}", client.get("/console").text).group(0)
            for path in ("/console", "/console?status=受理&overdue=1", "/console?urgency=emergency",
                         "/console?q=12号楼", "/console?category=环境卫生&page=100",
                         f"/console?since={today - timedelta(days=7)}&until={today}",
                         f"/console/tickets/{ticket_id}", "/console/api/thermometer",
                         f"/console/api/thermometer?start={today - timedelta(days=365)}&end={today}",
                         "/console/export?format=csv&urgency=emergency"):
                results.append(measure(client, path))
                print(f"{results[-1]['median_ms']:8.1f} ms  (max {results[-1]['max_ms']:.1f})  {path}")
        db.dispose()
    over = [r for r in results if r["median_ms"] > LIMIT_MS]
    report = {"database": "postgresql" if args.pg else "sqlite", "tickets": args.tickets,
              "insert_seconds": round(insert_s, 1), "limit_ms": LIMIT_MS, "results": results,
              "load_average_before": [round(x, 2) for x in load_before],
              "load_average_after": [round(x, 2) for x in os.getloadavg()],
              "measured_at": now.isoformat(timespec="seconds"), "all_under_limit": not over}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}; {'all under' if not over else 'OVER'} {LIMIT_MS:.0f} ms")
    return 0 if not over else 1


if __name__ == "__main__":
    raise SystemExit(main())
