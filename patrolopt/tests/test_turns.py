"""Taking turns (patrolopt.turns): only the holder spends slack in a turn stretch, the turn
passes when it has none left, the cap holds, and the spacing varies more."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import patrolopt.solver as solver_module
from patrolopt.decide import Decision, decide
from patrolopt.metrics import visit_times
from patrolopt.model import Params, prepare
from patrolopt.problem import Officer, Problem
from patrolopt.solver import plan_with
from patrolopt.tests.conftest import shipped_map
from patrolopt.turns import Turns
from patrolopt.validate import validate_plan

HOUR = 3600.0


def _team(k: int) -> tuple[Officer, ...]:
    return tuple(Officer(f"o{i}") for i in range(k))


def test_a_stretch_is_a_turn_stretch_by_its_share() -> None:
    rng = np.random.default_rng(0)
    never = Turns.start(2, 0.0, 100.0, 3, rng)
    always = Turns.start(3, 1.0, 100.0, 3, rng)
    for now in range(0, 1000, 50):
        never.at(float(now), rng)
        always.at(float(now), rng)
        assert not never.active
        assert never.may_delay(0)
        assert never.may_delay(1)
        assert always.active
        assert [always.may_delay(i) for i in range(3)] == [i == always.holder for i in range(3)]
    # a stretch lasts its length: no new draw inside it
    turns = Turns.start(2, 0.5, 100.0, 3, rng)
    turns.at(0.0, rng)
    state = rng.bit_generator.state
    turns.at(99.0, rng)
    assert rng.bit_generator.state == state
    assert turns.until == 100.0


def test_the_turn_passes_once_the_holder_has_no_slack_left() -> None:
    rng = np.random.default_rng(1)
    turns = Turns.start(4, 1.0, 1e9, 3, rng)
    turns.at(0.0, rng)
    holder = turns.holder
    turns.after(holder, False, rng)
    turns.after(holder, False, rng)
    turns.after(holder, True, rng)  # it could still delay: the count starts again
    turns.after((holder + 1) % 4, False, rng)  # another officer's decisions do not count
    turns.after(holder, False, rng)
    turns.after(holder, False, rng)
    assert turns.holder == holder
    turns.after(holder, False, rng)
    assert turns.holder != holder
    assert turns.stuck == 0
    # over many passes every other officer gets the turn
    seen = set()
    for _ in range(200):
        for _ in range(3):
            turns.after(turns.holder, False, rng)
        seen.add(turns.holder)
    assert seen == {0, 1, 2, 3}


def test_outside_a_turn_stretch_nothing_is_counted() -> None:
    rng = np.random.default_rng(2)
    turns = Turns.start(2, 0.0, 100.0, 1, rng)
    turns.at(0.0, rng)
    holder = turns.holder
    for _ in range(5):
        turns.after(holder, False, rng)
    assert turns.holder == holder
    assert turns.stuck == 0


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((1, 0.1, 100.0, 3), "officers"),
        ((2, 1.5, 100.0, 3), "share"),
        ((2, -0.1, 100.0, 3), "share"),
        ((2, 0.1, 0.0, 3), "stretch_s"),
        ((2, 0.1, float("nan"), 3), "stretch_s"),
        ((2, 0.1, 100.0, 0), "patience"),
    ],
)
def test_bad_turns_name_the_field(args: tuple[int, float, float, int], field: str) -> None:
    officers, share, stretch_s, patience = args
    with pytest.raises(ValueError, match=field):
        Turns.start(officers, share, stretch_s, patience, np.random.default_rng(0))


@pytest.mark.parametrize("share", [-0.01, 1.01, float("nan")])
def test_params_reject_a_bad_turn_share(share: float) -> None:
    with pytest.raises(ValueError, match="turn_share"):
        Params(turn_share=share)


def test_only_the_holder_gets_later_on_its_tour(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every decision of an officer without the turn keeps its phase, unless its only safe
    move is a later one (the turn narrows a choice, it cannot make one); the holder's do not
    always (it detours), and the cap holds."""
    problem = Problem(shipped_map("DIAG_floor1"), _team(2), horizon_s=3 * HOUR, warmup_s=1_800.0)
    model = prepare(problem, Params(turn_share=1.0))
    real = decide
    kept, delayed = 0, 0

    def watch(*args: Any, **kwargs: Any) -> Decision:
        nonlocal kept, delayed
        decision = real(*args, **kwargs)
        mine = kwargs["mine"]
        if mine.in_rotation and kwargs["post"] is None:
            late = (decision.commitment.phase(model) - mine.phase(model)) % model.period
            late = min(late, model.period - late)
            if not kwargs["may_delay"] and decision.safe_moves > 1:
                assert late < 1e-6, "an officer without the turn got later on its tour"
                kept += 1
            elif late > 1e-6:
                delayed += 1
        return decision

    monkeypatch.setattr(solver_module, "decide", watch)
    plan = plan_with(model, seed=3)
    assert validate_plan(problem, plan) == []
    assert kept > 10  # decisions the turn narrowed (15 on this seed)
    assert delayed > 10


def _mid_gaps(share: float, seed: int) -> tuple[float, float]:
    """Share of DIAG_floor1 gaps (two officers) between 0.3 and 0.8 team gaps, and the worst
    gap, in team gaps."""
    problem = Problem(shipped_map("DIAG_floor1"), _team(2), horizon_s=4 * HOUR, warmup_s=1_800.0)
    model = prepare(problem, Params(turn_share=share))
    plan = plan_with(model, seed=seed)
    assert validate_plan(problem, plan) == []
    gaps = []
    for times in visit_times(problem, plan):
        t = np.asarray(times)
        gaps.append(np.diff(t[t > 1_800.0]))
    all_gaps = np.concatenate(gaps) / model.team_gap
    return float(np.mean((all_gaps > 0.3) & (all_gaps < 0.8))), float(all_gaps.max())


def test_turns_make_the_next_officer_come_early_more_often() -> None:
    """Without turns the team spends its slack together and the gaps sit near the cap
    (measured: 12 % of gaps between 0.3 and 0.8 team gaps); with turns all the time, 30 %."""
    without, worst_without = _mid_gaps(0.0, 1)
    with_turns, worst_with = _mid_gaps(1.0, 1)
    assert with_turns > 2 * without
    assert max(worst_without, worst_with) <= 1.25 + 1e-6
