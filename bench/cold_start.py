"""Cold `make run` on a fresh clone, to the first served login page.

Clones the repository's committed HEAD into a temporary directory (no .venv, no var/), runs
`make run PORT=<free port>` and times until GET /login/ answers 200. This includes creating the
virtualenv, installing every dependency from the package index, migrating and building the
demo district.

    .venv/bin/python bench/cold_start.py [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "cold_start.json"))
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="vigil-cold-"))
    clone = workdir / "vigil"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "VIRTUAL_ENV"}}
    log = (workdir / "make-run.log").open("w")
    start = time.monotonic()
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=clone,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    served = None
    try:
        while time.monotonic() - start < args.timeout:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as r:
                    if r.status == 200:
                        served = time.monotonic() - start
                        break
            except OSError:
                pass
            if process.poll() is not None:
                break
            time.sleep(0.5)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    if served is None:
        raise SystemExit(f"no login page; see {workdir / 'make-run.log'}")
    result = {
        "seconds_to_login_page": round(served, 1),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip(),
    }
    print(json.dumps(result))
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
