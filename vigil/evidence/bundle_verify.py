#!/usr/bin/env python3
"""Verify a Vigil evidence bundle with nothing but the Python standard library.

    python3 verify.py                      # the bundle this file was unpacked with
    python3 verify.py BUNDLE.zip|DIR       # another bundle
    python3 verify.py --manifest-sha256 HEX   # also check the manifest against a digest
                                              # received separately (e.g. on the signed
                                              # certification page)

For every item in manifest.json it re-hashes the file (SHA-256), then recomputes the item's
custody chain from its first entry: each entry's hash covers all its fields and the previous
entry's hash, and names the item's SHA-256, so changing a file, an entry or the manifest's
record of a hash is detected. The chain's last hash must equal the chain head the manifest
states. Exit status 0 when everything matches; otherwise 1, naming the first file or entry
that fails.

This file is shipped inside each bundle as verify.py; Vigil computes entry hashes the same way
(vigil/evidence/custody.py).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

GENESIS_HASH = "0" * 64
ENTRY_FIELDS = (
    "item",
    "seq",
    "action",
    "sha256",
    "actor_id",
    "actor_label",
    "at",
    "reason",
    "ip",
    "prev_hash",
)
CHUNK = 1024 * 1024


class Bundle:
    """Files of a bundle, read from an unpacked directory or straight from the ZIP."""

    def __init__(self, location: Path) -> None:
        self.location = location
        self.zip = zipfile.ZipFile(location) if location.is_file() else None

    def read(self, name: str) -> bytes:
        if self.zip is not None:
            return self.zip.read(name)
        return (self.location / name).read_bytes()

    def sha256(self, name: str) -> str:
        digest = hashlib.sha256()
        if self.zip is not None:
            handle: Any = self.zip.open(name)
        else:
            handle = (self.location / name).open("rb")
        with handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
        return digest.hexdigest()


def entry_hash(entry: dict[str, Any]) -> str:
    fields = {key: entry[key] for key in ENTRY_FIELDS}
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def check_item(bundle: Bundle, item: dict[str, Any]) -> tuple[str, int]:
    """Return (problem or "", entries checked) for one item."""
    label = f"item {item.get('id')}"
    path = str(item.get("path", ""))
    try:
        actual = bundle.sha256(path)
    except (OSError, KeyError) as exc:
        return f"FAIL file {path} ({label}): cannot be read: {exc}", 0
    if actual != item.get("sha256"):
        return (
            f"FAIL file {path} ({label}): SHA-256 is {actual}, "
            f"the manifest says {item.get('sha256')}",
            0,
        )
    prev = GENESIS_HASH
    entries = item.get("custody") or []
    for position, entry in enumerate(entries, start=1):
        where = f"custody entry #{entry.get('seq')} of {label}"
        checked = position - 1
        try:
            computed = entry_hash(entry)
        except KeyError as exc:
            return f"FAIL {where}: field {exc} is missing", checked
        if entry["seq"] != position:
            return f"FAIL {where}: expected entry #{position}", checked
        if entry["item"] != item.get("id"):
            return f"FAIL {where}: belongs to item {entry['item']}", checked
        if entry["prev_hash"] != prev:
            return f"FAIL {where}: previous-hash link does not match the entry before", checked
        if computed != entry.get("hash"):
            return (
                f"FAIL {where}: contents do not match its hash (the entry was altered)",
                checked,
            )
        if entry["sha256"] != item.get("sha256"):
            return f"FAIL {where}: names SHA-256 {entry['sha256']}, not the file's", checked
        prev = computed
    if not entries:
        return f"FAIL {label}: has no custody entries", 0
    head = item.get("chain_head") or {}
    if head.get("seq") != len(entries) or head.get("hash") != prev:
        return f"FAIL chain head of {label}: does not match its last custody entry", len(entries)
    return "", len(entries)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a Vigil evidence bundle.")
    parser.add_argument("bundle", nargs="?", default=str(Path(__file__).resolve().parent))
    parser.add_argument("--manifest-sha256", default="", metavar="HEX")
    args = parser.parse_args(argv)
    bundle = Bundle(Path(args.bundle))
    raw = bundle.read("manifest.json")
    if args.manifest_sha256:
        digest = hashlib.sha256(raw).hexdigest()
        if digest != args.manifest_sha256.lower():
            print(f"FAIL manifest.json: SHA-256 is {digest}, expected {args.manifest_sha256}")
            return 1
    try:
        manifest = json.loads(raw)
    except ValueError as exc:
        print(f"FAIL manifest.json: not valid JSON ({exc})")
        return 1
    items = manifest.get("items") or []
    if not items:
        print("FAIL manifest.json: lists no items")
        return 1
    entries = 0
    for item in items:
        problem, checked = check_item(bundle, item)
        entries += checked
        if problem:
            print(problem)
            return 1
        print(f"ok   {item['path']}  {item['sha256']}  ({checked} custody entries)")
    print(f"PASS {len(items)} files and {entries} custody entries verified.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
