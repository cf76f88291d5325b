"""The team's gap checks in :mod:`patrolopt.decide` against plain sorting."""

from __future__ import annotations

import numpy as np
import pytest

from patrolopt.decide import (
    Commitment,
    _consecutive_ok,
    _periodic_ok,
    _phase_test,
    commitment_at,
    upcoming_visits,
)
from patrolopt.model import PatrolModel, prepare
from patrolopt.problem import Officer, Problem
from patrolopt.tests.conftest import shipped_map


@pytest.mark.parametrize("officers", [1, 2, 3, 5])
def test_consecutive_check_equals_sorting(officers: int) -> None:
    graph = shipped_map("grid")
    model = prepare(Problem(graph, (Officer("a"), Officer("b")), horizon_s=3600.0))
    rng = np.random.default_rng(officers)
    n = graph.n
    for _ in range(50):
        # coarse values so that ties and gaps exactly at the cap occur
        theirs = np.sort(rng.integers(0, 12, (officers, n)) * model.cap / 2, axis=0)
        first = rng.integers(0, 12, (7, n)) * model.cap / 2
        stacked = np.sort(
            np.concatenate([first[:, None, :], np.broadcast_to(theirs, (7, *theirs.shape))], 1), 1
        )
        expected = np.all(np.diff(stacked, axis=1) <= model.cap + 1e-6, axis=(1, 2))
        assert np.array_equal(_consecutive_ok(model, first, theirs), expected)


def _gaps_within_cap(model: PatrolModel, team: list[tuple[float, int]]) -> bool:
    """Brute force: every node's circular gaps over all officers' visits within its cap."""
    period = model.period
    for j in range(model.problem.graph.n):
        visits = []
        for phase, d in team:
            tour = model.tours[d]
            visits += [(phase + tour.arrival[q]) % period for q in tour.occurrences(j)]
        visits.sort()
        gaps = np.diff([*visits, visits[0] + period])
        if gaps.max() > model.cap[j] + 1e-6:
            return False
    return True


@pytest.mark.parametrize(("name", "officers"), [("1r5", 2), ("cumberland", 3), ("DIAG_labs", 4)])
def test_periodic_checks_against_brute_force(name: str, officers: int) -> None:
    """The exact test agrees with brute force; the quick test never passes what it rejects."""
    graph = shipped_map(name)
    model = prepare(Problem(graph, tuple(Officer(f"o{i}") for i in range(officers)), 3600.0))
    period = model.period
    rng = np.random.default_rng(officers)
    quick_passed = 0
    for trial in range(150):
        tours = rng.choice(model.team_tours, officers)
        # near-even phases (the planner's regime), with some exactly tied to test ties
        phases = (
            np.arange(officers) * period / officers + rng.normal(0, period / 30, officers)
        ) % period
        if trial % 10 == 0:
            phases[1] = phases[0]
        team = [(float(f), int(d)) for f, d in zip(phases, tours, strict=True)]
        exact = _periodic_ok(
            model, phases[:1], tours[:1].astype(np.int64), phases[1:], tours[1:].astype(np.int64)
        )
        assert bool(exact[0]) == _gaps_within_cap(model, team)
        quick = _phase_test(model, team[1:])(team[0][0], team[0][1])
        assert not quick or exact[0]
        quick_passed += quick
    assert quick_passed > 0  # the quick test does settle rows


def test_moves_are_the_switches_of_every_neighbour() -> None:
    graph = shipped_map("cumberland")
    model = prepare(Problem(graph, (Officer("a"), Officer("b")), horizon_s=3600.0))
    for u in range(graph.n):
        moves = model.moves(u, 0)
        expected = [(v, dp) for v in model.neighbours[u] for dp in model.switches[v]]
        assert list(zip(moves.nodes, moves.pairs, strict=True)) == expected
        for r, (d, p) in enumerate(moves.pairs):
            assert np.array_equal(moves.offsets[r], model.offsets[d][p])
            assert moves.arrival[r] == model.tours[d].arrival[p]
    variant = next(d for d in model.team_tours if model.restricted[d])
    for u in range(graph.n):
        moves = model.moves(u, variant)
        for v in model.neighbours[u]:
            mine = {dp for w, dp in zip(moves.nodes, moves.pairs, strict=True) if w == v}
            own = {(variant, int(p)) for p in model.occurrences[variant][v]}
            assert mine == set(model.switches[v]) | own  # its own continuation included


def _rotation_next_visits(model: PatrolModel, commit: Commitment, now: float) -> np.ndarray:
    """Brute force: walk the committed rotation position by position and note each node's
    first arrival at or after ``now``."""
    tour = model.tours[commit.direction]
    out = np.full(model.problem.graph.n, np.inf)
    t, q = commit.arrival_s, commit.position
    while not np.isfinite(out).all():
        node = int(tour.walk[q])
        if t >= now - 1e-9 and not np.isfinite(out[node]):
            out[node] = t
        t += tour.arrival[q + 1] - tour.arrival[q]
        q = (q + 1) % tour.m
    return out


@pytest.mark.parametrize("name", ["1r5", "DIAG_floor1"])
def test_upcoming_visits_are_the_rotations_next_passes(name: str) -> None:
    """On a tree (1r5) the tour passes most nodes twice: the next visit of a node already
    passed is its next pass, often sooner than one period after the first."""
    problem = Problem(shipped_map(name), (Officer("a"), Officer("b")), horizon_s=3_600.0)
    model = prepare(problem)
    graph_n = problem.graph.n
    sooner = 0
    for start in range(0, graph_n, 3):
        commit = commitment_at(model, start, 100.0, in_rotation=True)
        for now in (100.0, 100.0 + 0.3 * model.period, 100.0 + 1.7 * model.period):
            got = upcoming_visits(model, [commit], now)[0]
            np.testing.assert_allclose(got, _rotation_next_visits(model, commit, now), atol=1e-6)
            one_period_on = (
                commit.first + np.ceil((now - commit.first) / model.period).clip(0) * model.period
            )
            assert (got <= one_period_on + 1e-6).all()
            sooner += int((got < one_period_on - 1e-6).sum())
    if name == "1r5":
        assert sooner > 0
