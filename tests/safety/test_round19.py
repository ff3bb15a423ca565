"""Round 19 (issue #10): set 18's errors, by their general reasons, in our own words.

Each reason is tested both ways: the emergency it explains fires (worded several ways: spaces for
commas, no punctuation, another person or building) and the look-alike that shares its words stays
quiet. No sentence here is taken from a set.
"""

from __future__ import annotations

import pytest

from tests.safety._helpers import fires, kinds, verdict


# ---- figures of speech: anger or heat inside, a heart that jumps, hyperbole with 到/得, a laugh, a thing lost ----

@pytest.mark.parametrize("text", [
    "热得我心里一直冒火 空调什么时候能修好",
    "看到物业这态度我心头就冒火",
    "吓得我心都快跳出来了 原来是猫把花盆碰倒了",
    "天太闷了 心脏都要跳出嗓子眼了 快来修空调吧",
    "复习考试复习到吐血 下周还要考三门",
    "这周忙得快要吐血了",
    "笑得我从沙发上滚下来 这个视频太好笑",
    "笑翻了 差点从凳子上掉下去",
    "我的包裹又失踪了 一个礼拜都查不到物流",
    "快递柜里的件失踪了 谁能帮我查一下",
])
def test_figures_of_speech_stay_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text,kind", [
    ("厨房墙上的插座在冒火 我心里慌得很", "fire"),
    ("我爸咳嗽咳到吐血了 一口一口的", "medical"),
    ("我妈笑着笑着从椅子上摔下来了 起不来 腰疼", "medical"),
    ("孙子从椅子上摔下来了 头磕破了在流血", "medical"),
    ("我家孩子失踪了 放学到现在都没回来", "missing"),
    ("他说要从楼上跳下去 已经站到窗台上了", "self_harm"),
])
def test_the_same_words_of_a_real_emergency_fire(text, kind):
    assert kind in kinds(text)


# ---- a device or a button: an English word for it, a typo, a test; a device against getting lost ---------------

@pytest.mark.parametrize("text", [
    "楼道的 smoke alarm 没冒烟也一直叫 应该是没电了 来换一个吧",
    "电梯里的呼叫按扭按了没反应 麻烦派人修一下",
    "我家emergency按钮坏了 按下去不亮",
    "楼下那个 emergency 出口的灯不亮了",
    "物业来测试一下 紧急呼叫按钮按了没人接 要修",
    "有没有防止老人走失的手环 想给我爸买一个",
    "想给我妈装个定位 以防走丢",
    "走丢的手环在哪里领",
])
def test_devices_and_their_repairs_stay_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text,kind", [
    ("我被关在电梯里了 紧急按钮按了没人接", "trapped"),
    ("应急按钮试了一下没人应 里头还有个老人", "trapped"),
    ("emergency 我爸倒在地上叫不醒", "medical"),
    ("我妈戴着防走失手环呢 可她现在还是走丢了 手环也没信号", "missing"),
    ("买了防走丢的手表 结果爷爷今天还是走丢了 到现在没找到", "missing"),
    ("smoke alarm 一直响 屋里好多烟 呛得喘不过气", "fire"),
])
def test_a_real_emergency_near_a_device_fires(text, kind):
    assert kind in kinds(text)


# ---- the writer is the one who stays in; a child's threat to a sibling; 真有人…怎么办 --------------------------

@pytest.mark.parametrize("text", [
    "放假我一个人宅家三天没下楼 外卖盒子堆满了门口",
    "宅了一整个星期没出门 说的就是我",
    "我闺女嚷着要打死她弟弟 因为弟弟把她的作业撕了",
    "儿子说要弄死他妹妹 就因为妹妹抢了遥控器",
    "楼道连个灭火器都没有 真有人着火了怎么办",
    "楼道连个灭火器都没有 真着火了怎么办",
    "健身区一个扶手都没有 真有人摔了咋整",
])
def test_the_writer_a_sibling_quarrel_and_a_what_if_stay_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text,kind", [
    ("对门独居的大爷三天没出门 外卖堆在门口 我宅家都没听见他动静", "silent_elder"),
    ("我舍友宅在屋里两天没出来 敲门也不应 打电话关机", "silent_elder"),
    ("儿子说要打死他妹妹 手里拿着刀", "violence"),
    ("大女儿掐着她弟弟的脖子 弟弟脸都紫了 快来", "medical"),
    ("隔壁男的说要杀了他老婆 在砸门", "violence"),
    ("楼下真有人晕倒了 躺在地上 快来", "medical"),
    ("楼道里着火了 连个灭火器都没有 怎么办", "fire"),
    ("楼道着火了连个人都没有", "fire"),
])
def test_the_same_words_of_a_real_emergency_fire_too(text, kind):
    assert kind in kinds(text)


def test_a_sibling_threat_sets_aside_only_the_threat():
    result = verdict("孙女说要揍死她哥哥 她哥哥从床上摔下来头破了 在流血")
    assert result.emergency and "medical" in result.kinds


# ---- misses: a change of subject, water over a socket, no sound inside, a surface hot with a burning smell -----

@pytest.mark.parametrize("text,kind", [
    ("下周三帮我约个保洁 另外我爸早上出去遛弯到现在还没回来 电话也打不通", "missing"),
    ("请问残疾证在哪办 对了 对门的大爷好几天没露面了 敲门也没人应", "silent_elder"),
    ("明天的助餐能不能加一份 还有我家老头子出门一直没回来 他有点糊涂", "missing"),
    ("补贴怎么领 还有就是隔壁独居的阿婆两天没开门了", "silent_elder"),
    ("楼上漏水 泡了插线板 还在滋滋响", "electric_water"),
    ("卫生间水管裂了水漫了排插", "electric_water"),
    ("对门独居的大爷家 这几天一点声音都没有 窗帘也没拉开", "silent_elder"),
    ("隔壁老太太家三天了一点响动也没有", "silent_elder"),
    ("有股焦味 摸了下墙壁发烫 不知道里面怎么了", "fire"),
    ("插座好烫 还有股塑料糊味", "fire"),
    ("我闻到一股焦糊味。天花板越来越烫了", "fire"),
])
def test_misses_of_set_18_by_reason(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize("text", [
    "想问问补贴政策 还有就是如果老人走丢了该怎么办",
    "明天要是停电了 电梯困人怎么办",
    "水管爆了 还好没淹到插座",
    "担心下雨淹插座 插座能不能装高一点",
    "楼上装修停了 这几天一点声响都没有 终于清净了",
    "冬天地暖开着 地板好烫 饭烧糊了",
    "屋顶那边越来越烫 夏天太阳晒的 顶楼就是热",
    "开关面板有点烫手 没有焦味也没有烟",
])
def test_their_look_alikes_stay_quiet(text):
    assert not fires(text)


# ---- someone not answering, then said safe (the model's words set aside) ---------------------------------------

@pytest.mark.parametrize("text", [
    "下午一直打不通我爸电话 现在已经联系上了 他手机没电了",
    "隔壁阿婆一直没人应 联系上了 人好好的 就是耳背",
    "楼上大爷两天没下楼 刚才他儿子来了 人好好的",
])
def test_an_absence_then_said_safe_stays_quiet_and_outvotes_the_classifier(text):
    result = verdict(text)
    assert not result.emergency and not result.plausible


@pytest.mark.parametrize("text", [
    "对门奶奶一直没开门 刚联系上了 说话含糊不清",
    "我爸一直打不通 现在联系上了 但他说胸口疼站不起来",
])
def test_an_absence_said_over_with_someone_unwell_still_counts(text):
    # review 19 (note 13): the net itself fires (not only the classifier's vote), medical when a symptom is named
    result = verdict(text)
    assert result.emergency
    if "胸口疼" in text:
        assert "medical" in result.kinds


# ---- a work's title in 《》 is a show; 真 at one's own place sets a real event against it -----------------------

@pytest.mark.parametrize("text", [
    "正在看《火星救援》 一个人被困在火星上 太惨了",
    "《救命》这首歌太好听了",
    "我在听《着火了》这首歌",
    "在看《甄嬛传》 里面有人被下毒了",
    "看了个视频 说是有人真着火了",
    "电视里在演着火的戏 真吓人",
    "正在看电影 一个人被困在火星上 太惨了",
    "我在看电影 电影里楼下着火了 吓死我了",
    "在看电影 里面有个人被困在火星上 快来看",
])
def test_a_title_or_a_show_stays_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text,kind", [
    ("我爸在看《新闻联播》 突然倒了 叫不醒", "medical"),
    ("刚看完《流浪地球》出来 电梯卡住了 我们被困在里面", "trapped"),
    ("电视里在放《消防员》 我家楼下真的着火了 烟都上来了", "fire"),
    ("听说楼下真着火了 烟都上来了", "fire"),
    ("我妈在看《新闻联播》的时候突然嘴歪了 说不出话", "medical"),
    ("我在看电影 楼下着火了 快来人", "fire"),
    ("在看电视剧呢 我家厨房真的冒烟了 好大的烟", "fire"),
])
def test_a_real_event_around_a_title_or_a_show_fires(text, kind):
    assert kind in kinds(text)


# ---- a machine summoned (叫电梯, 叫车) is no person called; nerves that tie the tongue are no stroke ----------------

@pytest.mark.parametrize("text", [
    "叫了半天电梯都没反应 按钮也不亮",
    "叫车叫了半天没反应",
    "见到偶像激动得话都说不出来了",
    "面试的时候紧张得话都说不利索",
])
def test_a_machine_summoned_or_nerves_stay_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "叫我爸没反应 他躺在床上",
    "我爸在车里叫了半天没反应",
    "车里的孩子叫了半天没反应",
    "我妈突然话都说不清了 嘴也歪了",
    "我爸话都说不清了 手也抬不起来",
])
def test_a_person_called_or_slurring_fires(text):
    assert "medical" in kinds(text)


# ---- the classifier's vote: what the net explains, the model may not make plausible --------------------------

@pytest.mark.parametrize("text", [
    "儿子说要弄死他妹妹 就因为妹妹抢了遥控器",         # the cue wholly inside an ordinary sense
    "这本书就是我的救命稻草",
    "刚才以为孩子丢了 原来躲在床底下睡着了 吓我一跳 现在好了",   # over, with the over phrase's own 现在
    "好几栋楼道都没装烟感 这是个大隐患 物业管管吧",       # a hazard complained of, no cue
    "小区门口连个红绿灯都没有 孩子一跑就到马路上了",
    "看电视说独居老人好多都没人管 我得常去看看对门阿婆",   # television's words
])
def test_the_vote_is_not_plausible_when_the_net_explains(text):
    result = verdict(text)
    assert not result.emergency and not result.plausible


@pytest.mark.parametrize("text", [
    "电视说有个老人在家摔倒没人管 我妈现在也摔了起不来",
    "楼道没人管 我爸刚在那摔倒了起不来",
    "刚才以为孩子丢了 现在还没找到 天都黑了",
])
def test_the_same_frames_with_an_emergency_stay_plausible(text):
    assert verdict(text).plausible


@pytest.mark.parametrize("text", [
    "担心有一天老伴走丢了找不着 他越来越糊涂",          # a worry of some day
    "楼道灯一天到晚闪个不停 你们赶紧派人来修",          # a habit with a repair's hurry
    "叫儿子吃饭不理我 又在打游戏",                     # a child called to a meal
    "喊老婆吃饭没人应",
])
def test_some_day_a_repair_hurry_and_a_meal_call_are_not_plausible(text):
    result = verdict(text)
    assert not result.emergency and not result.plausible


@pytest.mark.parametrize("text", [
    "怕哪天她摔了 结果今天真摔了 起不来",
    "喊老公吃饭半天没人应 卫生间门反锁着",
    "喊我爸吃饭没人应",
    "喊老伴吃饭没人应 他在屋里",
])
def test_today_a_locked_door_or_an_elder_still_counts(text):
    assert verdict(text).plausible


# ---- the head count of a meal booking (round 18) sets aside only a count, never a meal gone wrong -----------------

@pytest.mark.parametrize("text", [
    "助餐帮我订三位 我和老伴还有孙子",
    "我儿子中午也过来吃 那就订两份",
    "今天晚饭四个人吃 加一份红烧肉",
])
def test_a_head_count_for_a_meal_stays_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "我们三个人吃了食堂的盒饭 现在都在拉肚子",
    "两个人吃了昨天剩的饺子 现在嘴唇发麻 手也抖",
    "全家五口人吃了凉拌菜 都头晕想吐",
    "我老伴也吃了两个野果 现在说胡话",
    "一共两位 我和我爸 他刚吃完就说胸口疼喘不上气",
])
def test_a_count_of_people_who_ate_something_gone_wrong_fires(text):
    assert fires(text)


# ---- a hazard complained of: a realised cue at a place, then 怎么办, is a plea (was quiet) ------------------------

@pytest.mark.parametrize("text", [
    "灭火器都过期了 楼下冒黑烟了 怎么办",
    "楼道堆满杂物 三楼着火了怎么办啊",
    "连个灭火器都没有 厨房着火了 咋整",
    "楼道里电动车停满了 隔壁那家冒烟了怎么办",
])
def test_a_realised_fire_at_a_place_in_a_hazard_complaint_fires(text):
    assert "fire" in kinds(text)


@pytest.mark.parametrize("text", [
    "楼道里堆满了纸箱 着火了怎么办",
    "消防通道堵了 着火了咋办",
    "楼道堆满了杂物 万一三楼着火了怎么办",
    "电动车都停在楼道里 真要是一楼着火了咋整",
    "楼道里乱拉电线给电动车充电，着火了往哪跑",
])
def test_the_hazard_what_if_stays_quiet(text):
    assert not fires(text)


# ---- own probes: the resident inside a door locked from outside; a pet stuck is no person --------------------------

@pytest.mark.parametrize("text", [
    "我在地下室 门从外面锁死了 手机只剩百分之五的电",
    "我在储物间里 门被锁住了 喊了半天没人",
    "我们在阳台上 门从外面被插上了 孩子还小",
    "我家猫卡在柜子后面 孩子去够 结果孩子也卡住出不来了",
])
def test_someone_shut_in_fires(text):
    assert "trapped" in kinds(text)


@pytest.mark.parametrize("text", [
    "我家猫卡在柜子后面了 出不来 一直叫",
    "小狗钻到沙发底下了 出不来",
])
def test_a_pet_stuck_stays_quiet(text):
    assert not fires(text)


# ---- own probes: this round's new look-alike words around a real emergency ----------------------------------------

@pytest.mark.parametrize("text", [
    "我心里直冒火 楼下那家又在楼道烧东西 现在整个楼道都是烟 呛得人喘不过气",
    "吓得我心都要跳出来了 楼上有人从阳台上跳下来了 躺在地上不动",
    "加班到吐血也就算了 我同事刚才真吐血了 一大口 人也晕了",
    "快递失踪就算了 我儿子也失踪了 从中午到现在都没回来",
    "我一个人宅家 刚才厨房突然着火了 火很大",
    "我闺女说要杀了她弟弟 刚才真拿剪刀捅了他 流了好多血",
    "连个扶手都没有 我妈刚刚从楼梯上摔下来了 头在流血",
    "就怕哪天出事 今天我妈真的走丢了 到现在没找到",
    "喊我老公吃饭没人应 推门一看他倒在卫生间地上",
    "我在看《新闻联播》 楼下突然着火了 烟都冒到我家了",
    "在追剧 厨房煤气味好大 我头好晕",
    "防走丢的手环响了 显示我爸在河边 电话打不通 他有老年痴呆",
])
def test_this_rounds_look_alike_words_do_not_hide_a_real_emergency(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "在追剧 剧里厨房着火了 好吓人",
    "追剧呢 里面厨房煤气爆炸了",
    "电视剧里那个厨房着火了 看得我心慌",
    "怕哪天着火 今天检查了一下电线 还好",
    "就怕哪天我妈走丢了 这次给她买了个手环",
])
def test_a_show_or_a_worry_with_today_in_it_stays_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text,kind", [
    ("九号楼那个独居的李奶奶 窗帘一个礼拜没拉开了 晾的衣服也没收", "silent_elder"),
    ("对门独居阿婆 晾的衣服三天都没收", "silent_elder"),
    ("我妈被蛇咬了 腿肿得厉害 在小区花园里", "medical"),
    ("孩子在草丛里被毒蛇咬伤了", "medical"),
])
def test_own_probes_missed_signs(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize("text", [
    "小区草丛里有蛇 怕孩子被蛇咬 能不能来抓一下",
    "我家窗帘一直没拉开 因为我上夜班",
    "楼下晾的衣服好几天没收了 也不知道谁家的",
])
def test_their_look_alikes_stay_quiet_too(text):
    assert not fires(text)


def test_water_said_not_to_have_got_into_the_box_is_no_cue():
    result = verdict("楼顶水箱漏了 一直滴水 滴到电表箱上面了 不过没进去")
    assert "electric_water" not in result.kinds


@pytest.mark.parametrize("text", [
    "楼上漏水 滴到电表箱上了 已经渗进去了 还在冒火花",
    "水漫到插座那边了 没进去吧 我好怕",
    "漏水流到配电箱里了",
])
def test_water_into_something_electrical_still_fires(text):
    assert "electric_water" in kinds(text)


@pytest.mark.parametrize("text", [
    "这空调 is killing me 热到爆炸了 快来修",
    "我家 fire alarm 的电池没电了 一直 beep",
    "孙子一天到晚喊着要离家出走 其实就是说说",
    "她说要跳槽 我说跳吧",
    "热得我要冒烟了 空调快修",
])
def test_hyperbole_a_detector_in_english_an_intention_and_a_job_change_stay_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "孩子离家出走了 到现在没找到",
    "他闹着要离家出走 已经两天没回来了 电话也关机",
    "fire alarm 一直响 楼道里好多烟",
    "他说要跳下去 站在窗台上",
    "插座热得冒烟了",
])
def test_the_same_words_of_an_emergency_fire(text):
    assert fires(text)


# ---- English: the time after the cue (fell last year); smoke of a chimney or cooking --------------------------------

@pytest.mark.parametrize("text", [
    "想约个保洁 my mom fell last year and can't clean much now",
    "grandpa fainted two days ago, now fine, want a checkup",
    "there's smoke coming out of 楼下的烟囱 他们在烧饭",
])
def test_english_past_and_cooking_smoke_stay_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "my dad has been unconscious since yesterday",
    "my mom fell yesterday and is still on the floor",
    "my grandma fell last night, she is lying there now",
    "my dad collapsed yesterday and won't wake up",
    "my dad fell yesterday and still can't get up 一直喊疼",
    "my mom fell down just now 起不来",
    "there's smoke coming out of 楼下的窗户 好像着火了",
])
def test_english_now_or_since_still_fires(text):
    assert fires(text)


# ---- a title is a show, but the resident's own person or smell after it is real ------------------------------------

@pytest.mark.parametrize("text", [
    "孩子在看《小猪佩奇》 我闻到一股煤气味",
    "《新闻联播》刚放完 我爸就说头疼 嘴有点歪",
    "我家孩子在看《熊出没》 看着看着从沙发上摔下来 头磕破了流血",
    "我在读《老人与海》 楼下突然有人喊救命",
    "按《居家养老服务办法》 我想申请助餐 另外我妈摔倒了起不来",
])
def test_a_real_event_after_a_title_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "我家孩子在看《熊出没》 里面熊二从树上摔下来了 笑死",
    "我妈在看《甄嬛传》 剧里皇后被毒死了 她哭得稀里哗啦",
    "我在看《急诊室的故事》 一个病人心脏骤停 好紧张",
])
def test_what_happens_in_a_titled_show_stays_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "卖保健品的在门口拦着我爸不让走 非要他办卡",
    "这个月电费怎么这么高 是不是哪里漏电了",
])
def test_a_seller_and_an_electricity_bill_stay_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "对门阿婆被两个卖保健品的围在屋里不让走 还推了她一把",
    "几个人把我堵在楼道里不让走",
    "我老公把我关在家里不让出门 还打我",
    "热水器漏电了 我手被电了一下",
])
def test_kept_by_force_or_a_live_leak_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "小孩在游泳池里沉下去了 没浮上来",
    "有个人跳下去就没浮上来 河边",
    "他在湖里沉下去了",
])
def test_someone_going_under_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "石头扔进湖里沉下去了 没浮上来",
    "孩子在泳池里玩 学游泳呢 沉下去又浮上来 好开心",
])
def test_a_thing_sinking_or_play_stays_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "刚才电梯卡了一下 现在已经好了 人都出来了",
    "前年我在公交上被人偷过钱包 现在出门都捂着包",
    "上个月楼下车库进过水 现在干了",
])
def test_a_past_day_or_an_over_phrase_with_its_own_now_is_not_plausible(text):
    result = verdict(text)
    assert not result.emergency and not result.plausible


@pytest.mark.parametrize("text", [
    "昨晚我爸出门遛弯 现在还没回来 电话也不接",
    "上午我妈说头晕 现在叫不醒了",
])
def test_a_past_day_that_goes_on_still_counts(text):
    assert fires(text)


def test_a_pet_named_as_the_cues_subject_is_final_for_the_vote():
    result = verdict("my cat 跑丢了 橘色的 叫 mimi")
    assert not result.emergency and not result.plausible


@pytest.mark.parametrize("text", [
    "有个人正顺着水管往我家阳台爬",
    "有个男的踩着空调外机往我家窗户爬",
])
def test_someone_climbing_in_by_a_drainpipe_fires(text):
    assert "violence" in kinds(text)


def test_rain_seeping_in_stays_quiet():
    assert not fires("雨水往我家阳台里钻")


# ---- tuned NLU emergencies the net had missed (own wording of each reason) ----------------------------------------

@pytest.mark.parametrize("text,kind", [
    ("灶房燃起来了 快来人", "fire"),
    ("我家阳台燃起来了", "fire"),
    ("我儿子被几个人围在巷子口打", "violence"),
    ("楼上吵了好久 刚才一声惨叫 然后就没动静了", "violence"),
    ("对门传来呼救 一直在喊", "violence"),
    ("我爸坐着坐着头一歪 怎么摇都没反应", "medical"),
])
def test_tuned_nlu_misses_by_reason(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize("text", [
    "全场的热情一下子燃起来了",
    "昨天被人堵在门口打了一顿 今天想报案",
    "电视里传出呼救声 吓我一跳",
    "遥控器怎么拍都没反应",
    "收音机摇了半天没反应",
])
def test_their_look_alikes_stay_quiet_as_well(text):
    assert not fires(text)


# ---- tuned NLU look-alikes the net fired on: a ticket, a call, a handrail, a car, a balcony, a chore ------------------

@pytest.mark.parametrize("text", [
    "我报的那个单子一直没动静了",
    "打我儿子的 13800001234 他在家",
    "你打我手机吧",
    "单元门口的扶手断了一截 老人差点摔",
    "有人乱停车 堵着我的车出不去",
    "楼上扔东西 我家雨棚被砸了个坑",
    "年纪大了拖不动了 想找人来拖地",
])
def test_tuned_nlu_look_alikes_by_reason(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "他打我 还抢我手机",
    "切菜把手指切断了一截 血直流",
    "楼道着火了 我们被烟堵着出不去",
    "楼上扔东西 我妈被砸了 头在流血",
    "我爸弄着弄着突然不动了",
])
def test_the_same_words_of_a_real_emergency_still_fire(text):
    assert fires(text)


@pytest.mark.parametrize("text,kind", [
    ("我被关厕所了", "trapped"),
    ("孩子被锁车里了", "trapped"),
    ("楼下有人跳河", "self_harm"),
    ("桥上有个女的要跳江", "self_harm"),
])
def test_short_messages_shut_in_or_into_water_fire(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize("text", [
    "暑假去海边跳海里游泳",
    "万一孩子被关厕所了怎么办",
    "我被关厕所了 哈哈 开玩笑的",
])
def test_a_swim_a_what_if_or_a_joke_stays_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "上次吵架的事已经解决了",
    "第一次见他有种触电的感觉",
    "我妈坐船晕船",
    "脑梗的预防有哪些",
])
def test_short_look_alikes_stay_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "我爸晕车 现在晕过去了 叫不醒",
    "打架还没解决 现在又打起来了 有人流血了",
    "刚才触电了 手还麻",
    "一摸冰箱就有种触电的感觉",
])
def test_short_emergencies_with_the_same_words_fire(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "我妈用消毒水拖地 味道好大",
    "爷爷吃饭老噎着 想买个辅食机",
    "我爸老摔跤 想买个助行器",
])
def test_a_cleaning_product_in_use_and_a_bare_always_stay_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "孩子把拖地的消毒水喝了一口 现在一直吐",
    "奶奶噎着了 脸都紫了",
    "他老呛着 现在喘不上气了",
    "我老伴摔了 起不来",
])
def test_a_poison_swallowed_or_a_choke_now_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "插线板是不是用久了会冒烟 要不要换新的",
    "电线老化了容易着火",
    "冬天电热毯开久了会不会起火",
])
def test_will_inside_a_long_cue_is_a_what_if(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "电线一直在冒烟 会不会着火",
    "插线板用久了会冒烟 现在真冒烟了",
    "插线板冒烟了 要不要换新的",
])
def test_something_happening_before_the_will_still_fires(text):
    assert fires(text)


# ---- own probes, lone elders and the missing: a week unseen, a meal not taken, an errand, slipped out ---------------

@pytest.mark.parametrize("text,kind", [
    ("对门李阿姨平时天天在楼下晒太阳 这礼拜一次都没见着 敲门也没动静", "silent_elder"),
    ("我们楼那个孤寡老人 送饭的说这两天都没人来拿", "silent_elder"),
    ("孩子说去买酱油 一个多小时了 小卖部的人说没见过他", "missing"),
    ("我家老人从养老院自己跑出来了 院里打电话说找不到", "missing"),
])
def test_own_probes_of_lone_elders_and_the_missing(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize("text", [
    "这礼拜没见着物业的人来打扫",
    "这周末对门阿姨没见着 说是回老家了",
    "送饭的说今天没人来拿 他们全家去旅游了",
    "我爸从医院自己跑出来了 现在在家呢",
    "孩子去同学家玩 一个多小时了 同学妈妈说他们在写作业",
])
def test_their_look_alikes_stay_quiet_here_too(text):
    assert not fires(text)


def test_a_delivery_left_at_the_door_is_everyday():
    result = verdict("送水的一直在敲门 我在上班 叫他放门口")
    assert not result.emergency and not result.plausible


def test_a_stranger_who_will_not_leave_the_door_still_fires():
    assert fires("有个男的一直在敲门 说是快递 我没买东西 他不走 我一个人在家好害怕")


def test_the_writer_called_to_a_meal_is_everyday():
    result = verdict("我闺女在厨房喊我吃饭呢 不聊了")
    assert not result.emergency and not result.plausible


def test_a_meal_call_then_someone_down_fires():
    assert fires("老伴喊我吃饭 我进去一看他倒在地上了")


def test_a_smell_gone_once_the_valve_is_shut_is_over():
    assert not fires("厨房闻到一点煤气味 关了总阀就闻不到了 想请人来查查")


@pytest.mark.parametrize("text", [
    "厨房煤气味好大 关了阀门还是有 头晕",
    "煤气味很重 关了阀门也没用 我头好晕",
])
def test_a_smell_that_stays_after_the_valve_still_fires(text):
    assert "gas" in kinds(text)


def test_a_snorer_who_sounds_out_of_breath_stays_quiet():
    assert not fires("我老伴打鼾打得喘不上气似的 要不要去医院看看")


@pytest.mark.parametrize("text", [
    "我爸打呼噜打着打着喘不过气了 脸都紫了 叫不醒",
    "他喘不过气似的 脸都紫了",
])
def test_a_sleeper_who_stops_breathing_fires(text):
    assert "medical" in kinds(text)


@pytest.mark.parametrize("text", [
    "my friend has been missing in action 好几天没回我消息了 估计在忙",
    "I'm missing you 好想你",
])
def test_english_missing_idioms_and_a_friend_guessed_busy_stay_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "my son is missing 放学到现在没回来",
    "my grandpa went missing 一下午了",
    "我妈两天没回消息了 估计在忙 不过她一个人住 有点担心",
    "独居的爷爷三天没接电话 可能在忙吧 敲门也没人应",
])
def test_missing_and_silent_people_still_fire(text):
    assert fires(text)
