"""Content-addressed, write-once storage of evidence files through Django's storage API.

A file is stored once under ``evidence/ab/cd/<sha256>``. The upload streams through SHA-256 in
chunks as it is written to a temporary name (never read whole into memory), is checked, then
committed to its content address. If that address already holds a blob, the blob is reused and
never overwritten. Any refusal (type, size, corrupt image) removes the temporary file, so
nothing is left stored half-way.

On a local disk (``FileSystemStorage``) the commit is a hard link, which fails rather than
replace an existing file, and the blob is made read-only. Other backends (S3-compatible) get a
check for an existing blob and a copy; a name collision there means another upload of the same
content won the race, and its blob is kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage, default_storage

from vigil.evidence import filetypes

PREFIX = "evidence"
DEFAULT_MAX_BYTES = 4 * 1024**3
CHUNK_BYTES = 1024 * 1024


class StorageError(ValueError):
    """A file was refused; the message says why, in words for the person who sent it."""


def max_bytes() -> int:
    return int(getattr(settings, "VIGIL_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def blob_name(sha256: str) -> str:
    return f"{PREFIX}/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def storage() -> Storage:
    return default_storage


class _HashingReader(File[bytes]):
    """Hands the source on in chunks, hashing and counting them; refuses past the size limit.

    The first bytes, already read for the type check, are handed on first. It can only be
    rewound while nothing has been read (``File.chunks`` rewinds before it starts)."""

    DEFAULT_CHUNK_SIZE = CHUNK_BYTES

    def __init__(self, source: IO[bytes], head: bytes, limit: int) -> None:
        super().__init__(source)
        self._pending = head
        self._limit = limit
        self.hasher = hashlib.sha256()
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        if self._pending:
            data, self._pending = self._pending, b""
            if 0 <= size < len(data):
                data, self._pending = data[:size], data[size:]
        else:
            assert self.file is not None
            data = self.file.read(size)
        self.count += len(data)
        if self.count > self._limit:
            raise StorageError(f"the file is larger than the limit of {self._limit:,} bytes")
        self.hasher.update(data)
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        if offset == 0 and whence == 0 and self.count == 0:
            return 0
        raise io.UnsupportedOperation("an evidence upload is read once, in order")

    def tell(self) -> int:
        return self.count

    @property
    def size(self) -> int:
        # Unknown until read; backends that want it ask for it before reading.
        return int(getattr(self.file, "size", 0) or 0)


@dataclass(frozen=True)
class StoredBlob:
    name: str
    sha256: str
    size: int
    media_type: str
    reused: bool


def iter_chunks(name: str) -> Iterator[bytes]:
    with storage().open(name, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk


def hash_stored(name: str) -> tuple[str, int]:
    """SHA-256 and size of a stored file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    for chunk in iter_chunks(name):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _commit(temp_name: str, final_name: str) -> bool:
    """Move the temporary file to its content address; True when an existing blob was reused."""
    store = storage()
    try:
        temp_path, final_path = store.path(temp_name), store.path(final_name)
    except NotImplementedError:
        if store.exists(final_name):
            store.delete(temp_name)
            return True
        with store.open(temp_name, "rb") as handle:
            saved = store.save(final_name, File(handle))
        store.delete(temp_name)
        if saved != final_name:  # the same content arrived meanwhile: keep the first copy
            store.delete(saved)
            return True
        return False
    os.makedirs(os.path.dirname(final_path), exist_ok=True)
    try:
        os.link(temp_path, final_path)  # fails rather than overwrite
    except FileExistsError:
        reused = True
    else:
        reused = False
        os.chmod(final_path, 0o444)
    os.unlink(temp_path)
    return reused


def store(
    source: IO[bytes] | Any,
    *,
    filename: str,
    declared_type: str = "",
    check_content: Any = None,
) -> StoredBlob:
    """Stream ``source`` into storage; return where it is and what it is.

    ``check_content(temp_name, media_type)`` may inspect the stored temporary file (e.g. decode
    an image) and raise ``StorageError`` to refuse it before it is committed.
    """
    limit = max_bytes()
    declared_size = getattr(source, "size", None)
    if isinstance(declared_size, int) and declared_size > limit:
        raise StorageError(f"the file is larger than the limit of {limit:,} bytes")
    head = source.read(filetypes.HEAD_BYTES)
    if not head:
        raise StorageError("the file is empty")
    try:
        media_type = filetypes.check(head, filename, declared_type)
    except filetypes.FileTypeError as exc:
        raise StorageError(str(exc)) from exc
    reader = _HashingReader(source, head, limit)
    store_ = storage()
    # A fresh random name is free, so the backend saves under exactly this name; if it fails
    # mid-stream, this is the partial file to remove.
    temp_name = f"{PREFIX}/incoming/{uuid.uuid4().hex}"
    try:
        temp_name = store_.save(temp_name, reader)
        if check_content is not None:
            check_content(temp_name, media_type)
        sha256 = reader.hasher.hexdigest()
        final_name = blob_name(sha256)
        reused = _commit(temp_name, final_name)
    except BaseException:
        with contextlib.suppress(OSError):
            if store_.exists(temp_name):
                store_.delete(temp_name)
        raise
    return StoredBlob(
        name=final_name, sha256=sha256, size=reader.count, media_type=media_type, reused=reused
    )
