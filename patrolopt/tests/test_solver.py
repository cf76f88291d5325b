"""Plans walk along edges, keep posts, windows and deadlines, and are reproducible."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from patrolopt import model as model_module
from patrolopt.__main__ import main
from patrolopt.decide import HOLD_SHARE
from patrolopt.graph import PatrolGraph
from patrolopt.metrics import gap_stats
from patrolopt.model import Params, prepare
from patrolopt.online import OfficerPosition, OnlineState, next_stop
from patrolopt.plan import Step
from patrolopt.problem import FixedPost, Officer, Problem
from patrolopt.solver import plan_with, solve
from patrolopt.tests.conftest import MAP_DIR
from patrolopt.tour import Tour, optimal_tour
from patrolopt.validate import validate_plan

HOUR = 3600.0


def team(k: int) -> tuple[Officer, ...]:
    return tuple(Officer(f"o{i}") for i in range(k))


def test_optimal_tour_of_grid_and_tree(grid: PatrolGraph) -> None:
    assert prepare(Problem(grid, team(1), horizon_s=HOUR)).period == pytest.approx(26 * 5.7)


@pytest.mark.parametrize("k", [1, 2, 4])
def test_plan_walks_edges_and_keeps_the_cap(grid: PatrolGraph, k: int) -> None:
    problem = Problem(grid, team(k), horizon_s=2 * HOUR, warmup_s=600)
    plan = solve(problem, seed=11)
    assert validate_plan(problem, plan) == []
    travel = grid.travel_matrix("foot")
    for steps in plan.officers:
        for a, b in itertools.pairwise(steps):
            i, j = grid.index[a.node], grid.index[b.node]
            assert np.isfinite(travel[i, j])
            assert i != j
            assert b.arrival_s == pytest.approx(a.departure_s + travel[i, j])
    team_gap = 26 * 5.7 / k
    stats = gap_stats(problem, plan, start=600, end=2 * HOUR)
    assert stats.worst <= 1.25 * team_gap + 1e-6


def test_cap_one_is_the_fixed_tour(grid: PatrolGraph) -> None:
    problem = Problem(grid, team(2), horizon_s=HOUR, warmup_s=600)
    plan = solve(problem, seed=3, params=Params(gap_cap=1.0))
    stats = gap_stats(problem, plan, start=600, end=HOUR)
    assert stats.worst == pytest.approx(26 * 5.7 / 2)


def test_same_seed_same_plan(grid: PatrolGraph) -> None:
    problem = Problem(grid, team(2), horizon_s=HOUR)
    assert solve(problem, seed=5) == solve(problem, seed=5)
    assert solve(problem, seed=5) != solve(problem, seed=6)


@pytest.mark.parametrize("k", [1, 2])
def test_campus_plan_meets_deadlines_windows_and_hotspot(campus: PatrolGraph, k: int) -> None:
    problem = Problem(campus, team(k), horizon_s=8 * HOUR)
    plan = solve(problem, seed=2)
    assert validate_plan(problem, plan) == []
    cafeteria = next(n for n in campus.nodes if n.label == "cafeteria")
    lunch = cafeteria.windows[0]
    visits = [s.arrival_s for steps in plan.officers for s in steps if s.node == cafeteria.id]
    at_lunch = sorted(t for t in visits if lunch.contains(t))
    limit = cafeteria.max_gap_s
    assert limit is not None
    assert at_lunch[0] <= lunch.start_s + limit
    assert max(np.diff(at_lunch)) <= limit
    hot = next(n for n in campus.nodes if n.hotspot is not None)
    rule = hot.hotspot
    assert rule is not None
    stays = [s for steps in plan.officers for s in steps if s.node == hot.id]
    # every visit is a hot-spot stay (10 min), a team's hold may lengthen it within the rule
    assert all(rule.min_dwell_s <= s.dwell_s <= rule.max_dwell_s for s in stays)
    assert min(s.dwell_s for s in stays) == rule.min_dwell_s


def test_plan_respects_fixed_post(campus: PatrolGraph) -> None:
    post = FixedPost("o1", "parking", 1.0 * HOUR, 1.75 * HOUR)
    problem = Problem(campus, team(2), horizon_s=3 * HOUR, fixed_posts=(post,))
    plan = solve(problem, seed=4)
    assert validate_plan(problem, plan) == []
    standing = [
        s
        for s in plan.officers[1]
        if s.node == "parking" and s.arrival_s <= post.start_s and s.departure_s >= post.end_s
    ]
    assert len(standing) == 1
    assert "fixed post" in standing[0].reason


def test_validate_reports_a_broken_plan(grid: PatrolGraph) -> None:
    problem = Problem(grid, team(1), horizon_s=HOUR)
    plan = solve(problem, seed=1)
    steps = list(plan.officers[0])
    steps[5], steps[6] = steps[6], steps[5]
    broken = type(plan)(officers=(tuple(steps),), seed=1)
    kinds = {v.kind for v in validate_plan(problem, broken)}
    assert "walk" in kinds


def test_every_step_has_a_reason(campus: PatrolGraph) -> None:
    plan = solve(Problem(campus, team(1), horizon_s=HOUR), seed=9)
    assert all(s.reason for s in plan.officers[0])
    assert any("since last visit, limit" in s.reason for s in plan.officers[0])


def test_cli_prints_plan_json(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "plan",
        "--graph",
        str(MAP_DIR / "1r5/1r5.graph"),
        "--officers",
        "2",
        "--hours",
        "0.5",
        "--seed",
        "7",
        "--gap-cap",
        "1.5",
    ]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["seed"] == 7
    assert out["gap_cap"] == 1.5
    assert len(out["officers"]) == 2
    assert set(out["officers"][0][0]) == {"node", "arrival_s", "dwell_s", "reason"}
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out) == out


def test_cli_reports_bad_input(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            ["plan", "--graph", str(MAP_DIR / "grid/grid.graph"), "--seed", "1", "--gap-cap", "0.5"]
        )
        == 2
    )
    assert "gap_cap" in capsys.readouterr().err


def test_recovery_meeting_a_deadline_exactly_is_safe() -> None:
    # Regression: float rounding (-7e-15 s of slack) once made every move "unsafe" at cap 1.0
    # on a tree with four officers, and the fallback broke the cap (worst gap 2.7 x tour / k).
    from patrolopt.tests.conftest import shipped_map

    labs = shipped_map("DIAG_labs")
    problem = Problem(labs, team(4), horizon_s=HOUR, warmup_s=600)
    plan = solve(problem, seed=0, params=Params(gap_cap=1.0))
    stats = gap_stats(problem, plan, start=600, end=HOUR)
    assert stats.worst == pytest.approx(154.9 / 4)


def test_team_does_not_count_a_visit_before_it_is_made() -> None:
    # Regression: an officer's arrival used to count as a visit at the moment it was decided;
    # a team-mate heading to the same node then saw it as fresh and turned away, and the
    # node waited 1 % past the cap (cumberland, k = 4, seed 4, node 20 from 9,441 s).
    from patrolopt.tests.conftest import shipped_map

    cumberland = shipped_map("cumberland")
    problem = Problem(cumberland, team(4), horizon_s=9_700.0, warmup_s=1_800.0)
    model = prepare(problem)
    plan = solve(problem, seed=4)
    stats = gap_stats(problem, plan, start=1_800.0, end=9_700.0)
    assert stats.worst <= float(model.cap.max()) + 1e-6
    assert not any("-" in s.reason.split("since last visit")[0] for o in plan.officers for s in o)


def test_lone_officer_gets_alternative_recovery_tours(grid: PatrolGraph) -> None:
    problem = Problem(grid, team(1), horizon_s=HOUR, warmup_s=600)
    model = prepare(problem)
    assert len(model.tours) > 2
    assert all(t.period <= float(model.cap.min()) + 1e-6 for t in model.tours)
    walks = {tuple(t.walk) for t in model.tours}
    assert len(walks) == len(model.tours)  # distinct walks, not copies
    assert len(prepare(problem, Params(alt_tours=0)).tours) == 2
    teams = prepare(Problem(grid, team(2), horizon_s=HOUR, warmup_s=600))
    # a team keeps the optimal tour and its local variants of the same period
    assert all(abs(teams.tours[d].period - teams.period) <= 1e-6 for d in teams.team_tours)
    assert 1 not in teams.team_tours


def test_lone_officer_walks_the_shortest_tour_its_searches_found(
    grid: PatrolGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    true = optimal_tour(grid, "foot")
    # the first search ends on a longer tour: the optimal one with a step there and back
    walk = np.array([true.walk[0], true.walk[1], *true.walk], dtype=np.int64)
    dwell = np.zeros(grid.n)
    longer = Tour.from_walk(walk, grid.travel_matrix("foot"), dwell)
    assert longer.period > true.period + 1

    def searched(graph: PatrolGraph, mode: str, *, first_solution: int = 0, **_: int) -> Tour:
        return longer if first_solution == 0 else true

    monkeypatch.setattr(model_module, "optimal_tour", searched)
    alone = prepare(Problem(grid, team(1), horizon_s=HOUR, warmup_s=600))
    assert alone.period == pytest.approx(true.period)
    assert alone.team_gap == pytest.approx(true.period)
    assert np.array_equal(alone.tours[0].walk, true.walk)
    # the longer tour is still a recovery route, within the cap
    assert any(np.array_equal(t.walk, longer.walk) for t in alone.tours[2:])
    # a team searches once (for time), so it keeps the first search's tour
    pair = prepare(Problem(grid, team(2), horizon_s=HOUR, warmup_s=600))
    assert pair.period == pytest.approx(longer.period)


@pytest.mark.parametrize(("name", "k"), [("grid", 2), ("grid", 4), ("DIAG_labs", 2), ("1r5", 2)])
def test_team_lever_keeps_every_gap_within_the_cap(name: str, k: int) -> None:
    """Team-mates recover along local variants of the tour (same period), never past the cap."""
    from patrolopt.tests.conftest import shipped_map

    graph = shipped_map(name)
    problem = Problem(graph, team(k), horizon_s=4 * HOUR, warmup_s=1_800.0)
    model = prepare(problem)
    assert all(abs(model.tours[d].period - model.period) <= 1e-6 for d in model.team_tours)
    if name != "grid" or k == 2:
        assert len(model.team_tours) > 1  # the lever has something to choose from
    for seed in range(4):
        plan = plan_with(model, seed=seed)
        assert validate_plan(problem, plan) == []
        stats = gap_stats(problem, plan, start=1_800.0, end=4 * HOUR)
        assert stats.worst <= float(model.cap.max()) + 1e-6
        assert stats.worst <= 1.25 * model.team_gap + 1e-6


HOLD_NOTE = "timing cannot be foreseen"


def test_a_team_without_choices_varies_its_timing_within_the_cap(grid: PatrolGraph) -> None:
    """Grid with four officers: no detour fits the team's slack, so officers hold instead."""
    problem = Problem(grid, team(4), horizon_s=4 * HOUR, warmup_s=1_800.0)
    model = prepare(problem)
    plan = plan_with(model, seed=2)
    assert validate_plan(problem, plan) == []
    held = [s for steps in plan.officers for s in steps if HOLD_NOTE in s.reason]
    assert held, "a team with no other choice should hold now and then"
    for step in held:
        # the visit's own reason stays first; the hold adds the share of the team gap
        assert step.reason.index(HOLD_NOTE) > step.reason.index("since last visit")
        assert step.dwell_s == pytest.approx(HOLD_SHARE * model.team_gap, abs=1e-6)
    stats = gap_stats(problem, plan, start=1_800.0, end=4 * HOUR)
    assert model.team_gap < stats.worst <= 1.25 * model.team_gap + 1e-6
    # holds are the only freedom here: the fixed tour's gap would be exactly the team gap
    fixed = plan_with(prepare(problem, Params(gap_cap=1.0)), seed=2)
    assert not any(HOLD_NOTE in s.reason for steps in fixed.officers for s in steps)


@pytest.mark.parametrize(("name", "k"), [("grid", 1), ("cumberland", 2)])
def test_no_hold_for_a_lone_officer_or_a_team_with_choices(name: str, k: int) -> None:
    from patrolopt.tests.conftest import shipped_map

    problem = Problem(shipped_map(name), team(k), horizon_s=4 * HOUR, warmup_s=1_800.0)
    plan = solve(problem, seed=2)
    assert not any(HOLD_NOTE in s.reason for steps in plan.officers for s in steps)


def test_the_online_mode_heads_for_a_fixed_post_and_stands_it(campus: PatrolGraph) -> None:
    """Asked "where next" step by step, an officer with a post reaches it by its start and
    stays until its end; before the post it patrols, after it it patrols again."""
    post = FixedPost("o1", "parking", 1.0 * HOUR, 1.75 * HOUR)
    problem = Problem(campus, team(2), horizon_s=3 * HOUR, fixed_posts=(post,))
    model = prepare(problem)
    first = problem.graph.nodes[0].id
    here, now = first, 0.0
    last: dict[str, float] = {}
    walked: list[Step] = []
    while now < 2.5 * HOUR:
        # The other officer is somewhere on its tour; only o1 asks.
        positions = (OfficerPosition(first, now), OfficerPosition(here, now))
        step = next_stop(OnlineState(model, positions, last, officer=1), seed=len(walked))
        walked.append(step)
        last = {**last, step.node: step.arrival_s}
        here, now = step.node, step.departure_s
    # At the post from its start to its end: one step, or an arrival just before and the stand.
    during = [s for s in walked if s.departure_s > post.start_s and s.arrival_s < post.end_s]
    assert {s.node for s in during} == {"parking"}
    assert during[0].arrival_s <= post.start_s
    assert during[-1].departure_s >= post.end_s
    assert "fixed post" in during[-1].reason
    assert any(s.arrival_s < post.start_s - 600 and s.node != "parking" for s in walked)
    assert any(s.arrival_s > post.end_s and s.node != "parking" for s in walked)


@pytest.mark.parametrize("share", [0.0, 0.1])
def test_a_team_on_a_campus_always_has_a_safe_move_once_settled(share: float) -> None:
    """Four officers on the medium campus: after the warm-up every step is one the check
    proved safe.  When the check took a node's next visit as one period after the first
    (late for a node the tour passes twice), officers found no safe move 30-140 times in
    the first hour of every day and walked on "catching up"."""
    from patrolopt.campus import generate_campus

    problem = Problem(
        generate_campus("medium", seed=1), team(4), horizon_s=1_800.0 + HOUR, warmup_s=1_800.0
    )
    model = prepare(problem, Params(turn_share=share))
    for seed in (0, 1):
        plan = plan_with(model, seed=seed)
        late = [s for steps in plan.officers for s in steps if s.arrival_s > problem.warmup_s]
        assert late
        assert not [s for s in late if s.reason.startswith("catching up")]
        stats = gap_stats(problem, plan, start=problem.warmup_s, end=problem.horizon_s)
        assert stats.worst <= 1.25 * model.team_gap + 1e-6
