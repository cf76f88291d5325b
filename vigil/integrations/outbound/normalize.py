"""An event → what leaves Vigil: the outbound JSON document, its MQTT topic, and a CAP 1.2 alert.

Pure: functions of the event (with ``school`` and ``area`` already loaded) and of explicit
arguments; no query, no clock. The JSON document is a superset of our inbound webhook format
(vigil/integrations/webhooks/normalize.py: ``id``, ``type``, ``title``, ``occurred_at``,
``device``, ``severity``, ``ended``, ``data``), so one Vigil can feed another.

CAP 1.2 (OASIS, urn:oasis:names:tc:emergency:cap:1.2). One event gives a family of alerts: the
first, ``Alert``, is identified by the event alone and dated when Vigil received it; every later
state (acknowledged, ended, resolved) is an ``Update`` — or a ``Cancel`` when it was a false
alarm or a duplicate — identified by the event and its last change, and ``references`` the
first. So the same state always gives the same identifier, and a responder's system can follow
the chain without Vigil keeping any CAP state.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any
from xml.etree import ElementTree as ET

from vigil.events.choices import Disposition, EventStatus, EventType, Severity
from vigil.events.models import Event

SCHEMA = "vigil.event/1"
CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
CIRCLE_RADIUS_KM = 0.2  # around a school's entrance when it has no boundary polygon


@dataclass(frozen=True)
class TargetFilter:
    """Which events a target wants: empty sets mean "all"."""

    school_ids: frozenset[int]
    min_severity: int
    event_types: frozenset[str]

    def matches(self, event: Event) -> bool:
        if event.severity < self.min_severity:
            return False
        if self.event_types and event.event_type not in self.event_types:
            return False
        return not self.school_ids or event.school_id in self.school_ids


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def is_drill(event: Event) -> bool:
    """Resolved as a drill, or flagged as one by its source or a drill rule."""
    return event.disposition == Disposition.DRILL or event.data.get("drill") is True


_TYPE_LABELS: dict[str, str] = {str(v): str(label) for v, label in EventType.choices}
_SEVERITY_LABELS: dict[int, str] = {int(v): str(label) for v, label in Severity.choices}


def event_document(event: Event) -> dict[str, Any]:
    school = event.school
    area = event.area
    return {
        "schema": SCHEMA,
        "id": f"vigil-event-{event.pk}",
        "event_id": event.pk,
        "type": event.event_type,
        "type_label": _TYPE_LABELS.get(event.event_type, event.event_type),
        "title": event.title,
        "severity": event.severity,
        "severity_label": _SEVERITY_LABELS.get(event.severity, str(event.severity)),
        "status": event.status,
        "drill": is_drill(event),
        "occurred_at": _iso(event.occurred_at),
        "received_at": _iso(event.received_at),
        "updated_at": _iso(event.updated_at),
        "ended": event.ended_at is not None,
        "ended_at": _iso(event.ended_at),
        "acknowledged_at": _iso(event.acknowledged_at),
        "resolved_at": _iso(event.resolved_at),
        "disposition": event.disposition or None,
        "source": event.source,
        "device": event.device,
        "school": None if school is None else {"slug": school.slug, "name": school.name},
        "area": None if area is None else {"name": area.name, "code": area.code},
        "data": event.data,
    }


def event_body(event: Event) -> str:
    """The bytes we send (as text): compact, keys sorted, so equal events give equal bodies."""
    return json.dumps(event_document(event), sort_keys=True, separators=(",", ":"))


_TOPIC_UNSAFE = re.compile(r"[#+/\x00]")


def topic(prefix: str, event: Event) -> str:
    school = event.school.slug if event.school is not None else "unmapped"
    return f"{prefix}/{_TOPIC_UNSAFE.sub('_', school)}/{_TOPIC_UNSAFE.sub('_', event.event_type)}"


# --- CAP 1.2 ---------------------------------------------------------------------------------

CAP_CATEGORY: dict[str, str] = {EventType.FIRE: "Fire", EventType.MEDICAL: "Rescue"}
CAP_SEVERITY: dict[int, str] = {5: "Extreme", 4: "Severe", 3: "Moderate", 2: "Minor", 1: "Minor"}
CAP_URGENCY: dict[int, str] = {5: "Immediate", 4: "Immediate", 3: "Expected", 2: "Future"}
# Contacts, buttons and people: the thing was observed. Video and audio analytics: likely.
OBSERVED_TYPES = frozenset(
    {
        EventType.BURGLARY,
        EventType.FIRE,
        EventType.PANIC,
        EventType.MEDICAL,
        EventType.DOOR_FORCED,
        EventType.DOOR_HELD,
        EventType.TAMPER,
        EventType.OPENING,
        EventType.CLOSING,
        EventType.BYPASS,
        EventType.ACCESS_DENIED,
        EventType.VISITOR_MATCH,
    }
)
LIKELY_TYPES = frozenset(
    {
        EventType.PERSON_DETECTED,
        EventType.VEHICLE_DETECTED,
        EventType.VAPE_DETECTED,
        EventType.SOUND_ALERT,
        EventType.GUNSHOT,
    }
)
CANCELLING = frozenset({Disposition.FALSE_ALARM, Disposition.DUPLICATE})


def cap_time(moment: datetime, zone: tzinfo) -> str:
    """CAP dateTime: whole seconds with a numeric offset; UTC is written -00:00, never Z."""
    text = moment.astimezone(zone).replace(microsecond=0).isoformat()
    return text[:-6] + "-00:00" if text.endswith("+00:00") else text


def cap_message_type(event: Event) -> str:
    if event.status == EventStatus.RESOLVED and event.disposition in CANCELLING:
        return "Cancel"
    changed = event.status != EventStatus.OPEN or event.ended_at is not None
    return "Update" if changed else "Alert"


def cap_urgency(event: Event) -> str:
    if event.status == EventStatus.RESOLVED or event.ended_at is not None:
        return "Past"
    return CAP_URGENCY.get(event.severity, "Unknown")


def cap_certainty(event: Event) -> str:
    if event.disposition in CANCELLING:
        return "Unlikely"
    if event.acknowledged_at is not None or event.event_type in OBSERVED_TYPES:
        return "Observed"
    if event.event_type in LIKELY_TYPES:
        return "Likely"
    return "Possible"


def _first_identifier(event: Event) -> str:
    return f"vigil-event-{event.pk}"


def cap_identifier(event: Event) -> str:
    """Unique per sender: the event, and for later states the moment of its last change."""
    if cap_message_type(event) == "Alert":
        return _first_identifier(event)
    return f"{_first_identifier(event)}-{int(event.updated_at.timestamp() * 1000)}"


def _ring(coordinates: Any) -> list[tuple[float, float]]:
    """The outer ring of a GeoJSON Polygon as (lat, lon), closed; [] when unusable."""
    try:
        ring = [(float(lat), float(lon)) for lon, lat, *_ in coordinates[0]]
    except (TypeError, ValueError, IndexError):
        return []
    if len(ring) >= 3 and ring[0] != ring[-1]:
        ring.append(ring[0])
    return ring if len(ring) >= 4 else []


def _area_shapes(event: Event) -> tuple[list[str], list[str]]:
    """(polygons, circles) in CAP notation: "lat,lon lat,lon …" and "lat,lon radius-km"."""
    polygons: list[str] = []
    circles: list[str] = []
    geometries = [event.area.geometry if event.area is not None else None]
    if event.school is not None:
        geometries.append(event.school.boundary)
    for geometry in geometries:
        if not isinstance(geometry, dict):
            continue
        if geometry.get("type") == "Polygon":
            ring = _ring(geometry.get("coordinates"))
            if ring:
                polygons.append(" ".join(f"{lat:.6f},{lon:.6f}" for lat, lon in ring))
                break
        elif geometry.get("type") == "Point":
            try:
                lon, lat = (float(v) for v in geometry["coordinates"][:2])
            except (KeyError, TypeError, ValueError):
                continue
            circles.append(f"{lat:.6f},{lon:.6f} 0.05")
            break
    if not polygons and not circles and event.school is not None:
        school = event.school
        circles.append(f"{school.latitude:.6f},{school.longitude:.6f} {CIRCLE_RADIUS_KM}")
    return polygons, circles


def _description(event: Event, zone: tzinfo) -> str:
    lines = [f"{EventType(event.event_type).label} reported by {event.source}."]
    if event.area is not None:
        code = f" ({event.area.code})" if event.area.code else ""
        lines.append(f"Where: {event.area.name}{code}.")
    if event.device:
        lines.append(f"Device: {event.device}.")
    lines.append(f"Occurred: {event.occurred_at.astimezone(zone):%Y-%m-%d %H:%M:%S %Z}.")
    status = EventStatus(event.status).label
    if event.status == EventStatus.RESOLVED and event.disposition:
        status += f" — {Disposition(event.disposition).label}"
    elif event.status == EventStatus.ACKNOWLEDGED:
        status += " — a security officer is handling it"
    lines.append(f"Status: {status}.")
    return "\n".join(lines)


def _sub(parent: ET.Element, name: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{CAP_NS}}}{name}")
    element.text = text
    return element


def cap_alert(
    event: Event,
    *,
    sender: str,
    sender_name: str,
    zone: tzinfo,
    web: str = "",
    contact: str = "",
) -> bytes:
    """The event as a CAP 1.2 ``<alert>`` (UTF-8 XML with declaration)."""
    message_type = cap_message_type(event)
    ET.register_namespace("", CAP_NS)
    alert = ET.Element(f"{{{CAP_NS}}}alert")
    _sub(alert, "identifier", cap_identifier(event))
    _sub(alert, "sender", sender)
    sent = event.received_at if message_type == "Alert" else event.updated_at
    _sub(alert, "sent", cap_time(sent, zone))
    _sub(alert, "status", "Exercise" if is_drill(event) else "Actual")
    _sub(alert, "msgType", message_type)
    _sub(alert, "source", f"Vigil ({event.source})")
    _sub(alert, "scope", "Restricted")
    _sub(alert, "restriction", f"Security staff and emergency responders of {sender_name}")
    if is_drill(event):
        _sub(alert, "note", "Drill: no real emergency.")
    if message_type != "Alert":
        first_sent = cap_time(event.received_at, zone)
        _sub(alert, "references", f"{sender},{_first_identifier(event)},{first_sent}")
    _sub(alert, "incidents", f"vigil-event-{event.pk}")

    info = ET.SubElement(alert, f"{{{CAP_NS}}}info")
    _sub(info, "language", "en-US")
    _sub(info, "category", CAP_CATEGORY.get(event.event_type, "Security"))
    _sub(info, "event", EventType(event.event_type).label)
    if event.status == EventStatus.RESOLVED:
        _sub(info, "responseType", "AllClear")
    _sub(info, "urgency", cap_urgency(event))
    _sub(info, "severity", CAP_SEVERITY.get(event.severity, "Unknown"))
    _sub(info, "certainty", cap_certainty(event))
    code = ET.SubElement(info, f"{{{CAP_NS}}}eventCode")
    _sub(code, "valueName", "vigil:type")
    _sub(code, "value", event.event_type)
    _sub(info, "onset", cap_time(event.occurred_at, zone))
    _sub(info, "senderName", sender_name)
    place = event.school.name if event.school is not None else "Unmapped device"
    _sub(info, "headline", f"{event.title} — {place}"[:160])
    _sub(info, "description", _description(event, zone))
    if web:
        _sub(info, "web", web)
    if contact:
        _sub(info, "contact", contact)
    parameter = ET.SubElement(info, f"{{{CAP_NS}}}parameter")
    _sub(parameter, "valueName", "vigil:severity")
    _sub(parameter, "value", str(event.severity))

    area = ET.SubElement(info, f"{{{CAP_NS}}}area")
    area_desc = place if event.area is None else f"{place} — {event.area.name}"
    _sub(area, "areaDesc", area_desc)
    polygons, circles = _area_shapes(event)
    for polygon in polygons:
        _sub(area, "polygon", polygon)
    for circle in circles:
        _sub(area, "circle", circle)
    document: bytes = ET.tostring(alert, encoding="utf-8", xml_declaration=True)
    return document
