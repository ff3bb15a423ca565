"""Review 21 (notes P1-P6, M5): recall lost in the round-21 safety commits, fixed by reason.

Each rule that silences something keeps its look-alikes quiet and lets the emergencies sharing its words fire again.
The reviewer's probes and our own new wordings, both ways; no sentence is taken from a set.
"""

from __future__ import annotations

import pytest

from assistant.safety.advice import advice_for
from tests.safety._helpers import fires, kinds, verdict


# --- P1: 抢钱 is a verdict on a price only as the price's predicate ----------------------------------------------

@pytest.mark.parametrize("text", [
    "小卖部收钱的时候 一个男的拿刀抢钱",
    "交完物业费 路上两个人骑摩托抢钱",
    "刚交的费 出门两个骑摩托的抢钱",
    "卖菜的大姐收钱时有人冲过来抢钱",
    "收了摊位费 出门就被人抢钱了",
])
def test_a_robbery_near_a_fee_word_fires(text):
    assert "violence" in kinds(text)


def test_a_weapon_near_a_fee_word_is_not_hidden():
    assert "拿刀" in verdict("超市收银的时候 有个人拿刀抢钱").cues


@pytest.mark.parametrize("text", [
    "这价格简直是抢钱",
    "一瓶水卖二十 等于抢钱",
    "停车费一个月八百，这不是明抢钱吗",
    "理发店剪个头要两百 跟抢钱似的",
])
def test_a_price_called_robbery_stays_quiet(text):
    assert not fires(text)


# --- P2: animals fighting, only with the animal as the subject ---------------------------------------------------

@pytest.mark.parametrize("text", [
    "小区里两个遛狗的打起来了",
    "养狗的和不养狗的打起来了",
    "菜场卖鸡的打起来了",
    "牵狗的大爷跟保安打起来了",
    "卖鱼的和卖鸭的吵着吵着打起来了",
])
def test_people_named_by_their_animal_fighting_fire(text):
    assert "violence" in kinds(text)


def test_a_person_named_by_a_dog_fighting_keeps_violence_beside_a_fall():
    assert kinds("遛狗的打起来了 一个倒地上了")[:1] == ("violence",)


@pytest.mark.parametrize("text", [
    "我家两只狗又打架了 烦死了",
    "隔壁的猫和我家猫咬起来了",
    "楼下几只流浪狗半夜打起来了",
])
def test_animals_fighting_each_other_stay_quiet(text):
    assert not fires(text)


# --- P3: a burden presses with a degree complement, never 被 + a thing + 压住 -------------------------------------

@pytest.mark.parametrize("text", [
    "我老公在工地工作被钢管压住了喘不过气",
    "我爸在仓库加班被货架压住 喘不过气",
    "她做家务的时候被柜子压着 喘不过气来",
])
def test_crushed_while_working_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "车贷压得我快透不过气了",
    "被债务逼得喘不过气",
    "工作压力大得喘不过气",
])
def test_a_burden_that_presses_stays_quiet(text):
    assert not fires(text)


# --- P4: a photo or a video is a report unless someone else published it -----------------------------------------

@pytest.mark.parametrize("text", [
    "着火的照片在群里 你们看看",
    "三楼着火的照片 我刚拍的",
    "三楼着火 照片发你们了",
    "五号楼冒烟的照片 你们看下",
    "地下车库起火的图片 物业快看",
])
def test_a_photo_of_a_fire_sent_now_fires(text):
    assert "fire" in kinds(text)


@pytest.mark.parametrize("text", [
    "抖音上那个着火的视频你们看了没",
    "看了个老人摔倒的视频 吓死了",
    "网上有个小孩走丢的照片 转发的人挺多",
])
def test_a_published_media_item_stays_a_topic(text):
    assert not fires(text)


# --- P5: a device described as a product yields when it went off --------------------------------------------------

@pytest.mark.parametrize("text", [
    "老人摔倒就会通知家属的那种手环 我妈戴着呢 刚才响了",
    "就是摔倒了会自动通知家属的那种手表 我爸戴着 刚刚收到通知了",
])
def test_a_device_that_went_off_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "老人摔倒就会通知家属的那种手环 多少钱",
    "有没有那种一天没开门就提醒子女的门磁",
])
def test_a_device_described_as_a_product_stays_quiet(text):
    assert not fires(text)


# --- P6: a call button ringing or pressed is a call for help ---------------------------------------------------------

@pytest.mark.parametrize("text", [
    "老人的呼叫气一直在响",
    "老人的呼叫器一直在响",
    "独居老人家的紧急呼叫器响了半天了 没人去看",
    "我爸的sos手环刚才报警了 他一个人在家",
    "对门老太太家的呼救器响个不停",
    "楼上孤老的求助按钮一直在闪 敲门没人应",
    "老人的呼叫器一直在响 是不是坏了 你们去看看",
])
def test_a_call_button_going_off_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "我妈的一键呼叫器坏了好几天了",
    "想给我妈装个一键呼叫器 多少钱",
    "紧急呼叫器能不能来修一下",
    "一键呼叫器在哪里申请",
    "呼叫器测试了一下 响了",
    "不小心按了一键呼叫 没事 别派人",
    "紧急按钮按不响 赶紧修修",
    "老人的呼叫器不响了 是不是没电了",
])
def test_a_call_button_to_install_repair_or_test_stays_quiet(text):
    assert not fires(text)


# --- M5: 打 + person + phone is a call -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "一直打她电话没人接 我妈一个人住",
    "我妈的一键呼叫器坏了好几天了 今天一直打她电话没人接",
    "一直打我爸手机没人接 他一个人住",
])
def test_a_phone_call_unanswered_is_no_violence(text):
    v = verdict(text)
    assert v.emergency
    assert "violence" not in v.kinds
    assert "silent_elder" in v.kinds
    assert advice_for(v)[0] != "遇到危险请马上拨打 110。"


@pytest.mark.parametrize("text", [
    "有人在楼道里打她",
    "他一直打她 快来人",
    "老公一直打我 我手机快没电了",
    "隔壁男的在打他老婆 哭得厉害",
])
def test_blows_still_fire_as_violence(text):
    assert "violence" in kinds(text)


# --- S6: the fire, ambulance and fire-engine emoji alone, and HELP!! -------------------------------------------------

@pytest.mark.parametrize(("text", "kind"), [
    ("🔥🔥🔥", "fire"),
    ("🔥", "fire"),
    ("🚒", "fire"),
    ("🚑🚑", "medical"),
    ("救护车！", "medical"),
    ("HELP!!!", "general"),
    ("help!!", "general"),
])
def test_a_cry_in_emoji_or_shouted_fires(text, kind):
    assert kinds(text)[:1] == (kind,)


@pytest.mark.parametrize("text", [
    "help",
    "这活动太🔥了",
    "🔥🔥 这家店排队的人好多",
    "救护车到了吗",
    "消防车堵在门口了 谁的车挡着",
    "这房租简直就是抢钱",
])
def test_a_menu_word_or_popular_or_a_vehicle_talked_about_stays_quiet(text):
    assert not fires(text)


# --- S11, S18: water by its other names, a video the writer just took, a breathing machine on a person ---------------

@pytest.mark.parametrize(("text", "kind"), [
    ("娃儿掉水塘里了", "medical"),
    ("老人掉鱼塘里了", "medical"),
    ("楼道着火的视频我刚拍的 火还很大", "fire"),
    ("车库冒烟的视频 俺刚录的", "fire"),
    ("我爸用着呼吸机突然不出气了", "medical"),
    ("爷爷躺在床上 呼吸机都不出气了", "medical"),
])
def test_recall_holes_closed(text, kind):
    assert kinds(text)[:1] == (kind,)


@pytest.mark.parametrize("text", [
    "手机掉鱼塘里了",
    "钥匙掉水塘里了 捞不上来",
    "群里转的着火视频 我刚看的",
    "家里制氧机突然不出气了，能派人修吗",
    "煤气灶不出气了",
])
def test_their_look_alikes_stay_quiet(text):
    assert not fires(text)


# --- S16: several people asking what to do, no pause and no general frame, ask from inside ----------------------------

def test_we_ask_what_to_do_from_inside():
    assert "trapped" in kinds("电梯困人我们该怎么办")
    assert not fires("着火怎么办")
    assert not fires("万一着火我们该怎么办")
    assert not fires("电梯困人的话我们该怎么办")


# --- S10: blood said as a simile ---------------------------------------------------------------------------------------

def test_blood_as_a_simile_stays_quiet_and_real_blood_fires():
    assert not fires("番茄汁洒了一地 跟血流了一地似的")
    assert not fires("红油漆洒了 像血流了一地")
    assert "medical" in kinds("孩子被玻璃划了，血淌了一手")
    assert "medical" in kinds("他手被门夹了 血流了一地 像拧开的水龙头")
