"""Train the safety net's second opinion and write ``data/model.json``.

    python -m assistant.safety.build_model

A logistic regression on character 1–3-grams (TF-IDF, sublinear) of the
normalised message: emergency or not. It is consulted only when the cue lexicon
found no cue at all (see ``model.py``), to catch phrasings the lexicon has never
seen. Training data, all of it labelled:

- ``bench/emergency_dev.jsonl`` (the tuning set);
- ``bench/emergency_blind.jsonl``: written blind, measured once on 2026-12-05 (net
  0.922 / 4.2 % false alarms, bench/results/nlu.md), then made training data;
- ``bench/emergency_blind3.jsonl``: written blind, measured once on 2026-12-05 (butler
  vote 0.991 / 9.7 %, net 0.958 / 4.5 %), then made training data in the third round;
- ``bench/emergency_blind4.jsonl``: written blind, measured once at the third round's end
  (butler 0.976 / 8.9 %), then made training data in the fourth round;
- ``bench/emergency_blind5.jsonl``: written blind, measured once at the fourth round's end
  (butler 0.907 / 5.8 %), then made training data in the fifth round;
- ``bench/emergency_blind6.jsonl``: written blind, measured once at the fifth round's end
  (butler 0.958 / 8.3 %), then made training data in the sixth round;
- ``bench/emergency_blind7.jsonl``: written blind, measured once at the sixth round's end
  (butler 0.978 / 4.8 %, net 0.958 / 3.1 %), then made training data in the seventh round;
- ``bench/emergency_blind8.jsonl``: written blind, measured once at the seventh round's
  end (butler 0.966 / 4.8 %, net 0.938 / 3.6 %), then made training data in the eighth round;
  there is no newer blind set (the owner's hidden set judges);
- ``bench/emergency_dev9.jsonl``: a development set written in the ninth round (issue #10) in
  the registers earlier rounds missed most (indirect, third party, dialects, run-on speech,
  complaints and bookings; look-alikes that are over, asked about, drills, media, idioms);
  measured once before the round's rule changes (net 0.957 / 7.2 %), then tuned on;
- ``bench/emergency_blind9.jsonl``: written blind, measured once at the ninth round's end
  (butler 0.977 / 5.3 %, net 0.958 / 4.2 %), then made training data in the tenth round;
- ``bench/emergency_blind10.jsonl`` … ``emergency_blind13.jsonl``: each written blind and
  measured once at the end of rounds 10–13 (butler 0.972 / 6.7 %, 0.978 / 5.9 %, 0.963 /
  10.2 %, 0.975 / 7.7 %), then tuned on; added to the model's training data in round 14
  (until then the model had seen sets up to 9 only). Left out one at a time, they set the
  round-14 choices (``net.OVERRULE_SCORE``; 8,000 1–3-grams kept: 20,000 or 1–4-grams did
  no better out of sample);
- ``bench/emergency_blind14.jsonl``: written blind, measured once at round 14's end (butler
  0.979 / 4.6 %, net 0.974 / 3.8 %), then tuned on and added in round 15. Left out with set 12
  or 13 held out instead, adding it moved the net on set 13 from 0.974 / 3.3 % to 0.980 / 3.3 %
  and on set 12 from 1.000 / 1.3 % to 1.000 / 1.0 % (today's rules);
- ``bench/emergency_blind15.jsonl``: written blind, measured once at round 15's end (butler
  0.976 / 4.0 %, net 0.966 / 2.8 %), then tuned on and added in round 16. With set 12, 13 or 14
  held out in turn (round 16's rules), adding it moved the net on set 12 from 1.000 / 0.8 % to
  1.000 / 0.5 % (classifier-plausible look-alikes 16 -> 10), on set 13 from 0.980 / 3.6 % to
  0.985 / 3.3 %, and left set 14 at 1.000 / 0.3 %;
- ``assistant/safety/data/probes.jsonl``: 921 messages written while designing the
  net (six probes of every kind and register, with same-topic non-emergencies);
- ``assistant/safety/data/probes_round3.jsonl``: look-alikes found in the third round
  (想不起来 is memory, not a fall), outside the probe rounds of ``build_semantic``;
- ``assistant/safety/data/probes_round7.jsonl``: plumbing look-alikes written in the seventh
  round (水出不来, 水往外冒: no electricity, nobody in danger) with a few messages of water
  reaching electricity, so that set 7's water-and-fuse-box emergencies do not teach the
  model that any water is one;
- ``assistant/safety/data/probes_round14.jsonl``: things that stop or fall while in use
  (洗衣机洗着洗着不动了, 积木叠着叠着散了), written in round 14 with persons who do
  (做饭做着做着倒地上了): once sets 10-13 joined, the model read "V着V着 + 倒了/不动了" as an
  emergency whatever stopped. The review of round 14 found 24 things against 6 persons had taught
  it the opposite for the verbs only the things used (睡着, 晾着, 看着看着): 22 persons with those
  verbs were added, so there are as many persons as things;
- ``nlu_data/nlu/*.yml``: the ``emergency`` intent's examples against every
  other intent's.

``bench/nlu_dev.yml`` is left out, so the false-alarm figure on it stays held out.
scikit-learn is needed here only; the runtime scorer is plain Python over the
stored weights (the vocabulary, its idf and coefficients). Deterministic: the same
data give the same file.
"""

from __future__ import annotations

import json
import math
import subprocess
import tempfile
from pathlib import Path

from assistant.safety.evaluate import load
from assistant.safety.normalise import normalise

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
MODEL_JSON = DATA / "model.json"
NGRAMS = (1, 3)
MAX_FEATURES = 8000
C = 4.0
CHECKS = ("楼道里着火了", "想吃火锅", "我妈叫不醒", "电梯坏了什么时候修", "孩子不见了", "天然气费怎么交")


def training_paths() -> list[Path]:
    """The files the model is trained on, in order (those that exist)."""
    paths = [ROOT / "bench" / "emergency_dev.jsonl", ROOT / "bench" / "emergency_blind.jsonl",
             ROOT / "bench" / "emergency_blind3.jsonl", ROOT / "bench" / "emergency_blind4.jsonl",
             ROOT / "bench" / "emergency_blind5.jsonl", ROOT / "bench" / "emergency_blind6.jsonl",
             ROOT / "bench" / "emergency_blind7.jsonl",
             ROOT / "bench" / "emergency_blind8.jsonl", ROOT / "bench" / "emergency_dev9.jsonl",
             ROOT / "bench" / "emergency_blind9.jsonl",
             *(ROOT / "bench" / f"emergency_blind{k}.jsonl" for k in (10, 11, 12, 13, 14, 15)),
             DATA / "probes.jsonl", DATA / "probes_round3.jsonl", DATA / "probes_round7.jsonl",
             DATA / "probes_round14.jsonl",
             *committed_nlu_files()]
    return [path for path in paths if path.exists()]


def committed_nlu_files() -> list[Path]:
    """The NLU training files committed at HEAD (review 15: a file still being written by the NLU
    owner, untracked, made the shipped weights irreproducible from any commit). Outside a git
    checkout (an exported tree), every file there."""
    folder = ROOT / "nlu_data" / "nlu"
    try:
        listed = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "-r", "--name-only", "HEAD", "--",
                                 "nlu_data/nlu"], capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return sorted(folder.glob("*.yml"))
    return sorted(ROOT / name for name in listed if name.endswith(".yml") and "/" not in name[len("nlu_data/nlu/"):])


def committed_text(path: Path, commit: str = "HEAD") -> str | None:
    """The file's bytes as committed (review 15: a committed NLU file with uncommitted edits must not
    reach the weights), or None outside a git checkout or for a file not in the commit."""
    try:
        return subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:{path.relative_to(ROOT).as_posix()}"],
                              capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def load_committed(path: Path, commit: str = "HEAD") -> list[dict]:
    """The rows of a training file as committed (the working tree's only when it is not in git)."""
    text = committed_text(path, commit)
    if text is None:
        return load(path)
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / path.name
        copy.write_text(text, encoding="utf-8")
        return load(copy)


def training_rows() -> list[dict]:
    return [row for path in training_paths() for row in load_committed(path)]


def source_counts() -> dict[str, list[int]]:
    """Per training file (path from the repository root): [messages, emergencies]. Stored in
    model.json, so a test can tell which file changed since the model was built: the safety
    files (bench sets, probes) must match; the NLU files are the NLU owner's and may run ahead
    of the model until the safety owner rebuilds it (review 14)."""
    counts = {}
    for path in training_paths():
        rows = load_committed(path)
        counts[path.relative_to(ROOT).as_posix()] = [len(rows), sum(bool(r["emergency"]) for r in rows)]
    return counts


def _fit(texts: list[str], labels: list[bool]):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectoriser = TfidfVectorizer(analyzer="char", ngram_range=NGRAMS, min_df=2, sublinear_tf=True,
                                 max_features=MAX_FEATURES, lowercase=False)
    features = vectoriser.fit_transform(texts)
    classifier = LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit(features, labels)
    return vectoriser, classifier


def fit_char_model(texts: list[str], labels: list[bool]):
    """Train on raw texts; return a scorer: raw texts -> list of P(emergency)."""
    vectoriser, classifier = _fit([normalise(t) for t in texts], labels)
    return lambda new: classifier.predict_proba(vectoriser.transform([normalise(t) for t in new]))[:, 1].tolist()


def build() -> dict:
    rows = training_rows()
    texts = [normalise(r["text"]) for r in rows]
    labels = [bool(r["emergency"]) for r in rows]
    vectoriser, classifier = _fit(texts, labels)
    vocabulary = sorted(vectoriser.vocabulary_, key=vectoriser.vocabulary_.get)
    probabilities = classifier.predict_proba(vectoriser.transform([normalise(t) for t in CHECKS]))[:, 1]
    return {
        "about": "safety net second opinion: char n-gram logistic regression, see build_model.py",
        "ngram_range": list(NGRAMS),
        "trained_on": len(rows),
        "emergencies": sum(labels),
        "sources": source_counts(),
        "ngrams": vocabulary,
        "idf": [round(float(v), 5) for v in vectoriser.idf_],
        "coef": [round(float(v), 5) for v in classifier.coef_[0]],
        "intercept": round(float(classifier.intercept_[0]), 5),
        "checks": [[text, round(float(p), 4)] for text, p in zip(CHECKS, probabilities)],
    }


def main() -> None:
    model = build()
    MODEL_JSON.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_JSON}: {len(model['ngrams'])} n-grams, trained on {model['trained_on']} messages "
          f"({model['emergencies']} emergencies); checks {model['checks']}")
    assert all(math.isfinite(v) for v in model["coef"])


if __name__ == "__main__":
    main()
