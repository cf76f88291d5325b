"""What a calendar occurrence is, read from its summary and categories with a keyword table.

The kind later decides which areas an occurrence raises the patrol risk of (hallways during
passing periods, the cafeteria at lunch, parking lots at dismissal, the gym and fields during
games); a duty event ("lunch duty", "bus loop duty") is a fixed post for an officer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import models


class OccurrenceKind(models.TextChoices):
    PERIOD = "period", "Period"
    PASSING = "passing", "Passing period"
    LUNCH = "lunch", "Lunch"
    DISMISSAL = "dismissal", "Dismissal"
    ASSEMBLY = "assembly", "Assembly"
    GAME = "game", "Athletics / game"
    DANCE = "dance", "Dance"
    OTHER = "other", "Other"


# First match wins, so the more specific kinds come first: "Passing period" is a passing
# period, not a period; "Lunch duty" is lunch. Keywords are whole words (or word pairs).
KEYWORDS: tuple[tuple[OccurrenceKind, tuple[str, ...]], ...] = (
    (OccurrenceKind.PASSING, ("passing", "passing period", "break between")),
    (OccurrenceKind.LUNCH, ("lunch", "nutrition break")),
    (OccurrenceKind.DISMISSAL, ("dismissal", "dismiss", "release", "bus loop")),
    (OccurrenceKind.ASSEMBLY, ("assembly", "rally", "pep rally", "convocation")),
    (OccurrenceKind.DANCE, ("dance", "prom", "formal", "winter ball")),
    (
        OccurrenceKind.GAME,
        (
            "game",
            "athletics",
            "vs",
            "match",
            "tournament",
            "meet",
            "football",
            "basketball",
            "baseball",
            "softball",
            "soccer",
            "volleyball",
            "wrestling",
            "track",
        ),
    ),
    (OccurrenceKind.PERIOD, ("period", "block", "homeroom", "advisory")),
)

FIXED_POST_WORDS: tuple[str, ...] = ("duty", "fixed post")


def _words(texts: Iterable[str]) -> str:
    """Lower-case text with every run of non-letters made one space, padded for whole-word tests."""
    return " " + " ".join(re.sub(r"[^a-z0-9]+", " ", t.lower()).strip() for t in texts) + " "


def _has(words: str, keyword: str) -> bool:
    return f" {keyword} " in words


def classify(summary: str, categories: Iterable[str] = ()) -> OccurrenceKind:
    words = _words([summary, *categories])
    for kind, keywords in KEYWORDS:
        if any(_has(words, k) for k in keywords):
            return kind
    return OccurrenceKind.OTHER


def is_fixed_post(summary: str, categories: Iterable[str] = ()) -> bool:
    words = _words([summary, *categories])
    return any(_has(words, k) for k in FIXED_POST_WORDS)
