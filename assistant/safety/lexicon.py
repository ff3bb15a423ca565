"""The safety net's cues and suppressors, read from ``data/cues.yml`` and
``data/suppressors.yml`` and compiled once (see those files for the meaning of
every field)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(text: str):
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader, C or Python

DATA = Path(__file__).parent / "data"

# Most urgent first. Gas before fire: with a gas smell the first rule is "touch no
# switch", and a fire cue often comes with it (冒烟, 爆炸). Water reaching electricity
# before fire: when water and sparks come together, cutting the power comes first.
# Kinds that threaten several people or spread (gas, electricity, fire, poison) come
# before one person's medical emergency; "general" only when no other kind is known.
KIND_ORDER = ("gas", "electric_water", "fire", "poisoning", "violence", "self_harm", "medical",
              "trapped", "missing", "silent_elder", "general")
# Advice topics in the order their advice is given: a kind's own topic, with the
# more specific topics of that kind just before it.
TOPIC_ORDER = ("gas", "electric_water", "flood", "fire", "co", "poisoning", "violence", "self_harm", "medical",
               "lift", "collapse", "trapped", "missing", "silent_elder", "general")


@dataclass(frozen=True)
class Cue:
    kind: str
    pattern: re.Pattern[str]
    needs: tuple[re.Pattern[str], ...] = ()
    unless: re.Pattern[str] | None = None
    # review 22: what explains the cue away only when said before it (上次有车撞到人, 万一电梯门开着): the same words
    # said after it are a remark on the place's history or the danger, not the event's time or condition
    unless_before: re.Pattern[str] | None = None
    window: int = 12
    alone: bool = False
    present: bool = False
    advice: str | None = None

    @property
    def topic(self) -> str:
        return self.advice or self.kind


@dataclass(frozen=True)
class Suppressors:
    ordinary: re.Pattern[str]
    ordinary_always: re.Pattern[str]
    negation: re.Pattern[str]
    near_miss: re.Pattern[str]
    minor: re.Pattern[str]
    minor_kinds: frozenset[str]
    minor_after: re.Pattern[str]
    hypothetical_before: re.Pattern[str]
    hypothetical_before_near: re.Pattern[str]
    hypothetical_once: re.Pattern[str]
    hypothetical_counterfactual: re.Pattern[str]
    hypothetical_after: re.Pattern[str]
    hypothetical_after_window: int
    hypothetical_after_unless_actual: re.Pattern[str]
    hypothetical_anchor: re.Pattern[str]
    hypothetical_perceived: re.Pattern[str]
    hypothetical_anywhere: re.Pattern[str]
    hypothetical_anywhere_soft: re.Pattern[str]
    past_time: re.Pattern[str]
    past_present: re.Pattern[str]
    past_ongoing: re.Pattern[str]
    past_over: re.Pattern[str]
    past_aspect: re.Pattern[str]
    past_aftermath: re.Pattern[str]
    habitual: re.Pattern[str]
    accounted: re.Pattern[str]
    accounted_kinds: frozenset[str]
    habitual_exempt: frozenset[str]
    hazard_kinds: frozenset[str]
    hazard_markers: re.Pattern[str]
    hazard_what_if: re.Pattern[str]
    urgent: re.Pattern[str]
    everyday: re.Pattern[str] | None = None
    not_now: re.Pattern[str] | None = None
    hypothetical_laughter: re.Pattern[str] | None = None
    laughter_exempt: frozenset[str] = frozenset()
    counterfactual_exempt: frozenset[str] = frozenset()
    habitual_after: re.Pattern[str] | None = None
    habitual_after_kinds: frozenset[str] = frozenset()
    habitual_after_needs: re.Pattern[str] | None = None
    # round 12 review: general-question frames (想了解, 一般怎么) and what makes a cue the resident's own
    hypothetical_learning: re.Pattern[str] | None = None
    hypothetical_learning_own: re.Pattern[str] | None = None
    # review 15: a price asked after a cue that names no person (跌倒报警的手环要多少钱)
    hypothetical_after_unless_person: re.Pattern[str] | None = None
    hypothetical_person: re.Pattern[str] | None = None
    hypothetical_worry: re.Pattern[str] | None = None
    report_wait: re.Pattern[str] | None = None
    # round 12 review: an adult dealt with it (over), unless someone is injured
    past_dealt_with: re.Pattern[str] | None = None
    past_injury: re.Pattern[str] | None = None
    # round 12 review: someone unwell makes no message everyday
    everyday_unless: re.Pattern[str] | None = None
    # round 13b: a fall feared in a complaint about what makes people fall (hazard_complaint.fall_*)
    hazard_fall_cue: re.Pattern[str] | None = None
    hazard_fall_markers: re.Pattern[str] | None = None
    hazard_fall_what_if: re.Pattern[str] | None = None
    hazard_fall_anchor: re.Pattern[str] | None = None
    hazard_fall_person: re.Pattern[str] | None = None
    # round 13b: a lasting condition named as the reason for a service (chronic.*)
    chronic_cues: re.Pattern[str] | None = None
    chronic_lasting: re.Pattern[str] | None = None
    chronic_frame: re.Pattern[str] | None = None
    chronic_acute: re.Pattern[str] | None = None
    # round 16 review: the smell a fire said to be over leaves behind (past.residue_*)
    past_residue_event: re.Pattern[str] | None = None
    past_residue_left: re.Pattern[str] | None = None
    past_residue_unless: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Lexicon:
    cues: tuple[Cue, ...]
    suppressors: Suppressors


def _expand(pattern: str, macros: dict[str, str]) -> str:
    for _ in range(6):  # macros may use macros (PERSON uses ELDER, AWAYSIGN the silent-elder cues)
        expanded = re.sub(r"<([A-Z]+)>", lambda m: macros[m.group(1)], pattern)
        if expanded == pattern:
            break
        pattern = expanded
    return pattern


def _compile(pattern: str, macros: dict[str, str], where: str) -> re.Pattern[str]:
    try:
        return re.compile(_expand(pattern, macros))
    except (re.error, KeyError) as exc:
        raise ValueError(f"bad pattern in {where}: {pattern!r}: {exc}") from exc


def _cue(kind: str, entry, macros: dict[str, str]) -> Cue:
    if isinstance(entry, str):
        return Cue(kind, _compile(entry, macros, kind))
    needs = entry.get("needs") or []
    if isinstance(needs, str):
        needs = [needs]
    return Cue(
        kind=kind,
        pattern=_compile(entry["cue"], macros, kind),
        needs=tuple(_compile(n, macros, f"{kind} needs") for n in needs),
        unless=_compile(entry["unless"], macros, f"{kind} unless") if entry.get("unless") else None,
        unless_before=_compile(entry["unless_before"], macros, f"{kind} unless_before")
        if entry.get("unless_before") else None,
        window=int(entry.get("window", 12)),
        alone=bool(entry.get("alone", False)),
        present=bool(entry.get("present", False)),
        advice=entry.get("advice"),
    )


def _optional(section: dict, field_prefix: str, key_prefix: str, names: tuple[str, ...], c) -> dict:
    """Optional patterns of one section (a rule that all its parts must be present to apply)."""
    return {f"{field_prefix}{name}": c(section[f"{key_prefix}{name}"], f"{field_prefix}{name}")
            for name in names if section.get(f"{key_prefix}{name}")}


@cache
def lexicon() -> Lexicon:
    raw = _load_yaml((DATA / "cues.yml").read_text(encoding="utf-8"))
    macros = {name: str(value) for name, value in (raw.pop("macros") or {}).items()}
    unknown = set(raw) - set(KIND_ORDER)
    if unknown:
        raise ValueError(f"unknown kinds in cues.yml: {sorted(unknown)}")
    cues = tuple(_cue(kind, entry, macros) for kind in KIND_ORDER for entry in raw.get(kind) or [])
    # final review 23 (MUST 5): what says a "gone away" (去旅游, 去女儿家) does not explain an elder's silence is any
    # silent-elder cue said after it (电视一直响着, 报纸堆了, 臭味, 外卖没拿), not a second list that lags the cues; the
    # cues of not being seen or reached (<NOSEE>: 这几天没见人; `absence`: 好几天不回) are the very absence a trip explains
    # (the phone that fails, 打不通/关机, is listed in the macro already)
    silence_signs = (entry if isinstance(entry, str) else entry["cue"] for entry in raw.get("silent_elder") or []
                     if isinstance(entry, str) or not entry.get("absence"))
    silence_signs = [cue for cue in silence_signs if "<NOSEE>" not in cue]
    macros["AWAYSIGN"] = "(?:" + "|".join([macros["AWAYSIGN"], *(f"(?:{sign})" for sign in silence_signs)]) + ")"

    s = _load_yaml((DATA / "suppressors.yml").read_text(encoding="utf-8"))

    def c(pattern: str, where: str) -> re.Pattern[str]:
        return _compile(pattern, macros, where)

    hyp, past = s["hypothetical"], s["past"]
    suppressors = Suppressors(
        ordinary=c("|".join(f"(?:{p})" for p in s["ordinary_sense"]), "ordinary_sense"),
        ordinary_always=c("|".join(f"(?:{p})" for p in s["ordinary_sense_always"]), "ordinary_sense_always"),
        negation=c(s["negation"]["before"], "negation"),
        near_miss=c(s["negation"]["near_miss"], "near_miss"),
        minor=c(s["negation"]["minor"], "minor"),
        minor_kinds=frozenset(s["negation"].get("minor_kinds") or ()),
        minor_after=c(s["negation"]["minor_after"], "minor_after"),
        hypothetical_before=c(hyp["before"], "hypothetical.before"),
        hypothetical_before_near=c(hyp["before_near"], "hypothetical.before_near"),
        hypothetical_once=c(hyp["once"], "hypothetical.once"),
        hypothetical_counterfactual=c(hyp["counterfactual"], "hypothetical.counterfactual"),
        hypothetical_after=c(hyp["after"], "hypothetical.after"),
        hypothetical_after_window=int(hyp.get("after_window", 16)),
        hypothetical_after_unless_actual=c(hyp["after_unless_actual"], "hypothetical.after_unless_actual"),
        hypothetical_anchor=c(hyp["anchor"], "hypothetical.anchor"),
        hypothetical_perceived=c(hyp["perceived"], "hypothetical.perceived"),
        hypothetical_anywhere=c(hyp["anywhere"], "hypothetical.anywhere"),
        hypothetical_anywhere_soft=c(hyp["anywhere_soft"], "hypothetical.anywhere_soft"),
        past_time=c(past["time"], "past.time"),
        past_present=c(past["present"], "past.present"),
        past_ongoing=c(past["ongoing"], "past.ongoing"),
        past_over=c(past["over"], "past.over"),
        past_aspect=c(past["aspect"], "past.aspect"),
        past_aftermath=c(past["aftermath"], "past.aftermath"),
        habitual=c(s["habitual"]["markers"], "habitual"),
        accounted=c(s["accounted"]["markers"], "accounted"),
        accounted_kinds=frozenset(s["accounted"]["kinds"]),
        habitual_exempt=frozenset(s["habitual"].get("exempt_kinds") or ()),
        hazard_kinds=frozenset(s["hazard_complaint"]["kinds"]),
        hazard_markers=c(s["hazard_complaint"]["markers"], "hazard_complaint"),
        hazard_what_if=c(s["hazard_complaint"]["what_if"], "hazard_complaint.what_if"),
        urgent=c(s["urgent"], "urgent"),
        everyday=c(s["everyday"], "everyday") if s.get("everyday") else None,
        not_now=c(s["not_now"], "not_now") if s.get("not_now") else None,
        hypothetical_laughter=c(hyp["laughter"], "hypothetical.laughter") if hyp.get("laughter") else None,
        laughter_exempt=frozenset(hyp.get("laughter_exempt_kinds") or ()),
        counterfactual_exempt=frozenset(hyp.get("counterfactual_exempt_kinds") or ()),
        habitual_after=c(s["habitual"]["after"], "habitual.after") if s["habitual"].get("after") else None,
        habitual_after_kinds=frozenset(s["habitual"].get("after_kinds") or ()),
        habitual_after_needs=c(s["habitual"]["after_needs"], "habitual.after_needs")
        if s["habitual"].get("after_needs") else None,
        hypothetical_learning=c(hyp["learning"], "hypothetical.learning") if hyp.get("learning") else None,
        hypothetical_learning_own=c(hyp["learning_own"], "hypothetical.learning_own")
        if hyp.get("learning_own") else None,
        hypothetical_after_unless_person=c(hyp["after_unless_person"], "hypothetical.after_unless_person")
        if hyp.get("after_unless_person") else None,
        hypothetical_person=c(hyp["person"], "hypothetical.person") if hyp.get("person") else None,
        hypothetical_worry=c(hyp["worry"], "hypothetical.worry") if hyp.get("worry") else None,
        report_wait=c(s["report_wait"], "report_wait") if s.get("report_wait") else None,
        past_dealt_with=c(past["dealt_with"], "past.dealt_with") if past.get("dealt_with") else None,
        past_injury=c(past["injury"], "past.injury") if past.get("injury") else None,
        everyday_unless=c(s["everyday_unless"], "everyday_unless") if s.get("everyday_unless") else None,
        **_optional(s["hazard_complaint"], "hazard_fall_", "fall_", ("cue", "markers", "what_if", "anchor", "person"), c),
        **_optional(s.get("chronic") or {}, "chronic_", "", ("cues", "lasting", "frame", "acute"), c),
        **_optional(past, "past_residue_", "residue_", ("event", "left", "unless"), c),
    )
    return Lexicon(cues, suppressors)
