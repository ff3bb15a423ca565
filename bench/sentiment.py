"""Benchmark of sentiment, urgency and complaint categories.

    .venv/bin/python bench/sentiment.py

Writes bench/results/sentiment.json and bench/results/sentiment.md with:
- the leave-one-category-out accuracy stored in the model by bench/train_sentiment.py
  (product reviews: train on 8 categories, test on the 9th);
- accuracy on bench/sentiment_service_dev.jsonl (hand-written delivery, hotel and
  community-service reviews, none used for training), for the shipped model and for
  the lexicon alone;
- complaint category accuracy on bench/complaints_dev.jsonl (held out from
  assistant/tickets/data/complaints_train.jsonl);
- model size, load time and latency per text.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.tickets import classify, sentiment  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def service_accuracy(rows: list[dict]) -> dict:
    polar = [r for r in rows if r["label"] != "neutral"]
    neutral = [r for r in rows if r["label"] == "neutral"]
    scored = sentiment.score_sentiment_batch([r["text"] for r in rows])
    by_text = {r["text"]: s for r, s in zip(rows, scored)}
    label_ok = [by_text[r["text"]].label == r["label"] for r in polar]
    sign_ok = [(by_text[r["text"]].score > 0) == (r["label"] == "positive") for r in polar]
    per_domain: dict[str, list[bool]] = defaultdict(list)
    for r, ok in zip(polar, label_ok):
        per_domain[r.get("domain", "?")].append(ok)
    errors = [{"text": r["text"], "gold": r["label"], "label": by_text[r["text"]].label,
               "score": by_text[r["text"]].score} for r, ok in zip(polar, label_ok) if not ok]
    return {
        "n_polar": len(polar),
        "accuracy_label": round(sum(label_ok) / len(polar), 4),  # neutral counts as wrong
        "accuracy_sign": round(sum(sign_ok) / len(polar), 4),
        "per_domain": {d: round(sum(v) / len(v), 4) for d, v in sorted(per_domain.items())},
        "n_neutral": len(neutral),
        "neutral_labelled_neutral": round(
            sum(by_text[r["text"]].label == "neutral" for r in neutral) / max(1, len(neutral)), 4),
        "errors": errors,
    }


def main() -> None:
    started = time.perf_counter()
    model = sentiment.load_model()
    load_seconds = time.perf_counter() - started
    assert model is not None, f"model missing: {sentiment.MODEL_PATH}"

    service_rows = read_jsonl(ROOT / "bench" / "sentiment_service_dev.jsonl")
    with_model = service_accuracy(service_rows)
    # The lexicon alone, for comparison (what the project falls back to without the file).
    sentiment.load_model.cache_clear()
    original = sentiment.MODEL_PATH
    sentiment.MODEL_PATH = ROOT / "does-not-exist.joblib"
    lexicon_only = service_accuracy(service_rows)
    sentiment.MODEL_PATH = original
    sentiment.load_model.cache_clear()
    sentiment.load_model()

    texts = [r["text"] for r in service_rows]
    latencies = []
    for text in texts * 3:
        t0 = time.perf_counter()
        sentiment.assess_urgency(text, sentiment.score_sentiment(text))
        latencies.append((time.perf_counter() - t0) * 1000)
    t0 = time.perf_counter()
    sentiment.score_sentiment_batch(texts * 5)
    batch_ms = (time.perf_counter() - t0) * 1000 / (len(texts) * 5)

    complaints = read_jsonl(ROOT / "bench" / "complaints_dev.jsonl")
    t0 = time.perf_counter()
    classify.classify_category("预热")  # fits the small classifier once
    classify_fit_seconds = time.perf_counter() - t0
    predictions = [classify.classify_category(r["text"]).category for r in complaints]
    per_category: dict[str, list[bool]] = defaultdict(list)
    for r, p in zip(complaints, predictions):
        per_category[r["category"]].append(p == r["category"])
    confusions = Counter((r["category"], p) for r, p in zip(complaints, predictions) if p != r["category"])

    meta = model.meta
    results = {
        "model": {
            "path": str(sentiment.MODEL_PATH.relative_to(ROOT)),
            "size_mb": round(sentiment.MODEL_PATH.stat().st_size / 1e6, 2),
            "n_weights": int(len(model.coef)), "method": meta.get("method"),
            "load_seconds": round(load_seconds, 3),
        },
        # label: the run-time label, neutral counted as wrong; sign: the score's sign only.
        "leave_one_category_out": meta.get("leave_one_category_out"),
        "leave_one_category_out_mean": meta.get("leave_one_category_out_mean"),
        "leave_one_category_out_sign": meta.get("leave_one_category_out_sign"),
        "leave_one_category_out_sign_mean": meta.get("leave_one_category_out_sign_mean"),
        "service_dev": with_model,
        "service_dev_lexicon_only": {k: v for k, v in lexicon_only.items() if k != "errors"},
        "latency_ms_per_text": {"p50": round(statistics.median(latencies), 3),
                                "p95": round(sorted(latencies)[int(0.95 * len(latencies))], 3),
                                "batched": round(batch_ms, 3)},
        "complaint_category": {
            "n": len(complaints),
            "accuracy": round(sum(p == r["category"] for r, p in zip(complaints, predictions))
                              / len(complaints), 4),
            "per_category": {c: round(sum(v) / len(v), 4) for c, v in per_category.items()},
            "confusions": [{"gold": g, "predicted": p, "n": n} for (g, p), n in confusions.most_common()],
            "fit_seconds": round(classify_fit_seconds, 3),
        },
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "sentiment.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n",
                                            encoding="utf-8")

    loco = results["leave_one_category_out"] or {}
    lines = [
        "# Sentiment, urgency and complaint categories",
        "",
        "Produced by `.venv/bin/python bench/sentiment.py`.",
        "",
        f"Model: `{results['model']['path']}`, {results['model']['size_mb']} MB, "
        f"{results['model']['n_weights']} weights ({results['model']['method']}), "
        f"loads in {results['model']['load_seconds']} s.",
        "",
        "## Sentiment",
        "",
        "Label accuracy counts a `neutral` answer as wrong; sign accuracy only asks whether",
        "the score leans the right way.",
        "",
        "| evaluation | label accuracy | sign accuracy |",
        "| --- | --- | --- |",
        f"| leave-one-category-out, mean of {len(loco)} product categories | "
        f"{results['leave_one_category_out_mean']} | {results['leave_one_category_out_sign_mean']} |",
    ]
    loco_sign = results["leave_one_category_out_sign"] or {}
    lines += [f"| &nbsp;&nbsp;held-out category {c} | {a} | {loco_sign.get(c, '-')} |" for c, a in loco.items()]
    lines += [
        f"| service dev set ({with_model['n_polar']} delivery/hotel/community reviews) | "
        f"{with_model['accuracy_label']} | {with_model['accuracy_sign']} |",
        f"| service dev set, lexicon alone (no model file) | {lexicon_only['accuracy_label']} | "
        f"{lexicon_only['accuracy_sign']} |",
        f"| neutral requests labelled neutral ({with_model['n_neutral']}) | "
        f"{with_model['neutral_labelled_neutral']} | - |",
        "",
        f"Latency per text (sentiment + urgency): p50 {results['latency_ms_per_text']['p50']} ms, "
        f"p95 {results['latency_ms_per_text']['p95']} ms; "
        f"batched {results['latency_ms_per_text']['batched']} ms.",
        "",
        "## Complaint categories",
        "",
        f"Accuracy on {len(complaints)} held-out complaints (`bench/complaints_dev.jsonl`): "
        f"**{results['complaint_category']['accuracy']}**.",
        "",
        "| category | accuracy |",
        "| --- | --- |",
    ]
    lines += [f"| {c} | {a} |" for c, a in results["complaint_category"]["per_category"].items()]
    lines += ["", "Caveat: both dev sets were written by the same engineer who wrote the lexicons; "
              "real residents' wording will be harder.", ""]
    (RESULTS / "sentiment.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
