"""Train the sentiment model shipped at assistant/tickets/data/sentiment.joblib.

The shipped model was trained from the 52,770 labelled product reviews of
``../shared/data/shopping_reviews_9cats.csv`` (columns cat,label,review; ChineseNlpCorpus
online_shopping_10_cats without its hotel category; upstream states no licence, so
only the derived weights are shipped, see assistant/tickets/data/PROVENANCE.md) and the
hand-written service sentences below, with the defaults:

    .venv/bin/python bench/train_sentiment.py ../shared/data/shopping_reviews_9cats.csv --loco

Features (computed exactly as ``assistant.tickets.sentiment.SentimentModel`` does at
run time): hashed character 1-3 grams (2**20 buckets), sublinear TF, IDF, L2
normalisation, plus two features from the service-domain lexicon (cue counts, weighted
by their side of a 但是-style contrast). The classifier is
logistic regression by default; ``--method nbsvm`` or ``svm`` compares alternatives.
``--loco`` first evaluates leave-one-category-out (train on 8 product categories, test
on the 9th) to estimate cross-domain accuracy, and stores those figures in the model's
metadata and in bench/results/sentiment_training.json.

Besides the product reviews the model learns from short service reviews written for
this project (``assistant/tickets/data/sentiment_service_train.jsonl``: delivery, hotel,
property management, repairs, community services; see data/PROVENANCE.md), each weighted
``--service-weight`` (default 20) times a review, and ``--balance category`` (default)
gives every product category the same total weight so the four 10,000-review categories
do not dominate. ``--no-service --balance none`` trains the earlier product-only model.
After training, the label accuracy on the tuning sets (bench/sentiment_service_dev.jsonl,
bench/sentiment_crossdomain_dev.jsonl) is printed for comparing settings; they are never
trained on.
Files named like an evaluation set (``*dev*``, ``*blind*``, ``*fresh*``) are refused as
training data.

Buckets seen in fewer than ``--min-df`` training texts are dropped to keep the
file small (and they carry little signal).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import time
from functools import lru_cache
from pathlib import Path

import joblib
import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.tickets.sentiment import (  # noqa: E402
    MODEL_PATH,
    label_for,
    lexicon_features,
    lexicon_fingerprint,
    lexicon_matches,
    model_from_dict,
    normalize_text,
    score_from_logit,
)

N_FEATURES = 2**20
NGRAM_RANGE = (1, 3)
LEXICON_SCALE = 1.0
SERVICE_TRAIN = ROOT / "assistant" / "tickets" / "data" / "sentiment_service_train.jsonl"
# Tuning sets: reported after training for comparing settings, never trained on.
DEV_SETS = (ROOT / "bench" / "sentiment_service_dev.jsonl", ROOT / "bench" / "sentiment_crossdomain_dev.jsonl")
EVALUATION_NAME_PARTS = ("dev", "blind", "fresh")


def read_reviews(path: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    texts, labels, cats = [], [], []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            text = normalize_text(row["review"] or "")
            if not text:
                continue
            texts.append(text)
            labels.append(int(row["label"]))
            cats.append(row["cat"])
    return texts, np.array(labels), np.array(cats)


@lru_cache(maxsize=None)
def _lexicon_features(text: str) -> np.ndarray:
    return lexicon_features(text)  # cached: leave-one-category-out folds reuse each text 8 times


def read_labelled_jsonl(path: Path) -> tuple[list[str], np.ndarray, list[str]]:
    """Polar rows of a {"text", "label", "domain"} file; label 1/0 or positive/negative
    (neutral rows are skipped)."""
    texts, labels, domains = [], [], []
    for line in path.open(encoding="utf-8"):
        if not line.strip():
            continue
        row = json.loads(line)
        label = {"positive": 1, "negative": 0, 1: 1, 0: 0}.get(row["label"])
        text = normalize_text(row["text"])
        if label is None or not text:
            continue
        texts.append(text)
        labels.append(label)
        domains.append(str(row.get("domain", "?")))
    return texts, np.array(labels, dtype=int), domains


def read_service(paths: list[Path]) -> tuple[list[str], np.ndarray]:
    texts: list[str] = []
    labels: list[int] = []
    for path in paths:
        if any(part in path.name.lower() for part in EVALUATION_NAME_PARTS):
            raise SystemExit(f"refusing to train on an evaluation set: {path}")
        t, y, _ = read_labelled_jsonl(path)
        texts += t
        labels += list(y)
    return texts, np.array(labels, dtype=int)


def sample_weights(cats: np.ndarray, balance: str, service_weight: float) -> np.ndarray:
    """One weight per training text (reviews first, then service sentences, whose
    category is "service"). With balance "category" each product category weighs the
    same in total (the mean review weight stays 1)."""
    weights = np.ones(len(cats))
    review = cats != "service"
    if balance == "category":
        names, counts = np.unique(cats[review], return_counts=True)
        per_cat = dict(zip(names, review.sum() / (len(names) * counts)))
        weights[review] = [per_cat[c] for c in cats[review]]
    weights[~review] = service_weight
    return weights


class Featurizer:
    """Fit on training texts: which buckets to keep and their IDF."""

    def __init__(self, min_df: int) -> None:
        self.min_df = min_df
        self.hasher = HashingVectorizer(analyzer="char", ngram_range=tuple(NGRAM_RANGE), n_features=N_FEATURES,
                                        alternate_sign=False, norm=None, lowercase=False)

    def counts(self, texts: list[str]) -> sp.csr_matrix:
        return self.hasher.transform(texts).tocsr()

    def fit(self, counts: sp.csr_matrix) -> "Featurizer":
        df = np.bincount(counts.indices, minlength=N_FEATURES)
        self.feature_index = np.flatnonzero(df >= self.min_df).astype(np.int32)
        n_docs = counts.shape[0]
        # smooth idf, as sklearn's TfidfTransformer
        self.idf = (np.log((1 + n_docs) / (1 + df[self.feature_index])) + 1).astype(np.float32)
        return self

    def transform(self, counts: sp.csr_matrix, texts: list[str]) -> sp.csr_matrix:
        x = counts[:, self.feature_index].astype(np.float64)
        x.data = 1.0 + np.log(x.data)
        x = x.multiply(self.idf.reshape(1, -1)).tocsr()
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1))).ravel()
        norms[norms == 0] = 1.0
        x = sp.diags(1.0 / norms) @ x
        lex = np.vstack([_lexicon_features(t) for t in texts]) * LEXICON_SCALE
        return sp.hstack([x, sp.csr_matrix(lex)]).tocsr()


def fit_classifier(x: sp.csr_matrix, y: np.ndarray, method: str, c: float,
                   weights: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """(weights, intercept) of a linear classifier over the features."""
    if method == "nbsvm":
        # Wang & Manning 2012: scale features by the log-count ratio, then a linear model.
        # The scaling folds into the weights, so the shipped format does not change.
        binary = (x > 0).astype(np.float64)
        p = np.asarray(binary[y == 1].sum(axis=0)).ravel() + 1.0
        q = np.asarray(binary[y == 0].sum(axis=0)).ravel() + 1.0
        r = np.log((p / p.sum()) / (q / q.sum()))
        r[-2:] = 1.0  # lexicon features keep their own scale
        clf = LogisticRegression(C=c, max_iter=1000).fit(x @ sp.diags(r), y, sample_weight=weights)
        return clf.coef_.ravel() * r, float(clf.intercept_[0])
    if method == "svm":
        clf = LinearSVC(C=c).fit(x, y, sample_weight=weights)
        return clf.coef_.ravel(), float(clf.intercept_[0])
    clf = LogisticRegression(C=c, max_iter=1000).fit(x, y, sample_weight=weights)
    return clf.coef_.ravel(), float(clf.intercept_[0])


def train(texts: list[str], counts: sp.csr_matrix, y: np.ndarray, args,
          sample_weight: np.ndarray | None = None) -> dict:
    featurizer = Featurizer(args.min_df).fit(counts)
    x = featurizer.transform(counts, texts)
    weights, intercept = fit_classifier(x, y, args.method, args.c, sample_weight)
    return {
        "n_features": N_FEATURES, "ngram_range": list(NGRAM_RANGE),
        "feature_index": featurizer.feature_index,
        "idf": featurizer.idf.astype(np.float32),
        "coef": weights[:-2].astype(np.float32),
        "lexicon_coef": weights[-2:].astype(np.float32),
        "lexicon_scale": LEXICON_SCALE, "intercept": intercept,
    }


def prune(model: dict, keep_abs: float) -> dict:
    """Drop buckets whose weight is negligible (smaller file, same decisions)."""
    keep = np.abs(model["coef"]) >= keep_abs
    model = dict(model)
    model["feature_index"] = model["feature_index"][keep]
    model["idf"] = model["idf"][keep]
    model["coef"] = model["coef"][keep]
    return model


def accuracies(model: dict, texts: list[str], y: np.ndarray) -> tuple[float, float]:
    """(label accuracy, sign accuracy): the first is the run-time label with neutral
    counted as wrong; the second only asks whether the score has the right sign."""
    logits = model_from_dict(model).decision(texts)
    labels = []
    for z, t in zip(logits, texts):
        hits = lexicon_matches(t)
        labels.append(label_for(score_from_logit(float(z), t, hits), float(z), t, hits))
    label_acc = float(np.mean([lab == ("positive" if gold else "negative") for lab, gold in zip(labels, y)]))
    return label_acc, float(np.mean((logits > 0).astype(int) == y))


def accuracy(model: dict, texts: list[str], y: np.ndarray) -> float:
    return accuracies(model, texts, y)[0]


def loco_figures(oof: np.ndarray, texts: list[str], y: np.ndarray, cats: np.ndarray) -> tuple[dict, dict]:
    """Per held-out category: (label accuracy, sign accuracy) of the fold models' logits."""
    labels = []
    for z, t in zip(oof, texts):
        hits = lexicon_matches(t)
        labels.append(label_for(score_from_logit(float(z), t, hits), float(z), t, hits))
    ok = np.array([lab == ("positive" if gold else "negative") for lab, gold in zip(labels, y)])
    sign_ok = (oof > 0).astype(int) == y
    loco = {c: round(float(ok[cats == c].mean()), 4) for c in sorted(set(cats))}
    loco_sign = {c: round(float(sign_ok[cats == c].mean()), 4) for c in sorted(set(cats))}
    return loco, loco_sign


def rescore_loco(args, texts: list[str], y: np.ndarray, cats: np.ndarray) -> None:
    oof = np.load(args.oof)
    assert len(oof) == len(texts), "logits from a different csv"
    loco, loco_sign = loco_figures(oof, texts, y, cats)
    for c in loco:
        print(f"  {c}: label {loco[c]:.4f}, sign {loco_sign[c]:.4f}")
    model = joblib.load(args.out)
    meta = model["meta"]
    meta["leave_one_category_out"] = loco
    meta["leave_one_category_out_mean"] = round(float(np.mean(list(loco.values()))), 4)
    meta["leave_one_category_out_sign"] = loco_sign
    meta["leave_one_category_out_sign_mean"] = round(float(np.mean(list(loco_sign.values()))), 4)
    meta["leave_one_category_out_rescored"] = ("python bench/train_sentiment.py " + " ".join(sys.argv[1:]))
    meta["tuning_sets"] = dev_report(model)
    print(f"mean: label {meta['leave_one_category_out_mean']}, sign {meta['leave_one_category_out_sign_mean']}")
    if not args.no_save:
        joblib.dump(model, args.out, compress=("xz", 6))
        args.results.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def dev_report(model: dict) -> dict:
    """Label accuracy on the tuning sets, overall and per domain (for comparing settings;
    the benchmark is bench/sentiment.py)."""
    report = {}
    for path in DEV_SETS:
        if not path.exists():
            continue
        texts, y, domains = read_labelled_jsonl(path)
        logits = model_from_dict(model).decision(texts)
        ok = []
        for z, t, gold in zip(logits, texts, y):
            hits = lexicon_matches(t)
            label = label_for(score_from_logit(float(z), t, hits), float(z), t, hits)
            ok.append(label == ("positive" if gold else "negative"))
        ok = np.array(ok)
        per_domain = {d: round(float(ok[np.array(domains) == d].mean()), 4) for d in sorted(set(domains))}
        report[path.name] = {"n": len(texts), "label": round(float(ok.mean()), 4), "per_domain": per_domain}
        print(f"{path.name} (tuning set, label accuracy): {ok.mean():.4f} {per_domain}", flush=True)
    return report


def main() -> None:
    global LEXICON_SCALE, NGRAM_RANGE
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("csv", type=Path, help="shopping_reviews_9cats.csv (cat,label,review)")
    parser.add_argument("--method", choices=("lr", "svm", "nbsvm"), default="lr")
    parser.add_argument("--c", type=float, default=4.0)
    parser.add_argument("--min-df", type=int, default=3)
    parser.add_argument("--ngram", default="1,3", help="character n-gram range, e.g. 1,3")
    parser.add_argument("--service", type=Path, action="append",
                        help=f"service-review training file(s) (default {SERVICE_TRAIN.relative_to(ROOT)})")
    parser.add_argument("--no-service", action="store_true", help="product reviews only (the old model)")
    parser.add_argument("--service-weight", type=float, default=20.0,
                        help="weight of each service sentence relative to an average review")
    parser.add_argument("--balance", choices=("none", "category"), default="category",
                        help="category: every product category gets the same total weight")
    parser.add_argument("--prune", type=float, default=0.0, help="drop |weight| below this before saving")
    parser.add_argument("--loco", action="store_true", help="leave-one-category-out evaluation first")
    parser.add_argument("--no-lexicon", action="store_true", help="zero the lexicon features (ablation)")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument("--oof", type=Path, default=Path("/tmp/sentiment_loco_logits.npy"),
                        help="where --loco stores each review's held-out-fold logit")
    parser.add_argument("--rescore-loco", action="store_true",
                        help="no training: recompute the leave-one-category-out label/sign figures "
                             "from the logits saved by an earlier --loco run (--oof) with the "
                             "current run-time labelling rules, and update the shipped model's metadata")
    parser.add_argument("--results", type=Path,
                        default=ROOT / "bench" / "results" / "sentiment_training.json")
    args = parser.parse_args()

    if args.no_lexicon:
        LEXICON_SCALE = 0.0
    NGRAM_RANGE = tuple(int(n) for n in args.ngram.split(","))
    started = time.time()
    texts, y, cats = read_reviews(args.csv)
    if args.rescore_loco:
        rescore_loco(args, texts, y, cats)
        return
    service_paths = [] if args.no_service else (args.service or [SERVICE_TRAIN])
    service_texts, service_y = read_service(service_paths)
    all_texts = texts + service_texts
    all_y = np.concatenate([y, service_y]).astype(int)
    all_cats = np.concatenate([cats, np.array(["service"] * len(service_texts))])
    weights = sample_weights(all_cats, args.balance, args.service_weight)
    counts = Featurizer(args.min_df).counts(all_texts)
    print(f"{len(texts)} reviews and {len(service_texts)} service sentences read and hashed in "
          f"{time.time() - started:.1f}s", flush=True)

    loco: dict[str, float] = {}
    loco_sign: dict[str, float] = {}
    oof = np.zeros(len(texts))
    if args.loco:
        # Each fold trains on 8 product categories plus the service sentences and tests
        # on the 9th category; the weights are recomputed for the 8 categories.
        for category in sorted(set(cats)):
            test_idx = np.flatnonzero(cats == category)
            train_idx = np.flatnonzero(all_cats != category)
            fold_weights = sample_weights(all_cats[train_idx], args.balance, args.service_weight)
            model = train([all_texts[i] for i in train_idx], counts[train_idx], all_y[train_idx], args,
                          fold_weights)
            oof[test_idx] = model_from_dict(model).decision([texts[i] for i in test_idx])
            label_acc, sign_acc = accuracies(model, [texts[i] for i in test_idx], y[test_idx])
            loco[category] = round(label_acc, 4)
            loco_sign[category] = round(sign_acc, 4)
            print(f"  leave out {category}: label {label_acc:.4f}, sign {sign_acc:.4f} (n={len(test_idx)})",
                  flush=True)
        np.save(args.oof, oof)
        print(f"leave-one-category-out mean accuracy: label {np.mean(list(loco.values())):.4f}, "
              f"sign {np.mean(list(loco_sign.values())):.4f}")

    model = train(all_texts, counts, all_y, args, weights)
    if args.prune:
        model = prune(model, args.prune)
    train_accuracy = accuracy(model, texts[:5000], y[:5000])
    service_train_accuracy = accuracy(model, service_texts, service_y) if service_texts else None
    source_hash = hashlib.sha256(args.csv.read_bytes()).hexdigest()
    model["meta"] = {
        "trained_from": "shared/data/shopping_reviews_9cats.csv (ChineseNlpCorpus online_shopping_10_cats, "
                        "hotel removed; no upstream licence stated)",
        "source_sha256": source_hash, "n_reviews": len(texts),
        "service_training": [
            {"path": str(path.resolve().relative_to(ROOT)) if path.resolve().is_relative_to(ROOT) else str(path),
             "sha256": hashlib.sha256(path.read_bytes()).hexdigest()} for path in service_paths],
        "n_service_sentences": len(service_texts), "service_weight": args.service_weight,
        "balance": args.balance, "ngram_range": list(NGRAM_RANGE),
        "method": args.method, "C": args.c,
        "min_df": args.min_df, "prune": args.prune, "lexicon_scale": LEXICON_SCALE,
        "lexicon_fingerprint": lexicon_fingerprint(),
        "n_weights": int(len(model["coef"])),
        "leave_one_category_out": loco,
        "leave_one_category_out_mean": round(float(np.mean(list(loco.values()))), 4) if loco else None,
        "leave_one_category_out_sign": loco_sign,
        "leave_one_category_out_sign_mean":
            round(float(np.mean(list(loco_sign.values()))), 4) if loco_sign else None,
        "service_training_accuracy_fitted": round(service_train_accuracy, 4) if service_texts else None,
        "command": "python bench/train_sentiment.py " + " ".join(sys.argv[1:]),
    }
    model["meta"]["tuning_sets"] = dev_report(model)
    print(f"trained in {time.time() - started:.1f}s; {len(model['coef'])} weights; "
          f"lexicon weights {model['lexicon_coef']}; first 5000 reviews (seen) accuracy {train_accuracy:.4f}; "
          f"service sentences (seen) {service_train_accuracy}")
    if not args.no_save:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump(model, args.out, compress=("xz", 6))
        print(f"saved {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(json.dumps(model["meta"], ensure_ascii=False, indent=2) + "\n",
                                encoding="utf-8")


if __name__ == "__main__":
    main()
