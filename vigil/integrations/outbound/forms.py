"""The form an integrations manager edits an outbound target with."""

from __future__ import annotations

from typing import Any

from django import forms

from vigil.events.choices import EventType
from vigil.integrations.outbound import config
from vigil.integrations.outbound.models import OutboundTarget, TargetKind
from vigil.sites.models import School


class TargetForm(forms.ModelForm):  # type: ignore[type-arg]
    secret = forms.CharField(
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=f"Webhook: at least {config.MIN_SECRET_LENGTH} characters. "
        "Leave empty to keep the current one.",
    )
    url = forms.URLField(
        label="URL",
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text="Webhook: the address we POST events to.",
    )
    schools = forms.ModelMultipleChoiceField(
        queryset=School.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None selected: every school.",
    )
    event_types = forms.MultipleChoiceField(
        choices=EventType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None selected: every type.",
    )

    class Meta:
        model = OutboundTarget
        fields = ["name", "kind", "active", "topic_prefix", "url", "secret", "min_severity"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current_secret = self.instance.secret
        self.fields["schools"].queryset = School.objects.order_by("name")  # type: ignore[attr-defined]
        if self.instance.pk is not None:
            self.fields["schools"].initial = list(
                self.instance.schools.values_list("pk", flat=True)
            )
            self.fields["event_types"].initial = list(self.instance.event_types)
        self.order_fields(["name", "kind", "active", "topic_prefix", "url", "secret"])

    def clean_topic_prefix(self) -> str:
        prefix: str = self.cleaned_data.get("topic_prefix", "").strip()
        if prefix and (any(c in prefix for c in "#+\0") or prefix.startswith("$")):
            raise forms.ValidationError("Use a plain topic: no # or +, and not starting with $.")
        return prefix.rstrip("/")

    def clean_url(self) -> str:
        url: str = self.cleaned_data.get("url", "")
        if url and not url.startswith(("http://", "https://")):
            raise forms.ValidationError("The URL must start with http:// or https://.")
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == TargetKind.MQTT and not data.get("topic_prefix"):
            self.add_error("topic_prefix", "An MQTT target needs a topic prefix.")
        if kind == TargetKind.WEBHOOK:
            if not data.get("url"):
                self.add_error("url", "A webhook target needs the URL to post to.")
            secret = data.get("secret", "")
            if not secret and not self.current_secret:
                self.add_error("secret", "A webhook target needs a secret.")
            elif secret and len(secret) < config.MIN_SECRET_LENGTH:
                self.add_error("secret", f"Use at least {config.MIN_SECRET_LENGTH} characters.")
        return data

    def save(self, commit: bool = True) -> OutboundTarget:
        target: OutboundTarget = super().save(commit=False)
        if not self.cleaned_data.get("secret"):
            target.secret = self.current_secret
        target.event_types = sorted(self.cleaned_data.get("event_types") or [])
        return target
