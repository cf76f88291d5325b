"""Authorization cases of the walkway editor (vigil/patrols/views_walkways.py, issue 5).

The edit changes the length of the school's first walkway and keeps its modes: a change that
can never cut the campus apart, so it succeeds for everyone allowed at every demo school.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from tests.matrix.base import Case, Ctx
from vigil.accounts.models import User
from vigil.core.permissions import Action
from vigil.patrols.campus_graph import walkway_key
from vigil.patrols.graph_source import campus_graph
from vigil.patrols.models import WalkwayEdit

_SUPERVISE = Action.PATROLS_SUPERVISE


def _change(ctx: Ctx) -> dict[str, Any]:
    graph, _ = campus_graph(ctx.school)
    edge = graph.edges[0]
    a, b = walkway_key(edge.u, edge.v)
    return {
        "node_a": a,
        "node_b": b,
        "action": "change",
        "length_m": "42",
        "modes": sorted(edge.travel_s),
        "note": "matrix",
    }


def _undo_path(ctx: Ctx) -> str:
    """An edit of the target school (made once per test), to undo."""
    change = _change(ctx)
    edit, _ = WalkwayEdit.objects.get_or_create(
        school=ctx.school,
        node_a=change["node_a"],
        node_b=change["node_b"],
        defaults={
            "action": "change",
            "length_m": 42.0,
            "modes": ",".join(change["modes"]),
            "note": "matrix",
            "author": User.objects.get(username="director"),
            "created": timezone.now(),
        },
    )
    return reverse("patrols:walkway_undo", args=[ctx.school.slug, edit.pk])


CASES: tuple[Case, ...] = (
    Case(
        "patrols:walkways",
        "get",
        lambda c: reverse("patrols:walkways", args=[c.school.slug]),
        _SUPERVISE,
        200,
    ),
    Case(
        "patrols:walkway_edit",
        "post",
        lambda c: reverse("patrols:walkway_edit", args=[c.school.slug]),
        _SUPERVISE,
        302,
        data=_change,
    ),
    Case("patrols:walkway_undo", "get", _undo_path, _SUPERVISE, 200),
    Case("patrols:walkway_undo#post", "post", _undo_path, _SUPERVISE, 302),
)

MODELS: list[Any] = [WalkwayEdit]
