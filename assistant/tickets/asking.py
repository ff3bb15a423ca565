"""Questions a resident asks about a report they have just made: was anyone told
(你们通知物业了没有, 报警了吗), has someone been sent (是不是已经派人过去了), when will
someone come (那啥时候能来人修啊). They are about what was done with the ticket, so
the answer is the ticket's real state (``service.handling_answer``), never a new
complaint or a booking lookup.

The rule is grammatical, not a list of sentences: an act the community would do
about a report (tell, report on, send someone, come, repair, handle) asked about in
a perfective or yes/no frame (…了没有, …了吗, 是不是已经…, 有没有…), or a when-question
(啥时候 / 多久 / 几点) about someone coming or the thing being handled. A message that
names a new problem (3号楼路灯也坏了，什么时候修) is a report, not this question.
"""

from __future__ import annotations

import re

# What the community (the butler, staff, 物业) would do about a report.
_TOLD = (
    r"通知|告诉|知会|联系|转告|报警|上报|报上去|报给|报了|反映上去|反映给|转给|转到|交给|交到"
    r"|打(?:了|过)?(?:电话|119|120|110|幺幺九|幺二零|幺幺零)|(?:叫|喊|找)(?:了|过)?(?:人|师傅|物业|保安|电工)"
    r"|(?:跟|给|和|同|向|找)(?:物业|社区|居委会?|保安|城管|消防|警察|派出所|值班|上面|领导|他们"
    # 跟他家说 / 找对方谈: the other party of a neighbour's matter told.
    r"|他家|他们家|她家|那家|那户|对方|邻居|楼上|楼下|隔壁)[^，。,！!？?]{0,3}"
    r"(?:说|讲|反映|打招呼|打电话|谈|沟通|协调)"
)
# 有人来吗 asks about someone sent; 有人吗 alone only whether anyone is there.
_SENT = (
    r"派(?:了|过|咗)?(?:人|师傅|单)|派过[去来]|安排(?:了|好|咗)?(?:人|师傅|过去|过来)|来(?:了)?人|人(?:还)?(?:来|到)了"
    r"|有(?:了)?人(?:来|去|过来|过去|上门|管|处理|修|理)"
    r"|(?:师傅|工人|[电水木修理维]{1,3}工|物业的?人)[^，。,！!？?]{0,4}(?:来|上门|过来)"
    r"|(?:你们|社区|物业|街道|居委会?|上面)[^，。,！!？?]{0,3}(?:处理|管|修|弄|解决)"
)
# The work itself, done or finished (修好了没, 处理完了吗, 解决了吗, 搞定没): a perfective
# only (修好 / 修完 / 处理了), so 能修吗 / 修不修 (can you repair this: a service question)
# are not asked about a report.
_HANDLED = r"(?:维修|修理|修|处理|弄|搞|整|解决)(?:好|完|妥)|(?:维修|修理|修|处理|解决)(?:了|过)|搞定|弄妥"
_KNOWN = r"(?:物业|社区|居委会?|保安|城管|消防|警察|派出所|值班|工作人员|你们|他们)[^，。,！!？?]{0,4}(?:知道|收到|晓得|看到)"
# …了没有 / …了吗 / 是不是已经… / 有没有… / …没啊: asking whether it has happened.
_DONE_FRAME = re.compile(
    # 了没 asks only where the clause ends (修好了没 / 修好了没有啊，…): 修好了没问题了 /
    # 弄好了没事了 is thanks, 没 starting the next word.
    r"了没有?(?=[啊呀呢吧哈嘛哇]*(?:$|[，,。；;！!？?~～\s]))|了(?:吗|么|嘛|不|冇|未)|过(?:没有?|吗|么)|是不是|是否|有没有|有冇|已经[^，。,！!]{0,10}(?:吗|么|吧|没)"
    r"|(?:没有?|没得|吗|么|嘛|冇|未|不)[啊呀呢吧哈嘛哇]*[？?。!！~]*$|[？?]"
    r"|(?:没有?|吗|么|冇)[啊呀呢吧哈嘛哇]*[，,](?=.)"  # 修好没，我都等两天了: the question, then more
    r"|([\u4e00-\u9fff])[不没]\1"  # 管不管 / 来没来: A-not-A
    # 你们会去跟他家说吧 / 会不会来人: whether it will be done, asked (the same honest answer:
    # what has been done so far, and who handles it).
    r"|^(?:那|那么)?(?:你们|物业|社区|他们)?(?:会|会不会)[^，。,！!]{0,10}(?:吧|吗|么|嘛|不)?[啊呀呢哈]*[？?]*$"
)
_ACT = re.compile(rf"(?:{_TOLD}|{_SENT}|{_KNOWN}|{_HANDLED})")
# 啥时候 / 什么时候 / 多久 / 几点 … 来人 / 修 / 处理: when the report will be acted on.
_WHEN = re.compile(
    r"(?:啥|什么|哪|甚么|么)时候|多久|多长时间|几时|几点|哪天|几天|何时|要等多久|得等多久|啥时|咋还没|怎么还没"
)
# Not 批下来 / 办下来 / 到账 / 到手: an application coming through (交上去了多久能下来), no one coming.
_COME = re.compile(r"(?<![下出起])来|上门|过来|到(?![账手卡])|修|处理|弄|管|派|解决|搞|整")
# 下来 / 出来 decided by the subject: a person coming down or out (你们啥时候能下来人看看 /
# 物业的人啥时候出来 / 工作人员几时下来) is someone coming; an application (交上去了多久能批下来,
# 补贴多久能办下来) is not.
_COME_DOWN_OR_OUT = re.compile(r"[下出]来")
_COMING_PERSON = re.compile(r"人|师傅|工人|[电水木修理维]{1,3}工|你们|物业|保安|值班|社区|居委")
_APPLICATION = re.compile(r"批|审|办|钱|补贴|津贴|补助|交上去|递上去|报上去|申请|材料|手续|证|卡|到账|到手|结果")
# 到哪一步了 / 进展 / 怎么样了: the progress itself.
# 有消息 / 有结果 only asked (有结果了吗, 有没有消息): 有结果了给我回个电话 is a wish to be told.
_PROGRESS = re.compile(
    r"到哪一?步|(?<!有)进展|(?<!有)进度|(?:怎么|咋|怎)样了|办得怎么样|有没有(?:消息|回音|结果|下文|回复|进展)"
    r"|有(?:消息|回音|结果|下文|回复|进展)了?(?:吗|么|嘛|没有?|冇|未|不|[？?])"
)
# Emergency services the resident waits for: 消防车还没到 is how things stand (advice
# follows), not a question about what the community did.
_RESPONDERS = re.compile(r"消防车|消防员|救护车|急救车|警车|警察|民警|120|119|110")


# 你们给打了没 / 帮我叫了吗 / 你们报120了没有, said with the responders named: whether the
# community called them for the resident.
_CALLED_THEM = re.compile(
    r"(?:你们?|您|社区|物业|值班的?)[^，,。！!？?\s]{0,3}(?:打|叫|喊|通知|联系|报)(?:了|过|咗)?"
    r"(?:120|119|110|救护车|急救车?|消防车?|警察)?(?:了|过)?(?:没有?|吗|么|嘛|冇|未|不|[？?])"
)


# Still so (今晚还吵, 灯还是不亮, 水一直在漏): the matter reported, going on, not a new one.
_STILL = re.compile(r"还|仍|依然|依旧|照样|照旧|一直")
_CLAUSES = re.compile(r"[，,。；;！!？?~～…\s]+")


def _new_problem(text: str) -> bool:
    """The message reports something wrong with a thing (5号楼电梯也坏了): a report. A
    fault word alone (你们管不管啊: 不管) names no thing and reports nothing new; nor does a
    problem said to be still so (你们去管了没 今晚还吵: the report's own matter going on)."""
    from assistant.tickets.duplicates import read_problem
    from assistant.tickets.intake import names_a_problem

    if not names_a_problem(text):
        return False
    problem = read_problem(text)
    if not (problem.objects or problem.faults):
        return False
    clauses = [c for c in _CLAUSES.split(text) if c and names_a_problem(c)]
    return not clauses or not all(_STILL.search(c) and "也" not in c for c in clauses)


def _someone_comes(text: str, asked: str) -> bool:
    """What is asked about after the when-word is someone coming or the thing handled."""
    if _COME.search(asked):
        return True
    return bool(_COME_DOWN_OR_OUT.search(asked) and _COMING_PERSON.search(text) and not _APPLICATION.search(text))


# A promise asked for about the report (打个包票, 保证明天修好, 给句准话 明儿能来不, 这回肯定能
# 修好吧): the same honest answer, which gives none.
PROMISE_ASKED = re.compile(
    r"包票|保票|保证(?![金书人])|担保|准话|准信|(?:肯定|一定|必须)(?:能|会|得|要|给)?(?:修好|弄好|来|到|办好|解决|处理好)"
    r"|(?:今天|今儿|明天|明儿|马上)(?:能|会|就)?(?:来|到|修好|弄好)(?:不|吗|嘛|没|么|不了)"
)


# Asked, not said: 包票 / 准话 ask by themselves; otherwise a question's end (吗, 吧, 不, ？) or
# A不A (中不中). 师傅明天一定要来啊 / 我保证按时到 ask nothing.
_PROMISE_FRAME = re.compile(
    r"包票|保票|准话|准信|(?:吗|么|嘛|吧|不|没|冇)[啊呀呢哈]*[？?。.!！~～\s]*$|([\u4e00-\u9fff])不\1|[？?]"
)


def asks_for_a_promise(text: str | None) -> bool:
    """The resident asks for a promise about the report: a day, or that it will be fixed."""
    from assistant.tickets.intake import normalise

    said = normalise(text or "")
    return (
        bool(said)
        and not said.startswith("/")
        and bool(PROMISE_ASKED.search(said))
        and bool(_PROMISE_FRAME.search(said))
    )


def asks_what_was_done(text: str | None) -> bool:
    """Does the message ask what was done with the resident's report (told, sent,
    when someone comes, how far it got)? False for a new problem said with a
    question (3号楼路灯也坏了，什么时候修), for how the emergency stands (消防车还没到),
    and for a question about what to do (要不要打120)."""
    from assistant.tickets.intake import normalise

    text = normalise(text or "")
    if not text or text.startswith("/") or _new_problem(text):
        return False
    if _PROGRESS.search(text):
        return True
    if asks_for_a_promise(text) and _COME.search(text):
        return True  # 你能保证明天修好吗 / 给句准话 明儿能来不: what will be done, a promise asked
    if _RESPONDERS.search(text) and _CALLED_THEM.search(text):
        # 救护车咋还不来 你们给打了没啊: whether the community called them — it calls no one;
        # the honest answer says so, with the number to call.
        return True
    when = _WHEN.search(text)
    if when and _someone_comes(text, text[when.start() :]):
        # 救护车怎么还没来: the responders the resident called, not the community.
        return not _RESPONDERS.search(text)
    act = _ACT.search(text)
    if act is None:
        return False
    if re.search(r"(?:要不要|用不用|该不该|需不需要|能不能|可不可以|我(?:来|去|再)?)\s*$", text[: act.start()]):
        return False  # 要不要打120 / 我打电话 are about what to do, not what was done
    return bool(_DONE_FRAME.search(text[act.start() :]) or _DONE_FRAME.search(text[: act.start()]))


# 那我咋知道办没办 / 我上哪知道处理结果 / 我怎么晓得修好了没有: how the resident will learn the
# outcome of their report (not what it is now): how to follow it is the answer.
_HOW_TO_KNOW = re.compile(
    r"^(?:那|那么|那样的话|这样的话|这样)?[，,\s]*(?:我|俺)(?:们)?(?:到时候|以后|回头|后面)?"
    r"(?:咋|怎么|怎样|如何|从哪儿?|上哪儿?|去哪儿?|在哪儿?)(?:才|能|可以|会)?"
    r"(?:知道|晓得|得知|知晓|看到|查到|听到)"
)
# What is to be learnt: the handling (办没办, 处理结果, 修好了没有), or nothing more said (那我咋知道呢).
_THE_OUTCOME = re.compile(
    r"办|处理|修|弄|搞|解决|结果|进度|进展|好(?:了|没)|完(?:了|没)|管(?:了|没|不管)|了没"
    r"|^[啊呀呢吧哈嘛？?。!！\s]*$"
)


def asks_how_to_know(text: str | None) -> bool:
    """那我咋知道办没办 / 那我上哪知道结果: how the resident will learn what became of their
    report. Not 你怎么知道我住哪 (someone else knowing)."""
    from assistant.tickets.intake import normalise

    said = normalise(text or "").strip()
    if not said or said.startswith("/") or len(said) > 30 or _new_problem(said):
        return False
    asked = _HOW_TO_KNOW.search(said)
    return bool(asked) and bool(_THE_OUTCOME.search(said[asked.end() :]))


# 咋处理的 / 你们最后是怎么弄的 / 处理结果是啥: how a handled report was handled (the outcome
# staff wrote when they closed it), asked once it is done.
_HOW_HANDLED = re.compile(
    r"(?:咋|怎么|怎样|如何|咋个)(?:给|帮我们?)?(?:处理|弄|修|解决|办|整|搞)(?:好)?的"
    r"|处理(?:的)?(?:结果|情况)(?:是)?(?:啥|什么|咋样|怎么样|如何)"
    r"|(?:最后|后来|到底)(?:是)?(?:咋|怎么)(?:处理|弄|解决|办)"
)


def asks_how_handled(text: str | None) -> bool:
    """咋处理的 / 你们最后是怎么弄的: how the resident's handled report was handled. Not a
    new problem said with it, and not how to do something (怎么办理)."""
    from assistant.tickets.intake import normalise, reads_as_complaint

    said = normalise(text or "").strip()
    if not said or said.startswith("/") or len(said) > 30 or not _HOW_HANDLED.search(said):
        return False
    if _HOW_TO_SUBJECT.search(said) and not about_our_matter(said):
        return False
    if _BACK_TO_OLD.search(said) and not _AGAIN_NOW.search(said):
        # 上回那个漏水咋处理的: the old problem named to point at it, not said anew.
        return True
    return not (_new_problem(said) or reads_as_complaint(said))


# 老年卡怎么弄的 / 居住证是咋办的 / 医保报销怎么弄的: how one gets a document or a benefit, a
# question for the knowledge base, not about the resident's report (review 21 M3).
# Review 21 (F2): a benefit or an insurance by any of its names (养老保险, 残疾人补助, 高龄津贴, 公积金).
_HOW_TO_SUBJECT = re.compile(
    r"卡|证|报销|手续|补贴|补助|津贴|奖励|低保|社保|医保|保险|养老金|公积金|户口|落户|开户|证明|本子|护照|驾照|待遇|资格|认证|登记|备案"
)
# 你们最后咋弄的 / 我反映的那个 / 上回那个漏水: the words are about the resident's own matter.
# Not a bare 那个 (a filler: 那个电动车充电怎么弄的) — the named problem itself is matched among
# the resident's tickets by the caller.
_BACK_TO_OLD = re.compile(r"上回|上次|之前|前几天|前阵子|那件事|那事")
# 你们 as the ones who handled it (你们最后咋弄的, 你们是怎么处理的), not 你们这 / 你们这儿 (at your
# place: 你们这老年卡怎么弄的 asks how it is done here) — review 21 F2.
_OUR_MATTER = re.compile(
    r"你们(?!这|那)(?:最后|后来|到底|究竟)?(?:是)?(?:咋|怎么|怎样|如何|给|帮)"
    r"|我们?(?:反映|报|提|投诉|说|报修)(?:过)?的|俺(?:反映|报)的"
)
_AGAIN_NOW = re.compile(r"又|还在|还是|再次|现在|今天|刚才|刚刚")


def about_our_matter(text: str | None) -> bool:
    """你们最后是咋弄的 / 我反映的那个 / 上回那个: about the resident's own report."""
    said = text or ""
    return bool(_OUR_MATTER.search(said) or _BACK_TO_OLD.search(said))


# 那你们倒是再派人来看看啊 / 赶紧叫师傅来修 / 快来人处理一下: someone demanded, not asked about.
_DEMANDS_SOMEONE = re.compile(
    r"(?:派|叫|找|喊|来)(?:个|几个)?(?:人|师傅|工人)[^，,。！!？?]{0,4}(?:看看|看一下|瞧瞧|修|处理|弄|管)"
)


# Asked, or for the home (能不能派个人上门修一下我家洗衣机): a service asked for, a booking's.
_ASKS_A_SERVICE = re.compile(r"能不能|可不可以|可以|能否|[吗么？?]|我家|家里|俺家")


def demands_someone(text: str | None) -> bool:
    """Does the message demand that someone be sent (再派人来看看啊), naming no new problem and
    asking for no booking? About a report of the resident's, it is answered from the
    ticket (what has been done), as a question about it would be."""
    from assistant.conversation.split import worded_intent
    from assistant.tickets.intake import normalise

    said = normalise(text or "")
    if not said or said.startswith("/") or not _DEMANDS_SOMEONE.search(said) or _ASKS_A_SERVICE.search(said):
        return False
    return not _new_problem(said) and worded_intent(said) != "book_service"


# A change to a booking: called off (取消 / 不要了 / 别来了) or moved (改到下午 / 换个时间 /
# 挪到周五 / 推迟), or the booking itself named (约的 / 预约 / 约了 / 订的). A booking's
# worker is asked about with the same words as a report's (师傅几点来), so these tell
# the two apart when the classifier read a cancel or a change.
_BOOKING_CHANGE = re.compile(
    r"取消|不(?:想|用)?要了|不想要|(?:不用|别|不要)(?:再)?(?:来|上门|过来)了?|不约了"
    r"|(?:改|换|挪)(?:到|成|在|个|一下|天|日子|期|时间|约)|推到|推迟|延后|延期|提前|往后推|往前挪"
    r"|约(?:的|了|好的)|预约|预定|订(?:的|了)"
)


def changes_a_booking(text: str | None) -> bool:
    """Does the message cancel or move a booking, or name one or a bookable service
    (约的助浴师傅几点到，改到后天吧 / 保洁阿姨什么时候来？我想改个时间)? A cancel or reschedule
    reading of it is the resident's own request, not a ticket question said in booking
    words (我前天报的那个事现在咋样了)."""
    from assistant.booking.conversation import service_from
    from assistant.tickets.intake import normalise

    text = normalise(text or "")
    if not text or text.startswith("/"):
        return False
    return bool(_BOOKING_CHANGE.search(text)) or service_from(text) is not None


_CLAUSE = re.compile(r"[，,。；;！!？?~～…\s]+")


def besides_the_question(text: str | None) -> str:
    """What a message says besides asking what was done: the clauses that do not ask
    it (有人来了吗，他不喘气了 -> 他不喘气了; 3号楼2单元，派人了吗 -> 3号楼2单元). A resident
    who is still in the emergency asks and tells in one breath; the question is answered
    from the ticket, the rest is a detail or the place. Empty when every clause asks."""
    clauses = [c for c in _CLAUSE.split(text or "") if c]
    return "，".join(c for c in clauses if not asks_what_was_done(c))


__all__ = ["asks_what_was_done", "besides_the_question", "changes_a_booking", "demands_someone"]


# 你给记对了没 / 记下来了吗 / 没记错吧 / 写对了吗: whether the report was taken down right.
_RECORDED = re.compile(
    r"(?:记|写|登记|录)(?:对|准|清楚|下来?|上|好|进去)(?:了)?(?:没有?|吗|么|不|没得|冇)"
    r"|(?:记|写|登记)错(?:了)?(?:没有?|吗|么)|没(?:有)?(?:记|写|登记)错吧|(?:记|写)对(?:了)?吧"
    # 工单上地址改过来了吧 / 位置改好了没: a correction asked after, the ticket as it now is.
    r"|(?:地址|位置|地点|工单|单子)\S{0,4}?(?:改|更正|更改)(?:过来|好|对|正|成)?了?(?:吧|没有?|吗|么|不|没得|冇)"
)


def asks_if_recorded(text: str | None) -> bool:
    """Does the resident ask whether their report was taken down right (是2单元啊 你给记对了没)?
    The answer is the ticket as recorded, read back."""
    return bool(_RECORDED.search(text or ""))
