"""Event types, severities and states of the unified console."""

from __future__ import annotations

from django.db import models


class EventType(models.TextChoices):
    BURGLARY = "burglary", "Burglary / intrusion"
    FIRE = "fire", "Fire"
    PANIC = "panic", "Panic / duress"
    MEDICAL = "medical", "Medical"
    DOOR_FORCED = "door_forced", "Door forced"
    DOOR_HELD = "door_held", "Door held open"
    TAMPER = "tamper", "Tamper"
    TROUBLE = "trouble", "Trouble"
    OPENING = "opening", "Opening (disarm) by user"
    CLOSING = "closing", "Closing (arm) by user"
    BYPASS = "bypass", "Zone bypass"
    COMMUNICATION_LOST = "comm_lost", "Communication lost"
    PERSON_DETECTED = "person", "Person detected"
    VEHICLE_DETECTED = "vehicle", "Vehicle detected"
    VAPE_DETECTED = "vape", "Vape / smoke detected"
    SOUND_ALERT = "sound", "Sound alert (aggression, shout)"
    GUNSHOT = "gunshot", "Gunshot detected"
    ACCESS_DENIED = "access_denied", "Access denied"
    VISITOR_MATCH = "visitor_match", "Visitor screening match"
    OTHER = "other", "Other"


class Severity(models.IntegerChoices):
    INFO = 1, "Info"
    LOW = 2, "Low"
    MEDIUM = 3, "Medium"
    HIGH = 4, "High"
    CRITICAL = 5, "Critical"


# What a type means when the source does not say: the console's sort order depends on it.
DEFAULT_SEVERITY: dict[str, int] = {
    EventType.FIRE: Severity.CRITICAL,
    EventType.PANIC: Severity.CRITICAL,
    EventType.GUNSHOT: Severity.CRITICAL,
    EventType.VISITOR_MATCH: Severity.HIGH,
    EventType.BURGLARY: Severity.HIGH,
    EventType.DOOR_FORCED: Severity.HIGH,
    EventType.MEDICAL: Severity.HIGH,
    EventType.TAMPER: Severity.MEDIUM,
    EventType.COMMUNICATION_LOST: Severity.MEDIUM,
    EventType.DOOR_HELD: Severity.MEDIUM,
    EventType.VAPE_DETECTED: Severity.MEDIUM,
    EventType.SOUND_ALERT: Severity.MEDIUM,
    EventType.PERSON_DETECTED: Severity.LOW,
    EventType.VEHICLE_DETECTED: Severity.LOW,
    EventType.ACCESS_DENIED: Severity.LOW,
    EventType.TROUBLE: Severity.LOW,
    EventType.BYPASS: Severity.LOW,
    EventType.OPENING: Severity.INFO,
    EventType.CLOSING: Severity.INFO,
    EventType.OTHER: Severity.LOW,
}


class EventStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"


class Disposition(models.TextChoices):
    HANDLED = "handled", "Handled on site"
    FALSE_ALARM = "false_alarm", "False alarm"
    DRILL = "drill", "Drill / test"
    ESCALATED_POLICE = "escalated_police", "Escalated to police"
    ESCALATED_FIRE = "escalated_fire", "Escalated to fire / EMS"
    DUPLICATE = "duplicate", "Duplicate of another event"
    NO_ACTION = "no_action", "No action needed"
