"""The clock raises risk: what the school calendar does to a shift's stop weights.

Hallways fill at passing periods, the cafeteria at lunch, the parking lots at dismissal, the gym
and fields during games, the theatre at assemblies. A shift's plan has one weight per stop
(patrolopt plans over a fixed graph), so a stop's weight is its time-averaged risk over the
shift: ``weight × (1 + Σ (multiplier − 1) × share of the shift the occurrence covers)``. A
four-hour shift with a 40-minute lunch weighs the cafeteria ×(1 + 2 × 1/6) = ×1.33; a one-hour
shift over lunch, ×2.33. Pure: occurrences and stop kinds in, weights and reasons out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from vigil.patrols.kinds import OccurrenceKind

# (occurrence kind) → {area type: multiplier while it lasts}
MULTIPLIERS: dict[str, dict[str, float]] = {
    OccurrenceKind.PASSING: {"hallway": 2.0, "stairway": 2.0, "restroom_student": 1.5},
    OccurrenceKind.LUNCH: {"cafeteria": 3.0, "courtyard": 1.5, "restroom_student": 1.5},
    OccurrenceKind.DISMISSAL: {"parking_lot": 2.0, "playing_field": 1.5},
    OccurrenceKind.GAME: {"gym": 2.0, "playing_field": 2.0, "parking_lot": 1.5},
    OccurrenceKind.ASSEMBLY: {"theater": 1.5, "gym": 1.5},
    OccurrenceKind.DANCE: {"gym": 2.0, "parking_lot": 1.5},
}


@dataclass(frozen=True)
class Occurrence:
    kind: str
    summary: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Raised:
    factor: float
    because: str  # e.g. "lunch 11:30–12:15"


def raise_weights(
    kinds: Mapping[str, str],
    occurrences: Iterable[Occurrence],
    shift_start: datetime,
    shift_end: datetime,
) -> dict[str, Raised]:
    """For each stop whose kind an occurrence raises: its factor and the occurrences why."""
    length = (shift_end - shift_start).total_seconds()
    if length <= 0:
        return {}
    extra: dict[str, float] = {}
    why: dict[str, list[str]] = {}
    for occurrence in occurrences:
        overlap = (
            min(occurrence.end, shift_end) - max(occurrence.start, shift_start)
        ).total_seconds()
        if overlap <= 0:
            continue
        for node, kind in kinds.items():
            multiplier = MULTIPLIERS.get(occurrence.kind, {}).get(kind)
            if multiplier is None:
                continue
            extra[node] = extra.get(node, 0.0) + (multiplier - 1.0) * overlap / length
            label = f"{occurrence.summary.lower()} {occurrence.start:%H:%M}–{occurrence.end:%H:%M}"
            if label not in why.setdefault(node, []):
                why[node].append(label)
    return {
        node: Raised(factor=round(1.0 + value, 3), because=", ".join(why[node][:3]))
        for node, value in extra.items()
    }
