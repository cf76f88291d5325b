"""The gap-cap frontier a supervisor chooses from: measured per cap like a benchmark row."""

from __future__ import annotations

from dataclasses import replace

import pytest

from patrolopt.errors import InfeasibleError
from patrolopt.frontier import measure_frontier
from patrolopt.graph import PatrolGraph
from patrolopt.problem import Officer, Problem


def _problem(graph: PatrolGraph, k: int = 1) -> Problem:
    return Problem(graph, tuple(Officer(f"o{i}") for i in range(k)), horizon_s=3600.0)


def test_each_cap_keeps_its_waits_and_a_looser_cap_buys_unpredictability(
    grid: PatrolGraph,
) -> None:
    done: list[float] = []
    frontier = measure_frontier(_problem(grid), caps=(1.0, 2.0), days=1, progress=done.append)
    assert done == [1.0, 2.0]
    # A place visited once per cap x 148 s round, scored until 118 s before the day ends, is
    # left 194 (cap 1) or 97 (cap 2) times a day: 6 and 11 days make 1,000 departures.
    assert [p.days for p in frontier.points] == [6, 11]
    assert frontier.attack_s == pytest.approx(0.8 * frontier.team_gap_s)
    assert frontier.team_gap_s == pytest.approx(frontier.tour_s)  # one officer
    tight, loose = frontier.points
    for point in frontier.points:
        assert point.worst_gap_s <= point.cap * frontier.team_gap_s + 1e-6
        assert 0 < point.places_scored <= point.places_seen == grid.n
    # At cap 1 the officer walks the tightest tours: the attacker always gets away.
    assert tight.capture == 0.0
    assert tight.entropy_h2 < loose.entropy_h2
    assert loose.capture is not None
    assert loose.capture > 0.1
    assert loose.entropy_h2 > 0.5
    assert tight.violation_rate is None  # the grid's stops have no limits of their own


def test_a_campus_reports_its_deadline_violations(campus: PatrolGraph) -> None:
    frontier = measure_frontier(_problem(campus, k=2), caps=(1.25,), days=1, max_days=1)
    assert [p.violation_rate for p in frontier.points] == [0.0]


def test_a_stop_no_cap_can_serve_names_the_stop(grid: PatrolGraph) -> None:
    nodes = (replace(grid.nodes[0], max_gap_s=30.0), *grid.nodes[1:])
    with pytest.raises(InfeasibleError) as raised:
        measure_frontier(_problem(replace(grid, nodes=nodes)), caps=(1.0, 2.0))
    assert grid.nodes[0].id in str(raised.value)


def test_no_days_is_refused(grid: PatrolGraph) -> None:
    with pytest.raises(ValueError, match="days"):
        measure_frontier(_problem(grid), days=0)
