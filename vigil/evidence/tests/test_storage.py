from __future__ import annotations

import hashlib
import io
import random
from pathlib import Path
from typing import Any

import pytest

from vigil.evidence import filetypes, storage
from vigil.evidence.tests.helpers import MINIMAL_PDF, jpeg_bytes, stored_files

MiB = 1024 * 1024


def _jpeg_like(size: int, seed: int = 1) -> bytes:
    # JPEG magic, then bytes that are not a decodable image: store() alone does not decode.
    return b"\xff\xd8\xff\xe0" + random.Random(seed).randbytes(size - 4)


def test_streaming_hash_equals_hashlib_of_the_file(evidence_storage: Path) -> None:
    content = _jpeg_like(3 * MiB + 17)  # several chunks and a ragged end
    blob = storage.store(io.BytesIO(content), filename="scene.jpg", declared_type="image/jpeg")
    expected = hashlib.sha256(content).hexdigest()
    assert blob.sha256 == expected
    assert blob.size == len(content)
    assert blob.media_type == "image/jpeg"
    assert blob.name == f"evidence/{expected[:2]}/{expected[2:4]}/{expected}"
    assert (evidence_storage / blob.name).read_bytes() == content
    assert stored_files(evidence_storage) == [blob.name]  # no temporary file left


def test_same_content_is_reused_never_overwritten(evidence_storage: Path) -> None:
    content = _jpeg_like(10_000)
    first = storage.store(io.BytesIO(content), filename="a.jpg")
    path = evidence_storage / first.name
    before = path.stat()
    second = storage.store(io.BytesIO(content), filename="copy-of-a.JPG")
    after = path.stat()
    assert (first.reused, second.reused) == (False, True)
    assert second.name == first.name
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert path.stat().st_mode & 0o777 == 0o444  # write-once on disk too
    assert stored_files(evidence_storage) == [first.name]


@pytest.mark.parametrize(
    ("name", "content", "declared", "message"),
    [
        (
            "photo.jpg",
            MINIMAL_PDF,
            "",
            "photo.jpg is named as image/jpeg but its content is application/pdf",
        ),
        (
            "report.pdf",
            MINIMAL_PDF,
            "image/png",
            "report.pdf was sent as image/png but its content is application/pdf",
        ),
        (
            "tool.exe",
            b"MZ\x90\x00",
            "",
            "files named .exe are not accepted (accepted: .heic, .heif, .jpeg, .jpg, .m4a, "
            ".m4v, .mov, .mp3, .mp4, .pdf, .png, .txt, .wav, .webp)",
        ),
        (
            "notes.txt",
            b"\x00\x01binary",
            "",
            "the content of notes.txt is not a type Vigil accepts as evidence",
        ),
    ],
)
def test_type_mismatch_is_refused_and_nothing_stored(
    evidence_storage: Path, name: str, content: bytes, declared: str, message: str
) -> None:
    with pytest.raises(storage.StorageError) as excinfo:
        storage.store(io.BytesIO(content), filename=name, declared_type=declared)
    assert str(excinfo.value) == message
    assert stored_files(evidence_storage) == []


def test_over_the_size_limit_mid_stream_leaves_nothing(
    evidence_storage: Path, settings: Any
) -> None:
    settings.VIGIL_EVIDENCE_MAX_BYTES = 2 * MiB
    source = io.BytesIO(_jpeg_like(3 * MiB))  # no declared size: found out while streaming
    with pytest.raises(storage.StorageError, match="larger than the limit of 2,097,152 bytes"):
        storage.store(source, filename="big.jpg")
    assert stored_files(evidence_storage) == []


def test_a_refusal_by_the_content_check_leaves_nothing(evidence_storage: Path) -> None:
    def refuse(name: str, media_type: str) -> None:
        assert (evidence_storage / name).exists()
        raise storage.StorageError("no")

    with pytest.raises(storage.StorageError):
        storage.store(io.BytesIO(jpeg_bytes()), filename="x.jpg", check_content=refuse)
    assert stored_files(evidence_storage) == []


@pytest.mark.parametrize(
    ("head", "media_type"),
    [
        (b"\xff\xd8\xff\xe1", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00", "image/png"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00", "image/heic"),
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\x00\x00\x00\x20ftypisom\x00\x00", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00", "video/quicktime"),
        (b"\x00\x00\x00\x08wide\x00\x00", "video/quicktime"),
        (b"ID3\x04\x00", "audio/mpeg"),
        (b"\xff\xfb\x90\x64", "audio/mpeg"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00", "audio/mp4"),
        ("Notes — café, 8:15\n".encode(), "text/plain"),
        (b"MZ\x90\x00", None),
        (b"", None),
    ],
)
def test_sniff_by_magic_bytes(head: bytes, media_type: str | None) -> None:
    assert filetypes.sniff(head) == media_type
