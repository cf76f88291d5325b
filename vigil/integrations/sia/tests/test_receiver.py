"""A real DC-09 client talking TCP to the receiver (pysiaalarm underneath)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.db import DatabaseError
from django.utils import timezone

from vigil.events.models import Event, IntegrationCounter, RawMessage
from vigil.integrations.sia import runner
from vigil.integrations.sia.models import SiaAccount
from vigil.sites.models import District, School

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("sia")]


def crc16_arc(data: bytes) -> int:
    """CRC-16/ARC, the checksum DC-09 puts in front of every frame."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def frame(
    account: str,
    code: str,
    zone: str = "501",
    seq: str = "0001",
    at: datetime | None = None,
    *,
    crc_ok: bool = True,
) -> bytes:
    at = at or datetime.now(UTC)
    body = f'"SIA-DCS"{seq}R0L0#{account}[#{account}|Nri1/{code}{zone}]_{at:%H:%M:%S,%m-%d-%Y}'
    crc = crc16_arc(body.encode()) ^ (0 if crc_ok else 0x1)
    return f"\n{crc:04X}{len(body):04X}{body}\r".encode()


@pytest.fixture
def school() -> School:
    district = District.objects.create(name="Test district", slug="t")
    return School.objects.create(
        district=district,
        name="Test High",
        slug="test-high",
        level="high",
        latitude=38.5,
        longitude=-121.7,
    )


@pytest.fixture
def receiver(school: School) -> Iterator[tuple[str, int]]:
    SiaAccount.objects.create(account_id="AAA", school=school)
    library, schools = runner.accounts()
    from vigil.integrations.sia import client

    server = client.TCPReceiver(
        ("127.0.0.1", 0), library, lambda f, e: runner.store(f, e, schools), runner.refused
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server.server_address  # type: ignore[misc]
    server.shutdown()
    server.server_close()
    thread.join(5)


def send(address: tuple[str, int], data: bytes) -> bytes:
    with socket.create_connection(address, timeout=5) as conn:
        conn.sendall(data)
        return conn.recv(1024)


def _counter(name: str) -> int:
    found = IntegrationCounter.objects.filter(source="sia", name=name).first()
    return found.count if found else 0


def test_burglary_is_stored_then_acknowledged(receiver: tuple[str, int], school: School) -> None:
    reply = send(receiver, frame("AAA", "BA"))
    assert b'"ACK"0001R0L0#AAA[]' in reply
    event = Event.objects.get()
    assert (event.event_type, event.school_id, event.device, event.data["zone"]) == (
        "burglary",
        school.pk,
        "AAA",
        "501",
    )
    assert event.title == "Burglary Alarm – zone 501"
    assert SiaAccount.objects.get().last_seen_at is not None


def test_a_retransmitted_frame_is_acknowledged_again_but_stored_once(
    receiver: tuple[str, int],
) -> None:
    data = frame("AAA", "FA", zone="12")
    assert b'"ACK"' in send(receiver, data)
    assert b'"ACK"' in send(receiver, data)
    assert (Event.objects.count(), RawMessage.objects.count(), _counter("duplicate")) == (1, 1, 1)


def test_bad_crc_is_nak_and_not_stored(receiver: tuple[str, int]) -> None:
    assert b'"NAK"' in send(receiver, frame("AAA", "BA", crc_ok=False))
    assert (RawMessage.objects.count(), _counter("crc")) == (0, 1)


def test_unknown_account_is_nak(receiver: tuple[str, int]) -> None:
    assert b'"NAK"' in send(receiver, frame("BBB", "BA"))
    assert (RawMessage.objects.count(), _counter("nak")) == (0, 1)


def test_unknown_code_is_duh(receiver: tuple[str, int]) -> None:
    assert b'"DUH"' in send(receiver, frame("AAA", "AC"))  # AC is no SIA code
    assert (RawMessage.objects.count(), _counter("duh")) == (0, 1)


def test_automatic_test_is_a_heartbeat(receiver: tuple[str, int]) -> None:
    assert b'"ACK"' in send(receiver, frame("AAA", "RP", zone=""))
    assert (RawMessage.objects.count(), Event.objects.count()) == (1, 0)
    assert SiaAccount.objects.get().last_seen_at is not None


def test_store_failure_is_nak_so_the_panel_resends(
    receiver: tuple[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise DatabaseError("disk full")

    monkeypatch.setattr("vigil.events.pipeline.ingest", broken)
    assert b'"NAK"' in send(receiver, frame("AAA", "BA"))
    assert Event.objects.count() == 0


def test_silent_panel_raises_communication_lost_once(school: School) -> None:
    now = timezone.now()
    SiaAccount.objects.create(
        account_id="CCC",
        school=school,
        supervision_seconds=600,
        last_seen_at=now - timedelta(seconds=601),
    )
    SiaAccount.objects.create(
        account_id="DDD",
        school=school,
        supervision_seconds=600,
        last_seen_at=now - timedelta(seconds=10),
    )
    assert runner.check_supervision(now) == 1
    assert runner.check_supervision(now + timedelta(seconds=30)) == 0
    event = Event.objects.get()
    assert (event.event_type, event.device, event.school_id) == ("comm_lost", "CCC", school.pk)
