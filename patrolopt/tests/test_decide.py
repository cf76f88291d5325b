"""The team's gap checks in :mod:`patrolopt.decide` against plain sorting."""

from __future__ import annotations

import numpy as np
import pytest

from patrolopt.decide import Commitment, _consecutive_ok, _periodic_ok
from patrolopt.model import prepare
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


def test_periodic_check_counts_every_visit() -> None:
    graph = shipped_map("1r5")
    model = prepare(Problem(graph, tuple(Officer(f"o{i}") for i in range(2)), horizon_s=3600.0))
    period = model.period
    rng = np.random.default_rng(3)
    for _ in range(100):
        tours = rng.choice(model.team_tours, 3)
        phases = rng.uniform(0, period, 3)
        others = [Commitment(int(tours[0]), 0, float(phases[0]), np.zeros(graph.n), True)]
        got = _periodic_ok(model, phases[1:], tours[1:].astype(np.int64), others)
        for r in range(2):
            ok = True
            for j in range(graph.n):
                visits = []
                for d, phase in ((tours[0], phases[0]), (tours[1 + r], phases[1 + r])):
                    tour = model.tours[int(d)]
                    visits += [(phase + tour.arrival[q]) % period for q in tour.occurrences(j)]
                visits.sort()
                gaps = np.diff([*visits, visits[0] + period])
                ok &= bool(gaps.max() <= model.cap[j] + 1e-6)
            assert got[r] == ok
