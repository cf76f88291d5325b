"""The benchmark harness: joins runs of the same (map, k) made separately, names variant
planners, and refuses bad settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from patrolopt.__main__ import main
from patrolopt.bench import merge_rows, run


def _row(days: int, *planners: tuple[str, float]) -> dict[str, Any]:
    return {
        "map": "grid",
        "k": 1,
        "days": days,
        "tour_s": 148.2,
        "planners": [{"planner": name, "value": value} for name, value in planners],
    }


def test_merge_keeps_one_row_per_map_and_k_and_the_last_result() -> None:
    baselines = _row(20, ("patrolopt cap 1.25", 1.0), ("B1 TSP cycle", 2.0), ("B3 x", 0.0))
    rerun = _row(5, ("patrolopt cap 1.25", 3.0), ("patrolopt cap 1", 5.0))
    other = {**_row(20, ("B1 TSP cycle", 4.0)), "k": 2}
    merged = merge_rows([baselines, rerun, other])
    assert [(r["map"], r["k"]) for r in merged] == [("grid", 1), ("grid", 2)]
    first = merged[0]
    assert first["days"] == 5
    assert [(p["planner"], p["value"]) for p in first["planners"]] == [
        ("patrolopt cap 1", 5.0),  # the shipped planner first, by cap
        ("patrolopt cap 1.25", 3.0),
        ("B1 TSP cycle", 2.0),
        ("B3 x", 0.0),
    ]
    assert baselines["planners"][0]["value"] == 1.0  # inputs are not modified


def test_a_run_on_another_tour_replaces_the_earlier_runs_of_its_row() -> None:
    old = _row(20, ("patrolopt cap 1.25", 1.0), ("B1 TSP cycle", 2.0), ("B3 x", 0.0))
    shorter = {**_row(20, ("patrolopt cap 1.25", 3.0), ("B1 TSP cycle", 4.0)), "tour_s": 140.0}
    merged = merge_rows([old, shorter])
    assert merged[0]["tour_s"] == 140.0
    # B3 was measured against the old tour's gaps, so it does not survive
    assert [(p["planner"], p["value"]) for p in merged[0]["planners"]] == [
        ("patrolopt cap 1.25", 3.0),
        ("B1 TSP cycle", 4.0),
    ]


def test_run_rejects_an_unknown_planner_group() -> None:
    with pytest.raises(ValueError, match="which"):
        run(["grid"], [1], 1, which="some")


def test_joined_rows_follow_the_benchmark_order_of_maps() -> None:
    campus = {**_row(20, ("B1 TSP cycle", 1.0)), "map": "campus-small"}
    grid_k2 = {**_row(20, ("B1 TSP cycle", 1.0)), "k": 2}
    merged = merge_rows([campus, grid_k2, _row(20, ("B1 TSP cycle", 1.0))])
    assert [(r["map"], r["k"]) for r in merged] == [("grid", 1), ("grid", 2), ("campus-small", 1)]


def test_a_run_with_more_recovery_tours_names_them() -> None:
    rows = run(["grid"], [1], 1, caps=(1.25,), which="shipped", alt_tours=2)
    assert [r["planner"] for r in rows[0]["planners"]] == ["patrolopt alt2 cap 1.25"]


def test_a_run_with_the_return_balance_names_it() -> None:
    rows = run(["grid"], [1], 1, caps=(1.25,), which="shipped", balance=10.0)
    assert [r["planner"] for r in rows[0]["planners"]] == ["patrolopt balance10 cap 1.25"]


def test_a_run_without_excursions_names_it() -> None:
    rows = run(["grid"], [2], 1, caps=(1.25,), which="shipped", excursions=False)
    assert [r["planner"] for r in rows[0]["planners"]] == ["patrolopt noexc cap 1.25"]


def test_a_run_with_another_return_pull_names_it() -> None:
    rows = run(["grid"], [1], 1, caps=(1.25,), which="shipped", return_pull=0.0)
    assert [r["planner"] for r in rows[0]["planners"]] == ["patrolopt pull0 cap 1.25"]


@pytest.mark.parametrize(
    ("option", "named"),
    [
        ("--balance=-1", "balance"),
        ("--alt-tours=-2", "alt_tours"),
        ("--return-pull=-1", "return_pull"),
    ],
)
def test_bench_refuses_a_bad_setting_before_running(
    option: str, named: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "rows.json"
    assert (
        main(["bench", "--maps", "grid", "--k", "1", "--days", "1", option, "--out", str(out)]) == 2
    )
    assert named in capsys.readouterr().err
    assert not out.exists()  # nothing half-written
