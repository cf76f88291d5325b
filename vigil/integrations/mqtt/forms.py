"""The form behind a generic MQTT topic's mapping, and its "try it" box."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django import forms

from vigil.core.permissions import Action
from vigil.events.choices import DEFAULT_SEVERITY, EventType, Severity
from vigil.events.pipeline import Inbound, NormalizationError, Normalized
from vigil.integrations.mqtt import normalize
from vigil.integrations.mqtt.models import MqttTopic
from vigil.sites.models import School

# Form field → the key of MqttTopic.field_map it fills.
PATH_FIELDS: dict[str, str] = {
    "path_id": "id",
    "path_occurred_at": "occurred_at",
    "path_type": "type",
    "path_severity": "severity",
    "path_device": "device",
    "path_title": "title",
}
MAX_SAMPLE_BYTES = 64 * 1024


def _path_field(label: str, key: str, *, required: bool) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=200,
        help_text=f"Path to {normalize.MAPPED_FIELDS[key]}.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


def parse_type_map(text: str) -> dict[str, str]:
    """``value = event_type`` per line → a dict; ValidationError naming the line otherwise."""
    found: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        value, equals, event_type = line.partition("=")
        value, event_type = value.strip(), event_type.strip()
        if not equals or not value or not event_type:
            raise forms.ValidationError(
                f"line {n} ({line.strip()!r}) must read: source value = event type"
            )
        if event_type not in EventType.values:
            raise forms.ValidationError(
                f"line {n}: unknown event type {event_type!r}; use one of "
                + ", ".join(EventType.values)
            )
        if value in found:
            raise forms.ValidationError(f"line {n}: {value!r} is mapped twice")
        found[value] = event_type
    return found


def format_type_map(type_map: dict[str, str]) -> str:
    return "\n".join(f"{value} = {event_type}" for value, event_type in type_map.items())


class MqttTopicForm(forms.ModelForm):  # type: ignore[type-arg]
    path_id = _path_field("Event id field", "id", required=True)
    path_occurred_at = _path_field("Time field", "occurred_at", required=True)
    path_type = _path_field("Type field", "type", required=False)
    path_severity = _path_field("Severity field", "severity", required=False)
    path_device = _path_field("Device field", "device", required=False)
    path_title = _path_field("Title field", "title", required=False)
    type_values = forms.CharField(
        label="Type values",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text="One per line: the source's value = a Vigil event type, e.g. vape_alert = vape. "
        "Values not listed become the default type.",
    )
    sample = forms.CharField(
        label="Sample message",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text="Paste a message the device sends, then “Try it”: the result is shown, "
        "nothing is stored.",
    )

    class Meta:
        model = MqttTopic
        fields = ["name", "topic", "school", "default_type", "active"]
        labels = {"name": "Name", "topic": "Topic filter", "default_type": "Default type"}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        school_field = self.fields["school"]
        assert isinstance(school_field, forms.ModelChoiceField)
        school_field.queryset = School.objects.restrict(user, Action.INTEGRATIONS_MANAGE)
        if self.instance.pk:
            for name, key in PATH_FIELDS.items():
                self.initial.setdefault(name, self.instance.field_map.get(key, ""))
            self.initial.setdefault("type_values", format_type_map(self.instance.type_map))
        # The order a person fills it in: where it comes from, then how to read it.
        self.order_fields(
            [
                "name",
                "topic",
                "school",
                *PATH_FIELDS,
                "type_values",
                "default_type",
                "active",
                "sample",
            ]
        )

    def clean_topic(self) -> str:
        topic: str = self.cleaned_data["topic"].strip()
        error = normalize.topic_filter_error(topic)
        if error:
            raise forms.ValidationError(error)
        frigate = ("frigate/events", "frigate/reviews", "frigate/#", "#")
        if topic in frigate:
            raise forms.ValidationError(f"{topic!r} would also catch Frigate's own topics")
        return topic

    def clean_type_values(self) -> dict[str, str]:
        return parse_type_map(self.cleaned_data.get("type_values", ""))

    def clean_sample(self) -> Any:
        text: str = self.cleaned_data.get("sample", "")
        if not text.strip():
            return None
        if len(text.encode()) > MAX_SAMPLE_BYTES:
            raise forms.ValidationError(f"is longer than {MAX_SAMPLE_BYTES} bytes")
        return text

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in PATH_FIELDS:
            path = (cleaned.get(name) or "").strip()
            cleaned[name] = path
            if path:
                error = normalize.path_error(path)
                if error:
                    self.add_error(name, error)
        return cleaned

    @property
    def field_map(self) -> dict[str, str]:
        return {
            key: self.cleaned_data[name]
            for name, key in PATH_FIELDS.items()
            if self.cleaned_data.get(name)
        }

    def try_sample(self) -> tuple[Normalized | None, str]:
        """Run the mapping on the pasted sample: (normalised event, "") or (None, error)."""
        sample = self.cleaned_data.get("sample")
        if sample is None:
            return None, "Paste a sample message first."
        message = Inbound(
            source="try",
            payload=sample.encode(),
            received_at=datetime.now(UTC),
            dedupe_key="try",
            topic=self.cleaned_data.get("topic", ""),
        )
        try:
            return (
                normalize.generic(
                    message,
                    field_map=self.field_map,
                    type_map=self.cleaned_data["type_values"],
                    default_type=self.cleaned_data["default_type"],
                ),
                "",
            )
        except NormalizationError as exc:
            return None, str(exc)

    def save(self, commit: bool = True) -> MqttTopic:
        topic: MqttTopic = super().save(commit=False)
        topic.field_map = self.field_map
        topic.type_map = self.cleaned_data["type_values"]
        if commit:
            topic.save()
        return topic


def describe(normalized: Normalized) -> list[tuple[str, str]]:
    """The normalised event as the "try it" box lists it."""
    severity = (
        normalized.severity
        if normalized.severity is not None
        else DEFAULT_SEVERITY[normalized.event_type]
    )
    return [
        ("source_event_id", normalized.source_event_id),
        ("event_type", f"{normalized.event_type.value} ({normalized.event_type.label})"),
        (
            "severity",
            f"{severity} ({Severity(severity).label})"
            + ("" if normalized.severity is not None else ", the type's default"),
        ),
        ("title", normalized.title),
        ("occurred_at", normalized.occurred_at.isoformat()),
        ("device", normalized.device or "(none)"),
        ("data", json.dumps(dict(normalized.data))),
    ]
