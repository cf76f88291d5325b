"""How a lone officer's gaps split into quick returns and the rest (patrolopt, issue 4).

The observing attacker's best context for a lone officer is the node just left; capture is
then the chance of a return within d = 0.8 x the tour period.  Per node the gaps satisfy
f * E[short] + (1 - f) * E[long] = mean gap (f: share of gaps <= d), so this prints, for
the shipped planner on one benchmark map, those four figures (in tour periods) and the
histogram of the returns' lengths: it shows whether returns are short detours or
reorderings of the tour (see docs/benchmarks-patrolopt.md, sixth round).  With
``--per-node N`` it also prints the same four figures for the N nodes with the smallest f
and the N with the largest: the minimum capture is the weakest node's f, so these show
what holds it down (tenth round).

    .venv/bin/python bench/patrolopt_returns.py --map grid --days 10 [--cap 1.25]
        [--balance 0] [--return-pull 20] [--per-node 4]
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import numpy as np
import numpy.typing as npt

from patrolopt.bench import DAY_S, WARMUP_S, load_bench_graph
from patrolopt.metrics import visit_times
from patrolopt.model import Params, prepare
from patrolopt.problem import Officer, Problem
from patrolopt.solver import plan_with

#: A gap at most this many tour periods long is a return within the attack time.
RETURN_T = 0.8 + 1e-9


def split(gaps: npt.NDArray[np.float64]) -> dict[str, float | None]:
    """Share of returns, mean gap, and mean return and mean other gap, in tour periods
    (None: no such gap)."""
    short, long = gaps[gaps <= RETURN_T], gaps[gaps > RETURN_T]
    return {
        "share_short": round(len(short) / len(gaps), 3),
        "mean_gap_T": round(float(gaps.mean()), 3),
        "mean_short_T": round(float(short.mean()), 3) if len(short) else None,
        "mean_long_T": round(float(long.mean()), 3) if len(long) else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--map", default="grid")
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--cap", type=float, default=1.25)
    parser.add_argument("--balance", type=float, default=0.0)
    parser.add_argument("--return-pull", type=float, default=Params().return_pull)
    parser.add_argument("--per-node", type=int, default=0)
    args = parser.parse_args()
    graph = load_bench_graph(args.map)
    problem = Problem(graph, (Officer("o"),), horizon_s=WARMUP_S + DAY_S, warmup_s=WARMUP_S)
    params = Params(gap_cap=args.cap, balance=args.balance, return_pull=args.return_pull)
    model = prepare(problem, params)
    period = model.team_gap
    per_node: list[list[npt.NDArray[np.float64]]] = [[] for _ in range(graph.n)]
    for day in range(args.days):
        for j, times in enumerate(visit_times(problem, plan_with(model, seed=day))):
            per_node[j].append(np.diff(times[times >= WARMUP_S]) / period)
    gaps = [np.concatenate(parts) for parts in per_node]
    every = np.concatenate(gaps)
    short = every[every <= RETURN_T]
    counts, _ = np.histogram(short, bins=np.linspace(0.0, 0.8, 9))
    out: dict[str, Any] = {
        "map": args.map,
        "days": args.days,
        "cap": args.cap,
        "balance": args.balance,
        "return_pull": args.return_pull,
        "period_s": round(period, 3),
        **split(every),
        "longest_T": round(float(every.max()), 3),
        "short_by_tenth_of_T": counts.tolist(),
    }
    if args.per_node:
        # a node seen at most once after the warm-up has no gap to split
        splits = {j: split(g) for j, g in enumerate(gaps) if len(g)}
        order = sorted(splits, key=lambda j: len(gaps[j][gaps[j] <= RETURN_T]) / len(gaps[j]))
        rows = [{"node": graph.nodes[j].id, "visits": len(gaps[j]), **splits[j]} for j in order]
        out["weakest_nodes"] = rows[: args.per_node]
        out["strongest_nodes"] = rows[-args.per_node :]
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
