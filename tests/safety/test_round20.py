"""Round 20 (issue #10): set 19"s errors and round 19"s leftovers, by reason, in our own words.

Every rule that silences something was written with its probes first: real emergencies that share its
words (the first list of each group, at least ten) must still fire; the look-alikes it was written for stay
quiet. No sentence here is taken from a set.
"""

from __future__ import annotations

import pytest

from tests.safety._helpers import fires, kinds, verdict


# how to save oneself asked from inside a realised event (咋自救, 如何自救: after_unless_actual)
ZEN_ZIJIU = [
    "我和我妈被困在电梯里了，咋自救",
    "电梯困住我了 咋自救",
    "我被关在电梯里半个小时了，咋自救",
    "我家着火了 咋自救",
    "楼道里全是烟 出不去了 咋自救",
    "我被反锁在厕所里了，咋自救",
    "着火了着火了 咋自救",
    "困在电梯里了 如何自救",
    "孩子被困电梯了咋自救",
    "烟太大了跑不出去 如何自救",
]

# 咋找 after a missing person said to be missing, or with the absence told twice
ZEN_ZHAO = [
    "我孩子走丢了咋找",
    "我妈走丢了，咋找啊",
    "孩子刚才在超市走丢了咋找",
    "我家老头子走丢一下午了 咋找",
    "奶奶出门到现在没回来 咋找",
    "俺家娃不见了咋找",
    "孙女放学没回家 打电话也不接 咋找",
    "我爸有老年痴呆 走丢了 咋找",
    "孩子在公园走丢了 咋个找嘛",
    "我儿子找不到了咋找啊 急死了",
]

# 真出事了 / 真的出事了 (realised) and 真有急事 are no what-if; only 真有事 without 了 is
ZHEN_YOUSHI = [
    "真出事了 我妈喊都喊不应",
    "我爸真的出事了 叫不醒",
    "隔壁真有人晕倒了 喊都喊不应",
    "门铃坏了 我奶奶在里面喊都喊不应 真有事了",
    "这回真有事了，对门老太太三天没开门",
    "真出事了 楼下着火了",
    "我是真有急事 我妈摔倒了起不来",
    "真有事啊 我爸胸口疼得说不出话",
    "真的出事了 我老伴在卫生间喊都喊不应",
    "没开玩笑 真有事 楼道里冒黑烟了",
]

# 才找到 ends a search only of the person (才找到她的鞋 does not)
CAI_ZHAODAO = [
    "孩子走丢了 找了两个小时还没找到",
    "我妈走丢了 好不容易才找到她的一只鞋 人还没找到",
    "奶奶走失了 到现在都没找到",
    "我爸走丢了 我们找了一晚上才找到他的手机 人还是不见",
    "孩子走丢了 找了半天没找到 快帮忙",
    "我妈走丢了 监控才找到一点影子 人还不知道在哪",
    "老人走失三天了 才找到线索 人还没见着",
    "孙子走丢了 刚才才找到他的书包 人不见了",
    "我爷爷走失了 找了一整天都没找到",
    "孩子在商场走丢了 广播了半天才找到他的帽子",
]

# a call button in a room people walk in and out of, with somebody in trouble or shut in
BUTTON_ROOM = [
    "活动室里的呼叫按钮按了没反应 王奶奶晕倒了 快来人",
    "老年活动室有个大爷倒地不起 紧急按钮按了没反应",
    "活动室的门打不开 我们几个老人被关在里面 呼叫按钮没反应",
    "大厅的紧急呼叫按钮按了没反应，有人晕倒了，派人修也来不及了",
    "活动室呼叫按钮没反应 李大爷胸口疼得厉害",
    "电梯里的紧急按钮按了没反应 我被困住了",
    "食堂的紧急呼叫按钮按了没反应，有个老人噎住了",
    "棋牌室的呼叫铃没人应，张叔抽搐了",
    "活动室紧急按钮没反应，老人摔倒了起不来",
    "会议室的报警按钮没反应 有人流血了",
]

# a detector that sounds
DETECTOR = [
    "燃气报警器一直在响 厨房有股味",
    "煤气报警器突然响了",
    "报警器一直响个不停，满屋子煤气味",
    "燃气报警器响了好久了 不知道哪里漏",
    "报警器滴滴滴地叫 是不是漏气了",
    "家里的燃气报警器在叫 我不敢开灯",
    "燃气报警器没停过 一直在响",
    "报警器不停地响 我闻到煤气味了",
    "燃气报警器刚才响了 现在还在响",
    "天然气报警器一直报警",
]

# joy that ties the tongue, with a body sign after it
JOY = [
    "我爷爷激动得话都说不出来了，嘴也歪了",
    "我爸激动得话都说不出来了，然后就倒了",
    "我奶奶高兴得话都说不出来了 手一直抖 站不稳",
    "我爷爷刚才突然话都说不出来了，半边身子动不了",
    "我妈话都说不出来了，脸都紫了",
    "我外公激动得话都说不出来了，一直流口水",
    "老伴高兴得话都说不出来了 突然就晕过去了",
    "我爷爷激动得话都说不出来了，捂着胸口",
    "我姥姥开心得话都说不出来了，接着就抽起来了",
    "我爸高兴得话都说不出来了，嘴角往一边歪",
]

# a class or a training where something really happens (真, 突然 of someone particular)
COURSE = [
    "社区培训课上，讲着讲着王大爷真晕倒了，现在叫不醒",
    "急救讲座刚开始，有个阿姨突然倒地抽搐",
    "消防宣传周的时候，隔壁楼真着火了",
    "培训的时候李老师突然晕倒了",
    "科普讲座上有位老人突然喘不上气",
    "培训课上张阿姨真摔了，腿动不了",
    "急救课上到一半 有个大爷突然捂着胸口倒下了",
    "在活动室听讲座，我妈突然说不出话了",
    "消防培训刚结束，楼下真冒烟了",
    "排练节目的时候王奶奶从台上摔下来了 头在流血",
]

# set 19"s reasons in other words, and review 20 note 1
MISC_FIRE = [
    "我爸骑电动车摔沟里了，爬不起来",
    "楼下有个大娘骑三轮车翻了，压在车底下起不来",
    "我想问问垃圾分类的事，另外我家孩子一个小时没找到了",
    "不好意思打扰一下，我家好像有点着火了",
    "我爸一个人在屋里，燃气热水器开着，窗户关死了，他说头晕想吐",
    "有人跳喽了",
    "楼顶有个人要跳喽",
    "有个男的正在撬二单元五楼的门",
    "我妈两个小时没找到了",
    "我爸刚才吐血了",
]


@pytest.mark.parametrize("text", ZEN_ZIJIU + ZEN_ZHAO + ZHEN_YOUSHI + CAI_ZHAODAO + BUTTON_ROOM + DETECTOR + JOY + COURSE + MISC_FIRE)
def test_emergencies_sharing_the_new_rules_words_fire(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "我屋里燃气报警器坏了 一直不响 啥时候来换",
    "煤气报警器从来没响过 是不是坏了",
    "报警器不会响了 电池没电吧",
    "被困电梯咋自救",
    "老人走失咋找比较快 想了解一下",
    "真有事的时候按钮都按不响 赶紧修修",
    "独居老人家门铃坏了 真有事喊都喊不应",
    "看了个视频 一个孩子走丢了五年才找到 好感人",
    "寻人启事上那个老人走失了十年才找到",
    "活动室的呼叫按钮按了没反应，老人们都在那下棋，派人来修一下",
    "大厅里的紧急呼叫按钮按了没反应 麻烦派人检查一下",
    "我爷爷激动得话都说不出来了，高兴坏了",
    "孙子考上大学 我奶奶开心得话都说不出来了，一直乐呵",
    "老伴收到花 感动得话都说不出来了，哭了",
    "急救培训课上讲老人突然晕倒怎么办",
    "社区培训要找人扮伤员 假装晕倒",
    "消防宣传周 演示着火了怎么逃生",
    "急救讲座 教大家老人突然摔倒怎么扶",
    "插座有点火花",
    "有点烟味 是楼下在烧烤",
    "我的车子起不来了 电瓶没电",
    "电动车动不了了 来修一下",
    "我家钥匙一个小时没找到",
    "找了两个小时没找到那家店",
    "孩子开心得跳喽跳喽的",
    "最近老是头疼 医生说是颈椎的问题",
    "我爸这几天加班，累得吐血",
    "我爸上周摔了一跤 今天都回去上班了",
    "今天社区做老人跌倒急救培训，要找志愿者演摔倒的人",
])
def test_look_alikes_stay_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text,kind", [
    ("我一个人在屋里烧着煤炉子，门窗都关严了，这会儿头晕得厉害", "poisoning"),
    ("有个陌生人正在撬我们单元三楼东户的门", "violence"),
    ("楼下大爷骑三轮车栽进沟里了，爬都爬不起来", "medical"),
    ("我家好像有点着火了，烟从门缝里出来", "fire"),
])
def test_kinds_of_the_new_cues(text, kind):
    assert kind in kinds(text)


# ---- the classifier's vote: a repair asked in no hurry, a fear of some mishap with nothing happening ----

@pytest.mark.parametrize("text", [
    "楼道那个电表箱的盖子掉了，下雨天老往里进水，你们有空过来弄一下",
    "家里那个一键呼叫的器子好像没电了，不着急，抽空来换个电池",
    "厨房那根燃气软管有点老了，现在没闻到味，就是怕哪天出事，找人来瞅瞅",
    "我妈一个人在老家不肯来城里，我就怕她哪天有个三长两短",
    "车库那根煤气管被车蹭歪了 现在没漏 就怕出事 物业来看看",
])
def test_calm_repairs_and_vague_fears_are_outvoted(text):
    v = verdict(text)
    assert not v.emergency and not v.plausible


@pytest.mark.parametrize("text", [
    "我爸胸口闷得慌 你们有空赶紧来一趟",
    "我奶奶摔了一跤 腿肿得老高 不急的话明天也行",
    "我妈头晕得站不住 你们有空来看看",
    "楼道里有股焦味 现在没看到烟 怕出事你们快来",
    "孩子吞了个硬币 现在没什么反应 怕出事",
    "我老伴刚才说胸口疼 现在没事了 可是嘴唇发紫",
    "燃气灶旁边有股味 现在没漏吧 可我头好晕",
    "老人在楼下坐着不动 叫也不理 有空来看看",
    "我外婆一个人在家 电话一直没人接 怕出什么事 有空帮忙去敲敲门",
    "电梯停在半截 里面好像有人在喊 有空派人来",
    "我家娃发高烧抽了一下 现在没抽了 怕有个三长两短",
    "怕出事我才打的 我爸一下午都说胡话",
])
def test_real_emergencies_with_the_calm_words_still_count(text):
    v = verdict(text)
    assert v.emergency or v.plausible


@pytest.mark.parametrize("text,expected", [
    ("我妈今天突然说胡话 还不认人", True),
    ("我爷爷一下午都在胡言乱语 叫他也不太理", True),
    ("我老公喝多了 一晚上都在说胡话", False),
    ("你一直说胡话呢 我爸说", False),
])
def test_confusion_come_on_in_a_relative(text, expected):
    assert fires(text) is expected


# ---- cues the lexicon lacked (set 19's emergencies only the n-gram model caught, or caught under the wrong kind) ----

@pytest.mark.parametrize("text,kind", [
    ("厨房的煤气管子断了 一直在往外冒气", "gas"),
    ("液化气瓶的阀门坏了 嗤嗤地往外喷气", "gas"),
    ("隔壁窗户里红光一闪一闪 噼啪响 还冒烟", "fire"),
    ("对面楼顶火光冲天 噼里啪啦的", "fire"),
    ("一帮人拎着钢管在楼下打人", "violence"),
    ("停车场那边几个人把一个老头按在地上踹", "violence"),
    ("电梯门夹住了我孩子的手 拔不出来", "trapped"),
    ("电梯把老人夹住了", "trapped"),
    ("我在小区仓库里面 门被人从外面锁了 出不去", "trapped"),
    ("我妈在厕所扑通一声 然后就没动静了", "medical"),
    ("听到楼上砰的一声 老大爷一直在喊疼", "medical"),
    ("我爸脚下一滑 腿疼得站不起来", "medical"),
    ("我奶奶fall在地上 get不起来了", "medical"),
    ("门口有个小孩被车撞了 躺着不动", "medical"),
    ("屋里进水了 插线板还插着呢 水都漫过去了", "electric_water"),
    ("拖地的水还没干 我妈扶着洗衣机一下就倒了 说手发麻", "electric_water"),
    ("隔壁大爷一个人住 这都三天没瞅见人了", "silent_elder"),
    ("我家然气灶关不上 一直在漏期", "gas"),
])
def test_new_cues_fire_with_their_kind(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize("text", [
    "燃气热水器的排气管一直往外冒气 是正常的吗",
    "过年楼下放鞭炮 火光噼里啪啦的 吵死了",
    "楼上咚的一声 他家孩子又在蹦 吵得我没法睡",
    "楼上咚的一声 估计是在搬东西",
    "我听到咚的一声 孩子哼哼唧唧地要吃的",
    "下雨天路滑 脚下一滑差点摔倒 还好没事",
    "电梯门老夹人 该修了",
    "电梯门夹人吗 我想问问有没有感应",
    "电热毯还插着 忘了关",
    "煤气罐用完了 阀门那里不冒气了 来换一罐",
    "last fall 我妈去旅游了",
])
def test_look_alikes_of_the_new_cues_stay_quiet(text):
    assert not fires(text)


# ---- review 20 notes 5-8, 10: the reviewer's lines (told, not asked; at a class, not taught; a gas heater in the shower) ----

@pytest.mark.parametrize("text", [
    "我困电梯咋自救",
    "电梯困人咋自救 快",
    "困电梯咋自救 门打不开",
    "电梯困住咋自救 里面好闷",
    "困电梯咋自救！！我在3号楼电梯里",
    "我孙子走丢咋找",
    "我闺女走丢咋找",
    "娃走丢咋找 急死我了",
    "孩子走丢咋找，急",
    "孩子走丢咋找 快帮帮我",
    "闺女走丢咋找啊 都两个钟头了",
    "老人走丢咋找 都一天了",
    "孩子刚走丢 咋找",
    "孩子在商场走丢咋找",
    "孙子走丢咋找？刚才还在楼下玩呢",
    "燃气报警器坏了没响，我老公在浴室洗澡晕了，热水器是燃气的",
    "报警器坏咗冇响，我老公喺浴室冲凉晕咗，热水器系燃气嘅",
    "培训的时候有个大爷摔倒了，起不来了",
    "急救讲座上王阿姨晕倒了 叫不醒",
    "讲座开到一半，李大爷倒地抽搐",
    "培训课上有人晕倒了，快叫救护车",
    "社区在搞健康讲座，我爸坐着坐着就歪倒了，嘴也歪了",
    "消防宣传周活动现场有个小孩被开水烫伤了 哭得厉害",
    "科普讲座刚散场，楼道里冒黑烟了",
    "消防培训的教室里插座着火了 烧到窗帘了",
    "你们方便的时候来看看，我家老头子说话舌头有点大，嘴角往下耷拉",
])
def test_review20_emergencies_fire(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "困电梯咋自救？",
    "孩子走丢咋找？",
    "老人走丢咋找",
    "一般困电梯咋自救",
    "急救课上老师讲老人突然晕倒怎么办",
    "急救培训课上讲老人突然晕倒怎么办",
    "培训的时候教我们遇到着火了怎么逃生",
    "今天社区做老人跌倒急救培训，要找志愿者演摔倒的人，谁愿意来",
    "急救讲座 教大家老人突然摔倒怎么扶",
    "我这人舌头大 说话不清楚",
])
def test_review20_look_alikes_stay_quiet(text):
    assert not fires(text)


# ---- a whereabouts with 他/她 before the family (去他儿子家): accounted for, unless the family or the phone says otherwise ----

@pytest.mark.parametrize("text", [
    "我妈说去她闺女家 到现在她闺女说根本没见到人",
    "奶奶去她女儿家 路上走丢了 到现在找不到",
    "爷爷去他儿子家 半路上手机关机了 一天没消息",
    "外婆去她闺女家住 三天了 今天闺女打电话说没到",
    "老爷子去他女儿家 三个小时了还没到 电话打不通",
    "我奶奶去她儿子家 两天没见 儿子说一直没来 电话也没人接",
    "他说去他儿子家 好几天了 儿子说根本没去 现在联系不上",
    "隔壁大爷去他闺女家 两天了 他闺女说没见着人",
    "我婆婆说去她女儿家 可她女儿说没来过 到处找不到",
    "爷爷去他孩子家 在车站走丢了 找不着了",
])
def test_a_whereabouts_contradicted_still_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "对门大爷去他儿子家住了 这几天没见人",
    "隔壁奶奶去了她女儿家 好几天没见 挺好的",
    "楼上王奶奶去她孙子家住了，所以一个礼拜没见着",
])
def test_a_whereabouts_accounts_for_a_silence(text):
    assert not fires(text)


# ---- review 20 notes 17-19: the firecrackers' own glow; a locksmith called; 咋找 with a cry or a general frame ----

@pytest.mark.parametrize("text", [
    "楼下有人放鞭炮，把车棚引着了，火光冲天",
    "炮仗把草坪点着了 火光越来越大",
    "烟花厂那边火光冲天，还在炸",
    "放完鞭炮 垃圾桶里还有火光 冒烟了",
    "鞭炮把楼下的电动车点着了",
    "放烟花掉到阳台上 火光一片",
    "烟花店着火了 火光冲天",
    "小孩放鞭炮炸伤手了 流了好多血",
    "鞭炮崩到柴火堆上 火光越来越大",
    "放炮的火星子溅到窗帘上 着了",
    "烟花落到草垛上 起火了",
    "有个自称开锁师傅的人在撬对门的门 对门家没人",
    "我没叫开锁的 现在有人在撬我家的门",
    "门外有人在撬锁 我一个人在家 好怕",
    "小偷正在撬三楼的防盗门",
    "钥匙丢了好几天了 刚才听到有人在撬我家门锁",
    "有两个人在撬隔壁的门 隔壁老太太一个人住",
    "刚才有人拿螺丝刀撬我家的门锁 现在还在门口",
    "有人冒充开锁公司的在撬二楼的门",
    "楼上两个人在撬门 说不是开锁的",
    "物业管不管事啊，现在有人在撬我家隔壁的门",
    "半夜有人撬楼下的门 保安快来",
    "孩子走丢咋找啊啊啊",
])
def test_review20_notes_17_to_19_emergencies_fire(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "过年放鞭炮火光噼里啪啦的，真热闹",
    "楼下放烟花 火光映得满天红 好看",
    "钥匙丢了，找开锁师傅撬开了我家的门，多少钱合适",
    "钥匙锁屋里了 找人来撬一下我家的门锁",
    "叫了个锁匠来撬门 半小时了还没到",
    "孩子走丢咋找 有没有好办法",
    "老人走丢咋找回来，有啥好办法，问问",
    "困电梯咋自救 小区群里在讨论",
])
def test_review20_notes_17_to_19_look_alikes_stay_quiet(text):
    assert not fires(text)


# ---- review 20 note 18: the writer only startled by a noise, nobody named near the silence ----

@pytest.mark.parametrize("text", [
    "楼上咚的一声 吓我一跳 然后老太太就没动静了",
    "隔壁大爷屋里砰的一声 吓我一跳 敲门他也没动静了",
    "吓我一跳 我妈突然倒了 叫她没反应",
    "我爸摔了一下 吓我一跳 现在躺着没反应",
    "孩子从床上掉下来 吓我一跳 哭了一声就没动静了",
    "楼下有人倒地上了 吓我一跳 拍他也没反应",
    "吓我一跳 老伴在沙发上叫不醒 没反应",
    "我奶奶喘着喘着就没动静了 吓我一跳",
    "听到她喊了一声 吓我一跳 现在屋里没动静了",
    "吓死我了 我老公抽了一下就没反应了",
    "楼上咚的一声，然后听到老太太哼哼，现在没动静了",
])
def test_a_silence_with_someone_near_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "楼上半夜咚的一声，然后就没动静了，吓我一跳，能不能管管",
    "楼上砰的一声 就没动静了 吓我一跳 大半夜的装修吗",
])
def test_a_noise_that_startled_the_writer_stays_quiet(text):
    assert not fires(text)


# ---- own look-alikes written after set 19: a nightmare's cry, up and off, a ticket asked after, an injury treated ----

@pytest.mark.parametrize("text", [
    "我老伴晚上老做噩梦喊救命",
    "外卖小哥摔了一跤 爬起来就走了",
    "能不能帮我查一下 我报的那个燃气漏气的单子处理了没",
    "孩子不小心把手指夹门缝里了 紫了一块 冰敷了",
])
def test_own_look_alikes_stay_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "我老伴做噩梦喊救命 醒过来就喘不上气",
    "梦里喊救命 叫不醒 我老公怎么了",
    "我妈说梦话喊救命 然后就抽起来了",
    "救命 我做了噩梦醒来发现屋里全是烟",
    "外卖小哥摔了一跤 爬不起来了",
    "我爸摔了一跤 爬起来没走两步又倒了",
    "老人摔了一跤 爬起来就走了 走了几步又晕倒了",
    "我报的那个燃气漏气的单子还没人管 现在味越来越大了",
    "我报的燃气漏气的事到现在没人来 我头晕得厉害",
    "快来 我家燃气漏气了 之前报的单子没用",
    "孩子磕破头 贴了创可贴 现在一直在流血止不住",
    "我老公被刀划了 擦了药还是流血不止",
    "孩子头撞了个包 冰敷了 可是一直吐",
    "孩子头磕了一下 吐了两次 一直想睡",
])
def test_emergencies_sharing_the_own_look_alikes_words_fire(text):
    assert fires(text)


def test_a_treatment_that_did_not_help_is_no_explanation():
    assert verdict("孩子夹到手了 冰敷了也不管用 手指都黑了").plausible


# ---- review 20 notes 20, 23: the whereabouts, the locksmith and the thud said positively (the reviewer's lines) ----

@pytest.mark.parametrize("text", [
    "我外婆去她孙子家，下午出的门，天黑了人还没见着",
    "楼下奶奶去她儿子家 人不见了 儿子也在找",
    "爷爷去他儿子家，儿子来电话问他怎么还没到，已经四个钟头了",
    "说是去他儿子家了，可是屋里灯一直亮着，敲门没人应，三天了",
    "前夫找人来撬我家的门，我和孩子躲在卧室里",
    "房东找人来撬门要把我们赶出去，还动手推我妈",
    "有人假扮开锁公司的在撬邻居的门，邻居出差了",
    "两个开锁师傅打扮的人在撬对门的锁，对门家里没人，像小偷",
    "卫生间砰的一声，吓我一跳，推门推不开，里面没动静了",
])
def test_review20_notes_20_23_emergencies_fire(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "对门阿婆去她女儿家住几天 所以没见着",
    "对门大爷去他儿子家住了 这几天没见人",
    "隔壁王奶奶去儿子家住了，所以这几天没见着",
    "钥匙丢了，找开锁师傅撬开了我家的门，多少钱合适",
    "钥匙锁屋里了 找人来撬一下我家的门锁",
    "叫了个锁匠来撬门 半小时了还没到",
    "楼上半夜咚的一声，然后就没动静了，吓我一跳，能不能管管",
    "楼上砰的一声 就没动静了 吓我一跳 大半夜的装修吗",
])
def test_review20_notes_20_23_look_alikes_stay_quiet(text):
    assert not fires(text)


# ---- own probes in other registers (dialect, English in mixed speech, spoken fillers) ----

@pytest.mark.parametrize("text", [
    "help 我爸 chest pain 好厉害 出冷汗",
    "我妈 heart attack 了 快叫救护车",
    "哎呀妈呀 俺家孩子掉冰窟窿里了",
    "我被 stuck 在电梯里了 快来",
])
def test_other_registers_fire(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "电梯 stuck 在一楼好几天了 什么时候修",
    "my dad had a heart attack last year 想约个体检",
])
def test_other_registers_look_alikes_stay_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text,kind", [
    ("有人 attack 我 快报警", "violence"),
    ("my father is having a heart attack 快来", "medical"),
    ("my mom fell yesterday 现在还躺在地上起不来", "medical"),
])
def test_english_attack_is_violence_only_without_heart(text, kind):
    assert kinds(text)[:1] == (kind,)


# ---- review 20 notes 27, 29: a smell said to grow, a lock found prised with someone maybe about ----

@pytest.mark.parametrize("text,kind", [
    ("我报的燃气漏气的单子有人处理吗？味道更大了", "gas"),
    ("厨房燃气灶那边 味越来越冲了 头有点晕", "gas"),
    ("我家的锁被人撬了，开锁师傅说是被人撬坏的，小偷可能还在楼里", "violence"),
    ("回家发现门被撬开了 屋里有动静", "violence"),
    ("下班回来窗户被人撬开了 里面好像有人在翻东西", "violence"),
])
def test_review20_notes_27_29_fire(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize("text", [
    "煤气费越来越贵 味道更大的是楼下的垃圾",
    "去年我家锁被人撬了 想装个监控",
    "这个香水的味道越来越浓了",
])
def test_review20_notes_27_29_look_alikes_stay_quiet(text):
    assert not fires(text)


# ---- own look-alikes, second batch: could (就能), always (老冒烟), a toy knife, a thing taken out of a mouth ----

@pytest.mark.parametrize("text", [
    "孩子把硬币放嘴里 我赶紧抠出来了 没咽下去",
])
def test_second_batch_look_alikes_stay_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "楼道纸箱子烧起来了 火都能看见了",
    "我家厨房着火了 一点火星就烧起来了 快来",
    "插座冒火花 眼看就能烧起来了 快来人",
    "隔壁烟道老冒烟 今天突然冒黑烟还有火苗",
    "那个烟道一直在冒烟 现在着火了",
    "有人拿着刀在追人 不是玩具 是真刀",
    "小孙子拿着水果刀追着他姐姐砍 已经划破了",
    "孩子把硬币吞下去了 抠不出来",
    "孩子把硬币放嘴里 咽下去了 现在喘不上气",
    "孩子把硬币放嘴里 抠出来了 没咽下去 可是一直咳 喘不上气",
    "孩子把纽扣电池放嘴里 抠出来了一个 还有一个不知道咽没咽下去",
    "我爸咳得厉害 老咳 今天咳出血了 喘不上气",
])
def test_second_batch_emergencies_sharing_the_words_fire(text):
    assert fires(text)


# ---- review 20 notes 30, 31: a repair word holds 'stuck' only with nobody in it; the teacher who collapses ----

@pytest.mark.parametrize("text", [
    "我被 stuck 在电梯里 报修电话打不通",
    "我儿子 stuck 在电梯里面 物业说什么时候修还不知道 他在里面哭",
    "讲座上老师讲着讲着突然晕倒了",
    "急救课演示完，王老师自己突然倒下了，叫不醒",
])
def test_review20_notes_30_31_fire(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "电梯 stuck 在一楼好几天了 什么时候修",
    "讲座里医生说中风了嘴会歪，要马上打120",
    "急救课上老师讲老人突然晕倒怎么办",
])
def test_review20_notes_30_31_look_alikes_stay_quiet(text):
    assert not fires(text)


# ---- own look-alikes, third batch: hair in a zip, an adult away guessed to be enjoying it ----

@pytest.mark.parametrize("text", [
    "小孩的头发卡在拉链里了 哭着让我弄",
    "我老公钓鱼去了 一天都没回来 估计钓得高兴",
])
def test_third_batch_look_alikes_stay_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "孩子的头卡在栏杆里了",
    "孩子的手卡在电梯门缝里了 拔不出来",
    "我老公钓鱼去了 一天都没回来 电话打不通 估计钓得高兴吧 可是天都黑了",
    "我奶奶出去打牌 一天没回来 估计玩得高兴",
    "我老公出去喝酒 估计喝得高兴 可是一晚上没回来 手机也关机了",
    "孩子头发卷进风扇里了 头皮都扯破了 一直哭",
])
def test_third_batch_emergencies_sharing_the_words_fire(text):
    assert fires(text)


# ---- review 20 note 33, review 20b notes 1-7: the reviewers' lines (就能 perceived; the ticket only at the end; up and off of
# the one who fell; a nightmare's cry in it; a treatment of a small injury; asthma; joy with 得; 跳喽 only before 了) ----

@pytest.mark.parametrize("text", [
    "我报的那个燃气漏气的单子处理了没 味道呛得我头疼",
    "我报的漏气的单子有人来吗 家里老人闻着直咳嗽 站不稳",
    "两个人打架 一个被捅了 另一个爬起来就跑了",
    "孩子从滑梯上摔下来 爬起来就跑了 后来说头疼一直吐",
    "做了个噩梦醒来救命 床边站着个陌生男人",
    "孩子手指被门夹了 冰敷了 指甲都掉了 一直哭",
    "奶奶 asthma attack 了 inhaler 找不到",
    "老爷子跟人下棋笑着笑着话都说不清了，他孙子吓哭了",
    "我同事说他不想活了要跳喽",
    "有个学生在天台边上哭 说要跳喽",
    "有人跳喽了",
    "站在楼道里就能闻到煤气味，特别浓",
    "在门口就能闻到煤气味",
    "进单元门就能闻到煤气味 好冲",
    "楼道里就能闻到一股烧焦的味道",
    "开门就能看到我爸躺在地上",
    "老爷子跟人下棋笑着笑着话都说不清了，他孙子哭了",
])
def test_review20b_emergencies_fire(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "我报的燃气漏气的单子处理好了吗",
    "我反映的楼道电线老化的单子有人处理没",
    "能不能帮我查一下 我报的那个燃气漏气的单子处理了没",
    "孩子摔了一跤 爬起来就跑了 没事",
    "老头在楼下绊了一下 爬起来就走了",
    "做了个噩梦 梦里一直喊救命 醒了就好了",
    "孩子梦里喊救命 拍拍就又睡着了",
    "我老伴晚上老做噩梦喊救命",
    "脚踢到桌腿 紫了一块 冰敷了",
    "我爷爷收到孙子的信高兴得话都说不出来了，乐坏了",
    "我爷爷激动得话都说不出来了，高兴坏了",
    "准备好了吗 跳喽",
    "广场舞开始喽 跳喽",
    "老伴收到花 感动得话都说不出来了，哭了",
])
def test_review20b_look_alikes_stay_quiet(text):
    assert not fires(text)


# ---- review 20b notes 8-10, 14, 16, 19-21: the reviewer's lines (stuck with someone in it; a toy knife only as the knife; a
# general frame only before the cue; nothing taken out closes a swallowed battery; 真有事 of now; 都能看到; the button's unwell) ----

@pytest.mark.parametrize("text", [
    "电梯 stuck 好几天了 今天又 stuck 了 困了个快递员",
    "电梯 stuck 几天了 刚才又 stuck 住 楼下的小伙子被关着出不来",
    "电梯 stuck 了 报修了 里面那个外卖小哥一直拍门",
    "拿着刀的那个男的从玩具店冲出来了 大家快跑",
    "醉汉拿着刀在泡沫箱子上乱砍 冲着路人比划",
    "娃走丢咋找 要是天黑了咋办",
    "孩子走丢咋找 小区群里讨论半天了 还没找到",
    "我妈走丢咋找 一般都去哪 她有老年痴呆 已经四个小时",
    "我儿子走丢咋找 如果报警要带啥 他才五岁",
    "孩子吞了一颗纽扣电池 另一颗掏出来了 现在一直吐口水",
    "这回我爸真有事喊都喊不应",
    "我妈这次真有事喊她也不应",
    "爷爷真有事喊不应",
    "老太太真有什么事喊都喊不应 门也锁着",
    "在小区门口也能看见浓烟 是3号楼",
    "站在楼下都能看到火苗往外窜",
    "隔着两栋楼都能听到爆炸声",
    "在一楼都能闻到焦味",
    "现在出门准能看到大火",
    "楼下肯定能看到浓烟 三楼那家",
    "走廊的报警按钮没人理 我爸抽起来了 派人来修",
])
def test_review20b_second_emergencies_fire(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "电梯 stuck 在一楼好几天了 什么时候修",
    "电梯老是 stuck 啥时候修",
    "电梯 stuck 修不修啊",
    "万一孩子走丢咋找",
    "孩子走丢咋找 有没有好办法 想学学",
    "弹珠抠出来了 没吃下去 孩子在玩呢",
    "孩子把硬币放嘴里 我赶紧抠出来了 没咽下去",
    "门铃坏了 真有点事喊都喊不应",
    "俺们楼那几个独居老人家的门铃都坏了，真有事喊都喊不应，赶紧给整整。",
    "活动室的紧急按钮没反应 你们派人修一下",
    "大厅的呼叫按钮没人应 好多老人在那儿活动 派人检查下",
    "困电梯咋自救？",
    "孩子走丢咋找？",
    "老人走丢咋找回来，有啥好办法，问问",
    "困电梯咋自救 小区群里在讨论",
])
def test_review20b_second_look_alikes_stay_quiet(text):
    assert not fires(text)


# ---- review 20b notes 15, 17: this round's new cues kept off ordinary messages; hair caught in a machine ----

@pytest.mark.parametrize("text", [
    "孩子头发卡在扶梯缝里 人被拉着走",
    "头发卡在泳池排水口了 孩子在水下上不来",
    "小孙女头发卡住在电动门里 门还在关",
    "我奶奶fall在地上 get不起来了",
    "我奶奶 fall down 了 起不来",
    "一帮人拎着钢管在楼下打人",
    "停车场那边几个人把一个老头按在地上踹",
    "回家发现门被撬开了 屋里有动静",
    "我家的锁被人撬了，开锁师傅说是被人撬坏的，小偷可能还在楼里",
    "我妈在厕所扑通一声 然后就没动静了",
    "隔壁窗户里红光一闪一闪 噼啪响 还冒烟",
    "你们方便的时候来看看，我家老头子说话舌头有点大，嘴角往下耷拉",
    "我妈今天突然说胡话 还不认人",
])
def test_review20b_new_cues_still_fire(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "吃炭火锅 红光一闪一闪 炭噼啪响 好有气氛",
    "烤红薯的炉子红光噼啪的 真香",
    "楼顶的广告牌红光一闪一闪 劈啪响了一下就好了",
    "咚的一声 我老公不吭声 在生闷气",
    "楼上扑通一声 她家孩子哼哼两声又睡了",
    "我早上 get不起来 太困了",
    "秋天了 leaves fall down 好美",
    "这个股票又 fall down 了",
    "小孩们拎着木棍在追泡泡 玩得开心",
    "摔跤课上教练把他摁在地上打 练得好狠",
    "我家孩子舌头有点大 说英语不标准 想报个班",
    "我老公刚才说胡话 说要给我买个包",
    "我家门锁被人撬坏了 正在等师傅来换",
    "单元门的锁被撬了 物业正在修 什么时候好",
    "电视里说那个小偷还在逃 大家注意",
])
def test_review20b_new_cues_look_alikes_stay_quiet(text):
    assert not fires(text)


# ---- review 20b notes 11-13, 18, 23: time at a class is not its topic; 这下真出事 is now; a mouth gone to one side ----

@pytest.mark.parametrize("text", [
    "讲座刚讲了十分钟 有个大爷突然倒地 口吐白沫",
    "培训班上我妈学着学着突然晕倒了",
    "急救培训介绍完 张阿姨自己摔了 头磕出血",
    "培训课教了一半 我爸说胸口疼 满头大汗",
    "科普讲座讲到中途 旁边大娘晕过去了",
    "这下真出事 厨房着火了 快打119",
    "我妈这回真出事 摔在浴室起不来",
    "我爸这次真出事 倒在厕所叫不醒",
    "老太太这下真出事 躺地上一动不动",
    "我爷爷说话有点含糊 嘴角往一边歪",
    "不急的 就是我爷爷说话有点含糊 嘴角往一边歪",
    "她今天一直迷迷糊糊的认不出人",
    "社区讲座上我妈突然倒地抽搐该怎么办",
])
def test_review20b_third_emergencies_fire(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "急救课上老师讲老人突然晕倒怎么办",
    "讲座里医生说中风了嘴会歪，要马上打120",
    "培训课教我们有人倒地抽搐时怎么做",
    "真出事谁负责",
    "真出事咋整",
    "我奶奶老年痴呆好几年了 认不出人",
    "有空来一下 我家马桶堵了",
    "抽空来看看 我家门口的地砖翘起来了",
    "今天社区做老人跌倒急救培训，要找志愿者演摔倒的人，谁愿意来",
])
def test_review20b_third_look_alikes_stay_quiet(text):
    assert not fires(text)


# ---- review 20 note 41: a sport or a game only as the frame named; 下课/放学 is where bullying happens ----

@pytest.mark.parametrize("text,expected", [
    ("几个大孩子放学堵着我儿子，下课就把他摁在地上打", True),
    ("不是闹着玩的 有人拿着棍子在追我儿子打", True),
    ("摔跤课上教练把他摁在地上打 练得好狠", False),
    ("小孩们拎着木棍在追泡泡 玩得开心", False),
])
def test_review20_note41_a_sport_only_as_its_frame(text, expected):
    assert fires(text) is expected
