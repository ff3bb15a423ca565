"""Sentiment and urgency with the shipped model (assistant/tickets/data/sentiment.joblib)."""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from assistant.tickets.sentiment import (
    MODEL_PATH,
    Sentiment,
    Urgency,
    assess_urgency,
    lexicon_fingerprint,
    lexicon_matches,
    load_model,
    score_sentiment,
    score_sentiment_batch,
)

ROOT = Path(__file__).resolve().parents[2]
SERVICE_DEV = ROOT / "bench" / "sentiment_service_dev.jsonl"
CROSSDOMAIN_DEV = ROOT / "bench" / "sentiment_crossdomain_dev.jsonl"
SERVICE_TRAIN = ROOT / "assistant" / "tickets" / "data" / "sentiment_service_train.jsonl"
# Floors below the figures measured with the shipped model (bench/results/sentiment.md;
# both are tuning sets, so the figures flatter the model): room for retraining noise, but
# they fail if the model stops loading or falls back towards the product-review-only
# model (0.967 service dev, 0.836 cross-domain dev before the service sentences).
SERVICE_ACCURACY_FLOOR = 0.95
CROSSDOMAIN_ACCURACY_FLOOR = 0.90
CROSSDOMAIN_DOMAIN_FLOOR = 0.86


def _bench_module():
    spec = importlib.util.spec_from_file_location("bench_sentiment", ROOT / "bench" / "sentiment.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_model_is_shipped_and_loads():
    assert MODEL_PATH.exists()
    assert MODEL_PATH.stat().st_size < 10_000_000
    model = load_model()
    assert model is not None
    assert model.meta["n_reviews"] > 50_000


@pytest.mark.parametrize("text", [
    "外卖送得很快，饭菜还是热的，服务很好",
    "房间干净整洁，前台很热情，下次还住",
    "物业师傅上门很及时，一会儿就修好了，谢谢",
])
def test_clear_positive(text):
    result = score_sentiment(text)
    assert isinstance(result, Sentiment)
    assert result.label == "positive"
    assert 0.2 <= result.score <= 1.0
    assert any(c.startswith("正面") for c in result.cues)


@pytest.mark.parametrize("text", [
    "等了两个小时外卖才到，饭全凉了，太差了",
    "酒店房间有霉味，隔音差，再也不来了",
    "物业收了钱什么都不管，投诉好几次了，很生气",
])
def test_clear_negative(text):
    result = score_sentiment(text)
    assert result.label == "negative"
    assert -1.0 <= result.score <= -0.2
    assert any(c.startswith("负面") for c in result.cues)


@pytest.mark.parametrize("text", ["请问社区食堂周末营业吗", "物业办公室的电话是多少", "我想预约下周三上午理发", ""])
def test_questions_and_requests_are_neutral(text):
    # Plain statements without a question or request marker ("我家住三号楼") may still
    # lean negative: the model learned from reviews. See bench/results/sentiment.md.
    result = score_sentiment(text)
    assert result.label == "neutral"
    assert abs(result.score) < 0.2


def test_negation_flips_cues():
    assert ("不干净", -1) in lexicon_matches("房间不干净")
    assert ("不热情", -1) in lexicon_matches("服务员不热情")
    assert ("不错", 1) in lexicon_matches("真不错")  # praise, not a negated 错
    assert ("没让人失望", 1) in lexicon_matches("从来没让人失望过")  # negator a few characters before
    assert ("异味都没有", 1) in lexicon_matches("一点异味都没有")  # negation after the cue
    assert lexicon_matches("不好意思，请问几点开门") == []  # politeness, not a verdict
    assert ("态度特别好", 1) in lexicon_matches("配送员态度特别好")  # generated aspect cue
    assert score_sentiment("服务员一点也不热情").label == "negative"


def test_negated_complaint_words_are_praise():
    # A negator before a complaint word turns it into praise (service reviews say what
    # did NOT go wrong), and the run-time label follows.
    assert ("不油腻", 1) in lexicon_matches("炒饭不油腻")
    assert ("没有腥味", 1) in lexicon_matches("烤串肉很嫩，没有腥味")
    assert ("不乱收费", 1) in lexicon_matches("师傅从不乱收费")
    assert ("不漏水", 1) in lexicon_matches("修好以后再也不漏水了")
    assert ("没问题", 1) in lexicon_matches("试了几次都没问题")
    assert score_sentiment("搬家师傅很仔细，东西一件没坏").label == "positive"
    # ...and a negator before praise is a complaint.
    assert ("不新鲜", -1) in lexicon_matches("菜不新鲜")
    assert score_sentiment("前台一点也不热情，问什么都不耐烦").label == "negative"


def test_quoted_praise_is_irony():
    assert ("“高效”", -1) in lexicon_matches("物业真是“高效”，报修的事从夏天拖到冬天")
    assert ("\"实惠\"", -1) in lexicon_matches('这家真"实惠"，三十块就给半个鸡蛋')
    assert score_sentiment("物业真是“高效”，报修的事从夏天拖到冬天").label == "negative"
    assert ("高效", 1) in lexicon_matches("物业处理得很高效")  # without quotes it is praise


@pytest.mark.parametrize("text", [
    "报修一个多月了没人来，物业电话也打不通",
    "楼下饭店的油烟天天往我家飘，说了几次也不改",
    "上门理发的师傅迟到了一个小时，剪得还很随便",
])
def test_service_complaint_is_negative(text):
    result = score_sentiment(text)
    assert result.label == "negative", result


@pytest.mark.parametrize("text", [
    "谢谢师傅，修得又快又好",
    "感谢网格员大姐每周来看我们老两口",
    "问题当天就解决了，辛苦你们了",
])
def test_thank_you_is_positive(text):
    result = score_sentiment(text)
    assert result.label == "positive", result
    assert any(c.startswith("正面") for c in result.cues)


def test_emotion_cue_is_named():
    result = score_sentiment("反映了好几次都没人管，我很生气")
    assert "负面情绪：很生气" in result.cues


def test_batch_matches_single():
    texts = ["服务很热情", "送餐太慢了", "请问几点开门"]
    assert [s.score for s in score_sentiment_batch(texts)] == [score_sentiment(t).score for t in texts]


def test_service_dev_accuracy_above_floor():
    rows = [json.loads(line) for line in SERVICE_DEV.open(encoding="utf-8") if line.strip()]
    polar = [r for r in rows if r["label"] != "neutral"]
    assert len(polar) >= 100
    predictions = score_sentiment_batch([r["text"] for r in polar])
    accuracy = sum(p.label == r["label"] for p, r in zip(predictions, polar)) / len(polar)
    assert accuracy >= SERVICE_ACCURACY_FLOOR


def test_crossdomain_dev_accuracy_above_floor():
    bench = _bench_module()
    rows = bench.read_sentiment_set(CROSSDOMAIN_DEV)
    assert len(rows) >= 400
    result = bench.sentiment_accuracy(rows, keep_errors=False)
    assert result["accuracy_label"] >= CROSSDOMAIN_ACCURACY_FLOOR, result
    for domain, figures in result["per_domain"].items():
        assert figures["accuracy_label"] >= CROSSDOMAIN_DOMAIN_FLOOR, (domain, figures)


def test_model_was_trained_with_the_current_lexicon():
    # The lexicon feeds the model two features: editing it without retraining
    # (bench/train_sentiment.py) would silently change the model's inputs.
    assert load_model().meta["lexicon_fingerprint"] == lexicon_fingerprint()


def test_model_was_trained_with_the_service_sentences():
    meta = load_model().meta
    assert meta["n_service_sentences"] == sum(1 for line in SERVICE_TRAIN.open(encoding="utf-8") if line.strip())
    assert meta["balance"] == "category"
    assert meta["service_weight"] > 1


def _bigrams(text: str) -> set[str]:
    chars = re.sub(r"[^\w]", "", text)
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


def test_service_training_sentences_stay_apart_from_the_evaluation_sets():
    rows = [json.loads(line) for line in SERVICE_TRAIN.open(encoding="utf-8") if line.strip()]
    assert len(rows) >= 300
    assert all(r["label"] in (0, 1) and r["text"].strip() and r["domain"] for r in rows)
    by_label = Counter(r["label"] for r in rows)
    assert 0.4 <= by_label[1] / len(rows) <= 0.6
    assert len({r["text"] for r in rows}) == len(rows)
    evaluation = [json.loads(line)["text"] for path in (SERVICE_DEV, CROSSDOMAIN_DEV)
                  for line in path.open(encoding="utf-8") if line.strip()]
    evaluation_bigrams = [_bigrams(t) for t in evaluation]
    close = []
    for row in rows:
        mine = _bigrams(row["text"])
        best = max(len(mine & b) / len(mine | b) for b in evaluation_bigrams if b)
        if best >= 0.4:
            close.append(row["text"])
    assert close == []


def test_training_refuses_evaluation_files(tmp_path):
    spec = importlib.util.spec_from_file_location("train_sentiment", ROOT / "bench" / "train_sentiment.py")
    train = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train)
    for name in ("sentiment_crossdomain_dev.jsonl", "sentiment_blind.jsonl", "fresh_reviews.jsonl"):
        path = tmp_path / name
        path.write_text('{"text": "很好", "label": 1, "domain": "x"}\n', encoding="utf-8")
        with pytest.raises(SystemExit):
            train.read_service([path])
    ok = tmp_path / "more_service_sentences.jsonl"
    ok.write_text('{"text": "很好", "label": 1, "domain": "x"}\n{"text": "太差", "label": "negative"}\n',
                  encoding="utf-8")
    texts, labels = train.read_service([ok])
    assert texts == ["很好", "太差"] and list(labels) == [1, 0]


def test_bench_reports_a_blind_set_per_domain(tmp_path):
    bench = _bench_module()
    blind = tmp_path / "blind.jsonl"
    lines = [
        {"text": "骑手送得很快，饭菜还热着，好评", "label": 1, "domain": "food"},
        {"text": "等了两个小时，饭全凉了，差评", "label": 0, "domain": "food"},
        {"text": "房间干净，前台热情", "label": 1, "domain": "hotel"},
        {"text": "隔音很差，一晚没睡好", "label": 0, "domain": "hotel"},
        {"text": "房间又脏又吵", "label": 1, "domain": "hotel"},  # deliberately mislabelled
    ]
    blind.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in lines) + "\n", encoding="utf-8")
    rows = bench.read_sentiment_set(blind)
    assert [r["gold"] for r in rows] == ["positive", "negative", "positive", "negative", "positive"]
    result = bench.sentiment_accuracy(rows)
    assert result["per_domain"]["food"] == {"n": 2, "accuracy_label": 1.0}
    assert result["per_domain"]["hotel"] == {"n": 3, "accuracy_label": round(2 / 3, 4)}
    assert result["accuracy_label"] == 0.8
    assert [e["text"] for e in result["errors"]] == ["房间又脏又吵"]
    # A line that nearly repeats a training sentence is flagged, a new one is not.
    assert bench.near_duplicates(["外卖送得很快，饭菜还是热的", "完全不同的一句话"],
                                 ["外卖送得很快，饭菜还是热的！"]) == [True, False]


def test_lexicon_fallback_without_model(monkeypatch, tmp_path):
    # The real code path when the model file is absent: lexicon-only scoring.
    from assistant.tickets import sentiment

    monkeypatch.setattr(sentiment, "MODEL_PATH", tmp_path / "missing.joblib")
    sentiment.load_model.cache_clear()
    try:
        assert sentiment.score_sentiment("服务热情，房间干净").label == "positive"
        assert sentiment.score_sentiment("态度差，太慢了").label == "negative"
    finally:
        monkeypatch.undo()
        sentiment.load_model.cache_clear()


# --- urgency ---------------------------------------------------------------

@pytest.mark.parametrize("text, cue", [
    ("楼道里着火了", "紧急险情：着火"),
    ("电梯困人了，快来人", "紧急险情：电梯困人"),
    ("我闻到很大的煤气味", "紧急险情：燃气泄漏"),
    ("有人触电了", "紧急险情：触电"),
    ("路面塌陷了一个大坑", "紧急险情：塌陷"),
])
def test_emergency(text, cue):
    urgency = assess_urgency(text)
    assert isinstance(urgency, Urgency)
    assert urgency.level == "emergency"
    assert cue in urgency.cues


def test_leak_for_days_with_elder_is_urgent():
    urgency = assess_urgency("楼上漏水好几天了家里有老人")
    assert urgency.level == "urgent"
    assert "涉及老人" in urgency.cues
    assert "持续时间长" in urgency.cues


def test_streetlight_is_normal():
    urgency = assess_urgency("路灯不亮")
    assert urgency.level == "normal"
    assert urgency.cues == []


def test_potential_hazard_is_urgent():
    urgency = assess_urgency("配电箱漏电")
    assert urgency.level == "urgent"
    assert "安全隐患：漏电" in urgency.cues


def test_repetition_from_text_and_from_count():
    text = "小区门口的垃圾没人清运"
    assert assess_urgency(text).level == "normal"
    by_count = assess_urgency(text + "，好几天了", repeat_count=2)
    assert by_count.level == "urgent"
    assert any(c.startswith("多次反映") for c in by_count.cues)
    by_text = assess_urgency("反映了好几次了，垃圾还是没人清运，我很生气")
    assert by_text.level == "urgent"
    assert "多次反映" in by_text.cues
    assert "负面情绪：很生气" in by_text.cues


def test_denied_hazard_does_not_alarm():
    assert assess_urgency("没有着火，只是楼道灯坏了").level == "normal"


def test_accepts_precomputed_sentiment():
    text = "家里有孩子，楼下装修噪音一个月了，忍无可忍"
    urgency = assess_urgency(text, score_sentiment(text))
    assert urgency.level == "urgent"
    assert "涉及儿童" in urgency.cues


# Hotel and delivery reviews written for this test, several of them mild or mixed and
# without any lexicon cue: a review must never come back "neutral" (its readers count
# that as wrong), whatever the strength of its score.
OPINIONATED_REVIEWS = [
    ("房间有点小，不过床还算软，总体可以接受", "positive"),
    ("早餐种类挺多的，下次出差还住这家", "positive"),
    ("前台小姑娘办入住很快，房间也是新装修的", "positive"),
    ("骑手提前十分钟就送到了，饭还是热乎的", "positive"),
    ("这家的红烧肉还是老味道，一直点", "positive"),
    ("等了一个多小时才送到，汤都洒了一半", "negative"),
    ("空调半夜一直嗡嗡响，根本睡不着", "negative"),
    ("米饭是夹生的，菜也咸得没法下口", "negative"),
    ("图片上看着挺大份，实际上就几片肉", "negative"),
    ("卫生间的下水道返味，换了房间还是一样", "negative"),
]


@pytest.mark.parametrize("text,expected", OPINIONATED_REVIEWS)
def test_opinionated_review_is_never_neutral(text, expected):
    result = score_sentiment(text)
    assert result.label != "neutral", (text, result)
    assert result.label == expected, (text, result)
