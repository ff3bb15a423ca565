"""Calibrated fusion: two small logistic regressions trained on development queries
(``python -m assistant.kb.calibrate``), stored as plain JSON in ``data/fusion.json``.

- the *ranker* scores each candidate entry from its features (``retrieval.FEATURE_NAMES``):
  the probability that this entry answers the question;
- the *abstainer* looks at the ranked list (top probability, its margin over the
  second, the top entry's cosines and query coverage) and gives the probability that
  the knowledge base answers the question at all; below ``threshold`` we abstain.

Without a fusion file (or one for other features) ranking falls back to reciprocal
rank fusion and abstention to a fixed dense-cosine threshold.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from assistant.kb.retrieval import FEATURE_NAMES

# Chosen by cross-validation on the development queries: the top entry's dense
# cosines and how much of the question's (IDF-weighted) words it contains. Richer sets
# (ranker score, margins, unseen-word share) abstained less well on held-out folds.
# The question's length joined later: on the two blind sets (bench/kb_heldout*) it cut
# wrongly refused answerable questions from 21 % to 7 % and from 6 % to 3 %, because a
# long colloquial question scores lower cosines than a short one with the same answer.
ANSWER_FEATURES = ("top_dense_body_cos", "top_dense_title_cos", "top_word_coverage_idf", "query_bigrams")
FALLBACK_COSINE = 0.86
# How many entries a "which one?" question offers: those within e^3 (~20x) of the best
# entry's ranker odds, at most three. The tail of a ranking is often unrelated
# (会议室预约 under 养老金能提前领吗).
MAX_CHOICES = 3
CHOICE_LOGIT_GAP = 3.0


def choice_count(sorted_logits: Sequence[float]) -> int:
    """How many of the best-first candidates to offer as choices (at least one)."""
    if not len(sorted_logits):
        return 0
    best = sorted_logits[0]
    return max(1, sum(1 for z in list(sorted_logits)[:MAX_CHOICES] if z >= best - CHOICE_LOGIT_GAP))


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


@dataclass
class Linear:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def score(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) / self.scale) @ self.coef + self.intercept

    def prob(self, x: np.ndarray) -> np.ndarray:
        return sigmoid(self.score(x))

    def to_json(self) -> dict:
        return {"features": list(self.features), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "coef": self.coef.tolist(), "intercept": float(self.intercept)}

    @classmethod
    def from_json(cls, d: dict) -> "Linear":
        return cls(tuple(d["features"]), np.array(d["mean"]), np.array(d["scale"]),
                   np.array(d["coef"]), float(d["intercept"]))


@dataclass
class FusionModel:
    ranker: Linear | None
    abstainer: Linear | None
    threshold: float
    info: dict
    # Between ``threshold`` and this, the knowledge base probably has something but the
    # abstainer gives it less than even odds: the dialogue asks which entry is meant
    # instead of answering. 0 turns the band off.
    clarify_below: float = 0.0
    # Also unsure when the runner-up's ranker log-odds are within this of the best
    # entry's: two entries nearly tied. 0 turns it off.
    tie_margin: float = 0.0

    def logits(self, features: np.ndarray) -> np.ndarray:
        """The ranker's log-odds per candidate (the RRF value without a ranker)."""
        if self.ranker is None:
            return features[:, FEATURE_NAMES.index("rrf")]
        return self.ranker.score(features)

    def squash(self, logits: np.ndarray) -> np.ndarray:
        """``logits`` as relevance scores in (0, 1) (the RRF value as it is)."""
        return logits if self.ranker is None else sigmoid(logits)

    def rank(self, features: np.ndarray) -> np.ndarray:
        """A relevance score per candidate in (0, 1); only its order is meaningful."""
        return self.squash(self.logits(features))

    def answer_features(self, features: np.ndarray, scores: np.ndarray) -> np.ndarray:
        top = int(np.argmax(scores))
        col = FEATURE_NAMES.index
        return np.array([features[top, col("dense_body_cos")], features[top, col("dense_title_cos")],
                         features[top, col("word_coverage_idf")], features[top, col("query_bigrams")]],
                        dtype=np.float64)

    def answerable(self, features: np.ndarray, scores: np.ndarray) -> tuple[bool, float]:
        if len(scores) == 0:
            return False, 0.0
        x = self.answer_features(features, scores)
        if self.abstainer is None:
            confidence = float(x[0])
            return confidence >= FALLBACK_COSINE, confidence
        confidence = float(self.abstainer.prob(x[None, :])[0])
        return confidence >= self.threshold, confidence

    def uncertain(self, confidence: float, top_logits: Sequence[float] = ()) -> bool:
        """An answerable verdict to ask about rather than answer: the abstainer gives it
        under even odds (``clarify_below``), or the two best entries are nearly tied
        (``tie_margin``; ``top_logits`` are the ranked candidates' log-odds, best first)."""
        if confidence < self.threshold:
            return False  # not answerable at all
        tied = (self.ranker is not None and self.tie_margin > 0 and len(top_logits) > 1
                and top_logits[0] - top_logits[1] < self.tie_margin)
        return confidence < self.clarify_below or tied

    def to_json(self) -> dict:
        return {"ranker": self.ranker.to_json() if self.ranker else None,
                "abstainer": self.abstainer.to_json() if self.abstainer else None,
                "threshold": self.threshold, "clarify_below": self.clarify_below, "tie_margin": self.tie_margin,
                "info": self.info}


DEFAULT_PATH = "data/fusion.json"


def from_dict(data: dict) -> FusionModel:
    ranker = Linear.from_json(data["ranker"]) if data.get("ranker") else None
    abstainer = Linear.from_json(data["abstainer"]) if data.get("abstainer") else None
    if ranker is not None and ranker.features != tuple(FEATURE_NAMES):
        ranker = None  # trained for other features: fall back rather than mis-score
    if abstainer is not None and abstainer.features != ANSWER_FEATURES:
        abstainer = None
    return FusionModel(ranker, abstainer, float(data.get("threshold", 0.5)), data.get("info", {}),
                       float(data.get("clarify_below", 0.0)), float(data.get("tie_margin", 0.0)))


@lru_cache(maxsize=4)
def load_fusion(path: str | None = None) -> FusionModel:
    try:
        if path:
            text = Path(path).read_text(encoding="utf-8")
        else:
            text = resources.files("assistant.kb").joinpath(DEFAULT_PATH).read_text(encoding="utf-8")
    except FileNotFoundError:
        return FusionModel(None, None, 0.5, {"fallback": "rrf"})
    return from_dict(json.loads(text))
