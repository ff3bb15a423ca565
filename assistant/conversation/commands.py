"""Rasa reads a message that starts with "/" as an intent (``/emergency``), not as
words. Only the butler's own buttons may speak that way: a payload of the buttons
it last showed the resident, or of a static menu in the domain files.

Anything else a resident types with a slash is never intent syntax: words after the
slash (/我要投诉) go to the dialogue without it; a bare intent name (/emergency,
/book_service{...}) gets a short answer from the gateway, because the classifier
reads the plain word "emergency" as the emergency intent just as surely."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import re
import unicodedata

import structlog
import yaml

from assistant.settings import PROJECT_ROOT

log = structlog.get_logger(__name__)

SLASHES = "/／"
INTENT_SYNTAX_RE = re.compile(r"^[/／]+\s*[A-Za-z_][A-Za-z0-9_.\-]*\s*(?:[{\[].*)?$", re.DOTALL)
NOT_A_COMMAND_TEXT = ("这样的指令我这里用不了。请直接用一句话说您要办的事，比如“预约理发”“路灯坏了”。"
                      "有紧急情况请直接说发生了什么，或者拨打 110、119、120。")


# A message the conversation layer sends as the intent it knows it to be (a correction at
# the booking read-back, whatever the classifier would hear in it, goes as /inform): its
# words travel in the message metadata under this key, for the action to read. Only the
# layer sets it: a client's own is dropped (``converse``).
WORDS_KEY = "butler_words"


def words_of(message: dict | None) -> str:
    """The words of a message as the resident said them: its text, or, for a payload the
    conversation layer sent in their place, the words it kept (``WORDS_KEY``)."""
    message = message or {}
    text = message.get("text") or ""
    words = (message.get("metadata") or {}).get(WORDS_KEY)
    return words if text.startswith("/") and isinstance(words, str) and words.strip() else text


def looks_like_command(text: str) -> bool:
    return text.lstrip().startswith(tuple(SLASHES))


def _payloads(node) -> set[str]:  # noqa: ANN001
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "buttons" and isinstance(value, list):
                found.update(str(b["payload"]).strip() for b in value if isinstance(b, dict) and b.get("payload"))
            else:
                found |= _payloads(value)
    elif isinstance(node, list):
        for item in node:
            found |= _payloads(item)
    return found


@lru_cache
def static_payloads(domain_dir: Path = PROJECT_ROOT / "domain") -> frozenset[str]:
    """Every button payload of the responses in the domain files."""
    found: set[str] = set()
    for path in sorted(Path(domain_dir).glob("*.yml")):
        try:
            found |= _payloads(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
        except (OSError, yaml.YAMLError) as exc:
            log.warning("domain_unreadable", path=str(path), error=str(exc)[:200])
    return frozenset(found)


def is_allowed(text: str, shown_payloads: list[str] | set[str], domain_dir: Path | None = None) -> bool:
    t = text.strip()
    return t in set(shown_payloads) or t in (static_payloads(domain_dir) if domain_dir else static_payloads())


def is_intent_syntax(text: str) -> bool:
    """/emergency, /book_service{"service_type": "理发"}: an intent name, not words."""
    return bool(INTENT_SYNTAX_RE.match(text.strip()))


def neutralise(text: str) -> str:
    """The words after a slash, without it (/我要投诉 -> 我要投诉): Rasa reads them as text."""
    plain = text.strip().lstrip(SLASHES + " ").strip()
    return plain or "？"


# What residents ask of the butler that it cannot do, said honestly (issue #11: a
# promise depends on a fact the code checks). Read on the paths where the classifier
# could not place the message (misunderstanding, out of scope), so a booking or a
# report that mentions 提醒 or 电话 keeps its own way.

# Someone asking the butler itself: 帮我 / 替我 / 你 / 麻烦您 / 请 (你们 too).
_ASKS_BUTLER = r"(?:(?:帮|替)(?:忙|我|俺|咱)?|你们?|您|麻烦(?:你|您)?|请(?:你|您)?)"
# Someone of the resident's own life who may remind or tell them (我女儿天天提醒我量血压).
_THIRD_PERSON_SUBJECT_RE = re.compile(
    r"(?:他|她|女儿|闺女|儿子|老伴|老头|老婆子|媳妇|孙子|孙女|家里人|家人|保姆|医生|护士|邻居"
    r"|物业|社区|居委会|街道|网格员|楼长)"
    r"[\u4e00-\u9fff]{0,4}$"
)

# 明早8点提醒我吃降压药 / 到点了喊我一声 / 帮我记着: a reminder at a time of the resident's own.
# The words alone are not enough (叫我去哪儿办, 我女儿天天提醒我量血压): the butler is asked
# (帮我 / 你 right before) or a time to come is named (到时候, 明早, 8点, 到点).
_REMIND_VERB_RE = re.compile(
    r"提醒(?:我|俺|咱|一下(?!大家|楼上|楼下|邻居|他|她|物业|那家))|(?:叫|喊|催)(?:我|俺)(?:一声|一下)?(?:起床|起来|吃|喝|量|去)"
    r"|(?:叫|喊)(?:我|俺)(?:一声|一下)|(?:定|设)(?:个|一个)闹钟"
    # 给我提个醒 / 提前提一下醒: the same asked in other words (a 提个醒 nobody is asked for
    # is left alone below: a third person before it, or no time and no one asked).
    r"|(?:给(?:我|俺|咱))?提(?:个|一个|一下|下)醒儿?"
)
# 天天 / 每天 / 按时: how often, said of the reminder asked for (你天天提醒我吃药 / 每天提醒我量血压).
_MODALS = r"(?:能|可以|能不能|可不可以|记得|到时候?|到点|再|就|天天|每天|每日|每晚|每早|每周|按时|准时)"
_REMIND_ASKED_RE = re.compile(r"(?:" + _ASKS_BUTLER + _MODALS + r"*|^" + _MODALS + r"+)$")
PAST_RE = re.compile(r"上次|上回|以前|之前|昨天|前天|已经|刚才|早就")
_KEEP_IN_MIND_RE = re.compile(r"(?:帮|替|给)(?:我|俺)记(?:着|住|一下)")
_FUTURE_TIME_RE = re.compile(
    r"到时候?|到点|明早|明天|明晚|明儿|后天|今晚|今天晚上|今天下午|待会儿?|一会儿?|过会儿?|回头"
    r"|\d{1,2}\s*(?:点|[:：]\d{2})|[一二三四五六七八九十两]{1,3}点|\d+\s*分钟(?:后|以后|之后)"
    r"|早上|上午|中午|下午|晚上|夜里|睡前|饭前|饭后"
)
REMINDER_TEXT = (
    "抱歉，我没法到点提醒您，这个聊天也不能主动给您发消息。可以在手机上定个闹钟，或者请家人到时候提醒您。"
    "预约社区服务、反映问题、查政策，我都能帮您办。"
)

# 你帮我通知下居委会李主任 / 那你给她打个电话说一声呗: a message carried to someone.
# Never the resident's own words to the butler (我跟你说一声) or a wish to be told
# (查完了跟我说一声: tickets' asks_to_be_told), never a statement (给物业打电话也没人管).
_SOMEONE = r"(?![我俺咱你您])"
# 给我闺女打个电话 / 通知我儿子: someone of the resident's own family, named after 我.
_KIN = (r"(?:我|俺|咱)(?:的|家)?(?:闺女|女儿|儿子|老伴儿?|老头子?|老婆子?|媳妇儿?|爱人|孙子|孙女|外孙女?|女婿|儿媳妇?|家里人|家人"
        r"|大儿子|小儿子|大女儿|小女儿|大闺女|小闺女|姑娘|丫头|妹妹|姐姐|弟弟|哥哥|侄子|侄女|保姆|邻居)")
_TITLED = r"[\u4e00-\u9fff]{1,6}?(?:主任|书记|师傅|经理|大姐|大哥|阿姨|叔|姐|老师)"
_TARGET = (r"(?:她们|他们|她|他|主任|书记|物业|居委会|社区|网格员|街道|" + _TITLED + ")")
RELAY_RE = re.compile(
    # a call asked of the butler: 帮我给居委会李主任打个电话 / 你打个电话给物业
    _ASKS_BUTLER + r"(?:去|再|就)?给(?:" + _SOMEONE + r"|(?=" + _KIN + r"))[^，,。.！!？?；;\s]{1,10}?打(?:个|一个|一通|通)?电话"
    r"|" + _ASKS_BUTLER + r"(?:去|再|就)?打(?:个|一个|一通|通)?电话给(?:" + _SOMEONE + r"|(?=" + _KIN + r"))"
    # a message passed on: 通知下居委会李主任 / 你告诉她一声 / 通知我儿子
    + r"|(?:" + _ASKS_BUTLER + r"(?:去|再|就)?)?(?:通知|转告)(?:一?下)?(?:" + _TARGET + "|" + _KIN + ")"
    + r"|" + _ASKS_BUTLER + r"(?:去|再|就)?(?:告诉|叫|喊)(?:一?下)?(?:" + _TARGET + "|" + _KIN + ")"
    # words to someone else: 跟物业说一声 / 给她带个话 (not 跟我 / 跟你)
    + r"|(?:跟|给|和|同|对)" + _SOMEONE + r"[\u4e00-\u9fff]{1,6}?(?:说一声|说一下|说声|讲一声|讲一下|讲声|打个招呼|打声招呼|带个话|捎个话|传个话|带句话|捎句话)"
    + r"|" + _ASKS_BUTLER + r"(?:带|捎|传)(?:个|句)话"
)
# 我跟她说一声就行 / 我给物业带个话: the resident will do it, nothing is asked.
_SELF_SUBJECT_RE = re.compile(r"(?<![帮替给叫让])[我俺咱](?:们)?(?:就|先|再|去|回头|自己|还是)?$")


def asks_reminder(text: str) -> bool:
    """明早8点提醒我吃降压药 / 到点了喊我一声 / 你提醒我一下: a reminder the butler cannot send.
    Not 叫我去哪儿办 (no time, nobody asked) nor 我女儿天天提醒我量血压 (someone else does)."""
    text = text or ""
    if text.startswith("/"):
        return False
    if _KEEP_IN_MIND_RE.search(text):
        return True
    for match in _REMIND_VERB_RE.finditer(text):
        before = re.split(r"[，,。.！!？?；;\s]", text[: match.start()])[-1]
        if PAST_RE.search(before):
            continue  # 上次你们提醒我交物业费了: told, not asked
        if _REMIND_ASKED_RE.search(before) or (not before and match.group().startswith("提醒")):
            return True  # 你提醒我一下 / 能不能提醒我吃药 / 提醒我一下 (said to the butler)
        if _THIRD_PERSON_SUBJECT_RE.search(before):
            continue
        if _FUTURE_TIME_RE.search(text):
            return True
    return False


# 给我发个短信确认一下 / 短信通知我 / 你们发条短信给我: a text message asked of the butler, which
# has no SMS. Not a message someone else sent (有人给我发短信说社保卡要冻结, 银行发短信来了):
# a third party or a past send before it, or 说 after it (what the message said), is a story.
_TEXT_MESSAGE_RE = re.compile(
    r"(?:发|来)(?:个|条|一条|一个)?(?:短信|短消息|确认短信|确认信息)(?:给我|给俺|到我手机)?"
    r"|(?:发|来)(?:个|条|一条)?信息确认|短信(?:确认|通知|告诉|提醒|发给我|发我)"
)
_TEXT_SENT_BY_OTHERS_RE = re.compile(
    r"有人|别人|人家|他们?|她们?|谁|对方|银行|陌生|骗子|号码|收到|上次|昨天|刚才|之前|经常|老是|总是|天天"
)
_TEXT_TOLD_RE = re.compile(r"^\s*(?:了|过|来了|过来)|^[^，,。.！!？?；;]{0,4}说")


def asks_text_message(text: str) -> bool:
    """给我发个短信确认一下 / 约好了你短信通知我一下: an SMS asked of the butler. Not 有人给我发短信说
    社保卡要冻结，是真的吗 (someone else's message) nor 给我发了短信 (already sent)."""
    text = text or ""
    if text.startswith("/"):
        return False
    for match in _TEXT_MESSAGE_RE.finditer(text):
        before = re.split(r"[，,。.！!？?；;\s]", text[: match.start()])[-1]
        if _TEXT_SENT_BY_OTHERS_RE.search(before) or _TEXT_TOLD_RE.search(text[match.end() :]):
            continue
        return True
    return False


def cannot_text_said(can_push: bool) -> str:
    """No SMS, said plainly; whether this chat can bring word later is the channel's fact
    (``assistant.channels.can_receive_reminders``): Telegram and WeChat get the booking
    reminders and ticket updates, the web page and the speaker do not."""
    if can_push:
        return "我这里发不了短信。预约的提醒和工单的进展会发到这个聊天里。"
    return "我这里发不了短信，这个聊天也不能主动给您发消息。"


def reminder_said(can_push: bool) -> str:
    """明早8点提醒我吃药: the butler has no reminders of its own; on a push channel the chat
    does bring the booking reminders, so it is not said that it never speaks first."""
    if not can_push:
        return REMINDER_TEXT
    return (
        "抱歉，我没法到点提醒您吃药、办事。预约的提醒会发到这个聊天里，别的事可以在手机上定个闹钟，"
        "或者请家人到时候提醒您。预约社区服务、反映问题、查政策，我都能帮您办。"
    )


def asks_relay(text: str) -> bool:
    """给她打个电话说一声 / 通知下居委会李主任: a call or a message the butler cannot make."""
    text = text or ""
    if text.startswith("/"):
        return False
    for match in RELAY_RE.finditer(text):
        before = re.split(r"[，,。.！!？?；;\s]", text[: match.start()])[-1]
        if not _SELF_SUBJECT_RE.search(before):
            return True
    return False


def relay_text(service_phone: str, service_hours: str, handed_over: bool) -> str:
    """What the butler says to 给她打个电话说一声: it cannot call anyone; what it did do."""
    done = "您找工作人员的事已经登记了，工作人员看到会处理。" if handed_over else "可以帮您转人工，让工作人员处理。"
    return (f"抱歉，我没法替您打电话或者传话。{done}"
            f"着急的话请直接打社区电话 {service_phone}（{service_hours}）。")


# --- the weather ----------------------------------------------------------------------

# The weather asked (明天会不会下雨, 今天多少度, 外面冷不冷): the butler is offline and has no forecast.
_WEATHER_RE = re.compile(
    r"天气|下雨|下雪|下不下|会不会下|晴天|阴天|刮风|雾霾|空气质量|台风"
    # 几度 / 冷不冷 said of a day or outdoors (温度调到多少合适 is the air conditioner's).
    r"|(?:今天|明天|后天|外面|这几天|最近|周末|今儿|明儿)[^，,。！!？?]{0,6}(?:气温|温度|几度|多少度|冷不冷|热不热|降温|升温|大风)"
)
_ASKED_RE = re.compile(r"[吗么嘛？?]|会不会|下不下|怎么样|咋样|多少|几度|冷不冷|热不热|好不好|有没有|[\u4e00-\u9fff]不[\u4e00-\u9fff]")
WEATHER_TEXT = "我这里联不了网，查不到天气预报，天气怎么样我不知道，也不好乱猜。可以看看手机上的天气预报，或者听听电视、广播里的天气。"


def asks_weather(text: str | None) -> bool:
    """Does the message ask about the weather (明天会不会下雨啊 我想晒被子)? Not a report made
    in weather words (下雨天楼道漏水) nor a service asked about (下雨天助餐送不送): the caller
    checks those."""
    said = (text or "").strip()
    return bool(said) and not said.startswith("/") and bool(_WEATHER_RE.search(said)) and bool(_ASKED_RE.search(said))


# --- a hospital's registration ----------------------------------------------------------

# 帮我挂个市一院的专家号 / 给我约个医院的号: a hospital's own booking, not the community's.
_HOSPITAL_NUMBER_RE = re.compile(r"挂(?:个|一个|了|上)?[^，,。！!？?\s]{0,8}号(?!楼|码)|(?:医院|门诊)[^，,。！!？?\s]{0,8}(?:的)?(?:号|专家号)(?!楼|码)|预约挂号|专家号")
# Asked of the butler (帮我挂, 给我约, 能不能), not told (我挂了个号明天去).
_ASKS_US_TO_RE = re.compile(r"帮|给我|替我|能不能|能否|可不可以|麻烦|你们?(?:能|可以)")
HOSPITAL_TEXT = ("医院的挂号我这里办不了，要在医院的App、公众号或者挂号电话上约。"
                 "社区能做的是陪诊：派人陪您去医院看病，要约的话跟我说“约陪诊”。")


def asks_hospital_number(text: str | None) -> bool:
    """Does the message ask the butler to book a hospital appointment (挂号, 专家号)?"""
    said = (text or "").strip()
    return (
        bool(said)
        and not said.startswith("/")
        and bool(_HOSPITAL_NUMBER_RE.search(said))
        and bool(_ASKS_US_TO_RE.search(said))
        and "费" not in said
    )


# --- pushed back after a can't ------------------------------------------------------------

# 你们系统里看不到吗 / 那你就大概估摸一下嘛 / 真的查不到啊: the resident presses after the butler
# said it cannot: asked again, never a new request.
_PUSHES_BACK_RE = re.compile(
    r"估摸|大概|猜一?下|猜猜|随便说|说个大概|真的(?:查|看|不|没)|确定(?:查|看|不|没)|系统里|电脑里|后台"
    r"|(?:看|查)不到(?:吗|啊|呀|么|嘛)|不能(?:查|看)(?:吗|啊|么|嘛)|没法(?:查|看)(?:吗|啊|么)|你就说"
    # 那咋交啊 我不会弄手机, right after a can't: how to do it without the butler.
    r"|不会(?:弄|用|搞|玩)手机|^(?:那|那要|那我|那我该)?(?:去|上|到)?(?:咋|怎么|如何|哪里|哪儿|哪)(?:交|缴|弄|办|叫)"
)
# What each can't answer said (its opening words), and what is said again.
_SAID_AGAIN = (
    ("我这里联不了网", "这个我确实不知道：我这里没有天气预报，猜也没有根据，不好乱说。看看手机上的天气预报最稳妥。"),
    ("我这里看不到个人的", "确实看不到：我这里只有社区的服务和工单，没有社保、医保、银行的数据，没法替您查。"
                        "刚才说的热线和App能查到。"),
    ("医院的挂号我这里办不了", "确实办不了：医院的号只能在医院自己的渠道挂。陪您去医院的陪诊，我这里能约。"),
    ("抱歉，交", "不会弄手机也能交：带上缴费单或者户号，去附近的银行或营业厅，窗口就能交；也可以请家人在手机上帮您交。"
               "还是不方便的话，说“转人工”，我请社区工作人员帮您想办法。"),
    ("抱歉，叫车", "不会用手机叫车的话，可以到路边招手拦出租车，或者请家人、邻居帮忙叫。去医院要人陪，跟我说“约陪诊”。"),
)


def pushed_back_said(text: str | None, last_said: str | None) -> str | None:
    """The can't said again, when the resident presses right after it (你们系统里看不到吗,
    大概估摸一下嘛); None when the last reply was no such can't or the message asks anything
    else (a service, a report)."""
    from assistant.booking.conversation import service_from
    from assistant.conversation.split import worded_intent

    said, last = (text or "").strip(), last_said or ""
    if not said or said.startswith("/") or len(said) > 24 or not _PUSHES_BACK_RE.search(said):
        return None
    if worded_intent(said) or service_from(said):
        return None  # 那帮我约个陪诊吧 大概后天上午: a request of its own
    return next((again for opening, again in _SAID_AGAIN if last.startswith(opening)), None)


# --- someone else's number -----------------------------------------------------------

# A number asked for (…的电话是多少 / 帮我查下…的电话 / 把他手机号给我).
_NUMBER_ASKED_RE = re.compile(
    r"(?:电话|号码|手机号?|联系方式|微信号?)[^，,。！!？?]{0,4}?(?:多少|几号|给我|发我|告诉我|给一下|说一下|知道不|知道吗|晓得不|晓得吗|有吗|有没有)"
    r"|(?:查|找|要|问|给我|告诉我|发我)[^，,。！!？?]{0,14}?(?:电话|号码|手机号?|联系方式|微信)"
)
# Of a household (那户人家, 楼上, 502那户, 他家): private, never given out.
_PRIVATE_PARTY_RE = re.compile(
    r"那户|这户|哪户|那家人|人家的|邻居|楼上|楼下|对门|他家|她家|他们家|住户|业主|房东|租户"
    r"|\d+(?:室|号)?(?:的|那)|隔壁(?:家|邻居|那家|的人|住的)"
)
# Of another estate or an outside body (隔壁那个小区的物业, 别的小区): not the butler's to know.
_OTHER_PLACE_RE = re.compile(r"(?:隔壁|旁边|对面|别的|其他|外面|附近)的?(?:那个|那|这个)?(?:小区|楼盘|院子|大院|单位|公司|物业)")
_MINE_RE = re.compile(r"^(?:我的?|俺的?)(?:电话|号码|手机)")
_NUMBER_WORD_RE = re.compile(r"电话|号码|手机号?|联系方式|微信号?")
# The community's own (物业的电话 / 你们居委会电话 / 社区服务中心): the butler's to give.
_OURS_RE = re.compile(r"物业|社区|居委会?|你们|管家|客服|服务中心|服务站|管理处|物管|办事处|街道|村委")
# The asking around the owner (帮我查查 / 麻烦你把 / 请问), and an owner said only as 他 / 她 /
# 对方 / 人家: the household is then the one the message tells of.
_ASKING_RE = re.compile(
    r"^(?:请问|麻烦你?|你(?!们)|您|能不能|能|可以|可不可以|帮我|给我|帮忙|把|查查|查一下|查下|查|找找|找一下|找|要一下|要|"
    r"问一下|问问|问|告诉我|发我|一下)*"
)
# The community addressed, then asked (你们帮我查… / 物业能告诉我…): the one asked, not the
# number's owner, which comes after the asking.
_ADDRESSEE_RE = re.compile(
    r"^(?:" + _OURS_RE.pattern + r")(?:的人|那边|这边)?(?=请|麻烦|能|可以|可不可以|帮|给我|把|查|找|要|问|告诉|发我)"
)
_PRONOUN_OWNER_RE = re.compile(r"^(?:他们?|她们?|它|对方|人家|那人|这人|那个人|这个人|那家|这家)?(?:家)?的?$")


def _number_owners(said: str) -> list[str]:
    """Whose number each number word names: the words before it in its clause, the asking
    taken off, and so is the community addressed before it (物业的电话是多少 → 物业的;
    帮我查下502那户人家的电话 → 502那户人家的; 你们帮我查一下楼上那家的电话 → 楼上那家的)."""
    owners = []
    for word in _NUMBER_WORD_RE.finditer(said):
        clause = re.split(r"[，,。！!？?；;\s]", said[: word.start()])[-1]
        owners.append(_ASKING_RE.sub("", _ADDRESSEE_RE.sub("", clause)))
    return owners


def someones_number_said(text: str, *, problem: bool) -> str | None:
    """The honest answer when the resident asks for a household's number (private: never
    given) or another estate's (not known: where to ask), or None when no such number is
    asked for. ``problem``: the message also reports a problem, which the butler can take.
    The owner is read before the number word (物业的电话是多少 我家楼上漏水: the community's
    own, whatever household the problem names); only an owner said as 他 / 对方, or not at
    all, is the household the message tells of."""
    said = (text or "").strip()
    if not said or said.startswith("/") or _MINE_RE.match(said) or not _NUMBER_ASKED_RE.search(said):
        return None
    owners = _number_owners(said)
    if owners and not any(_PRONOUN_OWNER_RE.match(owner) for owner in owners):
        theirs = [owner for owner in owners if _OTHER_PLACE_RE.search(owner) or not _OURS_RE.search(owner)]
        if not theirs:
            return None  # the community's own number: the usual answer
        said = " ".join(theirs)  # the households and places named as the owners, nothing else
    if _OTHER_PLACE_RE.search(said):
        answer = ("别的小区或单位的电话，我这里没有，也不能随便编一个给您。"
                  "可以打 12345 市民热线问，或者请咱们社区居委会帮忙联系。")
        if problem:
            answer += "他们那边影响到咱们小区的事，也可以跟我说清楚在哪、什么情况，我登记下来交给社区去协调。"
        return answer
    if _PRIVATE_PARTY_RE.search(said):
        answer = "住户的电话属于个人隐私，我这里不能查，也不能告诉别人。"
        if problem:
            answer += "您说的问题可以登记成工单，由物业或社区去联系对方处理：说一下您家在哪、什么情况就行。"
        return answer
    return None


# The hand-off asks for a number when staff have none to call (转人工 让他们给我打个电话).
HANDOFF_PHONE_ASK = "留个手机号，工作人员好打给您"


def handoff_phone_question(first_line: str, service_phone: str, service_hours: str) -> str:
    return (f"{first_line}已经帮您登记了。{HANDOFF_PHONE_ASK}；不想留的话，也可以直接打社区电话 "
            f"{service_phone}（{service_hours}）。")


def asked_handoff_phone(last_texts: list[str]) -> bool:
    """The butler's last reply asked for the hand-off's phone."""
    return bool(last_texts) and HANDOFF_PHONE_ASK in last_texts[-1]


# --- noise -------------------------------------------------------------------------
#
# hjkl qwer / asdf!!: letters with no word in them. The intent classifier, which has seen
# few Latin letters, may call such noise anything, even a yes at a read-back (affirm 0.95
# in one training): no classifier decides it. A message with a Chinese character or a
# digit is words or a value; so is one with a Latin word: pinyin typed without the IME
# (xie xie, zhuanrengong, mei you: every token a run of Mandarin syllables), or a word
# of the classifier's own Latin training lines (human please, five stars, cancel my
# booking), which it was taught to read.
_CJK_OR_DIGIT_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3100-\u312f0-9０-９]")
_LATIN_WORD_RE = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]+")
# Chat words seldom in the training lines.
KNOWN_LATIN_WORDS = frozenset(
    {"ok", "okay", "okk", "yes", "yeah", "yep", "no", "nope", "hi", "hello", "help", "bye", "thanks",
     "thank", "thx", "sos", "wifi", "app", "gd", "yy"}
)
NOISE_MESSAGE = "/nlu_fallback"
# [理发](service_type) / [明天]{"entity": "time"}: the annotation is no word of the example.
_ANNOTATION_RE = re.compile(r"\]\([^)]*\)|\]\{[^}]*\}")
_VOWEL_RE = re.compile(r"[aeiouv]")


@lru_cache
def latin_vocabulary(nlu_dir: Path = PROJECT_ROOT / "nlu_data" / "nlu") -> frozenset[str]:
    """Every Latin word (two letters or more, lower case) of the intent examples the
    classifier is trained on: what it was taught to read in Latin letters."""
    words: set[str] = set()
    for path in sorted(Path(nlu_dir).glob("*.yml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            log.warning("nlu_data_unreadable", path=str(path), error=str(exc)[:200])
            continue
        for entry in data.get("nlu") or [] if isinstance(data, dict) else []:
            if isinstance(entry, dict) and entry.get("intent"):
                examples = _ANNOTATION_RE.sub("", str(entry.get("examples") or ""))
                words.update(w.lower() for w in _LATIN_WORD_RE.findall(examples) if len(w) >= 2)
    return frozenset(words)


PINYIN_SYLLABLES = Path(__file__).with_name("pinyin_syllables.txt")


@lru_cache
def pinyin_syllables() -> frozenset[str]:
    """Every Mandarin syllable without its tone (zhuang, lv, a), shipped as data (built from
    pypinyin's dictionary, which takes two seconds to import: never on a resident's message)."""
    lines = PINYIN_SYLLABLES.read_text(encoding="utf-8").splitlines()
    return frozenset(word for line in lines if not line.startswith("#") for word in line.split())


def is_pinyin(word: str) -> bool:
    """The word is a run of Mandarin syllables (xiexie, zhuanrengong, haode); hjkl, qwer,
    zxcv are not. Syllables without a vowel (ng, hm) only as the whole word."""
    syllables = pinyin_syllables()
    word = word.lower()
    if word in syllables:
        return True
    reach = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        reach[end] = any(
            reach[start] and word[start:end] in syllables and _VOWEL_RE.search(word[start:end])
            for start in range(max(0, end - 6), end)
        )
    return reach[-1]


# aaaa / ha ha / a / oh: sounds, not words, though each is a syllable.
_INTERJECTION_RE = re.compile(r"^(?:a|o|e|ha|he|hei|hai|ai|ei|ou|ao|ya|yo|wa|la|ah|oh|hm)+$")


def is_known_latin_word(word: str) -> bool:
    word = unicodedata.normalize("NFKC", word).lower()
    if word in KNOWN_LATIN_WORDS or word in latin_vocabulary():
        return True
    return is_pinyin(word) and not _INTERJECTION_RE.match(word)


def is_noise(text: str | None) -> bool:
    """The message is Latin letters with no word in them, no Chinese and no digit
    (hjkl qwer, zxcv bnmm): it answers nothing."""
    said = (text or "").strip()
    if not said or said.startswith(tuple(SLASHES)) or _CJK_OR_DIGIT_RE.search(said):
        return False
    words = _LATIN_WORD_RE.findall(said)
    if not words:
        return False  # punctuation or emoji alone: left to the dialogue as before
    return not any(is_known_latin_word(w) for w in words)
