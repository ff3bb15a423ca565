"""The fifth round of the safety net (issue #10): phrasings emergency set 5
(bench/emergency_blind5.jsonl, measured once before this round, tuned on since)
showed it missed or over-read. Written for these tests, not copied from the set."""

from __future__ import annotations

import pytest

from assistant.safety import assess

EMERGENCIES = [
    ("阿姨，我家客厅好多火，爸爸不在家", "fire: 好多火"),
    ("燃气管让装修队打穿了，一直往外冒气", "gas: a pipe drilled through"),
    ("他刚才点火点不着，拧了好几次，这会儿满屋子都是味", "gas: 这会儿 is now, not a worry"),
    ("阮阿嬷昏去啊", "medical: Minnan"),
    ("wo mama yun dao le, kuai jiao 120", "medical: pinyin with 120"),
    ("楼道灯老是坏！我爸在六楼胸口疼现在下不了楼", "habitual belongs to its own sentence"),
    ("孙女误吃了降压药", "poisoning: 误吃"),
    ("宝宝吞了个 button 纽扣电池", "poisoning: battery"),
    ("孩子喝了瓶子里的东西，嘴巴起泡了", "poisoning: an unknown liquid"),
    ("厕所里84和洁厕灵倒一起了，呛得睁不开眼", "poisoning: chlorine gas"),
    ("我老伴躺着叫不醒，床边好几个空药瓶", "poisoning: empty pill bottles"),
    ("对门那个男的又在打他老婆", "violence: beating his wife"),
    ("小区门口好几个人围着一个老头打", "violence: several on one"),
    ("有个男的要拉我走，我在超市门口", "violence: a child pulled away"),
    ("隔壁孩子哭得撕心裂肺，听着像拿皮带抽", "violence: a belt on a child"),
    ("我家小子一下午没见人影了", "missing: 小子, an afternoon"),
    ("邻居小孩一下午没回家，他爸到处找", "missing: an afternoon"),
    ("外婆说去买菜，饭点了还没回", "missing: past meal time"),
    ("带孙子在广场玩，一转身就没了", "missing: turned around"),
    ("困电梯了", "trapped: short"),
    ("孩子把自己锁在卫生间里了外面叫不应", "trapped: outside is where we are"),
    ("电梯门夹住我爸的手了", "trapped: the lift door"),
    ("物业说货梯里有人在拍门", "trapped: someone in the goods lift"),
    ("我坐的电梯不动了，里面好黑", "trapped: my lift stopped"),
    ("下大雨，一楼进水到大腿了", "water: knee-deep and more"),
    ("楼长说302的李奶奶从昨天起没报平安", "lone elder: no check-in"),
    ("对门老头家门口的外卖两天都没拿，电视一直开着", "lone elder: signs"),
    ("我爸一天多没接电话了，他一个人住", "lone elder: a day and more"),
    ("楼上独居的阿婆两天没听见她走动了", "lone elder: no footsteps"),
]

NOT_EMERGENCIES = [
    ("热得感觉自己要着火了", "hyperbole"),
    ("楼下工地电焊火花四溅，晚上还干活", "welding sparks: a noise complaint"),
    ("奥特曼里的怪兽会喷火", "a cartoon"),
    ("对面烧腊店日日烟好大", "a daily nuisance"),
    ("燃气报警器低电量了一直嘀嘀叫，电池在哪换", "a low battery"),
    ("救命啊这道数学题怎么做", "homework"),
    ("帮邻居问问，她前几天摔了一跤已经住院了，社区能去看看吗", "already in hospital"),
    ("菜价涨成这样，心脏病都要犯了", "hyperbole"),
    ("这首歌好中毒", "a catchy song"),
    ("一氧化碳报警器要不要装", "a question"),
    ("84和洁厕灵能不能一起用", "a question"),
    ("老板又让加班，气得我想打人", "anger"),
    ("弟弟抢我的玩具", "siblings"),
    ("钥匙锁在车里了，能帮忙找人开锁吗", "a locksmith request"),
]


@pytest.mark.parametrize(("text", "why"), EMERGENCIES)
def test_fires(text: str, why: str) -> None:
    verdict = assess(text)
    assert verdict.emergency, (text, why, verdict)


@pytest.mark.parametrize(("text", "why"), NOT_EMERGENCIES)
def test_stays_quiet(text: str, why: str) -> None:
    verdict = assess(text)
    assert not verdict.emergency, (text, why, verdict)
