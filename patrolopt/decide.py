"""One patrol decision: where an officer goes next without breaking any deadline.

Problem: an officer at node ``u`` at time ``t`` must pick the next node so that (a) every
node is still visited before its deadline and no gap exceeds its cap, and (b) an observer
who knows the strategy learns as little as possible.  The rule, a randomised
deadline-aware walk with a recovery guarantee:

1. For every neighbour ``v`` and every rotation that starts at ``v`` of the tours in
   :attr:`PatrolModel.team_tours` (one officer: the optimal tour both ways and every
   alternative tour; a team: the optimal tour forwards and its local variants, which share
   its period and are entered where they differ), compute when the team would first
   visit every node if the officer went to ``v`` and then followed that rotation while the
   other officers follow their own committed rotations (their visits already made are
   replaced by the rotation's next one, :func:`upcoming_visits`).  A team officer in
   :func:`patrolopt.solver.solve` also has a step to each neighbour and straight back, then
   its committed rotation (the excursions of :meth:`PatrolModel.moves`).
2. Keep the moves for which that recovery meets every deadline, keeps consecutive first
   visits within the cap, and keeps every node's visits in the periodic regime after
   recovery (all officers on tours of one period, each at its own phase) at most the
   node's cap apart, counted exactly over one period (:func:`_feasible`; a sufficient test
   on the officers' phases alone, :func:`_phase_test`, spares the exact count for
   nearly every candidate).
3. Pick one of the safe neighbours uniformly at random (maximum local entropy, after
   Chevaleyre 2004 and the randomised strategies of Basilico, Gatti & Amigoni 2012) and
   commit to its recovery rotation with the largest slack.  Where a lone officer's slack is
   scarce, its choice is weighted by the return balance of :mod:`patrolopt.balance`, and
   the moves that would spend the slack the weakest node within reach needs for its return
   are dropped first (:func:`_reserve`); where a team's is, by the next-node counts of
   :mod:`patrolopt.variety`.

In a team's turn stretches (:mod:`patrolopt.turns`) an officer whose turn it is not keeps
only the safe moves that keep its pace on its tour, so the spacing, not only the routes,
varies.  A team officer that has gone a whole tour without a choice (on a map where no
detour fits the team's slack, such as grid with four officers) may instead stay where it is
a little longer before that move (:data:`HOLD_CHANCE`, :data:`HOLD_SHARE`), checked as the
move's recovery run late; the team's timing is then what varies.

Continuing a committed rotation is always safe, so a safe move always exists when the
officers follow the rule; the guarantee is the recovery-route argument of cyclic
strategies with slack (Chevaleyre 2004; Alamdari, Fata & Smith 2014, "Persistent monitoring
in discrete environments").
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from patrolopt.balance import ReturnBalance
from patrolopt.model import PatrolModel
from patrolopt.plan import Step
from patrolopt.problem import FixedPost
from patrolopt.variety import Variety

__all__ = [
    "HOLD_CHANCE",
    "HOLD_SHARE",
    "Commitment",
    "Decision",
    "commitment_at",
    "decide",
    "format_clock",
    "format_duration",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Chance that a team officer with no choice holds where it stands before its move, and the
#: hold as a share of the team gap.  Measured on grid with two and four officers, where the
#: team otherwise walks the fixed tour: capture 0 -> 0.039 and 0 -> 0.143 at cap 1.25
#: (docs/benchmarks-patrolopt.md, seventh round).  Teams that have choices never hold: a
#: hold spends slack their detours would use (sixth round).
HOLD_CHANCE = 0.1
HOLD_SHARE = 0.1


@dataclass(frozen=True, slots=True)
class Commitment:
    """The recovery an officer has committed to.

    Attributes
    ----------
    direction : int
        0 forwards, 1 backwards along the tour.
    position : int
        Tour position the officer will be at, at ``arrival_s``.
    arrival_s : float
        Model arrival time at that position.
    first : ndarray
        First visit time of every node under this recovery.
    in_rotation : bool
        False while the officer heads to or stands at a fixed post or is off shift.
    """

    direction: int
    position: int
    arrival_s: float
    first: FloatArray
    in_rotation: bool

    def phase(self, model: PatrolModel) -> float:
        """Time, modulo the period, at which this rotation passes tour position 0."""
        tour = model.tours[self.direction]
        return float((self.arrival_s - tour.arrival[self.position]) % tour.period)


def commitment_at(
    model: PatrolModel, node: int, arrival_s: float, *, in_rotation: bool, direction: int = 0
) -> Commitment:
    """Commitment to rejoin the tour at the first occurrence of ``node`` at ``arrival_s``."""
    p = int(model.occurrences[direction][node][0])
    first = arrival_s + model.offsets[direction][p]
    return Commitment(direction, p, arrival_s, first, in_rotation)


@dataclass(frozen=True, slots=True)
class Decision:
    """Outcome of :func:`decide`: the step to take and the commitment that backs it."""

    step: Step
    node: int
    commitment: Commitment
    safe_moves: int
    #: True when the step is a hold: the officer stays at its node (``step.dwell_s``) and
    #: makes its move afterwards.
    held: bool = False
    #: True when some safe move (before any was ruled out by ``may_delay``) would have put
    #: the officer later on its tour: a detour it had room for.  Only worked out when asked
    #: (``count_delays``) or when the officer may not delay.
    could_delay: bool = False


def format_duration(seconds: float) -> str:
    """Return ``seconds`` as "14 min" or "45 s"."""
    if not math.isfinite(seconds):
        return "never"
    return f"{seconds / 60:.0f} min" if seconds >= 120 else f"{seconds:.0f} s"


def _dwell(model: PatrolModel, v: int, arrival: float) -> float:
    """Dwell at ``v``: always the dwell the tour model assumes.

    At a hot spot every visit is a hot-spot stay of the rule's minimum length; at a node
    outside its time window the officer holds for the inspection time instead.  Keeping the
    modelled time keeps the officers' phases on the tour intact: a shorter stay would shift
    an officer ahead of its slot, and such shifts add up until the team breaks the cap.
    """
    del arrival
    return float(model.model_dwell[v])


def _reason(
    model: PatrolModel, v: int, arrival: float, dwell: float, last: FloatArray, safe: int
) -> str:
    node = model.problem.graph.nodes[v]
    if not node.is_open(arrival):
        text = f"passing through {node.label} (not patrolled at this hour)"
        if dwell > 0:
            text += f"; holds {format_duration(dwell)} to keep the team evenly spaced"
        return text
    since = arrival - last[v]
    head = (
        f"{node.label}: first visit"
        if not math.isfinite(since)
        else (f"{node.label}: {format_duration(since)} since last visit")
    )
    text = f"{head}, limit {format_duration(model.cap[v])}, risk {model.risk_level[v]}"
    if node.hotspot is not None and dwell >= node.hotspot.min_dwell_s:
        rule = node.hotspot
        text += (
            f"; hot spot: stay {format_duration(dwell)} (rule {format_duration(rule.min_dwell_s)}"
            f"-{format_duration(rule.max_dwell_s)} every {format_duration(rule.every_s)})"
        )
    if safe > 1:
        text += f"; drawn at random from {safe} safe moves"
    return text


def upcoming_visits(model: PatrolModel, commits: list[Commitment], now: float) -> FloatArray:
    """Next visit of every node at or after ``now`` under each officer's commitment, one row
    per officer.

    ``commit.first`` holds the first visits counted from the moment of the commitment; for
    an officer in rotation the ones already in the past happened, and its next visit of such
    a node is the rotation's next pass at or after ``now``: the tour passes node ``j`` at the
    officer's phase plus its arrival times at ``j`` (:attr:`PatrolModel.visit_times`), every
    period.  Using past visits as if they were still to come would hide the gap after them
    from the check; taking one period after the first visit instead (an earlier rule) was
    late for a node the tour passes twice, which left teams on the campuses with no move the
    check accepted (campus-medium, four officers: 30-140 such decisions in the first hour
    after the warm-up of every seed tried).
    An officer out of rotation keeps its ``first``.
    """
    ahead = np.array([c.first for c in commits])  # a copy, written below
    # Only the nodes an officer has passed since its commitment need the rotation: a few,
    # since an officer renews its commitment at every step.
    passed = ahead < now - 1e-9
    if not all(c.in_rotation for c in commits):
        passed &= np.array([c.in_rotation for c in commits])[:, None]
    rows, cols = np.nonzero(passed)
    if len(rows):
        phases = np.array([commits[i].phase(model) for i in rows.tolist()])
        directions = np.array([commits[i].direction for i in rows.tolist()])
        wait = model.visit_times[directions, cols]  # (passed, width): passes within a period
        wait += (phases - (now - 1e-9))[:, None]
        wait %= model.period  # from now to each pass's next time
        ahead[rows, cols] = wait.min(axis=1) + (now - 1e-9)
    return ahead


def _feasible(
    model: PatrolModel,
    first: FloatArray,
    phases: FloatArray,
    directions: IntArray,
    others: list[Commitment],
    deadline: FloatArray,
    now: float,
) -> tuple[npt.NDArray[np.bool_], FloatArray]:
    """Safety mask and minimum slack of candidate recoveries ``first`` (shape ``(R, n)``).

    Row ``r`` is the deciding officer recovering along ``tours[directions[r]]`` with phase
    ``phases[r]``.  Three checks, each exact for officers that keep their commitments:

    * every node's first visit by the team meets its deadline (covers the time before it);
    * consecutive first visits of every node by the officers are at most its cap apart
      (covers the time between the earliest and the latest of them);
    * the periodic regime after that: each rotating officer visits node ``j`` at its
      phase plus the tour's arrival times at ``j``, modulo the common period (all tours of a
      team have the optimal tour's period, :func:`~patrolopt.model.prepare`); the circular
      gaps between these visits, over all officers, must be at most the node's cap.  Past
      the latest first visit every officer is in that regime, so its gaps are the plan's.
    """
    if not others:
        slack = np.min(deadline - first, axis=1)
        return slack >= -1e-6, slack
    ahead = upcoming_visits(model, others, now)
    slack = (deadline - np.minimum(first, ahead.min(axis=0))).min(axis=1)
    ok = slack >= -1e-6  # rounding: a recovery that meets a deadline exactly is safe
    rotating = [o for o in others if o.in_rotation]
    if not rotating:
        return ok, slack
    if len(rotating) < len(others):
        ahead = ahead[[i for i, o in enumerate(others) if o.in_rotation]]
    ok &= _consecutive_ok(model, first, ahead)
    theirs = [(o.phase(model), o.direction) for o in rotating]
    sure = _phase_test(model, theirs)
    phase_list, tour_list = phases.tolist(), directions.tolist()
    unsure = [
        r for r, good in enumerate(ok.tolist()) if good and not sure(phase_list[r], tour_list[r])
    ]
    if unsure:
        their_phases = np.array([f for f, _ in theirs])
        their_tours = np.array([d for _, d in theirs], dtype=np.int64)
        ok[unsure] = _periodic_ok(
            model, phases[unsure], directions[unsure], their_phases, their_tours
        )
    return ok, slack


def _consecutive_ok(
    model: PatrolModel, first: FloatArray, theirs: FloatArray
) -> npt.NDArray[np.bool_]:
    """Whether adding ``first[r]`` to the visits ``theirs`` leaves gaps within the cap.

    The same as sorting each node's visits with the candidate's and checking consecutive
    differences, without sorting per row.  The candidate adds one visit per node, so it can
    mend at most one gap of ``theirs`` (sorted) longer than the cap, by landing within the
    cap of both its ends; with no such gap it must stay within the cap of the first and the
    last visit.  That is one interval per node, the same for every row.
    """
    cap = model.cap + 1e-6
    if len(theirs) == 1:
        lo, hi = theirs[0], theirs[0]
    elif len(theirs) == 2:
        early, late = np.minimum(theirs[0], theirs[1]), np.maximum(theirs[0], theirs[1])
        big = late - early > cap
        lo, hi = np.where(big, late, early), np.where(big, early, late)
    elif len(theirs) == 3:
        # sorted by a three-value network: cheaper than sorting (3, n) along its short axis
        low, high = np.minimum(theirs[0], theirs[1]), np.maximum(theirs[0], theirs[1])
        early, late = np.minimum(low, theirs[2]), np.maximum(high, theirs[2])
        middle = np.maximum(low, np.minimum(high, theirs[2]))
        first_big, second_big = middle - early > cap, late - middle > cap
        lo = np.where(second_big, late, np.where(first_big, middle, early))
        hi = np.where(
            first_big, np.where(second_big, -np.inf, early), np.where(second_big, middle, late)
        )
    else:
        theirs = np.sort(theirs, axis=0)
        gaps = theirs[1:] - theirs[:-1]  # (officers - 1, n)
        big = (gaps > cap).sum(axis=0)
        at = np.argmax(gaps, axis=0)
        cols = np.arange(theirs.shape[1])
        lo = np.where(big == 1, theirs[at + 1, cols], theirs[0])
        hi = np.where(big == 1, theirs[at, cols], np.where(big > 1, -np.inf, theirs[-1]))
    within = first >= lo - cap
    within &= first <= hi + cap
    return np.asarray(within.all(axis=1))


def _phase_test(
    model: PatrolModel, theirs: list[tuple[float, int]]
) -> Callable[[float, int], bool]:
    """A quick sufficient test of :func:`_periodic_ok` from the officers' phases.

    Returns ``sure(phase, tour)``: True when the officer at ``phase`` on ``tours[tour]``,
    with the rotating team-mates at ``theirs`` (phase, tour), surely keeps every node's
    periodic gaps within its cap; False when only the exact test can tell.

    Officer ``o`` at phase ``f_o`` on a tour displaced by ``e_o(j)`` at node ``j``
    (:attr:`PatrolModel.displacement`) visits ``j`` within ``e_o(j)`` of ``f_o + t(j)``,
    ``t(j)`` the optimal tour's first visit.  Sorting the officers by phase, every gap at
    ``j`` is then at most the largest ``f_b - f_a + e_a(j) + e_b(j)`` over officers ``a, b``
    next to each other: for a moment ``y``, take the ``a`` of largest phase whose visit
    cannot come after ``y`` (``f_a + e_a <= y``); the next officer ``b`` has
    ``f_b + e_b > y``, so ``a``'s visit is at most that much before ``y``.  Within every
    node's cap for all ``j`` at once means each such phase gap is at most
    :attr:`PatrolModel.phase_room` of the two tours.  The team-mates' pairs are checked once;
    the officer splits one of them (found by bisection), which leaves two comparisons per
    candidate.  Exact for nodes the tours pass once at the same time; it settles nearly all
    candidates, so the exact test runs only for the few it cannot.
    """
    period = model.period
    room = model.phase_room
    team = sorted(theirs)
    starts = [f for f, _ in team]
    ends = [*team[1:], (team[0][0] + period, team[0][1])]  # pair i: team[i] -> ends[i]
    bad = [
        i
        for i, ((fa, da), (fb, db)) in enumerate(zip(team, ends, strict=True))
        if fb - fa > room[da][db] + 1e-6
    ]

    def sure(phase: float, tour: int) -> bool:
        i = bisect_right(starts, phase) - 1  # the pair the officer splits (-1: the last)
        if bad and bad != [i % len(team)]:
            return False
        (fa, da), (fb, db) = team[i], ends[i]
        if i < 0:  # before the first team-mate: the pair across the end of the period
            fa, fb = fa - period, fb - period
        return phase - fa <= room[da][tour] + 1e-6 and fb - phase <= room[tour][db] + 1e-6

    return sure


def _periodic_ok(
    model: PatrolModel,
    phases: FloatArray,
    directions: IntArray,
    their_phases: FloatArray,
    their_tours: IntArray,
) -> npt.NDArray[np.bool_]:
    """Whether every node's circular visit gaps stay within its cap, per candidate row.

    Row ``r`` is the officer on ``tours[directions[r]]`` at ``phases[r]``; the rotating
    team-mates are on ``tours[their_tours[i]]`` at ``their_phases[i]``.
    """
    period = model.period
    times = model.visit_times  # (tours, n, width)
    n, width = times.shape[1:]
    fixed = (their_phases[:, None, None] + times[their_tours]) % period  # (officers, n, width)
    fixed = fixed.transpose(1, 0, 2).reshape(n, len(their_tours) * width)
    mine = (phases[:, None, None] + times[directions]) % period  # (R, n, width)
    both = np.concatenate([mine, np.broadcast_to(fixed, (len(phases), *fixed.shape))], axis=2)
    both.sort(axis=2)
    worst = np.maximum(
        (both[:, :, 1:] - both[:, :, :-1]).max(axis=2), both[:, :, 0] + period - both[:, :, -1]
    )
    return np.asarray(np.all(worst <= model.cap + 1e-6, axis=1))


def decide(
    model: PatrolModel,
    *,
    now: float,
    u: int,
    mine: Commitment,
    others: list[Commitment],
    last: FloatArray,
    post: FixedPost | None,
    rng: np.random.Generator,
    upcoming: FixedPost | None = None,
    balance: ReturnBalance | None = None,
    may_hold: bool = False,
    may_delay: bool = True,
    count_delays: bool = False,
    excursions: bool = False,
    variety: Variety | None = None,
    previous: int = -1,
) -> Decision:
    """Choose the next step of one officer (see module docstring).

    Parameters
    ----------
    model : PatrolModel
    now : float
        Time the officer is ready to leave ``u``.
    u : int
        Current node.
    mine : Commitment
        The officer's current commitment (its continuation is always a candidate).
    others : list of Commitment
        Commitments of the other officers.
    last : ndarray
        Last counted visit per node (``-inf``: never).
    post : FixedPost or None
        The officer's next fixed post when it is close enough to constrain the moves.
    rng : numpy.random.Generator
    upcoming : FixedPost or None
        The officer's next post while it still patrols: candidate recoveries are cut at
        the moment it has to leave for it (:meth:`PatrolModel.with_absence`).
    balance : ReturnBalance or None
        A lone officer's return balance: weights the random choice among the safe moves
        (:mod:`patrolopt.balance`); without it the choice is uniform.
    may_hold : bool
        The officer, one of a team, has had no choice for a whole tour: it may hold where
        it stands before the move (see the module docstring).
    may_delay : bool
        False while a team-mate has the turn to spend slack (:mod:`patrolopt.turns`): only
        the safe moves that keep the officer's phase on its tour remain, and it never holds.
    count_delays : bool
        Report in :attr:`Decision.could_delay` whether a safe move would have put the
        officer later on its tour (the turn's holder needs it; others skip the work).
    excursions : bool
        A team officer may also step to any neighbour and straight back (the excursions of
        :meth:`PatrolModel.moves`).  Only a caller that keeps the commitment may allow it:
        the online mode, which finds a fresh commitment at every call, would not know at the
        neighbour to come back.
    variety : Variety or None
        A team's next-node counts (:mod:`patrolopt.variety`): without a return balance, the
        choice among several safe moves is weighted by them.
    previous : int
        The node the officer came to ``u`` from (-1: none); the variety's context with ``u``.

    Returns
    -------
    Decision
    """
    graph = model.problem.graph
    if post is not None:
        return _toward_post(model, now=now, u=u, mine=mine, last=last, post=post, rng=rng)
    deadline = model.deadlines(last, now)
    target = int(model.tours[mine.direction].walk[mine.position])
    # A team officer standing on its committed rotation may also make excursions.
    here = mine.position if excursions and others and mine.in_rotation and u == target else -1
    # One row per candidate: a move and the recovery after it (``Moves``), vectorised.
    moves = model.moves(u, mine.direction, here)
    arrive = now + moves.travel
    # rejoin: the arrival, plus the stay the officer makes (``_dwell``, the model's), plus
    # what follows it (``Moves.onward``); kept in this form so plans stay bit for bit
    rejoin = arrive + moves.dwell + moves.onward
    first = rejoin[:, None] + moves.offsets
    first[moves.index, moves.columns] = arrive[: moves.index.size]
    phases = (rejoin - moves.arrival) % moves.period
    rows = Rows(moves.nodes, moves.pairs, first, phases, moves.tours, arrive, rejoin)
    wait = 0.0
    if u != target and mine.arrival_s > now:
        # En route to the committed rejoin point (after the start, a post or a shift start):
        # one more row, first, to keep that commitment.
        v = model.next_hop(u, target)
        a = now + float(model.travel[u, v])
        wait = max(0.0, mine.arrival_s - a) if v == target else 0.0
        rows = _kept(model, mine, v, a).then(rows)
    nodes, pairs, first = rows.nodes, rows.pairs, rows.first
    phases, directions, arrive, rejoin = rows.phases, rows.directions, rows.arrive, rows.rejoin
    if upcoming is not None:
        first = model.with_absence(first, upcoming)
    ok, slack = _feasible(model, first, phases, directions, others, deadline, now)
    safe_rows = [r for r, good in enumerate(ok.tolist()) if good]
    could_delay = False
    if others and mine.in_rotation and safe_rows and (count_delays or not may_delay):
        late = _later_than_needed(model, phases, safe_rows).tolist()
        could_delay = any(late[r] for r in safe_rows)
        if not may_delay:
            safe_rows = [r for r in safe_rows if not late[r]]
    slacks = slack.tolist()
    if balance is not None and balance.mean_pull > 0 and safe_rows:
        safe_rows = _reserve(model, balance, u, now, mine, nodes, safe_rows, slacks)
    safe_nodes = sorted({nodes[r] for r in safe_rows})
    if safe_nodes:
        weight = None
        if balance is not None:
            weight = balance.weights(safe_nodes, now + model.travel[u, safe_nodes])
        elif variety is not None and len(safe_nodes) > 1:
            weight = variety.weights(previous, u, safe_nodes)
        if weight is None:
            # one draw of the generator, as ``rng.choice(safe_nodes)`` would make it
            v = safe_nodes[int(rng.integers(0, len(safe_nodes)))]
        else:
            v = safe_nodes[int(rng.choice(len(safe_nodes), p=weight / weight.sum()))]
        choice = max((r for r in safe_rows if nodes[r] == v), key=slacks.__getitem__)
        prefix = ""
    else:
        # No move is safe: the team is behind (it happens early in a shift, before the
        # officers have settled into their places).  Take the move that leaves the most slack;
        # for a team, when several leave the same (the most overdue node is a team-mate's to
        # reach), the one that keeps the commitment's pace: picking the first of them walked an
        # officer back and forth between two nodes for the rest of a day (campus-medium, four
        # officers, before :func:`upcoming_visits` took a node's next pass exactly).
        choice = max(range(len(nodes)), key=slacks.__getitem__)
        if others:  # a team's tours share one period, so their phases compare
            best = slacks[choice]
            tied = [r for r, s in enumerate(slacks) if s >= best - 1e-6]
            pace = _lateness(model, phases, mine.phase(model)).tolist()
            choice = min(tied, key=pace.__getitem__)
        v = nodes[choice]
        prefix = "catching up: "
    if may_hold and may_delay and others and safe_nodes and rng.random() < HOLD_CHANCE:
        # Stay, then make the same move: its recovery runs late by the hold, so it is
        # checked again as such, and the others count on the late commitment.
        hold = HOLD_SHARE * model.team_gap
        at = slice(choice, choice + 1)  # the chosen row, kept two-dimensional
        late = first[at] + hold
        ok_late, _ = _feasible(
            model, late, phases[at] + hold, directions[at], others, deadline, now
        )
        if ok_late[0]:
            d, p = pairs[choice]
            commit_late = Commitment(d, p, float(rejoin[choice]) + hold, late[0], True)
            text = f"stays {format_duration(hold)} longer so the team's timing cannot be foreseen"
            step = Step(node=graph.nodes[u].id, arrival_s=now, dwell_s=hold, reason=text)
            return Decision(step, u, commit_late, len(safe_nodes), held=True, could_delay=True)
    d, p = pairs[choice]
    wait = wait if choice == 0 else 0.0  # only the en-route row waits
    a = float(arrive[choice])
    commitment = Commitment(d, p, rejoin[choice], first[choice], True)
    dwell = _dwell(model, v, a) + wait
    reason = prefix + _reason(model, v, a, dwell, last, len(safe_nodes))
    if wait > 0:
        reason += f"; waits {format_duration(wait)} to keep the team evenly spaced"
    step = Step(node=graph.nodes[v].id, arrival_s=a, dwell_s=dwell, reason=reason)
    return Decision(
        step=step,
        node=v,
        commitment=commitment,
        safe_moves=len(safe_nodes),
        could_delay=could_delay,
    )


@dataclass(frozen=True)
class Rows:
    """Candidate rows of :func:`decide`: per row the node stepped to, the (tour, position)
    of the recovery, its first visits, phase, tour, arrival and rejoin time."""

    nodes: tuple[int, ...]
    pairs: tuple[tuple[int, int], ...]
    first: FloatArray
    phases: FloatArray
    directions: IntArray
    arrive: FloatArray
    rejoin: FloatArray

    def then(self, more: Rows) -> Rows:
        """These rows followed by ``more``."""
        return Rows(
            (*self.nodes, *more.nodes),
            (*self.pairs, *more.pairs),
            np.concatenate([self.first, more.first]),
            np.concatenate([self.phases, more.phases]),
            np.concatenate([self.directions, more.directions]),
            np.concatenate([self.arrive, more.arrive]),
            np.concatenate([self.rejoin, more.rejoin]),
        )


def _kept(model: PatrolModel, mine: Commitment, v: int, arrival: float) -> Rows:
    """The one row of an officer en route that keeps its commitment: a step to ``v``."""
    return Rows(
        (v,),
        ((mine.direction, mine.position),),
        mine.first[None, :],
        np.array([mine.phase(model)]),
        np.array([mine.direction], dtype=np.int64),
        np.array([arrival]),
        np.array([mine.arrival_s]),
    )


def _reserve(
    model: PatrolModel,
    balance: ReturnBalance,
    u: int,
    now: float,
    mine: Commitment,
    nodes: tuple[int, ...],
    safe_rows: list[int],
    slacks: list[float],
) -> list[int]:
    """The safe rows that keep the slack the focus node's return needs (lone officer).

    The focus (:meth:`ReturnBalance.focus`) is the weakest node the officer has just left or
    will reach within the slack it can hold; its cheapest return is a step to its nearest
    neighbour and back.  A row that would leave less slack than that is dropped, unless it is
    that return.  Without the rule the slack goes to the nodes that are cheap to come back
    to, and the leaves at the end of long edges (1r5's nodes 3, 8 and 9) go without: 0.054
    with the uniform choice on 1r5, 0.17 with it (``docs/benchmarks-patrolopt.md``).
    """
    focus, is_back = balance.focus(u, now, mine.first, model.slack_s)
    if focus < 0:
        return safe_rows
    cost = 2.0 * float(min(model.travel[focus, x] for x in model.neighbours[focus]))
    keep = [r for r in safe_rows if slacks[r] >= cost or (is_back and nodes[r] == focus)]
    return keep or safe_rows


def _lateness(model: PatrolModel, phases: FloatArray, base: float) -> FloatArray:
    """How much later on its tour each candidate row puts the officer than phase ``base``.

    Every tour of a team has the optimal tour's period and the same origin, so phases compare
    across them; the result is signed, within half a period either way.
    """
    period = model.period
    return np.asarray((phases - base + period / 2) % period - period / 2)


def _later_than_needed(
    model: PatrolModel, phases: FloatArray, safe_rows: list[int]
) -> npt.NDArray[np.bool_]:
    """Which candidate rows put the officer later on its tour than its least late safe move.

    The least late safe move is usually the committed rotation's next stop; it may itself be
    late when the officer stayed longer than the tour assumes (a time window, a hot-spot
    stay), which is why the comparison is with it and not with the commitment.  Rows as
    late as it (to rounding) keep the officer's pace: the tour, or a variant of the same
    length.
    """
    late = _lateness(model, phases, float(phases[safe_rows[0]]))
    return np.asarray(late > float(late[safe_rows].min()) + 1e-6)


def format_clock(seconds: float) -> str:
    """Return ``seconds`` from the start of the plan as ``+HH:MM``."""
    minutes = int(seconds // 60)
    return f"+{minutes // 60:02d}:{minutes % 60:02d}"


def _toward_post(
    model: PatrolModel,
    *,
    now: float,
    u: int,
    mine: Commitment,
    last: FloatArray,
    post: FixedPost,
    rng: np.random.Generator,
) -> Decision:
    """Wander among nodes from which the post is still reached in time; then stand it."""
    graph = model.problem.graph
    x = graph.index[post.node]
    label = f"fixed post at {graph.nodes[x].label} {format_clock(post.start_s)}-" + format_clock(
        post.end_s
    )
    reachable = []
    for v in model.neighbours[u]:
        a = now + float(model.travel[u, v])
        back = 0.0 if v == x else model.dist[v, x] - model.model_dwell[x]
        if a + _dwell(model, v, a) + back <= post.start_s:
            reachable.append(v)
    if not reachable and u == x:
        step = Step(graph.nodes[x].id, now, post.end_s - now, label)
        return Decision(step=step, node=x, commitment=mine, safe_moves=0)
    v = int(rng.choice(reachable)) if reachable else model.next_hop(u, x)
    a = now + model.travel[u, v]
    dwell = _dwell(model, v, a)
    reason = _reason(model, v, a, dwell, last, len(reachable)) + f"; then {label}"
    step = Step(node=graph.nodes[v].id, arrival_s=a, dwell_s=dwell, reason=reason)
    return Decision(step=step, node=v, commitment=mine, safe_moves=len(reachable))


def next_post(model: PatrolModel, posts: list[FixedPost], now: float) -> FixedPost | None:
    """The officer's next post once it is time to stop patrolling for it."""
    if posts and now >= model.post_entry(posts[0]):
        return posts[0]
    return None


def seen_by_others(model: PatrolModel, commit: Commitment, posts: list[FixedPost]) -> Commitment:
    """An officer's commitment as the others must count on it (cut by its next post)."""
    if not posts or not commit.in_rotation:
        return commit
    return replace(commit, first=model.with_absence(commit.first, posts[0]))
