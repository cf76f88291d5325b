"""A school's gap cap: the supervisor's choice between tighter coverage and an officer who is
harder to predict, and the measurement of what each cap buys in the school's own zones.

The planner (``patrolopt``) keeps every stop's wait within ``gap_cap`` x the tightest round
of the zone and spends the slack on varying the route. Which cap is right is a judgement
(break-ins at the portables argue for a looser cap; a strict insurer for a tighter one), so
the supervisor makes it, seeing for each zone what every cap gives: the longest wait, the
chance to catch an intruder who watches the officer, and how hard the next stop is to guess
(:func:`patrolopt.frontier.measure_frontier`, the benchmark's own measurement).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from patrolopt.errors import GraphError, InfeasibleError
from patrolopt.frontier import measure_frontier
from patrolopt.graph import PatrolGraph
from patrolopt.io import graph_to_json
from patrolopt.problem import Officer, Problem
from vigil.core.permissions import Action
from vigil.patrols.graph_source import campus_graph
from vigil.patrols.models import (
    GAP_CAPS,
    GapCapChoice,
    GapCapMeasurement,
    MeasureStatus,
)
from vigil.patrols.services import (
    PatrolError,
    current_gap_cap,
    latest_gap_cap_choice,
    require_scope,
    too_often,
)
from vigil.sites.models import Building, School

log = logging.getLogger(__name__)

MEASURED_DAYS = 20  # seeded 8 h days per cap at least, as in the benchmark
MAX_DAYS = 60  # a zone with a long round is observed longer, up to this
# A measurement that has not finished in this long lost its worker; it may be asked for again.
STALE_AFTER = timedelta(minutes=30)
MIN_NOTE = 8


def _cap(value: str) -> float:
    try:
        cap = float(value.strip().replace(",", "."))
    except ValueError:
        cap = math.nan
    if cap not in GAP_CAPS:
        choices = ", ".join(f"{c:g}" for c in GAP_CAPS)
        raise PatrolError(f"Choose one of {choices}.", field="gap_cap")
    return cap


def choose(
    *, actor: Any, school: School, gap_cap: str, note: str, now: datetime | None = None
) -> GapCapChoice:
    """Record the supervisor's choice; shifts started from now on plan with it."""
    require_scope(
        actor,
        Action.PATROLS_SUPERVISE,
        school,
        "gap cap choice",
        "You do not supervise patrols at this school.",
    )
    cap = _cap(gap_cap)
    note = note.strip()
    if len(note) < MIN_NOTE:
        raise PatrolError(
            f"Say why (at least {MIN_NOTE} characters): the next supervisor reads it.",
            field="note",
        )
    if len(note) > 300:
        raise PatrolError("Keep the reason to 300 characters.", field="note")
    if cap == current_gap_cap(school):
        raise PatrolError(f"The school already plans with {cap:g} ×.", field="gap_cap")
    choice = GapCapChoice(
        school=school, gap_cap=cap, note=note, author=actor, created=now or timezone.now()
    )
    choice.save()
    return choice


def undo(*, actor: Any, choice: GapCapChoice) -> float:
    """Delete the latest choice (the undo); returns the cap that applies again."""
    require_scope(
        actor,
        Action.PATROLS_SUPERVISE,
        choice.school,
        "gap cap undo",
        "You do not supervise patrols at this school.",
        field=None,
    )
    with transaction.atomic():
        school = School.objects.select_for_update().get(pk=choice.school_id)
        latest = latest_gap_cap_choice(school)
        if latest is None or latest.pk != choice.pk:
            raise PatrolError("Only the latest choice can be undone.")
        choice.delete()
        return current_gap_cap(school)


# --- what each cap buys, zone by zone ---------------------------------------------------------


@dataclass(frozen=True)
class Zone:
    key: str  # "campus" or "building-<pk>"
    label: str
    graph: PatrolGraph


def zones(school: School) -> list[Zone]:
    """The foot-patrol zones an officer can choose at shift start: the whole campus and each
    building with at least two stops."""
    found = []
    buildings: list[Building | None] = [None, *school.buildings.order_by("name")]
    for building in buildings:
        graph, _ = campus_graph(school, building=building, offsite=False)
        if len(graph.nodes) < 2:
            continue
        if building is None:
            found.append(Zone("campus", "Whole campus", graph))
        else:
            found.append(Zone(f"building-{building.pk}", building.name, graph))
    return found


def fingerprint(found: list[Zone]) -> str:
    """A hash of the zone graphs: it changes when a walkway edit or a new place changes one."""
    text = json.dumps([[z.key, graph_to_json(z.graph)] for z in found], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def latest_measurement(school: School) -> GapCapMeasurement | None:
    return GapCapMeasurement.objects.filter(school=school).first()


def is_stale(measurement: GapCapMeasurement, now: datetime | None = None) -> bool:
    """A queued or running measurement whose worker is gone."""
    unfinished = measurement.status in (MeasureStatus.QUEUED, MeasureStatus.RUNNING)
    return unfinished and (now or timezone.now()) - measurement.requested_at > STALE_AFTER


def request_measurement(
    *, actor: Any, school: School, now: datetime | None = None
) -> GapCapMeasurement:
    """Queue a fresh measurement of the school's zones, unless one is already under way."""
    require_scope(
        actor,
        Action.PATROLS_SUPERVISE,
        school,
        "gap cap measurement",
        "You do not supervise patrols at this school.",
        field=None,
    )
    now = now or timezone.now()
    with transaction.atomic():
        School.objects.select_for_update().get(pk=school.pk)  # one request at a time
        measurement = latest_measurement(school)
        if measurement is not None and (
            measurement.status in (MeasureStatus.QUEUED, MeasureStatus.RUNNING)
            and not is_stale(measurement, now)
        ):
            return measurement
        if measurement is None:
            measurement = GapCapMeasurement(school=school)
        measurement.status = MeasureStatus.QUEUED
        measurement.requested_by = actor
        measurement.requested_at = now
        measurement.finished_at = None
        measurement.steps_done = 0
        measurement.steps_total = 0
        measurement.zones = []
        measurement.error = ""
        measurement.save()
        pk = measurement.pk
        transaction.on_commit(lambda: _enqueue(pk))
    return measurement


@task()
def measure_task(measurement_id: int) -> None:
    measure(measurement_id)


def _enqueue(measurement_id: int) -> None:
    # The request has committed: a queue that refuses leaves the measurement waiting, and
    # after STALE_AFTER the page offers to ask again.
    try:
        measure_task.enqueue(measurement_id)
    except Exception:
        log.exception("cannot enqueue gap-cap measurement %s", measurement_id)


def _zone_result(zone: Zone, advance: Any) -> dict[str, Any]:
    result: dict[str, Any] = {"zone": zone.key, "label": zone.label, "stops": len(zone.graph.nodes)}
    problem = Problem(zone.graph, (Officer("officer"),), horizon_s=3600.0)
    try:
        frontier = measure_frontier(
            problem,
            caps=GAP_CAPS,
            days=MEASURED_DAYS,
            max_days=MAX_DAYS,
            progress=lambda _cap: advance(1),
        )
    except InfeasibleError as exc:
        result["error"] = f"{too_often(zone.graph, exc)}; officers patrol it as smaller zones."
    except GraphError as exc:  # e.g. a building whose stops no walkway joins
        result["error"] = f"The patrol graph of this zone is not usable: {exc}"
    else:
        result.update(
            tour_s=frontier.tour_s,
            team_gap_s=frontier.team_gap_s,
            attack_s=frontier.attack_s,
            points=[{k: _plain(v) for k, v in asdict(p).items()} for p in frontier.points],
        )
    if "error" in result:
        advance(len(GAP_CAPS))  # the caps that were not measured count as done
    return result


def _plain(value: Any) -> Any:
    # NumPy floats and NaN do not belong in a JSON column.
    if value is None or isinstance(value, int):
        return value
    number = float(value)
    return None if math.isnan(number) else number


def measure(measurement_id: int) -> None:
    """Measure every zone of the measurement's school at every cap, saving progress as it
    goes; the page polls it."""
    measurement = GapCapMeasurement.objects.select_related("school").get(pk=measurement_id)
    if measurement.status != MeasureStatus.QUEUED:
        return  # done, failed or taken by another worker
    rows = GapCapMeasurement.objects.filter(pk=measurement_id)
    try:
        found = zones(measurement.school)
        claimed = rows.filter(status=MeasureStatus.QUEUED).update(
            status=MeasureStatus.RUNNING, steps_total=len(found) * len(GAP_CAPS)
        )
        if not claimed:
            return

        def advance(steps: int) -> None:
            rows.update(steps_done=F("steps_done") + steps)

        results = [_zone_result(zone, advance) for zone in found]
        rows.update(
            status=MeasureStatus.DONE,
            finished_at=timezone.now(),
            zones=results,
            fingerprint=fingerprint(found),
        )
    except Exception:
        log.exception("gap-cap measurement %s failed", measurement_id)
        rows.update(
            status=MeasureStatus.FAILED,
            finished_at=timezone.now(),
            error="The measurement failed; the error is in the server log.",
        )
