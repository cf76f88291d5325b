"""Screen a visitor against registry and watch lists on name and date of birth.

A candidate needs both: a name that is close (Jaro-Winkler on folded names, nicknames,
aliases, compound surnames) and a date of birth that is the same or one typing error away
(adjacent digits transposed, day and month swapped, one digit wrong, the year off by one or
ten). A name alone never raises a candidate: too many people share one.

Scale comes from blocking on the date of birth. `RegistryIndex` files every entry under its
date of birth once; screening a visitor enumerates the few dozen dates within one typo of
theirs and scores only the entries filed there, so a lookup in a million entries touches a
few thousand of them.

The score is the name similarity in [0, 1] less a small penalty for each kind of date
disagreement; a candidate is reported when the score reaches `MatchPolicy.threshold`.

References
----------
W. E. Winkler, "String Comparator Metrics and Enhanced Decision Rules in the Fellegi-Sunter
Model of Record Linkage", Proceedings of the Section on Survey Research Methods, 1990.
"""

from __future__ import annotations

import enum
import math
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date

from rapidfuzz.distance import JaroWinkler

from vigil.visitors.names import (
    NicknameTable,
    family_keys,
    given_tokens,
    load_nicknames,
)

__all__ = [
    "Alias",
    "Candidate",
    "DobRelation",
    "MatchPolicy",
    "RegistryEntry",
    "RegistryIndex",
    "Visitor",
    "dob_relation",
    "dob_variants",
    "score_entry",
]

# "Lopez" against "García-López" is evidence, but less than the whole name agreeing.
_PART_OF_NAME_FACTOR = 0.97
# Dates outside these years are not birth dates anyone alive can have typed.
_EARLIEST_YEAR = 1900
_LATEST_YEAR = 2099


class DobRelation(enum.Enum):
    """How a registry date of birth relates to the visitor's; earlier members are stronger.

    The penalty grows with the number of dates a relation admits (one for a swap, about
    thirty for "one digit off"): the more dates it lets in, the more strangers share one,
    so the name has to carry more of the evidence.
    """

    EXACT = ("date of birth matches", 0.0)
    DAY_MONTH_SWAPPED = ("date of birth day and month swapped", 0.02)
    YEAR_OFF_BY_ONE = ("year of birth off by one", 0.03)
    TRANSPOSED_DIGITS = ("date of birth has two adjacent digits transposed", 0.04)
    YEAR_OFF_BY_TEN = ("year of birth off by ten", 0.04)
    ONE_DIGIT_OFF = ("date of birth differs in one digit", 0.06)

    def __init__(self, reason: str, penalty: float) -> None:
        self.reason = reason
        self.penalty = penalty


_STRENGTH = {relation: rank for rank, relation in enumerate(DobRelation)}


@dataclass(frozen=True, slots=True)
class Alias:
    family: str
    given: str


@dataclass(frozen=True, slots=True)
class RegistryEntry:
    """One person on a list the district screens against."""

    id: str
    family: str
    given: str
    date_of_birth: date
    aliases: tuple[Alias, ...] = ()
    jurisdiction: str | None = None
    source: str = ""


@dataclass(frozen=True, slots=True)
class Visitor:
    family: str
    given: str
    date_of_birth: date


@dataclass(frozen=True, slots=True)
class Candidate:
    """A registry entry that may be the visitor, with the reasons a person can check."""

    entry_id: str
    score: float
    dob_relation: DobRelation
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MatchPolicy:
    """Where a similarity becomes a candidate; tuned on bench/screening.py.

    ``family_floor`` and ``given_floor`` stop a perfect family name from carrying an
    unrelated given name over the threshold (and the reverse).
    """

    threshold: float = 0.90
    family_floor: float = 0.88
    given_floor: float = 0.80
    family_weight: float = 0.55
    nickname_similarity: float = 0.97
    middle_name_similarity: float = 0.92
    initial_similarity: float = 0.90
    swapped_names_penalty: float = 0.03
    common_name_weight: float = 0.014
    common_name_scale: float = 100.0

    def __post_init__(self) -> None:
        for name in ("threshold", "family_floor", "given_floor", "family_weight"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must lie in [0, 1], not {value}")


# --- dates of birth --------------------------------------------------------------------------


def dob_relation(visitor_dob: date, entry_dob: date) -> DobRelation | None:
    """The strongest single-typo relation between two dates of birth, or None."""
    return dob_variants(visitor_dob).get(entry_dob)


def dob_variants(dob: date) -> dict[date, DobRelation]:
    """Every date one typing error away from `dob` (itself included), with its relation.

    The relation is symmetric, so these are also the dates whose variants include `dob`.
    """
    found: dict[date, DobRelation] = {}

    def add(candidate: date | None, relation: DobRelation) -> None:
        if candidate is None:
            return
        known = found.get(candidate)
        if known is None or _STRENGTH[relation] < _STRENGTH[known]:
            found[candidate] = relation

    add(dob, DobRelation.EXACT)
    add(_make_date(dob.year, dob.day, dob.month), DobRelation.DAY_MONTH_SWAPPED)
    # Digits as typed in both orders a form asks for: ISO CCYYMMDD and US MMDDCCYY.
    iso = f"{dob.year:04d}{dob.month:02d}{dob.day:02d}"
    us = f"{dob.month:02d}{dob.day:02d}{dob.year:04d}"
    for digits, reader in ((iso, _from_iso), (us, _from_us)):
        for i in range(len(digits) - 1):
            if digits[i] != digits[i + 1]:
                swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
                add(reader(swapped), DobRelation.TRANSPOSED_DIGITS)
    for delta, relation in ((1, DobRelation.YEAR_OFF_BY_ONE), (10, DobRelation.YEAR_OFF_BY_TEN)):
        add(_make_date(dob.year - delta, dob.month, dob.day), relation)
        add(_make_date(dob.year + delta, dob.month, dob.day), relation)
    for i, original in enumerate(iso):
        for digit in "0123456789":
            if digit != original:
                add(_from_iso(iso[:i] + digit + iso[i + 1 :]), DobRelation.ONE_DIGIT_OFF)
    return found


def _make_date(year: int, month: int, day: int) -> date | None:
    if not _EARLIEST_YEAR <= year <= _LATEST_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _from_iso(digits: str) -> date | None:
    return _make_date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))


def _from_us(digits: str) -> date | None:
    return _make_date(int(digits[4:]), int(digits[:2]), int(digits[2:4]))


# --- names -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Folded:
    """A visitor's name folded once per screening, not once per entry."""

    family: str
    family_keys: tuple[str, ...]
    given: str
    given_tokens: tuple[str, ...]
    given_joined: str

    @classmethod
    def of(cls, family: str, given: str) -> _Folded:
        tokens = given_tokens(given)
        return cls(family, family_keys(family), given, tokens, "".join(tokens))


@dataclass(frozen=True, slots=True)
class _Probe:
    """Everything about one visitor that does not depend on the entry being compared."""

    date_of_birth: date
    name: _Folded
    swapped: _Folded
    # Subtracted when the dates of birth differ: see `RegistryIndex.common_name_penalty`.
    common_name_penalty: float = 0.0
    common_name_reason: str = ""

    @classmethod
    def of(cls, visitor: Visitor) -> _Probe:
        return cls(
            visitor.date_of_birth,
            _Folded.of(visitor.family, visitor.given),
            _Folded.of(visitor.given, visitor.family),
        )


@dataclass(frozen=True, slots=True)
class _NameMatch:
    score: float
    reasons: tuple[str, ...]


def _family_similarity(visitor: _Folded, family: str) -> tuple[float, str]:
    keys = family_keys(family)
    best, reason = 0.0, ""
    for mine in visitor.family_keys:
        for theirs in keys:
            similarity = JaroWinkler.normalized_similarity(mine, theirs)
            if mine != visitor.family_keys[0] or theirs != keys[0]:
                # One part of a compound name is weaker evidence than the whole of it.
                similarity *= _PART_OF_NAME_FACTOR
            if similarity > best:
                best = similarity
                if mine == visitor.family_keys[0] == theirs == keys[0]:
                    reason = f"family name {visitor.family!r} matches {family!r}"
                elif mine == theirs:
                    reason = f"family name {visitor.family!r} shares a part with {family!r}"
                else:
                    reason = f"family name {visitor.family!r} is close to {family!r}"
    return best, reason


def _given_similarity(
    visitor: _Folded, given: str, nicknames: NicknameTable, policy: MatchPolicy
) -> tuple[float, str]:
    theirs = given_tokens(given)
    if not visitor.given_tokens or not theirs:
        return 0.0, ""
    mine_first, their_first = visitor.given_tokens[0], theirs[0]
    # Exact and nickname first: `max` keeps the first of equal scores, and their reasons
    # say more than "close to".
    options: list[tuple[float, str]] = []
    if visitor.given_tokens == theirs:
        options.append((1.0, f"given names {visitor.given!r} match {given!r}"))
    elif mine_first == their_first:
        options.append((1.0, f"given name {mine_first.title()!r} matches {given!r}"))
    elif nicknames.related(mine_first, their_first):
        options.append((policy.nickname_similarity, nicknames.describe(mine_first, their_first)))
    options.append(
        (
            JaroWinkler.normalized_similarity(mine_first, their_first),
            f"given name {visitor.given!r} is close to {given!r}",
        )
    )
    # "Mary Ann" and "Maryann" are one name typed two ways. Only equality counts: a fuzzy
    # comparison of joined names lets any shared prefix through.
    if len(visitor.given_tokens) != len(theirs) and visitor.given_joined == "".join(theirs):
        options.append((1.0, f"given names {visitor.given!r} match {given!r} written apart"))
    if mine_first in theirs[1:] or their_first in visitor.given_tokens[1:]:
        options.append(
            (policy.middle_name_similarity, f"goes by a middle name ({visitor.given!r}, {given!r})")
        )
    if len(mine_first) == 1 and their_first.startswith(mine_first):
        options.append((policy.initial_similarity, f"initial {mine_first.upper()!r} of {given!r}"))
    return max(options, key=lambda option: option[0])


def _name_match(
    visitor: _Folded,
    swapped: _Folded,
    family: str,
    given: str,
    nicknames: NicknameTable,
    policy: MatchPolicy,
) -> _NameMatch | None:
    best: _NameMatch | None = None
    for form, penalty, note in ((visitor, 0.0, None), (swapped, policy.swapped_names_penalty, 1)):
        family_score, family_reason = _family_similarity(form, family)
        if family_score < policy.family_floor:
            continue
        given_score, given_reason = _given_similarity(form, given, nicknames, policy)
        if given_score < policy.given_floor:
            continue
        weight = policy.family_weight
        score = weight * family_score + (1.0 - weight) * given_score - penalty
        reasons: tuple[str, ...] = (family_reason, given_reason)
        if note is not None:
            reasons = ("given and family names entered the other way round", *reasons)
        if best is None or score > best.score:
            best = _NameMatch(score, reasons)
    return best


def score_entry(
    visitor: Visitor,
    entry: RegistryEntry,
    *,
    nicknames: NicknameTable | None = None,
    policy: MatchPolicy | None = None,
) -> Candidate | None:
    """Compare one visitor with one entry; None unless both name and birth date agree."""
    relation = dob_relation(visitor.date_of_birth, entry.date_of_birth)
    if relation is None:
        return None
    return _score(
        _Probe.of(visitor),
        entry,
        relation,
        nicknames if nicknames is not None else load_nicknames(),
        policy if policy is not None else MatchPolicy(),
    )


def _score(
    probe: _Probe,
    entry: RegistryEntry,
    relation: DobRelation,
    nicknames: NicknameTable,
    policy: MatchPolicy,
) -> Candidate | None:
    visitor, swapped = probe.name, probe.swapped
    best = _name_match(visitor, swapped, entry.family, entry.given, nicknames, policy)
    for alias in entry.aliases:
        via_alias = _name_match(visitor, swapped, alias.family, alias.given, nicknames, policy)
        if via_alias is not None and (best is None or via_alias.score > best.score):
            named = f"{alias.given} {alias.family}".strip()
            best = _NameMatch(
                via_alias.score, (f"alias {named!r} on the entry", *via_alias.reasons)
            )
    if best is None:
        return None
    penalty = relation.penalty
    reasons = best.reasons
    date_reason = relation.reason
    if relation is not DobRelation.EXACT:
        penalty += probe.common_name_penalty
        date_reason += f" ({probe.date_of_birth.isoformat()} and {entry.date_of_birth.isoformat()})"
        if probe.common_name_reason:
            reasons = (*reasons, probe.common_name_reason)
    score = round(best.score - penalty, 4)
    if score < policy.threshold:
        return None
    return Candidate(entry.id, score, relation, (*reasons, date_reason))


# --- the index -------------------------------------------------------------------------------


@dataclass(slots=True)
class RegistryIndex:
    """Entries filed by date of birth, built once and screened against many times.

    Memory is the entries themselves, one 4-byte position per entry and a count per
    distinct family name: other name forms are folded when a screening reaches an entry,
    behind the caches in `names`.
    """

    entries: list[RegistryEntry]
    nicknames: NicknameTable
    _by_dob: dict[int, array[int]] = field(repr=False)
    _family_counts: dict[str, int] = field(repr=False)

    @classmethod
    def build(
        cls, entries: Iterable[RegistryEntry], *, nicknames: NicknameTable | None = None
    ) -> RegistryIndex:
        kept: list[RegistryEntry] = []
        by_dob: dict[int, array[int]] = {}
        family_counts: dict[str, int] = {}
        for position, entry in enumerate(entries):
            kept.append(entry)
            bucket = by_dob.get(entry.date_of_birth.toordinal())
            if bucket is None:
                bucket = by_dob[entry.date_of_birth.toordinal()] = array("I")
            bucket.append(position)
            keys = family_keys(entry.family)
            if keys:
                family_counts[keys[0]] = family_counts.get(keys[0], 0) + 1
        return cls(
            kept,
            nicknames if nicknames is not None else load_nicknames(),
            by_dob,
            family_counts,
        )

    def __len__(self) -> int:
        return len(self.entries)

    def family_count(self, family: str) -> int:
        """How many entries carry this family name (folded)."""
        keys = family_keys(family)
        return self._family_counts.get(keys[0], 0) if keys else 0

    def with_family_count(self, family: str, count: int) -> RegistryIndex:
        """This index, counting `count` namesakes for `family`.

        For an index built from a slice of larger lists (the entries the database found
        within one typo of a visitor's date of birth): the namesakes are those of the lists.
        """
        keys = family_keys(family)
        if not keys:
            return self
        return replace(self, _family_counts={**self._family_counts, keys[0]: count})

    def common_name_penalty(self, family: str, policy: MatchPolicy) -> float:
        """What a shared family name costs a candidate whose date of birth differs.

        A date one typo away admits a few dozen dates; among the N entries called Smith,
        about N x 30 / 25,000 share one of them by chance. The penalty grows with the log
        of that count (value-specific agreement weights, as in Fellegi-Sunter linkage), so
        a DOB typo is forgiven for a rare name and not for the commonest ones.
        """
        return policy.common_name_weight * math.log2(
            1 + self.family_count(family) / policy.common_name_scale
        )

    def blocked(self, dob: date) -> Iterator[tuple[RegistryEntry, DobRelation]]:
        """The entries whose date of birth is within one typo of `dob`."""
        for variant, relation in dob_variants(dob).items():
            for position in self._by_dob.get(variant.toordinal(), ()):
                yield self.entries[position], relation

    def screen(self, visitor: Visitor, policy: MatchPolicy | None = None) -> tuple[Candidate, ...]:
        """Candidates for `visitor`, best first (ties by entry id, so the order is stable)."""
        policy = policy if policy is not None else MatchPolicy()
        probe = _Probe.of(visitor)
        penalty = self.common_name_penalty(visitor.family, policy)
        if penalty >= _NOTABLE_PENALTY:
            count = self.family_count(visitor.family)
            probe = replace(
                probe,
                common_name_penalty=penalty,
                common_name_reason=(
                    f"family name {visitor.family!r} is common ({count} entries), "
                    "so the differing date of birth counts for less"
                ),
            )
        found = [
            candidate
            for entry, relation in self.blocked(visitor.date_of_birth)
            if (candidate := _score(probe, entry, relation, self.nicknames, policy))
        ]
        return tuple(sorted(found, key=lambda c: (-c.score, c.entry_id)))


# Below this the penalty changes no decision worth a line in the reasons.
_NOTABLE_PENALTY = 0.005
