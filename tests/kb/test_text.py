from assistant.kb.text import bigram_tokens, expand_query, formal_rewrite, normalise, query_tokens, word_tokens


def test_numerals_and_width_are_normalised():
    assert normalise("我今年刚满八十，ＡＢＣ") == "我今年刚满80,abc"
    assert normalise("九十多岁") == "90多岁"
    assert normalise("万一着火了") == "万一着火了"  # cn2an leaves idioms alone


def test_bigrams_stay_inside_chinese_runs_and_drop_stop_bigrams():
    assert bigram_tokens("高龄津贴80元") == ["高龄", "龄津", "津贴", "80", "元"]
    assert "怎么" not in bigram_tokens("怎么申请低保")


def test_colloquial_words_gain_formal_terms():
    expanded = expand_query("电瓶车能在家充电不")
    assert "电动自行车" in expanded
    words, bigrams = query_tokens("我今年刚满八十，社区能给啥补贴？")
    assert "80" in words and "补贴" in words and "啥" not in words


def test_word_tokens_drop_punctuation_and_fillers():
    assert word_tokens(normalise("请问，高龄津贴怎么领？")) == ["高龄", "津贴", "领"]


def test_the_colloquial_table_is_matched_after_normalisation():
    # 五保 becomes 5保 in a normalised question: the table's phrases are normalised too.
    expanded = expand_query(normalise("俺是五保户，没有收入"))
    assert "特困人员" in expanded and "无生活来源" in expanded
    assert expanded.count("特困人员") == 1


def test_formal_rewrite_replaces_phrases_once_longest_first():
    assert formal_rewrite("回老家看病怎么报销？") == "异地就医怎么报销?"  # not 回老家 + 就医
    assert formal_rewrite("电瓶车能推上楼充电不") == "电动自行车能推上楼充电不"
    assert formal_rewrite("高龄津贴怎么领") == "高龄津贴怎么领"  # nothing colloquial: unchanged
