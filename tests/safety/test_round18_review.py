"""Round 18 review (/work/notes/REVIEW18.md): the safety net's suppressors the reviewer's probes found
silencing real emergencies, fixed by reason and tested both ways in new wording (spaces for commas, no
punctuation, roles swapped). No sentence here is taken from a set.
"""

from __future__ import annotations

import pytest

from assistant.safety import assess


def fires(text: str) -> bool:
    return assess(text, quiet=True).emergency


# ---- note 6: a thing of theirs after the search is its object only when it ends the clause -------------

@pytest.mark.parametrize("text", [
    "外孙女找不着了，她的书包在滑梯旁边",
    "外孙女找不着了 她的书包在滑梯旁边",
    "我爸丢了 他的拐杖还靠在公园长椅上",
    "小儿子不见了他的自行车还倒在路边",
    "奶奶不见了 她的助听器落在桌上",
    "我老伴找不到了 他的钥匙跟手机全在茶几上",
    "姥姥寻不着了她的鞋还在门口",
])
def test_a_thing_said_after_a_missing_person_is_the_next_clause(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "我婆婆找不到自己的假牙了。",
    "我爸找不着他的钥匙和手机了",
    "我奶奶丢了她的老花镜",
    "孙女到处找不到她的玩具",
    "我妈找不着她的钱包，急得团团转",
])
def test_a_thing_that_ends_the_search_is_what_is_lost(text):
    assert not fires(text)


# ---- note 2: 要你好看 is a threat whatever the next clause starts with; only the comparison is guarded --------

@pytest.mark.parametrize("text", [
    "隔壁那个男的冲我喊要你好看 一会儿带人过来",
    "他在电话里说要我好看，多找几个人堵我",
    "他在门外嚷嚷要你好看的",
    "门口那人说要俺好看些",
    "那个醉汉拍着门讲要你好看一点",
    "要你好看 点名道姓骂了半个钟头还在楼道里",
    # the verb-of-giving forms, each the only cue of its line (note 3: pinned)
    "他发语音说要给我们好看 人已经到楼下了",
    "楼下那个醉汉嚷嚷要给你们好看一个劲往楼上冲",
    "隔壁男的扬言要给我好看 多半今晚就来",
    "那人讲要给俺好看的 在门口转了好几圈",
])
def test_a_threat_of_looking_good_whatever_follows(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "老公说要给我好看的衣服当生日礼物",
    "这个发型要让你好看一点",
    "换个灯光要叫我们好看些",
    "化完妆要让我好看多了",
])
def test_looking_better_is_no_threat(text):
    assert not fires(text)
