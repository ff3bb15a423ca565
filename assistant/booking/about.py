"""Questions about a service itself (助浴有啥条件, 理发多少钱, 体检哪天有), answered
from the catalogue when the policy knowledge base has no entry for them.

The catalogue is where these facts live (who may book, days and hours, price), so the
answer cannot drift from what the booking form enforces.
"""

from __future__ import annotations

import re
import unicodedata

from assistant.booking.catalogue import Catalogue, load_catalogue
from assistant.booking.conversation import asks_eligibility_rule, service_from

# Price, days or hours asked of a service (多少钱, 收费吗, 哪天有, 几点开始), where it is done
# (是上门的吗, 要去哪), or what it is (助浴是干啥的, 体检要空腹吗: its description says so).
ASKS_FACTS_RE = re.compile(
    r"多少钱|收费|收钱|要钱|加钱|另收|额外收|价格|价钱|免费|几块|哪天|哪几天|星期几|周几|礼拜几|几点|啥时候|什么时候|时间|开饭|开门"
    r"|上门(?:吗|吧|不|伐|么|嘛|的吗|服务吗)|(?:在|去)(?:哪|哪儿|哪里|哪块|啥地方|什么地方)"
    r"|(?:是|就是)?(?:干啥|干哈|干嘛|干什么|做啥|做什么|弄啥|啥|什么|甚么|撒子|么子)(?:的|玩意儿?|东西|意思|服务)[吗呢啊呀？?]*$"
    r"|空腹|空肚|空着肚子|饿着肚子|不吃早饭|吃早饭|吃早餐|能吃东西|吃东西吗"
)


def answer_about_service(text: str | None, catalogue: Catalogue | None = None) -> tuple[str, str] | None:
    """``(service name, answer)`` when the message asks a service's rule, price, days or
    hours; None when it names no catalogue service or asks something else."""
    said = unicodedata.normalize("NFKC", text or "")
    if not said or said.startswith("/"):
        return None
    asks_rule = asks_eligibility_rule(said)
    if not asks_rule and not ASKS_FACTS_RE.search(said):
        return None
    catalogue = catalogue or load_catalogue()
    name = service_from(said, (), catalogue)
    if name is None:
        return None
    service = catalogue.services[name]
    parts = []
    if asks_rule and service.eligibility is None:
        parts.append(f"{name}没有年龄等条件，社区居民都可以约。")
    elif asks_rule and "面向" not in service.description:  # the description says it already
        parts.append(f"{name}面向{service.eligibility.describe()}。")
    parts.append(service.describe())
    return name, "".join(parts)


# 收不收钱 / 多少钱 / 要钱吗 / 免费吗 / 贵不贵: the price asked (in the middle of a booking).
ASKS_PRICE_RE = re.compile(
    r"多少钱|收费|收钱|收不收|要钱|要不要钱|加钱|另收|额外收|价格|价钱|免费|几块|贵不贵|贵吗|花钱|给钱|付钱|费用|啥价|什么价|几多钱|几钱"
)


def asks_price(text: str | None) -> bool:
    """The message asks what a service costs (上门修东西收不收钱啊, 理发多少钱)."""
    said = unicodedata.normalize("NFKC", text or "")
    return bool(said) and not said.startswith("/") and bool(ASKS_PRICE_RE.search(said))


_FILLER_RE = re.compile(r"[\s，,。.!！?？~～…、]|诶|哎|欸|对了|那个|请问|问一下|啊|呀|呢|吧|哈|嘛|这个|上门|服务")
# What may stand around the price words in a bare price question (要钱不 / 大概多少钱一次).
_PRICE_TAIL_RE = re.compile(r"吗|不|没|么|嘞|的|是|你们|咱们|这|要|得|大概|一般|一次|每次|一下|都|还|就|贵|钱")


def bare_price_question(text: str | None, catalogue: Catalogue | None = None) -> bool:
    """多少钱啊 / 收费吗 / 要钱不 / 上门修东西收不收钱: a price asked with nothing but fillers
    and a service's name, so it is about a service (高龄津贴一个月多少钱, 物业费多少钱,
    医保报多少钱 name something else)."""
    said = unicodedata.normalize("NFKC", text or "")
    if not asks_price(said):
        return False
    rest = _PRICE_TAIL_RE.sub("", ASKS_PRICE_RE.sub("", _FILLER_RE.sub("", said)))
    if not rest:
        return True
    catalogue = catalogue or load_catalogue()
    return catalogue.resolve_service(rest) is not None and service_from(rest, (), catalogue) is not None


def price_answer(service_name: str, catalogue: Catalogue | None = None) -> str | None:
    """上门维修免费（材料费另算）。 / 上门理发10元。 — the catalogue's own price text
    (``Service.price_text``), so it is the price every other answer says."""
    catalogue = catalogue or load_catalogue()
    service = catalogue.services.get(service_name)
    if service is None:
        return None
    if service.at_home:
        return f"上门{service.name}{service.price_text()}。"
    return f"{service.name}在社区服务中心，{service.price_text()}。"


# 是上门来洗吧 不用我们出去吧 / 要我们自己过去吗 / 在家里就能剪吗: where the service is done, asked
# in the middle of booking it (the 不用 there is no leaving).
ASKS_WHERE_RE = re.compile(
    r"上门(?:吗|吧|不|伐|么|嘛|的吗|的吧|服务吗|来|的)|(?:到|来|上)(?:我|俺)?家(?:里)?(?:来|吗|吧|伐)"
    # 要我们自己过去吗: we asked to go, as a question (我明天要出门 / 我要出去买菜 say where the
    # resident will be, and ask nothing).
    r"|(?:要|得|用|需要)(?:我们?|俺们?|咱们?|我家老头子?|我家老太太|老人)?(?:自己)?(?:出去|出门|过去|跑一趟)"
    r"(?:吗|吧|不|伐|么|嘛|[？?])"
    r"|不用(?:我们?|俺们?|咱们?)?(?:出去|出门|过去)|在家(?:里)?(?:就)?(?:能|可以|行)"
    r"|(?:在|去)(?:哪|哪儿|哪里|哪块|啥地方|什么地方)(?:弄|做|洗|剪|吃|看|办|约)?(?:吗|啊|呀|呢|？|\?)?$"
)


def asks_where(text: str | None) -> bool:
    """The message asks where the service is done (at home, or at the centre)."""
    said = unicodedata.normalize("NFKC", text or "")
    return bool(said) and not said.startswith("/") and bool(ASKS_WHERE_RE.search(said))


def where_answer(service_name: str, catalogue: Catalogue | None = None) -> str | None:
    """是的，助浴是上门服务… / 助餐在社区服务中心… — from the catalogue's location."""
    catalogue = catalogue or load_catalogue()
    service = catalogue.services.get(service_name)
    if service is None:
        return None
    if service.at_home:
        return f"是的，{service.name}是上门服务，{service.provider}的人到您家里来，不用出门。"
    return f"{service.name}不上门，在{service.location}，需要到那里去。"


# A service's schedule or place asked (几点, 星期几, 上门吗, 在哪): the catalogue answers; words
# of a policy (补贴, 申请, 报销…) make it a policy question for the knowledge base.
_SCHEDULE_OR_PLACE_RE = re.compile(
    r"哪天|哪几天|星期几|周几|礼拜几|几点|啥时候|什么时候|开饭|开门|上门(?:吗|吧|不|伐|么|嘛|的吗)"
    r"|(?:在|去)(?:哪|哪儿|哪里|哪块|啥地方|什么地方)"
)
_POLICY_WORDS_RE = re.compile(r"补贴|津贴|补助|申请|办理|政策|报销|医保|社保|证|卡|资格|条件|材料|手续")


def catalogue_first(text: str | None) -> bool:
    """A catalogue service's days, hours or place asked, in no policy's words: answered from
    the catalogue before the knowledge base (``answer_about_service`` has its answer)."""
    said = unicodedata.normalize("NFKC", text or "")
    if not _SCHEDULE_OR_PLACE_RE.search(said) or _POLICY_WORDS_RE.search(said):
        return False
    return answer_about_service(said) is not None


# 你们有陪着去医院的没有 / 有没有上门理发的 / 这边有帮老人洗澡的吗: whether a service is offered at
# all, asked in its name or in everyday words (the classifier may hear a question about the
# resident's own bookings in it).
_IS_THERE_RE = re.compile(
    r"有没有|有木有|有冇|有无|(?<![还没只就])有(?!人要)[^，,。！!？?]{1,16}?(?:吗|没有|没|不|么|嘛|伐|冇)[？?。!！]*$"
)
# About the resident's own bookings or a record (我约的理发还有没有 / 有没有我的预约), not a service.
_OWN_RE = re.compile(r"我(?:的|约的?|订的?)|约了|订了|约过|订过|预约号|取消|改到|改成|空|名额|号吗|时间|还有")
# 有人来修了不 / 有人来管没 right after a report: whether someone came or will come, the report's
# progress (a thing done, 了, or someone coming), not whether a service exists.
_PROGRESS_RE = re.compile(r"了(?:不|没|吗|么|嘛|伐|没有)|有(?:没有)?人(?:来|去|过来|上门|管|修|处理|弄|看)")


def asks_if_offered(text: str | None, catalogue: Catalogue | None = None) -> tuple[str, str] | None:
    """``(service name, answer)`` when the message asks whether the community offers a service
    (in its name, an alias or everyday words: 陪着去医院 is 陪诊): yes, what it is, and that it
    can be booked; None for anything else (its own bookings, a report, no service named)."""
    from assistant.booking.conversation import names_public_place, service_asked_for
    from assistant.tickets.intake import reads_as_complaint

    said = unicodedata.normalize("NFKC", text or "").strip()
    if not said or said.startswith("/") or not _IS_THERE_RE.search(said) or _OWN_RE.search(said):
        return None
    if _PROGRESS_RE.search(said):
        return None
    catalogue = catalogue or load_catalogue()
    name = service_asked_for(said, (), catalogue) or _named_in(said, catalogue)
    if name is None or reads_as_complaint(said) or (name == "维修" and names_public_place(said)):
        return None
    return name, f"有的。{catalogue.services[name].describe()}要帮您约{name}吗？"


def _named_in(said: str, catalogue: Catalogue) -> str | None:
    """The one service whose name or alias the words contain (你们有陪诊吗), or None."""
    found = {service.name for service in catalogue.services.values()
             if any(word and word in said for word in (service.name, *service.aliases))}
    return found.pop() if len(found) == 1 else None
