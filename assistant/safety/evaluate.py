"""Score the safety net on a labelled set.

    python -m assistant.safety.evaluate bench/emergency_dev.jsonl [more.jsonl ...] [--quiet]
    python -m assistant.safety.evaluate nlu_data/nlu/*.yml bench/nlu_dev.yml

A ``.jsonl`` file has one JSON object a line with ``text`` and ``emergency``
(bool); ``kind`` (the expected most urgent kind, or null) is optional. A ``.yml``
file is Rasa NLU training data: its ``emergency`` examples are emergencies, every
other intent's are not (entity annotations are stripped). Prints recall, the
false-alarm rate, kind agreement on the emergencies caught, latency, then every
miss and every false alarm with the cues and suppressors behind the decision.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

import yaml

from assistant.safety import assess, warm_up


_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\{[^}]*\}|\([^)]*\))")


def load_rasa(path: Path) -> list[dict]:
    """Examples of a Rasa NLU file, labelled emergency when their intent is."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rows = []
    for block in data.get("nlu") or []:
        if "intent" not in block:
            continue
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                text = _ANNOTATION.sub(r"\1", line[2:]).strip()
                rows.append({"text": text, "emergency": block["intent"] == "emergency", "kind": None,
                             "source": f"{path.name}:{block['intent']}"})
    return rows


def load(path: Path) -> list[dict]:
    if path.suffix in (".yml", ".yaml"):
        return load_rasa(path)
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            if "text" not in row or "emergency" not in row:
                raise SystemExit(f"{path}:{number}: needs 'text' and 'emergency'")
            rows.append(row)
    return rows


# The blind sets from set 4 on name two kinds in their writers' words (round 15): the same kinds.
KIND_ALIASES = {"lone_elder": "silent_elder", "water_electric": "electric_water"}


def _kind(row: dict) -> str | None:
    return KIND_ALIASES.get(row.get("kind"), row.get("kind"))


def evaluate(rows: list[dict]) -> dict:
    warm_up()  # compile the lexicon outside the timing
    results, timings = [], []
    for row in rows:
        started = time.perf_counter()
        verdict = assess(row["text"], quiet=True)
        timings.append((time.perf_counter() - started) * 1000)
        results.append((row, verdict))
    positives = [(r, v) for r, v in results if r["emergency"]]
    negatives = [(r, v) for r, v in results if not r["emergency"]]
    caught = [(r, v) for r, v in positives if v.emergency]
    by_lexicon = [(r, v) for r, v in results if v.emergency and not v.cues[0].startswith("model:")]
    with_kind = [(r, v) for r, v in caught if r.get("kind")]
    return {
        "n": len(rows),
        "emergencies": len(positives),
        "recall": len(caught) / len(positives) if positives else None,
        "false_alarm_rate": sum(v.emergency for _, v in negatives) / len(negatives) if negatives else None,
        "recall_lexicon": (sum(r["emergency"] for r, _ in by_lexicon) / len(positives)) if positives else None,
        "false_alarm_rate_lexicon": (sum(not r["emergency"] for r, _ in by_lexicon) / len(negatives))
        if negatives else None,
        "kind_first": (sum(v.kinds[:1] == (_kind(r),) for r, v in with_kind) / len(with_kind)) if with_kind else None,
        "kind_any": (sum(_kind(r) in v.kinds for r, v in with_kind) / len(with_kind)) if with_kind else None,
        "latency_ms_p50": statistics.median(timings) if timings else 0.0,
        "latency_ms_p99": sorted(timings)[int(0.99 * (len(timings) - 1))] if timings else 0.0,
        "misses": [(r, v) for r, v in positives if not v.emergency],
        "false_alarms": [(r, v) for r, v in negatives if v.emergency],
        "kind_mismatches": [(r, v) for r, v in with_kind if _kind(r) not in v.kinds],
    }


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--quiet", action="store_true", help="figures only, no list of errors")
    args = parser.parse_args(argv)
    rows = [row for path in args.files for row in load(path)]
    report = evaluate(rows)
    negatives = report["n"] - report["emergencies"]
    print(f"messages {report['n']}: {report['emergencies']} emergencies, {negatives} not")
    print(f"recall {_pct(report['recall'])} ({report['emergencies'] - len(report['misses'])}/{report['emergencies']})")
    print(f"false alarms {_pct(report['false_alarm_rate'])} ({len(report['false_alarms'])}/{negatives})")
    print(f"  lexicon alone (without the n-gram second opinion): recall {_pct(report['recall_lexicon'])}, "
          f"false alarms {_pct(report['false_alarm_rate_lexicon'])}")
    print(f"kind: most urgent kind right {_pct(report['kind_first'])}, among the kinds {_pct(report['kind_any'])}")
    print(f"latency per message: p50 {report['latency_ms_p50']:.3f} ms, p99 {report['latency_ms_p99']:.3f} ms")
    if not args.quiet:
        for title, key in (("MISSES", "misses"), ("FALSE ALARMS", "false_alarms"),
                           ("KIND NOT FOUND", "kind_mismatches")):
            if report[key]:
                print(f"\n{title}")
            for row, verdict in report[key]:
                why = verdict.cues if verdict.emergency else verdict.suppressed
                source = f" [{row['source']}]" if row.get("source") else ""
                print(f"  {row['text']}{source}\n      expected {row.get('kind')}, got {list(verdict.kinds)} {list(why)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
