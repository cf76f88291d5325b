"""NIBRS offence codes, read once from the table shipped in ``data/`` (sources in its README)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from vigil.incidents.choices import SchoolCategory

_TABLE = Path(__file__).with_name("data") / "nibrs_offense_codes.tsv"


@dataclass(frozen=True)
class Offence:
    code: str
    name: str
    group: str  # "A" or "B"
    crime_against: str

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


@cache
def nibrs() -> dict[str, Offence]:
    """Every NIBRS offence by code, in the table's order."""
    with _TABLE.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {
            row["code"]: Offence(
                code=row["code"],
                name=row["name_cde"],
                group=row["group"],
                crime_against=row["crime_against_(source_mapping)"],
            )
            for row in rows
        }


# The offences officers meet most on a campus, offered first (reference README's list).
SCHOOL_RELEVANT = (
    "13A",
    "13B",
    "13C",
    "90J",
    "520",
    "35A",
    "35B",
    "90C",
    "290",
    "23C",
    "23D",
    "220",
    "11D",
    "370",
    "26G",
)


def label(scheme: str, code: str) -> str:
    """A person-readable name for a classification, whatever its scheme."""
    if scheme == "nibrs":
        offence = nibrs().get(code)
        return offence.label if offence else code
    try:
        return str(SchoolCategory(code).label)
    except ValueError:
        return code
