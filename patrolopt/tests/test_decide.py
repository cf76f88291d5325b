"""The team's gap checks in :mod:`patrolopt.decide` against plain sorting."""

from __future__ import annotations

import numpy as np
import pytest

from patrolopt.decide import _consecutive_ok, _periodic_ok, _phase_test
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
            assert np.array_equal(model.offset_table[moves.rows[r]], model.offsets[d][p])
            assert moves.arrival[r] == model.tours[d].arrival[p]
    variant = next(d for d in model.team_tours if model.restricted[d])
    for u in range(graph.n):
        moves = model.moves(u, variant)
        for v in model.neighbours[u]:
            mine = {dp for w, dp in zip(moves.nodes, moves.pairs, strict=True) if w == v}
            own = {(variant, int(p)) for p in model.occurrences[variant][v]}
            assert mine == set(model.switches[v]) | own  # its own continuation included
