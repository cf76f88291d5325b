"""Against the real Mosquitto on 127.0.0.1:1883: no message lost and none doubled when the
ingest worker is killed with SIGKILL in the middle of a stream and started again.

The worker is a real `vigil ingest mqtt` process on its own SQLite file; the test reads that
file directly. Topic prefix, client id and share group are unique per run, so parallel runs
and other users of the broker do not interfere.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

ROOT = Path(__file__).resolve().parents[4]
BROKER = ("127.0.0.1", 1883)
TOTAL = 400

pytestmark = [pytest.mark.mqtt, pytest.mark.xdist_group("mqtt")]


def _broker_up() -> bool:
    try:
        with socket.create_connection(BROKER, timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def broker() -> None:
    if not _broker_up():
        if os.environ.get("CI") == "true":
            pytest.fail("Mosquitto is not answering on 127.0.0.1:1883 and CI=true")
        pytest.skip("no MQTT broker on 127.0.0.1:1883")


@pytest.fixture
def worker_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    run = uuid.uuid4().hex[:10]
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        VIGIL_DATA_DIR=str(tmp_path),
        VIGIL_MQTT_URL=f"mqtt://{BROKER[0]}:{BROKER[1]}",
        VIGIL_MQTT_CLIENT_ID=f"vigil-test-{run}",
        VIGIL_MQTT_SHARE_GROUP=f"vigil-test-{run}",
        VIGIL_FRIGATE_TOPIC_PREFIX=f"vigil-test-{run}",
    )
    subprocess.run(
        [sys.executable, "-m", "vigil", "migrate", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    yield env
    # Drop the persistent session this run left on the broker.
    cleaner = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2,
        client_id=env["VIGIL_MQTT_CLIENT_ID"],
        clean_session=True,
    )
    cleaner.connect(*BROKER)
    cleaner.disconnect()


def _start(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "vigil", "ingest", "mqtt"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def _counts(db: Path) -> tuple[int, int, int]:
    with sqlite3.connect(db, timeout=10) as conn:
        raw = conn.execute("SELECT COUNT(*) FROM events_rawmessage").fetchone()[0]
        events = conn.execute("SELECT COUNT(*) FROM events_event").fetchone()[0]
        distinct = conn.execute(
            "SELECT COUNT(DISTINCT source_event_id) FROM events_event"
        ).fetchone()[0]
    return int(raw), int(events), int(distinct)


def _wait(predicate: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


def _message(prefix: str, n: int) -> bytes:
    start = 1764300000.0 + n
    after = {
        "id": f"{start}-{n:05d}",
        "camera": "gym_back_door",
        "label": "person",
        "start_time": start,
        "top_score": 0.8,
        "false_positive": False,
        "entered_zones": [],
        "has_clip": False,
        "has_snapshot": True,
    }
    return json.dumps({"type": "new", "before": {}, "after": after}).encode()


def test_kill_9_mid_stream_loses_nothing_and_doubles_nothing(
    broker: None, worker_env: dict[str, str], tmp_path: Path
) -> None:
    db = tmp_path / "vigil.sqlite3"
    log = tmp_path / "worker.log"
    prefix = worker_env["VIGIL_FRIGATE_TOPIC_PREFIX"]
    worker = _start(worker_env, log)
    publisher = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2,
        client_id=f"{worker_env['VIGIL_MQTT_CLIENT_ID']}-pub",
    )
    publisher.connect(*BROKER)
    publisher.loop_start()
    try:
        # Wait until the worker's subscription exists, or the broker would drop early messages.
        assert _wait(lambda: "MQTT ingest" in log.read_text(), 60), log.read_text()
        time.sleep(1.0)
        # Publish a burst, then kill the worker while it is still working through it.
        for n in range(TOTAL // 2):
            publisher.publish(f"{prefix}/events", _message(prefix, n), qos=1)
        assert _wait(lambda: _counts(db)[0] >= 20, 60), log.read_text()
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        stored_at_kill = _counts(db)[0]
        for n in range(TOTAL // 2, TOTAL):
            publisher.publish(f"{prefix}/events", _message(prefix, n), qos=1).wait_for_publish(10)
        worker = _start(worker_env, log)
        assert _wait(lambda: _counts(db)[0] >= TOTAL, 120), (_counts(db), log.read_text())
        time.sleep(1.0)  # anything doubled would have arrived by now
        assert _counts(db) == (TOTAL, TOTAL, TOTAL)
        assert 20 <= stored_at_kill < TOTAL  # the kill did land mid-stream
    finally:
        publisher.loop_stop()
        publisher.disconnect()
        worker.kill()
        worker.wait(timeout=10)
