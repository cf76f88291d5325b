"""Authorization cases of the console rules pages (vigil/rules): every route, every role."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from tests.matrix.base import Case, Ctx
from vigil.core.permissions import Action
from vigil.rules.models import CorrelationRule, Drill, EscalationRule, FloodRule, SeverityRule

RULES = Action.EVENTS_RULES
KINDS = ("severity", "correlation", "escalation", "flood", "drill")


def _record(kind: str, ctx: Ctx, *, district: bool = False) -> Any:
    """One rule or drill of ``kind`` at the target school (or district-wide), made once."""
    school = None if district else ctx.school
    name = f"Matrix {kind} {'district' if district else ctx.school.slug}"
    if kind == "severity":
        return SeverityRule.objects.get_or_create(
            name=name,
            school=school,
            defaults={
                "event_type": "door_held",
                "weekdays": [0, 1, 2, 3, 4],
                "start_time": time(7, 30),
                "end_time": time(15, 30),
                "severity": 1,
            },
        )[0]
    if kind == "correlation":
        return CorrelationRule.objects.get_or_create(name=name, school=school)[0]
    if kind == "escalation":
        return EscalationRule.objects.get_or_create(name=name, school=school)[0]
    if kind == "flood":
        return FloodRule.objects.get_or_create(name=name, school=school)[0]
    start = timezone.now().replace(microsecond=0)
    return Drill.objects.get_or_create(
        reason=name,
        school=ctx.school,
        defaults={"starts_at": start, "ends_at": start + timedelta(hours=1)},
    )[0]


def _edit(kind: str, district: bool = False) -> Any:
    def path(ctx: Ctx) -> str:
        return reverse("rules:edit", args=[kind, _record(kind, ctx, district=district).pk])

    return path


def _toggle(kind: str) -> Any:
    def path(ctx: Ctx) -> str:
        return reverse("rules:toggle", args=[kind, _record(kind, ctx).pk])

    return path


def _severity_form(ctx: Ctx) -> dict[str, Any]:
    return {
        "name": "After hours doors",
        "school": str(ctx.school.pk),
        "event_type": "door_held",
        "when": "outside",
        "weekdays": ["0", "1", "2", "3", "4"],
        "start_time": "07:30",
        "end_time": "15:30",
        "severity": "5",
        "enabled": "on",
    }


def _drill_form(ctx: Ctx) -> dict[str, Any]:
    return {
        "school": str(ctx.school.pk),
        "event_types": ["fire"],
        "starts_at": "2026-12-01T10:00",
        "ends_at": "2026-12-01T10:30",
        "reason": "Fire drill, all buildings",
        "enabled": "on",
    }


CASES: tuple[Case, ...] = (
    Case("rules:index", "get", lambda c: reverse("rules:index"), RULES, 200, scoped=False),
    *(
        Case(
            f"rules:new#{kind}",
            "get",
            lambda c, k=kind: reverse("rules:new", args=[k]),  # type: ignore[misc]
            RULES,
            200,
            scoped=False,
        )
        for kind in KINDS
    ),
    # A school outside the supervisor's scope is not among the form's choices: 400, no row.
    Case(
        "rules:new#severity-post",
        "post",
        lambda c: reverse("rules:new", args=["severity"]),
        RULES,
        302,
        data=_severity_form,
        out_of_scope=400,
    ),
    Case(
        "rules:new#drill-post",
        "post",
        lambda c: reverse("rules:new", args=["drill"]),
        RULES,
        302,
        data=_drill_form,
        out_of_scope=400,
    ),
    *(Case(f"rules:edit#{kind}", "get", _edit(kind), RULES, 200) for kind in KINDS),
    Case("rules:edit#severity-post", "post", _edit("severity"), RULES, 302, data=_severity_form),
    Case("rules:edit#drill-post", "post", _edit("drill"), RULES, 302, data=_drill_form),
    # District-wide rules are for district-wide staff only.
    Case(
        "rules:edit#district",
        "get",
        _edit("flood", district=True),
        RULES,
        200,
        scoped=False,
        district_only=404,
    ),
    *(
        Case(f"rules:toggle#{kind}", "post", _toggle(kind), RULES, 302, data=lambda c: {})
        for kind in KINDS
    ),
)

MODELS: list[type[Model]] = [SeverityRule, CorrelationRule, EscalationRule, FloodRule, Drill]
