"""Bring every ``service_type`` value to one of the catalogue's canonical names.

Runs after EntitySynonymMapper. EntitySynonymMapper maps a value only when it
is exactly a known variant; DIET often tags a little more or a little less than
a variant (``上门剪个头``, ``修一下水管``, ``活动室的``). This component:

1. keeps a value that already is canonical;
2. maps a value that is a known variant (case- and punctuation-insensitive);
3. maps a value that CONTAINS a known variant or canonical name (the longest
   wins: ``上门剪头发`` -> 剪头发 -> 理发);
4. maps a value that is CONTAINED in known variants when they all agree
   (``洗澡澡`` no, ``律`` no: at least two characters);
   and else maps a value that is mostly a known word with one character typed or
   heard alike (维秀 -> 维修: ``ServiceLexicon.sounds_like``, the homophone table
   ``data/service_homophones.json``);
5. for the booking intents and ``inform`` only (the resident is talking about a
   service, or answering which one), when no ``service_type`` was extracted at
   all, adds the longest known variant found in the text (or, failing that, one
   heard alike);
6. drops a value no rule maps to a canonical name (DIET tagged 礼拜六), and a
   second entity with the same canonical value;
7. drops every ``service_type`` of an intent about a problem, a ticket or a
   check-in (水压小洗澡都洗不了 is a complaint, not 助浴).

What it knows comes from the training data at train time, so ``synonyms.yml``
stays the one place the words live: the canonical names are the values annotated
for ``service_type``, the variants are the synonyms pointing at them, the
annotated spans and the ``service_type`` lookup table (elements whose canonical
value is known). Nothing is guessed from characters alone: a value no rule maps
is dropped, since every consumer needs one of the catalogue's names.

The matching itself is :class:`ServiceLexicon` (pure Python, no Rasa), so the
application venv's tests exercise it without Rasa.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Text, Tuple

from nlu_components.entity_cleaner import clean_value

ENTITY = "service_type"
FILENAME = "service_lexicon.json"
# inform: a bare answer to "您想约哪项服务？" (陪着看病) names the service too.
DEFAULT_FILL_INTENTS = ("book_service", "cancel_booking", "query_booking", "inform")
# Intents about a problem, a ticket or a check-in never carry a service to book: a
# service word there is a thing in the complaint (水压小洗澡都洗不了 is no 助浴).
NO_SERVICE_INTENTS = frozenset({"file_complaint", "check_ticket", "emergency", "rate_ticket", "checkin"})


# 我 in a service word stands for whoever the service is for: 他/她 (a parent, a spouse),
# 俺/咱 (northern "I"), 您 (a carer speaking to the elder), 佢 (Cantonese he/she),
# 侬 (Shanghainese you), 伊 (Shanghainese he/she).
SELF = "我"
OTHER_PERSONS = ("他", "她", "俺", "咱", "您", "佢", "侬", "伊")
# The measure word that splits a two-character service word (推个头, 查个体).
MEASURE = "个"


# Characters read alike (nlu_components/build_homophones.py): 维秀 -> 维修.
HOMOPHONES_JSON = Path(__file__).parent / "data" / "service_homophones.json"


@lru_cache(maxsize=1)
def _homophones() -> Dict[str, frozenset]:
    try:
        table = json.loads(HOMOPHONES_JSON.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {char: frozenset(same) for char, same in table.items()}


def _key(text: str) -> str:
    return clean_value(text).lower()


def _is_hanzi(text: str) -> bool:
    return all("\u4e00" <= c <= "\u9fff" for c in text)


@dataclass
class ServiceLexicon:
    """Known service words -> canonical service names."""

    canonical: List[str] = field(default_factory=list)
    variants: Dict[str, str] = field(default_factory=dict)  # _key(variant) -> canonical

    @classmethod
    def build(cls, canonical: Iterable[str], pairs: Iterable[Tuple[str, str]]) -> "ServiceLexicon":
        """``pairs`` are (variant, target); pairs whose target is not canonical are ignored."""
        names = sorted({c for c in canonical if c})
        lexicon = cls(canonical=names)
        for name in names:
            lexicon.variants[_key(name)] = name
        for variant, target in pairs:
            key = _key(str(variant))
            if target in names and len(key) >= 2 and key not in lexicon.variants:
                lexicon.variants[key] = target
        # A service asked for oneself (陪我看病) is asked for a parent or a spouse with
        # the same words and another pronoun (陪他看病, 陪俺看病): one variant, every person.
        for key, target in list(lexicon.variants.items()):
            if SELF in key:
                for other in OTHER_PERSONS:
                    lexicon.variants.setdefault(key.replace(SELF, other), target)
        # A two-character verb-object word is split by 个 in speech (推头 -> 推个头,
        # 查体 -> 查个体, 洗澡 -> 洗个澡): the split word is the same service.
        for key, target in list(lexicon.variants.items()):
            if len(key) == 2 and _is_hanzi(key) and MEASURE not in key:
                lexicon.variants.setdefault(key[0] + MEASURE + key[1], target)
        return lexicon

    def to_json(self) -> str:
        return json.dumps({"canonical": self.canonical, "variants": self.variants}, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> "ServiceLexicon":
        data = json.loads(text)
        return cls(canonical=list(data["canonical"]), variants=dict(data["variants"]))

    def normalise(self, value: str) -> Optional[str]:
        """The canonical name ``value`` stands for, or ``None`` if no rule says."""
        if value in self.canonical:
            return value
        key = _key(value)
        if not key:
            return None
        if key in self.variants:
            return self.variants[key]
        contained = [(len(v), v) for v in self.variants if v in key]
        if contained:
            return self.variants[max(contained)[1]]
        if len(key) >= 2:
            # Only variants the value is most of (聊聊天解 in 聊聊天解闷, not 地方 in 借个地方),
            # and only when every variant holding it agrees: 老年 is in 老年餐 but also in
            # 老年体检 and 老年活动室, so it names no service (老年舞蹈队想借活动室).
            holders = {c for v, c in self.variants.items() if key in v}
            targets = {c for v, c in self.variants.items() if key in v and len(key) * 5 >= len(v) * 3}
            if len(targets) == 1 and holders == targets:
                return targets.pop()
        heard = self.sounds_like(key)
        if heard is not None and (heard[1] - heard[0]) * 5 >= len(key) * 3:
            return heard[2]  # 维秀 / 上门维秀: a known word with one character heard alike
        return None

    def sounds_like(self, text: str) -> Optional[Tuple[int, int, str]]:
        """A known word in ``text`` typed or heard with ONE character swapped for one
        read the same (维秀, 陪真, 里发): (start, end, canonical), the longest word
        first, or ``None``. Words of two to four hanzi only, so that one swapped
        character never stands for most of a word."""
        table = _homophones()
        if not table:
            return None
        lowered = text.lower()
        best: Optional[Tuple[int, int, str]] = None
        for variant, canonical in self.variants.items():
            size = len(variant)
            if not 2 <= size <= 4 or not _is_hanzi(variant) or (best and size <= best[1] - best[0]):
                continue
            for start in range(len(lowered) - size + 1):
                window = lowered[start:start + size]
                swapped = [i for i, c in enumerate(window) if c != variant[i]]
                if len(swapped) == 1 and window[swapped[0]] in table.get(variant[swapped[0]], ()):
                    best = (start, start + size, canonical)
                    break
        return best

    def find(self, text: str) -> Optional[Tuple[int, int, str]]:
        """The longest known word in ``text``: (start, end, canonical), or ``None``."""
        lowered = text.lower()
        best: Optional[Tuple[int, int, str]] = None
        for variant, canonical in self.variants.items():
            start = lowered.find(variant)
            if start >= 0 and (best is None or len(variant) > best[1] - best[0]):
                best = (start, start + len(variant), canonical)
        return best


def _find_spaced(lexicon: ServiceLexicon, text: str) -> Optional[Tuple[int, int, str]]:
    """A known word typed with spaces inside (jian tou fa, 理 发): found in the text
    without its spaces, reported at its place in the text as typed."""
    kept = [i for i, c in enumerate(text) if not c.isspace()]
    if len(kept) == len(text):
        return None
    found = lexicon.find("".join(text[i] for i in kept))
    if found is None:
        return None
    start, end, canonical = found
    return kept[start], kept[end - 1] + 1, canonical


def normalise_entities(entities: List[Dict[str, Any]], lexicon: ServiceLexicon, *, text: str | None = None,
                       intent: str | None = None,
                       fill_intents: Iterable[str] = DEFAULT_FILL_INTENTS,
                       processor: str = "ServiceTypeNormalizer") -> List[Dict[str, Any]]:
    """``entities`` with ``service_type`` values canonical where a rule says so, plus
    one found in ``text`` when ``intent`` is a booking intent and none was extracted."""
    out: List[Dict[str, Any]] = []
    services: set[str] = set()
    for entity in entities:
        if entity.get("entity") == ENTITY and intent in NO_SERVICE_INTENTS:
            continue
        if entity.get("entity") == ENTITY and isinstance(entity.get("value"), str):
            mapped = lexicon.normalise(entity["value"])
            if mapped is not None and mapped != entity["value"]:
                entity = {**entity, "value": mapped,
                          "processors": [*entity.get("processors", []), processor]}
            if lexicon.canonical and entity["value"] not in lexicon.canonical:
                continue  # DIET tagged a word no rule maps to a service (礼拜六): not a service
            if entity["value"] in services:
                continue  # the same service said twice (借个会议室开个会): one value
            services.add(entity["value"])
        out.append(entity)
    if text and intent in set(fill_intents) and not any(e.get("entity") == ENTITY for e in out):
        found = lexicon.find(text) or _find_spaced(lexicon, text) or lexicon.sounds_like(text)
        if found is not None:
            start, end, canonical = found
            out.append({"entity": ENTITY, "start": start, "end": end, "value": canonical,
                        "confidence_entity": 1.0, "extractor": processor})
    return out


try:  # The Rasa component: only importable in the Rasa venv.
    from rasa.engine.graph import ExecutionContext, GraphComponent
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.engine.storage.resource import Resource
    from rasa.engine.storage.storage import ModelStorage
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData
except ImportError:  # pragma: no cover - application venv (tests of ServiceLexicon)
    pass
else:

    @DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
    class ServiceTypeNormalizer(GraphComponent):
        """Canonical ``service_type`` values (see module doc)."""

        @staticmethod
        def get_default_config() -> Dict[Text, Any]:
            return {"fill_intents": list(DEFAULT_FILL_INTENTS)}

        def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                     lexicon: Optional[ServiceLexicon] = None) -> None:
            self._config = {**self.get_default_config(), **(config or {})}
            self._model_storage = model_storage
            self._resource = resource
            self.lexicon = lexicon or ServiceLexicon()

        @classmethod
        def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                   execution_context: ExecutionContext) -> "ServiceTypeNormalizer":
            return cls(config, model_storage, resource)

        def train(self, training_data: TrainingData) -> Resource:
            canonical: set[str] = set()
            pairs: list[tuple[str, str]] = []
            for example in training_data.entity_examples:
                text = example.get("text") or ""
                for entity in example.get("entities") or []:
                    if entity.get("entity") == ENTITY:
                        canonical.add(str(entity.get("value")))
                        pairs.append((text[entity["start"]:entity["end"]], str(entity.get("value"))))
            synonyms = dict(training_data.entity_synonyms)
            pairs += list(synonyms.items())
            for table in training_data.lookup_tables:
                if table.get("name") == ENTITY:
                    for element in table.get("elements") or []:
                        target = element if element in canonical else synonyms.get(element)
                        if target:
                            pairs.append((element, target))
            self.lexicon = ServiceLexicon.build(canonical, pairs)
            with self._model_storage.write_to(self._resource) as directory:
                (directory / FILENAME).write_text(self.lexicon.to_json(), encoding="utf-8")
            return self._resource

        @classmethod
        def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 execution_context: ExecutionContext, **kwargs: Any) -> "ServiceTypeNormalizer":
            lexicon = None
            try:
                with model_storage.read_from(resource) as directory:
                    path = directory / FILENAME
                    if path.is_file():
                        lexicon = ServiceLexicon.from_json(path.read_text(encoding="utf-8"))
            except ValueError:
                pass
            return cls(config, model_storage, resource, lexicon)

        def process(self, messages: List[Message]) -> List[Message]:
            for message in messages:
                intent = (message.get("intent") or {}).get("name")
                entities = message.get("entities") or []
                updated = normalise_entities(entities, self.lexicon, text=message.get("text"), intent=intent,
                                             fill_intents=self._config["fill_intents"])
                if updated != entities:
                    message.set("entities", updated, add_to_output=True)
            return messages
