"""Final review 23 (safety MUSTs 1–5): the first fixes closed the review's sentences with closed lists (a question
before 想先学, the phone opening its clause, the doubt about a claimed relative, the places of <OURS>, the signs of
<AWAYSIGN>). Each guard is now read by its reason and tested both ways with wordings of its own."""

import pytest

from tests.safety._helpers import fires


# --- MUST 1: a question before 想先学 makes it "ahead" only for an emergency that is nobody's in particular --------
@pytest.mark.parametrize("text", [
    "阳台上的晾衣架烧起来了 拿什么扑 想先学一下",
    "我爸吃饭噎着了 脸憋得通红 咋弄 想先学一下",
    "天然气味道越来越重 阀门在哪 我想先了解下",
    "老公躺地上叫不醒 要不要挪他 想先学学",
])
def test_a_question_about_ones_own_emergency_then_first_learning_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "被蛇咬伤的人该不该用嘴吸毒 想先学一下",
    "低血糖晕倒的人喂糖水有用吗？想先了解下",
])
def test_a_general_question_then_learning_ahead_stays_quiet(text):
    assert not fires(text)


# --- MUST 2: the phone opening its clause is a blow unless the call's shape or a call's frame says otherwise -----
@pytest.mark.parametrize("text", [
    "儿子发酒疯，手机直接砸过来打我头上",
    "她男人喝了酒，座机就打我身上了",
    "那人急眼了，手机就打我",
])
def test_a_phone_swung_after_a_comma_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "到时候手机打我就行",
    "晚上电话打我就好 白天在上班",
    "有急事座机打我的 手机信号不好",
])
def test_a_phone_as_the_calls_means_stays_quiet(text):
    assert not fires(text)


# --- MUST 3: a claimed relative is never an explanation, nor is the resident naming themself ---------------------
@pytest.mark.parametrize("text", [
    "一个老头把我外孙女抱走了 他说他是孩子外公 我咋没见过",
    "有个阿姨把孩子拉走了 自己说是孩子小姨 孩子吓得直哭",
    "有个大叔把我家小孙子抱走了 说是孩子的舅舅 我们家压根没这个人",
    "有个男的把孩子拽走了 我是孩子妈妈 现在怎么办",
])
def test_a_child_taken_by_a_claimed_relative_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "有个女的把孩子抱走了 一问原来是他亲姑姑 来接他回家的",
    "刚才有个老头把我孙子抱走了 后来才知道是孩子的姥爷 白担心了",
])
def test_a_child_taken_by_kin_stated_stays_quiet(text):
    assert not fires(text)


# --- MUST 4: an app's story of "here" said as 对门, 隔壁, 小区里, 咱这儿, or with a now after it -----------------------
@pytest.mark.parametrize("text", [
    "快手上有人说对门那家燃气爆了 窗户都碎了",
    "抖音上有人发 隔壁那栋电梯掉下去了 里面有人",
    "刷到条小红书 说咱这儿有个小孩掉河里了",
    "抖音上有人说有人晕倒在超市门外了，救护车刚到",
])
def test_an_app_telling_of_here_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "抖音上有人说南方一个工厂烧起来了 看着真揪心",
    "刷到一条小红书 一个老人在商场里晕倒了 真可怜",
])
def test_an_app_telling_of_elsewhere_stays_quiet(text):
    assert not fires(text)


# --- MUST 5: any silent-elder sign after "gone away" says the trip does not explain it ---------------------------
@pytest.mark.parametrize("text", [
    "楼下独居的赵大爷说去海南过冬 可他屋里电视白天黑夜一直开着",
    "孤寡的孙奶奶讲去儿子家了 门缝里有股怪味",
    "独居的周阿姨说去旅游 门口牛奶都堆满了",
])
def test_a_sign_of_life_after_gone_away_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "独居的钱奶奶去她闺女家过年了 半个月没见着她了",
    "独居的陈大爷去旅游了 说要三天都不回",
])
def test_gone_away_explaining_the_absence_stays_quiet(text):
    assert not fires(text)
