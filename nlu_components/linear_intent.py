"""A second intent classifier that votes with DIET: a logistic regression on TF-IDF
character n-grams (1-4) and jieba word unigrams and bigrams.

Why: sixteen rounds of training data left DIET's intent macro-F1 on sets it had never
seen at 0.91-0.93. DIET, on sparse n-grams with one small transformer layer, learns the
wordings it was shown and is very sure of them (softmax confidence near 1.0), so a new
wording of a known request often lands on the intent whose lines share a few
characters with it. A linear model on the same kind of features but trained
differently (all n-grams weighted by TF-IDF, L2-regularised, no attention) spreads its
probability more evenly and errs on other lines; averaging the two probability
distributions, ``p = w * p_DIET + (1 - w) * p_linear``, corrects the lines where one
of them is confidently wrong and the other is right. ``bench/intent_vote.py`` measured
it outside Rasa on the tuned sets (``bench/results/intent_vote.md``) before it went in.

Where: right after ``DIETClassifier`` and before ``FallbackClassifier`` in
``config.yml``, so the fallback rule (threshold, ambiguity) and every later component
(``ServiceTypeNormalizer`` reads the intent) see the vote. DIET's entities are left
untouched; DIET's own ranking is kept in the message as ``intent_ranking_diet`` (in
the parse output and the tracker), so a turned reading can be explained.

A message with no text (a story's intent or action, an empty string) is left alone.

Persistence: the vocabularies, IDF weights and the regression's coefficients are
written to the model storage as JSON and ``.npy`` arrays (read back with
``allow_pickle=False``); nothing is pickled. Serving needs only numpy and scipy: the
TF-IDF transform is re-done here, the same as scikit-learn's (``sublinear_tf``, smooth
IDF, L2 norm per feature block), and the probabilities are the regression's softmax.

The model part (:class:`LinearIntentModel`, :func:`vote`) imports no Rasa, so the
offline experiment uses the very same code.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Text

import numpy as np
import scipy.sparse as sp

FILENAME_META = "linear_intent.json"
FILENAME_ARRAYS = ("char_idf.npy", "word_idf.npy", "coef.npy", "intercept.npy")
DIET_RANKING_KEY = "intent_ranking_diet"


def normalise(text: Text) -> Text:
    """Lower case, no whitespace: residents and speech recognisers put spaces between
    words, the training lines have almost none (as ``SpacelessJiebaTokenizer``)."""
    return "".join((text or "").lower().split())


def char_grams(text: Text, low: int = 1, high: int = 4) -> List[Text]:
    text = normalise(text)
    return [text[i:i + n] for n in range(low, high + 1) for i in range(len(text) - n + 1)]


def word_grams(tokens: Sequence[Text]) -> List[Text]:
    words = [t.lower() for t in tokens if t and t.strip()]
    return [f"w {w}" for w in words] + [f"b {a} {b}" for a, b in zip(words, words[1:])]


def jieba_tokens(text: Text) -> List[Text]:
    """jieba's words without blanks (what ``SpacelessJiebaTokenizer`` gives), for a
    message no tokenizer has seen."""
    import jieba

    return [word for word, _start, _end in jieba.tokenize(text or "") if word.strip()]


def _tfidf(grams: Sequence[Sequence[Text]], vocabulary: Dict[Text, int], idf: np.ndarray) -> sp.csr_matrix:
    """scikit-learn's TfidfVectorizer(sublinear_tf=True, norm="l2") transform."""
    indptr, indices, values = [0], [], []
    for items in grams:
        counts = Counter(vocabulary[g] for g in items if g in vocabulary)
        columns = sorted(counts)
        row = np.array([(1.0 + math.log(counts[j])) * idf[j] for j in columns], dtype=np.float64)
        norm = float(np.sqrt((row ** 2).sum())) if len(row) else 0.0
        if norm > 0:
            row = row / norm
        indices.extend(columns)
        values.extend(row.tolist())
        indptr.append(len(indices))
    return sp.csr_matrix((np.array(values, dtype=np.float64), np.array(indices, dtype=np.int64),
                          np.array(indptr, dtype=np.int64)), shape=(len(grams), len(idf)))


class LinearIntentModel:
    """TF-IDF character n-grams + jieba word n-grams -> multinomial logistic regression."""

    def __init__(self, c: float = 10.0, class_weight: Optional[Text] = None, char_low: int = 1,
                 char_high: int = 4, max_iter: int = 2000) -> None:
        self.c = float(c)
        self.class_weight = class_weight or None
        self.char_low, self.char_high = int(char_low), int(char_high)
        self.max_iter = int(max_iter)
        self.classes: List[Text] = []
        self.char_vocabulary: Dict[Text, int] = {}
        self.word_vocabulary: Dict[Text, int] = {}
        self.char_idf = np.zeros(0)
        self.word_idf = np.zeros(0)
        self.coef = np.zeros((0, 0))
        self.intercept = np.zeros(0)

    @property
    def trained(self) -> bool:
        return bool(self.classes) and self.coef.size > 0

    def _chars(self, text: Text) -> List[Text]:
        return char_grams(text, self.char_low, self.char_high)

    def fit(self, texts: Sequence[Text], tokens: Sequence[Sequence[Text]], labels: Sequence[Text]) -> "LinearIntentModel":
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        char_vec = TfidfVectorizer(analyzer=lambda g: g, sublinear_tf=True, lowercase=False)
        word_vec = TfidfVectorizer(analyzer=lambda g: g, sublinear_tf=True, lowercase=False)
        chars = [self._chars(t) for t in texts]
        words = [word_grams(t) for t in tokens]
        x = sp.hstack([char_vec.fit_transform(chars), word_vec.fit_transform(words)]).tocsr()
        self.classes = sorted(set(labels))
        if len(self.classes) < 2:
            raise ValueError("the linear intent classifier needs at least two intents")
        regression = LogisticRegression(C=self.c, class_weight=self.class_weight, max_iter=self.max_iter)
        regression.fit(x, list(labels))
        self.classes = [str(c) for c in regression.classes_]
        self.char_vocabulary = {k: int(v) for k, v in char_vec.vocabulary_.items()}
        self.word_vocabulary = {k: int(v) for k, v in word_vec.vocabulary_.items()}
        self.char_idf = np.asarray(char_vec.idf_, dtype=np.float64)
        self.word_idf = np.asarray(word_vec.idf_, dtype=np.float64)
        coef = np.asarray(regression.coef_, dtype=np.float64)
        intercept = np.asarray(regression.intercept_, dtype=np.float64)
        if coef.shape[0] == 1:  # two classes: scikit-learn keeps one row
            coef, intercept = np.vstack([-coef / 2, coef / 2]), np.array([-intercept[0] / 2, intercept[0] / 2])
        self.coef, self.intercept = coef, intercept
        return self

    def features(self, texts: Sequence[Text], tokens: Sequence[Sequence[Text]]) -> sp.csr_matrix:
        chars = _tfidf([self._chars(t) for t in texts], self.char_vocabulary, self.char_idf)
        words = _tfidf([word_grams(t) for t in tokens], self.word_vocabulary, self.word_idf)
        return sp.hstack([chars, words]).tocsr()

    def predict_proba(self, texts: Sequence[Text], tokens: Sequence[Sequence[Text]]) -> np.ndarray:
        """One row of class probabilities (in ``self.classes`` order) per text."""
        scores = self.features(texts, tokens) @ self.coef.T + self.intercept
        scores = scores - scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def ranking(self, text: Text, tokens: Sequence[Text]) -> List[Dict[Text, Any]]:
        probs = self.predict_proba([text], [tokens])[0]
        order = np.argsort(-probs, kind="stable")
        return [{"name": self.classes[i], "confidence": float(probs[i])} for i in order]

    def save(self, directory: Path) -> None:
        meta = {"c": self.c, "class_weight": self.class_weight, "char_low": self.char_low,
                "char_high": self.char_high, "max_iter": self.max_iter, "classes": self.classes,
                "char_vocabulary": self.char_vocabulary, "word_vocabulary": self.word_vocabulary}
        (directory / FILENAME_META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        for name, array in zip(FILENAME_ARRAYS, (self.char_idf, self.word_idf, self.coef, self.intercept)):
            np.save(directory / name, array, allow_pickle=False)

    @classmethod
    def load(cls, directory: Path) -> "LinearIntentModel":
        meta = json.loads((directory / FILENAME_META).read_text(encoding="utf-8"))
        model = cls(meta["c"], meta["class_weight"], meta["char_low"], meta["char_high"], meta["max_iter"])
        model.classes = list(meta["classes"])
        model.char_vocabulary = dict(meta["char_vocabulary"])
        model.word_vocabulary = dict(meta["word_vocabulary"])
        arrays = [np.load(directory / name, allow_pickle=False) for name in FILENAME_ARRAYS]
        model.char_idf, model.word_idf, model.coef, model.intercept = arrays
        return model


def sharpen(ranking: Iterable[Dict[Text, Any]], temperature: float) -> List[Dict[Text, Any]]:
    """The linear model's probabilities at another temperature, ``p ** (1 / T)``
    renormalised, best first. ``T < 1`` sharpens them: the regression spreads its
    probability over many intents (L2 on tens of thousands of n-grams), so averaged
    with DIET's near-certain softmax it pulled readings both agreed on under the
    fallback threshold (round 17). ``T = 1`` leaves the ranking as it is."""
    items = [(str(r["name"]), float(r.get("confidence") or 0.0)) for r in ranking]
    if temperature == 1.0 or not items:
        return [{"name": n, "confidence": c} for n, c in sorted(items, key=lambda item: -item[1])]
    logs = np.log(np.maximum(np.array([c for _n, c in items], dtype=np.float64), 1e-300)) / float(temperature)
    logs -= logs.max()
    probs = np.exp(logs)
    probs /= probs.sum()
    out = [{"name": n, "confidence": float(p)} for (n, _c), p in zip(items, probs)]
    out.sort(key=lambda r: -r["confidence"])
    return out


def vote(diet_ranking: Iterable[Dict[Text, Any]], linear_ranking: Iterable[Dict[Text, Any]], weight: float,
         ranking_length: int = 10) -> List[Dict[Text, Any]]:
    """``weight * p_DIET + (1 - weight) * p_linear`` per intent, best first. An intent
    missing from a ranking (DIET reports its top ten) counts 0 there; ``nlu_fallback``
    entries are ignored (the fallback rule runs after the vote)."""
    diet = {r["name"]: float(r.get("confidence") or 0.0) for r in diet_ranking if r.get("name") != "nlu_fallback"}
    linear = {r["name"]: float(r.get("confidence") or 0.0) for r in linear_ranking}
    names = list(dict.fromkeys([*diet, *linear]))
    voted = [(name, weight * diet.get(name, 0.0) + (1.0 - weight) * linear.get(name, 0.0)) for name in names]
    voted.sort(key=lambda item: -item[1])
    if ranking_length > 0:
        voted = voted[:ranking_length]
    return [{"name": name, "confidence": confidence} for name, confidence in voted]


def fallback(ranking: Sequence[Dict[Text, Any]], threshold: float = 0.55, ambiguity: float = 0.1) -> Text:
    """What ``FallbackClassifier`` decides from a ranking: its top intent, or
    ``nlu_fallback`` below ``threshold`` or when the top two are within ``ambiguity``."""
    if not ranking:
        return "nlu_fallback"
    top = ranking[0]
    if float(top["confidence"]) < threshold:
        return "nlu_fallback"
    if len(ranking) >= 2 and float(top["confidence"]) - float(ranking[1]["confidence"]) < ambiguity:
        return "nlu_fallback"
    return str(top["name"])


try:  # The Rasa component: only importable in the Rasa venv.
    from rasa.engine.graph import ExecutionContext, GraphComponent
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.engine.storage.resource import Resource
    from rasa.engine.storage.storage import ModelStorage
    from rasa.nlu.constants import TOKENS_NAMES
    from rasa.shared.nlu.constants import INTENT, TEXT
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData
except ImportError:  # pragma: no cover - application venv
    pass
else:

    def _tokens(message: Message) -> List[Text]:
        tokens = message.get(TOKENS_NAMES[TEXT])
        if tokens:
            return [t.text for t in tokens if t.text.strip()]
        return jieba_tokens(message.get(TEXT) or "")

    @DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
    class LinearIntentVote(GraphComponent):
        """Replaces DIET's intent and ranking with the vote of DIET and a linear model
        (see module doc); DIET's ranking stays in ``intent_ranking_diet``."""

        @staticmethod
        def get_default_config() -> Dict[Text, Any]:
            return {
                "diet_weight": 0.5,  # w in p = w * p_DIET + (1 - w) * p_linear
                # T: the linear probabilities enter the vote as p ** (1 / T), renormalised
                # (sharpen); below 1 they are surer, so the vote keeps DIET's scale.
                "linear_temperature": 1.0,
                "C": 10.0,  # inverse regularisation of the logistic regression
                "class_weight": None,  # or "balanced"
                "char_min_ngram": 1,
                "char_max_ngram": 4,
                "max_iter": 2000,
                "ranking_length": 10,
            }

        def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                     model: Optional[LinearIntentModel] = None) -> None:
            self._config = {**self.get_default_config(), **(config or {})}
            self._model_storage = model_storage
            self._resource = resource
            self.model = model

        @classmethod
        def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                   execution_context: ExecutionContext) -> "LinearIntentVote":
            return cls(config, model_storage, resource)

        def train(self, training_data: TrainingData) -> Resource:
            examples = [m for m in training_data.intent_examples if (m.get(TEXT) or "").strip() and m.get(INTENT)]
            if len({m.get(INTENT) for m in examples}) < 2:
                return self._resource  # nothing to vote with: process leaves DIET's reading alone
            config = self._config
            self.model = LinearIntentModel(config["C"], config["class_weight"], config["char_min_ngram"],
                                           config["char_max_ngram"], config["max_iter"])
            self.model.fit([m.get(TEXT) for m in examples], [_tokens(m) for m in examples],
                           [m.get(INTENT) for m in examples])
            with self._model_storage.write_to(self._resource) as directory:
                self.model.save(directory)
            return self._resource

        @classmethod
        def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 execution_context: ExecutionContext, **kwargs: Any) -> "LinearIntentVote":
            model = None
            try:
                with model_storage.read_from(resource) as directory:
                    if (directory / FILENAME_META).is_file():
                        model = LinearIntentModel.load(directory)
            except ValueError:  # nothing was persisted (no training data)
                pass
            return cls(config, model_storage, resource, model)

        def process(self, messages: List[Message]) -> List[Message]:
            if self.model is None or not self.model.trained:
                return messages
            weight = float(self._config["diet_weight"])
            for message in messages:
                text = message.get(TEXT)
                if not text or not text.strip():
                    continue
                diet_ranking = message.get("intent_ranking") or []
                if not diet_ranking and message.get("intent"):
                    diet_ranking = [message.get("intent")]
                linear = sharpen(self.model.ranking(text, _tokens(message)),
                                 float(self._config["linear_temperature"]))
                ranking = vote(diet_ranking, linear, weight, int(self._config["ranking_length"]))
                message.set(DIET_RANKING_KEY, diet_ranking, add_to_output=True)
                message.set("intent", dict(ranking[0]), add_to_output=True)
                message.set("intent_ranking", ranking, add_to_output=True)
            return messages
