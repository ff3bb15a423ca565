"""The sixth round of the safety net (issue #10): phrasings emergency set 6
(bench/emergency_blind6.jsonl, measured once at the fifth round's end, tuned on
since) showed it missed or over-read. Written for these tests, not copied from the set."""

from __future__ import annotations

import pytest

from assistant.safety import assess

EMERGENCIES = [
    ("这几天一开热水器就头疼，刚才还吐了，厨房有股怪味", "gas: symptoms and a kitchen smell"),
    ("我们在小区里捉迷藏，找了半个小时都找不到他", "missing: searched a long while"),
    ("我爸有点糊涂，早上出门遛弯，到现在三个钟头了还没回", "missing: dementia, out for hours"),
    ("部𨋢停咗喺度，我同阿妈喺入面", "trapped: Cantonese, a stopped lift with people inside"),
    ("电梯卡在半截了，我跟孩子在里面出不来", "trapped: stuck halfway"),
    ("my son drank nongyao, he keeps throwing up", "poisoning: English with pinyin"),
    ("我老伴喝了半瓶除草的，现在肚子疼", "poisoning: 除草的"),
    ("一个不认识的叔叔要拉我上他的面包车", "violence: pulled into his car"),
    ("送快递的进门就对我动手动脚，现在还在我家不走", "violence: harassment now"),
    ("条电线跌咗落地，仲喺度冒火花", "electric: Cantonese, still sparking"),
    ("孩子手摸到插座，手指都黑了，一直哭好痛", "electric: a burn from a socket"),
    ("地下车库灌水了，还有人下去挪车", "water: a flooded car park with people going in"),
    ("my grandma lives alone in 5栋, no answer since yesterday", "lone elder: English"),
    ("我姥爷一个人住，今天没报平按，电话也不接，麻烦去看看好吗", "lone elder: a typo and a polite request"),
    ("楼下独居的王伯平时天天早上开窗，今天窗户一天都没开", "lone elder: a habit broken"),
    ("外婆一个人住，平安打卡今天没打，平时早就打了", "lone elder: the check-in as 平安打卡"),
    ("dian ti kun ren le, 3 hao lou", "trapped: pinyin 困人"),
]

NOT_EMERGENCIES = [
    ("业主群里说隔壁小区有人入室偷东西，咱们小区要加强巡逻", "hearsay from the chat group"),
    ("群里转的那个走失老人的帖子，是咱们小区的吗", "a shared post"),
    ("老师教我们电梯被困的时候不要扒门", "a safety lesson"),
    ("吃完麻辣烫嗓子像着火一样，社区医院几点开门", "a simile"),
    ("想给厨房装个燃气报警器，社区能帮我装个报警器吗", "an alarm to fit, not the police"),
    ("天气太闷了，透不过气，空调也不凉", "muggy weather"),
    ("燃气灶的火苗这两天发红是怎么回事", "a flame that looks wrong"),
    ("看了个段子，我快笑晕过去了", "laughing"),
    ("天天加班加得快猝死了，想问问社区有没有健身活动", "hyperbole"),
    ("我婆婆中风以后行动不便，想约个助浴", "an old stroke, a booking"),
    ("我这记性，又把老花镜丢了，找了一早上", "glasses lost"),
    ("两个小孩在沙坑里打架，家长也不管", "children squabbling"),
    ("我家的小乌龟好几天不吃东西了，也不动了", "a pet"),
]


@pytest.mark.parametrize(("text", "why"), EMERGENCIES)
def test_fires(text: str, why: str) -> None:
    verdict = assess(text)
    assert verdict.emergency, (text, why, verdict)


@pytest.mark.parametrize(("text", "why"), NOT_EMERGENCIES)
def test_stays_quiet(text: str, why: str) -> None:
    verdict = assess(text)
    assert not verdict.emergency, (text, why, verdict)
