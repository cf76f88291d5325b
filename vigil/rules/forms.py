"""The forms supervisors edit rules and drills with; each refusal names its field."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms

from vigil.core.permissions import Action, scope_for
from vigil.events.choices import EventType
from vigil.rules.models import (
    WEEKDAY_NAMES,
    CorrelationRule,
    Drill,
    EscalationRule,
    FloodRule,
    SeverityRule,
)
from vigil.sites.models import Area, School

MAX_WINDOW_SECONDS = 3600
MAX_PERIOD_SECONDS = 86_400
MAX_DRILL = timedelta(days=7)


class _ScopedForm(forms.ModelForm):  # type: ignore[type-arg]
    """The school field offers the schools where the user may edit rules; only district-wide
    staff may leave it empty (a rule for every school)."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        scope = scope_for(user, Action.EVENTS_RULES)
        field = self.fields["school"]
        field.queryset = School.objects.restrict(user, Action.EVENTS_RULES).order_by("name")  # type: ignore[attr-defined]
        if not scope.district:
            field.required = True
            field.help_text = ""
        field.empty_label = "Every school of the district" if not field.required else None  # type: ignore[attr-defined]


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _local_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SeverityRuleForm(_ScopedForm):
    weekdays = forms.TypedMultipleChoiceField(
        choices=list(enumerate(WEEKDAY_NAMES)),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="Days",
        help_text="The window's days, in the school's local time.",
    )

    class Meta:
        model = SeverityRule
        fields = [
            "name",
            "school",
            "event_type",
            "area",
            "when",
            "weekdays",
            "start_time",
            "end_time",
            "school_days_only",
            "severity",
            "enabled",
        ]
        widgets = {"start_time": _time_input(), "end_time": _time_input()}
        labels = {"event_type": "Event type", "when": "Applies"}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["area"].queryset = (  # type: ignore[attr-defined]
            Area.objects.restrict(user, Action.EVENTS_RULES)
            .select_related("school")
            .order_by("school__name", "name")
        )
        self.fields["area"].label_from_instance = lambda a: f"{a.school.name} · {a}"  # type: ignore[attr-defined]
        if self.instance.pk is None and not self.is_bound:
            self.initial.setdefault("weekdays", [0, 1, 2, 3, 4])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        area, school = data.get("area"), data.get("school")
        if area is not None and "school" not in self.errors:
            if school is None:
                self.add_error("area", "An area belongs to one school: choose that school too.")
            elif area.school_id != school.pk:
                self.add_error("area", f"{area} is not at {school}.")
        return data


class CorrelationRuleForm(_ScopedForm):
    class Meta:
        model = CorrelationRule
        fields = [
            "name",
            "school",
            "first_type",
            "second_type",
            "window_seconds",
            "severity",
            "enabled",
        ]
        labels = {
            "first_type": "First event (at a door or device)",
            "second_type": "Second event (from the nearest camera)",
            "window_seconds": "Within (seconds, before or after)",
            "severity": "Severity of the alarm",
        }

    def clean_window_seconds(self) -> int:
        value: int = self.cleaned_data["window_seconds"]
        if not 1 <= value <= MAX_WINDOW_SECONDS:
            raise forms.ValidationError(f"Use 1 to {MAX_WINDOW_SECONDS} seconds.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("first_type") and data.get("first_type") == data.get("second_type"):
            self.add_error("second_type", "Choose a type different from the first event's.")
        return data


class EscalationRuleForm(_ScopedForm):
    class Meta:
        model = EscalationRule
        fields = [
            "name",
            "school",
            "event_type",
            "min_severity",
            "after_seconds",
            "raise_to",
            "enabled",
        ]
        labels = {
            "event_type": "Event type",
            "after_seconds": "Unacknowledged for (seconds)",
            "raise_to": "Raise to",
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["event_type"].choices = [("", "Any type"), *EventType.choices]  # type: ignore[attr-defined]

    def clean_after_seconds(self) -> int:
        value: int = self.cleaned_data["after_seconds"]
        if not 10 <= value <= MAX_PERIOD_SECONDS:
            raise forms.ValidationError(f"Use 10 to {MAX_PERIOD_SECONDS} seconds.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_severity"), data.get("raise_to")
        if low is not None and high is not None and high <= low:
            self.add_error("raise_to", "Raise to a severity above the minimum one.")
        return data


class FloodRuleForm(_ScopedForm):
    class Meta:
        model = FloodRule
        fields = ["name", "school", "source", "max_events", "per_seconds", "enabled"]
        labels = {
            "max_events": "More than (events)",
            "per_seconds": "In (seconds)",
        }

    def clean_max_events(self) -> int:
        value: int = self.cleaned_data["max_events"]
        if not 1 <= value <= 10_000:
            raise forms.ValidationError("Use 1 to 10,000 events.")
        return value

    def clean_per_seconds(self) -> int:
        value: int = self.cleaned_data["per_seconds"]
        if not 1 <= value <= MAX_PERIOD_SECONDS:
            raise forms.ValidationError(f"Use 1 to {MAX_PERIOD_SECONDS} seconds.")
        return value


class DrillForm(_ScopedForm):
    event_types = forms.MultipleChoiceField(
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Event types",
        help_text="None ticked: every type of event during the drill.",
    )

    class Meta:
        model = Drill
        fields = ["school", "event_types", "starts_at", "ends_at", "reason", "enabled"]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "ends_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }
        labels = {
            "starts_at": "Starts",
            "ends_at": "Ends",
            "enabled": "Declared (untick to call it off)",
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["school"].required = True  # a drill happens at one school
        self.fields["school"].empty_label = None  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_at"), data.get("ends_at")
        if start is not None and end is not None:
            if end <= start:
                self.add_error("ends_at", "End the drill after it starts.")
            elif end - start > MAX_DRILL:
                self.add_error("ends_at", "A drill lasts at most 7 days.")
        return data
