"""Demo step: the high school's 2026–27 bell schedule and events, imported from iCalendar.

Imported through the real importer (as `vigil import ical` would), over the school year the
file describes, so the demo shows periods, passing periods, lunch and bus-loop duty posts,
games and a dance whatever day the demo is built.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from vigil.demo.layout import BuildResult
from vigil.patrols.importers import import_calendar

BELLS = (
    Path(__file__).resolve().parent.parent / "patrols" / "demo_data" / "cedar_hollow_hs_bells.ics"
)
SCHOOL_YEAR = (date(2026, 8, 1), date(2027, 7, 31))


def step(seed: int, result: BuildResult) -> None:
    report = import_calendar(
        BELLS.read_bytes(),
        school=result.schools["cedar-hollow-hs"],
        filename=BELLS.name,
        first=SCHOOL_YEAR[0],
        last=SCHOOL_YEAR[1],
    )
    if report.refused or report.kept_out:
        raise RuntimeError("\n".join(report.lines()))
