"""Review 20b: the round's calm reasons narrowed back to their reasons (recall first).

The second reviewer's probes showed this round's suppressors silencing real emergencies. Each group below is a reason;
its emergencies are new wording of our own (none taken from a set or from the reviewer's probes) and must fire; the
look-alikes the reason still covers stay quiet. Look-alikes of removed suppressors (玩具刀, 就能, 老冒烟, 做鬼脸) may fire
now: a false alarm is accepted, a missed emergency is not.
"""

from __future__ import annotations

import pytest

from tests.safety._helpers import fires

# 都能/就能 before a perception of a hazard (闻到, 看见, 听见) is a report of it, not a what-if
PERCEIVED = [
    "在五楼都能闻到一股焦糊味 你们快派人看看",
    "出电梯就能闻到很重的煤气味",
    "隔着窗户都能看见对面楼冒黑烟",
    "小区外面都能听见楼里有人喊救命",
    "楼梯间都能闻见烧焦的味儿 是哪家着了",
    "站在阳台上都能看到隔壁窗口在冒火",
    "一开门就能闻到燃气味 呛得慌",
    "在楼下都能听到那家两口子打架砸东西 还有孩子哭",
]

# 咋找 of one's own kin, or with a description, a place or a search told after the way asked, is a search under way
ZHAO = [
    "我外婆走丢咋找 有啥法子",
    "我儿子走丢咋找 有没有好办法 他才五岁",
    "孩子走丢咋找 有什么办法 在菜市场丢的",
    "小孩走丢咋找 有没有办法 穿蓝色外套",
    "老人走丢咋找 有啥好办法 全家都在外面找",
    "我家老太太走丢咋找 有没有好法子",
    "我侄子走丢咋找 有啥办法 戴个红帽子",
    "闺女走丢咋找 有没有啥好办法 急",
]

# up and off (爬起来就跑了) never ends a stabbing or a fight: whoever ran, the wound stays
STAB = [
    "楼下两人打架 一个被砍了 另一个爬起来就跑了",
    "他俩打起来了 一个被刀扎了 那个爬起来就跑了",
    "打群架 有人被捅了 捅人的站起来就跑了",
    "停车场有人打架 一个满脸血 另一个爬起来就跑了",
    "两口子打架 男的被捅了 女的爬起来就跑了",
    "有人被砍伤了 砍人的爬起来就跑了",
    "打架打得一地血 那个人站起来就跑了",
    "小区门口斗殴 一个被刺伤了 对方爬起来就跑了",
]

# a locksmith called by someone the message names first (a former partner, debt collectors, a stranger) is a break-in
LOCKSMITH = [
    "我前夫，叫了个锁匠正在撬我家门，孩子吓哭了",
    "楼上那个酒鬼，找了个开锁的在撬我的门，我躲在阳台",
    "那个前男友又来了，叫了个开锁师傅在撬我家门",
    "有个陌生人，找了个开锁的正在撬我家锁，我一个人在家",
    "那几个催债的，找了个开锁公司的撬开了我家门",
    "有个男的冒充房东，叫了开锁师傅撬我家门，我躲在卫生间",
    "那个醉汉，找了个开锁的在撬我家的门，我和老人躲在屋里",
    "对门那个疯女人，叫了个开锁的正在撬我们家门",
    "有人冒充住户，找了个锁匠撬开了楼下的门，楼下家没人",
]

# a thud then silence with someone said to live there (独居, 孕妇, 心脏病) is a person silent, not a noise complaint
THUD = [
    "半夜隔壁咚的一声 吓我一跳 然后就没动静了 隔壁住着个大爷",
    "楼上半夜扑通一声 吓我一跳 后来就没动静了 楼上那阿姨有高血压",
    "半夜楼上扑通一声 吓我一跳 之后就没动静了 楼上住个独居老大爷",
    "隔壁半夜咚的一声 吓我一跳 然后没动静了 隔壁那姑娘有癫痫",
    "楼下半夜砰的一声 吓我一跳 接着就没动静了 楼下住的是个病人",
    "半夜隔壁咣的一声 吓我一跳 后来就没动静了 隔壁住的是个孕妇",
    "楼上半夜扑通一声 吓我一跳 然后就没声了没动静了 楼上那大哥身体不好",
    "半夜楼上咚一声吓我一跳 就没动静了 楼上住一个坐轮椅的阿姨",
    "隔壁半夜扑通一声 吓我一跳 之后没动静了 隔壁小伙子有心脏病",
]

# a bare 老 (老漏电, 老冒烟) is the background; the injury or the smell now is the event
HABIT = [
    "插座老冒烟 我妈刚去拔插头被电倒了",
    "家里老漏电 刚才孩子碰了一下开关被电得直哭",
    "那个热水器老漏电 我爸洗澡被电了一下 手麻了",
    "燃气灶老漏气 刚才一点火轰的一声 我老公脸烧伤了",
    "电闸老跳闸 我去推闸被电了 手发黑",
    "厨房老漏气 现在味道大得我头晕恶心",
    "煤气老漏气 我妈闻着闻着晕过去了",
    "电线老冒黑烟 刚才窗帘着起来了",
]

# a treated injury with a sign after it (歪了, 一直哭, 吐) is not a small thing dealt with
TREATED = [
    "孩子手指被门夹了 冰敷了 指甲发黑 一直哭",
    "宝宝腿磕了 冰敷了 腿歪了 动不了",
    "孩子脚被门夹了 冰敷了 脚趾头歪了",
    "手指被门夹了 冰敷了 一直哭 动不了",
    "孩子头磕了 冰敷了 可是一直吐",
    "老人摔了一跤 涂了点药 可是腿动不了",
    "宝宝磕到额头 冰敷了 一直哭 还吐了",
    "我爸手砸了 冰敷了 手指头歪了 不能动",
    "孩子摔了 擦了药 胳膊歪了 一直哭",
]

# a face made in play that does not come back, or a mouth that drops while playing, is a stroke sign
FACE = [
    "我奶奶做鬼脸逗孩子 做完嘴一直歪着 口水往下流",
    "我爸扮鬼脸逗孙子 结果脸回不来了 说话也不清",
    "我妈跟孙子做鬼脸 做完嘴就一直歪着 回不来了",
    "爷爷逗孩子做鬼脸 脸就一直歪着 说话也不清楚",
    "我爸做鬼脸逗孙女 嘴角突然歪了 口水直流",
    "奶奶逗孙子玩 突然嘴角歪了 说话含糊",
    "外公扮鬼脸 扮完脸就回不来了 一边歪着",
    "我爸逗孩子的时候嘴突然歪了 手也麻了",
    "我爷爷逗孙子 忽然嘴角往下掉 口水往下流",
]

# a whereabouts (去她孙女家) followed by an absence (没影, 没消息, 联系不上) explains nothing
WHEREABOUTS = [
    "我爷爷去他外孙女家 到现在都没影 打电话也不接",
    "我姥姥去她孙子家 一直联系不上 天都黑了",
    "我外公去他外孙家 到现在人都没影",
    "我爷爷去他孙子家 一直没消息 全家都急坏了",
    "奶奶去她侄女家 到现在人呢都不知道",
    "我姥爷去他外孙女家 半路上就联系不上了",
    "我爸去他女儿家 到现在都没影 手机也没人接",
    "我外婆去她孙子家 到现在还没消息 八十多了",
]

# a nightmare's cry followed by waking with a sign (头疼, 说不出话, 血) is the sign's emergency
DREAM = [
    "孩子做噩梦喊救命 醒来说头疼得厉害",
    "我妈梦里喊救命 醒过来说胸口闷",
    "说梦话喊救命 醒来以后半边身子没劲",
    "老伴梦里直喊救命 醒过来就说不出话了",
    "做噩梦喊救命 醒来发现满床是血",
    "我爸梦里喊救命 醒来说看不清东西了",
    "孩子噩梦喊救命 醒过来一直抽",
    "奶奶说梦话喊救命 醒过来嘴歪了",
]

# a call button in a common room that nobody answers, with someone unwell beside it (说话含糊, 嘴歪, 呛着) is not a repair
BELL = [
    "活动室的呼叫铃没人应 王爷爷说话大舌头了 派人检查下",
    "大厅的呼叫按钮没人应 有个老太太口水直流 赶紧来修",
    "走廊的报警铃没人理 有位大爷嘴歪了 派人修一下",
    "活动室的呼叫铃没人应 李奶奶说话含糊 派人来检查",
    "食堂的呼叫铃没人理 有个老人噎住了 派人修",
    "会议室的呼叫按钮没人应 张阿姨半边手麻了 来检查下",
    "大堂的紧急按钮没人应 一个老爷子说话不清楚 快来修",
    "棋牌室的呼叫铃没人应 有个大爷呛着了一直咳 派人检查",
]

# a lift stuck for days with a sign from inside the car (敲, 拍门, 回应, 声音) is somebody shut in
LIFT = [
    "电梯 stuck 好几天了 里面有人在拍门",
    "电梯 stuck 好几天了 轿厢里有敲门声",
    "电梯 stuck 几天了 敲门里面有回应",
    "电梯 stuck 好几天了 里面传出喊声",
    "电梯 stuck 好几天了 轿厢里一直有咚咚声",
    "电梯 stuck 几天了 里面好像有人敲",
    "电梯 stuck 好几天了 里面有声音",
    "电梯 stuck 好几天了 里面有回应 好像有人",
]

# what is worn on the hand (手套, 手链, 手表带) caught in a machine or an escalator takes the hand with it
WORN = [
    "我妈的手套卷进洗衣机滚筒里了 手也被带进去了",
    "孩子手链卡进扶梯缝里了 拽不出来",
    "我爸手套卡进电钻里 手也卷进去了",
    "孩子的手表带卡在电梯门缝里了",
    "老公的手套卡进搅拌机里了 连手一起",
    "孩子手链卡在电动门里 拔不出来",
    "我的手套卡进绞肉机了 手拔不出来",
    "小孩手链卡在自动扶梯里 哭得厉害",
]

# 真有啥事 of a person living alone, with the knock not answered, is a silence now, not a what-if
TIPTOE = [
    "那个独居阿姨真有啥事 敲门不应 屋里灯一直亮着",
    "独居那个大爷真有啥事 敲门不应 灯一直亮着",
    "对门独居阿姨真有什么事 敲门一直不应",
    "楼上独居老太太真有啥事了 敲门不应 电话也不接",
    "隔壁一个人住的大妈真有啥事 敲门没人应",
    "独居的王奶奶真有事 敲门不应",
    "那个独居老头真有什么事 敲门不应 报纸都堆着",
    "独居那个阿婆真有啥事 敲门不应 好几天没见",
]

# a blade or a stick raised at people is a weapon, whatever it is made of (the toy-knife guard is removed)
KNIFE = [
    "有个疯子举着裁纸刀追人",
    "一个醉汉拿着木棍在楼下乱打人",
    "有人拿着塑料管子砍人 已经打伤了",
    "那个人举着木棍见人就打",
    "有个男的拿着裁纸刀在电梯里划人",
    "一个人拿着木头棍子追着打小孩",
    "醉汉举着木棍砸车 还冲人挥",
    "疯子拿着美工刀追着人砍",
]


@pytest.mark.parametrize("text", PERCEIVED + ZHAO + STAB + LOCKSMITH + THUD + HABIT + TREATED + FACE + WHEREABOUTS + DREAM + BELL + LIFT + WORN + TIPTOE + KNIFE)
def test_review20b_emergencies_fire(text):
    assert fires(text)


# the look-alikes each narrowed reason still covers
LOOK_ALIKES = [
    "这火锅店的香味在楼道里都能闻到 真馋人",
    "一点火星就能点着的东西 平时放远点",
    "孩子走丢咋找 有没有好办法",
    "我爸摔了一跤 自己爬起来就走了",
    "孩子绊了一下 爬起来就跑了 没哭",
    "钥匙丢了，叫了个开锁师傅撬开了门，花了两百",
    "找了个开锁的把我家门锁撬开了 钥匙忘带了",
    "半夜楼上咚的一声 吓我一跳 然后就没动静了 能不能管管",
    "膝盖磕紫了一块 冰敷了 好多了",
    "我妈去她外孙家住几天 所以没下楼",
    "孩子做噩梦喊救命 哄哄又睡着了",
]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_review20b_look_alikes_stay_quiet(text):
    assert not fires(text)
