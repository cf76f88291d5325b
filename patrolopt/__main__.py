"""Command line: ``python -m patrolopt plan ...`` and ``python -m patrolopt bench ...``.

``plan`` prints a plan as JSON (per officer a list of ``{node, arrival_s, dwell_s,
reason}``) so anyone can check it with their own tools; ``bench`` runs the benchmark of
:mod:`patrolopt.bench` and writes JSON under ``bench/results/``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from patrolopt.bench import CAMPUSES, CAPS, MAPS, merge_rows, render_markdown, run, speed, write
from patrolopt.errors import PatrolError
from patrolopt.io import load_graph
from patrolopt.model import Params
from patrolopt.problem import Officer, Problem
from patrolopt.solver import solve


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m patrolopt")
    sub = parser.add_subparsers(dest="command", required=True)
    plan = sub.add_parser("plan", help="plan a patrol and print it as JSON")
    plan.add_argument("--graph", required=True, type=Path, help=".graph or JSON graph file")
    plan.add_argument("--officers", type=int, default=1)
    plan.add_argument("--hours", type=float, default=8.0)
    plan.add_argument("--seed", type=int, required=True)
    plan.add_argument(
        "--gap-cap",
        type=float,
        default=1.25,
        help="worst gap as a multiple of the optimal tour / k (default 1.25)",
    )
    plan.add_argument("--speed", type=float, default=1.0, help="m/s for .graph files")
    plan.add_argument("--warmup-min", type=float, default=30.0)
    bench = sub.add_parser("bench", help="run the benchmark")
    bench.add_argument("--quick", action="store_true", help="3 days, k = 1 and 2, small maps")
    bench.add_argument("--maps", nargs="*", default=[*MAPS, *CAMPUSES])
    bench.add_argument("--k", nargs="*", type=int, default=[1, 2, 4])
    bench.add_argument("--days", type=int, default=20)
    bench.add_argument(
        "--caps",
        nargs="*",
        type=float,
        default=list(CAPS),
        help="gap caps of the shipped planner (default 1.0 1.25 1.5 2.0)",
    )
    bench.add_argument(
        "--planners",
        choices=("all", "shipped", "baselines"),
        default="all",
        help="run only the shipped planner or only B1-B8 (join runs with --render)",
    )
    bench.add_argument(
        "--alt-tours",
        type=int,
        default=None,
        help="further tour searches for a lone officer (default: the shipped planner's)",
    )
    bench.add_argument(
        "--balance",
        type=float,
        default=None,
        help="return-balance strength for a lone officer (default: the shipped planner's, off)",
    )
    bench.add_argument(
        "--turn-share",
        type=float,
        default=None,
        help="share of turn stretches for a team (default: the shipped planner's, 0.1)",
    )
    bench.add_argument(
        "--return-pull",
        type=float,
        default=None,
        help="a lone officer's pull toward its returns (default: the shipped planner's, 20; "
        "0: the uniform choice)",
    )
    bench.add_argument(
        "--variety",
        type=float,
        default=None,
        help="a team's preference for the moves taken least often from the same pair of "
        "nodes, at caps up to 1.25 (default: the shipped planner's, 0.5; 0: the uniform choice)",
    )
    bench.add_argument(
        "--no-excursions",
        action="store_true",
        help="measure the planner without steps to a neighbour and straight back",
    )
    bench.add_argument("--speed-only", action="store_true", help="only the speed figures")
    bench.add_argument("--out", type=Path, default=Path("bench/results/patrolopt.json"))
    bench.add_argument(
        "--render",
        nargs="*",
        type=Path,
        default=None,
        help="print the markdown tables of these result files instead",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "plan":
        try:
            graph = load_graph(args.graph, speed_mps=args.speed)
            problem = Problem(
                graph,
                tuple(Officer(f"officer-{i + 1}") for i in range(args.officers)),
                horizon_s=args.hours * 3600,
                warmup_s=args.warmup_min * 60,
            )
            plan = solve(problem, seed=args.seed, params=Params(gap_cap=args.gap_cap))
        except (PatrolError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        json.dump(plan.to_json(), sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    if args.render is not None:
        rows = [row for path in args.render for row in json.loads(path.read_text())]
        sys.stdout.write(render_markdown(merge_rows(rows)))
        return 0
    if args.speed_only:
        write(speed(), args.out)
        return 0
    if args.quick:
        run(["grid", "1r5", "campus-small"], [1, 2], 3, out=args.out)
        return 0
    try:  # refuse a planner setting out of range before anything runs (Params names it)
        for cap in args.caps:
            Params(
                gap_cap=cap,
                alt_tours=args.alt_tours or 0,
                balance=args.balance or 0.0,
                turn_share=0.0 if args.turn_share is None else args.turn_share,
                return_pull=0.0 if args.return_pull is None else args.return_pull,
                variety=0.0 if args.variety is None else args.variety,
            )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    run(
        list(args.maps),
        list(args.k),
        args.days,
        tuple(args.caps),
        out=args.out,
        which=args.planners,
        alt_tours=args.alt_tours,
        balance=args.balance,
        turn_share=args.turn_share,
        return_pull=args.return_pull,
        excursions=False if args.no_excursions else None,
        variety=args.variety,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
