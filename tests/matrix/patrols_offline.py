"""Authorization case of the phone's checklist queue (/patrol/sync/checklist/, issue 5).

The item targets the actor's own shift at the target school when they patrol there; otherwise
the shift of the officer who patrols it, which nobody else may post into: 404, nothing stored.
"""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse
from django.utils import timezone

from tests.matrix.base import Case, Ctx
from tests.matrix.patrols import _shift, _walker_shift
from vigil.core.permissions import Action
from vigil.evidence.models import EvidenceItem
from vigil.patrols.models import Finding, Shift, WorkOrder


def _item(ctx: Ctx) -> dict[str, Any]:
    shift: Shift = _shift(ctx) or _walker_shift(ctx)
    return {
        "client_id": f"matrix-queue-{ctx.school.slug}",
        "shift": shift.pk,
        "node": shift.next_node,
        "occurred_at": timezone.now().isoformat(),
        # Every stop of a building zone (area or door) has lighting: a finding to store.
        "answers": json.dumps({"lighting": "out"}),
        "note": "",
    }


CASES: tuple[Case, ...] = (
    Case(
        "patrols:sync_checklist",
        "post",
        lambda c: reverse("patrols:sync_checklist"),
        Action.PATROLS_WALK,
        200,
        data=_item,
    ),
)

MODELS: list[Any] = [Shift, Finding, WorkOrder, EvidenceItem]
