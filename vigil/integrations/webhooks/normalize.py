"""Vigil's webhook event format → a normalised event. Pure; unknown fields are ignored.

{"id": "door-7-2026-11-28T02:10:00Z",      required, the sender's own event id
 "type": "door_forced",                     required, one of vigil.events.choices.EventType
 "title": "Door 7 forced",                  required
 "occurred_at": "2026-11-28T02:10:00Z",     required, ISO 8601 with a time zone
 "device": "door-controller-7",             optional, mapped to a place by DeviceMapping
 "severity": 4,                             optional, 1 (info) … 5 (critical)
 "ended": false,                            optional, the condition is over
 "data": {...}}                             optional, kept with the event
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from vigil.events.choices import EventType
from vigil.events.pipeline import Inbound, NormalizationError, Normalized


def _text(document: dict[str, Any], name: str, *, required: bool, limit: int) -> str:
    value = document.get(name)
    if value is None or value == "":
        if required:
            raise NormalizationError(name, "is required")
        return ""
    if not isinstance(value, str):
        raise NormalizationError(name, "must be a string")
    if len(value) > limit:
        raise NormalizationError(name, f"is longer than {limit} characters")
    return value


def normalize(message: Inbound) -> Normalized:
    try:
        document = json.loads(message.payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NormalizationError("body", f"is not valid JSON ({exc})") from exc
    if not isinstance(document, dict):
        raise NormalizationError("body", "must be a JSON object")
    event_id = _text(document, "id", required=True, limit=200)
    type_value = _text(document, "type", required=True, limit=32)
    if type_value not in EventType.values:
        raise NormalizationError("type", f"unknown event type {type_value!r}")
    title = _text(document, "title", required=True, limit=300)
    occurred_text = _text(document, "occurred_at", required=True, limit=40)
    try:
        occurred_at = datetime.fromisoformat(occurred_text)
    except ValueError as exc:
        raise NormalizationError("occurred_at", "must be an ISO 8601 date-time") from exc
    if occurred_at.tzinfo is None:
        raise NormalizationError("occurred_at", "must include a time zone")
    severity = document.get("severity")
    if severity is not None and (
        not isinstance(severity, int) or isinstance(severity, bool) or not 1 <= severity <= 5
    ):
        raise NormalizationError("severity", "must be a whole number from 1 to 5")
    ended = document.get("ended", False)
    if not isinstance(ended, bool):
        raise NormalizationError("ended", "must be true or false")
    data = document.get("data", {})
    if not isinstance(data, dict):
        raise NormalizationError("data", "must be a JSON object")
    return Normalized(
        source_event_id=event_id,
        event_type=EventType(type_value),
        title=title,
        occurred_at=occurred_at,
        device=_text(document, "device", required=False, limit=200),
        severity=severity,
        ended=ended,
        data=data,
    )
