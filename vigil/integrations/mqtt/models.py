from __future__ import annotations

from typing import ClassVar

from django.db import models

from vigil.core.models import AuditedModel
from vigil.events.choices import EventType


class MqttTopic(AuditedModel):
    """A generic JSON topic and how its fields map onto a Vigil event.

    ``field_map`` names, for each event field, a path into the message: dots between keys and
    ``[n]`` for list items, e.g. ``{"id": "event.id", "type": "kind", "title": "message",
    "occurred_at": "ts", "device": "sensor.name", "severity": "level"}`` (see
    ``normalize.MAPPED_FIELDS``). ``type_map`` turns the source's type values into Vigil event
    types; values it does not list become ``default_type``. Edited in the UI (MqttTopicForm,
    with a "try it" box); the ingest worker reads the mappings when it starts.
    """

    name = models.SlugField(unique=True, help_text="Becomes the event source mqtt:<name>.")
    topic = models.CharField(max_length=300, help_text="Topic filter; + and # allowed.")
    school = models.ForeignKey(
        "sites.School",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Events belong here unless a device mapping says otherwise.",
    )
    field_map = models.JSONField(default=dict)
    type_map = models.JSONField(default=dict, blank=True)
    default_type = models.CharField(
        max_length=24, choices=EventType.choices, default=EventType.OTHER
    )
    active = models.BooleanField(default=True)

    scope_path: ClassVar[str | None] = "school_id"

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.topic})"
