"""A problem prepared for planning: tour, recovery tables, per-node caps and deadlines.

Problem: every planning decision asks "if the officer goes to ``v`` now, can the team still
meet every deadline?".  Answering it in microseconds needs the problem pre-digested once:
the optimal tour (Chevaleyre 2004) in both directions (for a lone officer also further
near-optimal tours that fit under the cap, for a team local variants of the optimal tour of
the same period, as extra recovery routes), the time from every
tour position to the first visit of every node, the gap cap of every node (the node's own
deadline, at most ``gap_cap`` times the tour period divided by ``k``) and all-pairs shortest paths.

The gap cap follows the "recovery route" idea: a randomised move is allowed only if a
rotation of the optimal tour from the new position still meets every deadline, so the
worst gap never exceeds the cap while every remaining degree of freedom is spent on
unpredictability.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from patrolopt.errors import GraphError, InfeasibleError
from patrolopt.graph import PatrolGraph
from patrolopt.problem import FixedPost, Problem
from patrolopt.tour import SOLUTION_LIMIT, Tour, optimal_tour, shortest_paths, step_times

__all__ = ["PERIOD_TOL_S", "Moves", "Params", "PatrolModel", "prepare"]

#: Two tours whose periods differ by at most this many seconds count as one period (float
#: rounding of the same sum of travel and dwell times; any real difference is far larger).
PERIOD_TOL_S = 1e-6

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Params:
    """Planner parameters.

    Parameters
    ----------
    gap_cap : float
        Worst allowed gap as a multiple of the optimal team gap (tour period / k), >= 1.
        1.0 reproduces the fixed tour; larger values buy unpredictability with coverage.
    tour_solutions : int
        Guided-local-search solutions explored for the optimal tour.
    alt_tours : int
        For a lone officer: further tour searches started from other nodes.  The shortest
        walk of all the searches is the officer's optimal tour (it sets the cap), and every
        other distinct closed walk whose period fits under the smallest gap cap becomes an
        extra recovery route (both directions), so more moves are provably safe.  Teams
        search once (for time) and recover along that tour and its local variants of the
        same period instead.
    balance : float
        For a lone officer: strength of the return balance (:mod:`patrolopt.balance`), which
        weights the random choice toward the node it has come back to least soon after
        leaving it.  0 (the default) leaves this pull off: it helps some maps and caps and
        hurts others, and costs the larger campuses entropy (``docs/benchmarks-patrolopt.md``,
        sixth round), so it is a measured option.  The shipped pull is ``return_pull``.
    return_window : float
        The attack time the balance defends, as a multiple of the optimal team gap (0.8:
        the benchmark's attacker, :mod:`patrolopt.bench`).
    return_pull : float
        For a lone officer whose slack is scarce (see ``return_slack``): how hard the nodes it
        comes back to less than the average soon after leaving them pull its random choice;
        with it, the slack the weakest node's return needs is kept back
        (:mod:`patrolopt.balance`, ninth round).  0 chooses uniformly among the safe moves.
    return_slack : float
        The pull runs only where the lone officer's slack, the smallest gap cap less the
        tour period, is at most this share of the period (0.25: caps up to 1.25).
    excursions : bool
        For a team: whether an officer may step to any neighbour and straight back before
        going on along its tour (:meth:`PatrolModel.moves`), not only to the
        neighbours next to it on a recovery tour.
    turn_share : float
        For a team: the share of tour-long stretches in which only one officer at a time may
        spend slack (:mod:`patrolopt.turns`), so the spacing, and not only the routes,
        varies.  0 lets every officer spend slack all the time.
    variety : float
        For a team at gap caps up to ``1 + return_slack`` (1.25), where an officer's slack
        is scarce: how hard the moves taken least often from the same pair of nodes are
        preferred (:mod:`patrolopt.variety`, eleventh round).  0 chooses uniformly among the
        safe moves; at larger caps the uniform choice is kept, since every team row already
        reaches H2 0.63 or more there.
    """

    gap_cap: float = 1.25
    tour_solutions: int = SOLUTION_LIMIT
    alt_tours: int = 6
    balance: float = 0.0
    return_window: float = 0.8
    return_pull: float = 20.0
    return_slack: float = 0.25
    excursions: bool = True
    turn_share: float = 0.1
    variety: float = 0.5

    def __post_init__(self) -> None:
        if not (math.isfinite(self.gap_cap) and self.gap_cap >= 1.0):
            raise ValueError(f"gap_cap must be >= 1.0, got {self.gap_cap}")
        if self.tour_solutions < 1:
            raise ValueError("tour_solutions must be >= 1")
        if self.alt_tours < 0:
            raise ValueError("alt_tours must be >= 0")
        if not (math.isfinite(self.balance) and self.balance >= 0):
            raise ValueError(f"balance must be >= 0, got {self.balance}")
        if not (math.isfinite(self.return_window) and self.return_window > 0):
            raise ValueError(f"return_window must be > 0, got {self.return_window}")
        if not (math.isfinite(self.return_pull) and self.return_pull >= 0):
            raise ValueError(f"return_pull must be >= 0, got {self.return_pull}")
        if not (math.isfinite(self.return_slack) and self.return_slack >= 0):
            raise ValueError(f"return_slack must be >= 0, got {self.return_slack}")
        if not 0.0 <= self.turn_share <= 1.0:
            raise ValueError(f"turn_share must be within [0, 1], got {self.turn_share}")
        if not (math.isfinite(self.variety) and self.variety >= 0):
            raise ValueError(f"variety must be >= 0, got {self.variety}")


@dataclass(frozen=True, slots=True)
class Moves:
    """Every move from one node with the recoveries it is checked against, one row each.

    Row ``r`` is a step to ``nodes[r]`` and then ``tours[d]`` entered at position ``p``,
    ``(d, p) = pairs[r]``.  For a team officer at its committed tour position the rows after
    the first ``index.size`` are its excursions: a step to a neighbour and straight back,
    then on along its tour from that position (:meth:`PatrolModel.moves`).

    An officer leaving at ``now`` arrives at ``now + travel`` and starts its recovery at
    ``rejoin = arrival + dwell + onward``; every node ``j`` is then first visited at
    ``rejoin + offsets[r, j]``, except the row's own node, visited on arrival.

    Attributes
    ----------
    nodes : tuple of int
    pairs : tuple of (int, int)
    travel, dwell : ndarray
        Travel time to the row's node and the dwell the tour model assumes there.
    onward : ndarray
        From the end of that dwell to the start of the recovery: minus the dwell for a move
        (the recovery starts on arrival), the walk back for an excursion.
    index, columns : ndarray of int
        ``0 .. M-1`` and their nodes, for the ``M`` moves (to write each one's own arrival;
        an excursion's visit is not credited, see :meth:`PatrolModel.moves`).
    offsets : ndarray
        ``offsets[r]`` is ``PatrolModel.offsets[d][p]`` of the row's recovery: gathered once
        here, since every decision from this node reads them.
    arrival, period : ndarray
        ``tours[d].arrival[p]`` and ``tours[d].period``.
    tours : ndarray of int
        ``d`` of every row.
    """

    nodes: tuple[int, ...]
    pairs: tuple[tuple[int, int], ...]
    travel: FloatArray
    dwell: FloatArray
    onward: FloatArray
    index: IntArray
    columns: IntArray
    offsets: FloatArray
    arrival: FloatArray
    period: FloatArray
    tours: IntArray


@dataclass(frozen=True)
class PatrolModel:
    """Everything the decision rule needs, computed once per problem.

    Attributes
    ----------
    problem : Problem
    params : Params
    mode : str
        The team's travel mode.
    travel : ndarray
        Direct travel times (``inf``: no edge).
    model_dwell : ndarray
        Dwell assumed by the tour at every visit (hot-spot stays included).
    dist : ndarray
        Shortest step times between all pairs; ``pred`` its predecessor matrix.
    tours : tuple of Tour
        The optimal tour forwards and backwards, then for one officer alternative recovery
        tours, each forwards and backwards, for a team local variants of the optimal tour.
    offsets : tuple of ndarray
        ``offsets[d][p, j]``: time from arriving at position ``p`` of ``tours[d]`` to first
        arriving at ``j``; views of the rows ``offset_base[d] + p`` of ``offset_table``.
    occurrences : tuple of tuple of ndarray
        ``occurrences[d][v]``: positions of node ``v`` in ``tours[d]``.
    cap : ndarray
        Per-node gap cap in seconds.
    team_gap : float
        Tour period divided by ``k``: the fixed tour's worst gap.
    neighbours : tuple of tuple of int
    windowed : tuple of int
        Nodes with time windows.
    risk_level : tuple of str
        "low", "medium" or "high" per node, relative to the mean risk.
    k_eff : int
        Fewest officers patrolling at any time (posts and shifts taken out); caps use it.
    entries : tuple of tuple of ndarray
        ``entries[d][v]``: positions of ``v`` at which an officer not yet on ``tours[d]``
        may switch to it (all of ``occurrences[d][v]``, except for a team's local variants:
        the positions of their reversed stretch).
    team_tours : tuple of int
        Indices of :attr:`tours` the decision rule recovers along: every tour for one
        officer; for a team the optimal tour forwards and its local variants
        (:func:`_local_variants`), which all share its period.
    switches : tuple of tuple of (int, int)
        ``switches[v]``: every ``(d, p)`` with ``d`` in :attr:`team_tours` and ``p`` in
        ``entries[d][v]``, in order: the recoveries a move to ``v`` is checked against.
    visit_times : ndarray
        ``visit_times[d, j]``: the times within one period, counted from tour position 0,
        at which ``tours[d]`` arrives at node ``j`` (padded by repeating the first, which
        leaves the gaps between them unchanged).
    displacement : ndarray
        ``displacement[d, j]``: how far (circularly, within one period) the visit of
        ``tours[d]`` to ``j`` nearest to the optimal tour's first visit of ``j`` lies from
        it; 0 for the optimal tour and for nodes outside a local variant's reversed stretch.
        Bounds the team's gaps from the officers' phases alone
        (:func:`patrolopt.decide._phase_test`).
    phase_room : tuple of tuple of float
        ``phase_room[d][e]``: the largest phase gap two officers next to each other (by
        phase) on ``tours[d]`` and ``tours[e]`` may have so that the visits between them
        stay within every node's cap whatever their displacements: the smallest over nodes
        ``j`` of ``cap[j] - displacement[d, j] - displacement[e, j]``.
    offset_table : ndarray
        Every tour's :attr:`offsets`, one after the other (``offset_base[d]``: first row of
        ``tours[d]``), so the rows of many recoveries are gathered in one step.
    restricted : tuple of bool
        Per tour: whether it is a team tour an officer may not enter at every position (a
        local variant); an officer on it has moves of its own (:meth:`moves`).
    """

    problem: Problem
    params: Params
    mode: str
    travel: FloatArray
    model_dwell: FloatArray
    dist: FloatArray
    pred: IntArray
    tours: tuple[Tour, ...]
    offsets: tuple[FloatArray, ...]
    occurrences: tuple[tuple[IntArray, ...], ...]
    cap: FloatArray
    team_gap: float
    neighbours: tuple[tuple[int, ...], ...]
    windowed: tuple[int, ...]
    risk_level: tuple[str, ...]
    k_eff: int
    entries: tuple[tuple[IntArray, ...], ...]
    team_tours: tuple[int, ...]
    switches: tuple[tuple[tuple[int, int], ...], ...]
    visit_times: FloatArray
    displacement: FloatArray
    phase_room: tuple[tuple[float, ...], ...]
    offset_table: FloatArray
    offset_base: tuple[int, ...]
    restricted: tuple[bool, ...]
    _moves: dict[tuple[int, int, int], Moves] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def period(self) -> float:
        """Tour period, seconds."""
        return self.tours[0].period

    @property
    def slack_s(self) -> float:
        """The most slack one officer can hold: the smallest cap less the team gap (for a
        lone officer, the tour period)."""
        return float(self.cap.min()) - self.team_gap

    def moves(self, u: int, direction: int, here: int = -1) -> Moves:
        """The moves from ``u`` and their recoveries, for an officer on ``tours[direction]``.

        For each neighbour ``v`` its :attr:`switches`, and for an officer on one of a team's
        local variants every position of ``v`` on its own tour too (its continuation is
        always a candidate).

        With ``here`` (a position of ``u`` on ``tours[direction]``, where a team officer
        stands on its committed rotation) the excursions follow: a step from ``u`` to each
        neighbour ``x`` and straight back, then on along the tour from ``here``, two edges
        late.  The recoveries of the moves enter a tour at the neighbour, so they only reach
        the neighbours next to ``u`` on some tour; a node next to ``u`` on the map but far
        from it on the tour (the next corridor over, the room across the hall) was never a
        choice.  The excursions spend slack a team's officers could not use otherwise: with
        them H2 on DIAG_floor1 and cumberland with two officers rose from 0.49 and 0.48 to
        0.53 and 0.54 (``docs/benchmarks-patrolopt.md``, ninth round).  A lone officer does
        not take them: its slack is better spent on returns (cumberland's capture 0.172
        without them, 0.117 with them).  The visit to ``x`` itself is not credited: the team
        checks take every first visit for the start of the officer's periodic regime on its
        tour, and ``x``'s is not (crediting it let four officers on grid at cap 1.5 break the
        cap).  Leaving a visit out only makes the checks stricter.

        Built once per key on first use: the decision rule asks for them tens of thousands of
        times a shift.
        """
        # Only an officer on a tour it may not enter everywhere (a local variant) has moves
        # of its own; every other officer shares one table per node.
        key = (u, direction if self.restricted[direction] or here >= 0 else -1, here)
        found = self._moves.get(key)
        if found is not None:
            return found
        nodes: list[int] = []
        pairs: list[tuple[int, int]] = []
        for v in self.neighbours[u]:
            mine = self.switches[v]
            own = self.occurrences[direction][v]
            if self.restricted[direction] and len(own) != len(self.entries[direction][v]):
                mine = tuple(sorted({*mine, *((direction, int(p)) for p in own)}))
            nodes += [v] * len(mine)
            pairs += mine
        columns = np.array(nodes, dtype=np.int64)
        onward = -self.model_dwell[columns]
        if here >= 0:
            side = list(self.neighbours[u])
            xs = np.array(side, dtype=np.int64)
            nodes += side
            pairs += [(direction, here)] * len(side)
            onward = np.concatenate([onward, self.travel[xs, u]])
        every = np.array(nodes, dtype=np.int64)
        found = Moves(
            nodes=tuple(nodes),
            pairs=tuple(pairs),
            travel=self.travel[u, every],
            dwell=self.model_dwell[every],
            onward=onward,
            index=np.arange(len(columns)),
            columns=columns,
            offsets=self.offset_table[[self.offset_base[d] + p for d, p in pairs]],
            arrival=np.array([self.tours[d].arrival[p] for d, p in pairs]),
            period=np.array([self.tours[d].period for d, _ in pairs]),
            tours=np.array([d for d, _ in pairs], dtype=np.int64),
        )
        self._moves[key] = found
        return found

    def next_hop(self, u: int, target: int) -> int:
        """First node after ``u`` on a shortest path to ``target`` (``u != target``)."""
        v = target
        while int(self.pred[u, v]) != u:
            v = int(self.pred[u, v])
        return v

    def post_entry(self, post: FixedPost) -> float:
        """Time from which an officer stops patrolling to make its post from anywhere."""
        x = self.problem.graph.index[post.node]
        return post.start_s - float(self.dist[:, x].max()) - float(self.cap.max())

    def with_absence(self, first: FloatArray, post: FixedPost) -> FloatArray:
        """First visits of a rotation cut by an upcoming post.

        Visits after :meth:`post_entry` do not happen; the officer's visits resume when it
        rejoins the tour at the post node when the post ends.
        """
        x = self.problem.graph.index[post.node]
        after = post.end_s + self.offsets[0][int(self.occurrences[0][x][0])]
        return np.where(first <= self.post_entry(post), first, after)

    def deadlines(self, last: FloatArray, now: float) -> FloatArray:
        """Latest time of the next visit of every node (``inf``: none needed).

        A node must be visited within its cap of its last visit; the first visit is due by
        the warm-up end (or the opening of its time window, if later) plus its cap.
        """
        warm = self.problem.warmup_s
        out = np.where(np.isfinite(last), last, warm) + self.cap
        for j in self.windowed:
            out[j] = math.inf
            for w in self.problem.graph.nodes[j].windows:
                if w.end_s <= now:
                    continue
                start = last[j] if last[j] >= w.start_s else max(w.start_s, warm)
                due = start + self.cap[j]
                if due < w.end_s:
                    out[j] = due
                    break
        return out


def prepare(problem: Problem, params: Params | None = None) -> PatrolModel:
    """Pre-compute the :class:`PatrolModel` of ``problem``.

    Raises
    ------
    GraphError
        If the officers do not share one travel mode.
    InfeasibleError
        If a node's deadline is shorter than the best the team can do (tour period / k),
        or a hot-spot rule's period is shorter than the gap cap; the message names the node.
    """
    params = params or Params()
    modes = {o.mode for o in problem.officers}
    if len(modes) != 1:
        raise GraphError(f"plan officers of one travel mode at a time, got {sorted(modes)}")
    mode = modes.pop()
    graph = problem.graph
    step = step_times(graph, mode)
    forward = optimal_tour(graph, mode, solutions=params.tour_solutions)
    model_dwell = np.array([node.model_dwell_s() for node in graph.nodes])
    travel = graph.travel_matrix(mode)
    alternatives: list[Tour] = []
    if problem.k == 1 and params.alt_tours:
        alternatives = _alternative_tours(graph, mode, forward, params)
        # A search from another node can end on a shorter tour (campus-medium: 1.5 %); the
        # officer's optimal tour is then that one, since it sets the cap and the recovery.
        best = min(range(len(alternatives)), key=lambda i: alternatives[i].period, default=-1)
        if best >= 0 and alternatives[best].period < forward.period - PERIOD_TOL_S:
            alternatives[best], forward = forward, alternatives[best]
    backward = forward.reversed(travel, model_dwell)
    dist, pred = shortest_paths(step)
    k_eff = _fewest_available(problem)
    team_gap = forward.period / k_eff
    cap = np.full(graph.n, params.gap_cap * team_gap)
    for j, node in enumerate(graph.nodes):
        if node.max_gap_s is not None:
            if node.max_gap_s < team_gap:
                raise InfeasibleError(
                    f"node {node.id}: max gap {node.max_gap_s:g} s is shorter than the best "
                    f"{k_eff} officer(s) can keep ({team_gap:.0f} s = tour / k)",
                    node=node.id,
                )
            cap[j] = min(cap[j], node.max_gap_s)
        if node.hotspot is not None and node.hotspot.every_s < cap[j]:
            raise InfeasibleError(
                f"node {node.id}: hot-spot period {node.hotspot.every_s:g} s is shorter than "
                f"its gap cap {cap[j]:.0f} s",
                node=node.id,
            )
    tours = [forward, backward]
    occurrences = [tuple(t.occurrences(v) for v in range(graph.n)) for t in tours]
    if problem.k == 1 and params.alt_tours:
        # longer than the tightest cap, a tour cannot serve as a recovery route
        for tour in alternatives:
            if tour.period <= float(cap.min()) + PERIOD_TOL_S:
                tours += [tour, tour.reversed(travel, model_dwell)]
        occurrences += [tuple(t.occurrences(v) for v in range(graph.n)) for t in tours[2:]]
        team_tours = tuple(range(len(tours)))
        entries = occurrences
    elif problem.k == 1:
        team_tours = (0, 1)
        entries = occurrences
    else:
        # The team lever: the optimal tour with one short stretch reversed, same period.
        variants = _local_variants(forward, travel, model_dwell, float(cap.min()) - team_gap)
        team_tours = (0, *range(2, 2 + len(variants)))
        entries = list(occurrences)
        for tour, (i, j) in variants:
            tours.append(tour)
            occ = tuple(tour.occurrences(v) for v in range(graph.n))
            occurrences.append(occ)
            entries.append(tuple(o[(o >= i) & (o <= j)] for o in occ))
    risk_mean = float(np.mean([node.risk for node in graph.nodes]))
    times = _visit_times(tours, occurrences)
    shifts = _displacement(times, forward.period)
    table = np.concatenate([t.first_offset() for t in tours])
    base = [0, *np.cumsum([t.m for t in tours]).tolist()]
    return PatrolModel(
        problem=problem,
        params=params,
        mode=mode,
        travel=graph.travel_matrix(mode),
        model_dwell=model_dwell,
        dist=dist,
        pred=pred,
        tours=tuple(tours),
        offsets=tuple(table[a:b] for a, b in pairwise(base)),
        offset_table=table,
        offset_base=tuple(base[:-1]),
        restricted=tuple(
            d in team_tours and any(len(e) != len(o) for e, o in zip(ent, occ, strict=True))
            for d, (ent, occ) in enumerate(zip(entries, occurrences, strict=True))
        ),
        occurrences=tuple(occurrences),
        entries=tuple(entries),
        cap=cap,
        team_gap=team_gap,
        neighbours=graph.neighbours(mode),
        windowed=tuple(j for j, node in enumerate(graph.nodes) if node.windows),
        risk_level=tuple(_risk_level(node.risk / risk_mean) for node in graph.nodes),
        k_eff=k_eff,
        team_tours=team_tours,
        switches=tuple(
            tuple((d, int(p)) for d in team_tours for p in entries[d][v]) for v in range(graph.n)
        ),
        visit_times=times,
        displacement=shifts,
        phase_room=tuple(
            tuple(float(x) for x in row)
            for row in (cap - shifts[:, None, :] - shifts[None, :, :]).min(axis=2)
        ),
    )


def _local_variants(
    forward: Tour, travel: FloatArray, dwell: FloatArray, span: float
) -> list[tuple[Tour, tuple[int, int]]]:
    """The optimal tour with one stretch of at most ``span`` seconds reversed, same period.

    Reversing positions ``i..j`` of the walk (a 2-opt move) changes only the two edges at
    its ends; kept when they cost what they replace, so the period is the optimal tour's
    (checked on the timed walk), and every visit moves by at most ``span``.  Team-mates on
    these tours keep a common period, which the team's gap check needs
    (:func:`patrolopt.decide._feasible`).  Returns each tour with its reversed positions.
    """
    walk, arrival, m = forward.walk, forward.arrival, forward.m
    out: list[tuple[Tour, tuple[int, int]]] = []
    seen = {tuple(int(x) for x in walk)}
    for i in range(1, m):
        for j in range(i + 1, m):
            if arrival[j] - arrival[i] > span:
                break
            before, after = walk[i - 1], walk[(j + 1) % m]
            if before == walk[j] or walk[i] == after:
                continue
            delta = (
                travel[before, walk[j]]
                + travel[walk[i], after]
                - travel[before, walk[i]]
                - travel[walk[j], after]
            )
            if not (math.isfinite(delta) and abs(delta) <= PERIOD_TOL_S):
                continue
            new = np.concatenate([walk[:i], walk[i : j + 1][::-1], walk[j + 1 :]])
            key = tuple(int(x) for x in new)
            if key in seen:
                continue
            tour = Tour.from_walk(new, travel, dwell)
            if abs(tour.period - forward.period) > PERIOD_TOL_S:
                continue
            seen.add(key)
            out.append((tour, (i, j)))
    return out


def _visit_times(tours: list[Tour], occurrences: list[tuple[IntArray, ...]]) -> FloatArray:
    """``out[d, j]``: arrival times at node ``j`` within one period of ``tours[d]``
    (``occurrences[d][j]``: the positions of ``j`` in it)."""
    occ = [[t.arrival[at] for at in occ_d] for t, occ_d in zip(tours, occurrences, strict=True)]
    n = len(occurrences[0])
    width = max(len(a) for row in occ for a in row)
    out = np.empty((len(tours), n, width))
    for d, row in enumerate(occ):
        for j, a in enumerate(row):
            out[d, j, :] = a[0]
            out[d, j, : len(a)] = a
    return out


def _displacement(times: FloatArray, period: float) -> FloatArray:
    """``out[d, j]``: circular distance from the optimal tour's first visit of ``j`` to the
    nearest visit of ``tours[d]`` to ``j`` (``times`` as :func:`_visit_times` gives them)."""
    apart = np.abs(times - times[0, :, :1])
    return np.asarray(np.minimum(apart, period - apart).min(axis=2))


def _alternative_tours(graph: PatrolGraph, mode: str, forward: Tour, params: Params) -> list[Tour]:
    """Closed walks other than ``forward`` from ``params.alt_tours`` further searches.

    Searches start from evenly spread nodes (deterministic, so the model is reproducible).
    A walk that is a rotation or reversal of ``forward`` or of one already kept is dropped.
    """

    def key(walk: IntArray) -> tuple[int, ...]:
        m = len(walk)
        forms = []
        for w in (walk, walk[::-1]):
            for r in range(m):
                forms.append(tuple(int(x) for x in np.roll(w, -r)))
        return min(forms)

    seen = {key(forward.walk)}
    out: list[Tour] = []
    starts = np.linspace(0, graph.n, params.alt_tours + 1, endpoint=False)[1:].astype(int)
    for start in starts:
        tour = optimal_tour(
            graph,
            mode,
            first_solution=int(start),
            solutions=max(1, params.tour_solutions // 3),
        )
        k = key(tour.walk)
        if k in seen:
            continue
        seen.add(k)
        out.append(tour)
    return out


def _risk_level(relative: float) -> str:
    if relative >= 1.5:
        return "high"
    return "low" if relative <= 2 / 3 else "medium"


def _fewest_available(problem: Problem) -> int:
    """Fewest officers on patrol at any moment: shifts and fixed posts take officers out."""
    away: list[tuple[float, float]] = [(p.start_s, p.end_s) for p in problem.fixed_posts]
    for officer in problem.officers:
        if officer.shift_start_s > 0:
            away.append((0.0, officer.shift_start_s))
        if officer.shift_end_s < problem.horizon_s:
            away.append((officer.shift_end_s, problem.horizon_s))
    events = sorted([(a, 1) for a, _ in away] + [(b, -1) for _, b in away])
    busy = most = 0
    for _, delta in events:
        busy += delta
        most = max(most, busy)
    if most >= problem.k:
        raise InfeasibleError("at some moment no officer is left on patrol (posts and shifts)")
    return problem.k - most
