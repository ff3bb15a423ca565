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

# Price, days or hours asked of a service (多少钱, 收费吗, 哪天有, 几点开始).
ASKS_FACTS_RE = re.compile(
    r"多少钱|收费|收钱|要钱|价格|价钱|免费|几块|哪天|哪几天|星期几|周几|礼拜几|几点|啥时候|什么时候|时间"
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
    r"多少钱|收费|收钱|收不收|要钱|要不要钱|价格|价钱|免费|几块|贵不贵|贵吗|花钱|给钱|付钱|费用|啥价|什么价|几多钱|几钱"
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
