"""Sustained ingest through the real Mosquitto: messages per second, publish to committed.

Starts one `vigil ingest mqtt` worker on a fresh database (SQLite file, or PostgreSQL with
--database-url), publishes N Frigate-shaped events at QoS 1 at a steady --rate, and measures
from the first publish until the last event is committed (full pipeline: raw message,
normalise, de-duplicate, map, counters). A steady rate, not one burst: Mosquitto queues at
most `max_queued_messages` (default 1000) per subscriber and drops the rest, so a burst larger
than that measures the broker's setting, not Vigil (docs/operations.md).

    .venv/bin/python bench/ingest_mqtt.py [--messages 10000] [--rate 2500] [--database-url ...]
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

import paho.mqtt.client as mqtt
import psycopg
from paho.mqtt.enums import CallbackAPIVersion

ROOT = Path(__file__).resolve().parents[1]


def _count(env: dict[str, str]) -> int:
    if env.get("DATABASE_URL"):
        with psycopg.connect(env["DATABASE_URL"]) as conn:
            row = conn.execute("SELECT COUNT(*) FROM events_event").fetchone()
            return int(row[0]) if row else 0
    import sqlite3

    with sqlite3.connect(Path(env["VIGIL_DATA_DIR"]) / "vigil.sqlite3", timeout=30) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM events_event").fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10000)
    parser.add_argument("--rate", type=float, default=2500, help="messages per second offered")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--out", default="")
    args = parser.parse_args()
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
    log = Path(env["VIGIL_DATA_DIR"]) / "worker.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "vigil", "ingest", "mqtt"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        while "MQTT ingest" not in log.read_text():
            time.sleep(0.2)
        time.sleep(1.0)
        publisher = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2, client_id=f"vigil-bench-pub-{run}"
        )
        publisher.max_inflight_messages_set(1000)
        publisher.connect("127.0.0.1", 1883)
        publisher.loop_start()
        topic = f"bench-{run}/events"
        start = time.perf_counter()
        infos = []
        for n in range(args.messages):
            # Pace the publisher: message n is due at start + n / rate.
            delay = start + n / args.rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            after = {
                "id": f"{run}-{n}",
                "camera": "gym_back_door",
                "label": "person",
                "start_time": 1764300000.0 + n,
                "top_score": 0.8,
                "false_positive": False,
            }
            infos.append(
                publisher.publish(topic, json.dumps({"type": "new", "after": after}), qos=1)
            )
        for info in infos:
            info.wait_for_publish(60)
        published = time.perf_counter() - start
        while _count(env) < args.messages:
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
        publisher.loop_stop()
        publisher.disconnect()
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    result = {
        "database": "postgresql" if args.database_url else "sqlite",
        "messages": args.messages,
        "offered_rate": args.rate,
        "publish_seconds": round(published, 2),
        "committed_seconds": round(elapsed, 2),
        "messages_per_second": round(args.messages / elapsed, 1),
    }
    print(json.dumps(result))
    out = args.out or str(ROOT / "bench" / "results" / f"ingest_mqtt_{result['database']}.json")
    Path(out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
