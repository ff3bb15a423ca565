"""Sentiment and urgency of a resident's complaint.

``score_sentiment`` combines a linear model (hashed character 1-3 grams, TF-IDF,
logistic regression; trained by ``bench/train_sentiment.py`` on product reviews with
every product category weighted alike, plus a few hundred hand-written service reviews
-- delivery, hotel, property, repairs, community services -- weighted up so the model
carries to service wording; see ``data/PROVENANCE.md``) with a small hand-written lexicon
of service-domain cues. The lexicon does two jobs: it is fed to the model as two extra
features (so the model learns how much to trust it), and its matches are the
human-readable ``cues`` that staff see next to the score. Without the model file the
lexicon alone decides. The lexicon handles negation (不热情, 没有腥味, 不乱收费),
irony in quotation marks (真是“高效”) and contrast (cues after 但是/可惜 outweigh those
before).

The label is ``neutral`` only for texts without an opinion signal (no lexicon cue, and a
short question/request or a model logit within ``OPINION_MIN_LOGIT`` of 0); any other
text, a weak review included, is labelled by the sign of its score.

``assess_urgency`` is rules only: staff must be able to read why a ticket is urgent,
and a safety hazard must never depend on a statistical model's mood.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np

MODEL_PATH = Path(__file__).resolve().parent / "data" / "sentiment.joblib"

SentimentLabel = Literal["negative", "neutral", "positive"]
UrgencyLevel = Literal["normal", "urgent", "emergency"]

# |score| below this is "neutral" -- but only for texts without an opinion signal
# (see ``has_opinion_signal``): a review always gets a polar label, however weak its
# score, because "neutral" on a review is a wrong answer for its readers.
NEUTRAL_BAND = 0.2
# A text with no lexicon cue still counts as opinionated when the model's logit is at
# least this far from 0 (and it is not a short question/request). Calibrated on the
# leave-one-category-out logits and the dev sets (bench/sentiment_approaches.md, round 3):
# every step towards 0 helped both; 0.02 keeps "no opinion" for a text the model cannot
# tell apart from a coin flip. Questions and requests stay neutral through is_factual.
OPINION_MIN_LOGIT = 0.02


@dataclass
class Sentiment:
    score: float  # -1 (very negative) .. 1 (very positive)
    label: SentimentLabel
    cues: list[str] = field(default_factory=list)


@dataclass
class Urgency:
    level: UrgencyLevel
    cues: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Lexicon. Words that carry sentiment in service settings (delivery, hotel,
# property management, community services) which product reviews seldom use.
# Longer entries win over their substrings (不干净 over 干净), so negated forms
# are listed explicitly where the plain negator rule would be wrong (不错 is praise).
# ---------------------------------------------------------------------------
POSITIVE_TERMS: tuple[str, ...] = (
    "不错", "挺好", "很好", "真好", "太好了", "好评", "五星", "满意", "非常满意", "喜欢", "推荐", "值得",
    "赞", "点赞", "棒", "给力", "完美", "惊喜", "舒服", "舒适", "干净", "整洁", "卫生好", "安静",
    "热情", "周到", "耐心", "细心", "贴心", "用心", "负责", "专业", "礼貌", "友好", "客气", "及时",
    "准时", "送得快", "很快", "干干净净", "放松", "开心", "暖心", "感动", "照顾", "高效", "公道", "过硬", "利索", "麻利", "到位", "省心", "新鲜", "好吃", "美味", "可口", "香",
    "分量足", "实惠", "划算", "性价比高", "方便", "便利", "温馨", "宽敞", "明亮", "隔音好", "感谢",
    "谢谢", "辛苦了", "下次还来", "还会再来", "会回购", "回头客", "服务好", "态度好", "服务到位",
    "解决了", "修好了", "处理得快", "响应快", "放心", "靠谱", "超值", "物美价廉", "一流", "优秀",
    # Food, lodging and trades (added with the service training sentences, 5 Dec).
    "入味", "鲜嫩", "嫩滑", "酥脆", "地道", "正宗", "好喝", "量大", "量足", "实在", "厚道", "良心",
    "合理", "透明", "守时", "准点", "手艺好", "技术好", "热乎", "合胃口", "合口味", "过瘾", "绝了",
    "没话说", "无可挑剔", "挑不出毛病", "物有所值", "花得值", "很值", "心甘情愿", "安心", "省心",
    "有诚意", "和气", "亲切", "热心", "体贴", "舒坦", "合身", "齐全", "丰富", "精致", "圈粉",
    "一如既往", "爱吃", "惊艳", "清爽", "软硬适中", "恰到好处", "好多了", "没坏", "想得周到", "nice",
    "没问题", "没啥问题", "没什么问题", "没毛病", "好玩", "治愈", "实用", "太值了",
    "辛苦你们", "辛苦您", "辛苦大家",
)
NEGATIVE_TERMS: tuple[str, ...] = (
    "差", "很差", "太差", "差评", "垃圾", "失望", "后悔", "不满意", "不满", "不好", "不行", "不值",
    "糟糕", "恶心", "难吃", "难闻", "太慢", "很慢", "慢死了", "送餐慢", "送得慢", "超时", "迟到", "等了",
    "态度差", "态度恶劣", "态度不好", "服务差", "不理人", "爱答不理", "敷衍", "推诿", "扯皮", "踢皮球",
    "不耐烦", "凶", "骂人", "脏", "很脏", "不干净", "脏乱差", "臭", "异味", "霉味", "蟑螂", "虫子",
    "吃出头发", "有头发", "隔音差", "隔音不好", "吵", "太吵", "噪音", "冷了", "凉了", "洒了", "漏了", "少送", "送错",
    "漏送", "贵", "太贵", "坑", "坑人", "骗", "骗子", "欺骗", "投诉", "退款", "退钱", "没人管", "不管",
    "没人理", "不处理", "不解决", "一直没修", "还没修", "没修好", "坏了", "破", "旧", "简陋", "潮湿",
    "闷", "拉肚子", "生气", "气死", "气人", "愤怒", "受不了", "忍无可忍", "崩溃", "过分", "太过分",
    "无语", "郁闷", "烦", "烦死", "闹心", "糟心", "不靠谱", "不会再来", "千万别", "别买",
    # 再也不 only as "never again" (再也不漏水了 is praise: the negator rule handles it).
    "再也不来", "再也不去", "再也不点", "再也不买", "再也不住", "再也不敢", "再也不会来", "再也不会去",
    "再也不会点", "再也不会买", "再也不会住", "不会再点", "不会再买", "不会再住", "不会再去", "不会再订",
    "不推荐", "呵呵", "坑爹", "无良", "黑心", "一般般", "将就", "凑合", "不新鲜", "变质", "过期",
    # Food, lodging and trades (added with the service training sentences, 5 Dec).
    "腥味", "很腥", "太腥", "馊", "夹生", "没熟", "太咸", "很咸", "好咸", "偏咸", "咸死", "齁",
    "油腻", "太油", "没味", "寡淡", "缩水", "量少", "分量少", "太少", "吃不饱", "少给", "偷工减料",
    "缺斤短两", "乱收费", "坐地起价", "宰客", "黑店", "冷冰冰", "冷淡", "冷漠", "爱理不理", "不理不睬",
    "拖着", "磨蹭", "推脱", "走形式", "白跑", "白等", "白花钱", "白瞎", "可惜", "闹肚子", "难受",
    "陈旧", "老化", "破旧", "发霉", "潮乎乎", "返味", "睡不着", "没睡好", "不专业", "粗心", "马虎",
    "糊弄", "缺了", "漏水", "坨了", "嚣张", "爱吃不吃", "爱买不买", "爱住不住", "沙子", "个寂寞",
    "是凉的", "是冷的",
)
# Phrases that contain a cue but carry no sentiment (不好意思 is politeness, 差不多
# is "about"): matched first so the cue inside them is not counted.
BLOCKED_TERMS: tuple[str, ...] = (
    "不好意思", "差不多", "差点", "香菜", "不客气", "别客气", "好不好", "行不行", "好几", "好多",
    "好像", "只好", "正好", "刚好", "问题不大", "没想到", "不仅", "不但", "不管是", "不得不", "不知道",
    "不用说", "不一会", "不久", "出差", "防止漏水", "老化小区",
    # 垃圾 as a topic (rubbish to collect), not as a verdict (垃圾服务).
    "垃圾分类", "垃圾桶", "垃圾站", "垃圾袋", "垃圾房", "垃圾车", "倒垃圾", "扔垃圾", "装修垃圾",
    "建筑垃圾", "生活垃圾", "垃圾清运",
)
# Strong feelings named in the cues as 负面情绪 (they also count for urgency).
EMOTION_TERMS: tuple[str, ...] = (
    "很生气", "非常生气", "太生气", "生气", "气死", "气人", "愤怒", "受不了", "忍无可忍", "崩溃",
    "太过分", "欺人太甚", "没人管", "投诉无门", "再不解决", "找媒体", "曝光", "要告", "烦死",
)
# A negator right before a cue flips it (不热情, 没有及时, 不太干净), and so does one a
# few characters before within the same clause (没让人失望). 别 and 无 are left out:
# they hide inside 特别 and 无比.
NEGATORS: tuple[str, ...] = ("一点也不", "一点都不", "并不", "不太", "不够", "没有", "没", "不", "未")
NEGATION_WINDOW = 3
# A negative cue followed by these is denied (一点异味都没有, 蟑螂也没有).
POST_NEGATION = re.compile(r"^(都|也|完全|根本|一点)?(没有|没|不存在)")
CLAUSE_BREAK = re.compile(r"[，,。.！!？?；;、\s]")

# Aspect + degree + verdict, generated rather than listed: 态度特别好, 送餐速度非常慢...
ASPECTS = ("态度", "服务", "服务态度", "味道", "口味", "环境", "卫生", "质量", "设施", "位置",
           "性价比", "隔音", "床", "房间", "菜", "饭菜", "师傅", "人员", "员工")
SPEED_ASPECTS = ("速度", "送餐", "配送", "送货", "上菜", "出餐", "效率", "响应", "处理", "维修", "反应")
DEGREES = ("", "很", "特别", "非常", "超", "超级", "挺", "真", "太", "十分", "相当", "比较", "都", "也", "还")
VERDICTS = {"好": 1, "棒": 1, "赞": 1, "不错": 1, "满意": 1, "差": -1, "糟糕": -1, "一般": -1, "烂": -1}
SPEED_VERDICTS = {"快": 1, "及时": 1, "高": 1, "慢": -1, "低": -1, "拖拉": -1}


def _generated_terms() -> list[tuple[str, int]]:
    terms = [(a + d + v, p) for a in ASPECTS for d in DEGREES for v, p in VERDICTS.items()]
    terms += [(a + d + v, p) for a in SPEED_ASPECTS for d in DEGREES for v, p in SPEED_VERDICTS.items()]
    return terms


# Requests and questions with no sentiment cue are factual, not negative. Narrow on
# purpose: rhetorical questions in reviews (这也叫牛奶吗？) must keep their sentiment,
# so only short texts that open as a request or end as a question count. 还是 counts
# only as "A 还是 B" (两张床还是一张床), not as "still" (饭还是热乎的, 还是一样).
FACTUAL_MARKERS = re.compile(
    r"^(请问|想问|问一下|我想|我要|帮我|请帮|麻烦|能不能|可不可以|能否|咨询)|(吗|呢)[？?]?$|"
    r"(几点|几号|多少|多久|在哪|哪里|怎么交|怎么办理|有没有|是不是|是.{1,8}还是).{0,8}$"
)
FACTUAL_MAX_CHARS = 25
# The model's logits are sharpened before the tanh: out of its training domain it is
# right more often than its raw probabilities say (on the held-out 蒙牛 fold, scale 1 put
# 15% of reviews in the neutral band, scale 2 only 8%, with the same signs).
LOGIT_SCALE = 2.0
# Factual texts: the model, trained on reviews, reads most plain statements as mild
# complaints, so without a sentiment cue its lean is damped this much.
FACTUAL_DAMPING = 0.15


def normalize_text(text: str) -> str:
    """NFKC (full-width to half-width), lower case, without BOM or surrounding blanks."""
    return unicodedata.normalize("NFKC", text or "").replace("\ufeff", "").strip().lower()


@lru_cache(maxsize=1)
def _lexicon() -> list[tuple[str, int]]:
    entries = [(t, 1) for t in POSITIVE_TERMS] + [(t, -1) for t in NEGATIVE_TERMS]
    entries += _generated_terms()
    entries += [(t, 0) for t in BLOCKED_TERMS]
    # Blocked phrases first, then longest first: a cue never claims part of a blocked
    # phrase, and 不干净 wins over 干净.
    return sorted(entries, key=lambda e: (e[1] != 0, -len(e[0])))


@lru_cache(maxsize=1)
def _lexicon_by_first_char() -> dict[str, list[tuple[int, str, int]]]:
    index: dict[str, list[tuple[int, str, int]]] = {}
    for order, (term, polarity) in enumerate(_lexicon()):
        index.setdefault(term[0], []).append((order, term, polarity))
    return index


def _candidates(text: str) -> list[tuple[str, int]]:
    """The lexicon entries whose first character occurs in text, in lexicon order
    (a few hundred of the ~4,000 for a short text)."""
    index = _lexicon_by_first_char()
    found = [entry for char in set(text) for entry in index.get(char, ())]
    return [(term, polarity) for _, term, polarity in sorted(found)]


# Praise in quotation marks is irony (真是“高效”，从夏天拖到冬天): the cue flips.
OPENING_QUOTES = "“\"'‘「『"
CLOSING_QUOTES = "”\"'’」』"


def _quoted(text: str, start: int, end: int) -> bool:
    return start > 0 and end < len(text) and text[start - 1] in OPENING_QUOTES and text[end] in CLOSING_QUOTES


def lexicon_hits(text: str) -> list[tuple[int, int, str, int, bool]]:
    """(start, end, matched phrase, polarity, flipped) for each lexicon hit in the
    normalised text, in text order; ``flipped`` when negation or irony reversed the
    cue's polarity (不热情, 没有腥味, “高效”).

    Longest entries first, and a matched span is consumed, so 不干净 does not also count
    as 干净. Praise in quotation marks counts as irony (“实惠” -> negative)."""
    text = normalize_text(text)
    taken = [False] * len(text)
    hits: list[tuple[int, int, str, int, bool]] = []
    for term, polarity in _candidates(text):
        start = text.find(term)
        while start != -1:
            end = start + len(term)
            if not any(taken[start:end]):
                phrase, pol, first, last = term, polarity, start, end
                negated = _negator_before(text, start, taken)
                post = POST_NEGATION.match(text[end:end + 4]) if polarity < 0 else None
                if negated is not None:  # 不热情 -> negative, 不差 -> positive
                    phrase, pol, first = text[negated:end], -polarity, negated
                elif post:  # 一点异味都没有
                    phrase, pol, last = term + post.group(0), 1, end + len(post.group(0))
                elif polarity > 0 and _quoted(text, start, end):
                    phrase, pol, first, last = text[start - 1:end + 1], -1, start - 1, end + 1
                for i in range(first, last):
                    taken[i] = True
                hits.append((first, last, phrase, pol, pol != polarity))
            start = text.find(term, end)
    return [hit for hit in sorted(hits) if hit[3] != 0]


def lexicon_matches(text: str) -> list[tuple[str, int]]:
    """(matched phrase, polarity) for each lexicon hit, in text order, negation and
    irony applied (see ``lexicon_hits``)."""
    return [(phrase, pol) for _, _, phrase, pol, _ in lexicon_hits(text)]


def _negator_before(text: str, start: int, taken: list[bool]) -> int | None:
    """Where a negator governing the cue at ``start`` begins, or None."""
    window_start = max(0, start - NEGATION_WINDOW - 4)
    window = text[window_start:start]
    breaks = [m.end() for m in CLAUSE_BREAK.finditer(window)]
    if breaks:
        window_start += breaks[-1]
        window = text[window_start:start]
    for neg in NEGATORS:
        at = window.rfind(neg)
        if at == -1:
            continue
        gap = len(window) - at - len(neg)  # characters between negator and cue
        begin = window_start + at
        if gap <= NEGATION_WINDOW and not any(taken[begin:begin + len(neg)]):
            return begin
    return None


# In "A，但是 B" the verdict is B: cues before the last contrast marker count less, cues
# after it more (好吃是挺好吃的，可惜吃完闹肚子 is a complaint; 虽然贵了点，但是食材好 is praise).
CONTRAST_MARKERS = re.compile(r"但是|但|可是|不过|可惜|然而|却")
BEFORE_CONTRAST = 0.5
AFTER_CONTRAST = 1.5


def weighted_hits(text: str) -> list[tuple[str, int, float]]:
    """(phrase, polarity, weight) per lexicon hit, weighted by its side of the last contrast."""
    normalized = normalize_text(text)
    hits = lexicon_hits(normalized)
    markers = [m.start() for m in CONTRAST_MARKERS.finditer(normalized)]
    if not markers:
        return [(phrase, pol, 1.0) for _, _, phrase, pol, _ in hits]
    last = markers[-1]
    return [(phrase, pol, BEFORE_CONTRAST if end <= last else AFTER_CONTRAST)
            for _, end, phrase, pol, _ in hits]


def lexicon_fingerprint() -> str:
    """Short hash of everything lexicon_features depends on. The model stores the one it
    was trained with: a lexicon edited since then changes the model's inputs, so retrain."""
    import hashlib

    parts = [f"{t}\t{p}" for t, p in _lexicon()] + list(NEGATORS) + [
        str(NEGATION_WINDOW), POST_NEGATION.pattern, CLAUSE_BREAK.pattern, OPENING_QUOTES, CLOSING_QUOTES,
        CONTRAST_MARKERS.pattern, str(BEFORE_CONTRAST), str(AFTER_CONTRAST)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def lexicon_features(text: str) -> np.ndarray:
    """The two lexicon features the model sees: log(1 + positive weight) and
    log(1 + negative weight), each hit weighted by ``weighted_hits``."""
    hits = weighted_hits(text)
    pos = sum(w for _, p, w in hits if p > 0)
    neg = sum(w for _, p, w in hits if p < 0)
    return np.array([math.log1p(pos), math.log1p(neg)], dtype=np.float32)


# ---------------------------------------------------------------------------
# The statistical model. Stored as plain arrays (not a pickled sklearn object) so the
# file does not depend on the scikit-learn version that trained it.
# ---------------------------------------------------------------------------
@dataclass
class SentimentModel:
    n_features: int
    ngram_range: tuple[int, int]
    feature_index: np.ndarray  # int32, sorted hashed feature ids that carry weight
    idf: np.ndarray  # float32, idf of those features
    coef: np.ndarray  # float32, weight of those features
    lexicon_coef: np.ndarray  # float32 (2,), weights of lexicon_features
    lexicon_scale: float
    intercept: float
    meta: dict

    def __post_init__(self) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer

        self._vectorizer = HashingVectorizer(analyzer="char", ngram_range=tuple(self.ngram_range),
                                             n_features=self.n_features, alternate_sign=False,
                                             norm=None, lowercase=False)

    def decision(self, texts: list[str]) -> np.ndarray:
        """Logit of "positive" for each text."""
        normalized = [normalize_text(t) for t in texts]
        counts = self._vectorizer.transform(normalized).tocsr()
        counts = counts[:, self.feature_index]  # features unseen in training have no weight
        counts.data = 1.0 + np.log(counts.data)  # sublinear tf, as in training
        tfidf = counts.multiply(self.idf.reshape(1, -1)).tocsr()
        norms = np.sqrt(np.asarray(tfidf.multiply(tfidf).sum(axis=1))).ravel()
        norms[norms == 0] = 1.0
        char_part = np.asarray(tfidf @ self.coef).ravel() / norms
        lex = np.vstack([lexicon_features(t) for t in normalized]) * self.lexicon_scale
        return char_part + lex @ self.lexicon_coef + self.intercept


def model_from_dict(data: dict) -> SentimentModel:
    return SentimentModel(
        n_features=int(data["n_features"]), ngram_range=tuple(data["ngram_range"]),
        feature_index=np.asarray(data["feature_index"], dtype=np.int32),
        idf=np.asarray(data["idf"], dtype=np.float32), coef=np.asarray(data["coef"], dtype=np.float32),
        lexicon_coef=np.asarray(data["lexicon_coef"], dtype=np.float32),
        lexicon_scale=float(data["lexicon_scale"]), intercept=float(data["intercept"]),
        meta=dict(data.get("meta", {})),
    )


@lru_cache(maxsize=1)
def load_model(path: Path | None = None) -> SentimentModel | None:
    """The shipped model, loaded once; None when the file is missing (lexicon only)."""
    import joblib

    path = path or MODEL_PATH
    if not path.exists():
        return None
    return model_from_dict(joblib.load(path))


# ---------------------------------------------------------------------------
# Sentiment
# ---------------------------------------------------------------------------
def label_from_score(score: float) -> SentimentLabel:
    if score >= NEUTRAL_BAND:
        return "positive"
    if score <= -NEUTRAL_BAND:
        return "negative"
    return "neutral"


def _cues(hits: list[tuple[str, int]], text: str) -> list[str]:
    cues: list[str] = []
    normalized = normalize_text(text)
    for term in EMOTION_TERMS:
        if term in normalized and not any(term in c for c in cues):
            cues.append(f"负面情绪：{term}")
    for phrase, pol in hits:
        cue = f"{'正面' if pol > 0 else '负面'}：{phrase}"
        if cue not in cues and not any(phrase in c for c in cues if c.startswith("负面情绪")):
            cues.append(cue)
    return cues[:8]


def is_factual(text: str, hits: list[tuple[str, int]]) -> bool:
    """A short question or request with no sentiment cue (请问几点开门, 我想预约理发)."""
    normalized = normalize_text(text)
    return not hits and len(normalized) <= FACTUAL_MAX_CHARS and bool(FACTUAL_MARKERS.search(normalized))


def has_opinion_signal(logit: float, text: str, hits: list[tuple[str, int]]) -> bool:
    """Whether the text expresses an opinion: a lexicon cue, or (outside questions and
    requests) a model logit clearly away from 0. Only texts without one may be neutral."""
    if hits:
        return True
    if is_factual(text, hits):
        return False
    return abs(logit) >= OPINION_MIN_LOGIT


def label_for(score: float, logit: float, text: str, hits: list[tuple[str, int]]) -> SentimentLabel:
    """The run-time label: polar by the score's sign when the text carries an opinion
    (a weak review is still a review), otherwise the neutral band decides."""
    if has_opinion_signal(logit, text, hits) and score != 0.0:
        return "positive" if score > 0 else "negative"
    return label_from_score(score)


def score_from_logit(logit: float, text: str, hits: list[tuple[str, int]]) -> float:
    score = math.tanh(LOGIT_SCALE * logit / 2.0)  # 2 * sigmoid(scale * logit) - 1
    if is_factual(text, hits):
        # A question or request with no sentiment word: the model's lean on such texts
        # is noise learned from reviews, so damp it towards neutral.
        score *= FACTUAL_DAMPING
    return max(-1.0, min(1.0, score))


def _lexicon_only_logit(text: str) -> float:
    return 1.5 * sum(p * w for _, p, w in weighted_hits(text))


def score_sentiment_batch(texts: list[str]) -> list[Sentiment]:
    """Score many texts at once (one model call): used by the CLI and benchmarks."""
    model = load_model()
    all_hits = [lexicon_matches(t) for t in texts]
    if model is not None and texts:
        logits = model.decision(list(texts))
    else:
        logits = np.array([_lexicon_only_logit(t) for t in texts])
    results = []
    for text, hits, logit in zip(texts, all_hits, logits):
        if not normalize_text(text):
            results.append(Sentiment(0.0, "neutral", []))
            continue
        score = round(score_from_logit(float(logit), text, hits), 4)
        label = label_for(score, float(logit), text, hits)
        results.append(Sentiment(score, label, _cues(hits, text)))
    return results


def score_sentiment(text: str) -> Sentiment:
    """Sentiment of one text: score in [-1, 1], label, and the cues behind it."""
    return score_sentiment_batch([text])[0]


# ---------------------------------------------------------------------------
# Urgency
# ---------------------------------------------------------------------------
# Acute danger to life: the ticket is an emergency whatever else it says.
ACUTE_HAZARDS: dict[str, str] = {
    "着火": "着火", "起火": "着火", "失火": "着火", "火灾": "着火", "大火": "着火", "明火": "着火",
    "火苗": "着火", "烧起来": "着火", "冒烟": "冒烟", "浓烟": "冒烟", "烟很大": "冒烟",
    "燃气泄漏": "燃气泄漏", "煤气泄漏": "燃气泄漏", "天然气泄漏": "燃气泄漏", "漏气": "燃气泄漏",
    "煤气味": "燃气泄漏", "燃气味": "燃气泄漏", "天然气味": "燃气泄漏", "爆炸": "爆炸",
    "电梯困人": "电梯困人", "困在电梯": "电梯困人", "关在电梯": "电梯困人", "电梯里出不来": "电梯困人",
    "卡在电梯": "电梯困人", "触电": "触电", "电到人": "触电", "塌陷": "塌陷", "坍塌": "塌陷",
    "塌了": "塌陷", "倒塌": "塌陷", "跳楼": "有人轻生", "轻生": "有人轻生", "自杀": "有人轻生",
    "晕倒": "有人晕倒", "昏迷": "有人晕倒", "不省人事": "有人晕倒", "摔倒了起不来": "有人摔倒",
    "流了很多血": "有人受伤", "大出血": "有人受伤", "持刀": "持刀伤人", "砍人": "持刀伤人",
    "打起来了": "正在斗殴", "救命": "呼救", "溺水": "溺水", "坠楼": "有人坠落",
}
# Wordings the fixed list cannot enumerate (着了火, 电梯里困了人, 漏煤气...).
ACUTE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"着了?.?火|起了?.?火|火[起着烧]起?来?了|有火[苗光]?|冒火|火光|烧着了"), "着火"),
    (re.compile(r"漏(煤|燃|天然)?气"), "燃气泄漏"),
    (re.compile(r"电梯.{0,6}(困|关|卡)(了|住|在)?.{0,3}(人|孩子|老人|出不来)|(人|孩子|老人).{0,3}(困|关|卡)在?.{0,3}电梯"),
     "电梯困人"),
)
# Hazards that can hurt someone soon: at least urgent.
POTENTIAL_HAZARDS: dict[str, str] = {
    "漏电": "漏电", "电线裸露": "电线裸露", "电线外露": "电线裸露", "电线老化": "电线老化",
    "飞线充电": "飞线充电", "楼道充电": "电动车违规充电", "电动车充电": "电动车违规充电",
    "消防通道": "消防通道堵塞", "安全出口": "安全出口堵塞", "灭火器": "消防设施缺失",
    "消防栓": "消防设施缺失", "消火栓": "消防设施缺失", "燃气": "燃气隐患", "煤气": "燃气隐患",
    "高空抛物": "高空抛物", "高空坠物": "高空坠物", "掉下来": "高空坠物", "井盖": "井盖缺失或破损",
    "裂缝": "墙体开裂", "开裂": "墙体开裂", "摇摇欲坠": "有坠落危险", "电梯故障": "电梯故障",
    "电梯坏": "电梯故障", "电梯停": "电梯故障", "停电": "停电", "停水": "停水", "没水了": "停水",
    "水管爆": "水管爆裂", "爆管": "水管爆裂", "积水很深": "严重积水", "淹了": "被淹", "被淹": "被淹",
    "倒灌": "污水倒灌", "狗咬": "动物伤人", "咬人": "动物伤人", "护栏坏": "护栏损坏", "树倒": "树木倒伏",
    "断枝": "树木倒伏", "暖气不热": "冬季无暖气", "没有暖气": "冬季无暖气",
}
VULNERABLE: dict[str, str] = {
    "老人": "涉及老人", "老太太": "涉及老人", "老大爷": "涉及老人", "老爷子": "涉及老人",
    "老伴": "涉及老人", "大爷": "涉及老人", "大妈": "涉及老人", "奶奶": "涉及老人", "爷爷": "涉及老人",
    "八十多": "涉及老人", "九十多": "涉及老人", "七十多": "涉及老人", "高龄": "涉及老人",
    "孩子": "涉及儿童", "小孩": "涉及儿童", "儿童": "涉及儿童", "婴儿": "涉及儿童", "宝宝": "涉及儿童",
    "学生": "涉及儿童", "幼儿": "涉及儿童", "残疾": "涉及残障人士", "轮椅": "涉及残障人士",
    "瘫痪": "涉及残障人士", "盲人": "涉及残障人士", "孕妇": "涉及孕妇", "怀孕": "涉及孕妇",
    "独居": "涉及独居人员", "一个人住": "涉及独居人员", "病人": "涉及病人", "生病": "涉及病人",
    "卧床": "涉及病人", "心脏病": "涉及病人", "做透析": "涉及病人",
}
REPEAT_PATTERNS = re.compile(
    r"(反映(了|过)?(好|很|多|无数|[两三四五六七八九十\d]+)[几多]?次|好几次|多次|屡次|一再|反复|再三|又一次|"
    r"第[二三四五六七八九十\d]+次|打了[好很]?[几多两三四五\d]+[次个]电话|一直没人|还是没人|说了多少遍|每次都)"
)
DURATION_PATTERNS = re.compile(
    r"(好几天|好多天|[几两三四五六七八九十\d]+天了|一个?多?星期|[几两三四五六\d]+个?星期|"
    r"一周|[几两三四五六\d]+周|半个月|一个?多?月|[几两三四五六\d]+个月|半年|一年|好久|很久|这么久|"
    r"一直(没|不|都)|至今|到现在还|长期|天天|每天|每晚|整夜)"
)
# Phrases that deny a hazard ("没有着火", "不是漏电") so they do not raise an alarm.
HAZARD_DENIAL = ("没有", "没", "不是", "并非", "无", "防止", "预防", "以防", "担心", "怕")


def _denied(text: str, start: int, deny: tuple[str, ...] = HAZARD_DENIAL) -> bool:
    before = text[max(0, start - 3):start]
    return any(before.endswith(d) for d in deny)


def _find_terms(text: str, table: dict[str, str], deny: tuple[str, ...] = ()) -> list[str]:
    found: list[str] = []
    for term, cue in table.items():
        for match in re.finditer(re.escape(term), text):
            if deny and _denied(text, match.start(), deny):
                continue
            if cue not in found:
                found.append(cue)
            break
    return found


def assess_urgency(text: str, sentiment: Sentiment | None = None, repeat_count: int = 0) -> Urgency:
    """Urgency of a complaint, with the cues behind it.

    emergency: acute danger to life or safety (fire, gas leak, people trapped...).
    urgent: a potential hazard, or at least two aggravating signals among vulnerable
    people, repeated reports, a long-lasting problem and strong anger.
    normal: everything else."""
    normalized = normalize_text(text)
    cues: list[str] = []
    acute = _find_terms(normalized, ACUTE_HAZARDS, HAZARD_DENIAL)
    for pattern, cue in ACUTE_PATTERNS:
        match = pattern.search(normalized)
        if match and cue not in acute and not _denied(normalized, match.start()):
            acute.append(cue)
    potential = [c for c in _find_terms(normalized, POTENTIAL_HAZARDS, HAZARD_DENIAL) if c not in acute]
    # 燃气泄漏 already covers the generic 燃气隐患.
    if "燃气泄漏" in acute and "燃气隐患" in potential:
        potential.remove("燃气隐患")
    cues += [f"紧急险情：{c}" for c in acute]
    cues += [f"安全隐患：{c}" for c in potential]

    signals = 0
    vulnerable = _find_terms(normalized, VULNERABLE)
    if vulnerable:
        signals += 1
        cues += vulnerable
    if repeat_count >= 1 or REPEAT_PATTERNS.search(normalized):
        signals += 1
        cues.append(f"多次反映（已关联 {repeat_count} 件）" if repeat_count >= 1 else "多次反映")
    if DURATION_PATTERNS.search(normalized):
        signals += 1
        cues.append("持续时间长")
    if sentiment is None:
        sentiment = score_sentiment(text)
    # Anger counts when the resident says it in words; a very negative score alone
    # counts only with several negative cues (complaints are all somewhat negative).
    emotions = [c for c in sentiment.cues if c.startswith("负面情绪")]
    negative_cues = [c for c in sentiment.cues if c.startswith("负面")]
    if emotions or (sentiment.score <= -0.9 and len(negative_cues) >= 3):
        signals += 1
        cues += emotions or [f"负面情绪：强烈不满（{sentiment.score:.2f}）"]

    if acute:
        level: UrgencyLevel = "emergency"
    elif potential or signals >= 2:
        level = "urgent"
    else:
        level = "normal"
    return Urgency(level, cues)
