"""Evidence upload: hash and store a large generated video, streamed, in constant memory.

The file is produced by a generator (an MP4 header, then 1 MiB blocks that differ by a counter)
and read through ``vigil.evidence.storage.store`` exactly as an upload is: SHA-256 while it
streams to a temporary name on the local-disk storage, then committed to its content address.
Peak RSS is read before and after, so any buffering of the whole file would show.

    .venv/bin/python bench/evidence_upload.py [--gib 1] [--dir /tmp]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MiB = 1024 * 1024


def _blocks(total: int) -> Iterator[bytes]:
    header = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"
    base = bytearray(os.urandom(MiB))
    yield header
    sent = len(header)
    counter = 0
    while sent < total:
        base[:8] = counter.to_bytes(8, "big")
        block = bytes(base[: min(MiB, total - sent)])
        yield block
        sent += len(block)
        counter += 1


class GeneratedFile:
    """A read-only file object over a generator: nothing but the current block in memory."""

    def __init__(self, total: int) -> None:
        self._blocks = _blocks(total)
        self._buffer = b""
        self.size = total
        self.name = "bodycam.mp4"
        self.content_type = "video/mp4"
        self.expected = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            raise ValueError("reading a whole generated file would defeat the benchmark")
        while len(self._buffer) < size:
            block = next(self._blocks, b"")
            if not block:
                break
            self.expected.update(block)  # the reference hash, computed independently
            self._buffer += block
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gib", type=float, default=1.0)
    parser.add_argument("--dir", default=tempfile.gettempdir(), help="Where to store (a disk).")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "evidence_upload.json"))
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="vigil-evidence-bench-", dir=args.dir))
    os.environ["VIGIL_DATA_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from vigil.evidence import storage

    total = int(args.gib * 1024**3)
    source = GeneratedFile(total)
    rss_before = _peak_rss_mib()
    try:
        started = time.perf_counter()
        blob = storage.store(source, filename=source.name, declared_type=source.content_type)
        seconds = time.perf_counter() - started
        rss_after = _peak_rss_mib()
        assert blob.sha256 == source.expected.hexdigest(), "streaming hash differs from hashlib"
        assert blob.size == total
        started = time.perf_counter()
        rehash, _ = storage.hash_stored(blob.name)
        verify_seconds = time.perf_counter() - started
        assert rehash == blob.sha256
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    result = {
        "bytes": total,
        "store_seconds": round(seconds, 2),
        "store_mb_per_s": round(total / seconds / 1e6, 1),
        "verify_rehash_mb_per_s": round(total / verify_seconds / 1e6, 1),
        "peak_rss_mib_before": round(rss_before, 1),
        "peak_rss_mib_after": round(rss_after, 1),
        "sha256": blob.sha256,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
