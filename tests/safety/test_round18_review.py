"""Round 18 review (/work/notes/REVIEW18.md): the safety net's suppressors the reviewer's probes found
silencing real emergencies, fixed by reason and tested both ways in new wording (spaces for commas, no
punctuation, roles swapped). No sentence here is taken from a set.
"""

from __future__ import annotations

import pytest
from tests.safety._helpers import fires



# ---- note 6: a thing of theirs after the search is its object only when it ends the clause -------------

@pytest.mark.parametrize("text", [
    "外孙女找不着了，她的书包在滑梯旁边",
    "外孙女找不着了 她的书包在滑梯旁边",
    "我爸丢了 他的拐杖还靠在公园长椅上",
    "小儿子不见了他的自行车还倒在路边",
    "奶奶不见了 她的助听器落在桌上",
    "我老伴找不到了 他的钥匙跟手机全在茶几上",
    "姥姥寻不着了她的鞋还在门口",
    # a listed thing right after 不见了/找不着 with no 了 (note 28: these fail at 3213c16)
    "小外孙不见了 他的书包还在单元门口",
    "我婆婆找不着 她的手机和钥匙都放在桌上",
    "儿子不见了他的眼镜掉在草坪上",
    "老人家找不着 他的钱包跟手机都在抽屉里",
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
    # note 3: the revenge and English-blow cues, each the only cue of its line
    "前妻的哥哥拎着根棒子在单元门口晃 念叨着要报仇",
    "有个醉汉在hit我妈 快",
    "that guy keeps hitting my grandpa 报警",
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


# ---- note 1: frame words and questions that do not govern a real emergency ---------------------------------

@pytest.mark.parametrize("text", [
    # a drill denied or a real event during it
    "这回不是消防演练 三楼真冒烟了",
    "是真的着火了不是演习",
    "搞演习的时候仓库真的烧起来了，有两个人没出来",
    # the watching under way or over and left; the person is theirs
    "我们正看电影呢 我奶奶突然说不出话了",
    "老伴在看连续剧 我爸突然从沙发上栽下来了",
    "刚看完电影回家 发现厨房着火了",
    "刚看完电视剧出来倒垃圾 楼道里全是烟",
    "我在追剧 有个邻居跑来说我妈突然晕倒了",
    "正在看电视 一不留神 孩子突然从沙发上摔下来了",
    # what to do now, asked after one's own or someone there taken
    "请问 我家孩子吞了枚硬币 应该怎么办",
    "我爸刚喝了半瓶农药 该打什么电话",
    "麻烦问下 电梯里关了个人 要打什么电话",
    # two people shut in together, after a habit
    "这电梯老是坏 刚才又把我跟孙子关里面了",
    "电梯三天两头出毛病，这会儿又把我和老伴困里面了",
    # how long before a report, asked while searching
    "老人走丢了多久才能报警 已经找了一上午了",
    "孙子跑丢了 得过多少钟头才能报案啊 我们楼上楼下都找了一圈了",
])
def test_a_frame_that_does_not_hold_the_emergency(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "明天消防演练 假装三楼着火了",
    "今天搞消防演习 模拟有人被困在三楼",
    "楼里在搞消防演练 说是着火了大家往下跑",
    "我在看电视剧 里面有个老人突然晕倒了",
    "我在看连续剧 里头有个小孩突然掉进井里了",
    "我看着电影 有个人突然倒地抽搐 好吓人",
    "刚看完电影出来 电影里那个人被困在电梯里太吓人了",
    "刚看完一部电影 讲一个小孩走丢了",
    "刚看完新闻回来 说有人被困在电梯里了",
    "刚看完电影出来，讲的是一个人被困在电梯里",
    "请问一下电梯困人应该打什么电话",
    "老人吃错药要怎么办",
    "如果有人被困在电梯里 应该打什么电话",
    "电梯经常把人困里面 物业也不管",
    "小孩跑丢了得过几个钟头才能报案",
    "摔了一跤医药费能报吗",
])
def test_the_frame_still_holds_its_look_alikes(text):
    assert not fires(text)


# ---- notes 9 and 25: an "always" entry's span must not reach another clause's emergency ---------------------

@pytest.mark.parametrize("text", [
    "烟雾报警器一直叫 没有着火 老人坐地上起不来了 派个人来看看",
    "烟感响个不停没着火可我妈昏过去了快来看看",
    "烟感一直响，没起火，配电箱那边冒火花了，快来看看",
    "辣椒炒得太猛辣得我眼泪直流 灶台着火了",
    "吃火锅辣得满头汗 电磁炉烧起来了",
    "我家猫追着外孙女从窗台跳下去了",
    "为了救那只猫 我儿子从二楼阳台跳下去了",
    "小狗跑了 孙子跟着从窗户跳下去了",
    "老头子打鼾 打着打着就没动静了 救命啊",
    "我妈打呼噜 呼噜声一下停了 嘴唇发紫 救命",
    # each quiet in the lexicon at 3213c16 (the always span swallowed its cues)
    "我家狗拽着闺女从阳台跳下去了",
    "为了追狗 外孙往楼下跳下去了",
    "老伴打呼噜 打着打着不喘气了 救命",
    "烟感一直响 没着火 奶奶抽过去了 快派人看看",
    "辣得我直冒汗 锅里着火了",
    "辣得孩子直哭 油锅起火了",
    # note 30: the snore that stops between the nuisance and the cry
    "老爷子呼噜好响 一下子停了 救命啊",
    "我爸打鼾打得震天响，后来没声了，救命",
])
def test_an_always_entry_keeps_to_its_own_clause(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "烟雾报警器一直叫 没有着火 估计是电池没电了 来换一下",
    "烟感老响 没冒烟 应该是坏了 找人来修",
    "这麻辣烫辣得我舌头都冒火了",
    "辣得我嗓子眼着火了 哈哈",
    "隔壁的狗从阳台跳下去了",
    "我家猫咪自己往楼下跳下去了",
    "我老公打鼾跟打雷一样 救命",
    "室友打呼噜吵死了 救救我",
])
def test_the_ordinary_sense_still_holds(text):
    assert not fires(text)


# ---- note 18: a fridge in the kitchen is no bad egg; a source ruled out leaves the smell unexplained ----------

@pytest.mark.parametrize("text", [
    "灶台边上冰箱那块一股臭鸡蛋味 我头有点发晕",
    "屋里像臭鸡蛋一样的味道 冰箱翻过了 不是冰箱的事",
    "垃圾早倒了 还是有股臭鸡蛋味 越来越重",
    "冰箱后头靠着燃气管 有一股烂鸡蛋的味",
])
def test_an_egg_smell_next_to_a_fridge_is_gas(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "冰箱里的蛋放臭了 一股臭鸡蛋味",
    "鸡蛋放坏了，厨房一股臭鸡蛋味",
    "下水道返味 闻着像臭鸡蛋",
    "卫生间地漏反味 闻着像臭鸡蛋",
])
def test_a_bad_egg_or_a_drain_is_no_gas(text):
    assert not fires(text)


# ---- notes 15 and 22: a jest closes the message; what is said after the laugh is still the telling ----------

@pytest.mark.parametrize("text", [
    "我家丫头是不是误吃了蟑螂药 嘻嘻 嘴角有白沫",
    "是不是漏电了呵呵 我胳膊一直发麻",
    "外婆是不是中风了哈哈，她嘴角往一边歪",
    "孩子是不是吞了硬币 哈哈哈 小脸憋得通红",
])
def test_what_follows_the_laugh_is_still_told(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "老王你是不是走丢了哈哈哈",
    "楼下炖榴莲 我问邻居是不是漏气了 嘿嘿",
    "是不是又着火了哈哈~",
])
def test_a_laugh_that_closes_the_question_is_a_jest(text):
    assert not fires(text)


# ---- note 10: 哪天 asking for a day, the estate's PA or a broadcast of a place of ours, a liking then an event -----

@pytest.mark.parametrize("text", [
    "师傅哪天来都可以 先说个急的 我家天然气漏了咋办",
    "哪天上门都行，我奶奶刚才摔了爬不起来，怎么办",
    "你们哪天能来修水管 厨房燃气一直在漏 咋整",
    "楼里的广播说有人困在2号楼电梯里了",
    "广播里讲有个老人倒在7栋门口了",
    "收音机里说有人在我们小区楼下打架动刀了",
    "我家小子总爱玩打火机 把沙发点着了",
    "老头子就爱乱拉电线 插座烧起来了",
])
def test_a_day_asked_for_a_local_broadcast_a_liking_then_an_event(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "我妈要是哪天摔倒了怎么办",
    "收音机里说有人被困在电梯里了",
    "电台里讲有人在外省工地上触电了",
    "孩子老爱玩火 怎么教育",
    "他就爱把窗帘点着玩",
])
def test_a_what_if_hearsay_and_a_habit_stay_quiet(text):
    assert not fires(text)


# ---- conversations fixer: a part of the day too early for the resident, a head count for a meal ---------------

@pytest.mark.parametrize("text", [
    "换成下午吧 一早我可起不来",
    "九点那个算了，九点我起不来",
    "别约上午了 上午俺实在起不来",
    "约两个人的饭 我和老伴",
    "我老伴也要吃 一共两位",
    "孙子周末也吃，四个人四份",
    "晚饭我家那口子也吃 订两位",
    "明天老爷子也吃 两位 两份",
    "我婆婆也要吃 那就三个人",
])
def test_a_time_choice_and_a_head_count_are_no_emergency(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "上午我在卫生间摔了 起不来",
    "今天上午我爸起不来了 浑身发抖",
    "上午我起不来了 腿没知觉",
    "我奶奶摔了一跤起不来了",
    "我们一家三个人吃了剩饭 现在都上吐下泻",
    "奶奶也吃了两个 现在嘴唇发紫",
])
def test_a_fall_or_a_meal_gone_wrong_still_fires(text):
    assert fires(text)


# ---- note 3: the craftsman guard on the work, not on any 装; a quarrel is menace; a word being learnt ---------

@pytest.mark.parametrize("text", [
    "隔壁搞装修的跟我吵架 抄起家伙冲上来了",
    "楼下装修那家跟我们吵起来，攥着家伙冲进来了",
])
def test_a_renovator_in_a_quarrel_with_a_weapon(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "装修师傅拎着家伙上楼干活 吵得很",
    "师傅提着家伙来安装热水器",
    "police 这个单词怎么读",
    "英语课上老师教 call the police 怎么念",
])
def test_a_craftsman_at_work_and_a_word_learnt(text):
    assert not fires(text)


# ---- note 32: the time-choice reading of 起不来 never with a body part or symptom after it -------------------

@pytest.mark.parametrize("text", [
    "一早我起不来 膝盖动不了 家里没人",
    "早上九点我起不来，腿使不上劲，老伴出门了",
    "上午俺起不来 浑身发抖",
    "老伴也吃 一共两个人 我们都吃了山上采的野菜",
])
def test_not_up_with_a_body_in_trouble(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "七点那个我起不来 太早了",
    "早上我起不来 能不能约晚点",
])
def test_not_up_that_early_stays_a_time_choice(text):
    assert not fires(text)


# ---- note 1's look-alikes and note 19: a feeling like a shock, a seasonal habit worried about, a number asked,
# ---- a rule of the police asked with no search told, a threat said to be only words ------------------------------

@pytest.mark.parametrize("text", [
    "那个视频看得我跟过电似的",
    "我公公冬天喜欢在卧室烧炭盆，我挺不放心",
    "police 号码是多少来着 我记一下",
    "想问一下 老人走丢了报警要等多久",
    "隔壁那人说要给你好看 其实就是说说而已 吓唬人的",
])
def test_look_alikes_of_note_one_stay_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "一摸冰箱就像触电一样 手还麻",
    "我公公冬天喜欢在卧室烧炭盆 刚才人晕过去了",
    "孙女走失了 派出所立案得等一天吗 我们都找了一下午了",
    "那人说要给我们点颜色看看 还在门口砸门",
])
def test_and_their_emergencies_still_fire(text):
    assert fires(text)


# ---- note 5: 上周 after 楼 is the time word unless a name follows it (楼上周阿姨) -----------------------------------

def test_last_week_after_a_building_is_a_time_word():
    assert not fires("咱们楼上周有个老人被关在电梯里了")
    assert fires("楼上周叔叔家厨房着火了 烟冒到我家阳台")
    assert fires("楼下周奶奶摔在楼道里起不来了")


# ---- own rewordings of this round's new suppressors: each still lets a real emergency through ------------------

@pytest.mark.parametrize("text", [
    "我爸也吃了三个 现在肚子疼得打滚",            # the head count, with a body in trouble
    "九点我起不来 头晕得厉害 一个人在家",          # the time choice, with a symptom
    "我妈冬天爱在屋里烧炭 今天一直叫不醒",         # the seasonal habit, with someone unwell now
    "外孙跑丢了 报警得等多长时间 急死我了",        # the police's rule, asked in distress
    "老人走失了 立案要等二十四小时吗 现在天都黑了",
    "他说只是嘴上说说 结果拿着刀冲过来了",         # only words, then a weapon
    "快call police 电话是多少我忘了 有人在砍人",   # a number asked, with a blow
    "楼上周围全是烟 着火了",                      # 周围 is no week
])
def test_the_new_suppressors_let_a_real_emergency_through(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "这电线哪天都可能着火 怎么办",
    "老人哪天都有可能摔倒 怎么办",
    "哪天能来个人看看 我担心哪天煤气漏了咋整",
    "要是我妈吃了安眠药 要怎么办",
])
def test_some_day_and_what_if_still_hold_after_the_scheduling_and_plea_rules(text):
    assert not fires(text)


# ---- the reviewer's probes of c10bffb/63a6b71 (after note 33): the new suppressors negated, owned or mixed ------

@pytest.mark.parametrize("text", [
    "那人讲要你好看 我看不像是气话 已经上楼来了",        # only words, denied, and he is coming
    "他说要给我们点颜色看看 可不是吓唬我们的 人就在门外",
    "someone attack 我妈 在3栋 police 电话是多少 快",     # a number asked, with a blow said
    "我外孙走丢了 立案得等一天吗",                       # the police's rule, asked of one's own
    "问一下 我儿子不见了 报警要过多久",
    "他晚上老爱躺床上抽烟 被子烧起来了",                 # a liking, then today's event
    "刚看完电视剧回来 我婆婆说心口疼 倒在门口了",         # one's own telling, after the show
])
def test_the_new_suppressors_negated_owned_or_mixed(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "他说要给我好看 其实就是气话 早就走了",
    "咨询一下 小孩走失了立案要等满一天吗",
    "刚看完新闻回来 听说有人被困在电梯里了",
])
def test_and_their_look_alikes_stay_quiet(text):
    assert not fires(text)


# ---- notes 34 and 35 (rewordings): a denial with 哪是, a hurry with the police's number, one's own 说有 after the show

@pytest.mark.parametrize("text", [
    "他说要我好看 哪是气话 人都到楼下了",
    "police 电话是多少 快 有人闯进来了",
    "刚看完电影回家 我妈说有点头晕 倒在沙发上了",
    "刚看完电视剧回来 我爸讲了句胸口疼 就倒了",
])
def test_notes_34_35_rewordings_fire(text):
    assert fires(text)


# ---- note 37 (SHOULD, lexicon gap): fallen onto a sofa, a bed or a chair with a symptom said near ----------------

@pytest.mark.parametrize("text", [
    "刚看完电视剧到家 听我婆婆说心口疼 这会儿瘫在沙发上了",
    "我爸说胸口疼 栽在床边了",
    "奶奶吐了两回 瘫在椅子上叫不醒",
])
def test_fallen_onto_furniture_with_a_symptom(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "累死了 倒在床上不想动",
    "头有点疼 倒在床上休息一会",
])
def test_dropping_onto_a_bed_to_rest(text):
    assert not fires(text)
