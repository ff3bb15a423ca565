from assistant.kb.answer import (NOT_FOUND_TEXT, UNAVAILABLE_TEXT, answer_policy_question, compose_answer,
                                 is_follow_up, short_sentences)
from assistant.kb.fusion import FusionModel, load_fusion
from assistant.kb.service import KnowledgeBase, SearchResult


def lax_kb(built_kb, embedder):
    """The shipped ranker with a zero threshold: the stand-in embedder's cosines are
    not e5's, so the calibrated abstention threshold does not apply to it."""
    shipped = load_fusion()
    return KnowledgeBase(built_kb, embedder=embedder, fusion=FusionModel(shipped.ranker, shipped.abstainer, 0.0, {}))


def test_answer_is_at_most_three_short_sentences_with_source():
    result = SearchResult(id="x", score=1.0, title="t", source="示例市老年人优待办法",
                          text="第一句。第二句很短。第三句；第四句不该出现。第五句。")
    text = compose_answer(result)
    assert text == "第一句。第二句很短。第三句。来源：《示例市老年人优待办法》"


def test_long_sentences_are_cut_to_the_character_budget():
    long = "这是一句很长的说明" * 8 + "。"
    assert short_sentences(long + long + long, max_chars=120) == long


def test_answer_for_a_question_in_the_knowledge_base(built_kb, embedder):
    answer = answer_policy_question("高龄津贴怎么领？", kb=lax_kb(built_kb, embedder))
    assert answer.answerable and answer.entry_id == "old-1"
    assert answer.text.endswith("来源：《示例市老年人优待办法》")
    assert answer.topic == "高龄与老年优待" and answer.follow_up == "old-1"


def test_follow_up_resolves_against_the_entry_under_discussion(built_kb, embedder):
    kb = lax_kb(built_kb, embedder)
    first = answer_policy_question("养狗要登记吗？", kb=kb)
    assert first.entry_id == "md-dog"
    follow = answer_policy_question("那遛狗有什么规矩？", topic_hint=first.follow_up, kb=kb)
    assert follow.answerable and follow.entry_id == "md-dog"
    assert "狗绳" in follow.text  # the best-matching section, not the note's first one


def test_unanswerable_question_says_so(built_kb, embedder):
    shipped = load_fusion()
    strict = KnowledgeBase(built_kb, embedder=embedder, fusion=FusionModel(shipped.ranker, shipped.abstainer, 1.01, {}))
    answer = answer_policy_question("考驾照要多少钱？", kb=strict)
    assert not answer.answerable and answer.text == NOT_FOUND_TEXT and "转人工" in answer.text
    assert answer.available


def test_missing_knowledge_base_is_an_honest_unavailable_answer(tmp_path, embedder):
    answer = answer_policy_question("高龄津贴怎么领？", kb=KnowledgeBase(tmp_path / "none", embedder=embedder))
    assert not answer.answerable and not answer.available and answer.text == UNAVAILABLE_TEXT


def test_empty_question_gets_a_prompt():
    answer = answer_policy_question("  ")
    assert not answer.answerable and "哪方面" in answer.text


def test_follow_up_detection():
    assert is_follow_up("那要带什么材料？") and is_follow_up("去哪办？")
    assert not is_follow_up("我今年刚满八十，社区能给啥补贴？")
