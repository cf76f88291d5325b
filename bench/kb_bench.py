"""Server time of the knowledge base on a generated district: campus map data, Find, the list
endpoints and the responder card, p50/p95 and queries per request.

    .venv/bin/python bench/generate_district.py --database-url URL
    .venv/bin/python bench/kb_bench.py --database-url URL [--requests 100]

In-process through Django's test client (no network, no browser): "server time" is from the
request entering Django's handler to the response leaving it, with every middleware, the
permission check, serialisation and rendering. Two callers: the district director (every
school: Find scans all ~50,000 assets) and an officer scoped to the demo high school.
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
SEARCHES = ["gas shutoff gym", "pull stations B wing", "door 7", "aed", "camera parking"]
TARGET_MS = 100.0
CARD_TARGET_MS = 1000.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    os.environ.setdefault("VIGIL_DATA_DIR", str(Path(tempfile.gettempdir()) / "vigil-bench-kb"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = args.database_url
    # Persistent connections, as a PostgreSQL deployment runs: otherwise every request pays for
    # a new connection (and its authentication), which measures the setting, not the feature.
    os.environ.setdefault("VIGIL_DB_CONN_MAX_AGE", "600")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from conftest import sign_in
    from vigil.sites.models import Asset, Building, School

    setup_test_environment()
    settings.DEBUG = True  # to count queries
    hs = School.objects.get(slug="cedar-hollow-hs")
    generated = School.objects.filter(slug__startswith="gen-").order_by("slug")
    middle = generated[generated.count() // 2]
    main_building = Building.objects.get(school=hs, code="A")
    clients = {"director": sign_in(Client(), "director"), "officer": sign_in(Client(), "officer")}
    for client in clients.values():
        client.get("/")  # the first request after sign-in touches the session
    cases: list[tuple[str, str, str, float]] = [
        ("map: generated campus", "director", f"/api/schools/{middle.pk}/map", TARGET_MS),
        ("map: demo high school", "officer", f"/api/schools/{hs.pk}/map", TARGET_MS),
        *[
            (f"search: {q}", "director", f"/api/search?q={q.replace(' ', '+')}", TARGET_MS)
            for q in SEARCHES
        ],
        *[
            (f"search (officer): {q}", "officer", f"/api/search?q={q.replace(' ', '+')}", TARGET_MS)
            for q in SEARCHES[:3]
        ],
        ("find page: gas shutoff gym", "director", "/find/?q=gas+shutoff+gym", TARGET_MS),
        ("map page", "officer", f"/schools/{hs.slug}/map/", TARGET_MS),
        ("list: /api/schools", "director", "/api/schools?limit=50", TARGET_MS),
        (
            "list: /api/schools (last page)",
            "director",
            "/api/schools?limit=50&offset=150",
            TARGET_MS,
        ),
        ("list: /api/buildings", "director", "/api/buildings?limit=50", TARGET_MS),
        ("list: /api/areas", "director", "/api/areas?limit=50", TARGET_MS),
        ("list: /api/areas?risk=high", "director", "/api/areas?risk=high&limit=50", TARGET_MS),
        (
            "responder card: demo high school, Main Building",
            "officer",
            f"/schools/{hs.slug}/buildings/{main_building.pk}/responder-card.pdf",
            CARD_TARGET_MS,
        ),
    ]
    results: dict[str, Any] = {
        "database": connection.vendor,
        "schools": School.objects.count(),
        "assets": Asset.objects.count(),
        "requests": args.requests,
        "method": "Django test client, in-process (server time, no network)",
        "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
        "cases": {},
    }
    print(
        f"{connection.vendor}: {results['schools']} schools, {results['assets']} assets, "
        f"{args.requests} requests per case"
    )
    print(f"{'case':58} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'target':>7}")
    for label, who, url, target in cases:
        client = clients[who]
        times: list[float] = []
        queries = 0
        runs = args.requests if target == TARGET_MS else max(10, args.requests // 5)
        for i in range(runs + 3):
            connection.queries_log.clear()
            start = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 200, (url, response.status_code)
            if i >= 3:  # warm-up requests are not counted
                times.append(elapsed)
                queries = len(connection.queries)
        times.sort()
        p50 = statistics.median(times)
        p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
        ok = "ok" if p95 <= target else "MISSED"
        print(f"{label:58} {p50:8.1f} {p95:8.1f} {queries:8d} {ok:>7}")
        results["cases"][label] = {
            "url": url,
            "user": who,
            "p50_ms": round(p50, 2),
            "p95_ms": round(p95, 2),
            "queries": queries,
            "target_ms": target,
            "met": p95 <= target,
        }
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
