"""MQTT payloads → normalised events. Pure functions; unknown fields are ignored, because
Frigate adds fields every release.

Frigate publishes one message per change of a tracked object on ``frigate/events``
(``{"type": "new"|"update"|"end", "before": {...}, "after": {...}}``) and, from 0.14, review
items on ``frigate/reviews``. All messages of one Frigate event carry the same ``after.id``:
they update one Vigil event in place, and ``end`` closes it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from vigil.events.choices import EventType, Severity
from vigil.events.pipeline import Inbound, NormalizationError, Normalized

_VEHICLES = {"car", "truck", "bus", "motorcycle", "bicycle"}


def _document(message: Inbound) -> dict[str, Any]:
    try:
        document = json.loads(message.payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NormalizationError("payload", f"is not valid JSON ({exc})") from exc
    if not isinstance(document, dict):
        raise NormalizationError("payload", "must be a JSON object")
    return document


def _epoch(value: Any, field: str) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise NormalizationError(field, "must be a Unix time in seconds")
    return datetime.fromtimestamp(float(value), tz=UTC)


def _label_type(labels: list[str]) -> EventType:
    if "person" in labels:
        return EventType.PERSON_DETECTED
    if _VEHICLES & set(labels):
        return EventType.VEHICLE_DETECTED
    return EventType.OTHER


def frigate_event(message: Inbound) -> Normalized | None:
    document = _document(message)
    kind = document.get("type")
    if kind not in {"new", "update", "end"}:
        raise NormalizationError("type", f"must be new, update or end, not {kind!r}")
    after = document.get("after")
    if not isinstance(after, dict):
        raise NormalizationError("after", "must be an object")
    if after.get("false_positive") is True:
        return None  # Frigate itself says there is nothing there
    event_id, camera, label = after.get("id"), after.get("camera"), after.get("label")
    for name, value in (("after.id", event_id), ("after.camera", camera), ("after.label", label)):
        if not isinstance(value, str) or not value:
            raise NormalizationError(name, "is required")
    zones = [z for z in after.get("entered_zones") or [] if isinstance(z, str)]
    where = f" in {', '.join(zones)}" if zones else ""
    return Normalized(
        source_event_id=str(event_id),
        event_type=_label_type([str(label)]),
        title=f"{str(label).capitalize()} on camera {camera}{where}",
        occurred_at=_epoch(after.get("start_time"), "after.start_time"),
        device=str(camera),
        ended=kind == "end",
        data={
            "label": label,
            "top_score": after.get("top_score"),
            "zones": zones,
            "has_clip": bool(after.get("has_clip")),
            "has_snapshot": bool(after.get("has_snapshot")),
        },
    )


def frigate_review(message: Inbound) -> Normalized | None:
    document = _document(message)
    kind = document.get("type")
    if kind not in {"new", "update", "end"}:
        raise NormalizationError("type", f"must be new, update or end, not {kind!r}")
    after = document.get("after")
    if not isinstance(after, dict):
        raise NormalizationError("after", "must be an object")
    review_id, camera = after.get("id"), after.get("camera")
    for name, value in (("after.id", review_id), ("after.camera", camera)):
        if not isinstance(value, str) or not value:
            raise NormalizationError(name, "is required")
    raw_data = after.get("data")
    data: dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
    objects = [o for o in data.get("objects") or [] if isinstance(o, str)]
    zones = [z for z in data.get("zones") or [] if isinstance(z, str)]
    alert = after.get("severity") == "alert"
    return Normalized(
        source_event_id=f"review:{review_id}",
        event_type=_label_type(objects),
        title=f"{'Alert' if alert else 'Detection'} on camera {camera}"
        + (f": {', '.join(objects)}" if objects else ""),
        occurred_at=_epoch(after.get("start_time"), "after.start_time"),
        device=str(camera),
        severity=Severity.HIGH if alert else None,
        ended=kind == "end",
        data={"objects": objects, "zones": zones, "review_severity": after.get("severity")},
    )


# The fields a generic topic's map may name, and what each becomes.
MAPPED_FIELDS: dict[str, str] = {
    "id": "the source's own event id (required: repeats update one event)",
    "occurred_at": "when it happened: ISO 8601 with a zone, or Unix seconds (required)",
    "type": "the source's kind of event, turned into a Vigil event type by the value map",
    "severity": "1 (info) to 5 (critical), or info/low/medium/high/critical",
    "device": "the sensor's name, mapped to a place by the device mappings",
    "title": "the text the console shows",
}
REQUIRED_FIELDS = ("id", "occurred_at")

_KEY = r"[^.\[\]\s$]+"
_PATH = re.compile(rf"(?:\$\.?)?(?:{_KEY}|\[\d+\])(?:\.{_KEY}|\[\d+\])*")
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_SEVERITY_NAMES = {s.label.lower(): int(s) for s in Severity}


def path_error(path: str) -> str | None:
    """Why ``path`` is not a field path (``a.b[0].c``, ``$.`` allowed in front); None if fine."""
    if not path.strip():
        return "is empty"
    if not _PATH.fullmatch(path):
        return (
            f"{path!r} is not a field path: use names joined by dots and [n] for list items, "
            "e.g. sensor.readings[0].value"
        )
    return None


def topic_filter_error(topic: str) -> str | None:
    """Why ``topic`` is not a valid MQTT subscription filter; None if it is."""
    if not topic:
        return "is empty"
    if len(topic.encode()) > 65535 or "\0" in topic:
        return "is too long or holds a NUL character"
    if topic.startswith("$share/"):
        return "must not name a shared subscription: the runner adds $share/<group>/ itself"
    levels = topic.split("/")
    for n, level in enumerate(levels):
        if "#" in level and (level != "#" or n != len(levels) - 1):
            return "# must be a whole level and the last one (e.g. sensors/#)"
        if "+" in level and level != "+":
            return "+ must be a whole level (e.g. sensors/+/vape)"
    return None


def extract(document: Any, path: str) -> Any:
    """Follow ``a.b[0].c`` (or ``$.a.b[0].c``) into a JSON document; None where it leads nowhere."""
    value = document
    for key, index in _STEP.findall(path.removeprefix("$").removeprefix(".")):
        if key:
            value = value.get(key) if isinstance(value, dict) else None
        else:
            i = int(index)
            value = value[i] if isinstance(value, list) and i < len(value) else None
        if value is None:
            return None
    return value


def _severity(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _SEVERITY_NAMES:
            return _SEVERITY_NAMES[text]
        if text.isdigit():
            value = int(text)
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5:
        return value
    raise NormalizationError(
        "severity", f"{value!r} is not 1 to 5 or one of {', '.join(_SEVERITY_NAMES)}"
    )


def generic(
    message: Inbound,
    *,
    field_map: Mapping[str, str],
    type_map: Mapping[str, str],
    default_type: str,
) -> Normalized:
    """A JSON message of any shape, read through its topic's field map."""
    document = _document(message)

    def field(name: str, *, required: bool) -> Any:
        path = field_map.get(name)
        value = extract(document, path) if path else None
        if required and (value is None or value == ""):
            raise NormalizationError(name, f"not found at {path!r}" if path else "is not mapped")
        return value

    source_value = field("type", required=False)
    if isinstance(source_value, dict | list):
        raise NormalizationError("type", "must be a text or a number, not an object or a list")
    event_type = type_map.get(str(source_value), default_type) if source_value else default_type
    if event_type not in EventType.values:
        raise NormalizationError("type", f"maps to unknown event type {event_type!r}")
    occurred = field("occurred_at", required=True)
    if isinstance(occurred, str):
        try:
            occurred_at = datetime.fromisoformat(occurred)
        except ValueError as exc:
            raise NormalizationError("occurred_at", "must be ISO 8601 or Unix seconds") from exc
        if occurred_at.tzinfo is None:
            raise NormalizationError("occurred_at", "must include a time zone")
    else:
        occurred_at = _epoch(occurred, "occurred_at")
    event_id = field("id", required=True)
    if isinstance(event_id, dict | list):
        raise NormalizationError("id", "must be a text or a number, not an object or a list")
    title = field("title", required=False) or EventType(event_type).label
    device = field("device", required=False)
    return Normalized(
        source_event_id=str(event_id),
        event_type=EventType(event_type),
        title=str(title),
        occurred_at=occurred_at,
        device=str(device) if device not in (None, "") else "",
        severity=_severity(field("severity", required=False)),
        data={"type": source_value} if source_value else {},
    )
