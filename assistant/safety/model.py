"""The safety net's second opinion: a character n-gram logistic regression over the
normalised message, scored in plain Python from ``data/model.json`` (built by
``build_model.py``; about 8,000 n-grams, loaded once, ~0.05 ms a message).

The cue lexicon decides whenever a cue fires: it can say why. The model is asked
when the lexicon found nothing at all, and fires only above ``THRESHOLD``; when every
cue was suppressed it votes on the classifier's "emergency", and overrules the
suppression only at ``net.OVERRULE_SCORE`` (round 14; never a denial or an event over). 0.8 was chosen by leaving each probe round out in turn
(``python -m assistant.safety.build_semantic --evaluate --historical``: the model
retrained without round k, the rules as they were before tuning on round k): pooled
recall 0.79 (rules) -> 0.855 at 0.9 -> 0.909 at 0.8, false alarms 0.098 -> 0.101 ->
0.113 on deliberately hard same-topic negatives. A model-only verdict is
reported as cue ``model:<probability>`` with kind ``general`` (all three numbers).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MODEL_JSON = Path(__file__).parent / "data" / "model.json"
THRESHOLD = 0.8
_WHITE_SPACES = re.compile(r"\s\s+")


@dataclass(frozen=True)
class _Model:
    low: int
    high: int
    weights: dict[str, tuple[float, float]]  # n-gram -> (idf, coefficient)
    intercept: float


@cache
def _model() -> _Model | None:
    if not MODEL_JSON.exists():
        return None
    raw = json.loads(MODEL_JSON.read_text(encoding="utf-8"))
    weights = {g: (idf, coef) for g, idf, coef in zip(raw["ngrams"], raw["idf"], raw["coef"])}
    low, high = raw["ngram_range"]
    return _Model(low, high, weights, raw["intercept"])


def _ngrams(text: str, low: int, high: int) -> Counter:
    text = _WHITE_SPACES.sub(" ", text)
    return Counter(text[i: i + n] for n in range(low, high + 1) for i in range(len(text) - n + 1))


def probability(normalised: str) -> float | None:
    """P(emergency) for a normalised message, or None when no model is installed."""
    model = _model()
    if model is None or not normalised:
        return None
    values = []
    for gram, count in _ngrams(normalised, model.low, model.high).items():
        weight = model.weights.get(gram)
        if weight is not None:
            values.append(((1.0 + math.log(count)) * weight[0], weight[1]))
    norm = math.sqrt(sum(v * v for v, _ in values)) or 1.0
    score = model.intercept + sum(v * coef for v, coef in values) / norm
    return 1.0 / (1.0 + math.exp(-score))
