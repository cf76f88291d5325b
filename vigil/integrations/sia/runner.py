"""`vigil ingest sia --port N [--udp]`: the DC-09 receiver, and panel supervision.

Every accepted frame goes through the ingest pipeline before the panel gets its ACK. A panel
that sends nothing (not even its automatic test) for its supervision interval raises one
"communication lost" event per silence.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import DatabaseError, close_old_connections
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


def store(frame: bytes, event: Any, schools: dict[str, int]) -> bool:
    account = str(event.account or "").upper()
    now = timezone.now()
    try:
        close_old_connections()
        SiaAccount.objects.filter(account_id__iexact=account).update(last_seen_at=now)
        pipeline.ingest(
            pipeline.Inbound(
                source=SOURCE,
                payload=frame,
                received_at=now,
                # A panel repeats an unacknowledged frame byte for byte.
                dedupe_key=hashlib.sha256(frame).hexdigest(),
                school_id=schools.get(account),
            ),
            lambda message: normalize_sia(message, event),
        )
    except DatabaseError:
        log.exception("could not store a SIA frame; answering NAK so the panel resends it")
        return False
    return True


def refused(kind: str) -> None:
    try:
        close_old_connections()
        pipeline.count(SOURCE, kind, timezone.now())
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
    server = receiver_class(
        (host, port), library, lambda frame, event: store(frame, event, schools), refused
    )
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
