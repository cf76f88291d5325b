"""How much of a lone officer's entropy the campuses' own deadlines take (patrolopt, issue 4).

The generated campuses give their high-risk nodes a deadline of 1.1 x the single-officer
tour (``patrolopt.campus``), tighter than the default gap cap of 1.25 x, so at k = 1 every
detour must fit in a tenth of a tour instead of a quarter.  This plans seeded days on each
campus as generated and again with those node deadlines removed (the gap cap alone), and
prints the smallest cap and the conditional entropy of the next stop given the last two (H2)
for both (see docs/benchmarks-patrolopt.md, seventh round).

    .venv/bin/python bench/patrolopt_campus_deadlines.py [--days 20] [--maps campus-medium ...]
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from patrolopt.bench import CAMPUSES, DAY_S, WARMUP_S, load_bench_graph
from patrolopt.graph import PatrolGraph
from patrolopt.metrics import conditional_entropy, node_sequences
from patrolopt.model import prepare
from patrolopt.problem import Officer, Problem
from patrolopt.solver import plan_with


def lone_officer_h2(graph: PatrolGraph, days: int) -> tuple[float, float]:
    """Smallest gap cap (in tour periods) and H2 of the shipped planner over ``days``."""
    problem = Problem(graph, (Officer("o"),), horizon_s=WARMUP_S + DAY_S, warmup_s=WARMUP_S)
    model = prepare(problem)
    sequences = []
    for day in range(days):
        sequences += node_sequences(problem, plan_with(model, seed=day))
    return float(model.cap.min()) / model.period, conditional_entropy(sequences, graph.n, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--maps", nargs="+", default=list(CAMPUSES))
    args = parser.parse_args()
    print("| campus | nodes with a deadline | as generated: cap / T, H2 | without: cap / T, H2 |")
    print("|---|---|---|---|")
    for name in args.maps:
        graph = load_bench_graph(name)
        free = replace(graph, nodes=tuple(replace(n, max_gap_s=None) for n in graph.nodes))
        tight, tight_h2 = lone_officer_h2(graph, args.days)
        loose, loose_h2 = lone_officer_h2(free, args.days)
        bound = sum(n.max_gap_s is not None for n in graph.nodes)
        print(
            f"| {name} | {bound} of {graph.n} | {tight:.2f}, {tight_h2:.2f} "
            f"| {loose:.2f}, {loose_h2:.2f} |"
        )


if __name__ == "__main__":
    main()
