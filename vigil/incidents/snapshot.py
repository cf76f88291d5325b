"""The canonical JSON form of a report: what a version stores and what its hash covers.

Canonical means: keys sorted, no insignificant whitespace, datetimes as ISO 8601 UTC, so the
same report always hashes the same and anyone can recompute a version's hash from its content
(``content_sha256``) — the court packet's ``verify.py`` does exactly that.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from vigil.incidents.codes import label
from vigil.incidents.models import Report


def _when(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def canonical_json(content: Any) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_sha256(content: Any) -> str:
    return hashlib.sha256(canonical_json(content)).hexdigest()


def snapshot(report: Report) -> dict[str, Any]:
    """Everything the report says, as plain JSON (people, offences, notifications, links,
    attached evidence by hash). Reads its parts fresh from the database."""
    return {
        "number": report.number,
        "school": report.school.name,
        "template": f"{report.template.name} v{report.template.version}",
        "status": report.status,
        "title": report.title,
        "where": {
            "area": str(report.area) if report.area_id else None,
            "point": str(report.asset) if report.asset_id else None,
            "text": report.location_text,
        },
        "when": {
            "occurred_start": _when(report.occurred_start),
            "occurred_end": _when(report.occurred_end),
            "discovered": _when(report.discovered_at),
            "reported": _when(report.reported_at),
            "written": _when(report.written_at),
            "submitted": _when(report.submitted_at),
            "approved": _when(report.approved_at),
            "late_entry": report.is_late_entry,
        },
        "classification": [
            {"scheme": c.scheme, "code": c.code, "label": label(c.scheme, c.code)}
            for c in report.classifications.order_by("scheme", "code")
        ],
        "people": [
            {
                "role": p.role,
                "kind": p.kind,
                "name": p.name,
                "juvenile": p.juvenile,
                "description": p.description,
                "visit": p.visit_id,
                "staff_user": p.staff_user_id,
            }
            for p in report.people.order_by("position", "pk")
        ],
        "narrative": report.narrative,
        "actions_taken": report.actions_taken,
        "notifications": [
            {
                "kind": n.kind,
                "party": n.party,
                "at": _when(n.notified_at),
                "by": n.notified_by,
                "case_number": n.case_number,
            }
            for n in report.notifications.order_by("notified_at", "pk")
        ],
        "links": [
            {"kind": link.kind, "id": link.target_id, "label": link.label}
            for link in report.links.order_by("kind", "target_id")
        ],
        "evidence": [
            {"item": a.item_id, "title": a.item.title, "sha256": a.item.sha256}
            for a in report.attachments.select_related("item").order_by("attached_at", "pk")
        ],
        "author": report.author.get_username(),
        "reviewer": report.reviewer.get_username() if report.reviewer else None,
    }
