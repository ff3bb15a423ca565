"""Offline experiment (issue #10, rounds 17 and 20): does a linear intent classifier voting
with DIET read unseen wordings better than DIET alone, and with which fallback?

Run with the Rasa venv (Python 3.10), naming every set explicitly (round 20's run):

    PYTHONPATH=. .venv-rasa/bin/python bench/intent_vote.py --model /tmp/m20.tar.gz \\
        --tune blind13=bench/nlu_blind13.yml --tune blind14=bench/nlu_blind14.yml \\
        --tune blind15=bench/nlu_blind15.yml --check blind16=bench/nlu_blind16.yml \\
        --check blind17=bench/nlu_blind17.yml --check dev=bench/nlu_dev.yml \\
        --C 300,1000,3000 --class-weights balanced --weights 0.2,0.3,0.4,0.5,0.6 \\
        --temperatures 1,0.5,0.3,0.2,0.1 --thresholds 0.3,0.4,0.45,0.5,0.55 \\
        --ambiguities 0,0.03,0.05,0.1

What it does:

- trains ``nlu_components.linear_intent.LinearIntentModel`` (TF-IDF character 1-4-grams
  + jieba word uni/bigrams with the project dictionary -> logistic regression) on the
  Rasa training data (``--training-data``, read with Rasa's own loader), for every C and
  class weight asked (fitted models are cached as JSON/.npy in ``--linear-cache``);
- takes DIET's intent ranking for each evaluation line and each ``--ood`` line from the
  trained model (``--model``, loaded in-process like ``bench/nlu.py``; cached in
  ``--rankings``): the classifier's own ranking without ``nlu_fallback`` — DIET's
  (``intent_ranking_diet``) when the model already votes;
- decides DIET alone (w = 1), the linear model alone (w = 0) and the vote
  ``p = w * p_DIET + (1 - w) * sharpen(p_linear, T)`` for every w and temperature T, each
  followed by a fallback rule (every threshold and ambiguity asked -> ``nlu_fallback``,
  scored as ``out_of_scope`` as ``bench/nlu.py`` does);
- scores only the lines of each set that are NOT word for word in the training data
  (``bench/nlu.py``'s normalisation), with ``bench/nlu.py``'s scoring: macro-F1,
  out_of_scope precision, out_of_scope lines routed to a task intent, per-intent F1; and
  on ``--ood`` the share routed to a task intent; and the share of lines read at
  confidence >= 0.7 (the dialogue's level for believing an intent inside a form);
- chooses the setting on the ``--tune`` sets (mean macro-F1) among those that keep
  out_of_scope precision (``--oos-slack``), other-domain routing (``--max-ood-to-task``)
  and the confidence scale (``--sure-slack``), and reports the ``--check`` sets with it.

Every set named here must be a tuned set: lines of the sets are written to no file
(only figures and per-intent tables). Results: ``bench/results/intent_vote.{md,json}``.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import importlib.util
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
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from nlu_components.linear_intent import LinearIntentModel, fallback, sharpen, vote  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_nlu", ROOT / "bench" / "nlu.py")
bench_nlu = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_nlu)

DEFAULT_WEIGHTS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def parse_named(values: list[str]) -> list[tuple[str, Path]]:
    out = []
    for value in values:
        name, sep, path = value.partition("=")
        if not sep:
            raise SystemExit(f"want NAME=PATH: {value!r}")
        if "blind18" in path:
            raise SystemExit("set 18 is blind this round: it is never read")
        out.append((name, ROOT / path if not Path(path).is_absolute() else Path(path)))
    return out


def load_training(directory: Path) -> tuple[list[str], list[str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(directory))
    examples = [m for m in data.intent_examples if (m.get("text") or "").strip() and m.get("intent")]
    return [m.get("text") for m in examples], [m.get("intent") for m in examples]


def load_jieba(dictionary: Path) -> None:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    for path in sorted(dictionary.glob("*")):
        jieba.load_userdict(str(path))


def tokens_of(texts: list[str]) -> list[list[str]]:
    from nlu_components.linear_intent import jieba_tokens

    return [jieba_tokens(t) for t in texts]


def model_key(model: Path) -> str:
    stat = model.stat()
    return hashlib.sha1(f"{model.resolve()}|{stat.st_size}|{stat.st_mtime}".encode()).hexdigest()


async def diet_rankings(model: Path, texts: list[str]) -> dict[str, Any]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    out = {}
    for text in texts:
        result = await agent.parse_message(text)
        # A model that already votes keeps DIET's own ranking beside the vote's.
        own = result.get("intent_ranking_diet") or result.get("intent_ranking", [])
        ranking = [{"name": r["name"], "confidence": float(r["confidence"])}
                   for r in own if r["name"] != "nlu_fallback"]
        out[text] = {"ranking": ranking, "served": result["intent"]["name"]}
    return out


def cached_rankings(model: Path, texts: list[str], cache: Path) -> dict[str, Any]:
    key = model_key(model)
    stored: dict[str, Any] = {}
    if cache.exists():
        payload = json.loads(cache.read_text(encoding="utf-8"))
        if payload.get("model_key") == key:
            stored = payload["rankings"]
    missing = [t for t in dict.fromkeys(texts) if t not in stored]
    if missing:
        started = time.perf_counter()
        stored.update(asyncio.run(diet_rankings(model, missing)))
        print(f"DIET rankings of {len(missing)} lines in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps({"model_key": key, "model": str(model), "rankings": stored},
                                    ensure_ascii=False), encoding="utf-8")
    return stored


def linear_rankings(c: float, cw: str, train_texts: list[str], train_tokens: list[list[str]],
                    train_labels: list[str], texts: list[str], tokens: dict[str, list[str]],
                    cache_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """The linear model's ranking of every text. The model is fitted once per (C, class
    weight, training data) and kept in ``cache_dir`` as ``LinearIntentModel.save`` writes
    it (JSON and .npy; the fit takes minutes on the shared cores), so new texts only
    cost a transform."""
    unique = list(dict.fromkeys(texts))
    digest = hashlib.sha1(json.dumps([c, cw, train_texts, train_labels], ensure_ascii=False)
                          .encode("utf-8")).hexdigest()[:16]
    directory = cache_dir / f"linear_model_{digest}"
    if (directory / "linear_intent.json").exists():
        model = LinearIntentModel.load(directory)
    else:
        started = time.perf_counter()
        model = LinearIntentModel(c=c, class_weight=None if cw == "none" else cw)
        model.fit(train_texts, train_tokens, train_labels)
        print(f"C={c:g} class_weight={cw}: fitted in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        directory.mkdir(parents=True, exist_ok=True)
        model.save(directory)
    probs = model.predict_proba(unique, [tokens[t] for t in unique])
    linear = {}
    for text, row in zip(unique, probs):
        order = row.argsort()[::-1]
        linear[text] = [{"name": model.classes[i], "confidence": float(row[i])} for i in order]
    return linear


def score(rows: list[dict[str, Any]], predicted: list[str]) -> dict[str, Any]:
    scored = bench_nlu.score_intents([{**row, "predicted": p, "services": [], "predicted_services": []}
                                      for row, p in zip(rows, predicted)])
    return {k: scored[k] for k in ("examples", "macro_f1", "intent_accuracy", "out_of_scope_precision",
                                   "out_of_scope_recall", "out_of_scope_to_task_rate", "per_intent", "confusions")}


def quick_score(gold: list[str], labels: list[str], predicted: list[str]) -> tuple[float, float, float]:
    """(macro-F1, out_of_scope precision, out_of_scope lines routed to a task intent) with
    ``bench/nlu.py``'s definitions (nlu_fallback counts as out_of_scope), without its
    tables: the grid scores thousands of settings. ``main`` checks it agrees with
    ``score`` on the settings it reports."""
    pred = [bench_nlu.lenient(p) for p in predicted]
    tp: Counter = Counter()
    fp: Counter = Counter()
    fn: Counter = Counter()
    for g, p in zip(gold, pred):
        if g == p:
            tp[g] += 1
        else:
            fp[p] += 1
            fn[g] += 1
    f1s = []
    for label in labels:
        precision = tp[label] / (tp[label] + fp[label]) if tp[label] + fp[label] else 0.0
        recall = tp[label] / (tp[label] + fn[label]) if tp[label] + fn[label] else 0.0
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    oos_pred = tp["out_of_scope"] + fp["out_of_scope"]
    oos_gold = [p for g, p in zip(gold, predicted) if g == "out_of_scope"]
    to_task = sum(p in bench_nlu.TASK_INTENTS for p in oos_gold) / max(1, len(oos_gold))
    return statistics.mean(f1s), tp["out_of_scope"] / max(1, oos_pred), to_task


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, help="the served model (.tar.gz) whose DIET votes")
    parser.add_argument("--training-data", type=Path, default=ROOT / "nlu_data" / "nlu",
                        help="the NLU training data that model was trained on")
    parser.add_argument("--jieba-dict", type=Path, default=ROOT / "nlu_data" / "jieba")
    parser.add_argument("--tune", action="append", default=[], metavar="NAME=PATH", help="a tuned set to choose on")
    parser.add_argument("--check", action="append", default=[], metavar="NAME=PATH", help="a tuned set to report")
    parser.add_argument("--ood", type=Path, default=ROOT / "bench" / "nlu_ood.txt",
                        help="other-domain lines, one a line: the share routed to a task intent is bounded")
    parser.add_argument("--weights", default=",".join(map(str, DEFAULT_WEIGHTS)))
    parser.add_argument("--C", dest="cs", default="1,3,10,30")
    parser.add_argument("--class-weights", default="none,balanced")
    parser.add_argument("--temperatures", default="1",
                        help="linear temperatures T (its probabilities enter the vote as p ** (1/T))")
    parser.add_argument("--threshold", type=float, default=0.55, help="the served fallback threshold")
    parser.add_argument("--ambiguity", type=float, default=0.1, help="the served fallback ambiguity")
    parser.add_argument("--thresholds", default=None,
                        help="fallback thresholds tried for every setting (default: --threshold only)")
    parser.add_argument("--ambiguities", default=None,
                        help="fallback ambiguity thresholds tried (default: --ambiguity only)")
    parser.add_argument("--oos-slack", type=float, default=0.02,
                        help="the vote's mean out_of_scope precision on the tune sets may fall this much "
                             "below DIET's as served")
    parser.add_argument("--sure-slack", type=float, default=0.03,
                        help="the share of lines read at confidence >= 0.7 may fall this much below DIET's")
    parser.add_argument("--max-ood-to-task", type=float, default=0.10,
                        help="bound on the share of --ood lines routed to a task intent (or DIET's, if higher)")
    parser.add_argument("--rankings", type=Path, default=Path("/tmp/intent_vote/diet_rankings.json"),
                        help="cache of DIET's rankings (keyed by the model file)")
    parser.add_argument("--linear-cache", type=Path, default=Path("/tmp/intent_vote"),
                        help="directory of fitted linear models (keyed by C, class weight and data)")
    parser.add_argument("--linear-only", action="store_true",
                        help="only fit the linear models (no DIET model needed)")
    parser.add_argument("--out-dir", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--name", default="intent_vote")
    args = parser.parse_args()
    if not args.tune:
        raise SystemExit("name the tuned sets to choose on with --tune NAME=PATH")
    if args.model is None and not args.linear_only:
        raise SystemExit("--model is needed (DIET's rankings), unless --linear-only")

    logging.basicConfig(level=logging.WARNING)
    for noisy in ("rasa", "tensorflow", "absl", "jieba"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))

    load_jieba(args.jieba_dict)
    train_texts, train_labels = load_training(args.training_data)
    train_tokens = tokens_of(train_texts)
    seen = {bench_nlu._normalise(t) for t in train_texts}

    sets: dict[str, dict[str, Any]] = {}
    for role, given in (("tune", parse_named(args.tune)), ("check", parse_named(args.check))):
        for name, path in given:
            rows = bench_nlu.load_dev(path)
            unseen = [r for r in rows if bench_nlu._normalise(r["text"]) not in seen]
            sets[name] = {"role": role, "path": str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path),
                          "lines": len(rows), "rows": unseen}
    ood = [line.strip() for line in args.ood.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [r["text"] for s in sets.values() for r in s["rows"]] + ood
    unique = list(dict.fromkeys(texts))
    tokens = dict(zip(unique, tokens_of(unique)))
    cs = [float(x) for x in args.cs.split(",")]
    cws = args.class_weights.split(",")
    if args.linear_only:
        for c in cs:
            for cw in cws:
                linear_rankings(c, cw, train_texts, train_tokens, train_labels, unique, tokens, args.linear_cache)
        return 0
    rankings = cached_rankings(args.model, unique, args.rankings)

    thresholds = [float(x) for x in (args.thresholds or str(args.threshold)).split(",")]
    ambiguities = [float(x) for x in (args.ambiguities or str(args.ambiguity)).split(",")]
    temperatures = [float(x) for x in args.temperatures.split(",")]
    weights = [float(w) for w in args.weights.split(",")]
    gold = {n: [r["intent"] for r in s["rows"]] for n, s in sets.items()}
    labels = {n: sorted(set(g)) for n, g in gold.items()}
    tune_names = [n for n, s in sets.items() if s["role"] == "tune"]

    def evaluate(ranked: dict[str, list[dict[str, Any]]], threshold: float, ambiguity: float) -> dict[str, Any]:
        decided = {t: fallback(ranked[t], threshold, ambiguity) for t in unique}
        row: dict[str, Any] = {}
        for name, s in sets.items():
            f1, oos_p, to_task = quick_score(gold[name], labels[name], [decided[r["text"]] for r in s["rows"]])
            row[f"{name}_macro_f1"], row[f"{name}_oos_precision"], row[f"{name}_oos_to_task"] = f1, oos_p, to_task
        row["tune_macro_f1"] = statistics.mean(row[f"{n}_macro_f1"] for n in tune_names)
        row["tune_oos_precision"] = statistics.mean(row[f"{n}_oos_precision"] for n in tune_names)
        row["ood_to_task"] = sum(decided[t] in bench_nlu.TASK_INTENTS for t in ood) / max(1, len(ood))
        # The dialogue believes an intent over a form's answer only at 0.7 (assistant/form_turns.py):
        # the share of set lines whose top confidence reaches it shows whether the scale moved.
        set_texts = [r["text"] for s in sets.values() for r in s["rows"]]
        row["sure_share"] = sum(float(ranked[t][0]["confidence"]) >= 0.7 for t in set_texts) / max(1, len(set_texts))
        return row

    diet = {t: rankings[t]["ranking"] for t in unique}
    # DIET alone as served, decided here from its ranking, against what the served model said.
    sanity = {name: f"{sum(fallback(diet[r['text']], args.threshold, args.ambiguity) == rankings[r['text']]['served'] for r in s['rows'])}/{len(s['rows'])}"
              for name, s in sets.items()}
    grid = []
    for threshold in thresholds:
        for ambiguity in ambiguities:
            grid.append({"C": None, "class_weight": None, "T": None, "w": 1.0, "threshold": threshold,
                         "ambiguity": ambiguity, **evaluate(diet, threshold, ambiguity)})
    served = {"C": None, "class_weight": None, "T": None, "w": 1.0, "threshold": args.threshold,
              "ambiguity": args.ambiguity, **evaluate(diet, args.threshold, args.ambiguity)}
    linear_by_c = {}
    for c in cs:
        for cw in cws:
            linear = linear_rankings(c, cw, train_texts, train_tokens, train_labels, unique, tokens, args.linear_cache)
            linear_by_c[(c, cw)] = linear
            for temperature in temperatures:
                sharp = {t: sharpen(linear[t], temperature) for t in unique}
                for w in [0.0, *weights]:
                    ranked = sharp if w == 0.0 else {t: vote(diet[t], sharp[t], w) for t in unique}
                    for threshold in thresholds:
                        for ambiguity in ambiguities:
                            grid.append({"C": c, "class_weight": cw, "T": temperature, "w": w,
                                         "threshold": threshold, "ambiguity": ambiguity,
                                         **evaluate(ranked, threshold, ambiguity)})
    print(f"{len(grid)} settings scored", file=sys.stderr)

    # The vote may not buy macro-F1 with out_of_scope precision (within --oos-slack of
    # DIET's as served, mean of the tune sets) nor route more other-domain lines to a
    # task intent than the bound (or DIET's as served, if that is higher).
    ood_bound = max(args.max_ood_to_task, served["ood_to_task"])

    # Nor move the confidence scale the dialogue reads (sure share within --sure-slack of DIET's).
    def allowed(g: dict[str, Any]) -> bool:
        return (g["tune_oos_precision"] >= served["tune_oos_precision"] - args.oos_slack
                and g["ood_to_task"] <= ood_bound and g["sure_share"] >= served["sure_share"] - args.sure_slack)

    def best_of(rows: list[dict[str, Any]]) -> dict[str, Any]:
        return max([g for g in rows if allowed(g)] or rows,
                   key=lambda g: (round(g["tune_macro_f1"], 4), -abs(g["threshold"] - args.threshold)))

    chosen = best_of([g for g in grid if 0.0 < g["w"] < 1.0])
    diet_refit = best_of([g for g in grid if g["w"] == 1.0])
    linear_best = best_of([g for g in grid if g["w"] == 0.0])

    def full(g: dict[str, Any]) -> dict[str, Any]:
        if g["w"] == 1.0:
            ranked = diet
        else:
            sharp = {t: sharpen(linear_by_c[(g["C"], g["class_weight"])][t], g["T"]) for t in unique}
            ranked = sharp if g["w"] == 0.0 else {t: vote(diet[t], sharp[t], g["w"]) for t in unique}
        out = {}
        for name, s in sets.items():
            out[name] = score(s["rows"], [fallback(ranked[r["text"]], g["threshold"], g["ambiguity"]) for r in s["rows"]])
            assert abs(out[name]["macro_f1"] - round(g[f"{name}_macro_f1"], 4)) < 1e-3, (name, g)
        return out

    settings = {"diet_served": served, "diet_refit": diet_refit, "linear": linear_best, "vote": chosen}
    report = {
        "model": str(args.model),
        "training_data": str(args.training_data),
        "training_lines": len(train_texts),
        "served_fallback": {"threshold": args.threshold, "ambiguity": args.ambiguity},
        "ood": {"path": str(args.ood), "lines": len(ood), "bound": ood_bound},
        "oos_slack": args.oos_slack,
        "sure_slack": args.sure_slack,
        "sets": {n: {k: v for k, v in s.items() if k != "rows"} | {"unseen": len(s["rows"])}
                 for n, s in sets.items()},
        "diet_decided_here_equals_served": sanity,
        "settings": {k: {kk: vv for kk, vv in g.items() if kk in ("C", "class_weight", "T", "w", "threshold",
                                                                    "ambiguity", "ood_to_task", "sure_share")}
                     for k, g in settings.items()},
        "scores": {k: full(g) for k, g in settings.items()},
        # The 200 best settings by the tune sets' mean macro-F1 and every DIET-alone row (the
        # whole grid is thousands of rows), figures rounded to 4 places.
        "grid": [{k: round(v, 4) if isinstance(v, float) else v for k, v in g.items()}
                 for i, g in enumerate(sorted(grid, key=lambda g: -g["tune_macro_f1"]))
                 if i < 200 or g["w"] == 1.0],
    }
    args.out_dir.mkdir(parents=True, exist_ok=True)
    (args.out_dir / f"{args.name}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    (args.out_dir / f"{args.name}.md").write_text(markdown(report), encoding="utf-8")
    for key, g in settings.items():
        print(key, {k: g[k] for k in ("C", "class_weight", "T", "w", "threshold", "ambiguity")},
              " ".join(f"{n} {report['scores'][key][n]['macro_f1']:.3f}/{report['scores'][key][n]['out_of_scope_precision']:.3f}"
                       for n in sets), f"ood->task {g['ood_to_task']:.3f}")
    return 0


def _setting(g: dict[str, Any]) -> str:
    if g["w"] == 1.0:
        head = "DIET alone"
    elif g["w"] == 0.0:
        head = f"linear alone (C {g['C']:g}, {g['class_weight']}, T {g['T']:g})"
    else:
        head = f"vote (C {g['C']:g}, {g['class_weight']}, T {g['T']:g}, w {g['w']:g})"
    return f"{head}, fallback {g['threshold']:g} / {g['ambiguity']:g}"


def markdown(report: dict[str, Any]) -> str:
    names = list(report["sets"])
    labels = {"diet_served": "DIET as served", "diet_refit": "DIET, fallback re-fit",
              "linear": "linear alone", "vote": "vote (chosen)"}
    lines = [
        "# Intent vote: DIET + a linear classifier (bench/intent_vote.py)",
        "",
        f"Model (DIET's rankings): `{report['model']}`; linear model trained on `{report['training_data']}` "
        f"({report['training_lines']} lines). Only lines NOT word for word in the training data are scored; "
        "nlu_fallback is scored as out_of_scope. All sets are tuned. Every setting is chosen on the tune sets "
        "(best mean macro-F1) among those whose mean out_of_scope precision there stays within "
        f"{report['oos_slack']} of DIET's as served, whose sure share (below) stays within {report['sure_slack']} of "
        f"DIET's, and that route at most {report['ood']['bound']:.3f} of the "
        f"{report['ood']['lines']} other-domain lines (`{report['ood']['path'].split('/')[-1]}`) to a task intent.",
        "",
        "Sure share: the share of the sets' lines whose top confidence is at least 0.7, the level at which "
        "the dialogue believes an intent over a form's answer (`assistant/form_turns.py`).",
        "",
        "| reading | setting | OOD → task | sure share | " + " | ".join(
            f"{n} ({report['sets'][n]['role']}, {report['sets'][n]['unseen']}) F1 / OOS P / OOS→task" for n in names) + " |",
        "|---|---|---|---|" + "---|" * len(names),
    ]
    for key, g in report["settings"].items():
        scores = report["scores"][key]
        lines.append(f"| {labels[key]} | {_setting(g)} | {g['ood_to_task']:.3f} | {g['sure_share']:.3f} | " + " | ".join(
            f"{scores[n]['macro_f1']:.3f} / {scores[n]['out_of_scope_precision']:.3f} / "
            f"{scores[n]['out_of_scope_to_task_rate']:.3f}" for n in names) + " |")
    lines += ["", "DIET as served, decided here from its ranking, agrees with the served model's intent on: "
              + ", ".join(f"{n} {a}" for n, a in report["diet_decided_here_equals_served"].items()), ""]
    for name in names:
        d, v = report["scores"]["diet_served"][name]["per_intent"], report["scores"]["vote"][name]["per_intent"]
        lines += [f"## {name}: per-intent F1 (unseen lines)", "", "| intent | support | DIET as served | vote |",
                  "|---|---|---|---|"]
        for intent in sorted(d):
            lines.append(f"| {intent} | {d[intent]['support']} | {d[intent]['f1']:.3f} | {v[intent]['f1']:.3f} |")
        lines.append("")
    lines += ["## Grid: the 40 best settings by mean macro-F1 on the tune sets (all in the .json)", "",
              "| setting | tune F1 / OOS P | OOD → task | sure share | " + " | ".join(f"{n} F1 / OOS P" for n in names)
              + " |", "|---|---|---|---|" + "---|" * len(names)]
    for g in report["grid"][:40]:
        lines.append(f"| {_setting(g)} | {g['tune_macro_f1']:.3f} / {g['tune_oos_precision']:.3f} | "
                     f"{g['ood_to_task']:.3f} | {g['sure_share']:.3f} | "
                     + " | ".join(f"{g[f'{n}_macro_f1']:.3f} / {g[f'{n}_oos_precision']:.3f}" for n in names) + " |")
    return "\n".join(lines) + "\n"

if __name__ == "__main__":
    sys.exit(main())
