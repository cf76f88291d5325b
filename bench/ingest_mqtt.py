"""Sustained ingest through the real Mosquitto: messages per second, publish to committed.

Starts `vigil ingest mqtt` workers (one unless --workers) on a fresh database (SQLite file, or
PostgreSQL with --database-url), publishes N Frigate-shaped events at QoS 1 at a steady --rate
with `mosquitto_pub`, and measures
from the first publish until the last event is committed (full pipeline: raw message,
normalise, de-duplicate, map, counters). A steady rate, not one burst: Mosquitto queues at
most `max_queued_messages` (default 1000) per subscriber and drops the rest, so a burst larger
than that measures the broker's setting, not Vigil (docs/operations.md).

    .venv/bin/python bench/ingest_mqtt.py [--messages 10000] [--rate 2500] [--workers 1]
        [--database-url ...]

The database first receives --history earlier events (default 20,000) through the pipeline and
is analysed, as a district's database would be. If the workers fall behind, the broker drops
messages; the run then stops 15 s after the last stored one and reports how many were stored.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]


def _count(env: dict[str, str]) -> int:
    if env.get("DATABASE_URL"):
        with psycopg.connect(env["DATABASE_URL"]) as conn:
            row = conn.execute("SELECT COUNT(*) FROM events_event").fetchone()
            return int(row[0]) if row else 0
    import sqlite3

    with sqlite3.connect(Path(env["VIGIL_DATA_DIR"]) / "vigil.sqlite3", timeout=30) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM events_event").fetchone()[0])


def seed_history(events: int) -> None:
    """Store ``events`` earlier Frigate events through the pipeline, then ANALYZE.

    Runs in a child process with Django set up (``--seed-history``). The statistics matter on
    PostgreSQL: the CI machine's server runs with autovacuum off, so a table that grew from
    empty during the run would keep "empty" statistics and the planner would read every event
    of the source to find a batch's 200 ids (15 ms a batch instead of 1). In production
    autovacuum keeps them current; ANALYZE after the history stands in for it.
    """
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection
    from django.utils import timezone

    from vigil.events import pipeline
    from vigil.integrations.mqtt import normalize

    start = timezone.now().timestamp() - events
    for first in range(0, events, 200):
        batch = []
        for n in range(first, min(first + 200, events)):
            after = {
                "id": f"history-{n}",
                "camera": "gym_back_door",
                "label": "person",
                "start_time": start + n,
                "end_time": start + n + 30,
                "top_score": 0.8,
                "false_positive": False,
            }
            payload = json.dumps({"type": "end", "after": after}).encode()
            inbound = pipeline.Inbound(
                source="frigate",
                payload=payload,
                received_at=timezone.now(),
                dedupe_key=f"history-{n}",
                topic="frigate/events",
            )
            batch.append((inbound, normalize.frigate_event))
        pipeline.ingest_batch(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        # Write the seeding's pages out now, so the run does not pay for them in a checkpoint.
        if connection.vendor == "postgresql":
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10000)
    parser.add_argument("--rate", type=float, default=2500, help="messages per second offered")
    parser.add_argument(
        "--workers", type=int, default=1, help="ingest workers splitting one shared subscription"
    )
    parser.add_argument(
        "--history",
        type=int,
        default=20000,
        help="events already stored before the run (a district's database is never empty)",
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--out", default="")
    parser.add_argument("--seed-history", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed_history:
        seed_history(args.seed_history)
        return
    run = uuid.uuid4().hex[:8]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        VIGIL_DATA_DIR=tempfile.mkdtemp(prefix="vigil-ingest-"),
        VIGIL_MQTT_CLIENT_ID=f"vigil-bench-{run}",
        VIGIL_MQTT_SHARE_GROUP=f"vigil-bench-{run}",
        VIGIL_FRIGATE_TOPIC_PREFIX=f"bench-{run}",
    )
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    subprocess.run([sys.executable, "-m", "vigil", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    if args.database_url:
        subprocess.run(
            [sys.executable, "-m", "vigil", "flush", "--no-input"], cwd=ROOT, env=env, check=True
        )
    if args.history:
        subprocess.run(
            [sys.executable, __file__, "--seed-history", str(args.history)],
            cwd=ROOT,
            env=env,
            check=True,
        )
    before = _count(env)
    logs = [Path(env["VIGIL_DATA_DIR"]) / f"worker-{w}.log" for w in range(args.workers)]
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "vigil", "ingest", "mqtt", "--worker", str(w + 1)],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        for w, log in enumerate(logs)
    ]
    try:
        while not all("MQTT ingest" in log.read_text() for log in logs):
            time.sleep(0.2)
        time.sleep(1.0)
        cpu_at_start = sum(_cpu_seconds(worker.pid) for worker in workers)  # past start-up
        # Mosquitto's own C client publishes, fed one JSON line per message: a Python MQTT
        # publisher took 60 % of a core at 2,100 messages/s on this 2-core machine, CPU the
        # receiver under test then did not get.
        topic = f"bench-{run}/events"
        publisher = subprocess.Popen(
            [
                *("mosquitto_pub", "-h", "127.0.0.1", "-p", "1883", "-q", "1"),
                *("-t", topic, "-l", "-i", f"vigil-bench-pub-{run}"),
            ],
            stdin=subprocess.PIPE,
        )
        assert publisher.stdin is not None
        start = time.perf_counter()
        for n in range(args.messages):
            # Pace the publisher: message n is due at start + n / rate.
            delay = start + n / args.rate - time.perf_counter()
            if delay > 0:
                publisher.stdin.flush()
                time.sleep(delay)
            after = {
                "id": f"{run}-{n}",
                "camera": "gym_back_door",
                "label": "person",
                "start_time": 1764300000.0 + n,
                "top_score": 0.8,
                "false_positive": False,
            }
            publisher.stdin.write(json.dumps({"type": "new", "after": after}).encode() + b"\n")
        publisher.stdin.close()
        publisher.wait(timeout=120)
        published = time.perf_counter() - start
        stored, last_change = 0, time.perf_counter()
        while stored < args.messages:
            time.sleep(0.05)
            now_stored = _count(env) - before
            if now_stored != stored:
                stored, last_change = now_stored, time.perf_counter()
            elif time.perf_counter() - last_change > 15:
                break  # the broker dropped what the workers could not take: report, not hang
        elapsed = time.perf_counter() - start
        worker_cpu = sum(_cpu_seconds(worker.pid) for worker in workers) - cpu_at_start
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=20)
    result = {
        "database": "postgresql" if args.database_url else "sqlite",
        "workers": args.workers,
        "history": args.history,
        "messages": args.messages,
        "stored": stored,
        "offered_rate": args.rate,
        "publish_seconds": round(published, 2),
        "committed_seconds": round(elapsed, 2),
        "messages_per_second": round(stored / elapsed, 1),
        "worker_cpu_ms_per_message": round(1000 * worker_cpu / max(stored, 1), 3),
    }
    print(json.dumps(result))
    name = f"ingest_mqtt_{result['database']}" + (f"_{args.workers}w" if args.workers > 1 else "")
    out = args.out or str(ROOT / "bench" / "results" / f"{name}.json")
    Path(out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
