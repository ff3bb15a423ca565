"""Review of round 14 (issue #10): the set-13 suppressors narrowed to their reasons.

Each rule is tested both ways: the reviewer's emergencies and our own sentences of the
same shape must fire on a cue of the lexicon (not on the n-gram model's score), and the
look-alike each round-14 commit meant to quiet stays quiet. None of these sentences is
taken from a bench set.
"""

from __future__ import annotations

import pytest

from assistant.safety import assess


def _fires_on_a_cue(text: str) -> None:
    verdict = assess(text, quiet=True)
    assert verdict.emergency and not verdict.cues[0].startswith("model:"), verdict


# 1. 'fire hazard / risk / safety / exit' is a compound naming no fire: it is no cue, but it
#    no longer silences a fire said elsewhere in the message.
@pytest.mark.parametrize("text", [
    "fire in the bike shed, I said it was a fire hazard, come now",       # the reviewer's
    "the storage room is on fire! everyone said it was a fire risk",
    "楼道 fire 了，那堆纸箱早就是 fire hazard",
    "smoke everywhere in 3栋 corridor, fire safety door is locked",
    "there is a fire on the 5th floor and the fire safety exit is blocked",
    "the kitchen is burning, we never had a fire safety check",            # ours
    "smoke coming out of 5栋 basement, the fire exit is locked, help",
])
def test_a_fire_said_beside_a_fire_hazard_fires(text):
    _fires_on_a_cue(text)


@pytest.mark.parametrize("text", [
    "can I barbecue on the balcony, is it a fire hazard",
    "when is the next fire safety check for building 3",
    "where is the fire exit on our floor",
    "those e-bikes in the hallway are a real fire risk, please move them",
])
def test_a_fire_hazard_asked_about_does_not_fire(text):
    assert not assess(text, quiet=True).emergency


# 2. A candle's own flame is no fire; a flame that reaches something is.
@pytest.mark.parametrize("text", [
    "蜡烛火苗窜到窗帘上了",                     # the reviewer's
    "蜡烛的火苗燎着蚊帐了",
    "蜡烛上的火苗把床帘引燃了",                 # ours
    "供桌上蜡烛的火苗烧到了挂画",
    "烛台上的火苗掉到地毯上了",
])
def test_a_candle_flame_that_reaches_something_fires(text):
    _fires_on_a_cue(text)


@pytest.mark.parametrize("text", [
    "生日蛋糕上插了蜡烛，蜡烛上有小火苗，孩子可高兴了",
    "停电了点了根蜡烛，蜡烛的火苗一晃一晃的",
    "香薰蜡烛的火光好温馨",
])
def test_a_candle_flame_that_stays_on_its_candle_does_not_fire(text):
    assert not assess(text, quiet=True).emergency


# 3. Stuck in traffic / a meeting / at work is no one shut in, unless that is where the lift is.
@pytest.mark.parametrize("text", [
    "my dad is stuck in the office lift, he is panicking",                # the reviewer's
    "stuck in the office toilet, lock broken, help",                      # ours
    "my mum is trapped at work in the elevator",
])
def test_stuck_in_a_lift_or_a_toilet_at_the_office_fires(text):
    _fires_on_a_cue(text)


@pytest.mark.parametrize("text", [
    "stuck in traffic, 晚点到",
    "I'm stuck in a meeting, call you later",
    "stuck at work till 9, can the cleaner come tomorrow",
])
def test_stuck_in_traffic_a_meeting_or_at_work_does_not_fire(text):
    assert not assess(text, quiet=True).emergency


# 4. A metaphor of 燃烧 is what burns (its subject or object), not a word near it.
@pytest.mark.parametrize("text", [
    "蜡烛倒了，窗帘正在烧",                     # the reviewer's
    "屋里正在烧，有生命危险",
    "楼上正在烧，我心里慌得很",
    "对面楼正在燃烧，热量烤得窗户都烫",
    "点蜡烛的时候窗帘在燃烧了，我心里一急",     # ours
    "火烛啊，隔壁屋正在烧",
    "拜佛的蜡烛掉了，被子在烧着",
])
def test_a_fire_burning_beside_a_candle_a_life_or_a_heart_fires(text):
    _fires_on_a_cue(text)


@pytest.mark.parametrize("text", [
    "跑步半小时，脂肪在燃烧",
    "我在燃烧卡路里，别打扰我",
    "青春正在燃烧，加油",
    "蜡烛在燃烧，许个愿吧",
    "心中的梦想正在燃烧",
])
def test_calories_youth_a_dream_or_a_candle_burning_do_not_fire(text):
    assert not assess(text, quiet=True).emergency


# 5. The second opinion, rebuilt with as many persons as things in probes_round14 (the same
#    verbs: 睡着, 晾着, 看着看着), fires again on a person who collapses while doing something.
@pytest.mark.parametrize("text", [
    "姥爷看报纸看着看着手一直抖，话也说不清了",       # the reviewer's, no cue: the model alone
    "老伴儿睡着睡着呼吸声很怪，摇他不醒",
    # 外公看报看着看着头就耷拉下来了 moved to test_round16.py: a cue reads it since round 16
    # 老伴儿晾着床单人就顺着墙滑下去了 moved to test_round16.py: a cue reads it since round 16
])
def test_a_person_who_collapses_while_doing_something_fires_on_the_model_alone(text):
    verdict = assess(text, quiet=True)
    assert verdict.emergency and verdict.cues[0].startswith("model:"), verdict


@pytest.mark.parametrize("text", [
    "邻居老太太晾着衣服从阳台栽下去了",               # the reviewer's: 栽下去 is a fall from a height
    "大爷修空调从梯子上栽下来了",
    "老年食堂的王伯三天没来吃饭了，他一个人住",       # a daily round missed (the rebuilt model's loss)
    "楼下张奶奶两天没去晨练了，她一个人住",
])
def test_a_fall_from_a_height_said_with_zai_and_a_missed_daily_round_fire_on_a_cue(text):
    _fires_on_a_cue(text)


@pytest.mark.parametrize("text", [
    "我老公看电视看着看着就打起呼噜来了",
    "被子晾着晾着就被风吹掉了",
    "奶奶看着看着电视就睡着了，我给她盖了毯子",       # 睡着了 is asleep, not 电视着了
    "在楼顶栽了两棵树",
    "我这两天没去食堂吃饭，自己做的",
])
def test_asleep_a_thing_blown_down_and_planting_do_not_fire(text):
    assert not assess(text, quiet=True).emergency


# 0. An emphatic 真的 before a cue said to have happened is sincerity, not a what-if; a joke
#    denied (不是开玩笑) makes the message earnest, not play.
@pytest.mark.parametrize("text", [
    "我爸真的不喘气了",                         # the reviewer's
    "孩子真的吞了电池",
    "真的着火了，不是开玩笑",
    "老伴真的摔倒了起不来了",                   # ours
    "真的有煤气味了，好大一股",
    "我爸真的叫不醒了怎么办",                   # 怎么办 with a person: a cry
    "我没跟你开玩笑，厨房着火了",
])
def test_a_cue_said_to_have_happened_after_an_emphatic_zhende_fires(text):
    _fires_on_a_cue(text)


@pytest.mark.parametrize("text", [
    "真着火了怎么办",                           # nothing anchors it: a what-if
    "真着火了的话会不会烧到我家",
    "真要着火了怎么跑",
    "楼道里杂物堆成这样，真着火了跑都跑不出去",  # a consequence
    "老人真摔了会不会骨折",
    "跟你开玩笑呢，我晕倒了",
])
def test_a_zhen_what_if_a_consequence_or_a_joke_does_not_fire(text):
    assert not assess(text, quiet=True).emergency


# Note 18 / note 14 (pre-existing): hearsay, a video or a game frames a story, not what happened
# to the resident's own in its clause, nor what happened while the game was being played.
@pytest.mark.parametrize("text", [
    "我妈照着视频里的偏方吃草药中毒了，一直吐",        # the reviewer's
    "看了短视频里的做法煮野蘑菇，全家中毒了",
    "新闻里刚说完，我家就有人食物中毒了，上吐下泻",
    "老公打着游戏突然捂着胸口喘不上来",
    "群里说的那种野菜我们挖来吃了，一家人都中毒了",   # ours
    "听说那个牌子的奶粉有问题，我家孩子喝了中毒了，一直吐",
    "孩子玩着游戏突然抽起来了，嘴里吐白沫",
])
def test_the_residents_own_after_hearsay_or_while_playing_fires(text):
    _fires_on_a_cue(text)


@pytest.mark.parametrize("text", [
    "我妈说新闻里有个老人煤气中毒了",
    "看新闻说，我家附近有人煤气中毒了，好吓人",
    "视频里那个人吃野蘑菇中毒了",
    "我爸在看视频，视频里有人晕倒了",
    "我玩游戏被困在迷宫里了，出不来",
])
def test_hearsay_a_video_or_a_game_about_others_does_not_fire(text):
    assert not assess(text, quiet=True).emergency


# Note 18 (pre-existing): someone at the edge of a roof or a ledge, with a jump or a struggle near.
@pytest.mark.parametrize("text", [
    "有个人站在天台边上，差一点就跳了",                # the reviewer's
    "老人在楼顶边上坐着，差点跳下去，拉不住",
    "隔壁小伙子翻到阳台护栏外了，怎么劝都不下来",      # ours
])
def test_someone_on_the_edge_of_a_roof_about_to_jump_fires(text):
    _fires_on_a_cue(text)


@pytest.mark.parametrize("text", [
    "楼顶边上的护栏松了，谁来修",
    "天台边上有人坐着抽烟",
])
def test_a_roof_edge_without_a_jump_does_not_fire_on_this_cue(text):
    verdict = assess(text, quiet=True)
    assert not any(cue == "在楼顶边上" or "边上" in cue for cue in verdict.cues), verdict


# Set 13's one miss, by its reason: 会 typed for 回 after 没 in a silence (our own sentences).
@pytest.mark.parametrize("text", ["我爸一个人住，这两天微信一直没会，平常天天发语音的", "我奶奶独居，三天没会消息了"])
def test_a_silence_typed_mei_hui_for_mei_hui_fires(text):
    _fires_on_a_cue(text)


def test_not_yet_learned_is_no_silence():
    assert not assess("我游泳学了半年一直没会", quiet=True).emergency


# Two older misses of the tuned sets, by their reasons (our own sentences): 应该是 is "probably"
# (a guess about what is happening), not "what should one do"; a scald typed in pinyin.
@pytest.mark.parametrize("text", ["仓库里头有人在砸门，应该是被反锁了", "wo ba tang shang le, kai shui"])
def test_a_guess_with_yinggai_shi_and_a_scald_in_pinyin_fire(text):
    _fires_on_a_cue(text)


@pytest.mark.parametrize("text", ["着火了应该打什么电话", "电梯困人应该找谁"])
def test_what_one_should_do_still_does_not_fire(text):
    assert not assess(text, quiet=True).emergency


# Review item 20: a game is a story only when the cue is in it (游戏里, 这个游戏, 关卡, level) or shouted
# in play; playing one is what the person was doing when it happened. Hearsay acted on (听群里说的偏方给
# 孩子喝了…) is the resident's own.
@pytest.mark.parametrize("text", [
    "老公玩手机游戏的时候突然喘不上气",                # the reviewer's
    "小孙子边玩游戏边吃果冻，噎住了脸发紫",
    "我儿子打游戏打到一半突然倒了，叫不醒",
    "听群里说的偏方给孩子喝了煤油，孩子一直咳喘不上气",
    "我老公通宵打游戏，早上起来说胸口疼，嘴唇发紫",   # ours
    "按群里说的土方子给我爸吃了草乌，现在嘴麻说不出话",
])
def test_a_person_taken_ill_while_playing_or_after_a_remedy_heard_of_fires(text):
    _fires_on_a_cue(text)


@pytest.mark.parametrize("text", [
    "这个游戏里着火了要按哪个键",
    "我玩游戏被困在迷宫里了，出不来",
    "打游戏打得我头晕，快晕倒了哈哈",
    "孙女玩游戏一直喊有坏人抢劫",
    "新闻里说有个老人喝了煤油中毒了",
])
def test_a_cue_inside_a_game_shouted_in_play_or_in_the_news_does_not_fire(text):
    assert not assess(text, quiet=True).emergency


# Note 22: watching a video is what the person was doing when it happened, not the video's story.
@pytest.mark.parametrize("text", ["我爸刷短视频刷着刷着突然说不出话了", "我妈看视频看着看着突然晕过去了"])
def test_a_person_taken_ill_while_watching_videos_fires(text):
    _fires_on_a_cue(text)


@pytest.mark.parametrize("text", ["我爸看视频里有个人突然晕倒了", "他们在玩狼人杀，有人喊杀人了",
                                  "刷视频刷到一个老人突然摔倒了，好可怜"])
def test_what_a_video_shows_or_a_party_game_does_not_fire(text):
    assert not assess(text, quiet=True).emergency
