"""Review 23 (safety MUSTs 1–9): rules that set a cue aside — a homophone, a frame, an `unless` — must not silence an
emergency that merely contains their words. Each reason is tested both ways: the emergency fires, the look-alike the
rule was written for stays quiet."""

import pytest

from tests.safety._helpers import fires

# --- MUST 1: 演练 by sound only after a drill's kind or how one is held, never 杨/严/燕/样 before 练 ------------------
@pytest.mark.parametrize("text", [
    "老杨练太极的时候突然倒地不起 叫不醒",
    "隔壁老严练剑的时候晕倒了 快来人",
    "小杨练拳摔倒了 头上流血",
    "广场上老燕练太极的时候突然抽搐",
    "我爸照着视频这样练 结果突然喘不上气 脸都紫了",
    "严师傅在院子里练功 练着练着人就瘫下去了 喊他不答应",
    "杨阿姨练扇子舞时一头栽倒 嘴角都歪了",
])
def test_a_collapse_while_practising_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "防汛严练定在礼拜六上午 要不要带雨衣",
    "社区组织地震演连 我家老头腿脚不好能不去吗",
])
def test_a_drill_typed_by_sound_stays_a_drill(text):
    assert not fires(text)


# --- MUST 2: bare 先 is "first, before I act"; ahead of time only after a question -----------------------------------
@pytest.mark.parametrize("text", [
    "厨房煤气漏了 味道很大 我想先学一下怎么关总阀",
    "楼道里着火了 想先学一下灭火器怎么用",
    "老公突然倒地抽搐 想先学点急救",
    "邻居家孩子噎住了 想先学一下海姆立克",
    "电箱那边冒火花了 噼啪响 我想先了解下电闸在哪拉",
])
def test_learning_first_in_an_emergency_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "心脏骤停的人按压要按多深才对？我想先学着点",
    "遇到老人突发中风应该怎么判断呢？想提前学一下",
])
def test_learning_after_a_question_stays_quiet(text):
    assert not fires(text)


# --- MUST 3: an app's story about our own building or person is here and now -------------------------------------
@pytest.mark.parametrize("text", [
    "看了条抖音 说我们这栋楼电梯困人了 我妈就在里面",
    "刷到一条抖音 就是我们楼下 有个老人倒在地上没人管",
    "小红书上有人说我们小区有人煤气中毒 救护车刚来",
    "抖音上看到3号楼有人要跳楼 就在我们小区",
    "b站上有人直播 拍的就是咱们单元着火 浓烟往上冒",
])
def test_an_app_telling_of_our_place_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "刷到一条小红书 外省有栋居民楼半夜起火 好惨",
    "抖音上有人说某地老人在公园晕倒了 路人都不敢扶",
])
def test_an_app_telling_of_elsewhere_stays_quiet(text):
    assert not fires(text)


# --- MUST 4: one guard for every "gone away" — signs of life that failed, a turn of events -------------------------
@pytest.mark.parametrize("text", [
    "独居的王奶奶说去三亚旅游 可是她家灯一直亮着 敲门没人应",
    "隔壁孤老太说跟团去北京旅游 可她家门口的牛奶三天没拿",
    "对门独居的李大爷说去海南旅游 可这两天家里灯一直亮着",
    "楼上一个人住的刘奶奶说去桂林旅游 到现在还没见人 屋里有股味",
    "独居的张爷爷说去云南旅游了 可我今天敲门听见里面有动静 没人应",
    "一个人过日子的周阿婆讲去成都耍 结果报纸在门缝里堆了好几天",
])
def test_gone_away_with_signs_against_it_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "一个人住的孙爷爷好几天没下楼 原来是去西安旅游了",
    "对门的独居阿婆这礼拜没见着 去她外孙女家住了",
])
def test_gone_away_alone_accounts_for_the_silence(text):
    assert not fires(text)


# --- MUST 5: a phone is the call's means only in the call's shape; held or grabbed it is a weapon --------------------
@pytest.mark.parametrize("text", [
    "我老公喝醉了 拿着手机打我 头都破了",
    "他一把夺过手机打我",
    "我儿子抓起手机就打我",
    "女婿抢过座机话筒就打我妈 她嘴角出血了",
])
def test_a_phone_in_hand_used_on_a_person_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "到时候手机直接打我外孙的 他白天在家",
    "以后电话打我媳妇的就行 我耳朵背",
])
def test_a_phone_as_the_means_of_a_call_stays_quiet(text):
    assert not fires(text)


# --- MUST 6: 一X就 is a habit only in a habit's shape ---------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "刚才一插上电就冒烟了 满屋子都是烟",
    "电动车一插电就炸了 火很大",
    "一插上电就爆了 火苗窜起来了",
    "刚刚一开电热毯就着了 被子烧起来了",
])
def test_a_plug_in_told_once_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "这台老冰箱一插插头就冒火花 能修吗",
    "我屋那个烤火炉一插电就跳闸 是不是线路不行",
])
def test_a_plug_in_habit_stays_quiet(text):
    assert not fires(text)


# --- MUST 7: a public lamp by its name, not one character before 灯 ------------------------------------------------
@pytest.mark.parametrize("text", [
    "对门的老奶奶家顶灯一直亮着 好几天了",
    "隔壁王大爷家过道灯一直亮着 两天了",
    "我爸家走廊灯一直开着 三天了",
    "独居的陈伯屋里吸顶灯白天黑夜一直亮着 四天了",
])
def test_a_lamp_in_an_elders_home_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "小区门口的路灯一直亮着 好几天了 大白天也不关",
    "我们单元楼梯灯一直亮着 一个礼拜了 谁来管管",
])
def test_a_public_lamp_stays_quiet(text):
    assert not fires(text)


# --- MUST 8: the puppy's play must be its own; a child at play nearby is the setting of an attack ---------------------
@pytest.mark.parametrize("text", [
    "小孩在楼下玩 突然一条疯狗冲过来咬人了",
    "孩子们在小区里玩 有条大狗追着人咬",
    "我带孙子在广场玩 一条流浪狗扑倒了我孙子",
    "一条大狗在咬人 孩子在旁边玩",
    "一条大黑狗扑人 把我裤腿都撕烂了 还在追",
    "娃娃们在滑梯那逗蚂蚁 一只狼狗冲过来咬人了 好吓人",
])
def test_a_dog_attack_near_children_at_play_fires(text):
    assert fires(text)


def test_a_puppy_playing_with_a_trouser_leg_stays_quiet():
    assert not fires("邻居家小狗咬着我裤腿玩 甩都甩不掉")


# --- MUST 9: the place or a teacher nearby never explains a child taken; a doubted claim of kinship neither -----------
@pytest.mark.parametrize("text", [
    "有个女的冒充老师把孩子抱走了",
    "放学的时候有个男的在学校门口把我孙子抱走了",
    "有个人把孩子抱走了 老师都没拦住",
    "一个男的把小孩拉走了 孩子是我们幼儿园的",
    "有个男的把我外孙拽走了 说是孩子的爸 可孩子爸在外地",
    "托管班门口有个阿姨把我孙女拉走了 自称是她姨 我们家根本没这个人 快帮忙拦住",
])
def test_a_child_taken_at_school_or_by_a_false_relative_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "有个男的把孩子抱走了 原来是他亲爸 两口子在闹离婚",
    "刚才有个女的把我外孙女抱走了 后来才知道是孩子的姑姑 虚惊一场",
])
def test_a_child_taken_by_named_family_stays_quiet(text):
    assert not fires(text)


# --- MUST 10: glass, a window or goods are ordinary only as the thing hit, never as what falls on a person ----------
@pytest.mark.parametrize("text", [
    "玻璃门碎了砸到我儿子 满脸都是",
    "窗户掉下来砸到我妈了",
    "阳台玻璃掉下来砸中我孙子了",
    "大风把窗户吹下来砸到个小孩",
    "超市的货架翻了砸中一个老太太 压在底下",
    "楼上的窗扇松脱飞下来砸到我老伴肩膀 动不了了",
])
def test_glass_or_a_window_falling_on_a_person_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "我家窗户被人砸了 玻璃碎了一地 找谁赔",
    "楼下有人砸玻璃 砸到人了吗",
])
def test_glass_or_a_window_as_the_thing_hit_stays_quiet(text):
    assert not fires(text)


# --- SHOULD 8: a memory (想起来还怕) holds only up to a turn to now ------------------------------------------------
@pytest.mark.parametrize("text", [
    "想起来还怕 刚才我妈在厕所摔倒了 现在还起不来",
    "想起来就后怕 刚刚厨房油锅起火了 火还没灭",
])
def test_a_memory_then_a_turn_to_now_fires(text):
    assert fires(text)


def test_a_memory_alone_stays_quiet():
    assert not fires("想起来小时候村里那场大火 烧了半条街 到今天都忘不掉")
