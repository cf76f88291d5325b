"""What an officer checks at a stop, by the kind of stop, and which answers are findings.

Items follow the school-security practice this project is built on: exterior doors and windows
(secure, unsecured, propped, damaged, alarm fault), lighting ("pockets of darkness"), cameras
(present, obstructed, damaged), hazards, and people present without business. The first answer
of every item is the good one; any other answer becomes a finding with the severity given.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Answer:
    value: str
    label: str
    severity: int = 0  # 0: all is well; 1 low, 2 medium, 3 high (FindingSeverity)


@dataclass(frozen=True)
class Item:
    key: str
    question: str
    answers: tuple[Answer, ...]

    @property
    def good(self) -> str:
        return self.answers[0].value

    def answer(self, value: str) -> Answer | None:
        return next((a for a in self.answers if a.value == value), None)


DOOR = Item(
    "door",
    "Door",
    (
        Answer("secure", "Secure"),
        Answer("unsecured", "Unsecured (unlocked)", 3),
        Answer("propped", "Propped open", 3),
        Answer("damaged", "Damaged", 2),
        Answer("alarm_fault", "Alarm fault", 2),
    ),
)
WINDOWS = Item(
    "windows",
    "Windows",
    (
        Answer("secure", "Secure"),
        Answer("open", "Open", 2),
        Answer("broken", "Broken", 2),
    ),
)
LIGHTING = Item(
    "lighting",
    "Lighting",
    (Answer("working", "Working"), Answer("out", "Out (dark spot)", 2)),
)
CAMERAS = Item(
    "cameras",
    "Cameras",
    (
        Answer("present", "Present and clear"),
        Answer("obstructed", "Obstructed", 2),
        Answer("damaged", "Damaged or missing", 3),
    ),
)
HAZARDS = Item(
    "hazards",
    "Hazards",
    (Answer("none", "None"), Answer("hazard", "Hazard found", 2)),
)
PEOPLE = Item(
    "people",
    "People",
    (
        Answer("none", "Nobody without business"),
        Answer("without_business", "People without business", 3),
    ),
)

ITEMS = {item.key: item for item in (DOOR, WINDOWS, LIGHTING, CAMERAS, HAZARDS, PEOPLE)}
OUTDOOR_KINDS = frozenset({"parking_lot", "playing_field", "courtyard", "portable", "outbuilding"})


def items_for(kind: str, *, has_camera: bool = False) -> tuple[Item, ...]:
    """The checklist of a stop of ``kind`` (an area type, "exterior_door" or "offsite")."""
    if kind == "exterior_door":
        items: tuple[Item, ...] = (DOOR, LIGHTING)
    elif kind == "offsite":
        items = (PEOPLE, HAZARDS)
    elif kind in OUTDOOR_KINDS:
        items = (LIGHTING, PEOPLE, HAZARDS)
    else:
        items = (LIGHTING, WINDOWS, PEOPLE, HAZARDS)
    return (*items, CAMERAS) if has_camera else items
