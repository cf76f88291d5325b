"""Find: turn what an officer types ("gas shutoff gym", "pull stations B wing", "door 7") into
database filters over assets, areas and buildings.

Parsing is pure (no database) so it is tested on its own. Words that name a kind of asset or a
utility become exact filters on indexed choice columns; "door 7" becomes exterior door number
7; "B wing" or "building B" becomes a building code; every other word must appear somewhere
(asset, area, building or school name, a room or building code, an area type). Synonyms are
the words officers and responders actually use: a "shutoff" is also a valve or a main, a "pull
station" is part of the fire alarm.

The filters are plain ORM lookups. docs/benchmarks-kb.md shows they answer within the 100 ms
target on 50,000 assets on both SQLite and PostgreSQL, so no full-text index is needed yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import TypeVar

from django.db.models import Q

from vigil.sites.choices import AreaType, AssetKind, Utility
from vigil.sites.models import Area, Building, School

MAX_QUERY_LENGTH = 200
_T = TypeVar("_T")

# Longest phrases first: "fire alarm panel" must win over "fire alarm".
_KIND_PHRASES: dict[tuple[str, ...], frozenset[str]] = {
    ("fire", "alarm", "panel"): frozenset({AssetKind.ALARM_PANEL}),
    ("alarm", "panel"): frozenset({AssetKind.ALARM_PANEL}),
    ("pull", "station"): frozenset({AssetKind.PULL_STATION}),
    ("fire", "alarm"): frozenset({AssetKind.PULL_STATION, AssetKind.ALARM_PANEL}),
    ("shut", "off"): frozenset({AssetKind.UTILITY_SHUTOFF}),
    ("first", "aid"): frozenset({AssetKind.FIRST_AID}),
    ("key", "box"): frozenset({AssetKind.KNOX_BOX}),
    ("fire", "extinguisher"): frozenset({AssetKind.FIRE_EXTINGUISHER}),
}
_KIND_WORDS: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        ("door", "entrance", "entry", "exit"),
        frozenset({AssetKind.EXTERIOR_DOOR}),
    ),
    "window": frozenset({AssetKind.WINDOW}),
    **dict.fromkeys(("pull", "pullstation"), frozenset({AssetKind.PULL_STATION})),
    "panel": frozenset({AssetKind.ALARM_PANEL}),
    "alarm": frozenset({AssetKind.ALARM_PANEL, AssetKind.PULL_STATION}),
    **dict.fromkeys(
        ("shutoff", "valve", "main", "disconnect", "breaker", "meter"),
        frozenset({AssetKind.UTILITY_SHUTOFF}),
    ),
    **dict.fromkeys(("camera", "cctv", "cam"), frozenset({AssetKind.CAMERA})),
    **dict.fromkeys(("checkpoint", "tag", "qr", "nfc"), frozenset({AssetKind.CHECKPOINT})),
    **dict.fromkeys(("aed", "defibrillator", "defib"), frozenset({AssetKind.AED})),
    **dict.fromkeys(("firstaid", "medkit"), frozenset({AssetKind.FIRST_AID})),
    "extinguisher": frozenset({AssetKind.FIRE_EXTINGUISHER}),
    **dict.fromkeys(("hazmat", "chemical", "hazardous"), frozenset({AssetKind.HAZMAT})),
    **dict.fromkeys(("knox", "keybox"), frozenset({AssetKind.KNOX_BOX})),
}
_UTILITY_PHRASES: dict[tuple[str, ...], str] = {("fire", "sprinkler"): Utility.FIRE_SPRINKLER}
_UTILITY_WORDS: dict[str, str] = {
    "gas": Utility.GAS,
    "water": Utility.WATER,
    **dict.fromkeys(("electric", "electrical", "electricity", "power"), Utility.ELECTRIC),
    **dict.fromkeys(("hvac", "heating", "ventilation"), Utility.HVAC),
    "sprinkler": Utility.FIRE_SPRINKLER,
}
_DOOR_WORDS = frozenset({"door", "entrance", "entry", "exit"})
_BUILDING_WORDS = frozenset({"wing", "building", "bldg"})
_STOP_WORDS = frozenset(
    {"the", "a", "an", "in", "at", "of", "for", "on", "to", "where", "is", "are", "near", "by"}
    | {"all", "show", "find", "me", "my", "nearest", "closest", "number", "no", "and", "with"}
)
# Area types an officer names in passing ("gym", "pool", "locker") match by their label.
_AREA_TYPE_LABELS: dict[str, str] = {str(t.value): str(t.label).lower() for t in AreaType}


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@dataclass(frozen=True)
class ParsedQuery:
    """What the words asked for. Empty sets mean "no constraint"."""

    kinds: frozenset[str] = frozenset()
    utilities: frozenset[str] = frozenset()
    door_number: int | None = None
    building_codes: frozenset[str] = frozenset()
    terms: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (
            self.kinds or self.utilities or self.door_number or self.building_codes or self.terms
        )

    @property
    def wants_assets_only(self) -> bool:
        """A kind, a utility or a door number names assets; areas and buildings do not answer."""
        return bool(self.kinds or self.utilities or self.door_number is not None)

    def describe(self) -> str:
        """The interpretation in words, shown under the search box so surprises are visible."""
        parts: list[str] = []
        if self.door_number is not None:
            parts.append(f"exterior door {self.door_number}")
        elif self.kinds:
            parts.append(" or ".join(sorted(str(AssetKind(k).label).lower() for k in self.kinds)))
        if self.utilities:
            parts.append(" or ".join(sorted(str(Utility(u).label).lower() for u in self.utilities)))
        if self.building_codes:
            parts.append("building " + " or ".join(sorted(self.building_codes)))
        parts.extend(f"“{t}”" for t in self.terms)
        return " · ".join(parts)


def tokenize(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower()[:MAX_QUERY_LENGTH])


def parse(text: str) -> ParsedQuery:
    words = [_singular(w) for w in tokenize(text)]
    kinds: set[str] = set()
    utilities: set[str] = set()
    codes: set[str] = set()
    terms: list[str] = []
    door_number: int | None = None
    i = 0
    while i < len(words):
        word = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if word in _DOOR_WORDS and nxt.isdigit():
            door_number = int(nxt)
            kinds.add(AssetKind.EXTERIOR_DOOR)
            i += 2
            continue
        if word in _BUILDING_WORDS and nxt and len(nxt) <= 3 and nxt.isalnum():
            codes.add(nxt.upper())  # "building B"
            i += 2
            continue
        if len(word) <= 3 and nxt in _BUILDING_WORDS and not word.isdigit():
            codes.add(word.upper())  # "B wing"
            i += 2
            continue
        phrase = _match_phrase(words, i, _KIND_PHRASES)
        if phrase is not None:
            length, found = phrase
            kinds |= found
            i += length
            continue
        utility_phrase = _match_phrase(words, i, _UTILITY_PHRASES)
        if utility_phrase is not None:
            length, utility = utility_phrase
            utilities.add(utility)
            i += length
            continue
        if word in _KIND_WORDS:
            kinds |= _KIND_WORDS[word]
        elif word in _UTILITY_WORDS:
            utilities.add(_UTILITY_WORDS[word])
        elif word not in _BUILDING_WORDS and word not in _STOP_WORDS:
            terms.append(word)
        i += 1
    if utilities and not kinds:
        kinds.add(AssetKind.UTILITY_SHUTOFF)  # only shutoffs carry a utility
    return ParsedQuery(
        kinds=frozenset(kinds),
        utilities=frozenset(utilities),
        door_number=door_number,
        building_codes=frozenset(codes),
        terms=tuple(dict.fromkeys(terms)),
    )


def _match_phrase(
    words: list[str], start: int, table: dict[tuple[str, ...], _T]
) -> tuple[int, _T] | None:
    for phrase in sorted(table, key=len, reverse=True):
        if tuple(words[start : start + len(phrase)]) == phrase:
            return len(phrase), table[phrase]
    return None


def area_types_named(term: str) -> list[str]:
    """Area types whose label contains the word: "locker" → locker room, "rest" → restrooms."""
    return sorted(value for value, label in _AREA_TYPE_LABELS.items() if term in label)


def asset_filter(parsed: ParsedQuery) -> Q:
    q = Q()
    if parsed.door_number is not None:
        q &= Q(kind=AssetKind.EXTERIOR_DOOR, number=parsed.door_number)
    elif parsed.kinds:
        q &= Q(kind__in=sorted(parsed.kinds))
    if parsed.utilities:
        q &= Q(utility__in=sorted(parsed.utilities))
    if parsed.building_codes:
        q &= Q(building__code__in=sorted(parsed.building_codes))
    for term in parsed.terms:
        # The places a word names are found once, as subqueries, rather than by joining every
        # asset to its area, building and school and matching each row: with 50,000 assets
        # that join was the slow part of the query (docs/benchmarks-kb.md).
        areas = Area.objects.filter(
            _term(term, text=("name",), codes=("code",), area_type="area_type")
        ).values("pk")
        buildings = Building.objects.filter(
            _term(term, text=("name",), codes=("code",), area_type=None)
        ).values("pk")
        schools = School.objects.filter(name__icontains=term).values("pk")
        q &= (
            Q(name__icontains=term)
            | Q(area_id__in=areas)
            | Q(building_id__in=buildings)
            | Q(school_id__in=schools)
        )
    return q


def area_filter(parsed: ParsedQuery) -> Q:
    q = Q()
    if parsed.building_codes:
        q &= Q(building__code__in=sorted(parsed.building_codes))
    for term in parsed.terms:
        q &= _term(
            term,
            text=("name", "building__name", "school__name"),
            codes=("code", "building__code"),
            area_type="area_type",
        )
    return q


def building_filter(parsed: ParsedQuery) -> Q:
    q = Q()
    if parsed.building_codes:
        q &= Q(code__in=sorted(parsed.building_codes))
    for term in parsed.terms:
        q &= _term(term, text=("name", "school__name"), codes=("code",), area_type=None)
    return q


def _term(term: str, *, text: tuple[str, ...], codes: tuple[str, ...], area_type: str | None) -> Q:
    options = [Q(**{f"{field}__icontains": term}) for field in text]
    options += [Q(**{f"{field}__iexact": term}) for field in codes]
    if term.isdigit():
        options.append(Q(**{f"{codes[0]}__icontains": term}))  # room "210" in code "A210"
    types = area_types_named(term) if area_type else []
    if area_type and types:
        options.append(Q(**{f"{area_type}__in": types}))
    return reduce(or_, options)
