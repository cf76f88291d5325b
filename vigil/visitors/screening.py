"""Screening a visitor against the lists that apply at a school, from the database.

Rather than holding every list in memory, the screening asks the database only for the
entries whose date of birth is within one typo of the visitor's (the same blocking
`RegistryIndex` does in memory, done by the date-of-birth index of the table), builds a
`RegistryIndex` of those few and screens against it. The common-name penalty needs the number
of namesakes in the whole of the lists, so that count is read from the database too. The lists
are therefore never stale and nothing is cached; bench/visitor_checkin.py measures the cost.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q

from vigil.sites.models import School
from vigil.visitors.choices import WatchKind
from vigil.visitors.matching import (
    Alias,
    Candidate,
    RegistryEntry,
    RegistryIndex,
    Visitor,
    dob_variants,
)
from vigil.visitors.models import RegistryPerson, WatchEntry
from vigil.visitors.names import family_keys


@dataclass(frozen=True)
class Listed:
    """A list entry in the form the matcher reads, with where it came from."""

    entry: RegistryEntry
    fingerprint: str
    list_label: str
    detail: str
    watch_entry_id: int | None = None
    registry_person_id: int | None = None


@dataclass(frozen=True)
class Found:
    candidate: Candidate
    listed: Listed


def fingerprint(*parts: Any) -> str:
    """A stable digest of an entry's content: any change to it makes a new fingerprint."""
    text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _aliases(raw: Any) -> tuple[Alias, ...]:
    return tuple(Alias(str(a.get("family", "")), str(a.get("given", ""))) for a in raw or ())


def listed_watch(entry: WatchEntry) -> Listed:
    detail = entry.get_kind_display()
    if entry.student_label:
        detail += f" · student: {entry.student_label}"
    if entry.expires_on:
        detail += f" · until {entry.expires_on.isoformat()}"
    return Listed(
        RegistryEntry(
            id=f"w{entry.pk}",
            family=entry.family_name,
            given=entry.given_names,
            date_of_birth=entry.date_of_birth,
            aliases=_aliases(entry.aliases),
            source="watch",
        ),
        fingerprint(
            "watch",
            entry.pk,
            entry.kind,
            entry.family_name,
            entry.given_names,
            entry.aliases,
            entry.date_of_birth,
            entry.student_label,
            entry.expires_on,
        ),
        WatchKind(entry.kind).label,
        detail,
        watch_entry_id=entry.pk,
    )


def listed_registry(person: RegistryPerson) -> Listed:
    return Listed(
        RegistryEntry(
            id=f"r{person.pk}",
            family=person.family_name,
            given=person.given_names,
            date_of_birth=person.date_of_birth,
            aliases=_aliases(person.aliases),
            jurisdiction=person.jurisdiction or None,
            source="registry",
        ),
        fingerprint(
            "registry",
            person.registry_id,
            person.family_name,
            person.given_names,
            person.aliases,
            person.date_of_birth,
            person.jurisdiction,
        ),
        person.registry.name,
        f"{person.registry.name}, line {person.line}"
        + (f" · {person.jurisdiction}" if person.jurisdiction else ""),
        registry_person_id=person.pk,
    )


def watch_entries_at(school: School, today: date) -> Any:
    """The watch entries in force at a school: its own and the district-wide ones."""
    return WatchEntry.objects.filter(Q(school=school) | Q(school=None)).exclude(
        expires_on__lt=today
    )


def registry_people_at(school: School) -> Any:
    return RegistryPerson.objects.filter(Q(registry__school=school) | Q(registry__school=None))


def screen(school: School, visitor: Visitor, today: date) -> list[Found]:
    """Candidates for the visitor among the lists in force at the school, best first."""
    dates = sorted(dob_variants(visitor.date_of_birth))
    listed = [
        listed_watch(w) for w in watch_entries_at(school, today).filter(date_of_birth__in=dates)
    ]
    listed += [
        listed_registry(p)
        for p in registry_people_at(school)
        .filter(date_of_birth__in=dates)
        .select_related("registry")
    ]
    if not listed:
        return []
    by_id = {item.entry.id: item for item in listed}
    index = RegistryIndex.build(item.entry for item in listed)
    keys = family_keys(visitor.family)
    if keys:
        namesakes = registry_people_at(school).filter(family_key=keys[0]).count()
        namesakes += sum(
            1
            for item in listed
            if item.watch_entry_id and family_keys(item.entry.family)[:1] == keys[:1]
        )
        index = index.with_family_count(visitor.family, namesakes)
    return [Found(c, by_id[c.entry_id]) for c in index.screen(visitor)]
