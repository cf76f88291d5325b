"""Personal names folded to a form that compares, and the nicknames that link given names.

A registry writes "José García-López Jr.", the card says "JOSE GARCIA LOPEZ" and the visitor
types "Jose Garcia". `fold` removes what does not tell two people apart (accents, case,
punctuation, the suffix), `family_keys` lists the forms a compound or particled surname is
filed under, and `NicknameTable` says that Bill and William are the same given name.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

__all__ = [
    "NicknameTable",
    "family_keys",
    "fold",
    "given_tokens",
    "load_nicknames",
    "name_tokens",
]

NICKNAMES_CSV = Path(__file__).with_name("nicknames.csv")

# Generational suffixes say which of two relatives, but a registry and a card rarely agree
# on carrying them, so they are dropped before comparing.
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v", "2nd", "3rd", "esq"})
# Particles that people and clerks keep or drop: "de la Cruz" is filed as "Cruz" too.
PARTICLES = frozenset(
    {"da", "das", "de", "del", "della", "der", "des", "di", "do", "dos", "du", "la", "le"}
    | {"van", "von", "den", "ten", "ter", "st", "saint", "y", "e", "al", "el", "bin", "ibn"}
)
# Letters that Unicode does not decompose into a base letter plus an accent.
_UNDECOMPOSED = str.maketrans(
    {"ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ł": "l", "Ł": "l"}
    | {"đ": "d", "Đ": "d", "ð": "d", "þ": "th", "\u0131": "i", "ß": "ss"}
)
# Apostrophes vanish (O'Brien is OBrien); every other mark separates words.
_APOSTROPHES = frozenset("'\u2019\u2018`\u00b4\u02bc")


@lru_cache(maxsize=262_144)
def fold(text: str) -> str:
    """Lowercase ASCII words, single-spaced: "Zoë O'Brien-Núñez" -> "zoe obrien nunez"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    out: list[str] = []
    for ch in decomposed:
        if unicodedata.combining(ch) or ch in _APOSTROPHES:
            continue
        out.append(ch if ch.isalnum() and ch.isascii() else " ")
    return " ".join("".join(out).casefold().split())


def name_tokens(text: str) -> tuple[str, ...]:
    """The folded words of a name without generational suffixes."""
    return tuple(token for token in fold(text).split() if token not in SUFFIXES)


@lru_cache(maxsize=262_144)
def family_keys(family: str) -> tuple[str, ...]:
    """The forms a family name may be filed under, the full joined form first.

    'García-López' -> ('garcialopez', 'garcia', 'lopez'); 'de la Cruz' -> ('delacruz', 'cruz');
    'Van Dyke' -> ('vandyke', 'dyke').
    """
    tokens = name_tokens(family)
    if not tokens:
        return ()
    keys = ["".join(tokens)]
    core = [token for token in tokens if token not in PARTICLES]
    if core and len(core) < len(tokens):
        keys.append("".join(core))
    if len(core) > 1:
        keys.extend(core)
    return tuple(dict.fromkeys(keys))


@lru_cache(maxsize=262_144)
def given_tokens(given: str) -> tuple[str, ...]:
    """The given names in order: the first is the one a person is usually called by."""
    return name_tokens(given)


@dataclass(frozen=True, slots=True)
class NicknameTable:
    """Groups of given names that are the same name (William, Bill, Will, Liam...).

    The first name of each group is its formal name, which lets a reason say which way
    round the nickname goes.
    """

    groups_by_name: dict[str, frozenset[int]]
    formal_names: frozenset[str] = frozenset()

    @classmethod
    def from_groups(cls, groups: Iterable[Iterable[str]]) -> NicknameTable:
        by_name: dict[str, set[int]] = {}
        formal: set[str] = set()
        for number, group in enumerate(groups):
            keys = [key for key in (fold(name).replace(" ", "") for name in group) if key]
            if keys:
                formal.add(keys[0])
            for key in keys:
                by_name.setdefault(key, set()).add(number)
        return cls(
            {name: frozenset(numbers) for name, numbers in by_name.items()}, frozenset(formal)
        )

    def related(self, first: str, second: str) -> bool:
        """True when two folded given names are different names of one nickname group."""
        if first == second:
            return False
        mine = self.groups_by_name.get(first)
        return mine is not None and not mine.isdisjoint(self.groups_by_name.get(second, ()))

    def describe(self, visitors: str, entrys: str) -> str:
        """Say how two related given names relate, the formal one named last."""
        if entrys in self.formal_names:
            return f"given name {visitors.title()!r} is a nickname of {entrys.title()!r}"
        if visitors in self.formal_names:
            return (
                f"given name {entrys.title()!r} on the entry is a nickname of {visitors.title()!r}"
            )
        return f"given names {visitors.title()!r} and {entrys.title()!r} are nicknames of one name"


@cache
def load_nicknames(path: Path = NICKNAMES_CSV) -> NicknameTable:
    """The curated table shipped beside this module (comment lines start with '#')."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.reader(handle) if row and not row[0].startswith("#")]
    return NicknameTable.from_groups(rows)
