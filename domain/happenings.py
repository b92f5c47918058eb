"""What kind of thing a report's lead says happened: talks, an award, an address, a signing, a
visit to a place, a launch. Reports of one trip share its names and recap each other; their leads say
which of the trip's happenings each is about ("held talks with", "conferred the Order of the Nile
on", "addressing the Indian community", "toured the plant").

English copy only; a lead in another language names no happening, and is never told apart by it.
"""

from __future__ import annotations

import re

# Each kind, and the words of a lead that say it happened. Words that only name the setting
# ("guard of honour", "addressing reporters", "a sign of") are not a happening, and the clauses
# that place a report in time ("hours before his talks with ...") are left out by the caller. A
# summit is not a kind but a setting: its talks and its addresses are one happening.
SUMMIT = "summit"
LAUNCH = "launch"
_KINDS: dict[str, re.Pattern[str]] = {
    "talks": re.compile(
        r"\b(?:met|meets?|meeting|talks|discuss(?:ed|es|ing)?|discussions?|conversation|call(?:ed|s)?\s+on"
        r"|(?:phone|telephone)\s+call|spoke\s+(?:with|to|by\s+phone)|dialogue|counterparts?|hosted)\b",
        re.IGNORECASE,
    ),
    "award": re.compile(
        r"\b(?:conferr?(?:ed|ing|s|ment)?|decorated|bestow(?:ed|s)?)\b"
        r"|\bOrder\s+of\b"
        r"|\b(?:highest|civilian|top|state|international)\s+(?:civilian\s+|state\s+)?(?:honou?r|award)s?\b",
    ),
    "address": re.compile(
        r"\b(?:address(?:ed|es|ing)?|speaking\s+(?:at|to)|spoke\s+(?:at|to))\s+(?:\S+\s+){0,5}?"
        r"(?:community|diaspora|gathering|rally|session|summit|conference|parliament|congress|assembly|nation"
        r"|students|audience|event|forum|lawmakers|sitting|crowd|plenary|convention|university|institute"
        r"|ceremony|meeting|business|leaders|dialogue|people)\b"
        r"|\b(?:his|her|an|the|keynote|inaugural)\s+(?:address|speech)\b|\b(?:speech|rally|diaspora|lecture|keynote)\b",
        re.IGNORECASE,
    ),
    "signing": re.compile(
        r"\b(?:signed|signing|inked|inks?|inking)\b|(?<!\ba\s)\bsigns?\b(?!\s+of\b)"
        r"|\bexchanged?\s+(?:\S+\s+){0,3}?(?:mous?|agreements|pacts|documents)\b",
        re.IGNORECASE,
    ),
    # A launch, an unveiling or an inauguration (the verb: "the launch of" names the setting of
    # a countdown). It dates a development, but is told at talks, signings and summits alike.
    LAUNCH: re.compile(r"\b(?:launch(?:ed|es|ing)|unveil(?:ed|s|ing)|inaugurat(?:ed|es|ing))\b", re.IGNORECASE),
    SUMMIT: re.compile(r"\b(?:summit|plenary|session)\b", re.IGNORECASE),
    "visit": re.compile(r"\b(?:visited|toured|tour\s+of|paid\s+(?:homage|tribute)|laid\s+a\s+wreath)\b", re.IGNORECASE),
}

# A clause that places the lead's happening beside a meeting ("conferred ... as the two leaders
# met", "GE clinches the engine deal as Biden and Modi meet") says when, not what happened.
_AS_THEY_MET = re.compile(
    r"\b(?:as|when|while)\s+[^,.;:\n]{0,60}?\b(?:met|meets?|held\s+talks|holds?\s+talks)\b[^,.;:\n]*",
    re.IGNORECASE,
)


def without_meeting_named_for_time(lead: str) -> str:
    """`lead` without a clause that names a meeting only to say when ("as the two leaders met")."""
    return _AS_THEY_MET.sub(" ", lead)


def happenings(lead: str) -> frozenset[str]:
    """The kinds of happening `lead` (a headline, a first sentence) says took place, leaving out a
    meeting it names only to say when ("as the two leaders met")."""
    lead = without_meeting_named_for_time(lead)
    return frozenset(kind for kind, pattern in _KINDS.items() if pattern.search(lead))


def happenings_differ(a: frozenset[str], b: frozenset[str]) -> bool:
    """True when two leads each name a happening and share no kind: an award against talks, an
    address against a signing, talks against the signing of a pact. Leads that name none say
    nothing, a lead that says talks were held and a pact signed may be either's, and two that both
    name a summit may tell its talks and its addresses: one meeting. A launch is no kind here:
    the programme launched at talks is the talks' news."""
    if SUMMIT in a and SUMMIT in b:
        return False
    a, b = a - {SUMMIT, LAUNCH}, b - {SUMMIT, LAUNCH}
    return bool(a) and bool(b) and not a & b


# A headline that says a development is coming, not that it came: "Cabinet likely to clear two
# more chip units", "Dutch set to widen ASML export rules ..., sources say", "Rubio to visit New
# Delhi for TRUST ministerial", "S. Korea, US to sign tech pact". Only verbs of a development that
# will be reported when it happens: "BDL set to make Javelin parts after US nod" reports the nod,
# "a move likely to irk China" a move.
_COMING = (
    r"(?:sign|ink|seal|clear|approve|announce|unveil|visit|meet|hold|widen|extend|launch|finali[sz]e|decide"
    r"|award|impose|lift|ease|tighten|restrict|ban|issue|vote|review|consider|discuss|join|name|open|start|begin)"
)
_FORETOLD = re.compile(
    rf"\b(?:set|likely|expected|poised|slated|scheduled|tipped)\s+to\s+{_COMING}\b"
    r"|\bsources\s+(?:say|said)\b|\bmulls?\b|\bweighs\b(?!\s+in\b)|\bconsidering\b",
    re.IGNORECASE,
)
# Headline style, names and their infinitive: "India to announce ...", "S. Korea, US to sign ...".
_NAMES_TO = re.compile(rf"^(?:(?:[A-Z][\w.'’-]*|and|&)[\s,]+){{1,6}}to\s+(?i:{_COMING})\b")


def foretold(headline: str) -> bool:
    """True when `headline` says a development is expected (a preview), not that it happened."""
    return bool(_FORETOLD.search(headline) or _NAMES_TO.match(headline))
