"""Shortest closed patrol walk (the "optimal tour") and its rotation tables.

Problem: the shortest closed walk that visits every node of the patrol graph, where a step
``u -> v`` costs the travel time plus the inspection time at ``v``.  For one officer the
period of this walk is the smallest achievable worst gap (Chevaleyre 2004, "Theoretical
analysis of the multi-agent patrolling problem", IAT), and ``k`` officers evenly spaced on it
reach a worst gap of period / k.  It is computed as a travelling-salesman tour on the
shortest-path metric (OR-Tools routing: path-cheapest-arc start, then guided local search
stopped after a count of solutions, then a descent that takes only shortening moves until
none is left, with no time limit anywhere, so the same graph always yields the same, locally
optimal, tour), expanded back into a walk on the graph's edges.

A search takes seconds on a large graph (most of a plan's time), and the same graph is
planned again and again: every shift of a school, every cap of the gap-cap page, every cap
of a benchmark row.  So each process keeps the orders of its last searches
(:data:`ORDER_CACHE_SIZE`), keyed by the distance matrix the search sees; the search is
deterministic, so a kept order is the one a new search would find.

The randomised planner uses the tour as a *recovery route*: from any occurrence of a node it
can rejoin the tour forwards (or, for one officer, backwards) and knows, through
:attr:`Tour.first_offset`, when that rotation first reaches every node.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.constraint_solver.routing_parameters_pb2 import RoutingSearchParameters
from ortools.util import optional_boolean_pb2
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import shortest_path

from patrolopt.errors import GraphError
from patrolopt.graph import PatrolGraph

__all__ = [
    "ORDER_CACHE_SIZE",
    "Tour",
    "clear_tour_cache",
    "optimal_tour",
    "shortest_paths",
    "step_times",
    "tour_order",
]

#: Guided-local-search solutions explored; a count (not a time limit) keeps tours reproducible.
SOLUTION_LIMIT = 60

#: OR-Tools' large-neighbourhood operators on by default, each bounded by a time limit.
_TIMED_OPERATORS = (
    "use_global_cheapest_insertion_path_lns",
    "use_local_cheapest_insertion_path_lns",
    "use_relocate_path_global_cheapest_insertion_insert_unperformed",
    "use_global_cheapest_insertion_visit_types_lns",
    "use_local_cheapest_insertion_visit_types_lns",
)

#: Tour searches a process keeps (least recently used dropped first): a district's zones and
#: the benchmark's maps fit many times over, at a few kilobytes each.
ORDER_CACHE_SIZE = 64

_orders: OrderedDict[tuple[bytes, int, int], tuple[int, ...]] = OrderedDict()
_orders_lock = threading.Lock()

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def step_times(graph: PatrolGraph, mode: str) -> FloatArray:
    """Step time matrix: travel ``u -> v`` plus the model dwell at ``v`` (``inf``: no edge)."""
    w = graph.travel_matrix(mode)
    dwell = np.array([node.model_dwell_s() for node in graph.nodes])
    step: FloatArray = w + dwell[None, :]
    np.fill_diagonal(step, np.inf)
    return step


def shortest_paths(step: FloatArray) -> tuple[FloatArray, IntArray]:
    """All-pairs shortest step times (Dijkstra) and the predecessor matrix."""
    finite = np.where(np.isfinite(step), step, 0.0)
    dist, pred = shortest_path(csr_matrix(finite), method="D", return_predecessors=True)
    return np.asarray(dist, dtype=np.float64), np.asarray(pred, dtype=np.int64)


def _path(pred: IntArray, i: int, j: int) -> list[int]:
    """Nodes after ``i`` up to and including ``j`` on the shortest path."""
    out = [j]
    while out[-1] != i:
        out.append(int(pred[i, out[-1]]))
    return out[-2::-1]


def tour_order(
    dist: FloatArray, *, first_solution: int = 0, solutions: int = SOLUTION_LIMIT
) -> list[int]:
    """Order of nodes of a short TSP tour on the metric ``dist`` (deterministic).

    Parameters
    ----------
    dist : ndarray
        Symmetric or asymmetric metric, seconds.
    first_solution : int
        Start node of the construction; different values give different near-optimal tours.
    solutions : int
        Number of guided-local-search solutions to explore (a count keeps runs reproducible).
    """
    n = dist.shape[0]
    if n <= 3:
        return list(range(n))
    scaled = np.rint(dist * 1000).astype(np.int64)
    start = first_solution % n
    key = (hashlib.sha256(scaled.tobytes()).digest(), start, solutions)
    with _orders_lock:
        kept = _orders.get(key)
        if kept is not None:
            _orders.move_to_end(key)
            return list(kept)
    order = _search(scaled, start, solutions)
    with _orders_lock:
        _orders[key] = tuple(order)
        while len(_orders) > ORDER_CACHE_SIZE:
            _orders.popitem(last=False)
    return order


def clear_tour_cache() -> None:
    """Forget every kept tour search (the benchmark times plans from cold)."""
    with _orders_lock:
        _orders.clear()


def _search(scaled: IntArray, start: int, solutions: int) -> list[int]:
    """The OR-Tools search of :func:`tour_order` on millisecond costs ``scaled``."""
    n = scaled.shape[0]
    manager = pywrapcp.RoutingIndexManager(n, 1, start)
    routing = pywrapcp.RoutingModel(manager)

    callback = routing.RegisterTransitMatrix(scaled.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(callback)
    guided = _search_parameters(routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH)
    guided.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    guided.solution_limit = solutions
    solution = routing.SolveWithParameters(guided)
    # The count stops guided local search after a fixed number of moves, which on a large
    # graph comes before the tour is even locally optimal (the 300-node campus: 5 % longer
    # than where plain descent from it ends).  So the search ends with a descent: it only
    # takes moves that shorten the tour, stops by itself, and leaves a tour that is already
    # locally optimal as it is.
    descent = _search_parameters(routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT)
    solution = routing.SolveFromAssignmentWithParameters(solution, descent)
    index = routing.Start(0)
    order = []
    while not routing.IsEnd(index):
        order.append(manager.IndexToNode(index))
        index = solution.Value(routing.NextVar(index))
    return order


def _search_parameters(metaheuristic: int) -> RoutingSearchParameters:
    """OR-Tools search parameters with ``metaheuristic`` and no operator under a time limit.

    The large-neighbourhood operators run under a time limit (100 ms each by default), so on
    a slower machine they could end elsewhere; without them the search is a pure count and a
    graph has one tour on every machine.  On the ten benchmark maps they found nothing the
    others miss: every tour is the same without them.
    """
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.local_search_metaheuristic = metaheuristic
    for operator in _TIMED_OPERATORS:
        setattr(params.local_search_operators, operator, optional_boolean_pb2.BOOL_FALSE)
    return params


@dataclass(frozen=True)
class Tour:
    """A closed walk on the graph and its timing.

    Parameters
    ----------
    walk : ndarray of int
        Node indices ``c_0 .. c_{m-1}``; the walk returns from ``c_{m-1}`` to ``c_0``.
    arrival : ndarray of float
        ``arrival[q]``: time from arriving at ``c_0`` to arriving at ``c_q`` (length ``m + 1``,
        ``arrival[m]`` is the period).
    n : int
        Number of graph nodes.
    """

    walk: IntArray
    arrival: FloatArray
    n: int
    #: Time of one full cycle, seconds (``arrival[-1]``; kept as a float because the
    #: decision rule reads it tens of thousands of times a plan).
    period: float = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "period", float(self.arrival[-1]))

    @property
    def m(self) -> int:
        """Number of positions in the walk."""
        return len(self.walk)

    def reversed(self, travel: FloatArray, dwell: FloatArray) -> Tour:
        """The same walk travelled backwards."""
        return Tour.from_walk(np.concatenate([self.walk[:1], self.walk[:0:-1]]), travel, dwell)

    @staticmethod
    def from_walk(walk: IntArray, travel: FloatArray, dwell: FloatArray) -> Tour:
        """Time the closed walk: each position costs its dwell, then the travel onwards."""
        nxt = np.roll(walk, -1)
        arrival = np.concatenate([[0.0], np.cumsum(dwell[walk] + travel[walk, nxt])])
        return Tour(walk=walk.astype(np.int64), arrival=arrival, n=travel.shape[0])

    def first_offset(self) -> FloatArray:
        """``off[p, j]``: time from arriving at position ``p`` to first arriving at node ``j``.

        ``off[p, c_p] == 0``; every node appears in the walk, so all entries are finite.
        """
        arr = self.arrival[:-1]
        diff = np.mod(arr[None, :] - arr[:, None], self.period)  # (p, q)
        off = np.full((self.m, self.n), np.inf)
        for q in range(self.m):
            np.minimum(off[:, self.walk[q]], diff[:, q], out=off[:, self.walk[q]])
        return off

    def occurrences(self, node: int) -> IntArray:
        """Positions ``q`` with ``c_q == node``."""
        return np.flatnonzero(self.walk == node).astype(np.int64)


def optimal_tour(
    graph: PatrolGraph, mode: str, *, first_solution: int = 0, solutions: int = SOLUTION_LIMIT
) -> Tour:
    """Shortest closed walk visiting every node, by ``mode`` (see module docstring).

    Raises
    ------
    GraphError
        If some node cannot be reached by ``mode``.
    """
    graph.check_connected(mode)
    step = step_times(graph, mode)
    if graph.n == 1:
        raise GraphError("a patrol graph needs at least two nodes", node=graph.nodes[0].id)
    dist, pred = shortest_paths(step)
    order = tour_order(dist, first_solution=first_solution, solutions=solutions)
    walk: list[int] = [order[0]]
    for a, b in zip(order, [*order[1:], order[0]], strict=True):
        walk.extend(_path(pred, a, b))
    walk.pop()  # the last entry is c_0 again
    dwell = np.array([node.model_dwell_s() for node in graph.nodes])
    return Tour.from_walk(np.asarray(walk, dtype=np.int64), graph.travel_matrix(mode), dwell)
