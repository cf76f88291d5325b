"""The most a lone officer's returns can buy on a bipartite map of equal steps (issue 4).

On a map whose steps all take the same time ``tau`` (travel plus dwell) and whose graph is
bipartite (grid, the 5 x 5 lattice, is both), a walk alternates between the two colour
classes, so a class of ``n_c`` nodes gets exactly half of all visits: its nodes' visits are,
on average, ``2 n_c`` steps apart, whatever the planner does.  Its least-visited node
therefore has a mean gap of at least ``2 n_c`` steps.  Split that node's gaps into returns
within the attack time (share ``f``, mean ``S`` steps) and the rest (mean ``L`` steps, at
most the cap):

    f * S + (1 - f) * L >= 2 n_c,   so   f <= (L - 2 n_c) / (L - S).

Against the attacker who strikes the node the officer just left, ``f`` is the capture
probability there, so this bounds a lone officer's minimum capture for any planner.  The
script prints, for one map and cap, the bound for returns of a step there and back
(``S = 2``) and for long gaps at the cap and at a measured mean, and the mean return length
the issue's threshold needs (a one-sided 95 % Wilson lower bound of ``--target`` over about
as many departures as the benchmark's days give that node).  Tenth and eleventh rounds of
docs/benchmarks-patrolopt.md.

    .venv/bin/python bench/patrolopt_parity.py --map grid [--cap 1.25] [--long-T 1.19]
        [--target 0.20] [--days 20]
"""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt

from patrolopt.bench import ATTACK_SHARE, DAY_S, load_bench_graph
from patrolopt.metrics import wilson_lower
from patrolopt.tour import optimal_tour, step_times


def colour_classes(step: npt.NDArray[np.float64]) -> list[set[int]] | None:
    """The two colour classes of the connected graph whose steps are ``step`` (``inf``: no
    edge), as networkx finds them (None: not bipartite)."""
    graph = nx.from_numpy_array(np.isfinite(step).astype(int))
    return list(nx.bipartite.sets(graph)) if nx.is_bipartite(graph) else None


def even_floor(x: float) -> int:
    """Largest even whole number of steps at most ``x`` (returns to a node take even steps)."""
    return 2 * math.floor(x / 2 + 1e-9)


def point_needed(target: float, trials: int) -> float:
    """Smallest share whose one-sided 95 % Wilson lower bound over ``trials`` is ``target``."""
    lo, hi = target, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        low = float(wilson_lower(np.array([mid * trials]), np.array([float(trials)]))[0])
        lo, hi = (mid, hi) if low < target else (lo, mid)
    return hi


def bound(large: float, short: float, long: float) -> float:
    """Largest return share ``f`` with mean gap ``large``, returns ``short``, rest ``long``."""
    return max(0.0, (long - large) / (long - short))


def return_needed(large: float, long: float, share: float) -> float:
    """Mean return length, steps, at which the bound of :func:`bound` reaches ``share``."""
    return long - (long - large) / share


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--map", default="grid")
    parser.add_argument("--cap", type=float, default=1.25)
    parser.add_argument("--long-T", type=float, default=None, help="measured mean long gap, T")
    parser.add_argument("--target", type=float, default=0.20)
    parser.add_argument("--days", type=int, default=20)
    args = parser.parse_args()
    graph = load_bench_graph(args.map)
    step = step_times(graph, "foot")
    finite = step[np.isfinite(step)]
    tau = float(finite[0])
    out: dict[str, Any] = {"map": args.map, "cap": args.cap}
    classes = colour_classes(step)
    why = [
        *([] if np.allclose(finite, tau) else ["steps differ in time"]),
        *([] if classes else ["the graph is not bipartite"]),
    ]
    if why or classes is None:
        out["applies"] = False
        out["why"] = why
        print(json.dumps(out, indent=1))
        return
    period = optimal_tour(graph, "foot").period
    cap_steps = even_floor(args.cap * period / tau)
    window_steps = even_floor(ATTACK_SHARE * period / tau)
    mean_gap = 2 * max(len(c) for c in classes)  # the larger class's least-visited node
    departures = round(args.days * DAY_S / (mean_gap * tau))
    needed = point_needed(args.target, departures)
    out |= {
        "applies": True,
        "step_s": round(tau, 3),
        "tour_steps": round(period / tau, 3),
        "classes": sorted(len(c) for c in classes),
        "cap_steps": cap_steps,
        "window_steps": window_steps,
        "least_visited_mean_gap_steps": mean_gap,
        "bound_step_back_long_at_cap": round(bound(mean_gap, 2, cap_steps), 4),
        "departures": departures,
        "point_needed_for_target": round(needed, 4),
        "mean_return_steps_needed_long_at_cap": round(
            return_needed(mean_gap, cap_steps, needed), 2
        ),
    }
    if args.long_T is not None:
        long = args.long_T * period / tau
        out["long_steps_measured"] = round(long, 2)
        out["bound_step_back_long_measured"] = round(bound(mean_gap, 2, long), 4)
        out["mean_return_steps_needed_long_measured"] = round(
            return_needed(mean_gap, long, needed), 2
        )
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
