"""How a lone officer's gaps split into quick returns and the rest (patrolopt, issue 4).

The observing attacker's best context for a lone officer is the node just left; capture is
then the chance of a return within d = 0.8 x the tour period.  Per node the gaps satisfy
f * E[short] + (1 - f) * E[long] = mean gap (f: share of gaps <= d), so this prints, for
the shipped planner on one benchmark map, those four figures (in tour periods) and the
histogram of the returns' lengths: it shows whether returns are short detours or
reorderings of the tour (see docs/benchmarks-patrolopt.md, sixth round).

    .venv/bin/python bench/patrolopt_returns.py --map grid --days 10 [--cap 1.25] [--balance 0]
"""

from __future__ import annotations

import argparse
import json

import numpy as np

from patrolopt.bench import DAY_S, WARMUP_S, load_bench_graph
from patrolopt.metrics import visit_times
from patrolopt.model import Params, prepare
from patrolopt.problem import Officer, Problem
from patrolopt.solver import plan_with


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--map", default="grid")
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--cap", type=float, default=1.25)
    parser.add_argument("--balance", type=float, default=0.0)
    args = parser.parse_args()
    graph = load_bench_graph(args.map)
    problem = Problem(graph, (Officer("o"),), horizon_s=WARMUP_S + DAY_S, warmup_s=WARMUP_S)
    model = prepare(problem, Params(gap_cap=args.cap, balance=args.balance))
    period = model.team_gap
    gaps = []
    for day in range(args.days):
        for times in visit_times(problem, plan_with(model, seed=day)):
            gaps.append(np.diff(times[times >= WARMUP_S]) / period)
    every = np.concatenate(gaps)
    short = every[every <= 0.8 + 1e-9]
    counts, _ = np.histogram(short, bins=np.linspace(0.0, 0.8, 9))
    print(
        json.dumps(
            {
                "map": args.map,
                "days": args.days,
                "cap": args.cap,
                "balance": args.balance,
                "period_s": round(period, 3),
                "mean_gap_T": round(float(every.mean()), 3),
                "share_short": round(len(short) / len(every), 3),
                "mean_short_T": round(float(short.mean()), 3),
                "mean_long_T": round(float(every[every > 0.8 + 1e-9].mean()), 3),
                "longest_T": round(float(every.max()), 3),
                "short_by_tenth_of_T": counts.tolist(),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
