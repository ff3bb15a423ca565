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
ASKS_FACTS_RE = re.compile(r"多少钱|收费|收钱|要钱|价格|价钱|免费|几块|哪天|哪几天|星期几|周几|几点|啥时候|什么时候|时间")


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
