"""The elderly path in the conversation (issue #13): 再说一遍, 慢一点, 我年纪大了.

Before Rasa, so a form in progress is never disturbed and no retraining is needed:

    我年纪大了 / 我是老年人          -> the profile becomes elderly; 好的，我会说慢一点。
    说慢点 / 慢一点 / 说得太快了      -> the profile becomes elderly and one step slower
    再说一遍 / 没听清 / 你说啥        -> the butler's last replies again, one step slower

and after a profile change the last replies are repeated too, at the new rate. Every
reply made here asks to be spoken slower: ``custom={"speak": {"rate_factor": r}}``
(the speech pipeline's contract, ``assistant/channels/ear.py``).

Only a message that is nothing but such commands (with polite fillers: 请你说慢一点好吗,
我年纪大了，你说慢点) is taken: 我年纪大了腿脚不方便想约个上门理发 goes to the dialogue.
A repeat with nothing remembered goes to the dialogue as before (its own repeat). The
caller (``turn.converse``) runs the safety net first: an emergency is never read here.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

import anyio
import structlog

from assistant.conversation import store
from assistant.privacy import mask_text
from assistant.residents import profile

if TYPE_CHECKING:
    from assistant.db import Database
    from assistant.dialogue import Reply

log = structlog.get_logger(__name__)

Kind = Literal["elderly", "slower", "repeat"]

MAX_LENGTH = 40
SEP = r"[\s，,。.！!？?~～、；;：:…—\-]"
LEAD = (r"(?:请|麻烦您|麻烦你|麻烦|你|您|能不能|能否|可不可以|可以|能|那个|嗯|啊|哎呀|哎|唉|喂|那|就|小管家|管家"
        # 你刚说的我没记住 / 刚才那句再讲一遍: what is to be said again, pointed at.
        r"|(?:刚才?|刚刚)?(?:说|讲)(?:的(?:那句话?|那些|那个|那段|话)?|那句话?|那些|那个|那段)"
        r"|那句话?|那段|这句话?|刚才|刚刚|前面|上面|侬|你们)")
TAIL = r"(?:好不好|好吗|行不行|行吗|可以吗|成吗|吧|啊|呀|哈|嘛|呢|啦|哦|喔|儿)"
POLITE = (r"(?:谢谢你|谢谢您|谢谢|多谢|麻烦您了|麻烦你了|麻烦了|拜托了|拜托|好的|好|行|嗯嗯|哦"
          # 慢点说 我记一下 / 我拿个笔: why it is asked, nothing more.
          r"|[我俺]?(?:要|得|好)?(?:记一下|记下来|拿笔记一?下|拿个?笔))")
ELDERLY = (r"(?:[我俺](?:都|已经)?(?:年纪|岁数|年龄)(?:比较|很|太)?大了?"
           r"|[我俺](?:都|已经)?(?:老了|上了?年纪了?)"
           r"|[我俺]是(?:个)?(?:老年人|老人家|老人|老头儿?|老太太)"
           r"|[我俺](?:的)?(?:耳朵|眼睛)(?:不太好使?|不好使?|背)了?)")
SLOWER = (r"(?:(?:再|稍微|稍)?(?:说话|讲话|说|讲|念|读)?(?:得|的)?(?:再|稍微|稍)?慢(?:一)?(?:点|些)儿?"
          r"(?:说|讲|念|读)?"
          r"|慢慢(?:说|讲|念|读)"
          r"|(?:说话|讲话|说|讲)?(?:得|的)?太快了?)")
REPEAT = (r"(?:(?:再|重新|重)(?:说|讲|念|读|来|播|放)(?:一)?(?:遍|次|下|道)|重说|重讲"
          r"|重复(?:一)?(?:遍|次|下)?"
          # 没太听清 / 听不太懂 / 听不过来 / 阿拉听勿懂 / 我没记住: not taken in, in many words
          r"|[我俺]?(?:没|没有)(?:太|大)?(?:听|听得)(?:太|大)?(?:清楚|清|见|到|懂|明白)"
          r"|[我俺]?听不(?:太|大)?(?:清楚|清|见|到|懂|明白|过来)"
          r"|(?:[我俺]|阿拉|我哋)?听(?:勿|唔)(?:懂|清楚|清|明白|明)"
          r"|[我俺]?(?:没|没有)(?:记住|记下来?|记清楚?|记全)|[我俺]?记不(?:住|全|下来)|跟不上"
          r"|(?:刚才)?(?:说|讲)(?:的)?(?:是)?(?:啥|什么|啥子|么子)(?:来着)?"
          r"|(?:啥|什么|啥子|么子)(?:意思)?"
          r"|大点声|大声点|声音大点)")
KINDS: dict[Kind, re.Pattern[str]] = {
    "elderly": re.compile(ELDERLY),
    "slower": re.compile(SLOWER),
    "repeat": re.compile(REPEAT),
}
# A whole message made of command phrases, polite words and fillers, and nothing else.
WHOLE_RE = re.compile(rf"(?:{SEP}*{LEAD}*(?:刚才)?(?:{ELDERLY}|{SLOWER}|{REPEAT}|{POLITE}){TAIL}*)+{SEP}*")

ELDERLY_TEXT = "好的，我会说慢一点。"
SLOWER_TEXT = "好的，我说慢一点。"
SLOWEST_TEXT = "好的，我尽量说慢一点。"
NOTHING_TO_REPEAT_TEXT = "您有什么需要帮忙的？"


def command(text: str) -> Kind | None:
    """The strongest command a message is made of (slower, then elderly, then repeat),
    or None when the message says anything else."""
    # A transcript may space its words (说 慢 一点); phrases may also follow one another
    # without a mark (我年纪大了说慢点), so spaces carry nothing here.
    t = re.sub(r"\s+", "", text or "")
    if not t or len(t) > MAX_LENGTH or not WHOLE_RE.fullmatch(t):
        return None
    for kind in ("slower", "elderly", "repeat"):
        if KINDS[kind].search(t):
            return kind
    return None  # polite words only (谢谢, 好的): not a command


def spoken_slower(said: list[store.Said], rate: float) -> list[Reply]:
    """The remembered replies again, each asking to be spoken at ``rate``."""
    from assistant.dialogue import Button, Reply

    return [Reply(text=s.text, buttons=[Button(t, p) for t, p in s.buttons], custom=speak(rate))
            for s in said if s.text or s.buttons]


def speak(rate: float) -> dict:
    return {"speak": {"rate_factor": rate}}


async def answer(db: Database, sender: str, text: str, memory: store.Memory) -> list[Reply] | None:
    """The gateway's own answer to a repeat or profile command, or None (the dialogue
    answers: not a command, a repeat with nothing remembered, or the profile could not
    be written)."""
    from assistant.dialogue import Reply

    kind = command(text)
    if kind is None:
        return None
    if kind == "repeat":
        if not memory.last:
            return None
        current = await anyio.to_thread.run_sync(profile.speech_profile, db, sender)
        rate = profile.slower(current.rate_factor)
        log.info("conversation_repeat", sender=mask_text(sender), replies=len(memory.last), rate_factor=rate)
        return spoken_slower(memory.last, rate)
    try:
        before = await anyio.to_thread.run_sync(profile.speech_profile, db, sender)
        if kind == "elderly":
            after = await anyio.to_thread.run_sync(
                lambda: profile.set_elderly(db, sender, True, by=profile.RESIDENT))
        else:
            after = await anyio.to_thread.run_sync(profile.slow_down, db, sender)
    except Exception as exc:  # noqa: BLE001 - the profile is a help, never a reason to fail
        log.warning("speech_profile_unwritable", error=type(exc).__name__)
        return None
    if kind == "elderly":
        first = ELDERLY_TEXT
    else:
        first = SLOWER_TEXT if after.rate_factor < before.rate_factor or not before.elderly else SLOWEST_TEXT
    if not memory.last:
        return [Reply(text=f"{first}{NOTHING_TO_REPEAT_TEXT}", custom=speak(after.rate_factor))]
    return [Reply(text=first, custom=speak(after.rate_factor)), *spoken_slower(memory.last, after.rate_factor)]
