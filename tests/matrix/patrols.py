"""Authorization cases of the officer's patrol pages (vigil/patrols, issue 5).

Pages of a running shift target a shift the case starts for the actor at the target school when
the actor patrols there; an actor who may patrol but not at that school has no shift there, so
the page answers 404 like any record outside the scope.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from tests.matrix.base import Case, Ctx
from vigil.accounts.models import User
from vigil.core.permissions import Action, scope_for
from vigil.patrols import services, tags
from vigil.patrols.models import Finding, Scan, Shift, WorkOrder
from vigil.sites.models import Building

_WALK = Action.PATROLS_WALK


def _small_building(ctx: Ctx) -> Building:
    """The target school's building with the fewest areas: one officer can always patrol it."""
    building = (
        Building.objects.filter(school=ctx.school, areas__isnull=False)
        .annotate(n=Count("areas"))
        .order_by("n", "pk")
        .first()
    )
    assert building is not None
    return building


def _shift(ctx: Ctx) -> Shift | None:
    """The actor's running shift at the target school, started here if they may patrol it."""
    if ctx.actor is None or not scope_for(ctx.actor, _WALK).allows_school(ctx.school.pk):
        return None
    return services.active_shift(ctx.actor) or services.shift_start(
        actor=ctx.actor, school=ctx.school, building=_small_building(ctx), mode="foot", hours=2
    )


def _on_shift(name: str) -> Any:
    def path(ctx: Ctx) -> str:
        _shift(ctx)
        return reverse(name)

    return path


def _check_path(ctx: Ctx) -> str:
    shift = _shift(ctx)
    node = shift.next_node if shift else f"door-{_small_building(ctx).pk}"
    return reverse("patrols:check", args=[node])


def _tag_path(ctx: Ctx) -> str:
    building = _small_building(ctx)
    area = building.areas.order_by("pk").first()
    assert area is not None
    return tags.url(ctx.school.pk, f"area-{area.pk}")


def _start_data(ctx: Ctx) -> dict[str, Any]:
    return {
        "school": ctx.school.pk,
        "building": _small_building(ctx).pk,
        "mode": "foot",
        "hours": 2,
    }


CASES: tuple[Case, ...] = (
    Case("patrols:home", "get", lambda c: reverse("patrols:home"), _WALK, 200, scoped=False),
    Case(
        "patrols:start",
        "post",
        lambda c: reverse("patrols:start"),
        _WALK,
        302,
        scoped=False,
        data=_start_data,
    ),
    # Without a running shift at a school in scope, there is nothing to call away or end.
    Case("patrols:away", "post", _on_shift("patrols:away"), _WALK, 302),
    Case("patrols:end", "post", _on_shift("patrols:end"), _WALK, 302),
    Case("patrols:tag", "get", _tag_path, _WALK, 200),
    Case(
        "patrols:checkin",
        "post",
        lambda c: reverse("patrols:checkin"),
        _WALK,
        302,
        scoped=False,
        data=lambda c: {"token": "forged", "client_id": "m", "occurred_at": "2026-01-01T00:00Z"},
    ),
    Case("patrols:check", "get", _check_path, _WALK, 200),
    # A foot shift has no camera tour: the view refuses with a message (302) and stores nothing.
    Case(
        "patrols:attest",
        "post",
        _on_shift("patrols:attest"),
        _WALK,
        302,
        data=lambda c: {"node": "camera-1", "client_id": "m", "observation": "x"},
    ),
    Case(
        "patrols:sync",
        "post",
        lambda c: reverse("patrols:sync"),
        _WALK,
        200,
        scoped=False,
        json=True,
        data=lambda c: [],  # type: ignore[arg-type,return-value]
    ),
    Case("patrols:panic", "get", lambda c: reverse("patrols:panic"), _WALK, 200, scoped=False),
    # The alarm is raised at the actor's own school when the target is not theirs: always 302.
    Case(
        "patrols:panic#post",
        "post",
        lambda c: reverse("patrols:panic"),
        _WALK,
        302,
        scoped=False,
        data=lambda c: {"school": c.school.pk, "client_id": f"matrix-{c.school.slug}"},
    ),
    Case("patrols:offline", "get", lambda c: reverse("patrols:offline"), _WALK, 200, scoped=False),
    Case(
        "patrols:sw",
        "get",
        lambda c: reverse("patrols:sw"),
        None,
        200,
        public=True,
        scoped=False,
    ),
    Case(
        "patrols:tag_sheet",
        "get",
        lambda c: reverse("patrols:tag_sheet", args=[_small_building(c).pk]),
        Action.PATROLS_SUPERVISE,
        200,
    ),
)

# The officer who patrols each demo school; supervisor pages target their shift.
WALKER = {
    "cedar-hollow-hs": "officer",
    "juniper-ridge-ms": "officer2",
    "willow-creek-es": "officer2",
}


def _walker_shift(ctx: Ctx) -> Shift:
    walker = User.objects.get(username=WALKER[ctx.school.slug])
    return services.active_shift(walker) or services.shift_start(
        actor=walker, school=ctx.school, building=_small_building(ctx), mode="foot", hours=2
    )


def _work_order(ctx: Ctx) -> WorkOrder:
    shift = _walker_shift(ctx)
    door = next((n["id"] for n in shift.graph["nodes"] if n["id"].startswith("door-")), None)
    node = door or shift.next_node
    answers = {"door": "damaged"} if door else {"lighting": "out"}
    (finding,) = services.checklist_submit(
        actor=shift.officer,
        shift=shift,
        node=node,
        answers=answers,
        client_id=f"matrix-{ctx.school.slug}",
        occurred_at=timezone.now(),
    ).findings
    order: WorkOrder = finding.work_order
    return order


CASES = (
    *CASES,
    Case(
        "patrols:board",
        "get",
        lambda c: reverse("patrols:board", args=[c.school.slug]),
        Action.PATROLS_SUPERVISE,
        200,
    ),
    Case(
        "patrols:reveal",
        "post",
        lambda c: reverse("patrols:reveal", args=[c.school.slug, _walker_shift(c).pk]),
        Action.PATROLS_SUPERVISE,
        302,
        data=lambda c: {"reason": "officer not answering the radio"},
    ),
    Case(
        "patrols:coverage",
        "get",
        lambda c: reverse("patrols:coverage", args=[c.school.slug]),
        Action.PATROLS_SUPERVISE,
        200,
    ),
    Case(
        "patrols:findings",
        "get",
        lambda c: reverse("patrols:findings", args=[c.school.slug]),
        Action.FINDINGS_VIEW,
        200,
    ),
    Case(
        "patrols:work_order",
        "post",
        lambda c: reverse("patrols:work_order", args=[_work_order(c).pk]),
        Action.WORK_ORDERS_MANAGE,
        302,
        data=lambda c: {"to": "assigned", "assigned_to": "Facilities"},
    ),
)


def _activity_path(ctx: Ctx) -> str:
    shift = _walker_shift(ctx)
    day = timezone.localtime(shift.started_at).date().isoformat()
    return reverse("patrols:activity", args=[ctx.school.slug, shift.officer_id, day])


CASES = (
    *CASES,
    Case(
        "patrols:overview",
        "get",
        lambda c: reverse("patrols:overview"),
        Action.FINDINGS_VIEW,
        200,
        scoped=False,
    ),
    Case(
        "patrols:week",
        "get",
        lambda c: reverse("patrols:week", args=[c.school.slug]),
        Action.PATROLS_SUPERVISE,
        200,
    ),
    Case("patrols:activity", "get", _activity_path, Action.PATROLS_SUPERVISE, 200),
)

MODELS: list[Any] = [Shift, Scan, Finding, WorkOrder]
