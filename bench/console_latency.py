"""Latency from an MQTT publish to the console receiving the update (Server-Sent Events).

Starts `vigil run` on a fresh database (SQLite file, or PostgreSQL with --database-url) with the
MQTT receiver enabled (`vigil ingest mqtt`, a separate process, as in production), maps the
bench camera to a school, signs the demo supervisor in, opens the console's event stream
(GET /console/stream/) as that supervisor, then publishes Frigate events at QoS 1 to the real
Mosquitto at a steady --rate. Each message creates one event; its latency is the time from its
publish call to the arrival of the stream message carrying that event's row (full pipeline:
raw message, normalise, de-duplicate, map, commit, change feed, stream poll, scope, JSON).

    .venv/bin/python bench/console_latency.py [--messages 3000] [--rate 200] [--database-url ...]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

ROOT = Path(__file__).resolve().parents[1]
CAMERA = "bench_latency_cam"

# Run inside the server's environment: map the camera to a school, sign the supervisor in
# (a session that has passed the second factor, as after the login page), print the cookie.
SETUP = f"""
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from vigil.accounts.models import User
from vigil.events.models import DeviceMapping
from vigil.sites.models import School

DeviceMapping.objects.get_or_create(
    source="frigate", external_id="{CAMERA}",
    defaults={{"school": School.objects.get(slug="cedar-hollow-hs")}},
)
user = User.objects.get(username="supervisor")
session = import_module(settings.SESSION_ENGINE).SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
if device is not None:
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
session.create()
print(settings.SESSION_COOKIE_NAME + "=" + session.session_key)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class StreamClient(threading.Thread):
    """Reads the event stream and notes when each bench event's row first arrives."""

    def __init__(self, port: int, cookie: str, pattern: re.Pattern[str]) -> None:
        super().__init__(daemon=True)
        self.port, self.cookie, self.pattern = port, cookie, pattern
        self.arrived: dict[int, float] = {}
        self.connected = threading.Event()
        self.stop = False

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        conn.request(
            "GET",
            "/console/stream/",
            headers={"Cookie": self.cookie, "Accept": "text/event-stream"},
        )
        response = conn.getresponse()
        if response.status != 200 or "text/event-stream" not in response.getheader(
            "Content-Type", ""
        ):
            raise RuntimeError(f"stream refused: {response.status} {response.read()[:300]!r}")
        self.connected.set()
        data = ""
        while not self.stop:
            line = response.readline()
            if not line:
                break
            text = line.decode().rstrip("\n")
            if text.startswith("data: "):
                data = text[6:]
            elif text == "" and data:
                now = time.perf_counter()
                for row in json.loads(data)["events"]:
                    match = self.pattern.search(row["title"])
                    if match:
                        self.arrived.setdefault(int(match.group(1)), now)
                data = ""
        conn.close()


def _received_at(env: dict[str, str], run: str) -> dict[int, float]:
    """When the ingest worker received each bench message (Event.received_at), by number."""
    query = "SELECT source_event_id, received_at FROM events_event WHERE source = 'frigate'"
    if env.get("DATABASE_URL"):
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as conn:
            rows = [(str(a), b.timestamp()) for a, b in conn.execute(query).fetchall()]
    else:
        import sqlite3
        from datetime import datetime

        with sqlite3.connect(Path(env["VIGIL_DATA_DIR"]) / "vigil.sqlite3", timeout=30) as conn:
            rows = [
                (str(a), datetime.fromisoformat(str(b)).timestamp())
                for a, b in conn.execute(query).fetchall()
            ]
    prefix = f"{run}-"
    return {int(a[len(prefix) :]): b for a, b in rows if a.startswith(prefix)}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=200, help="messages per second offered")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    run = uuid.uuid4().hex[:8]
    port = _free_port()
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        VIGIL_DATA_DIR=tempfile.mkdtemp(prefix="vigil-latency-"),
        VIGIL_INGEST_MQTT="1",
        VIGIL_MQTT_CLIENT_ID=f"vigil-latency-{run}",
        VIGIL_MQTT_SHARE_GROUP=f"vigil-latency-{run}",
        VIGIL_FRIGATE_TOPIC_PREFIX=f"latency-{run}",
    )
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
        subprocess.run(
            [sys.executable, "-m", "vigil", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        subprocess.run(
            [sys.executable, "-m", "vigil", "flush", "--no-input"], cwd=ROOT, env=env, check=True
        )
    log = Path(env["VIGIL_DATA_DIR"]) / "server.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "vigil", "run", "--port", str(port), "--no-worker"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"vigil run did not start:\n{log.read_text()}") from None
                time.sleep(0.3)
        setup = subprocess.run(
            [sys.executable, "-m", "vigil", "shell", "-c", SETUP],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        cookie = setup.stdout.strip().splitlines()[-1]
        client = StreamClient(port, cookie, re.compile(rf"in {run}-(\d+)$"))
        client.start()
        if not client.connected.wait(30):
            raise RuntimeError("the event stream did not open")
        while "MQTT ingest" not in log.read_text():
            time.sleep(0.2)
        time.sleep(1.0)

        publisher = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2, client_id=f"vigil-latency-pub-{run}"
        )
        publisher.max_inflight_messages_set(1000)
        publisher.connect("127.0.0.1", 1883)
        publisher.loop_start()
        topic = f"latency-{run}/events"
        published: dict[int, float] = {}
        wall: dict[int, float] = {}
        offset = time.time() - time.perf_counter()
        start = time.perf_counter()
        for n in range(args.messages):
            delay = start + n / args.rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            after = {
                "id": f"{run}-{n}",
                "camera": CAMERA,
                "label": "person",
                "entered_zones": [f"{run}-{n}"],
                "start_time": time.time(),
                "top_score": 0.8,
                "false_positive": False,
            }
            payload = json.dumps({"type": "new", "after": after})
            published[n] = time.perf_counter()
            wall[n] = time.time()
            publisher.publish(topic, payload, qos=1)
        deadline = time.monotonic() + 60
        while len(client.arrived) < args.messages and time.monotonic() < deadline:
            time.sleep(0.05)
        publisher.loop_stop()
        publisher.disconnect()
        client.stop = True
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies = [
        (client.arrived[n] - published[n]) * 1000 for n in published if n in client.arrived
    ]
    if not latencies:
        raise RuntimeError(f"no update arrived on the stream:\n{log.read_text()[-2000:]}")
    result: dict[str, Any] = {
        "database": "postgresql" if args.database_url else "sqlite",
        "messages": args.messages,
        "offered_rate": args.rate,
        "received": len(latencies),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(_percentile(latencies, 0.95), 1),
        "p99_ms": round(_percentile(latencies, 0.99), 1),
        "max_ms": round(max(latencies), 1),
        "load_average_1min": round(os.getloadavg()[0], 1),
        "cpus": os.cpu_count(),
    }
    # Where the time goes: publish → received by the ingest worker (its received_at), and
    # received → on the stream.
    received = _received_at(env, run)
    to_worker = [(received[n] - wall[n]) * 1000 for n in wall if n in received]
    to_stream = [
        (client.arrived[n] + offset - received[n]) * 1000 for n in received if n in client.arrived
    ]
    if to_worker and to_stream:
        result["publish_to_worker_p50_ms"] = round(statistics.median(to_worker), 1)
        result["worker_to_stream_p50_ms"] = round(statistics.median(to_stream), 1)
    print(json.dumps(result))
    out = args.out or str(ROOT / "bench" / "results" / f"console_latency_{result['database']}.json")
    Path(out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
