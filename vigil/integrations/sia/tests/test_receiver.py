"""A real DC-09 client talking TCP to the receiver (pysiaalarm underneath)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from Crypto.Cipher import AES
from django.db import DatabaseError
from django.utils import timezone
from pysiaalarm.const import IV

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


KEY = "0123456789ABCDEF"  # AES-128: 16 characters, as the panel is programmed
OTHER_KEY = "FEDCBA9876543210"


def encrypted_frame(
    account: str, key: str, code: str, zone: str = "501", seq: str = "0002"
) -> bytes:
    """An encrypted SIA-DCS frame as DC-09 specifies it (and pysiaalarm decrypts it): the part
    after "[" is AES-CBC (zero IV) over the content padded in front to whole blocks, in hex;
    the CRC covers the frame as sent."""
    at = datetime.now(UTC)
    plain = f"|Nri1/{code}{zone}]_{at:%H:%M:%S,%m-%d-%Y}"
    size = len(plain) + 16 - len(plain) % 16
    cipher = AES.new(key.encode(), AES.MODE_CBC, IV)
    hexed = cipher.encrypt(plain.zfill(size).encode()).hex().upper()
    body = f'"*SIA-DCS"{seq}R0L0#{account}[{hexed}'
    return f"\n{crc16_arc(body.encode()):04X}{len(body):04X}{body}\r".encode()


def decrypt_reply(reply: bytes, key: str) -> str:
    hexed = reply.decode().strip().rpartition("[")[2]
    cipher = AES.new(key.encode(), AES.MODE_CBC, IV)
    return cipher.decrypt(bytes.fromhex(hexed)).decode("ascii")


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
    SiaAccount.objects.create(account_id="AAB", school=school, key=KEY)
    library, schools = runner.accounts()
    from vigil.integrations.sia import client

    writer = runner.BatchWriter(schools, wait_s=10)
    server = client.TCPReceiver(("127.0.0.1", 0), library, writer.store, runner.refused)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server.server_address  # type: ignore[misc]
    server.shutdown()
    server.server_close()
    thread.join(5)
    writer.stop()


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
    assert SiaAccount.objects.get(account_id="AAA").last_seen_at is not None


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
    assert (RawMessage.objects.count(), _counter("unknown_account")) == (0, 1)
    assert IntegrationCounter.objects.get(name="unknown_account").last_detail == (
        "account BBB is not configured"
    )


def test_unknown_code_is_duh(receiver: tuple[str, int]) -> None:
    assert b'"DUH"' in send(receiver, frame("AAA", "AC"))  # AC is no SIA code
    assert (RawMessage.objects.count(), _counter("duh")) == (0, 1)


def test_automatic_test_is_a_heartbeat(receiver: tuple[str, int]) -> None:
    assert b'"ACK"' in send(receiver, frame("AAA", "RP", zone=""))
    assert (RawMessage.objects.count(), Event.objects.count()) == (1, 0)
    assert SiaAccount.objects.get(account_id="AAA").last_seen_at is not None


def test_store_failure_is_nak_so_the_panel_resends(
    receiver: tuple[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise DatabaseError("disk full")

    monkeypatch.setattr("vigil.events.pipeline.ingest_batch", broken)
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


def test_encrypted_frame_with_the_accounts_key_is_stored_and_acknowledged_encrypted(
    receiver: tuple[str, int], school: School
) -> None:
    reply = send(receiver, encrypted_frame("AAB", KEY, "PA", zone="7"))
    assert reply.startswith(b"\n")
    assert b'"*ACK"0002R0L0#AAB[' in reply
    # The ACK's content is encrypted with the same key and ends with the receiver's time.
    assert decrypt_reply(reply, KEY).lstrip("0").startswith("]_")
    event = Event.objects.get()
    assert (event.event_type, event.device, event.school_id, event.data["zone"]) == (
        "panic",
        "AAB",
        school.pk,
        "7",
    )
    assert _counter("accepted") == 1


def test_encrypted_frame_with_a_wrong_key_is_nak_and_counted(receiver: tuple[str, int]) -> None:
    assert b'"NAK"' in send(receiver, encrypted_frame("AAB", OTHER_KEY, "BA"))
    assert (RawMessage.objects.count(), Event.objects.count(), _counter("bad_key")) == (0, 0, 1)
    assert IntegrationCounter.objects.get(name="bad_key").last_detail == (
        "account AAB: the frame does not decrypt with its key"
    )


def test_encrypted_frame_for_an_account_without_a_key_is_nak(receiver: tuple[str, int]) -> None:
    assert b'"NAK"' in send(receiver, encrypted_frame("AAA", KEY, "BA"))
    assert (RawMessage.objects.count(), _counter("bad_key")) == (0, 1)


def test_clear_text_frame_for_an_encrypted_account_is_nak(receiver: tuple[str, int]) -> None:
    assert b'"NAK"' in send(receiver, frame("AAB", "BA"))
    assert (RawMessage.objects.count(), _counter("unencrypted")) == (0, 1)


def test_encrypted_content_that_is_not_hex_is_nak_and_the_receiver_keeps_going(
    receiver: tuple[str, int],
) -> None:
    body = '"*SIA-DCS"0003R0L0#AAB[NOT-HEX'
    bad = f"\n{crc16_arc(body.encode()):04X}{len(body):04X}{body}\r".encode()
    assert b'"NAK"' in send(receiver, bad)
    assert b'"*ACK"' in send(receiver, encrypted_frame("AAB", KEY, "BA"))
    assert (RawMessage.objects.count(), _counter("bad_key")) == (1, 1)


def test_frame_time_outside_the_band_is_nak(receiver: tuple[str, int]) -> None:
    stale = datetime.now(UTC) - timedelta(hours=2)
    assert b'"NAK"' in send(receiver, frame("AAA", "BA", at=stale))
    assert (RawMessage.objects.count(), _counter("timestamp")) == (0, 1)


def test_frames_from_several_panels_at_once_are_each_stored_once(
    receiver: tuple[str, int], school: School
) -> None:
    """Concurrent connections share the writer's transactions; every frame gets its ACK."""
    SiaAccount.objects.filter(account_id="AAA").update(last_seen_at=None)
    replies: list[bytes] = []

    def panel(account: str, key: str | None) -> None:
        with socket.create_connection(receiver, timeout=10) as conn:
            for n in range(1, 11):
                data = (
                    encrypted_frame(account, key, "BA", zone=str(n), seq=f"{n:04d}")
                    if key
                    else frame(account, "BA", zone=str(n), seq=f"{n:04d}")
                )
                conn.sendall(data)
                replies.append(conn.recv(1024))

    panels = [threading.Thread(target=panel, args=args) for args in (("AAA", None), ("AAB", KEY))]
    for thread in panels:
        thread.start()
    for thread in panels:
        thread.join(30)
    assert len(replies) == 20
    assert all(b'ACK"' in reply for reply in replies)
    assert (RawMessage.objects.count(), Event.objects.count(), _counter("accepted")) == (20, 20, 20)
    assert SiaAccount.objects.filter(last_seen_at__isnull=True).count() == 0


def test_writer_answers_nak_when_the_commit_does_not_come_in_time(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    block = threading.Event()

    def slow(frames: list[tuple[bytes, object]], schools: dict[str, int]) -> bool:
        block.wait(5)
        return True

    monkeypatch.setattr(runner, "store_batch", slow)
    writer = runner.BatchWriter({}, wait_s=0.2)
    try:
        assert writer.store(b"frame", object()) is False
    finally:
        block.set()
        writer.stop()


def test_writer_survives_an_unexpected_error_and_keeps_storing(
    receiver: tuple[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"n": 0}
    original = runner.store_batch

    def flaky(frames: list[tuple[bytes, object]], schools: dict[str, int]) -> bool:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("bug in a normaliser")
        return original(frames, schools)

    monkeypatch.setattr(runner, "store_batch", flaky)
    assert b'"NAK"' in send(receiver, frame("AAA", "BA"))
    assert b'"ACK"' in send(receiver, frame("AAA", "BA"))  # the panel's resend
    assert Event.objects.count() == 1


def test_udp_receiver_acknowledges_after_storing(school: School) -> None:
    """The UDP receiver shares the TCP one's logic: one datagram, one ACK after the commit."""
    from vigil.integrations.sia import client

    SiaAccount.objects.create(account_id="AAC", school=school)
    library, schools = runner.accounts()
    writer = runner.BatchWriter(schools, wait_s=10)
    server = client.UDPReceiver(("127.0.0.1", 0), library, writer.store, runner.refused)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.settimeout(5)
            udp.sendto(frame("AAC", "FA", zone="3"), server.server_address)
            reply = udp.recv(1024)
            udp.sendto(frame("AAC", "BA", crc_ok=False), server.server_address)
            bad = udp.recv(1024)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
        writer.stop()
    assert b'"ACK"0001R0L0#AAC[]' in reply
    assert b'"NAK"' in bad
    assert Event.objects.get().event_type == "fire"
    assert _counter("crc") == 1
