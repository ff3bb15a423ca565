"""A noise guard: a message with no word the butler knows is ``nlu_fallback``, whatever
the classifiers said.

Why: DIET and the intent vote (``linear_intent.py``) always spread their probability
over the intents they know, and a softmax over character n-grams finds *some* intent
for anything. Round 20 measured keyboard mash and onomatopoeia (``叽里咕噜``,
``zxcv bnmm``, ``啊啊啊啊``) placed as out_of_scope at 0.58-0.71 and once as an
emergency at 0.40, so a resident whose phone typed in a pocket got a wrong answer
instead of 没听明白, and two such messages never reached the offer of a person.

How, on content (no list of noises): the text is normalised (NFKC, lower case, a
Chinese character repeated three times or more kept twice: ``嗡嗡嗡嗡`` -> ``嗡嗡``,
a Latin letter once: ``qqqq`` -> ``q``) and cut by jieba (the same global dictionary the tokenizer loaded,
domain words included). A token is a *known word* when

* it holds a digit (a number, a phone, a ticket id, 3号楼), or
* it is Latin and either a token of the training data (``ok``, ``sos``, ``wifi``) or
  a run of valid pinyin syllables (``baoxiu``, ``jiu ming``: the gateway's pinyin
  normalisation and DIET read those), or
* it is Chinese, jieba's dictionary does not tag it as an onomatopoeia (``o``: 叽里咕噜,
  嗡嗡), and it is a token of the training data or holds a character of a training
  line. Interjections (``e``: 哎哟, a cry of pain), modal particles (``y``), state words
  (``z``) and lone ``zg`` characters (冇, 係: Cantonese no / yes; 啊, which may be a
  scream) are left to the classifiers on purpose (review 21, S1).

A message with no known word is noise, unless its normalised text is itself a
training line (对, 嗯, 中, ok, 嗯嗯, 对对对 are lines of affirm: a whole message the
butler was taught is never noise). Emoji, bopomofo and punctuation are no words.

Where: after ``FallbackClassifier`` and before ``SafetyNetOverride``, so an emergency
the gateway's safety net recognised is still ``emergency`` (the net reads the whole
message with its own cues and wins over every classifier), and after the vote, so
neither DIET nor the vote can place noise. The classifiers' ranking is kept below
the fallback, so the decision stays explainable in the tracker; the parse says
``noise_guard: true``.

The training lines (with their intents) are written to the model storage as JSON and
the vocabulary (training words, characters, normalised lines) is rebuilt from them when
the model is loaded, by the code that serves it. :class:`NoiseVocabulary` imports no Rasa.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Text

FILENAME = "noise_guard.json"
FALLBACK_INTENT = "nlu_fallback"
FLAG_KEY = "noise_guard"

# jieba dictionary tags of words that carry no request: onomatopoeia only. Interjections,
# modal particles and state words stay known (哎哟 is pain, 冇/係 are answers).
NO_CONTENT_TAGS = frozenset({"o"})
NOT_TAUGHT_LATIN_FROM = frozenset({"out_of_scope", "nlu_fallback"})
_RUN = re.compile(r"(.)\1{2,}")  # a character three times or more
_CJK = re.compile(r"[\u3400-\u9fff\U00020000-\U0002ffff]")
_LATIN = re.compile(r"^[a-z]+$")
_DIGIT = re.compile(r"[0-9]")
_WORDY = re.compile(r"[0-9a-z\u3400-\u9fff\U00020000-\U0002ffff]")

# Every syllable of Mandarin pinyin (without tones; ü as v).
_SYLLABLES = frozenset(
    """
a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang cao
ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui
chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di dia dian diao die
ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng fo fou fu ga gai gan
gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen
heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju
juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai
lan lang lao le lei leng li lia lian liang liao lie lin ling liu lo long lou lu luan lue lun luo lv
lve ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao
ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nue nuo nv nve o ou pa pai pan
pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong
qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang sao
se sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui
shun shuo si song sou su suan sui sun suo ta tai tan tang tao te teng ti tian tiao tie ting tong tou
tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu
xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze
zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang
zhui zhun zhuo zi zong zou zu zuan zui zun zuo
""".split()
)
_LONGEST_SYLLABLE = max(map(len, _SYLLABLES))


def normalise(text: Text) -> Text:
    """NFKC, lower case; a character repeated three times or more is kept twice when it is
    Chinese (``嗡嗡嗡嗡`` -> ``嗡嗡``, the reduplicated word jieba's dictionary knows) and
    once otherwise (``okkk`` -> ``ok``, ``qqqq`` -> ``q``)."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return _RUN.sub(lambda m: m.group(1) * (2 if _CJK.match(m.group(1)) else 1), text)


def line_key(text: Text) -> Text:
    """A whole message as a training line is compared: normalised, only its word characters."""
    return "".join(_WORDY.findall(normalise(text)))


def is_pinyin(word: Text) -> bool:
    """``word`` (Latin, lower case, two letters or more) is a run of pinyin syllables."""
    if len(word) < 2 or not _LATIN.match(word):
        return False
    reachable = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - _LONGEST_SYLLABLE), end):
            if reachable[start] and word[start:end] in _SYLLABLES:
                reachable[end] = True
                break
    return reachable[-1]


def cut(text: Text) -> List[Text]:
    import jieba

    return [w for w in jieba.lcut(normalise(text)) if _WORDY.search(w)]


def dictionary_tag(word: Text) -> Optional[Text]:
    """jieba's dictionary tag of ``word`` (user dictionary first), or None."""
    import jieba
    import jieba.posseg

    tag = jieba.dt.user_word_tag_tab.get(word) if hasattr(jieba.dt, "user_word_tag_tab") else None
    return tag or jieba.posseg.dt.word_tag_tab.get(word)


class NoiseVocabulary:
    """What the butler was taught: training tokens, their character bigrams, whole lines."""

    def __init__(self, words: Iterable[Text] = (), chars: Iterable[Text] = (), lines: Iterable[Text] = ()):
        self.words = set(words)
        self.chars = set(chars)
        self.lines = set(lines)

    @classmethod
    def fit(
        cls, texts: Iterable[Text], intents: Optional[Iterable[Optional[Text]]] = None
    ) -> "NoiseVocabulary":
        """``intents`` (one per text): the Latin words of out_of_scope lines are not learnt
        (``asdfgh`` and ``abc`` are taught as out_of_scope lines, which stay whole lines)."""
        texts = list(texts)
        intents = list(intents) if intents is not None else [None] * len(texts)
        vocabulary = cls()
        for text, intent in zip(texts, intents):
            words = cut(text)
            if intent in NOT_TAUGHT_LATIN_FROM:
                words = [w for w in words if not _LATIN.match(w)]
            vocabulary.words.update(words)
            vocabulary.chars.update(_CJK.findall(normalise(text)))
            vocabulary.lines.add(line_key(text))
        vocabulary.lines.discard("")
        return vocabulary

    @property
    def trained(self) -> bool:
        return bool(self.words)

    def known_word(self, word: Text) -> bool:
        if _DIGIT.search(word):
            return True
        if _LATIN.match(word):
            return word in self.words or is_pinyin(word)
        if not _CJK.search(word):
            return word in self.words
        if dictionary_tag(word) in NO_CONTENT_TAGS:
            return False
        return word in self.words or any(c in self.chars for c in _CJK.findall(word))

    def is_noise(self, text: Text) -> bool:
        """No known word in ``text`` and ``text`` is no training line. Empty text is not
        judged (a story's intent or action)."""
        if not (text or "").strip() or not self.trained:
            return False
        if line_key(text) in self.lines:
            return False
        return not any(self.known_word(word) for word in cut(text))

    def save(
        self, directory: Path, texts: Iterable[Text] = (), intents: Iterable[Optional[Text]] = ()
    ) -> None:
        """With ``texts`` (and their ``intents``) the training lines themselves are written and
        the vocabulary is rebuilt from them at load, so it is always cut and normalised by
        the code that serves it; without, the vocabulary as it stands."""
        texts = list(texts)
        if texts:
            payload: Dict[Text, Any] = {"texts": texts, "intents": list(intents)}
        else:
            payload = {"words": sorted(self.words), "chars": sorted(self.chars), "lines": sorted(self.lines)}
        (Path(directory) / FILENAME).write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> "NoiseVocabulary":
        payload = json.loads((Path(directory) / FILENAME).read_text(encoding="utf-8"))
        if "texts" in payload:
            return cls.fit(payload["texts"], payload.get("intents") or None)
        return cls(payload["words"], payload["chars"], payload["lines"])


def guard(ranking: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """The ranking with ``nlu_fallback`` first (confidence 1.0) and the classifiers' readings below it."""
    override = {"name": FALLBACK_INTENT, "confidence": 1.0}
    return [override, *[r for r in ranking if r.get("name") != FALLBACK_INTENT]]


try:  # Rasa is only in the Rasa venv; the vocabulary part above is plain Python
    from rasa.engine.graph import ExecutionContext, GraphComponent
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.engine.storage.resource import Resource
    from rasa.engine.storage.storage import ModelStorage
    from rasa.shared.nlu.constants import INTENT, TEXT
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData
except ImportError:  # pragma: no cover - application venv
    pass
else:

    @DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
    class NoiseGuard(GraphComponent):
        """Makes a message with no known word ``nlu_fallback`` (see module doc)."""

        def __init__(
            self,
            model_storage: ModelStorage,
            resource: Resource,
            vocabulary: Optional[NoiseVocabulary] = None,
        ) -> None:
            self._model_storage = model_storage
            self._resource = resource
            self.vocabulary = vocabulary or NoiseVocabulary()

        @classmethod
        def create(
            cls,
            config: Dict[Text, Any],
            model_storage: ModelStorage,
            resource: Resource,
            execution_context: ExecutionContext,
        ) -> "NoiseGuard":
            return cls(model_storage, resource)

        def train(self, training_data: TrainingData) -> Resource:
            examples = [m for m in training_data.training_examples if (m.get(TEXT) or "").strip()]
            texts, intents = [m.get(TEXT) for m in examples], [m.get(INTENT) for m in examples]
            self.vocabulary = NoiseVocabulary.fit(texts, intents)
            with self._model_storage.write_to(self._resource) as directory:
                self.vocabulary.save(directory, texts, intents)
            return self._resource

        @classmethod
        def load(
            cls,
            config: Dict[Text, Any],
            model_storage: ModelStorage,
            resource: Resource,
            execution_context: ExecutionContext,
            **kwargs: Any,
        ) -> "NoiseGuard":
            vocabulary = None
            try:
                with model_storage.read_from(resource) as directory:
                    if (directory / FILENAME).is_file():
                        vocabulary = NoiseVocabulary.load(directory)
            except ValueError:  # nothing was persisted
                pass
            return cls(model_storage, resource, vocabulary)

        def process(self, messages: List[Message]) -> List[Message]:
            for message in messages:
                if not self.vocabulary.is_noise(message.get(TEXT) or ""):
                    continue
                ranking = guard(message.get("intent_ranking") or [])
                message.set("intent", dict(ranking[0]), add_to_output=True)
                message.set("intent_ranking", ranking, add_to_output=True)
                message.set(FLAG_KEY, True, add_to_output=True)
            return messages
