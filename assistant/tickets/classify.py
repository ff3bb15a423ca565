"""Automatic category of a complaint, among the 12 categories of the 12345 hotline.

A weighted keyword lexicon (its matches are the ``cues`` staff see) is combined with a
small character n-gram classifier trained on the hand-written complaints in
``data/complaints_train.jsonl``; the classifier breaks ties and covers wordings the
lexicon misses. It trains in well under a second, so it is fitted on first use from
that file rather than shipped as a pickle tied to one scikit-learn version. Staff can
always correct the category.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from assistant.tickets.sentiment import normalize_text

CATEGORIES: tuple[str, ...] = (
    "市政设施", "环境卫生", "噪音扰民", "物业管理", "违章停车", "占道经营",
    "治安", "消防安全", "绿化", "供水供电供气", "邻里纠纷", "其他",
)
FALLBACK_CATEGORY = "其他"
TRAINING_PATH = Path(__file__).resolve().parent / "data" / "complaints_train.jsonl"


@dataclass
class Classification:
    category: str
    confidence: float  # 0..1
    cues: list[str] = field(default_factory=list)


# Keyword -> weight. 3: nearly decisive; 2: strong; 1: suggestive.
LEXICON: dict[str, dict[str, float]] = {
    "市政设施": {
        "路灯": 3, "井盖": 3, "窨井": 3, "下水道": 2, "雨水篦子": 3, "路面": 2, "坑洼": 2, "坑": 1,
        "人行道": 2, "盲道": 2, "红绿灯": 3, "信号灯": 3, "斑马线": 2, "护栏": 2, "路牌": 2,
        "公交站": 2, "站台": 1, "天桥": 2, "地下通道": 2, "道路": 1, "马路": 1, "破损": 1, "塌陷": 2,
        "积水": 1, "排水": 1, "地砖": 2, "台阶": 1, "桥": 1, "公共厕所": 2, "公厕": 2, "健身器材": 2,
        "座椅": 1, "围挡": 1, "施工": 1, "修路": 2, "路": 0.5,
    },
    "环境卫生": {
        "垃圾": 3, "垃圾桶": 3, "垃圾站": 3, "清运": 3, "保洁": 2, "打扫": 2, "卫生": 2, "脏": 2,
        "臭": 2, "异味": 2, "臭味": 2, "苍蝇": 2, "蚊子": 1, "老鼠": 2, "蟑螂": 2, "狗屎": 3,
        "粪便": 2, "污水": 2, "油烟": 2, "烧烤": 1, "焚烧": 2, "烧垃圾": 3, "建筑垃圾": 3, "装修垃圾": 3,
        "小广告": 3, "牛皮癣": 3, "乱贴": 2, "乱扔": 2, "乱倒": 2, "堆放": 1, "杂物": 1, "分类": 1,
        "灰尘": 2, "扬尘": 2, "化粪池": 3, "满了": 1, "没人清理": 2, "脏乱": 2,
        # What is smelt in the air (喷漆的味, 刺鼻, 呛人): the air the neighbours breathe.
        "喷漆": 2, "油漆味": 3, "刺鼻": 2, "呛人": 2, "呛死": 2, "废气": 2, "气味": 2, "味儿大": 2,
        "味道大": 2, "熏人": 2, "熏得": 2,
        # Kitchen waste (泔水桶, 厨余, 剩饭剩菜, 地沟油): waste to be cleared, wherever it stands.
        "泔水": 3, "泔水桶": 3, "潲水": 3, "馊水": 3, "厨余": 3, "剩饭": 2, "剩菜": 2, "地沟油": 3, "油污": 2,
    },
    "噪音扰民": {
        "噪音": 3, "噪声": 3, "吵": 2, "太吵": 3, "扰民": 3, "睡不着": 2, "广场舞": 3, "音响": 2,
        "音乐": 1, "喇叭": 2, "大喇叭": 3, "施工噪音": 3, "夜间施工": 3, "半夜": 1, "凌晨": 1,
        "装修": 1, "电钻": 3, "砸墙": 2, "敲": 1, "跺脚": 2, "唱歌": 2, "ktv": 3, "酒吧": 1,
        "鸣笛": 2, "狗叫": 2, "叫声": 1, "吼": 1, "声音": 1, "震动": 1, "外机": 1, "休息": 1,
        # Machines that are heard before they are seen: a site at night is reported by its noise.
        "打桩": 3, "打桩机": 3, "冲击钻": 3, "切割机": 2, "挖掘机": 1, "夜里": 1, "深夜": 1, "工地": 1,
    },
    "物业管理": {
        "物业": 3, "物业费": 3, "保安": 2, "门禁": 3, "电梯": 2, "业委会": 3, "维修基金": 3,
        "公共维修": 2, "物业公司": 3, "管家": 1, "报修": 2, "不给修": 2, "没人修": 1, "楼道灯": 2,
        "楼道": 1, "单元门": 2, "对讲": 2, "监控": 1, "收费": 1, "停车费": 2, "车位": 1,
        "小区大门": 2, "道闸": 2, "外墙": 2, "屋顶漏": 2, "顶楼漏": 2, "防水": 2, "楼顶": 1,
        "快递柜": 1, "服务差": 1, "不作为": 1, "水箱": 1, "二次供水": 1, "车库": 1, "车库门": 2,
    },
    "违章停车": {
        "停车": 2, "乱停": 3, "乱停车": 3, "违停": 3, "违章停车": 3, "占道停车": 3, "堵路": 1,
        "堵门口": 2, "挡住": 1, "堵住": 1, "车位": 1, "僵尸车": 3, "电动车": 1, "共享单车": 2,
        "单车": 1, "货车": 1, "车": 0.5, "挪车": 3, "占用消防通道": 1, "小区门口": 1, "开不出去": 2,
        "出不去": 1, "停在": 2, "停了": 1, "车牌": 2, "长期停放": 3,
    },
    "占道经营": {
        "小卖部": 1, "超市": 1, "门面": 1, "铺子": 1,
        "摆摊": 3, "摊贩": 3, "小贩": 3, "流动摊": 3, "占道经营": 3, "占道": 2, "出摊": 3,
        "夜市": 2, "地摊": 3, "卖菜": 2, "卖水果": 2, "店外经营": 3, "门口摆": 2, "出店经营": 3,
        "烧烤摊": 3, "早点摊": 3, "占用人行道": 2, "三轮车": 1, "叫卖": 2, "城管": 2, "商铺": 1,
        "店铺": 1, "饭店": 1, "桌子": 1, "摆": 1,
    },
    "治安": {
        "小偷": 3, "偷": 2, "被盗": 3, "盗窃": 3, "丢了": 1, "撬": 3, "抢": 2, "打架": 3, "斗殴": 3,
        "打人": 3, "吸毒": 3, "赌博": 3, "诈骗": 3, "骗": 1, "传销": 3, "可疑": 2, "陌生人": 2,
        "尾随": 3, "偷窥": 3, "威胁": 2, "报警": 2, "派出所": 2, "警察": 2, "醉汉": 2, "闹事": 2,
        "群租": 2, "黄赌毒": 3, "卖淫": 3, "治安": 3, "砸车": 3, "划车": 3, "安全感": 1, "溜门": 3,
    },
    "消防安全": {
        "消防": 3, "消防通道": 3, "灭火器": 3, "消防栓": 3, "消火栓": 3, "着火": 3, "火灾": 3,
        "起火": 3, "冒烟": 2, "烟": 1, "飞线充电": 3, "电动车充电": 3, "楼道充电": 3, "充电": 2,
        "电瓶": 2, "电动车": 1, "安全出口": 3, "应急灯": 3, "疏散": 2, "易燃": 3, "液化气": 2,
        "煤气罐": 3, "烟头": 2, "火": 1, "堆放杂物": 2, "楼道堆": 2, "消防门": 3, "喷淋": 3,
        "烟感": 3, "隐患": 1,
    },
    "绿化": {
        "树": 2, "树木": 3, "树枝": 3, "修剪": 3, "砍树": 3, "绿化": 3, "草坪": 3, "草地": 2,
        "草": 1, "花坛": 3, "绿地": 3, "杂草": 3, "枯死": 2, "毁绿": 3, "种菜": 3, "浇水": 1,
        "树叶": 2, "落叶": 2, "挡光": 2, "挡住阳光": 2, "树根": 2, "倒伏": 2, "虫害": 2,
        "打药": 2, "毛毛虫": 2, "柳絮": 2, "杨絮": 2, "花草": 2, "灌木": 3, "绿化带": 3,
    },
    "供水供电供气": {
        "停水": 3, "停电": 3, "没水": 3, "没电": 3, "水压": 3, "水小": 2, "水质": 3, "水黄": 3,
        "自来水": 3, "水管": 2, "爆管": 3, "漏水": 2, "水表": 3, "电表": 3, "电压": 3, "跳闸": 3,
        "断电": 3, "燃气": 3, "煤气": 3, "天然气": 3, "气压": 2, "暖气": 3, "供暖": 3, "不热": 2,
        "热水": 2, "水费": 3, "电费": 3, "燃气费": 3, "漏气": 3, "电线": 2, "变压器": 3, "电箱": 2,
        "配电箱": 3, "漏电": 3, "供水": 3, "供电": 3, "供气": 3, "浑浊": 2, "水龙头": 2,
        # Water running from a pipe, said without 漏水 (有水往下淌, 管子破了, 跑水): the supply's.
        "管子": 2, "管道": 2, "水往下": 2, "往下淌": 2, "淌水": 2, "冒水": 2, "跑水": 3, "进水": 2,
        "渗漏": 2, "水管破": 3, "管子破": 3, "管子裂": 3,
    },
    "邻里纠纷": {
        "邻居": 2, "楼上": 1, "楼下": 1, "隔壁": 1, "对门": 2, "纠纷": 3, "吵架": 3, "矛盾": 3,
        "占用公共": 2, "私占": 3, "堆在门口": 2, "鞋柜": 2, "漏水到": 2, "渗水": 1, "养狗": 2,
        "狗": 1, "猫": 1, "宠物": 2, "鸽子": 2, "养鸡": 3, "晾衣服": 2, "滴水": 2, "空调水": 2,
        "协商": 2, "调解": 3, "不讲理": 2, "骂": 2, "私搭乱建": 2, "违建": 2, "围墙": 1, "占地": 2,
        "他们家": 2, "他家": 2,
    },
    "其他": {
        "咨询": 2, "建议": 2, "表扬": 3, "感谢": 2, "政策": 2, "办证": 2, "证明": 2, "社保": 3,
        "医保": 3, "低保": 3, "补贴": 3, "户口": 3, "居住证": 3, "疫苗": 2, "养老金": 3, "活动": 1,
        "请问": 1, "怎么办理": 2, "哪里办": 2, "网络": 1, "宽带": 2, "信号": 2, "快递": 1,
    },
}


def load_examples(path: Path) -> list[tuple[str, str]]:
    """(text, category) pairs from a JSON-lines file of {"text", "category"}."""
    examples = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                row = json.loads(line)
                examples.append((row["text"], row["category"]))
    return examples


def train_model(examples: list[tuple[str, str]]):
    """Character 1-3 gram TF-IDF + logistic regression over the examples."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1),
        LogisticRegression(C=10.0, max_iter=2000),
    )
    model.fit([normalize_text(t) for t, _ in examples], [c for _, c in examples])
    return model


@lru_cache(maxsize=1)
def _load_model():
    """The n-gram classifier, or None without its training file (the lexicon alone decides)."""
    if not TRAINING_PATH.exists():
        return None
    return train_model(load_examples(TRAINING_PATH))


def lexicon_scores(text: str) -> dict[str, tuple[float, list[str]]]:
    """Per category: summed weight of matched keywords (a longer keyword hides the
    shorter ones inside it, so 消防通道 is not also 通道) and the matched keywords."""
    normalized = normalize_text(text)
    result: dict[str, tuple[float, list[str]]] = {}
    for category, words in LEXICON.items():
        matched = [w for w in words if w in normalized]
        matched = [w for w in matched if not any(w != o and w in o for o in matched)]
        if matched:
            result[category] = (sum(words[w] for w in matched), sorted(matched, key=lambda w: -words[w]))
    return result


def _softmax(scores: dict[str, float]) -> dict[str, float]:
    peak = max(scores.values())
    exps = {k: math.exp(v - peak) for k, v in scores.items()}
    total = sum(exps.values())
    return {k: v / total for k, v in exps.items()}


# How much the lexicon's summed weight counts against the model's log-probability.
LEXICON_WEIGHT = 1.0

# Water coming through from above (楼上漏水漏到我家, 天花板往下滴水 楼上渗下来的) is a leak to
# fix, not a quarrel: 楼上 only says where it comes from. It is the neighbours' dispute
# when the resident says so — a neighbour named as the one at fault, a refusal, a
# quarrel — or when it is an air conditioner's or a balcony's water (空调水, 晾衣服滴水).
# Water that moves down (漏/渗/滴/流下来), never 楼上的水声 (a noise) or 水果.
_LEAK_FROM_ABOVE = re.compile(r"漏水|渗水|滴水|漏下来|渗下来|滴下来|流下来|往下滴|往下漏|往下流|漏到|渗到|水漏|渗漏")
_FROM_ABOVE = re.compile(r"楼上|楼顶上|上面一层|上一层|上层")
_NEIGHBOUR_DISPUTE = re.compile(
    r"邻居|他家|他们家|那家|那户|住户|不肯|不认|不理|不开门|不配合|不让|赔|协商|调解|纠纷|吵|骂|矛盾|说了也没用|找过"
    r"|空调|外机|晾|浇花|洗衣机"
)
LEAK_WEIGHT = 3.0

# A shop's goods, tables or stalls put out on the way (小卖部把货全堆人行道上了, 超市的箱子摆到路上):
# the shop occupies the way, 占道经营; the pavement is where, not what is broken.
_SHOP = r"小卖部|超市|[\u4e00-\u9fff]{0,3}(?:店|铺)(?:里|家|老板)?|门面|饭馆|餐馆|商户|老板"
_PUT_OUT = r"[堆摆放搁占摊铺码垒]"
_THE_WAY = r"人行道|马路|路上|路边|道上|街上|门口|过道|盲道"
_SHOP_ON_THE_WAY = re.compile(rf"(?:{_SHOP})[^，,。！!？?]{{0,10}}{_PUT_OUT}[^，,。！!？?]{{0,6}}(?:{_THE_WAY})")
# What a shop puts out that is its waste (饭店把泔水桶摆在人行道上, 垃圾堆门口): the waste is the
# matter (环境卫生), not business done on the way.
_WASTE_PUT_OUT = re.compile(r"泔水|潲水|馊水|厨余|垃圾|剩饭|剩菜|地沟油|油污|污水")
SHOP_OUT_WEIGHT = 3.0


# Words whose 火 is no fire: 黑灯瞎火 is pitch dark (a lamp out, read as the 黑 it says), 上火 /
# 火气 / 恼火 a temper, 火急火燎 a hurry, 火车 / 火锅 / 火腿 / 火龙果 things. Left in, their 火 (and
# the model's 火 n-grams) filed a dark stairwell under 消防安全.
_NOT_FIRE = (("黑灯瞎火", "很黑"), ("火急火燎", ""), ("火气", ""), ("恼火", ""),
             ("火车", ""), ("火锅", ""), ("火腿", ""), ("火龙果", ""))
# 上火 is a temper only after a body or a feeling (嘴上火, 急得上火, 容易上火); after a place it is
# "on … a fire" (阳台上火苗窜起来了, 屋顶上火光一片, 楼上火很大), which is the fire itself. The bare
# adverbs 又 / 都 are not a body: 二楼又上火了 is the second floor on fire again (final review 23 SHOULD 5).
_TEMPER_UP_RE = re.compile(r"(?:嘴|嘴巴|口|牙|喉咙|嗓子|眼睛|心里|急|气|愁|容易|有点|有些|老是|总是)上火")


def _without_idle_fire(text: str) -> str:
    text = _TEMPER_UP_RE.sub("", text)
    for words, meaning in _NOT_FIRE:
        text = text.replace(words, meaning)
    return text


def classify_category(text: str) -> Classification:
    """The likeliest category, a confidence in [0, 1] and the cues behind it."""
    text = _without_idle_fire(text or "")
    normalized = normalize_text(text)
    if not normalized:
        return Classification(FALLBACK_CATEGORY, 0.0, [])
    lexicon = lexicon_scores(normalized)
    # Typos and dialect words the safety net knows (电题 -> 电梯, 𨋢 -> 电梯): a keyword
    # found only once they are fixed counts as if typed right.
    from assistant.safety.normalise import normalise as fix_typos

    for category, (weight, words) in lexicon_scores(fix_typos(text)).items():
        if weight > lexicon.get(category, (0.0, []))[0]:
            lexicon[category] = (weight, words)
    combined = {c: LEXICON_WEIGHT * lexicon.get(c, (0.0, []))[0] for c in CATEGORIES}
    model = _load_model()
    if model is not None:
        probabilities = model.predict_proba([normalized])[0]
        for category, p in zip(model.classes_, probabilities):
            combined[category] += math.log(max(p, 1e-6)) + math.log(len(CATEGORIES))
    elif not lexicon:
        return Classification(FALLBACK_CATEGORY, 0.2, [])
    leak = _LEAK_FROM_ABOVE.search(normalized)
    if leak and _FROM_ABOVE.search(normalized) and not _NEIGHBOUR_DISPUTE.search(normalized):
        combined["邻里纠纷"] -= LEXICON_WEIGHT * lexicon.pop("邻里纠纷", (0.0, []))[0]
        combined["供水供电供气"] += LEAK_WEIGHT
        weight, words = lexicon.get("供水供电供气", (0.0, []))
        lexicon["供水供电供气"] = (weight + LEAK_WEIGHT, [leak.group(0), *(w for w in words if w != leak.group(0))])
    shop_out = _SHOP_ON_THE_WAY.search(normalized)
    if shop_out and _WASTE_PUT_OUT.search(shop_out.group(0)):
        combined["环境卫生"] += SHOP_OUT_WEIGHT
        weight, words = lexicon.get("环境卫生", (0.0, []))
        lexicon["环境卫生"] = (weight + SHOP_OUT_WEIGHT, [shop_out.group(0), *words])
    elif shop_out:
        combined["占道经营"] += SHOP_OUT_WEIGHT
        weight, words = lexicon.get("占道经营", (0.0, []))
        lexicon["占道经营"] = (weight + SHOP_OUT_WEIGHT, [shop_out.group(0), *words])
    posterior = _softmax(combined)
    best = max(posterior, key=posterior.get)
    cues = [f"关键词：{w}" for w in lexicon.get(best, (0.0, []))[1][:5]]
    if model is not None and not cues:
        cues = ["模型判断（未命中关键词）"]
    return Classification(best, round(posterior[best], 4), cues)

