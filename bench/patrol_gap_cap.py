"""How long a school's gap-cap measurement takes, and what the supervisor's page costs.

For every demo school (fresh SQLite database, the demo district built from its seed): the
background measurement of every foot zone at caps 1.0-2.0 (`gap_caps.measure`, as the worker
runs it), and the gap-cap page (GET /patrol/gap-cap/<school>/, which rebuilds the zone graphs
to tell whether the measurement is stale) p50/p95 over 20 requests.

    .venv/bin/python bench/patrol_gap_cap.py --out bench/results/patrol_gap_cap.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="vigil-bench-gapcap-"))
    os.environ["VIGIL_DATA_DIR"] = str(data)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{data / 'bench.sqlite3'}"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from conftest import sign_in
    from vigil.accounts.models import User
    from vigil.demo import builder
    from vigil.patrols import gap_caps
    from vigil.sites.models import School

    setup_test_environment()
    call_command("migrate", verbosity=0)
    builder.build()
    director = User.objects.get(username="director")
    client = sign_in(Client(), "director")
    rows: list[dict[str, Any]] = []
    for school in School.objects.order_by("name"):
        zones = gap_caps.zones(school)
        if not zones:
            continue
        measurement = gap_caps.request_measurement(actor=director, school=school)
        t0 = time.perf_counter()
        gap_caps.measure(measurement.pk)
        seconds = time.perf_counter() - t0
        measurement.refresh_from_db()
        assert measurement.status == "done", measurement.error
        url = f"/patrol/gap-cap/{school.slug}/"
        page_ms = []
        for _ in range(args.requests):
            t0 = time.perf_counter()
            response = client.get(url)
            page_ms.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        ordered = sorted(page_ms)
        row = {
            "school": school.name,
            "zones": len(zones),
            "stops": sum(len(z.graph.nodes) for z in zones),
            "measure_s": round(seconds, 1),
            "page_p50_ms": round(statistics.median(page_ms), 1),
            "page_p95_ms": round(ordered[round(0.95 * (len(ordered) - 1))], 1),
        }
        rows.append(row)
        print(
            f"{row['school']:40s} zones {row['zones']:2d} stops {row['stops']:4d} "
            f"measure {row['measure_s']:6.1f} s  page p50 {row['page_p50_ms']:6.1f} ms "
            f"p95 {row['page_p95_ms']:6.1f} ms",
            flush=True,
        )
    if args.out:
        Path(args.out).write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
