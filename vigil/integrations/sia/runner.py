"""`vigil ingest sia --port N [--udp]`: the DC-09 receiver, and panel supervision.

Every accepted frame goes through the ingest pipeline before the panel gets its ACK. A panel
that sends nothing (not even its automatic test) for its supervision interval raises one
"communication lost" event per silence.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import threading
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import DatabaseError, close_old_connections, connection, connections
from django.utils import timezone
from pysiaalarm.account import SIAAccount

from vigil.events import pipeline
from vigil.events.choices import EventType
from vigil.integrations.sia import client
from vigil.integrations.sia.models import SiaAccount
from vigil.integrations.sia.normalize import normalize_sia

log = logging.getLogger("vigil.sia")
SOURCE = "sia"


def accounts() -> tuple[dict[str, SIAAccount], dict[str, int]]:
    """pysiaalarm accounts and each account's school, from the active SiaAccount rows."""
    library: dict[str, SIAAccount] = {}
    schools: dict[str, int] = {}
    for row in SiaAccount.objects.filter(active=True):
        library[row.account_id.upper()] = SIAAccount(row.account_id, row.key or None)
        schools[row.account_id.upper()] = row.school_id
    return library, schools


def _inbound(frame: bytes, event: Any, schools: dict[str, int], now: datetime) -> pipeline.Inbound:
    account = str(event.account or "").upper()
    return pipeline.Inbound(
        source=SOURCE,
        payload=frame,
        received_at=now,
        # A panel repeats an unacknowledged frame byte for byte.
        dedupe_key=hashlib.sha256(frame).hexdigest(),
        school_id=schools.get(account),
    )


def store_batch(frames: list[tuple[bytes, Any]], schools: dict[str, int]) -> bool:
    """Store frames (with their parsed events) in one transaction; True once committed."""
    now = timezone.now()
    try:
        # The writer thread keeps its connection (closing a SQLite connection checkpoints the
        # WAL: milliseconds per batch); one that failed is dropped below and opened again.
        pipeline.ingest_batch(
            [
                (_inbound(frame, event, schools, now), partial(_normalize, event))
                for frame, event in frames
            ]
        )
        heard = sorted({str(event.account or "").upper() for _, event in frames})
        SiaAccount.objects.filter(account_id__in=heard).update(last_seen_at=now)
    except DatabaseError:
        log.exception("could not store SIA frames; answering NAK so the panels resend them")
        connection.close()
        return False
    return True


def store(frame: bytes, event: Any, schools: dict[str, int]) -> bool:
    return store_batch([(frame, event)], schools)


def _normalize(event: Any, message: pipeline.Inbound) -> pipeline.Normalized | None:
    return normalize_sia(message, event)


class _Pending:
    __slots__ = ("done", "event", "frame", "stored")

    def __init__(self, frame: bytes, event: Any) -> None:
        self.frame, self.event = frame, event
        self.done = threading.Event()
        self.stored = False


class BatchWriter:
    """One writer thread that commits what every panel connection has received meanwhile.

    Each connection's thread hands its frame over and waits for the commit before it answers
    ACK (or NAK when the commit failed), so the "ACK after commit" rule holds; under load many
    frames share one transaction (group commit) instead of queueing for the database's write
    lock one by one, which on SQLite means sleeping in its busy handler.
    """

    def __init__(
        self, schools: dict[str, int], *, max_batch: int = 200, wait_s: float = 30.0
    ) -> None:
        self.schools = schools
        self.max_batch = max_batch
        self.wait_s = wait_s
        self.queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._run, daemon=True, name="sia-writer")
        self.thread.start()

    def store(self, frame: bytes, event: Any) -> bool:
        pending = _Pending(frame, event)
        self.queue.put(pending)
        # A writer slower than this gets a NAK; if it commits later, the panel's resend is a
        # duplicate and is acknowledged without a second event.
        return pending.done.wait(self.wait_s) and pending.stored

    def stop(self) -> None:
        self.queue.put(None)
        self.thread.join(self.wait_s)

    def _run(self) -> None:
        try:
            while True:
                first = self.queue.get()
                if first is None:
                    return
                batch = [first]
                while len(batch) < self.max_batch:
                    try:
                        item = self.queue.get_nowait()
                    except queue.Empty:
                        break
                    if item is None:
                        self.queue.put(None)  # stop after this batch
                        break
                    batch.append(item)
                try:
                    stored = store_batch([(p.frame, p.event) for p in batch], self.schools)
                except Exception:  # the writer must outlive any one bad batch
                    log.exception("storing SIA frames failed; answering NAK")
                    stored = False
                for pending in batch:
                    pending.stored = stored
                    pending.done.set()
        finally:
            connections.close_all()


def refused(kind: str, detail: str = "") -> None:
    try:
        close_old_connections()
        pipeline.count(SOURCE, kind, timezone.now(), detail)
    except DatabaseError:
        log.exception("could not count a refused SIA frame")


def _already_normalized(
    normalized: pipeline.Normalized, message: pipeline.Inbound
) -> pipeline.Normalized:
    return normalized


def check_supervision(now: datetime) -> int:
    """Raise "communication lost" for every silent account; return how many were raised."""
    raised = 0
    # Few accounts per district: comparing in Python keeps the check the same on every database.
    for account in SiaAccount.objects.filter(active=True, last_seen_at__isnull=False):
        last_seen = account.last_seen_at
        assert last_seen is not None
        deadline = last_seen + timedelta(seconds=account.supervision_seconds)
        if deadline > now:
            continue
        key = f"comm-lost:{account.account_id}:{last_seen.isoformat()}"

        lost = pipeline.Normalized(
            source_event_id=key,
            event_type=EventType.COMMUNICATION_LOST,
            title=f"Communication lost with alarm panel {account.account_id}",
            occurred_at=deadline,
            device=account.account_id,
            data={"last_seen_at": last_seen.isoformat()},
        )
        result = pipeline.ingest(
            pipeline.Inbound(
                source=SOURCE,
                payload=key.encode(),
                received_at=now,
                dedupe_key=key,  # one event per silence, however often we check
                school_id=account.school_id,
            ),
            partial(_already_normalized, lost),
        )
        raised += result.outcome == pipeline.Outcome.CREATED
    return raised


def run(host: str, port: int, *, udp: bool = False, stop: threading.Event | None = None) -> None:
    library, schools = accounts()
    receiver_class = client.UDPReceiver if udp else client.TCPReceiver
    writer = BatchWriter(schools)
    server = receiver_class((host, port), library, writer.store, refused)
    stop = stop or threading.Event()

    def supervise() -> None:
        while not stop.wait(30):
            try:
                close_old_connections()
                check_supervision(timezone.now())
            except DatabaseError:
                log.exception("supervision check failed")

    threading.Thread(target=supervise, daemon=True, name="sia-supervision").start()
    log.warning(
        "SIA DC-09 receiver on %s:%s (%s), %d accounts",
        host,
        port,
        "UDP" if udp else "TCP",
        len(library),
    )
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        stop.set()
        server.server_close()
        writer.stop()
