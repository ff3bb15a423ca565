"""A broad table of messages, written for these tests (not taken from
bench/emergency_dev.jsonl): every kind, every register (elderly northern speech,
Cantonese/Wu/Sichuanese, typos, pinyin and English fragments, fillers, run-on
speech-recogniser text), and the non-emergencies that share their words."""

from __future__ import annotations

import pytest

from assistant.safety import assess

EMERGENCIES = [
    # fire
    ("三单元五楼窗户往外冒黑烟，好像有人在里面", "fire"),
    ("楼下停车棚的电瓶车全烧起来了", "fire"),
    ("俺屋里头起烟了，呛得喘不上来", "fire"),
    ("阳台晾的衣服被烟头点着了火越来越大", "fire"),
    ("喂你好那个我们这栋楼那个地下室着火了烟都上来了", "fire"),
    ("物业你们还管不管，车库电动车着火了都没人来", "fire"),
    ("屋企个厨房着咗火，好大烟", "fire"),
    ("火！火！三楼", "fire"),
    ("the kitchen is on fire please help", "fire"),
    ("已经灭了但是又冒烟了，还有火星", "fire"),
    # gas
    ("煤气罐那里嘶嘶响，味儿挺大", "gas"),
    ("俺家灶台那股味儿可冲了，是不是漏了", "gas"),
    ("灶上的火被汤浇灭了，气还一直在出", "gas"),
    ("meiqi xielou le", "gas"),
    ("i smell gas in the stairwell", "gas"),
    # medical
    ("我爸在厕所晕过去了，叫他没反应", "medical"),
    ("俺老伴儿突然说不出话了，嘴角往一边歪", "medical"),
    ("孩子吃果冻噎着了，脸都紫了", "medical"),
    ("我胸口突然像针扎一样疼，左胳膊也麻了", "medical"),
    ("孩子被门夹了手指头，指甲都掉了，血流个不停", "medical"),
    ("阿嬷晕低咗，叫极都唔应", "medical"),
    ("娃儿高烧四十度，浑身抽抽，眼睛往上翻", "medical"),
    ("my grandpa fell and can't get up", "medical"),
    ("喂喂我老伴他他喘不上气了嘴都紫了你们快来啊", "medical"),
    ("孕妇肚子疼得厉害，见红了", "medical"),
    # poisoning
    ("我儿子喝了半瓶敌敌畏", "poisoning"),
    ("俺们一家子早上起来都头疼恶心，屋里生着炉子", "poisoning"),
    ("小孙子把洗衣凝珠咬破了，吃进去了", "poisoning"),
    ("俺吃了降压药又吃了一遍，吃重了，现在头晕眼花", "poisoning"),
    # violence
    ("有个醉汉拿着菜刀在楼下乱砍", "violence"),
    ("我前夫找上门来了，在外面踹门，说要杀了我", "violence"),
    ("有个男的在楼下掐着一个女的脖子", "violence"),
    ("someone is trying to break in", "violence"),
    ("麻烦你们帮我报个警", "violence"),
    # missing
    ("俺家老头子有点糊涂，出去买菜一直没回来，天都黑了", "missing"),
    ("刚才还在滑梯那玩，一转眼孩子就没影了", "missing"),
    ("我妈说去楼下走走，都半夜了还没见人", "missing"),
    ("haizi bu jian le", "missing"),
    ("my son is missing", "missing"),
    # trapped
    ("电梯停在半空，里面有个老人出不来", "trapped"),
    ("小孩把自己锁在车里了，打不开车门", "trapped"),
    ("脚手架倒了，下面压着两个工人", "trapped"),
    ("kun zai dian ti li le 三个人", "trapped"),
    ("被困在店梯里好久了没人来救", "trapped"),
    # water reaching electricity
    ("楼上水漏下来把我家插座都泡了，一直冒火星", "electric_water"),
    ("地下车库进水了，水已经淹到配电柜了", "electric_water"),
    ("孩子湿手摸了插座，被电得大哭", "electric_water"),
    # a lone elder not seen for days
    ("对门的孤寡老人一个礼拜没开门了，门口有股味", "silent_elder"),
    ("我在外地，我妈一个人住，从前天起电话就没人接", "silent_elder"),
    ("隔壁孤老好几天没下来了，敲门屋里没声音", "silent_elder"),
    ("老赵头平常天天来下棋，这都三天没见了，敲门也不吭声", "silent_elder"),
    # self-harm
    ("我不想活了，刀已经准备好了", "self_harm"),
    ("楼顶有个小伙子坐在边上说要跳下去", "self_harm"),
    # unclear danger
    ("救命啊快来人", "general"),
    ("jiu ming", "general"),
    ("SOS!!!", "general"),
    ("出大事了快来人", "general"),
]

NOT_EMERGENCIES = [
    # hypotheticals and how-to questions
    "如果家里着火了应该先做什么",
    "万一老人摔倒了，应该扶还是不扶",
    "燃气泄漏的时候能不能开排风扇",
    "煤气中毒和一氧化碳中毒是一回事吗",
    "厨房着火不能用水浇吗",
    "心脏病发作有什么前兆",
    "孩子误吞异物怎么急救",
    "下周六有消防演习，要不要通知大家",
    "what should i do if there is a fire",
    # hazard complaints
    "楼下餐馆的煤气罐就放在门口晒太阳，存在安全隐患",
    "楼道里停满了电动车，一着火全完了，你们管不管",
    "消防通道被占了，真着火了怎么办",
    "插座老化了一插就冒火花，找个电工来换",
    "电梯经常困人，必须修",
    # past events that are over
    "上个月我家着过一次火，保险能赔吗",
    "前几天孩子走丢过一次，幸好找回来了",
    "刚才闻到一股煤气味，原来是邻居在修灶台，现在没事了",
    "刚才楼下那个老太太晕倒了，救护车已经拉走了",
    "那年我家着火，东西全烧没了，现在想起来还难受",
    "yesterday 着火 已经 put out 了 no problem",
    # 火 and other cue characters in ordinary senses
    "今天吃火锅吃多了，有点上火",
    "这家烧烤店生意真火",
    "坐火车去看孙子，帮我查查时刻表",
    "他一说话我就火大",
    "火龙果多少钱一斤",
    "社区有没有组织献血的活动",
    "家里要不要消毒，最近流感厉害",
    "临时救助金什么时候发",
    "帮我在拼多多砍一刀",
    "热死了，空调又坏了，找人来修",
    "天天加班累得喘不过气来",
    "打火机在哪儿能买到，家里的没气了",
    "被这些手续困住了，跑了好几趟",
    "fire 这个英语单词我孙子老念错",
    # denials, dreams, games, jokes
    "没有着火，是楼下在烧烤",
    "不是煤气味，是下水道返上来的臭味",
    "我梦见我妈走丢了，吓醒了",
    "我孙子玩游戏喊救命，你别当真",
    "气得俺心口疼，哈哈开玩笑的",
    # same topics, nothing acute
    "我们家狗丢了，棕色的柯基",
    "孩子的校服丢了，学校说要重新买",
    "电梯按钮按了没反应，是不是坏了",
    "电梯卡在五楼不动了，按钮没反应",
    "楼上漏水把我家天花板泡了",
    "老伴最近总说胸口闷，想带他去查查",
    "腰疼得厉害，想约个推拿",
    "对门阿姨去海南过冬了，要两个月才回来，让我们帮着看看门",
    "救护车多少钱一趟",
    "打120和打999有什么区别",
    "烟雾报警器响了一下就停了，是不是电池没电",
    "hello can you help me",
    "help",
    "打我闺女电话13698765432",
]


@pytest.mark.parametrize("text, kind", EMERGENCIES)
def test_emergency_is_recognised_with_its_kind(text: str, kind: str):
    verdict = assess(text)
    assert verdict.emergency, verdict
    assert verdict.kinds[0] == kind, verdict
    assert verdict.cues


@pytest.mark.parametrize("text", NOT_EMERGENCIES)
def test_not_an_emergency(text: str):
    verdict = assess(text)
    assert not verdict.emergency, verdict
    assert verdict.kinds == () and verdict.cues == ()


def test_the_table_is_broad():
    assert len(EMERGENCIES) + len(NOT_EMERGENCIES) >= 100
    kinds = {kind for _, kind in EMERGENCIES}
    assert kinds >= {"fire", "gas", "medical", "poisoning", "violence", "missing", "trapped",
                     "electric_water", "silent_elder"}
