"""Emergencies: what to tell the resident at once, and how staff are alerted.

What counts as an emergency, of which kind, and the advice for it belong to the
safety net (``assistant.safety``: cues, suppressors and advice as data). These
functions keep the ticket flow's interface and delegate to it, so the chat, the
degraded mode and the alert agree on one reading of the message.
"""

from __future__ import annotations

import hashlib
import json
import re

import httpx
import structlog

from assistant.db import Database
from assistant.privacy import mask_name, mask_phone, mask_text
from assistant.safety import GENERAL_ADVICE, advice_for, advice_for_topics, assess
from assistant.settings import Settings, get_settings
from assistant.tickets.lifecycle import aware
from assistant.tickets.models import Ticket

log = structlog.get_logger(__name__)

__all__ = [
    "GENERAL_ADVICE",
    "alert_payload",
    "emergency_advice",
    "emergency_kinds",
    "follow_up_advice",
    "send_alert",
    "send_alert_update",
]

# After 血 or 伤口: the bleeding said to have stopped (血不流了, 血止住了, 伤口没再出血), but
# not 血还没止住 (still bleeding).
_NOT_STOPPED = (
    r"(?![^，。,！!？?]{0,4}(?:不流|不再|没再|没流|没有流|不出|没出|没有出|(?<![没不])止住|(?<![没不])停了))"
)

# What to do about a detail the resident adds minutes after reporting an emergency
# (他流血了, 烟越来越大了, 还有煤气味): first aid and escape steps for the situation as it
# is now. The number to call comes from the safety net's advice for the message's kinds.
FOLLOW_UP_DETAILS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "bleeding",
        re.compile(
            # 没流血 / 没有出血 / 不流血了 / 没伤口: bleeding denied, no pressing a wound.
            r"(?<![没不])(?<!没有)(?<!没再)(?<!不再)(?<!没怎么)(?:流血|出血|淌血|冒血)|好多血|止不住血"
            r"|(?<!没)(?<!没有)伤口" + _NOT_STOPPED
            + r"|血" + _NOT_STOPPED + r"[^，。,！!？?]{0,8}"
            r"(?:止不住|止不了|停不下|不停|没停|没止住|还在流|一直流|往外冒|往外流|冒出来|流出来)"
            # 血还是哗哗的流 / 血一直往下滴 / 血哗哗的: still bleeding, in the resident's words
            # (not 血不流了, 血止住了没再流: it stopped).
            r"|血" + _NOT_STOPPED + r"[^，。,！!？?]{0,6}(?:流|淌|滴|喷|冒|哗哗|呼呼)"
        ),
        "用干净的毛巾或衣服用力按压伤口止血，不要松手，等救护车来。",
    ),
    (
        "not_breathing",
        # 没呼吸了 / 没得气了 (Sichuanese) / 断气 / 胸口都不动了 / 摸不到心跳: no breath, no pulse
        # (not 喘不上气: short of breath, still breathing; not 煤气没气了).
        re.compile(
            r"没(?:有)?(?:了)?呼吸|呼吸(?:停|没)了?|不呼吸|不喘气|不出气|(?<![煤燃然化罐瓶气])没得?气(?:了|儿)"
            r"|断气|没(?:有)?气息|胸口?[^，。,！!？?]{0,3}(?:不动|不起伏|没起伏)"
            r"|(?:没|摸不到|摸不着|听不到)(?:有)?(?:心跳|脉搏?)|心跳(?:停|没)"
        ),
        "没有呼吸就马上做心肺复苏：让他平躺在硬地上，双手叠放在胸口正中，用力快速往下按，"
        "每分钟 100 到 120 下，不要停，一直按到 120 的人来。120 电话里医生也会教您怎么做。",
    ),
    (
        "unconscious",
        re.compile(r"叫不醒|没反应|昏迷|晕过去|晕倒|不省人事|没意识|醒不过来|还没醒"),
        "让他侧躺、头偏向一边，保持呼吸通畅，不要喂水喂药。",
    ),
    (
        "pain",
        re.compile(
            r"(?:腰|腿|头|胸口?|背|胯|髋|手|脚|骨头)[^，。,！!？?]{0,3}(?:痛|疼)|好痛|好疼|痛得|疼得|骨折"
            r"|起不来|起唔到|动不了|郁唔到"
        ),
        "先别扶他起来，也别让他乱动，垫件衣服保暖，等 120 的人来处理。",
    ),
    (
        "dizzy",
        # A body sense, not an insult: 想吐 / 犯恶心 / 我有点恶心, never 这物业真恶心.
        re.compile(
            r"头[^，。,！!？?]{0,3}晕|发晕|晕乎|想吐|犯恶心|喘不上气|喘不过气|胸闷|头疼|头痛"
            r"|(?:我|他|她|人|老人|孩子)[^，。,！!？?]{0,2}(?:有点|有些|感觉|觉得|直)恶心"
        ),
        "头晕、恶心、喘不上气：有煤气味或烟的话，马上离开到通风的室外；人不舒服请拨打 120。",
    ),
    ("seizure", re.compile(r"抽搐|抽筋|口吐白沫"), "别往他嘴里塞东西，挪开周围的硬东西，让他侧躺。"),
    ("burn", re.compile(r"烫伤|烧伤|烫到"), "烫伤的地方用凉水冲 15 分钟，不要涂牙膏酱油。"),
    (
        "smoke",
        re.compile(r"烟(越来越|更|很|好|特别)?(大|浓|多)|浓烟|呛|烟雾|冒烟|全是烟"),
        "烟大了就弯腰低姿走，用湿毛巾捂住口鼻，往烟少的方向撤，别坐电梯；出不去就关门，用湿布堵住门缝，到窗口呼救。",
    ),
    (
        "fire_spreading",
        re.compile(r"火(越来越|更|很|好)?大|烧起来|烧过来|火势"),
        "火大了别回去拿东西，随手关门，马上下楼到空旷的地方等消防车。",
    ),
    (
        "gas",
        re.compile(r"煤气味|燃气味|天然气味|液化气味|煤气|燃气|天然气"),
        "别开关电灯和电器，别点火，别在屋里打电话；打开门窗通风，关掉燃气总阀，人先到室外。",
    ),
)
_NUMBER = re.compile(r"11[09]|120")

# Out of the danger (我们已经跑到楼下了, 人都出来了, 逃到外面了).
_GOT_OUT = (
    r"(?:跑|逃|走|撤|冲|下|出)(?:到|出|下)(?:了)?(?:楼下|外面|室外|楼外|屋外|小区|门口|马路|空地)"
    r"|(?:已经|都|全|我们|人)[^，。,！!？?]{0,3}(?:出来|下来|下楼|跑出|逃出|撤出)"
    r"|到(?:了)?(?:楼下|外面|室外|屋外)|在楼下了?|出来了|下楼了|跑出来"
)
# A context detail that fits whatever emergency was reported.
ANY_TOPIC = "*"

# A detail that only means something for the emergency already reported (the ticket's
# own words give its kinds): 能开灯吗 in a gas leak, 要不要坐电梯 in a fire, 那人跑了 in an
# attack. (topic of the reported emergency, name, words, advice.)
CONTEXT_DETAILS: tuple[tuple[str, str, re.Pattern[str], str], ...] = (
    (
        "gas",
        "spark",
        re.compile(r"灯|开关|电闸|点火|打火|开火|抽烟|火柴|电器|油烟机|排风扇|换气扇|插头|插座|手电|打电话"),
        "千万不要开灯、按开关，也不要点火、用电器，一点火花就可能引爆燃气。"
        "借着外面的光关掉燃气阀，打开门窗，人马上到室外，到外面再打电话。",
    ),
    (
        "fire",
        "hot_door",
        re.compile(r"门把手?[^，。,！!？?]{0,4}(?:烫|热|发烫)|门[^，。,！!？?]{0,3}(?:烫|发烫)|门缝[^，。,！!？?]{0,4}(?:冒烟|进烟)"),
        "门把手烫说明门外有火，千万不要开门。用湿毛巾或湿衣服堵住门缝，到窗口呼救，打 119 告诉他们您在哪。",
    ),
    (
        "fire",
        "lift",
        re.compile(r"电梯"),
        "着火时千万不要坐电梯，走楼梯下楼；楼道里烟大下不去，就回屋关门，用湿毛巾堵住门缝，到窗口呼救。",
    ),
    (
        "fire",
        "smoke",
        re.compile(r"烟"),
        "烟大了就弯腰低姿走，用湿毛巾捂住口鼻，往烟少的方向撤，别坐电梯；出不去就关门，用湿布堵住门缝，到窗口呼救。",
    ),
    (
        # 要不要先把她扶起来坐着 after a fall: moving someone hurt can make it worse.
        "medical",
        "move_person",
        re.compile(
            r"扶|抱起|抱到|抱上|抬起|抬到|抬上|背起|背到|背下|搬动|挪动|搬到|挪到|拉起|拽起|坐起|站起|翻(?:个)?身|起来坐"
        ),
        "先别扶起来，也别搬动、别让人坐起来，尤其是摔到头或起不来的时候，乱动可能伤得更重。"
        "让人保持原来的姿势躺着，垫件衣服保暖，等 120 的人来处理。",
    ),
    (
        # 拿毛巾按着呢还在渗 after a cut: still bleeding, said without 血 (渗 / 止不住 / 还在流).
        "medical",
        "still_bleeding",
        re.compile(r"(?:还在|还是|一直|继续|往外)(?:渗|流|冒|淌|滴)(?!眼泪|泪|鼻涕|口水|汗|水)|渗(?:出来|透|血)|止不住|按不住"),
        "继续用力按住伤口，别松手看；毛巾湿透了别拿掉，上面再加一块接着按。能的话把伤处抬高到比心口高，等 120 的人来。",
    ),
    (
        # 她有高血压，药在包里: what the doctor must know; the medicine goes with them.
        "medical",
        "history",
        re.compile(
            r"高血压|低血压|心脏病|冠心病|心脏不好|糖尿病|低血糖|哮喘|癫痫|羊癫疯|脑梗|中风|心梗|过敏|病史"
            r"|做过手术|搭过桥|支架|(?:吃|带|有)[^，。,！!？?]{0,4}药|药(?:在|放|带)|速效救心|硝酸甘油"
        ),
        "这些情况很重要：打 120 时告诉医生有什么病、平时吃什么药，药带上交给医生。"
        "现在吃不吃药听 120 医生的，别自己加药。",
    ),
    (
        # 我们已经跑到楼下了: out of the fire; what now is to keep away and guide the firemen.
        "fire",
        "got_out",
        re.compile(_GOT_OUT),
        "出来了就好。离着火的楼远一点，千万别再回去拿东西。在安全的地方等消防车，"
        "车到了给他们指路，告诉他们楼里还有没有人。",
    ),
    (
        # 要不要敲门叫一下邻居 / 能按门铃吗 in a gas leak: warn them by knocking, no doorbell.
        "gas",
        "neighbours",
        re.compile(r"敲门|拍门|门铃|叫门|喊门|(?:叫|喊|通知|告诉|提醒)[^，。,！!？?]{0,3}(?:邻居|隔壁|对门|楼上|楼下|那家)"),
        "可以用手敲门、大声喊邻居一起出来，但别按门铃，门铃也会打出火花。"
        "喊过了就先到室外，别在楼道里等。",
    ),
    (
        "gas",
        "got_out",
        re.compile(_GOT_OUT),
        "到了室外就好，别再回去，离那栋楼远一点，附近别点火、别抽烟。"
        "在外面拨打 119 或燃气抢修电话，等人来。",
    ),
    (
        # 消防车还没到 / 救护车怎么还没来: call again, say where, have someone wait outside.
        ANY_TOPIC,
        "not_arrived",
        re.compile(
            r"(?:消防车|消防员|消防|救护车|急救车|120|119|110|警车|警察|民警|救援|医生|人)[^，。,！!？?]{0,4}"
            r"(?:(?:还没|还不|没|怎么还没|咋还没|怎么还不|咋还不|还冇|仲未)(?:有)?(?:到|来|过来|赶到)"
            r"|(?:来|到)(?:了)?(?:没有?|吗|么|冇)|来没来|到没到)"
        ),
        "我这里看不到他们到哪了。还没到的话，再打一次 {numbers}，说清楚地址，问问还要多久；"
        "能的话请人到小区门口或楼下接一下。",
    ),
    (
        # 那现在咋办 / 我们该怎么做: nothing new, the advice for what was reported, again.
        ANY_TOPIC,
        "what_now",
        re.compile(
            r"^(?:那|那么|那现在|我们|我|咱们|俺们|俺|现在|接下来|下面|然后|到底|该|应该|要|可|可是|但是)*"
            r"(?:怎么|咋|怎样|如何|该咋|咋个|点样)(?:办|整|弄|做|搞|处理)"
            r"(?:呢|啊|呀|嘛|哦|哇|才好|好|啦|嘞)*[？?！!。…~]*$"
        ),
        "{advice}",
    ),
    (
        "violence",
        "fled",
        re.compile(
            r"跑了|逃了|跑掉|逃掉|溜了|跑远|不见了|跑到|逃到|跑去|逃去"
            r"|(?:往|朝|向)[^，。,！!？?]{0,8}(?:跑|逃|去|走)"
            # 他下楼了 / 人走了 / 离开了: gone from the door, as said of the one who threatened.
            r"|(?<![拿抢偷搬])走了|走远了|离开了|下楼了|下去了|出去了"
        ),
        "别去追，先保证自己安全，马上拨打 110；记住他的样子、穿着和往哪跑了，告诉警察。",
    ),
)


# Advice for a hurt or unwell body (别扶他起来, 头晕恶心) fits a fall, an injury or an illness;
# in a fire, a gas leak, live water or a trap the way out comes first (煤气味越来越大，我头好疼 is
# told to get outside, 家里着火了，我腿动不了 not to lie still).
_BODY_DETAILS = frozenset({"pain", "dizzy"})
_HAZARD_TOPICS = frozenset({"fire", "gas", "electric_water", "trapped"})
_HAZARD_DETAILS = frozenset({"smoke", "fire_spreading", "gas"})
# The resident speaks of themselves (我腿动不了), not of someone else (我妈摔了, 他起不来).
_OTHER_PERSON = re.compile(
    r"[他她]|我(?:们|家|妈|爸|爷|奶|姥|外公|外婆|老公|老婆|媳妇|爱人|儿|女儿|孩子|父|母|邻居|朋友)"
    r"|老人|老太|老头|大爷|大妈|阿姨|叔|孩子|小孩|邻居|有人|一个人"
)
_SELF = re.compile(r"我|俺|自己|本人")


def _for_self(line: str) -> str:
    """The advice said to the resident about themselves: 他 -> 您 (别扶他起来 -> 您先别起来)."""
    return line.replace("先别扶他起来，也别让他乱动", "您先别起来，也别乱动").replace("他", "您")


# Who the resident waits for, named in the message (消防车还没到), and their number.
_RESPONDER_NUMBER = (
    (re.compile(r"消防|119"), "119"),
    (re.compile(r"救护|急救|医生|120"), "120"),
    (re.compile(r"警|110"), "110"),
)


def _numbers_for(text: str, topics: list[str]) -> str:
    """The number to call again: the responder named (消防车 -> 119), else the numbers of
    the emergency reported (its kinds' advice)."""
    named = [number for pattern, number in _RESPONDER_NUMBER if pattern.search(text)]
    if named:
        return "或".join(named)
    found: list[str] = []
    for topic in topics:
        for line in advice_for_topics([topic]):
            found += _NUMBER.findall(line)
    return "或".join(dict.fromkeys(found)) or "110、119 或 120"


# The police (or the guards) came or took the one who threatened away: gone, but not fled.
_POLICE_CAME = re.compile(
    r"(?:警察|民警|公安|派出所|巡警|保安)[^，。,！!？?]{0,6}(?<![没不])(?:带走|抓走|抓住|按住|制服|来过|赶到|到了|来了)"
)
# A wound in the emergency reported (切到手, 划了个口子, 流血): what 还在渗 can be about.
_WOUND = re.compile(r"血|伤口|口子|切|割|划|扎|刺|砍|戳")


def _context_details(text: str, reported: str | None) -> list[tuple[str, str]]:
    """The details of ``CONTEXT_DETAILS`` that ``text`` names about the emergency
    ``reported`` (the ticket's words): 我能开灯找阀门不 after a gas smell."""
    if not reported or not text:
        return []
    topics = list(assess(reported, quiet=True).topics)
    found: list[tuple[str, str]] = []
    for topic, name, pattern, line in CONTEXT_DETAILS:
        if (topic == ANY_TOPIC or topic in topics) and pattern.search(text):
            if name == "move_person" and re.search(r"车|东西|箱|柜|家具", text):
                continue  # 把车挪一下 makes way; it moves no one hurt
            if name == "still_bleeding" and not _WOUND.search(reported):
                continue  # 还在流 after a fall with no wound: not bleeding
            if name == "fled" and _POLICE_CAME.search(text):
                continue  # 他被警察带走了 / 警察来过了 已经走了: no one to chase, no 110 to call
            if line == "{advice}":
                line = "\n".join(advice_for_topics(topics))
            found.append((name, line.replace("{numbers}", _numbers_for(text, topics))))
    return found


def follow_up_advice(text: str, reported: str | None = None) -> list[str]:
    """What to do about what the resident just added to their emergency: the advice
    for each detail named (bleeding, smoke, gas...), then the number to call for each
    kind of emergency the safety net reads in it. Empty when the message adds no
    detail to act on (a place, 好的). Pain and dizziness get their advice only in a fall,
    injury or illness, said to 您 when the resident speaks of themselves. ``reported``:
    the words of the emergency already reported, which give meaning to details that
    name no hazard of their own (能开灯吗 in a gas leak, 坐电梯 in a fire, 人跑了 in an
    attack)."""
    text = text or ""
    verdict = assess(text, quiet=True)
    found = [(name, line) for name, pattern, line in FOLLOW_UP_DETAILS if pattern.search(text)]
    for name, line in _context_details(text, reported):
        if name not in {n for n, _ in found}:
            found.append((name, line))
    if any(name == "pain" for name, _ in found):
        # 她腰疼，能扶起来吗: the pain's advice already says not to lift anyone.
        found = [(name, line) for name, line in found if name != "move_person"]
    if any(name in ("lift", "hot_door") for name, _ in found):
        # 烟大了，要不要坐电梯 / 门缝里进烟: the lift's or the door's advice says what the
        # smoke's would (no lift, the door shut, the window), without its "go out": said once.
        found = [(name, line) for name, line in found if name != "smoke"]
    hazard = bool(set(verdict.topics) & _HAZARD_TOPICS) or any(name in _HAZARD_DETAILS for name, _ in found)
    self_said = bool(_SELF.search(text)) and not _OTHER_PERSON.search(text)
    lines = [
        _for_self(line) if self_said and name in _BODY_DETAILS else line
        for name, line in found
        if not (hazard and name in _BODY_DETAILS)
    ]
    for topic in verdict.topics:
        kind_lines = advice_for_topics([topic])
        call = next((line for line in kind_lines if _NUMBER.search(line)), None)
        if not lines:  # no detail of ours: the net's own advice for the kind, in full
            lines.extend(kind_lines)
        elif call and call not in lines:
            lines.append(call)
    return list(dict.fromkeys(lines))


# Words that steer or end the exchange rather than tell more about the emergency
# (好的, 谢谢, 知道了, 算了, 没事了…): what is left after them must still say something.
_CLOSING_WORDS = re.compile(
    r"好的|好吧|好嘞|嗯+|哦+|噢+|行吧|可以|知道了|明白了|晓得了|收到|谢谢|多谢|感谢|辛苦了?|唔该|麻烦了?"
    r"|算了|不用了|没事了|再见|拜拜|报个平安|报平安|平安|挺好|很好|你们|您|啊|呀|吧|哈|了|的|呢|嘛"
)
_HAN = re.compile(r"[\u4e00-\u9fff]")
# A question in the resident's words (要不要敲门嘛, 能进去看看吗, 咋整).
_ASKS = re.compile(
    r"[？?]|[吗么嘛呢][啊呀哦哟]*[。.！!～~\s]*$|要不要|能不能|可不可以|该不该|行不行|用不用|怎么|咋|啷个|点样|得唔得"
)


# What a further word on an emergency speaks of: the people in it (他, 老人, 孙子, 邻居), a
# body (血, 腿, 喘, 疼), what someone wears (穿, 帽子, 拐杖), the hazard's things (火, 烟, 水, 电,
# 煤气, 门, 窗, 闸, 阀), the place around it (屋里, 楼道, 地上) and what was done or seen (已经,
# 拉了, 按着, 推开, 监控里看见). A matter of its own (我约的理发是几点, 明天天气怎么样) has none.
_ABOUT_IT = re.compile(
    r"他|她|(?<![工客])人(?![工民])|孩子|小孩|宝宝|娃|爸|妈|爷|奶|姥|外婆|外公|孙|老伴|老公|媳妇|儿子|女儿|闺女|邻居|保安"
    r"|血|头|脸|嘴|眼|鼻|耳|脖|肩|胳膊|手|腿|脚|腰|胸|背|肚|身|喘|呼吸|心跳|脉|伤|口子|疼|痛|晕|醒|吐|抽|烫|肿|麻|说话|动不了|起不来|躺|趴"
    r"|穿|戴|衣|袄|褂|裤|鞋|帽|拐|轮椅|个子|胖|瘦"
    r"|火|烟|焦|糊|(?<![薪退])水(?![费表])|电(?![话费视脑影梯])|煤气|燃气|天然气|气味|味道|味儿|门(?![诊])|窗|闸|阀|开关|线|插座|插头|锅|灶|炉"
    r"|地上|地面|地板|墙|顶|楼道|楼梯|电梯|屋|房间|家里|厨房|卫生间|厕所|阳台|车"
    r"|湿|渗|滴|冒|漏|响|声|动静|喊|哭|叫|热|烫|冷"
    r"|已经|拉了|关了|关掉|关上|打开|推开|按着|按住|捂|压着|纱布|毛巾|绷带|扶|抱|拍门|敲门|进去|出去|过去|过来|跑|走|监控|看见|看到|找到|找了|报警|打了"
)


def adds_a_detail(text: str | None) -> bool:
    """Does a message said in the minutes after an emergency tell more about it (穿的灰色棉袄
    戴个蓝帽子, 拿毛巾按着呢还在渗, 闸已经拉了 水还在往下滴, 我已经把窗子打开了), rather
    than close the exchange (好的谢谢, 知道了) or ask for something else? A detail speaks of
    the emergency's people, body, hazard, place or what was done (``_ABOUT_IT``); a task in
    words (约个理发, 我约的理发几点, 把理发改到后天, 取消, 我报的事咋样了) or a matter that names
    none of that (明天天气怎么样) goes its own way. What the classifier made of it does not
    matter: details are rarely in its training."""
    from assistant.conversation.split import worded_intent
    from assistant.tickets.asking import changes_a_booking

    text = text or ""
    said = _CLOSING_WORDS.sub("", text)
    if len(_HAN.findall(said)) < 4:
        return False
    if not _ABOUT_IT.search(said):
        from assistant.tickets.intake import extract_location

        if not extract_location(text):  # 18号楼2单元三楼: a place is about it too
            return False
    if worded_intent(text) in ("book_service", "check_ticket") or changes_a_booking(text):
        return False
    return True


def asks_about_it(text: str | None) -> bool:
    """The detail is said as a question (要不要敲门嘛, 我能进去看看吗)."""
    return bool(_ASKS.search(text or ""))


def advice_again(reported: str | None) -> list[str]:
    """The advice for the emergency reported (the ticket's words), said again when the
    resident asks something about it the butler has no answer of its own for."""
    if not reported:
        return []
    return list(advice_for_topics(list(assess(reported, quiet=True).topics)))


# 不要扒门 / 不要随意搬动病人 / 别回去拿东西: what the advice warns against (its first two
# characters after a manner word).
_WARNED = re.compile(r"(?:千万)?(?:不要|别|不能|切勿)(?:乱|随意|随便|自己|擅自)?([\u4e00-\u9fff]{2})")


def advice_touched(text: str | None, reported: str | None) -> list[str]:
    """The advice for the emergency reported, again, when a further message speaks of what
    it warns against (门扒不开 after 不要扒门: the resident is at it): both characters of the
    warned act within a few characters of each other. Empty otherwise."""
    said = text or ""
    lines = advice_again(reported)
    for line in lines:
        for match in _WARNED.finditer(line):
            first, second = match.group(1)
            for at in (i for i, c in enumerate(said) if c == first):
                if second in said[max(0, at - 3) : at + 4]:
                    return lines
    return []


def booking_said_with(text: str) -> str | None:
    """The service a message reporting an emergency also asks to book (226栋的电梯又坏了
    …顺便给我老伴儿约个助浴 -> 助浴): the emergency comes first and whole, the booking is
    offered after it. None when the message asks for no booking after a connector."""
    from assistant.booking.conversation import service_asked_for
    from assistant.conversation import split

    cut = split.candidate_split(text or "")
    if cut is None or split.worded_intent(cut.second) != "book_service":
        return None
    return service_asked_for(cut.second)


def booking_offer(service: str) -> tuple[str, list[dict]]:
    """The offer of the booking said with an emergency, and its buttons (the yes is the
    booking itself, so the button starts it whatever the dialogue waits on)."""
    return (
        f"另外您说要约{service}，等这边安全了再约也行。现在帮您约吗？",
        [
            {"title": "好的", "payload": f'/book_service{{"service_type": "{service}"}}'},
            {"title": "先不约", "payload": "/deny"},
        ],
    )


# ---- after an emergency: back to what it interrupted ------------------------------------------

# The emergency said over, or in the hands of those who came (没啥事了, 缓过来了, 火灭了, 总阀关上了,
# 救护车到了, 送医院了, 人跑了): the resident goes back to what they were doing before it.
_OVER = re.compile(
    r"没(?:啥|什么|大)?事(?:儿)?了(?![吗吧么])|没大碍|(?<![没不])缓过来|(?<![没不])好多了|吐出来了|(?<![没不])(?:灭|扑灭)了(?![吗吧么没])"
    r"|(?:闸|阀门?|总闸|电闸|气)(?:已经)?(?:拉|关|合)(?:掉|上|好)?了|(?:拉|关)(?:了|掉了?)(?:闸|阀|电闸|总闸)"
    r"|(?:警察|民警|消防|救护车|白车|医生|保安|120|110|119)(?:的人)?(?:已经)?(?:来|到|嚟)(?:了|咗|哒|啦|咯)(?![吗么没冇])"
    r"|送(?:去|到|进|咗去|咗)?(?:了)?医院(?![吗么没])|(?:人|他|她|贼|小偷)(?:已经)?跑(?:了|咗|咯|掉了)(?![吗么没])"
)


# Said after it, the emergency goes on (警察到了 可是人还在踹门 / 闸关掉了 但插座还在冒烟).
_GOES_ON = re.compile(r"还没(?:醒|灭|好|退|止住|缓过来|出来|找到|回来)|还在|还是(?:不|没)|又(?:开始|烧|冒|着)|越来越")


def said_over(text: str | None) -> bool:
    """The message says the emergency is over or handled by those who came (没啥事了, 总阀关上了,
    救护车来了, 送医院了), and nothing after that says it goes on (但是人还没醒): what it
    adds is about what the emergency interrupted."""
    if not text or text.startswith("/"):
        return False
    over = _OVER.search(text)
    return over is not None and not _GOES_ON.search(text, over.end())


# 还约 / 接着约 / 继续约吧 / 还是约上: the booking the emergency interrupted, asked for again.
_BOOK_AGAIN = re.compile(r"(?:还|接着|继续|照样|还是)(?:要|得|想)?(?:帮我)?(?:预约|约|订)")


def booking_after(text: str | None, interrupted_service: str | None = None) -> str | None:
    """The service a message in the minutes after an emergency asks to book: a booking
    verb and a service (救护车到了 我想约个助浴 后天上午十点…), or the booking the emergency
    interrupted, asked for again (剪头发的还是约上吧 / 接着约吧: ``interrupted_service``). None when it
    asks for no booking (在6号楼3单元, 约的理发师傅来了没)."""
    from assistant.booking.conversation import service_asked_for
    from assistant.conversation import split

    said = text or ""
    if not said or said.startswith("/"):
        return None
    if split.worded_intent(said) == "book_service":
        return service_asked_for(said)
    if interrupted_service and _BOOK_AGAIN.search(said) and not split.NO_NEW_BOOKING_RE.search(said):
        return interrupted_service
    return None


def report_resumed(text: str | None, interrupted_description: str | None) -> str | None:
    """The place of the report an emergency interrupted at "where?" (天花板往下渗水, then the
    sparks), when a message after the emergency says it is over and where (总阀关上了 好多了
    在12号楼3单元201): the report is filed there. None when there was no such report,
    the message says no place, or says nothing is over (在6号楼3单元 / 6号楼3单元 门都烧坏了:
    the emergency's own place and state)."""
    from assistant.tickets.intake import place_said

    if not interrupted_description or not said_over(text):
        return None
    return place_said(text)


# A hazard a report names before it is an emergency (楼道里有股焦味, 电动车充电线发烫, 一股
#煤气味): the kind of emergency it can turn into, for a report the net read nothing in.
_HAZARD_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("fire", re.compile(r"烟|焦|糊味|火星|火花|冒火|着火|起火|烧|短路|充电|电线[^，。,！!？?]{0,4}(?:烫|热|化|冒)")),
    ("gas", re.compile(r"煤气|燃气|天然气|液化气|臭鸡蛋味")),
    ("electric_water", re.compile(r"漏电|电线|电箱|电闸|配电|插座")),
    ("flood", re.compile(r"漏水|淹|积水|进水|爆管|水管")),
    ("lift", re.compile(r"电梯")),
)


def _matters(text: str) -> set[str]:
    """The kinds of emergency a message is about: what the net read (fired, or held
    back as talk of a hazard), and the hazards it names. ``general`` (the model's
    own vote) says no kind, so it matches nothing."""
    verdict = assess(text, quiet=True)
    kinds = {*verdict.kinds, *verdict.topics, *verdict.fallback_topics}
    kinds |= {kind for kind, words in _HAZARD_WORDS if words.search(text)}
    return kinds - {"general"}


def place_said_before(earlier: str | None, text: str | None = None) -> str | None:
    """The place of the report the resident made just before an emergency said without
    one (投诉下 429座楼下电单车充电冒烟, then 有火星了 好大焦味): it is the same matter
    going worse, so its place is the emergency's. Only a message that reported
    something (a complaint, a word for something wrong, a hazard, fired or held back)
    lends its place: 帮我约个理发 3号楼 says where the resident lives, not where it burns.
    And only about the same matter as the emergency ``text`` (their kinds meet: 冒烟 then
    着火): 小区东门路灯坏了 then 我爸摔倒了 are two matters, the fall may be anywhere, and
    in an emergency the resident may not correct a wrong place said back."""
    from assistant.tickets.intake import names_a_problem, place_said, reads_as_complaint

    if not earlier or earlier.startswith("/"):
        return None
    if not (reads_as_complaint(earlier) or names_a_problem(earlier)):
        verdict = assess(earlier)
        if not (verdict.emergency or verdict.suppressed):
            return None
    if text is not None and not (_matters(earlier) & _matters(text)):
        return None
    return place_said(earlier)


def emergency_kinds(text: str) -> list[str]:
    """The kinds of emergency the safety net reads in the text, most urgent first."""
    return list(assess(text or "", quiet=True).kinds)


# First aid a first report needs beyond its kind's advice (孩子手被菜刀划了个大口子 血止不住:
# press the wound), said right after the number to call.
_FIRST_AID = frozenset({"bleeding", "not_breathing", "seizure", "burn"})


def emergency_advice(text: str) -> list[str]:
    """What to do now, most important first. Called once the message is known to be
    an emergency (the safety net fired, or the classifier said so): when the net
    itself did not fire, the advice follows the cues it set aside, then the general
    numbers. First aid the message calls for (血止不住: press the wound) comes right
    after the number to call (after the way out, in a fire or a gas leak)."""
    verdict = assess(text or "", quiet=True)
    lines = list(advice_for(verdict))
    aid = [line for name, pattern, line in FOLLOW_UP_DETAILS if name in _FIRST_AID and pattern.search(text or "")]
    aid = [line for line in aid if line not in lines]
    if set(verdict.topics) & _HAZARD_TOPICS:
        return [*lines, *aid]  # in a fire or a gas leak the way out comes first
    return [*lines[:1], *aid, *lines[1:]]


def alert_payload(ticket: Ticket) -> dict:
    """What staff receive: enough to act, personal data masked (a webhook may be a
    group chat)."""
    return {
        "type": "emergency",
        "ticket_id": ticket.id,
        "category": ticket.category,
        "department": ticket.department,
        "urgency": ticket.urgency,
        "description": mask_text(ticket.description),
        "address": ticket.address,
        "lat": ticket.lat,
        "long": ticket.long,
        "contact_name": mask_name(ticket.contact_name),
        "contact_phone": mask_phone(ticket.contact_phone),
        "hazards": emergency_kinds(ticket.description),
        "cues": (ticket.cues or {}).get("urgency", []),
        "created_at": aware(ticket.created_at).isoformat() if ticket.created_at else None,
    }


# A staff alert the webhook did not take waits in the shared outbox on this channel and
# is retried by the jobs process (``staff-alerts`` job) with the outbox's back-off.
STAFF_ALERT_CHANNEL = "staff_alert"


def send_alert(
    ticket: Ticket, settings: Settings | None = None, timeout: float = 5.0, *, db: Database | None = None
) -> bool:
    """Alert staff: always on the console log; also POSTed as JSON to
    ``alert_webhook_url`` when set, at once. Returns whether the webhook accepted it. A
    dead webhook never stops the resident's answer: failures are logged, not raised, and
    with ``db`` the alert is queued in the outbox to be retried."""
    settings = settings or get_settings()
    payload = alert_payload(ticket)
    log.warning("ticket_emergency_alert", **payload)
    delivered = _post(ticket, payload, settings, timeout)
    if not delivered:
        _retry_later(db, settings, payload, f"alert:{ticket.id}")
    return delivered


def send_alert_update(
    ticket: Ticket,
    update: str,
    settings: Settings | None = None,
    timeout: float = 5.0,
    *,
    db: Database | None = None,
) -> bool:
    """What the resident added to an emergency already alerted (where it is, 他流血了):
    the same payload with ``type: emergency_update`` and the addition, masked. Returns
    whether the webhook accepted it (if not, queued for retry as ``send_alert``)."""
    settings = settings or get_settings()
    payload = {**alert_payload(ticket), "type": "emergency_update", "update": mask_text(update)}
    log.warning("ticket_emergency_alert_update", **payload)
    delivered = _post(ticket, payload, settings, timeout)
    if not delivered:
        digest = hashlib.sha256(payload["update"].encode()).hexdigest()[:16]
        _retry_later(db, settings, payload, f"alert-update:{ticket.id}:{digest}")
    return delivered


def _retry_later(db: Database | None, settings: Settings, payload: dict, key: str) -> None:
    if db is None or not settings.alert_webhook_url:
        return
    from assistant.outbox import enqueue

    try:
        with db.transaction() as session:
            enqueue(
                session,
                recipient=f"{STAFF_ALERT_CHANNEL}:webhook",
                channel=STAFF_ALERT_CHANNEL,
                text=json.dumps(payload, ensure_ascii=False),
                dedupe_key=key,
            )
    except Exception as exc:  # noqa: BLE001 - the log line above already carries the alert
        log.error("ticket_emergency_alert_not_queued", error=type(exc).__name__)


def _post(ticket: Ticket, payload: dict, settings: Settings, timeout: float) -> bool:
    if not settings.alert_webhook_url:
        return False
    try:
        response = httpx.post(settings.alert_webhook_url, json=payload, timeout=timeout)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        log.error("ticket_emergency_webhook_failed", ticket_id=ticket.id, error=str(exc))
        return False
    return True
