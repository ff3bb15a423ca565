from assistant.kb.answer import (NOT_FOUND_TEXT, NOT_IN_ENTRY_TEXT, UNAVAILABLE_TEXT, _to_answer, answer_entry,
                                 answer_policy_question, compose_answer, entry_name, focused_answer, is_follow_up,
                                 named, not_in_entry_text, short_sentences)
from assistant.kb.fusion import FusionModel, choice_count, from_dict, load_fusion
from assistant.kb.service import KnowledgeBase, SearchResponse, SearchResult


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


RESIDENCE = SearchResult(
    id="hj-1", score=1.0, title="居住证怎么办理？", source="示例市居住证管理办法",
    text="在本市居住满半年的，可以申领居住证。带身份证、住所证明到社区服务站办理。一般15个工作日制证。")


def test_a_follow_up_on_the_same_entry_gets_the_sentence_it_asks_about():
    # 材料 is nowhere in the text: the sentence is found by what a list of materials looks like.
    assert focused_answer("那要带什么材料？", RESIDENCE) == "居住证：带身份证、住所证明到社区服务站办理。来源：《示例市居住证管理办法》"
    assert focused_answer("多久能拿到？", RESIDENCE) == "居住证：一般15个工作日制证。来源：《示例市居住证管理办法》"
    assert focused_answer("那养的猫要打疫苗吗？", RESIDENCE) is None  # nothing in the entry speaks to it


def test_follow_up_on_the_same_entry_does_not_repeat_the_answer(built_kb, embedder):
    kb = lax_kb(built_kb, embedder)
    first = answer_policy_question("高龄津贴怎么领？", kb=kb)
    assert first.entry_id == "old-1"
    amount = answer_policy_question("那高龄津贴每月发多少？", topic_hint=first.follow_up, kb=kb)
    assert amount.answerable and amount.entry_id == "old-1"
    assert amount.text == "高龄津贴：每月100元。来源：《示例市老年人优待办法》"  # named: 每月100元 alone says not of what
    # Nothing in the entry speaks to it: an honest answer, the entry kept as the best guess.
    uncovered = answer_policy_question("那高龄津贴能补发吗？", topic_hint=first.follow_up, kb=kb)
    assert not uncovered.answerable and uncovered.text == not_in_entry_text("高龄津贴怎么领？")
    assert uncovered.text.startswith("关于高龄津贴，") and NOT_IN_ENTRY_TEXT[4:] in uncovered.text
    assert uncovered.alternatives[0] == "old-1" and "转人工" in uncovered.text


def test_an_unsure_verdict_asks_which_entry_is_meant(built_kb, embedder):
    shipped = load_fusion()
    unsure = KnowledgeBase(built_kb, embedder=embedder,
                           fusion=FusionModel(shipped.ranker, shipped.abstainer, 0.0, {}, clarify_below=1.01))
    # One entry stands out: a yes/no question about it.
    asked = answer_policy_question("高龄津贴怎么领？", kb=unsure)
    assert not asked.answerable and asked.choices == [("old-1", "高龄津贴怎么领？")]
    assert asked.text == "我不太确定。您是想问“高龄津贴怎么领”吗？是的话点一下。不是的话，可以转人工，或者把问题留给工作人员。"
    # Several are close: a numbered list, best first; the far tail is left out.
    close = SearchResponse("老人补贴", True, 0.4, [
        SearchResult(id=f"e{i}", score=0.9, title=f"条目{i}？", source="s", logit=z)
        for i, z in enumerate((5.0, 4.2, 2.5, 1.9))], uncertain=True)
    asked = _to_answer("老人补贴", close)
    assert asked.choices == [("e0", "条目0？"), ("e1", "条目1？"), ("e2", "条目2？")] and "转人工" in asked.text
    assert asked.text.splitlines()[1:4] == ["1. 条目0？", "2. 条目1？", "3. 条目2？"]
    # A follow-up is narrowed by the entry under discussion: it is answered, not asked about.
    follow = answer_policy_question("那每月发多少？", topic_hint="old-1", kb=unsure)
    assert follow.answerable and not follow.choices
    picked = answer_entry("old-1", kb=unsure)
    assert picked.answerable and picked.text.endswith("来源：《示例市老年人优待办法》") and picked.follow_up == "old-1"
    assert answer_entry("no-such-entry", kb=unsure) is None


def test_unsure_means_under_even_odds_or_two_entries_nearly_tied():
    shipped = load_fusion()
    model = FusionModel(shipped.ranker, shipped.abstainer, 0.27, {}, clarify_below=0.5, tie_margin=1.0)
    assert [model.uncertain(c) for c in (0.1, 0.27, 0.49, 0.5, 0.9)] == [False, True, True, False, False]
    assert model.uncertain(0.9, [9.0, 8.5]) and not model.uncertain(0.9, [9.0, 7.5])
    assert not model.uncertain(0.1, [9.0, 8.5])  # abstained: nothing to ask about
    again = from_dict(model.to_json())
    assert (again.clarify_below, again.tie_margin) == (0.5, 1.0)
    older = from_dict({"threshold": 0.27})  # fusion files from before: no band
    assert not older.uncertain(0.3, [9.0, 8.9])
    assert (shipped.clarify_below, shipped.tie_margin) == (0.5, 1.0)


def test_choices_are_the_entries_close_to_the_best():
    assert choice_count([5.0, 4.2, 2.5, 1.9]) == 3  # at most three, within e^3 of the best
    assert choice_count([5.0, 1.9]) == 1 and choice_count([]) == 0


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


def test_an_entry_is_named_by_the_words_before_its_question():
    assert entry_name("高龄津贴怎么领？发多少？") == "高龄津贴"
    assert entry_name("住院费用医保报销比例是多少？") == "住院费用医保报销比例"
    assert entry_name("养老金领取资格认证怎么做？") == "养老金领取资格认证"
    assert entry_name("敬老卡（老年优待证）怎么办？") == "敬老卡"
    # A head that is no subject: the whole question is named.
    assert entry_name("家里着火了怎么办？") == "“家里着火了怎么办”"
    assert entry_name("怎么报名当社区志愿者？") == "“怎么报名当社区志愿者”"
    assert entry_name("养犬登记和文明养犬") == "养犬登记和文明养犬"  # a note's title
    assert entry_name("幸福里社区居民公约 第五条 居民应当爱护公共设施") is None  # its source names it
    assert entry_name("t") is None


def test_an_answer_says_what_it_answers_unless_it_already_does():
    assert named("住院费用超过起付线的部分按比例报销。", "住院费用医保报销比例是多少？") == \
        "住院费用医保报销比例：住院费用超过起付线的部分按比例报销。"
    said = "本市户籍年满80周岁的老年人可以领取高龄津贴。"
    assert named(said, "高龄津贴怎么领？发多少？") == said
    assert named("拨打119。", "家里着火了怎么办？") == "关于“家里着火了怎么办”：拨打119。"
    pension = SearchResult(id="yl-4", score=1.0, title="养老金领取资格认证怎么做？", source="示例办法",
                           text="领取养老金的人员每年要做一次认证。可以用手机App人脸识别自助认证。行动不便的可以请工作人员上门认证。")
    # 手机上能弄不: the sentence about the phone, and what it is about.
    on_phone = focused_answer("手机上能弄不", pension)
    assert on_phone.startswith("养老金领取资格认证：可以用手机App") and "来源：《示例办法》" in on_phone
    allowance = SearchResult(id="ln-1", score=1.0, title="高龄津贴怎么领？发多少？", source="示例办法",
                             text="年满80周岁的老年人可以领取高龄津贴：80到89岁每月100元。本人或家属到社区申请。")
    # 俺81了: the sentence about ages; 上哪领: the one about where.
    assert focused_answer("俺八十一了", allowance).startswith("年满80周岁的老年人可以领取高龄津贴")
    assert focused_answer("上哪领", allowance).startswith("高龄津贴：本人或家属到社区申请")


def test_a_card_the_question_names_and_the_entry_does_not_is_no_answer():
    from assistant.kb.answer import unnamed_credential

    vaccine = SearchResult(id="jk-8", score=0.9, title="预防接种证丢了怎么补？", source="示例办法", topic="疫苗",
                           text="带孩子的户口簿到社区卫生服务中心补办预防接种证。", logit=6.8)
    assert unnamed_credential("医保卡丢了咋补办啊", vaccine) == "医保卡"
    missed = _to_answer("医保卡丢了咋补办啊", SearchResponse("q", True, 0.73, [vaccine]))
    assert not missed.answerable and missed.text.startswith("医保卡的事我暂时查不到") and "转人工" in missed.text
    assert missed.alternatives == ["jk-8"]
    # The entry speaks of it, in its own words or two of its characters: answered.
    assert unnamed_credential("预防接种证丢了", vaccine) is None
    senior = SearchResult(id="ln-3", score=0.9, title="敬老卡（老年优待证）怎么办？", source="s", text="申请敬老卡。")
    assert unnamed_credential("老年卡咋办", senior) is None
    e_card = SearchResult(id="yb-7", score=0.9, title="医保电子凭证怎么激活使用？", source="s", text="看病时刷医保。")
    assert unnamed_credential("没带医保卡，手机能看病刷医保吗？", e_card) is None
    # 认证, 刷卡, 证明 name no card; a question without one is answered as found.
    pension = SearchResult(id="yl-4", score=0.9, title="养老金领取资格认证怎么做？", source="s", text="每年认证一次。")
    assert unnamed_credential("退休金认证我不会弄，手机上怎么操作？", pension) is None
    assert unnamed_credential("养狗要办证吗", senior) is None
    assert _to_answer("老年卡咋办", SearchResponse("q", True, 0.9, [senior])).answerable


# --- issue #11 round 13: what a follow-up asks for, entries that ask the same, things the KB lacks ---

FINES = SearchResult(id="w-7", score=0.9, title="垃圾不分类会被罚款吗？", source="示例条例", topic="垃圾分类",
                     text="混合投放厨余垃圾、经劝阻拒不改正的，可以处50元以上200元以下罚款。", logit=9.0)
KINDS = SearchResult(id="w-1", score=0.8, title="生活垃圾分为哪几类？", source="示例条例", topic="垃圾分类",
                     text="生活垃圾分为可回收物、有害垃圾、厨余垃圾和其他垃圾四类。", logit=7.5)
HOURS = SearchResult(id="w-6", score=0.6, title="垃圾定时定点投放是几点？", source="示例条例", topic="垃圾分类",
                     text="定时投放时间为早上7点到9点、晚上6点到8点。", logit=5.5)


def test_the_honest_not_written_answer_names_what_was_asked():
    text = not_in_entry_text("异地就医怎么备案？", "那得准备啥材料过去")
    assert text.startswith("关于异地就医，政策里没有写到要带什么材料") and "转人工" in text
    assert "要多长时间" in not_in_entry_text("居住证怎么办理？", "批下来得几天")
    assert "具体的钱数" in not_in_entry_text("居住证怎么办理？", "一共花多少钱")
    # Nothing recognisable asked: the general words, as before.
    assert not_in_entry_text("居住证怎么办理？", "那我老伴呢") == not_in_entry_text("居住证怎么办理？")


def test_a_follow_up_asking_for_a_kind_of_answer_gets_only_a_sentence_of_that_kind():
    # 厨余 is in the sentence about fines, but it gives no time: no answer from it.
    assert focused_answer("厨余垃圾几点能倒", FINES) is None
    assert "早上7点到9点" in focused_answer("厨余垃圾几点能倒", HOURS)
    # Asked for nothing in particular: a shared word is enough, as before.
    assert "罚款" in focused_answer("那厨余垃圾混着扔呢", FINES)


def test_the_entry_that_asks_what_the_question_asks_is_preferred_when_close():
    from assistant.kb.answer import prefer_asked_aspect

    close = SearchResponse("q", True, 0.8, [FINES, KINDS, HOURS], uncertain=True)
    # 咋分 asks for the kinds: the entry whose own question is 分为哪几类, answered outright.
    kinds = _to_answer("垃圾到底咋分嘛", prefer_asked_aspect("垃圾到底咋分嘛", close))
    assert kinds.answerable and kinds.entry_id == "w-1" and not kinds.choices
    hours = _to_answer("每天几点可以倒垃圾", prefer_asked_aspect("每天几点可以倒垃圾", close))
    assert hours.answerable and hours.entry_id == "w-6"
    # Too far below the best, or on another topic: left to the ranker.
    far = SearchResult(**{**HOURS.__dict__, "logit": FINES.logit - 4.5})
    assert prefer_asked_aspect("每天几点可以倒垃圾", SearchResponse("q", True, 0.8, [FINES, far])).results[0] is FINES
    other = SearchResult(**{**HOURS.__dict__, "topic": "社区设施"})
    assert prefer_asked_aspect("每天几点可以倒垃圾", SearchResponse("q", True, 0.8, [FINES, other])).results[0] is FINES
    # 能不能 asks about almost anything: it settles nothing.
    assert prefer_asked_aspect("能不能混着倒", close) is close
    # The best entry is the only one of that kind near it: no question back.
    first = SearchResponse("q", True, 0.6, [HOURS, FINES, KINDS], uncertain=True)
    assert _to_answer("几点倒垃圾", prefer_asked_aspect("几点倒垃圾", first)).entry_id == "w-6"


def test_a_follow_up_the_entry_does_not_cover_is_answered_by_the_same_topics_entry_of_that_kind():
    from assistant.kb.answer import sibling_answer
    from assistant.kb.documents import Entry

    current = Entry(id=FINES.id, title=FINES.title, text=FINES.text, topic=FINES.topic)
    plain = SearchResponse("q", False, 0.2, [KINDS, HOURS])
    answer = sibling_answer("厨余垃圾几点能倒", current, plain)
    assert answer.answerable and answer.entry_id == "w-6" and answer.follow_up == "w-6"
    assert answer.text.startswith("垃圾定时定点投放：") and "来源：《示例条例》" in answer.text
    assert sibling_answer("那厨余垃圾呢", current, plain) is None  # nothing asked in particular
    # Another thing on the same topic (老年大学 vs 小学入学) is no answer to 什么时候报名.
    adult = Entry(id="e-8", title="老年大学怎么报名？", text="到社区老年学校报名。", topic="教育入学")
    school = SearchResult(id="e-1", score=0.9, title="小学入学报名时间是什么时候？", source="s", topic="教育入学",
                          text="每年4月到5月网上报名。", logit=6.0)
    assert sibling_answer("什么时候报名", adult, SearchResponse("q", True, 0.6, [school])) is None


def test_a_benefit_no_entry_speaks_of_is_an_honest_dont_know_with_its_name():
    from assistant.kb.answer import unnamed_benefit

    childcare = SearchResult(id="c-3", score=0.7, title="育儿补贴怎么申请？", source="s", topic="生育",
                             text="3岁以下婴幼儿每孩每年发放育儿补贴。", logit=7.8)
    moving = SearchResult(id="h-5", score=0.7, title="子女投靠父母落户需要什么条件？", source="s", topic="户籍",
                          text="未成年子女可以投靠父母落户。", logit=7.5)
    assert unnamed_benefit("独生子女奖励咋领", [childcare, moving]) == "独生子女奖励"
    unsure = _to_answer("独生子女奖励咋领", SearchResponse("q", True, 0.3, [childcare, moving], uncertain=True))
    assert not unsure.answerable and not unsure.choices and unsure.text.startswith("独生子女奖励的事我暂时查不到")
    abstained = _to_answer("独生子女奖励咋领", SearchResponse("q", False, 0.1, [childcare]))
    assert abstained.text.startswith("独生子女奖励的事我暂时查不到")
    # Spoken of in the entry's formal words (电瓶车 -> 电动自行车), or named by no word of its own: answered.
    bike = SearchResult(id="d-9", score=0.9, title="电动自行车要买保险吗？", source="s", text="建议购买电动自行车第三者责任险。")
    assert unnamed_benefit("电瓶车保险在哪买", [bike]) is None
    assert unnamed_benefit("育儿补贴咋领", [childcare]) is None
    assert unnamed_benefit("有没有补贴", [childcare]) is None


# --- round 14: the kinds of a benefit, paying on the phone, coming to the home, the same thing again ---

def _result(id_, title, text="", topic="高龄与老年优待", logit=5.0):
    return SearchResult(id=id_, score=0.9, title=title, source="示例市老年人优待办法", topic=topic, text=text,
                        logit=logit)


HOME_CARE = _result("e-5", "居家养老服务补贴谁能领？", "失能等级为中度以上的老年人可以申请居家养老服务补贴。", logit=10.0)
AGED = _result("e-1", "高龄津贴怎么领？", "年满80周岁的老年人可以领取高龄津贴。", logit=6.0)
MEALS = _result("e-4", "老年人助餐服务怎么申请？", "70周岁以上的老人每餐享受助餐补贴。", logit=7.0)
HOMES = _result("e-9", "家庭适老化改造有补贴吗？", "政府最高补贴3000元。", logit=4.0)
CHILD = _result("s-3", "育儿补贴怎么申请？", "3岁以下婴幼儿每月发育儿补贴。", topic="生育与儿童", logit=5.5)


def test_a_question_about_the_kinds_of_a_benefit_lists_the_entries_titled_by_that_kind():
    from assistant.kb.answer import kinds_listed
    response = SearchResponse("q", True, 0.95, [HOME_CARE, MEALS, AGED, CHILD, HOMES])
    for question in ("我们老两口能领哪些补贴", "老人都有些什么补助", "上了岁数的还有啥补贴"):
        kind, listed = kinds_listed(question, response)
        # 助餐 merely mentions a 补贴; 育儿补贴 is another topic
        assert kind == "补贴" and [r.id for r in listed] == ["e-5", "e-1", "e-9"], question
    answer = _to_answer("我们老两口能领哪些补贴", response)
    assert not answer.answerable and [c[0] for c in answer.choices] == ["e-5", "e-1", "e-9"]
    assert answer.text.startswith("关于补贴，我这里查到这几项：\n1. 居家养老服务补贴谁能领？\n2. 高龄津贴怎么领？")
    assert "第几个" in answer.text and "转人工" in answer.text


def test_one_benefit_asked_about_or_an_entry_that_lists_the_kinds_itself_is_answered():
    from assistant.kb.answer import kinds_listed
    response = SearchResponse("q", True, 0.95, [HOME_CARE, MEALS, AGED, HOMES])
    assert kinds_listed("居家养老服务补贴谁能领", response) is None  # one benefit, by name
    listing = _result("c-2", "残疾人两项补贴是什么？", "困难残疾人生活补贴和重度残疾人护理补贴。", topic="残疾人服务", logit=12.0)
    other = _result("c-4", "残疾人创业有补贴吗？", "可以申请一次性创业补贴。", topic="残疾人服务", logit=7.0)
    assert kinds_listed("残疾人都有哪些补贴", SearchResponse("q", True, 0.95, [listing, other])) is None
    assert kinds_listed("老人都有啥补贴", SearchResponse("q", True, 0.95, [HOME_CARE, MEALS])) is None  # one kind only
    assert kinds_listed("老人都有啥补贴", SearchResponse("q", False, 0.1, [HOME_CARE, AGED])) is None  # nothing found


def test_paying_through_a_phone_app_answers_whether_it_can_be_done_on_the_phone():
    insurance = _result("y-1", "城乡居民医保怎么参保缴费？",
                        "每年9月到12月集中缴费。可以通过银行、支付宝或社区事务受理中心缴费。", topic="医疗保险")
    assert focused_answer("用手机能缴不", insurance) == (
        "城乡居民医保：可以通过银行、支付宝或社区事务受理中心缴费。来源：《示例市老年人优待办法》")


def test_coming_to_the_home_is_answered_only_by_a_sentence_that_says_so():
    card = _result("c-1", "残疾证怎么办理？", "带身份证到街道残联申请，再到指定医院做残疾评定。", topic="残疾人服务")
    assert focused_answer("人下不了床，能派人上门来评定不", card) is None
    assert "上门" in not_in_entry_text(card.title, "人下不了床，能派人上门来评定不")
    visits = _result("d-1", "家庭医生能上门吗？", "行动不便的签约居民，家庭医生可以上门随访。", topic="疫苗与健康")
    assert "上门随访" in focused_answer("能到家里来看不", visits)


def test_a_short_question_naming_an_entrys_title_is_answered_by_it_even_when_the_abstainer_refuses():
    from assistant.kb.answer import named_by_title
    refused = SearchResponse("q", False, 0.2, [AGED, HOMES])
    chosen = named_by_title("那高龄津贴那个呢", refused)
    assert chosen.answerable and not chosen.uncertain and chosen.results[0].id == "e-1"
    assert _to_answer("那高龄津贴那个呢", chosen).entry_id == "e-1"
    # two entries titled by what it names: the resident is asked which
    both = named_by_title("补贴的那个呢", SearchResponse("q", False, 0.2, [MEALS, HOME_CARE, HOMES]))
    assert both.uncertain and [r.id for r in both.results[:2]] == ["e-5", "e-9"]


def test_asking_again_for_the_entry_just_given_repeats_it(built_kb, embedder):
    kb = lax_kb(built_kb, embedder)
    first = answer_policy_question("高龄津贴怎么领？", kb=kb)
    for again in ("那高龄津贴的那个呢", "高龄津贴呢"):
        repeat = answer_policy_question(again, topic_hint=first.follow_up, kb=kb)
        assert repeat.answerable and repeat.entry_id == "old-1" and repeat.text == first.text, again
