"""A process keeps its recent tour searches (patrolopt.tour.tour_order)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from patrolopt import tour
from patrolopt.graph import PatrolGraph
from patrolopt.tour import clear_tour_cache, shortest_paths, step_times, tour_order


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Every search that reaches OR-Tools, by its start node; the cache starts empty."""
    clear_tour_cache()
    searches: list[int] = []
    search = tour._search

    def counting(scaled: np.ndarray, start: int, solutions: int) -> list[int]:
        searches.append(start)
        return search(scaled, start, solutions)

    monkeypatch.setattr(tour, "_search", counting)
    yield searches
    clear_tour_cache()


def _dist(graph: PatrolGraph) -> np.ndarray:
    return shortest_paths(step_times(graph, "foot"))[0]


def test_the_same_metric_is_searched_once_and_gives_the_same_order(
    grid: PatrolGraph, counted: list[int]
) -> None:
    dist = _dist(grid)
    first = tour_order(dist)
    again = tour_order(dist.copy())  # equal content, another array
    assert again == first
    assert counted == [0]
    again.reverse()  # the caller's list is its own: the kept order is unchanged
    assert tour_order(dist) == first
    # after clearing, a fresh search finds the same order (the search is deterministic)
    clear_tour_cache()
    assert tour_order(dist) == first
    assert counted == [0, 0]


def test_another_metric_start_or_effort_is_searched_again(
    grid: PatrolGraph, counted: list[int]
) -> None:
    dist = _dist(grid)
    tour_order(dist)
    slower = dist * 1.5
    tour_order(slower)
    tour_order(dist, first_solution=7)
    tour_order(dist, first_solution=7 + grid.n)  # the same start node, kept
    tour_order(dist, solutions=5)
    assert counted == [0, 0, 7, 0]
    assert len(tour._orders) == 4


def test_the_cache_keeps_only_the_most_recent_searches(
    grid: PatrolGraph, counted: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tour, "ORDER_CACHE_SIZE", 2)
    dist = _dist(grid)
    for start in (1, 2, 3):
        tour_order(dist, first_solution=start)
    assert len(tour._orders) == 2
    tour_order(dist, first_solution=3)  # kept
    tour_order(dist, first_solution=1)  # dropped first, searched again
    assert counted == [1, 2, 3, 1]
