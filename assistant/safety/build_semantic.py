"""Measure the safety net's second opinions by leaving each fresh probe round out in
turn; or train the (not shipped) semantic layer and write ``data/semantic.json``.

    python -m assistant.safety.build_semantic               # write data/semantic.json
    python -m assistant.safety.build_semantic --evaluate    # the leave-one-probe-out table

The layer: a logistic regression on the project's own e5 sentence embeddings
(``assistant.embeddings``, "query: " + the normalised message), emergency or not.
Training data are those of ``build_model.py`` (the tuning set, the probe messages,
``nlu_data/nlu/*.yml``); ``bench/nlu_dev.yml`` stays held out.

The probe messages (``data/probes.jsonl``) were written in seven rounds, each
scored before the net was tuned on it; in the file each round is a block of
emergencies followed by its non-emergencies (``PROBE_BOUNDS``, line numbers).
``--evaluate`` trains every candidate on everything but round k, scores the whole
net (rules, then the candidate when no cue matched) on round k, and prints per-round
and pooled recall / false alarms. The cue lexicon was tuned on every round, so the
rules' own figures here are optimistic.

Needs scikit-learn and the embedding model (build time); deterministic. Measured
(docs/safety.md): the e5 layer added 1.1 recall points over the n-gram model at 0.8,
so it is not shipped and net.py does not read ``data/semantic.json``.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

from assistant.safety.build_model import ROOT, fit_char_model, training_rows
from assistant.safety.evaluate import load
from assistant.safety.normalise import normalise

DATA = Path(__file__).parent / "data"
SEMANTIC_JSON = DATA / "semantic.json"
PROBES = DATA / "probes.jsonl"
# [start, end) lines of data/probes.jsonl per probe round (emergencies, then non-emergencies).
PROBE_BOUNDS = ((0, 159), (159, 291), (291, 444), (444, 620), (620, 776), (776, 921), (921, 1036))
# The last commit whose lexicon had not been tuned on each round (its rules score 0.94, 0.75,
# 0.81, 0.73, 0.78, 0.74, 0.76 recall there, as docs/safety.md reports): ``--historical``
# scores round k with the rules as they were then, the honest "unseen phrasing" regime.
BEFORE_TUNING = ("721dea8", "d19ee6c", "d19ee6c", "fcc1e9b", "fbc61a3", "ab49bd2", "3e8c569")
C = 100.0  # C=1 underfits the unit-length e5 vectors (LOO recall 0.819 vs 0.881)
CHECKS = ("楼道里着火了", "想吃火锅", "我妈叫不醒", "电梯坏了什么时候修", "孩子不见了", "天然气费怎么交")


def labelled_sets() -> dict[str, list[dict]]:
    """name -> rows: ``dev``, ``probe1``..``probe7``, ``nlu`` (training files only)."""
    probes = load(PROBES)
    sets = {"dev": load(ROOT / "bench" / "emergency_dev.jsonl")}
    for i, (start, end) in enumerate(PROBE_BOUNDS, 1):
        sets[f"probe{i}"] = probes[start:end]
    assert PROBE_BOUNDS[-1][1] == len(probes), "data/probes.jsonl grew: extend PROBE_BOUNDS"
    sets["nlu"] = [r for path in sorted((ROOT / "nlu_data" / "nlu").glob("*.yml")) for r in load(path)]
    return sets


def embed(texts: list[str], embedder=None) -> np.ndarray:
    """e5 query vectors of normalised messages (L2-normalised float32)."""
    from assistant.embeddings import get_embedder

    embedder = embedder or get_embedder()
    return embedder.encode_queries([normalise(t) for t in texts], batch_size=64)


def fit_semantic(vectors: np.ndarray, labels: list[bool], c: float = C):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, class_weight="balanced", max_iter=5000).fit(vectors, labels)


def build(embedder=None) -> dict:
    rows = training_rows()
    vectors = embed([r["text"] for r in rows], embedder)
    labels = [bool(r["emergency"]) for r in rows]
    classifier = fit_semantic(vectors, labels)
    probabilities = classifier.predict_proba(embed(list(CHECKS), embedder))[:, 1]
    return {
        "about": "safety net semantic second opinion: logistic regression on e5 query embeddings "
                 "of the normalised message, see build_semantic.py",
        "prefix": "query: ",
        "dim": int(vectors.shape[1]),
        "trained_on": len(rows),
        "emergencies": sum(labels),
        "coef": [round(float(v), 6) for v in classifier.coef_[0]],
        "intercept": round(float(classifier.intercept_[0]), 6),
        "checks": [[text, round(float(p), 4)] for text, p in zip(CHECKS, probabilities)],
    }


# ---------------------------------------------------------------- leave one probe out


def _rule_status(texts: list[str]) -> list[str]:
    """'fired' | 'suppressed' | 'none' (no cue matched: the second opinion is asked)."""
    from assistant.safety import assess

    status = []
    for text in texts:
        verdict = assess(text, quiet=True)
        if verdict.emergency and not verdict.cues[0].startswith("model:"):
            status.append("fired")
        elif verdict.suppressed:
            status.append("suppressed")
        else:
            status.append("none")
    return status


_STATUS_SCRIPT = """
import json, logging, sys, structlog
structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.CRITICAL))
from assistant.safety import assess
out = []
for text in json.load(sys.stdin):
    v = assess(text)
    out.append("fired" if v.emergency and not v.cues[0].startswith("model:")
               else "suppressed" if v.suppressed else "none")
print(json.dumps(out))
"""


def _historical_status(commit: str, texts: list[str]) -> list[str]:
    """_rule_status with the rules of an earlier commit (git archive into a temp dir)."""
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "assistant"], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        done = subprocess.run([sys.executable, "-c", _STATUS_SCRIPT], input=json.dumps(texts), text=True,
                              capture_output=True, check=True, cwd=tmp, env={"PYTHONPATH": tmp, "PATH": "/usr/bin:/bin"})
    return json.loads(done.stdout)


def _rates(labels, fired) -> tuple[float, float, int, int, int, int]:
    pos = sum(labels)
    neg = len(labels) - pos
    tp = sum(f and y for f, y in zip(fired, labels))
    fp = sum(f and not y for f, y in zip(fired, labels))
    return tp / pos, fp / neg, tp, pos, fp, neg


def leave_one_out(embedder=None, cache: Path | None = None, historical: bool = False) -> None:
    import time

    sets = labelled_sets()
    names = list(sets)
    probe_names = [n for n in names if n.startswith("probe")]
    all_texts = sorted({r["text"] for rows in sets.values() for r in rows}
                       | {r["text"] for r in load(ROOT / "bench" / "nlu_dev.yml")})
    if cache is not None and cache.exists():
        stored = np.load(cache)
        index = {t: i for i, t in enumerate(stored["texts"].tolist())}
        vectors_all = stored["vecs"]
        vec = {t: vectors_all[index[normalise(t)]] for t in all_texts}
    else:
        started = time.perf_counter()
        vectors_all = embed(all_texts, embedder)
        print(f"embedded {len(all_texts)} texts in {time.perf_counter() - started:.0f} s")
        vec = dict(zip(all_texts, vectors_all))

    result: dict[str, dict] = {}
    print("rules:", "as they were before tuning on round k" if historical else "today's (tuned on every round)")
    for k in probe_names:
        train = [r for n in names if n != k for r in sets[n]]
        test = sets[k]
        y_train = [bool(r["emergency"]) for r in train]
        char = fit_char_model([r["text"] for r in train], y_train)
        sem = fit_semantic(np.stack([vec[r["text"]] for r in train]), y_train)
        texts = [r["text"] for r in test]
        result[k] = {
            "labels": [bool(r["emergency"]) for r in test],
            "status": (_historical_status(BEFORE_TUNING[probe_names.index(k)], texts) if historical
                       else _rule_status(texts)),
            "char": char(texts),
            "sem": sem.predict_proba(np.stack([vec[t] for t in texts]))[:, 1].tolist(),
        }
    # the current, shipped n-gram model (trained on every round: not held out)
    from assistant.safety import model

    for k in probe_names:
        result[k]["shipped"] = [model.probability(normalise(r["text"])) or 0.0 for r in sets[k]]

    def decide(k, rule, t_char=None, t_sem=None, t_sem_supp=None, key_char="char"):
        out = []
        for i, status in enumerate(result[k]["status"]):
            if status == "fired":
                out.append(True)
            elif status == "none":
                out.append((t_char is not None and result[k][key_char][i] >= t_char)
                           or (t_sem is not None and result[k]["sem"][i] >= t_sem))
            else:
                out.append(t_sem_supp is not None and result[k]["sem"][i] >= t_sem_supp)
        return out

    def pooled(**kw):
        labels, fired = [], []
        for k in probe_names:
            labels += result[k]["labels"]
            fired += decide(k, None, **kw)
        return _rates(labels, fired)

    base_recall, base_fa, *_ = pooled()
    grid = [round(x, 3) for x in np.concatenate([np.arange(0.3, 0.9, 0.05), np.arange(0.9, 1.0, 0.01), [0.995, 0.999]])]

    def best(candidates):
        ok = [(pooled(**kw), kw) for kw in candidates]
        ok = [(r, kw) for r, kw in ok if r[1] - base_fa <= 0.02 + 1e-9]
        return max(ok, key=lambda x: (x[0][0], -x[0][1]))[1]

    configs = {
        "rules alone": {},
        "rules + shipped char model @0.90 (trained on all rounds)": {"t_char": 0.9, "key_char": "shipped"},
        "rules + char model @0.90 (LOO)": {"t_char": 0.9},
    }
    configs["(a) rules + char model, retuned (LOO)"] = best([{"t_char": t} for t in grid])
    configs["(b) rules + e5 LR (LOO)"] = best([{"t_sem": t} for t in grid])
    configs["(c) rules + char or e5 (LOO)"] = best([{"t_char": a, "t_sem": b} for a in grid for b in grid])
    configs["(d) (b) + e5 also over suppressed cues"] = best(
        [{**configs["(b) rules + e5 LR (LOO)"], "t_sem_supp": t} for t in grid])
    header = "| configuration | thresholds | " + " | ".join(probe_names) + " | pooled recall | pooled FA |"
    print(header)
    print("|" + "---|" * (len(probe_names) + 4))
    for title, kw in configs.items():
        cells = []
        for k in probe_names:
            r, fa, *_ = _rates(result[k]["labels"], decide(k, None, **kw))
            cells.append(f"{r:.2f} / {fa:.2f}")
        r, fa, tp, pos, fp, neg = pooled(**kw)
        shown = {key: v for key, v in kw.items() if key != "key_char"}
        print(f"| {title} | {shown} | " + " | ".join(cells) + f" | {r:.3f} ({tp}/{pos}) | {fa:.3f} ({fp}/{neg}) |")
    print(f"\nrules alone pooled: recall {base_recall:.3f}, false alarms {base_fa:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--evaluate", action="store_true", help="leave-one-probe-out table, writes nothing")
    parser.add_argument("--historical", action="store_true",
                        help="score round k with the rules of the commit before they were tuned on it")
    parser.add_argument("--cache", type=Path, help="npz of texts/vecs (normalised texts) to skip encoding")
    args = parser.parse_args()
    if args.evaluate:
        leave_one_out(cache=args.cache, historical=args.historical)
        return
    model = build()
    assert all(math.isfinite(v) for v in model["coef"])
    SEMANTIC_JSON.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {SEMANTIC_JSON}: trained on {model['trained_on']} messages ({model['emergencies']} emergencies); "
          f"checks {model['checks']}")


if __name__ == "__main__":
    main()
