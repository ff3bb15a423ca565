"""What to tell the resident at once, by advice topic (moved here from
``assistant/tickets/emergency.py``).

Short, imperative Simplified Chinese: elders read it under stress. Each topic
starts with the number to call (110/119/120), then one or two things to do or not
to do. Gas is the one exception: with a gas smell the first rule is to touch no
switch (a spark ignites it, and so can a phone), so that comes before calling.

The first topic (the most urgent) is given in full; each further topic adds only
its first line, so a message with several kinds stays short.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.safety.net import SafetyVerdict

ADVICE: dict[str, tuple[str, ...]] = {
    "gas": (
        "闻到燃气味：不要开关电灯和电器，不要点火，不要在屋里打电话。",
        "能做到的话开窗通风、关掉燃气总阀门，然后马上离开到室外。",
        "到了安全的地方再拨打 119 或燃气抢修电话。",
    ),
    "fire": (
        "着火了请马上拨打 119。",
        "用湿毛巾捂住口鼻，弯腰沿楼梯往下走，不要坐电梯。",
        "火大就别回去拿东西，先离开。",
    ),
    "electric_water": (
        "有人触电先别用手碰他，马上拨打 120；电线冒火拨打 119。",
        "能做到的话先关掉总电闸，或用干木棍把电线挑开。",
        "脚下有水就别靠近插座和电器。",
    ),
    "flood": (
        "家里进水有触电危险，能做到就马上关掉总电闸；有危险拨打 119。",
        "别碰泡了水的插座和电器，关掉水表旁的总阀门。",
    ),
    "co": (
        "可能是煤气（一氧化碳）中毒，请马上拨打 120。",
        "先打开门窗，把人带到屋外通风的地方。",
        "不要开关电器，不要点火。",
    ),
    "poisoning": (
        "吃错药或误服有毒的东西，请马上拨打 120。",
        "把药瓶或剩下的东西带上，给医生看。",
        "不要自己催吐，听医生的。",
    ),
    "violence": (
        "遇到危险请马上拨打 110。",
        "先保证自己安全，锁好门，离危险的人远一点。",
    ),
    "self_harm": (
        "有人有生命危险，请马上拨打 110 和 120。",
        "有人陪着他，别让他一个人待着。",
    ),
    "medical": (
        "有人需要急救请马上拨打 120。",
        "不要随意搬动病人，保持呼吸通畅，有人陪着等救护车。",
    ),
    "lift": (
        "被困电梯请按电梯里的警铃，或拨打电梯里贴的救援电话，也可以拨打 119。",
        "不要扒门，不要乱跳，保持冷静等待救援。",
    ),
    "collapse": (
        "有人被压住请马上拨打 119，有人受伤拨打 120。",
        "马上远离塌的地方，提醒路过的人绕开。",
    ),
    "trapped": (
        "有人被困出不来，请马上拨打 119。",
        "隔着门跟他说话，让他别慌。",
    ),
    "missing": (
        "老人或孩子走失，请马上拨打 110 报警，不用等 24 小时。",
        "让保安和物业马上看监控，告诉他们穿的什么衣服。",
    ),
    "silent_elder": (
        "老人叫不应、敲门不开，请马上拨打 110；人不舒服拨打 120。",
        "同时联系他的家人。",
    ),
    "general": ("如果有生命危险，请马上拨打 110（报警）、119（火警）或 120（急救）。",),
}

GENERAL_ADVICE: tuple[str, ...] = ADVICE["general"]
MAX_TOPICS = 3


def advice_for_topics(topics) -> list[str]:
    """Advice lines for topics given most urgent first; general numbers when none."""
    lines: list[str] = []
    known = [t for t in dict.fromkeys(topics) if t in ADVICE][:MAX_TOPICS]
    for i, topic in enumerate(known):
        for line in ADVICE[topic] if i == 0 else ADVICE[topic][:1]:
            if line not in lines:
                lines.append(line)
    return lines or list(GENERAL_ADVICE)


def advice_for(verdict: SafetyVerdict) -> list[str]:
    """What to do now for a verdict. When the net did not fire (the intent
    classifier called the message an emergency), the topics of the cues it
    suppressed as hypothetical or past are used, then the general numbers."""
    return advice_for_topics(verdict.topics or verdict.fallback_topics)
