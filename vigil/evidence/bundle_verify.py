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

A court packet (``vigil incidents packet``) adds the report: every version of it as canonical
JSON under report/, and in the manifest the version chain and the signed addenda. Then it also
recomputes each version's SHA-256 from its content (keys sorted, separators ',' and ':', UTF-8,
non-ASCII unescaped) and follows the previous-version links from the first version, recomputes
each addendum's signature (SHA-256 of number, author, time in UTC, version hash and text,
one per line) and checks that it names a version of the chain, and checks every line of SHA256SUMS
(which also covers the PDF, the manifest and the CASE/UCO provenance record).

This file is shipped inside each bundle as verify.py; Vigil computes entry hashes the same way
(vigil/evidence/custody.py, vigil/incidents/snapshot.py, vigil/incidents/services.py).
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


def canonical_json(content: Any) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def check_versions(bundle: Bundle, versions: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """Return (problem or "", the version hashes in order) for a report's version chain."""
    prev = GENESIS_HASH
    hashes: list[str] = []
    for position, version in enumerate(versions, start=1):
        path = str(version.get("path", ""))
        where = f"report version {version.get('number')} ({path})"
        if version.get("number") != position:
            return f"FAIL {where}: expected version {position}", hashes
        try:
            content = json.loads(bundle.read(path))
        except (OSError, KeyError, ValueError) as exc:
            return f"FAIL {where}: cannot be read as JSON: {exc}", hashes
        computed = hashlib.sha256(canonical_json(content)).hexdigest()
        if computed != version.get("sha256"):
            return (
                f"FAIL {where}: its content hashes to {computed}, "
                f"the manifest says {version.get('sha256')}",
                hashes,
            )
        if version.get("prev_sha256") != prev:
            return f"FAIL {where}: previous-version link does not match the version before", hashes
        prev = computed
        hashes.append(computed)
    return "", hashes


def addendum_signature(addendum: dict[str, Any]) -> str:
    lines = [
        str(addendum["number"]),
        str(addendum["author"]),
        str(addendum["at"]),
        str(addendum["version_sha256"]),
        str(addendum["text"]),
    ]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def check_addenda(addenda: list[dict[str, Any]], version_hashes: list[str]) -> str:
    for position, addendum in enumerate(addenda, start=1):
        where = f"addendum {addendum.get('number')}"
        if addendum.get("number") != position:
            return f"FAIL {where}: expected addendum {position}"
        try:
            computed = addendum_signature(addendum)
        except KeyError as exc:
            return f"FAIL {where}: field {exc} is missing"
        if computed != addendum.get("signature"):
            return f"FAIL {where}: its signature does not match its text, author and time"
        if addendum["version_sha256"] not in version_hashes:
            return f"FAIL {where}: names a report version that is not in the chain"
    return ""


def check_sums(bundle: Bundle) -> tuple[str, int]:
    """Check SHA256SUMS (``sha256sum`` format), when the bundle has one."""
    try:
        listing = bundle.read("SHA256SUMS").decode()
    except (OSError, KeyError):
        return "", 0
    checked = 0
    for line in listing.splitlines():
        if not line.strip():
            continue
        expected, _, name = line.partition("  ")
        try:
            actual = bundle.sha256(name)
        except (OSError, KeyError) as exc:
            return f"FAIL file {name}: cannot be read: {exc}", checked
        if actual != expected:
            return f"FAIL file {name}: SHA-256 is {actual}, SHA256SUMS says {expected}", checked
        checked += 1
    return "", checked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a Vigil evidence bundle or court packet.")
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
    report = manifest.get("report")
    items = manifest.get("items") or []
    if not items and not report:
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
    if not report:
        print(f"PASS {len(items)} files and {entries} custody entries verified.")
        return 0
    versions = report.get("versions") or []
    if not versions:
        print("FAIL manifest.json: the report has no versions")
        return 1
    problem, hashes = check_versions(bundle, versions)
    if problem:
        print(problem)
        return 1
    print(
        f"ok   report {report.get('number')}: {len(hashes)} versions chained, newest {hashes[-1]}"
    )
    addenda = report.get("addenda") or []
    problem = check_addenda(addenda, hashes)
    if problem:
        print(problem)
        return 1
    if addenda:
        print(f"ok   {len(addenda)} addenda signatures")
    problem, sums = check_sums(bundle)
    if problem:
        print(problem)
        return 1
    print(
        f"PASS {len(items)} files, {entries} custody entries, {len(hashes)} report versions, "
        f"{len(addenda)} addenda and {sums} listed files verified."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
