"""The day of the week on which a report's lead says its happening took place. Wire copy and
feed summaries name it ("held talks in New Delhi on Monday", "on Tuesday signed"), and reports
of one trip's developments name the trip's days: the CEO forum on Thursday and the commercial
dialogue on Friday, the intelligence chiefs' conclave on Sunday and the defence minister's
meeting on Monday. Two reports whose leads say their happenings took place on different days
report different developments when one of them says what kind of happening it was
(`fingerprint.day_conflict`).

Reports within a story window are under a week apart, so a weekday names one date there. A day
that says something other than when the happening took place is not the lead's day:
- when someone said it ("the ministry said on Monday"), unless what was said followed the
  happening that day ("Abe said on Monday after talks with Modi");
- when something will happen ("will be launched by Wednesday", "set to meet on Friday");
- any day of a lead that reacts to or follows up an earlier happening ("India on Tuesday
  welcomed the designation", "a day after the attack", "released a fact sheet on Thursday's
  talks"; not "hailed as", which describes: "began output on Friday, a milestone officials
  hailed as ..."), or that names two days ("the countdown
  began on Tuesday; the rocket lifts off on Wednesday").

English copy only; a lead in another language names no day.
"""

from __future__ import annotations

import re

_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_SAYING = r"(?:said|says|say|confirmed|announced|told|stated|added)"
_WEEKDAY = re.compile(rf"\b({_DAY})\b")
_SAID_ON = re.compile(
    rf"\b(?:{_SAYING}|told\s+\w+)\s+(?:on\s+|late\s+|early\s+)?{_DAY}\b"
    r"(?!\s*,?\s+(?:after|following|at\s+the\s+end\s+of|during)\b)",
    re.IGNORECASE,
)
_WILL_ON = re.compile(
    r"\b(?:will|would|to\s+be|set\s+to|due\s+to|is\s+to|are\s+to|scheduled|expected)\b"
    # up to the day, within the sentence (a full stop only inside a figure: $2.75 billion) and
    # not past a verb of saying ("will not send troops, Sitharaman said on Tuesday after talks")
    rf"(?:(?!\b{_SAYING}\b)(?:[^.;]|\.(?=\d))){{0,120}}?\b{_DAY}\b",
    re.IGNORECASE,
)
_FOLLOW_UP = re.compile(
    r"\b(?:welcome[ds]?|hail(?:ed|s)?(?!\s+as\b)|hits?\s+back|reacted|responded|condemned|slammed|critici[sz]ed"
    rf"|(?:a|one|two|three|\d+)\s+days?\s+after|hours\s+after|a\s+week\s+after|{_DAY}['’]s)\b",
    re.IGNORECASE,
)


def lead_day(lead: str) -> str:
    """The weekday (lowercase) on which `lead` (a first sentence, its clauses that place it in time
    left out) says its happening took place, or "" when it names none or more than one."""
    if _FOLLOW_UP.search(lead):
        return ""
    days = {day.lower() for day in _WEEKDAY.findall(_WILL_ON.sub(" ", _SAID_ON.sub(" ", lead)))}
    return days.pop() if len(days) == 1 else ""


def days_differ(a: str, b: str) -> bool:
    """True when two leads each name the day of their happening and the days differ."""
    return bool(a) and bool(b) and a != b
