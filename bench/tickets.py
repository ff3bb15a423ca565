"""Ticket service measurements: filing latency (SQLite and PostgreSQL), concurrent
filing, and duplicate linking on a small hand-written set of report pairs
(bench/tickets_duplicates.jsonl: 10 same-problem pairs, 10 different-problem pairs
at the same or a nearby place).

Usage: .venv/bin/python bench/tickets.py [--no-postgres]
Writes bench/results/tickets.json and bench/results/tickets.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.db import Database, temporary_postgres_database, upgrade  # noqa: E402
from assistant.tickets import service  # noqa: E402

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TEXTS = ["楼道灯坏了", "垃圾没人清运", "楼上装修太吵", "有人乱停车", "门口有人摆摊", "电梯坏了",
         "停水了没有通知", "树枝挡住了路", "邻居家狗一直叫", "井盖丢了"]


def sqlite_db(tmp: Path) -> Database:
    url = f"sqlite:///{tmp / 'bench.db'}"
    upgrade(url)
    return Database(url)


def filing_latency(db: Database, n: int = 100) -> dict:
    service.file_ticket(db, description="预热", address="0号楼", check_duplicates=False)  # load the models
    times = []
    for i in range(n):
        start = time.perf_counter()
        service.file_ticket(db, description=f"{i}号楼{TEXTS[i % len(TEXTS)]}", address=f"{i}号楼",
                            sender_id=f"web:bench{i}")
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"n": n, "p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(0.95 * n) - 1], 1)}


def concurrent_filing(db: Database, threads: int = 8, each: int = 10) -> dict:
    ids: list[str] = []
    lock = threading.Lock()

    def worker(t: int) -> None:
        for k in range(each):
            filed = service.file_ticket(db, description=f"并发{t}-{k}：{TEXTS[k % len(TEXTS)]}", address=f"{t}号楼",
                                        check_duplicates=False)
            with lock:
                ids.append(filed.ticket.id)

    start = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    seconds = time.perf_counter() - start
    return {"threads": threads, "tickets": len(ids), "unique_ids": len(set(ids)),
            "tickets_per_s": round(len(ids) / seconds, 1)}


def duplicates(tmp: Path) -> dict:
    pairs = [json.loads(line) for line in (ROOT / "bench" / "tickets_duplicates.jsonl").read_text("utf-8").splitlines()
             if line.strip()]
    tp = fp = fn = tn = 0
    wrong = []
    for i, pair in enumerate(pairs):
        sub = tmp / f"dup{i}"
        sub.mkdir()
        db = sqlite_db(sub)
        first = service.file_ticket(db, description=pair["first"], address=pair["first_address"])
        second = service.file_ticket(db, description=pair["second"], address=pair["second_address"])
        linked = not second.created and second.ticket.id == first.ticket.id
        db.dispose()
        if linked and pair["duplicate"]:
            tp += 1
        elif linked:
            fp += 1
            wrong.append({"pair": i, "error": "linked different problems", **pair})
        elif pair["duplicate"]:
            fn += 1
            wrong.append({"pair": i, "error": "missed a duplicate", **pair})
        else:
            tn += 1
    return {"pairs": len(pairs), "precision": round(tp / max(tp + fp, 1), 3), "recall": round(tp / max(tp + fn, 1), 3),
            "tp": tp, "fp": fp, "fn": fn, "tn": tn, "errors": wrong}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "lat").mkdir()
        db = sqlite_db(tmp / "lat")
        results["sqlite_filing"] = filing_latency(db)
        results["sqlite_concurrent"] = concurrent_filing(db)
        db.dispose()
        if not args.no_postgres:
            with temporary_postgres_database(PG_ADMIN, prefix="butler_bench") as db:
                results["postgres_filing"] = filing_latency(db)
                results["postgres_concurrent"] = concurrent_filing(db)
        results["duplicates"] = duplicates(tmp)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "tickets.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    lines = ["# Tickets", "", "`.venv/bin/python bench/tickets.py` (2 cores, quiet machine).", "",
             "| measure | value |", "| --- | --- |"]
    for key in ("sqlite_filing", "postgres_filing"):
        if key in results:
            r = results[key]
            lines.append(f"| {key} (n={r['n']}, incl. classify + sentiment + duplicate check) | "
                         f"p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms |")
    for key in ("sqlite_concurrent", "postgres_concurrent"):
        if key in results:
            r = results[key]
            lines.append(f"| {key} ({r['threads']} threads) | {r['tickets']} tickets, {r['unique_ids']} unique ids, "
                         f"{r['tickets_per_s']} tickets/s |")
    d = results["duplicates"]
    lines.append(f"| duplicate linking ({d['pairs']} pairs) | precision {d['precision']}, recall {d['recall']} "
                 f"(fp {d['fp']}, fn {d['fn']}) |")
    if d["errors"]:
        lines += ["", "Errors:", ""] + [f"- {e['error']}: {e['first']} / {e['second']}" for e in d["errors"]]
    (out / "tickets.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
