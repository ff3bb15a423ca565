"""Strip whitespace and punctuation from extracted entity values.

Runs after the extractors (DIETClassifier, RegexEntityExtractor) and BEFORE
EntitySynonymMapper, so that ``"理发 "`` or ``"剪头发，"`` (a token of space or
punctuation tagged with the entity, which the jieba tokenizer keeps as tokens)
becomes ``"理发"`` / ``"剪头发"`` and the synonym table then maps it.

The entity's ``start``/``end`` are narrowed to the cleaned text when the value
was the literal span, so the offsets keep pointing at what the value says. An
entity left empty by the cleaning (a tagged lone comma) is dropped.

The character rules live in :func:`clean_value` (pure Python, no Rasa), so the
application venv's tests can check them without Rasa.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Dict, List, Text

# Unicode categories removed: every punctuation (P*), symbol-like separators
# (Z*: spaces incl. the ideographic space U+3000), and control/format characters
# (Cc, Cf: tabs, newlines, zero-width spaces from copy-paste and speech input).
_DROP_CATEGORIES = ("P", "Z", "Cc", "Cf")
# Symbols that carry no meaning in an entity value (category S* is kept in
# general: ``+`` or ``℃`` could matter in a time or address).
_DROP_SYMBOLS = frozenset("~～`^|¦·•・…—–")


def clean_value(value: str) -> str:
    """``value`` without whitespace, punctuation and invisible characters.

    >>> clean_value(" 理发 ")
    '理发'
    >>> clean_value("剪头发，")
    '剪头发'
    >>> clean_value("3号楼 2单元")
    '3号楼2单元'
    """
    return "".join(
        ch
        for ch in value
        if ch not in _DROP_SYMBOLS and not unicodedata.category(ch).startswith(_DROP_CATEGORIES)
    )


def clean_entities(entities: List[Dict[Text, Any]], text: str | None = None) -> List[Dict[Text, Any]]:
    """Entities with string values cleaned; ones left empty are dropped.

    When an entity's value was exactly its span of ``text``, ``start``/``end`` are
    moved past the characters stripped from either end.
    """
    cleaned: List[Dict[Text, Any]] = []
    for entity in entities:
        value = entity.get("value")
        if not isinstance(value, str):
            cleaned.append(entity)
            continue
        new_value = clean_value(value)
        if not new_value:
            continue
        if new_value != value:
            entity = dict(entity)
            start, end = entity.get("start"), entity.get("end")
            if text is not None and isinstance(start, int) and isinstance(end, int) and text[start:end] == value:
                while start < end and not clean_value(text[start]):
                    start += 1
                while end > start and not clean_value(text[end - 1]):
                    end -= 1
                entity["start"], entity["end"] = start, end
            entity["value"] = new_value
        cleaned.append(entity)
    return cleaned


try:  # The Rasa component: only importable in the Rasa venv.
    from rasa.engine.graph import ExecutionContext, GraphComponent
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.engine.storage.resource import Resource
    from rasa.engine.storage.storage import ModelStorage
    from rasa.shared.nlu.training_data.message import Message
except ImportError:  # pragma: no cover - application venv (tests of clean_value)
    pass
else:

    @DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
    class EntityValueCleaner(GraphComponent):
        """Strips whitespace and punctuation from every entity value (see module doc)."""

        @classmethod
        def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                   execution_context: ExecutionContext) -> "EntityValueCleaner":
            return cls()

        def process(self, messages: List[Message]) -> List[Message]:
            for message in messages:
                entities = message.get("entities") or []
                if entities:
                    message.set("entities", clean_entities(entities, message.get("text")), add_to_output=True)
            return messages
