"""The real embedding model end to end: ingest part of the sample corpus with it and
check colloquial questions, abstention and the dialogue answer. Uses the model built
by ``butler models prepare`` when present, else converts one into a temp dir."""

from __future__ import annotations

import pytest

from assistant.kb.answer import answer_policy_question
from assistant.kb.ingest import ingest
from assistant.kb.service import KnowledgeBase

from .conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real_kb(tmp_path_factory):
    from assistant.embeddings.model import EmbeddingModelMissing, default_model_dir, load_embedder

    try:
        embedder = load_embedder(default_model_dir())
    except EmbeddingModelMissing:
        from assistant.embeddings.convert import prepare

        out = tmp_path_factory.mktemp("model") / "multilingual-e5-small"
        prepare(out)
        embedder = load_embedder(out)
    kb_dir = tmp_path_factory.mktemp("kb")
    faq = REPO / "policy_kb" / "faq"
    ingest([faq / "elderly.jsonl", faq / "ebike.jsonl", faq / "waste_sorting.jsonl", faq / "residence_hukou.jsonl",
            REPO / "policy_kb" / "markdown" / "dog_registration.md"], kb_dir, embedder)
    return KnowledgeBase(kb_dir, embedder=embedder)


@pytest.mark.parametrize("question, expected", [
    ("我今年刚满八十，社区能给啥补贴？", "ln-001"),
    ("电瓶车能推到家里充电吗", "ddc-001"),
    ("吃剩的骨头扔湿垃圾还是干垃圾？", "lj-003"),
    ("外地人在这儿住了大半年，能办居住证不？", "hj-001"),
])
def test_colloquial_questions_find_their_entry(real_kb, question, expected):
    response = real_kb.search(question, top_k=5)
    assert response.answerable
    assert response.results[0].id == expected


@pytest.mark.parametrize("question", ["怎么申请专利？", "帮我订一张去北京的火车票", "股票现在能买吗？"])
def test_off_topic_questions_are_abstained(real_kb, question):
    assert real_kb.search(question).answerable is False


def test_dialogue_answer_and_follow_up_with_the_real_model(real_kb):
    first = answer_policy_question("办居住证要带啥材料？", kb=real_kb)
    assert first.answerable and first.entry_id == "hj-001"
    assert first.text.endswith("来源：《示例市居住证管理办法（示例）》")
    follow = answer_policy_question("那到期了怎么办？", topic_hint=first.follow_up, kb=real_kb)
    assert follow.answerable and follow.entry_id == "hj-002"
