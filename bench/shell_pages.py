"""Server time of the UI shell's pages: p50/p95/p99 and queries per page.

Runs in-process through Django's test client against a real database (a fresh SQLite file in a
temporary data directory, or PostgreSQL via --database-url), with the demo district loaded and a
signed-in director (2FA passed). "Server time" is the time from the request entering Django's
handler to the response leaving it: what the server costs, without network or browser.

    .venv/bin/python bench/shell_pages.py [--requests 300] [--database-url postgres://...]
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

ROOT = Path(__file__).resolve().parents[1]
PAGES = [
    "/",
    "/schools/",
    "/schools/cedar-hollow-hs/",
    "/people/",
    "/audit/",
    "/account/",
    "/api/schools",
    "/api/areas?limit=100",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "shell_pages.json"))
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="vigil-bench-")
    os.environ["VIGIL_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.DEBUG = True  # to count queries; templates and middleware are unchanged
    call_command("migrate", verbosity=0)
    if args.database_url:
        call_command("flush", interactive=False, verbosity=0)
    from vigil.demo import builder

    builder.build()
    sys.path.insert(0, str(ROOT))
    from conftest import sign_in

    client = Client()
    sign_in(client, "director")
    client.get("/")
    results = {}
    for page in PAGES:
        times: list[float] = []
        queries = 0
        for _ in range(args.requests):
            reset_queries()
            start = time.perf_counter()
            response = client.get(page)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (page, response.status_code)
            queries = len(connection.queries)
        times.sort()
        results[page] = {
            "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[int(0.95 * len(times)) - 1], 2),
            "p99_ms": round(times[int(0.99 * len(times)) - 1], 2),
            "queries": queries,
        }
        row = results[page]
        print(
            f"{page:28} p50 {row['p50_ms']:7.2f} ms  p95 {row['p95_ms']:7.2f} ms"
            f"  p99 {row['p99_ms']:7.2f} ms  queries {queries}"
        )
    out = {
        "database": connection.vendor,
        "requests_per_page": args.requests,
        "pages": results,
    }
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
