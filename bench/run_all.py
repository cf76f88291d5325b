"""Run every benchmark harness in turn (`make bench`); each writes its JSON to bench/results/.

The figures and the exact per-benchmark commands are in docs/benchmarks.md. PostgreSQL runs use
their own databases (never `test`).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
PG = "postgres://postgres@127.0.0.1:5432/vigil_bench_shell"

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
    [PY, "bench/screening.py", "quality", "--seed", "8"],
    [PY, "bench/screening.py", "speed", "--seed", "8"],
    [PY, "bench/cold_start.py"],
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
