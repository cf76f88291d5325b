"""Run every benchmark harness in turn (`make bench`); each writes its JSON to bench/results/.

The figures and the exact per-benchmark commands are in docs/benchmarks.md. PostgreSQL runs use
their own databases (never `test`), which must exist: `createdb -h 127.0.0.1 -U postgres
vigil_bench_shell` and `vigil_bench_kb` (and `vigil_bench_incidents`). The whole run takes
the better part of an hour.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
PG = "postgres://postgres@127.0.0.1:5432/vigil_bench_shell"
PG_KB = "postgres://postgres@127.0.0.1:5432/vigil_bench_kb"
SQLITE_KB = "sqlite:////tmp/vigil-bench-kb/district.sqlite3"

BENCHMARKS: list[list[str]] = [
    [PY, "bench/shell_pages.py", "--out", "bench/results/shell_pages_sqlite.json"],
    [
        PY,
        "bench/shell_pages.py",
        "--database-url",
        PG,
        "--out",
        "bench/results/shell_pages_postgresql.json",
    ],
    [PY, "bench/generate_district.py", "--database-url", SQLITE_KB],
    [
        PY,
        "bench/kb_bench.py",
        "--database-url",
        SQLITE_KB,
        "--requests",
        "100",
        "--out",
        "bench/results/kb_sqlite.json",
    ],
    [PY, "bench/generate_district.py", "--database-url", PG_KB],
    [
        PY,
        "bench/kb_bench.py",
        "--database-url",
        PG_KB,
        "--requests",
        "100",
        "--out",
        "bench/results/kb_postgresql.json",
    ],
    [PY, "bench/screening.py", "quality", "--seed", "8"],
    [PY, "bench/screening.py", "speed", "--seed", "8"],
    [PY, "bench/visitor_checkin.py", "--registry", "100000", "--requests", "100"],
    [PY, "bench/ingest_mqtt.py", "--messages", "1000"],
    [PY, "bench/console_latency.py", "--messages", "3000", "--rate", "200"],
    [PY, "bench/sia_receiver.py", "--panels", "64", "--frames", "50"],
    [PY, "-m", "patrolopt", "bench"],
    [
        PY,
        "bench/incidents_search.py",
        "--fresh",
        "--database-url",
        "sqlite:////tmp/vigil-bench-incidents/incidents.sqlite3",
        "--out",
        "bench/results/incidents_search_sqlite.json",
    ],
    [
        PY,
        "bench/incidents_search.py",
        "--fresh",
        "--database-url",
        "postgres://postgres@127.0.0.1:5432/vigil_bench_incidents",
        "--out",
        "bench/results/incidents_search_postgresql.json",
    ],
    [PY, "bench/cold_start.py"],
    [PY, "bench/patrol_gap_cap.py", "--out", "bench/results/patrol_gap_cap.json"],
    [PY, "bench/court_packet.py", "--photos", "6", "--video-mib", "512"],
    [PY, "bench/outbound.py", "--events", "2000", "--out", "bench/results/outbound_sqlite.json"],
]


def main() -> None:
    failed = []
    for command in BENCHMARKS:
        print("$", " ".join(Path(c).name if c == PY else c for c in command), flush=True)
        if subprocess.run(command, cwd=ROOT, check=False).returncode != 0:
            failed.append(command)
    if failed:
        raise SystemExit(f"{len(failed)} benchmark(s) failed")


if __name__ == "__main__":
    main()
