"""NLU benchmark (`make bench-nlu`): score a trained Rasa model on the held-out dev set.

Run with the Rasa venv (Python 3.10):

    .venv-rasa/bin/python bench/nlu.py --model /tmp/nlu-models/nlu.tar.gz

The model is loaded in-process with ``rasa.core.agent.Agent`` (the same NLU
pipeline ``rasa run`` serves behind ``/model/parse``), so latency figures are the
pipeline's own, without HTTP. Inputs:

- ``bench/nlu_dev.yml``: held-out examples in Rasa's format, never trained on
  (``rasa train`` reads ``nlu_data/`` only);
- ``bench/nlu_ood.txt``: out-of-domain requests, one per line.

Reports per-intent precision/recall/F1 and macro-F1, ``service_type`` value
accuracy (after synonym mapping), out-of-scope recall, the share of OOD lines
routed to a task intent, and parse latency p50/p95. Writes
``bench/results/nlu.json`` and ``bench/results/nlu.md``.

Scoring convention: ``nlu_fallback`` (FallbackClassifier, confidence below the
threshold) is scored as ``out_of_scope``, because the dialogue answers both
with "I can't do that / here is what I can do"; the strict figure, which counts
every fallback as wrong, is reported beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parents[1]
TASK_INTENTS = (
    "ask_policy", "book_service", "cancel_booking", "query_booking", "file_complaint",
    "check_ticket", "emergency", "checkin", "request_human",
)
NOT_UNDERSTOOD = ("out_of_scope", "nlu_fallback")


def load_dev(path: Path) -> list[dict[str, Any]]:
    """Read the dev set with Rasa's own reader (same annotation syntax as training)."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    examples = []
    for message in data.intent_examples:
        gold_services = sorted(
            {str(e.get("value")) for e in message.get("entities") or [] if e["entity"] == "service_type"}
        )
        examples.append({"text": message.get("text"), "intent": message.get("intent"), "services": gold_services})
    return examples


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def prf(gold: list[str], pred: list[str], labels: list[str]) -> dict[str, dict[str, float]]:
    table = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, pred))
        fp = sum(g != label and p == label for g, p in zip(gold, pred))
        fn = sum(g == label and p != label for g, p in zip(gold, pred))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table[label] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    return table


async def run(model: Path, dev_path: Path, ood_path: Path) -> dict[str, Any]:
    from rasa.core.agent import Agent

    started = time.perf_counter()
    agent = Agent.load(str(model))
    load_seconds = time.perf_counter() - started

    dev = load_dev(dev_path)
    ood = [line.strip() for line in ood_path.read_text(encoding="utf-8").splitlines() if line.strip()]

    # Warm-up: the first parse builds TF graphs and is not representative.
    for _ in range(3):
        await agent.parse_message("你好")

    latencies: list[float] = []

    async def parse(text: str) -> dict[str, Any]:
        t0 = time.perf_counter()
        result = await agent.parse_message(text)
        latencies.append((time.perf_counter() - t0) * 1000)
        # The classifier's own best guess, before FallbackClassifier replaced it:
        # lets the report sweep fallback thresholds without retraining.
        ranking = [r for r in result.get("intent_ranking", []) if r["name"] != "nlu_fallback"]
        result["raw_top"] = (ranking[0]["name"], float(ranking[0]["confidence"])) if ranking else ("nlu_fallback", 0.0)
        return result

    dev_rows = []
    for ex in dev:
        result = await parse(ex["text"])
        services = sorted({str(e["value"]) for e in result.get("entities", []) if e["entity"] == "service_type"})
        dev_rows.append({
            **ex,
            "predicted": result["intent"]["name"],
            "confidence": round(float(result["intent"]["confidence"]), 4),
            "predicted_services": services,
            "raw_top": list(result["raw_top"]),
        })
    ood_rows = []
    for text in ood:
        result = await parse(text)
        ood_rows.append({
            "text": text,
            "predicted": result["intent"]["name"],
            "confidence": round(float(result["intent"]["confidence"]), 4),
            "raw_top": list(result["raw_top"]),
        })

    labels = sorted({row["intent"] for row in dev_rows})
    gold = [row["intent"] for row in dev_rows]
    # nlu_fallback is answered like out_of_scope by the dialogue: score it so.
    pred = ["out_of_scope" if row["predicted"] == "nlu_fallback" else row["predicted"] for row in dev_rows]
    strict = [row["predicted"] for row in dev_rows]
    per_intent = prf(gold, pred, labels)
    per_intent_strict = prf(gold, strict, labels)
    macro_f1 = statistics.mean(v["f1"] for v in per_intent.values())
    macro_f1_strict = statistics.mean(v["f1"] for v in per_intent_strict.values())
    accuracy = sum(g == p for g, p in zip(gold, pred)) / len(gold)

    service_rows = [row for row in dev_rows if row["services"]]
    service_correct = sum(row["services"] == row["predicted_services"] for row in service_rows)
    # Spurious service_type on sentences that carry none (would fill a wrong slot).
    spurious_rows = [row for row in dev_rows if not row["services"] and row["predicted_services"]]
    spurious = len(spurious_rows)

    oos_rows = [row for row in dev_rows if row["intent"] == "out_of_scope"]
    oos_recall = sum(row["predicted"] in NOT_UNDERSTOOD for row in oos_rows) / max(1, len(oos_rows))
    ood_routed = [row for row in ood_rows if row["predicted"] in TASK_INTENTS]

    sweep = []
    for threshold in (0.3, 0.4, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9):
        def decide(row: dict[str, Any]) -> str:
            name, conf = row["raw_top"]
            return "nlu_fallback" if conf < threshold else name

        swept = ["out_of_scope" if decide(r) == "nlu_fallback" else decide(r) for r in dev_rows]
        sweep.append({
            "threshold": threshold,
            "macro_f1": round(statistics.mean(v["f1"] for v in prf(gold, swept, labels).values()), 4),
            "ood_to_task_rate": round(sum(decide(r) in TASK_INTENTS for r in ood_rows) / max(1, len(ood_rows)), 4),
        })

    return {
        "model": str(model),
        "fallback_threshold_sweep": sweep,
        "model_load_seconds": round(load_seconds, 2),
        "dev_examples": len(dev_rows),
        "ood_examples": len(ood_rows),
        "intent_accuracy": round(accuracy, 4),
        "macro_f1": round(macro_f1, 4),
        "macro_f1_strict": round(macro_f1_strict, 4),
        "per_intent": {k: {m: round(v, 4) if isinstance(v, float) else v for m, v in d.items()} for k, d in per_intent.items()},
        "service_type_examples": len(service_rows),
        "service_type_accuracy": round(service_correct / max(1, len(service_rows)), 4),
        "service_type_spurious": spurious,
        "out_of_scope_recall": round(oos_recall, 4),
        "ood_to_task_rate": round(len(ood_routed) / max(1, len(ood_rows)), 4),
        "ood_predictions": dict(Counter(row["predicted"] for row in ood_rows).most_common()),
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 2),
            "p95": round(percentile(latencies, 95), 2),
            "n": len(latencies),
        },
        "errors": [row for row in dev_rows if row["intent"] != ("out_of_scope" if row["predicted"] == "nlu_fallback" else row["predicted"])],
        "service_errors": [row for row in service_rows if row["services"] != row["predicted_services"]],
        "ood_routed": ood_routed,
        "service_spurious": spurious_rows,
    }


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "# NLU benchmark",
        "",
        f"Model `{report['model']}`; {report['dev_examples']} held-out dev utterances "
        f"(`bench/nlu_dev.yml`), {report['ood_examples']} out-of-domain lines (`bench/nlu_ood.txt`).",
        "",
        "| metric | value | target |",
        "|---|---|---|",
        f"| intent macro-F1 (nlu_fallback scored as out_of_scope) | {report['macro_f1']:.3f} | ≥ 0.90 |",
        f"| intent macro-F1, strict (fallback always wrong) | {report['macro_f1_strict']:.3f} | |",
        f"| intent accuracy | {report['intent_accuracy']:.3f} | |",
        f"| service_type value accuracy ({report['service_type_examples']} utterances) | "
        f"{report['service_type_accuracy']:.3f} | ≥ 0.90 |",
        f"| spurious service_type on utterances without one | {report['service_type_spurious']} | |",
        f"| out-of-scope recall (dev) | {report['out_of_scope_recall']:.3f} | |",
        f"| OOD lines routed to a task intent | {report['ood_to_task_rate']:.3f} | ≤ 0.10 |",
        f"| parse latency p50 / p95 (in-process) | {report['latency_ms']['p50']:.1f} / "
        f"{report['latency_ms']['p95']:.1f} ms | |",
        "",
        "| intent | precision | recall | F1 | n |",
        "|---|---|---|---|---|",
    ]
    for name, row in report["per_intent"].items():
        lines.append(f"| {name} | {row['precision']:.2f} | {row['recall']:.2f} | {row['f1']:.2f} | {row['support']} |")
    lines += ["", "Fallback threshold sweep (re-deciding from the classifier's ranking):", "",
              "| threshold | macro-F1 | OOD→task |", "|---|---|---|"]
    for row in report["fallback_threshold_sweep"]:
        lines.append(f"| {row['threshold']} | {row['macro_f1']:.3f} | {row['ood_to_task_rate']:.3f} |")
    if report["errors"]:
        lines += ["", "## Misclassified dev utterances", "", "| text | gold | predicted | conf |", "|---|---|---|---|"]
        for row in report["errors"]:
            lines.append(f"| {row['text']} | {row['intent']} | {row['predicted']} | {row['confidence']:.2f} |")
    if report["service_errors"]:
        lines += ["", "## service_type errors", "", "| text | gold | predicted |", "|---|---|---|"]
        for row in report["service_errors"]:
            lines.append(f"| {row['text']} | {','.join(row['services'])} | {','.join(row['predicted_services']) or '-'} |")
    if report["service_spurious"]:
        lines += ["", "## service_type found where none was annotated", "", "| text | gold intent | predicted |", "|---|---|---|"]
        for row in report["service_spurious"]:
            lines.append(f"| {row['text']} | {row['intent']} | {','.join(row['predicted_services'])} |")
    if report["ood_routed"]:
        lines += ["", "## OOD lines routed to a task intent", "", "| text | predicted | conf |", "|---|---|---|"]
        for row in report["ood_routed"]:
            lines.append(f"| {row['text']} | {row['predicted']} | {row['confidence']:.2f} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, type=Path, help="trained model .tar.gz (or a directory of them)")
    parser.add_argument("--dev", type=Path, default=ROOT / "bench" / "nlu_dev.yml")
    parser.add_argument("--ood", type=Path, default=ROOT / "bench" / "nlu_ood.txt")
    parser.add_argument("--out-dir", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()

    model = args.model
    if model.is_dir():
        candidates = sorted(model.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
        if not candidates:
            print(f"no model (*.tar.gz) in {model}", file=sys.stderr)
            return 2
        model = candidates[-1]
    if not model.exists():
        print(f"model not found: {model}", file=sys.stderr)
        return 2

    logging.basicConfig(level=logging.WARNING)
    for noisy in ("rasa", "tensorflow", "absl", "jieba"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    import structlog

    # Rasa 3.6 logs every parse at debug level through structlog.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))

    report = asyncio.run(run(model, args.dev, args.ood))
    args.out_dir.mkdir(parents=True, exist_ok=True)
    (args.out_dir / "nlu.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    (args.out_dir / "nlu.md").write_text(markdown(report), encoding="utf-8")
    print(
        f"macro-F1 {report['macro_f1']:.3f} (strict {report['macro_f1_strict']:.3f})  "
        f"service_type {report['service_type_accuracy']:.3f}  "
        f"OOS recall {report['out_of_scope_recall']:.3f}  OOD->task {report['ood_to_task_rate']:.3f}  "
        f"p50 {report['latency_ms']['p50']:.1f} ms  p95 {report['latency_ms']['p95']:.1f} ms"
    )
    print(f"wrote {args.out_dir / 'nlu.json'} and {args.out_dir / 'nlu.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
