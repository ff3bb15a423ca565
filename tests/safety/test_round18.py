"""Round 18 (issue #10): set 17's errors, by their general reasons, in our own words.

Each reason is tested both ways: the emergency it explains fires (worded several ways: spaces for
commas, no punctuation, the cue in another clause) and the look-alike that shares its words stays
quiet. No sentence here is taken from a set.
"""

from __future__ import annotations

import pytest

from assistant.safety import assess
from tests.safety._helpers import fires, kinds


# ---- a habit told, then 这下 (好了/可好): today's event ----------------------------------------

@pytest.mark.parametrize("text", [
    "对门天天在楼道里充电瓶车 这下好了 电瓶车着火了 烟全冲上来了",
    "隔壁老是乱接电线这下可好插座冒火花了",
    "他家整天开着煤气灶不管，这下倒好，一屋子煤气味，人都熏晕了",
    "这下好了，楼上经常漏水，水流进我家配电箱了还在冒火花",
    "楼下总是往垃圾桶里扔烟头 这下可好 垃圾桶烧起来了 火挺大",
])
def test_a_habit_then_this_time_is_today(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "电梯经常困人，这下好了，业主都不敢坐了",
    "楼下天天烧烤冒烟，这下好了，物业终于管了",
    "楼道里天天堆杂物，这下可好，消防来检查罚款了",
    "老是漏气的那根管子这下修好了",
])
def test_this_time_does_not_make_a_habit_or_a_repair_an_emergency(text):
    assert not fires(text)


# ---- a silent elder: nobody has seen them (没人见, 没人看到); 上周 only as a time word; 起 = since -------

@pytest.mark.parametrize("text", [
    "对门的王奶奶 三天了都没人见过 门口的奶也没拿",
    "隔壁独居大爷没人看见好几天了",
    "我们单元的李大爷这两天没人瞧见过 敲门也不应",
    "顺便反映个事 三楼一个人住的老太太 好几天没人见着了",
    "楼下周叔叔说他爸前天晚上起就打不通电话",          # 周 a surname after 楼下; 起 = since
    "楼上周奶奶跟我说 她老伴昨天起就联系不上",
    "昨天起就没见隔壁大爷出门",
])
def test_nobody_has_seen_the_elder(text):
    assert "silent_elder" in kinds(text)


@pytest.mark.parametrize("text", [
    "我家狗三天没人见过了",
    "上周隔壁大爷两天没人见，后来才知道去女儿家了",
    "上周小区里有个老人晕倒了",                          # 上周 still dates a cue
    "上周楼道里电瓶车着火了",
    "昨天起床的时候我妈摔了一跤，没事",                  # 起床 is no "since"
    "晚上周大爷来下棋了",
])
def test_nobody_seen_and_since_do_not_overreach(text):
    assert not fires(text)


# ---- asked whether it is serious, of a cue said to have happened; a day that describes a noun -------

@pytest.mark.parametrize("text", [
    "灶台底下嘶嘶的 像是燃气漏了 这要不要紧",
    "厨房有股煤气味 要紧吗",
    "孩子吞了个纽扣电池要不要紧",
    "我爸刚摔了一跤起不来 严不严重啊",
    "我家燃气灶那边好像泄漏了吧要紧吗",
    "帮我订下周的体检 诶等下 我爸突然说胸口好痛",   # a booking's day, then the emergency
    "小爱同学 设个明天的闹钟 算了 楼道里好大的烟 着火了",
    "明天的保洁取消吧 家里煤气味好重",
])
def test_a_real_cue_asked_about_or_after_a_booking_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "一氧化碳中毒严重吗",
    "老人摔倒严重吗",
    "吃错药要不要紧",
    "我妈摔了一跤，不要紧，能走",
    "明天电梯要停了",
    "明天的演练要模拟着火",
    "明天要检修燃气 会有煤气味吗",
    "下周的聚会要是有人喝多了晕倒怎么办",
])
def test_a_general_question_or_a_day_to_come_stays_quiet(text):
    assert not fires(text)


# ---- threats and blows in other words: 家伙 as a weapon, revenge vowed, 要给我好看, English hit ----------

@pytest.mark.parametrize("text", [
    "楼道里有个醉汉拎着家伙 嚷着要找我老公算账",
    "那个人抄起家伙就冲过来了 吓死人",
    "前夫堵在楼下 扬言要报仇 手里还拿着刀",
    "他在我家门口一直砸门 说要给我们好看",
    "外面那个男的踹门踹得咣咣响讲要畀你好看",
    "someone is hitting my dad 快来人 help",
    "my neighbour beat her kid 血流了一地 快报警",
    "有个男的在楼下 kicking 我儿子 快 call police",
])
def test_a_threat_or_a_blow_in_other_words_fires(text):
    assert "violence" in kinds(text)


@pytest.mark.parametrize("text", [
    "师傅提着家伙来修水管了",
    "抄家伙干活了 今天要把院子收拾了",
    "我儿子打游戏输了说要报仇",
    "在楼下说要拼命减肥",
    "这件衣服要让我好看点",
    "化个妆要给我好看多了",
    "what number to call police in china",
    "how do i call police",
])
def test_tools_games_looks_and_questions_stay_quiet(text):
    assert not fires(text)


# ---- dialect smoke, a search everywhere in vain, a door that will not open with the resident inside ----

@pytest.mark.parametrize("text,kind", [
    ("啲楼梯全系烟 我哋落唔到去", "fire"),
    ("楼道都系烟 睇唔到路", "fire"),
    ("姥爷趁保姆买菜溜出去了 我们到处找不着", "missing"),
    ("我婆婆下午出门买菜 到现在 哪儿都找不到", "missing"),
    ("孩子放学没回来 我们满小区都没找着", "missing"),
    ("我妈找不到了 她的手机也打不通", "missing"),
    ("卫生间门锁坏了拧不开 我出不去了", "trapped"),
    ("房门推不开 屋里只有我一个 喊了半天没人应", "trapped"),
    ("屋里就我一个人 这个门怎么都打不开 窗户也开不了", "trapped"),
])
def test_dialect_smoke_a_vain_search_and_a_door_that_holds_the_resident(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize("text", [
    "我爸的眼镜到处找不着",
    "孩子的作业本哪都找不到",
    "我妈到处找不到她的手机",
    "我妈找不到自己的拐杖了",
    "门打不开了 我在外面进不去 找个开锁的",
    "钥匙断在锁里了 门打不开 回不了家",
    "柜门拧不开了 帮忙看看",
    "门打不开了 屋里就我一个 不过我不急 等开锁师傅明天来",   # inside, and calm about it
])
def test_a_lost_thing_or_a_door_locking_someone_out_stays_quiet(text):
    assert not fires(text)


# ---- false alarms: ordinary senses and devices -------------------------------------------------------

@pytest.mark.parametrize("text", [
    "我家孩子一听到音乐就跟触电似的蹦起来",
    "他一看见那个姑娘就像触电了一样",
    "今天的麻辣烫辣得我舌头都冒火了",
    "这个火锅底料辣得嗓子眼都着了火",
    "楼道烟感老是响，没着火，帮忙换个电池",
    "家里的烟雾报警器半夜一直叫 也没冒烟 是不是坏了 来检查一下",
    "遥控器按了半天没反应",
    "我家那个一键呼叫的按钮坏了，按了几下都没反应，派人来修修",
])
def test_likenesses_spice_and_devices_stay_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "一摸冰箱就像触电一样 手都麻了",                 # a touch, not a sight: live metal
    "一碰洗衣机就像触电似的",
    "锅里的油辣椒烧起来了 厨房着火了",               # spice, and a real fire in its own clause
    "烟感一直在响 没着火 但是一屋子烟",
    "燃气报警器叫个不停 没冒烟 麻烦来看看 我有点头晕",  # a gas detector, someone unwell
    "报警器一直响 没看到火 有股煤气味",
    "烟感一直响 没着火 但是孩子一直咳嗽 来看看",     # someone coughing: the smoke is there
    "墙上的画要掉下来砸到人了",                      # a painting is no 的话
    "按了呼叫器，我爸躺着没反应",                    # the device pressed, the person silent
    "我按他胸口他也没反应",
    "掐了人中 按了半天还是没反应",                   # a person pressed, not a button
    "给老伴按胸口按了好久也没反应",
    "敲门按门铃都没反应 独居大爷三天没下楼了",
])
def test_the_same_words_with_a_real_emergency_fire(text):
    assert fires(text)


# ---- false alarms: what-ifs, habits, hearsay, a policy question ------------------------------------

@pytest.mark.parametrize("text", [
    "哪天煤气真漏了我们老两口也闻不出来 可咋整",
    "楼道里堆着液化气罐 哪天炸了怎么办",
    "这家店太脏了 迟早食物中毒吧",
    "那些电线乱拉 迟早着火啊",
    "我外公冬天总爱在屋里烧炭取暖，我不放心",
    "收音机里说有个人在河边溺水了",
    "电台上讲有人在工地上触电了，太惨了",
    "小孩走失是不是必须等满一天才可以报警",
    "老人被关在电梯里的画该找谁",                  # 的画 typed for 的话
])
def test_what_ifs_habits_hearsay_and_policy_stay_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "怕哪天煤气漏了咋整 结果今天真漏了 满屋子煤气味",
    "插线板乱拉 迟早出事 这不插线板烧起来了",
    "不知道哪天开始漏的 现在满屋子煤气味 怎么办",
    "天天乱扔烟头 迟早出事 今天真的着火了",
    "我说迟早出事吧 楼下着火了啊",
    "冬天老爱在屋里烧炭 今天一家人都头晕呕吐",
    "我爸老爱喝酒 今天喝多了叫不醒",
    "小区广播说有人被困电梯 我老公就在里面",
    "广播说有人被困电梯 我妈还在里面",
    "我家孩子走丢了两个小时了 是不是要等24小时才能立案",
    "孩子被锁在车里了 车门打不开",
])
def test_the_same_frames_around_a_real_emergency_fire(text):
    assert fires(text)


# ---- fear, a spoken pause, then what happened (known leftover: 担心 我妈摔倒了) -------------------------

@pytest.mark.parametrize("text", [
    "担心 我妈摔倒了",
    "好担心啊 我爸晕倒了",
    "担心死了 孩子从床上摔下来了",
    "担心 我妈刚才摔倒了没人扶",
    "好担心 我妈摔倒了 一直没人管",
    "担心 我妈晚上摔倒了没人知道 快来",
])
def test_fear_and_a_pause_then_a_fall_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "担心我妈摔倒",
    "我很担心 孩子会走丢",
    "担心 老人半夜摔了没人管",
    "不用担心 我妈摔了一跤没事",
])
def test_a_worry_without_a_pause_or_about_nobody_noticing_stays_quiet(text):
    assert not fires(text)


# ---- a cue asked about and laughed at after it (known leftover: a food smell joked as a leak) ----------

@pytest.mark.parametrize("text", [
    "隔壁煮臭豆腐 我问老公是不是漏气了 哈哈哈",
    "我家螺蛳粉一开锅 闺女就喊是不是煤气泄漏了嘻嘻",
    "老头子打了个喷嚏 孙子问爷爷是不是中毒了 哈哈",
])
def test_a_cue_asked_in_jest_stays_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "厨房一股怪味 是不是漏气了 哈哈 我有点慌",
    "哈哈 刚才闻到煤气味 是不是漏气了",
    "楼上是不是着火了 哈哈 烟好大 快来",
    "他是不是晕倒了嘿嘿 叫了半天都不应",
    "是不是漏气了哈哈 我头好晕",
    "楼上是不是着火了哈哈 好多烟",
    "是不是有人晕倒了 哈哈 快去看看",
])
def test_a_laugh_does_not_hide_a_real_one(text):
    assert fires(text)


# ---- cues the lexicon lacked (set 17's emergencies that only the n-gram model caught), in new words -------

def lexicon_kinds(text: str) -> tuple[str, ...]:
    verdict = assess(text, quiet=True)
    assert any(not cue.startswith("model:") for cue in verdict.cues), verdict
    return verdict.kinds


@pytest.mark.parametrize("text,kind", [
    ("卫生间地上积了好多水 排插整个泡在里面", "electric_water"),
    ("楼下电梯底坑在灌水 电梯还在跑", "electric_water"),
    ("下暴雨路口积水 电线杆旁边有个人走过去弹了一下", "electric_water"),
    ("婆婆早上吃了山上摘的野果 现在肚子疼得直打滚", "poisoning"),
    ("我爷爷突然抽处起来了 口吐白沫", "medical"),
    ("我外公在沙发上出虚汗 说话都说不清了", "medical"),
    ("my grandma lives alone 48 hours 没回消息了", "silent_elder"),
    ("我爸一个人在家 从昨天到现在电话打不桶", "silent_elder"),
    ("工地上的架子倒下来把两个工人压住了", "trapped"),
    ("小区门口那个电动车自然了 烧得好大", "fire"),
    ("车棚里电瓶车烧的噼里啪啦 全是烟", "fire"),
    ("楼道里一股烧电线的味道", "fire"),
    ("我奶奶有点糊涂 一转眼哪都看不到人了", "missing"),
    ("俺家孩儿在公园走散了", "missing"),
    ("家里一股像坏鸡蛋的味 我有点恶心", "gas"),
    ("the kitchen smells like gas 我妈说头晕", "gas"),
    ("这电梯一动不动 门也开不了 我们三个在里面", "trapped"),
])
def test_the_lexicon_reads_what_only_the_model_read(text, kind):
    assert kind in lexicon_kinds(text)


@pytest.mark.parametrize("text", [
    "这车开起来很自然了",
    "今天吃了野菜 好香",
    "刚才在 gas station 加油 一股味",
    "冰箱里有个坏鸡蛋 一股坏鸡蛋味",
    "狗在水坑里抖了一下 路灯好亮",
    "我爸哪都看不着他的眼镜",
    "壁炉里柴火烧得噼里啪啦的 好暖和",
    "插头泡在水里洗了一下还能用吗",
    "电梯井进水了 上礼拜修好了",
])
def test_the_new_cues_keep_their_ordinary_senses(text):
    assert not fires(text)


# ---- the what-then closes a condition: what is told after it is today's ---------------------------------

@pytest.mark.parametrize("text", [
    "我妈哪天摔倒了怎么办 今天她真的摔了起不来",
    "老说哪天着火了咋办 今天真着火了",
    "万一着火了怎么办 现在楼下真着火了",
    "门口那个男的拿着家伙 说要给我点颜色看看",
])
def test_after_the_what_then_or_a_threat_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "万一今天电梯困人了怎么办",
    "如果老人摔倒了怎么办，怎么扶",
    "万一着火怎么办 楼道里堆满了杂物 到时候烧起来",
])
def test_the_condition_still_governs_up_to_its_what_then(text):
    assert not fires(text)


# ---- whether it will be all right, asked of a cue said to have happened; onto the ledge after a threat ----

@pytest.mark.parametrize("text", [
    "家里煤气好像漏了 会不会有危险",
    "我妈吃错药了 会不会有事",
    "孩子把消毒液喝了一口会不会出事",
    "天天说要跳楼 这下好了 真站到窗台上了",
    "我儿子爬到窗台上了 要跳下去",
])
def test_asked_from_inside_or_onto_the_ledge_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "吃错药会不会有事",
    "老人摔倒会不会有危险",
    "煤气泄漏会不会死人",
    "他站到窗台上去了 在擦玻璃",
    "猫爬到窗台上了 跳下去了",
])
def test_general_questions_and_window_cleaning_stay_quiet(text):
    assert not fires(text)


# ---- a device or an animal guards 没反应/不动了 only as its subject (known leftover: unless in a window) ------

@pytest.mark.parametrize("text", [
    "我爸看电视看着看着就没反应了",
    "我妈在开空调的屋里躺着没反应",
    "老伴拿着手机坐在那没反应了",
    "我爸在冰箱旁边坐着没反应",
    "电视开着 我爷爷坐沙发上没反应",
    "遥控器掉地上了我妈歪在沙发上没反应",
    "我妈喂完猫就没反应了",
    "我用手机打他电话没反应",
])
def test_a_device_or_an_animal_nearby_does_not_hide_a_person(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "电视没反应",
    "我按了遥控器没反应",
    "空调开了没反应 帮忙看下",
    "我家猫不动了",
    "我家的乌龟好几天不动了",
    "楼道的灯没反应",
    "5号楼的电梯坏了 里面没人 就是不动了",
    "我的小仓鼠好像病了，不动了",
])
def test_a_device_or_an_animal_as_the_subject_stays_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text,expected", [
    ("佢冇咗气", True),                      # Cantonese: his breath is gone
    ("我爷爷好像没了气", True),
    ("他没了气力 走不动", False),
    ("轮胎没了气", False),
])
def test_a_breath_gone_with_the_aspect_before_it(text, expected):
    assert fires(text) is expected


# ---- probes: a snorer, an electricity bill, a pet's jump ---------------------------------------------------

@pytest.mark.parametrize("text", [
    "我老公打呼噜打得震天响 救命啊",
    "这个月电费怎么这么贵 是不是漏电了",
    "电费涨了好多 会不会漏电啊",
    "我家猫从阳台跳下去了 找不着了",
])
def test_a_snorer_a_bill_and_a_pet_stay_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "我老公打呼噜突然停了 憋着没气了 救命",
    "我想交一下电费 顺便说我家洗衣机漏电 刚才我妈碰了一下人就倒了",
    "电费贵 是不是漏电了 刚才摸冰箱被电了一下",
    "我家孩子抱着猫从阳台跳下去了",
    "他说要从楼上跳下去",
])
def test_the_same_words_with_a_real_emergency_still_fire(text):
    assert fires(text)


# ---- probes: someone going under in water, an antibiotic with drink, half the body out of a window ------

@pytest.mark.parametrize("text", [
    "小区池塘里有个小孩在扑腾",
    "河里有个人在挣扎 快来人",
    "我爸他吃了半瓶白酒又吃了头孢 现在脸通红",
    "我老公吃了甲硝唑还喝了酒 现在心慌喘不上气",
    "阳台上晾衣服的时候 我婆婆半个身子探出去了 拉都拉不住",
    "我妈擦窗户半个身子探出去了 吓死我了 要掉下去了",
])
def test_water_drink_and_a_window_fire(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "孩子在泳池里扑腾得可开心了",
    "我儿子在学游泳 在水里扑腾",
    "鱼在水里扑腾",
    "吃头孢能喝酒吗",
    "我把半个身子探出去晾衣服",
    "我妈擦窗户的时候半个身子探出窗外 我让她小心点",
])
def test_play_questions_and_chores_stay_quiet(text):
    assert not fires(text)


# ---- probes: a reassurance asked by the sick person; someone followed, told of another ---------------------

@pytest.mark.parametrize("text", [
    "我爸说胸口像被压着 喘不过来气 让我别担心",
    "我妈胸口疼 叫我们不用担心 她躺会就好",
    "我女儿发消息说有个男的一直跟着她 她现在躲在便利店",
])
def test_reported_reassurance_and_a_follower_fire(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "我爸摔了一跤 没事了 别担心",
    "孩子找到了 叫我别担心",
    "有个小伙子一直跟着她学画画",
])
def test_over_and_an_apprentice_stay_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "那个装修师傅攥着家伙冲我吼 说要砍我",
    "打麻将输了 那人拎着家伙堵在我家门口说要报仇",
])
def test_a_craftsman_or_a_game_does_not_hide_a_threat(text):
    assert "violence" in kinds(text)


@pytest.mark.parametrize("text", [
    "鱼塘里有个孩子在扑腾",
    "孩子在泳池里玩得好好的 突然在水里扑腾 喊救命",
    "屋里就我一个 门打不开 我出不去 开锁的也进不去",
])
def test_the_new_cues_guards_do_not_reach_past_their_reason(text):
    assert fires(text)


def test_stage_fright_does_not_hide_a_sudden_sweat():
    assert fires("我爸考完驾照回来 突然冒冷汗 话都说不清了")
