"""The facts-only helper: flags opinions, conclusions and jargon in a narrative.

A report that holds up in court says what the officer saw, heard and did — not what they
concluded. ``check(text)`` finds the phrases that usually mark a conclusion ("obviously",
"seemed guilty", "I think"), a label without the behaviour behind it ("aggressive" with no act
described), or jargon a reader outside the department will not know ("10-4", "SRO", "subj"),
and says how to rephrase each. It is a pure function: no database, no settings; the writer
decides — nothing is refused because of a flag.

Matching is case-insensitive and word-bounded: "clearly" is flagged, "unclearly" is not;
"PC" is flagged, "PCs" and "pcb" are not. Abbreviations are matched in capitals only where the
lower-case spelling is an ordinary word ("LEO" the officer, not "Leo" the student).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class FlagKind(StrEnum):
    OPINION = "opinion"  # the writer's belief or impression
    CONCLUSION = "conclusion"  # a finding the facts should let the reader reach
    LABEL = "label"  # a characterisation with no described behaviour
    JARGON = "jargon"  # an abbreviation or code a court may not know


@dataclass(frozen=True)
class Flag:
    start: int  # offset of the phrase in the text
    end: int  # offset just after it
    phrase: str  # exactly as written
    kind: str  # a FlagKind value
    advice: str


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    kind: FlagKind
    advice: str
    # A label is acceptable when the same sentence also says what was done or seen.
    unless_described: tuple[str, ...] = ()


def _words(*phrases: str, case_sensitive: bool = False) -> re.Pattern[str]:
    """A pattern matching any phrase as whole words; spaces in a phrase match any whitespace."""
    alternatives = sorted(
        (r"\s+".join(re.escape(part) for part in phrase.split()) for phrase in phrases),
        key=len,
        reverse=True,
    )
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])", flags)


_DESCRIBE = "Describe what you saw or heard instead"

_RULES: tuple[_Rule, ...] = (
    _Rule(
        _words("obviously", "clearly", "evidently", "undoubtedly", "without a doubt", "of course"),
        FlagKind.CONCLUSION,
        f"{_DESCRIBE}: the facts that made it seem obvious (what was said, done, found), and "
        "let the reader draw the conclusion.",
    ),
    _Rule(
        _words(
            "I think",
            "I believe",
            "I feel",
            "I felt",
            "in my opinion",
            "I assume",
            "I assumed",
            "I guess",
            "I suspect",
            "I suspected",
        ),
        FlagKind.OPINION,
        "State the observation behind the opinion: what you saw, heard or were told, and by "
        "whom (quote them).",
    ),
    _Rule(
        _words(
            "probably", "likely", "possibly", "apparently", "presumably", "must have", "must've"
        ),
        FlagKind.CONCLUSION,
        "Say what you know and how you know it; if something is unknown, write that it is "
        "unknown rather than guessing.",
    ),
    _Rule(
        _words(
            "seemed guilty",
            "looked guilty",
            "appeared guilty",
            "was guilty",
            "is guilty",
            "appeared to be lying",
            "seemed to be lying",
            "lied",
            "seemed nervous",
            "appeared nervous",
            "looked nervous",
            "seemed upset",
            "appeared upset",
            "seemed drunk",
            "appeared drunk",
            "appeared intoxicated",
            "seemed intoxicated",
            "seemed high",
            "appeared high",
            "under the influence",
        ),
        FlagKind.CONCLUSION,
        f"{_DESCRIBE}: the behaviour (e.g. 'avoided eye contact, answered 'I don't know' three "
        "times, hands shaking'; 'smelled of alcohol, slurred words, unsteady on feet').",
    ),
    _Rule(
        _words(
            "aggressive",
            "aggressively",
            "hostile",
            "belligerent",
            "combative",
            "violent",
            "threatening",
            "disrespectful",
            "defiant",
            "uncooperative",
            "irate",
        ),
        FlagKind.LABEL,
        f'{_DESCRIBE}: the act itself (e.g. \'shouted "..." at a distance of 1 m, clenched '
        "fists, stepped toward me twice').",
        unless_described=(
            "shout",
            "yell",
            "scream",
            "push",
            "pushed",
            "shov",
            "punch",
            "hit",
            "kick",
            "swung",
            "swing",
            "struck",
            "grab",
            "clench",
            "step",
            "stepped",
            "threw",
            "throw",
            "spit",
            "said",
            "told",
            "stated",
            "called",
            "refused",
            "fist",
            "lunged",
            "charged",
        ),
    ),
    _Rule(
        _words(
            "suspicious",
            "suspiciously",
            "acting strange",
            "acting strangely",
            "acting odd",
            "acting weird",
            "sketchy",
            "up to no good",
            "shady",
        ),
        FlagKind.LABEL,
        f"{_DESCRIBE}: what the person did that drew your attention (e.g. 'tried three locked "
        "doors, looked into parked cars, left when I approached').",
        unless_described=(
            "saw",
            "seen",
            "observed",
            "watched",
            "noticed",
            "looking",
            "looked into",
            "tried",
            "trying",
            "carrying",
            "holding",
            "walked",
            "walking",
            "ran",
            "running",
            "standing",
            "loitering",
            "pulled",
            "checked",
            "wearing",
        ),
    ),
    _Rule(
        _words(
            "10-4",
            "10-20",
            "10-8",
            "10-7",
            "10-97",
            "10-23",
            "code 3",
            "code 4",
            "subj",
            "susp",
            "veh",
            "perp",
            "w/m",
            "b/m",
            "h/m",
            "w/f",
            "b/f",
            "h/f",
            "GOA",
            "UTL",
            "BOLO",
            "ATL",
            "DOB",
            "POI",
        ),
        FlagKind.JARGON,
        "Write it out in plain words (e.g. 'the student', 'the vehicle', 'gone on arrival'): "
        "a judge or parent may not know the code.",
    ),
    _Rule(
        _words(
            "SRO", "SSO", "PC", "LEO", "RP", "UOF", "CPS", "DA", "ADW", "AKA", case_sensitive=True
        ),
        FlagKind.JARGON,
        "Spell the abbreviation out the first time (e.g. 'School Resource Officer (SRO)', "
        "'probable cause', 'reporting party').",
    ),
)

_SENTENCE_END = re.compile(r"[.!?;]\s|\n")


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around ``[start, end)``."""
    left = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        left = match.end()
    following = _SENTENCE_END.search(text, end)
    right = following.start() + 1 if following else len(text)
    return text[left:right]


def _described(sentence: str, cues: tuple[str, ...]) -> bool:
    lowered = sentence.lower()
    return any(re.search(r"(?<!\w)" + re.escape(cue), lowered) for cue in cues)


def check(text: str) -> list[Flag]:
    """Every flag in ``text``, in the order they appear (overlaps keep the longer phrase)."""
    found: list[Flag] = []
    for rule in _RULES:
        for match in rule.pattern.finditer(text):
            if rule.unless_described and _described(
                _sentence(text, match.start(), match.end()), rule.unless_described
            ):
                continue
            found.append(
                Flag(
                    start=match.start(),
                    end=match.end(),
                    phrase=match.group(),
                    kind=str(rule.kind),
                    advice=rule.advice,
                )
            )
    found.sort(key=lambda flag: (flag.start, -(flag.end - flag.start)))
    kept: list[Flag] = []
    for flag in found:
        if kept and flag.start < kept[-1].end:
            continue  # inside a longer phrase already flagged
        kept.append(flag)
    return kept
