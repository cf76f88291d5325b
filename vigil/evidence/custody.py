"""The canonical form of a custody entry and its hash.

The bundle's standalone ``verify.py`` (``vigil.evidence.bundle_verify``) repeats exactly this
computation with the standard library alone; change both together or bundles stop verifying.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from vigil.evidence.models import CustodyEntry

GENESIS_HASH = "0" * 64


def format_at(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def document(entry: CustodyEntry) -> dict[str, Any]:
    """Every field the hash covers, as JSON values (the bundle manifest carries these too)."""
    return {
        "item": entry.item_id,
        "seq": entry.seq,
        "action": entry.action,
        "sha256": entry.sha256,
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "at": format_at(entry.at),
        "reason": entry.reason,
        "ip": entry.ip,
        "prev_hash": entry.prev_hash,
    }


def hash_document(doc: dict[str, Any]) -> str:
    fields = {key: doc[key] for key in sorted(doc) if key != "hash"}
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def entry_hash(entry: CustodyEntry) -> str:
    return hash_document(document(entry))
