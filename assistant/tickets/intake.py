"""Reading a complaint from what a resident says, for the complaint form: is this
message a description, where is it, did they leave a phone number or choose to
stay anonymous. Plain functions so the dialogue stays free of rules."""

from __future__ import annotations

import re
import unicodedata

from assistant.location import complete, location_span
from assistant.privacy import MOBILE_RE

# Openers that say "I have a complaint" without saying what it is.
_GENERIC = re.compile(
    r"(我|俺)?(想|要|要去|想要|来)?(投诉|反映|举报|报修|报告|提意见|提个意见|反馈)"
    r"(一下|一个|个|下)?(问题|事|事情|情况)?|有(个|一个|件)?(问题|事|事情)(要|想)?(反映|说)?|"
    r"你好|您好|请问|喂|麻烦|帮(我|忙)?|一下|那个|就是|我们|小区的?|社区的?|这边|[的了吧啊呀呢吗嘛]")
_CJK = re.compile(r"[\u4e00-\u9fff]")

# 匿名 and its homophone typos (匿明, 逆名, ni ming): residents type it in a hurry.
_ANONYMOUS = re.compile(r"匿名|匿明|逆名|溺名|ni ?ming|不留|不用留|不想留|不方便|不用了|不要了|算了|不需要|没有电话|不给")


def normalise(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def is_substantive(text: str | None) -> bool:
    """Does the message say what is wrong (not only "我要投诉")?"""
    rest = _GENERIC.sub("", normalise(text))
    return len(_CJK.findall(rest)) >= 3


def extract_location(text: str | None) -> str | None:
    """The first location in ``text`` as the resident said it ("203号楼", "五栋2单元",
    "小区东门"...), read by ``assistant.location`` (the one location parser)."""
    return location_span(text)


def place_said(text: str | None, entity: str | None = None) -> str | None:
    """Where a message says the problem is: the NLU ``location`` entity, completed from
    the message when the tokenizer cut it (jieba's dictionary splits 117号楼 into 1 +
    17号楼, so the entity says 17号楼: the resident said 117号楼), else the first location
    the parser finds in the message."""
    return complete(entity, text) or extract_location(text)


def location_from_metadata(metadata: dict | None) -> tuple[float, float] | None:
    """A shared location sent by a channel: ``{"lat", "long"}`` at the top level or
    under ``location`` (Telegram and browsers name the keys differently)."""
    if not isinstance(metadata, dict):
        return None
    for source in (metadata, metadata.get("location")):
        if not isinstance(source, dict):
            continue
        lat = next((source[k] for k in ("lat", "latitude") if k in source), None)
        lon = next((source[k] for k in ("long", "lon", "lng", "longitude") if k in source), None)
        try:
            lat, lon = float(lat), float(lon)
        except (TypeError, ValueError):
            continue
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            return lat, lon
    return None


def media_from_metadata(metadata: dict | None) -> str | None:
    if not isinstance(metadata, dict):
        return None
    url = metadata.get("photo_url") or metadata.get("media_url")
    return str(url)[:512] if isinstance(url, str) and url.startswith(("http://", "https://")) else None


ANONYMOUS = "匿名"

# "我的投诉" alone is a question about one's own tickets, not a new complaint.
_OWN_TICKETS = re.compile(r"^(帮我)?(查|看|查查|看看|查一下|看一下)?(我|俺)(的|之前的|上次的)?"
                          r"(投诉|工单|报修|反映|诉求)(记录|列表|单子|情况)?[吗呢啊？?。！!]*$")


def is_progress_query(text: str | None) -> bool:
    """Asking about tickets (an id, or 我的投诉) rather than reporting a problem."""
    from assistant.tickets.ids import find_ticket_id

    text = normalise(text)
    return bool(find_ticket_id(text) or _OWN_TICKETS.match(text))


def parse_contact(text: str | None) -> tuple[str, str | None] | None:
    """("phone", "13912345678"), ("anonymous", None), or None when the message is
    neither a phone number nor a wish to stay anonymous."""
    text = normalise(text)
    match = MOBILE_RE.search(text)
    if match:
        return "phone", "".join(match.group(1, 2, 3))
    if _ANONYMOUS.search(text) or text in ("不", "不用", "没有", "no"):
        return "anonymous", None
    return None
