"""`vigil patrols graph --school SLUG [--out FILE] [--no-offsite]`: the campus patrol graph.

Builds the patrol graph of a school from its knowledge base (``vigil.patrols.campus_graph``),
prints what it holds, the walkways it had to assume and the supervisors' walkway edits it could
not apply, and writes it in patrolopt's JSON graph format so `python -m patrolopt plan --graph
FILE ...` can plan on it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from patrolopt.io import write_json_graph
from vigil.core.management.options import school_named
from vigil.patrols.graph_source import campus_graph


class Command(BaseCommand):
    help = "Patrol tools. graph --school SLUG [--out FILE]: build the campus patrol graph."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="operation", required=True)
        graph = sub.add_parser("graph", help="Build a school's patrol graph from its map.")
        graph.add_argument("--school", required=True, metavar="SLUG")
        graph.add_argument("--out", metavar="FILE", help="Write the graph as patrolopt JSON.")
        graph.add_argument(
            "--no-offsite", action="store_true", help="Leave out offsite (vehicle) points."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        school = school_named(options["school"])
        assert school is not None  # --school is required
        graph, report = campus_graph(school, offsite=not options["no_offsite"])
        kinds = Counter(node.id.split("-", 1)[0] for node in graph.nodes)
        self.stdout.write(
            f"{school.name}: {len(graph.nodes)} nodes ({kinds['area']} areas, "
            f"{kinds['door']} exterior doors, {kinds['offsite']} offsite points), "
            f"{len(graph.edges)} walkways"
        )
        labels = {node.id: node.label for node in graph.nodes}
        for a, b in report.assumed:
            self.stdout.write(
                self.style.WARNING(
                    f"assumed walkway (check it on the map): {labels[a]} – {labels[b]}"
                )
            )
        for place in report.isolated:
            self.stdout.write(self.style.WARNING(f"not reachable, left out: {place}"))
        if report.edited or report.removed:
            self.stdout.write(
                f"walkway edits applied: {len(report.edited)} added/changed/confirmed, "
                f"{len(report.removed)} removed"
            )
        for skipped in report.skipped:
            self.stdout.write(
                self.style.WARNING(
                    f"walkway edit not applied ({skipped.action} {skipped.a} – {skipped.b}): "
                    f"{skipped.reason}"
                )
            )
        for cut in report.cuts:
            ways = " or ".join(cut.modes)
            self.stdout.write(
                self.style.WARNING(
                    f"removed walkway was the only way ({ways}): "
                    f"{labels.get(cut.a, cut.a)} – {labels.get(cut.b, cut.b)}"
                )
            )
        if options["out"]:
            write_json_graph(graph, options["out"])
            self.stdout.write(f"written to {options['out']}")
