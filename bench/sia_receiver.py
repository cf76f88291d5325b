"""SIA DC-09 receiver throughput: frames per second acknowledged over TCP.

Starts a real `vigil ingest sia --port N` on a fresh database (SQLite file, or PostgreSQL with
--database-url), with --panels accounts. Each simulated panel holds one TCP connection and does
what a DC-09 panel does: send a frame, wait for the ACK, send the next. Every frame is a
distinct alarm (its own sequence number and zone), so each one goes through the full pipeline
(raw message stored, normalised, de-duplicated, mapped, event created) before its ACK. The
figure is ACKed frames divided by the time from the first send to the last ACK; afterwards the
database must hold exactly one raw message per frame.

    .venv/bin/python bench/sia_receiver.py [--panels 8] [--frames 500] [--database-url ...]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]

SETUP = """
from vigil.integrations.sia.models import SiaAccount
from vigil.sites.models import District, School
district = District.objects.create(name="Bench district", slug="bench")
school = School.objects.create(district=district, name="Bench High", slug="bench-high",
                               level="high", latitude=38.5, longitude=-121.7)
for n in range({panels}):
    SiaAccount.objects.create(account_id=f"B{{n:04X}}", school=school)
"""


def crc16_arc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def frame(account: str, seq: int, zone: int) -> bytes:
    at = datetime.now(UTC)
    body = (
        f'"SIA-DCS"{seq % 10000:04d}R0L0#{account}[#{account}|Nri1/BA{zone}]_{at:%H:%M:%S,%m-%d-%Y}'
    )
    return f"\n{crc16_arc(body.encode()):04X}{len(body):04X}{body}\r".encode()


def panel(port: int, account: str, frames: int, acked: list[int], errors: list[str]) -> None:
    try:
        _panel(port, account, frames, acked, errors)
    except OSError as exc:
        errors.append(f"{account}: {exc}")


def _panel(port: int, account: str, frames: int, acked: list[int], errors: list[str]) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=60) as conn:
        for n in range(frames):
            conn.sendall(frame(account, n + 1, 1000 + n))
            reply = b""
            while not reply.endswith(b"\r"):
                chunk = conn.recv(1024)
                if not chunk:
                    errors.append(f"{account}: connection closed")
                    return
                reply += chunk
            if b'"ACK"' not in reply:
                errors.append(f"{account}: {reply!r}")
                return
            acked.append(1)


def _raw_count(env: dict[str, str]) -> int:
    if env.get("DATABASE_URL"):
        with psycopg.connect(env["DATABASE_URL"]) as conn:
            row = conn.execute("SELECT COUNT(*) FROM events_rawmessage").fetchone()
            return int(row[0]) if row else 0
    with sqlite3.connect(Path(env["VIGIL_DATA_DIR"]) / "vigil.sqlite3", timeout=30) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM events_rawmessage").fetchone()[0])


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux /proc), None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--panels", type=int, default=8, help="concurrent panel connections")
    parser.add_argument("--frames", type=int, default=500, help="frames per panel")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["VIGIL_DATA_DIR"] = tempfile.mkdtemp(prefix="vigil-sia-bench-")
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    vigil = [sys.executable, "-m", "vigil"]
    subprocess.run([*vigil, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    if args.database_url:
        subprocess.run([*vigil, "flush", "--no-input"], cwd=ROOT, env=env, check=True)
    setup = SETUP.format(panels=args.panels)
    subprocess.run([*vigil, "shell", "-c", setup], cwd=ROOT, env=env, check=True)
    port = _free_port()
    log = Path(env["VIGIL_DATA_DIR"]) / "receiver.log"
    receiver = subprocess.Popen(
        [*vigil, "ingest", "sia", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    acked: list[int] = []
    errors: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while "SIA DC-09 receiver on" not in log.read_text():
            if time.monotonic() > deadline or receiver.poll() is not None:
                raise SystemExit(f"receiver did not start:\n{log.read_text()}")
            time.sleep(0.1)
        threads = [
            threading.Thread(target=panel, args=(port, f"B{n:04X}", args.frames, acked, errors))
            for n in range(args.panels)
        ]
        cpu_before = _cpu_seconds(receiver.pid)
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
        cpu_after = _cpu_seconds(receiver.pid)
    finally:
        receiver.terminate()
        receiver.wait(timeout=20)
    stored = _raw_count(env)
    total = args.panels * args.frames
    if errors or len(acked) != total or stored != total:
        raise SystemExit(f"acked {len(acked)}/{total}, stored {stored}; errors: {errors[:5]}")
    result: dict[str, object] = {
        "database": "postgresql" if args.database_url else "sqlite",
        "panels": args.panels,
        "frames": total,
        "seconds": round(elapsed, 2),
        "frames_per_second": round(total / elapsed, 1),
        # The receiver's own CPU time for the run: on a busy machine the wall-clock rate says
        # more about the other processes than about Vigil; this does not.
        "receiver_cpu_seconds": None,
        "frames_per_receiver_cpu_second": None,
        "load_average_1min": round(os.getloadavg()[0], 1),
    }
    if cpu_before is not None and cpu_after is not None and cpu_after > cpu_before:
        result["receiver_cpu_seconds"] = round(cpu_after - cpu_before, 2)
        result["frames_per_receiver_cpu_second"] = round(total / (cpu_after - cpu_before), 1)
    print(json.dumps(result))
    out = args.out or str(ROOT / "bench" / "results" / f"sia_receiver_{result['database']}.json")
    Path(out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
