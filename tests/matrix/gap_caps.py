"""Authorization cases of the gap-cap page (vigil/patrols/views_gap_caps.py, issue 4).

The choice is 2 x (never the default, so it always saves); the measurement is only queued (the
test's transaction never commits, so no task runs).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from tests.matrix.base import Case, Ctx
from vigil.accounts.models import User
from vigil.core.permissions import Action
from vigil.patrols.models import GapCapChoice, GapCapMeasurement

_SUPERVISE = Action.PATROLS_SUPERVISE


def _path(name: str) -> Any:
    return lambda c: reverse(f"patrols:{name}", args=[c.school.slug])


def _undo_path(ctx: Ctx) -> str:
    """The target school's latest choice (made once per test), to undo."""
    choice, _ = GapCapChoice.objects.get_or_create(
        school=ctx.school,
        defaults={
            "gap_cap": 1.5,
            "note": "matrix",
            "author": User.objects.get(username="director"),
            "created": timezone.now(),
        },
    )
    return reverse("patrols:gap_cap_undo", args=[ctx.school.slug, choice.pk])


CASES: tuple[Case, ...] = (
    Case("patrols:gap_cap", "get", _path("gap_cap"), _SUPERVISE, 200),
    Case(
        "patrols:gap_cap_choose",
        "post",
        _path("gap_cap_choose"),
        _SUPERVISE,
        302,
        data=lambda c: {"gap_cap": "2", "note": "matrix check"},
    ),
    Case("patrols:gap_cap_measure", "post", _path("gap_cap_measure"), _SUPERVISE, 302),
    Case("patrols:gap_cap_progress", "get", _path("gap_cap_progress"), _SUPERVISE, 200),
    Case("patrols:gap_cap_undo", "get", _undo_path, _SUPERVISE, 200),
    Case("patrols:gap_cap_undo#post", "post", _undo_path, _SUPERVISE, 302),
)

MODELS: list[Any] = [GapCapChoice, GapCapMeasurement]
