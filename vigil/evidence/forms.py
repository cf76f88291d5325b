"""Forms of the evidence pages: upload, and the reason every sensitive step asks for."""

from __future__ import annotations

from typing import Any

from django import forms

from vigil.evidence.services import REASON_MIN_LENGTH
from vigil.sites.models import School


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        min_length=REASON_MIN_LENGTH,
        max_length=300,
        help_text="Why you need it. It is written to the item's chain of custody.",
    )


class HoldForm(ReasonForm):
    hold = forms.TypedChoiceField(
        label="Legal hold",
        choices=[("1", "Place a legal hold"), ("0", "Release the legal hold")],
        coerce=lambda value: value == "1",
    )


class UploadForm(forms.Form):
    school = forms.ModelChoiceField(queryset=School.objects.none(), label="School")
    report = forms.CharField(
        label="Attach to report (optional)",
        max_length=32,
        required=False,
        help_text="The report number, e.g. CHHS-2026-0042. It must be your draft.",
    )
    title = forms.CharField(label="Title", max_length=200)
    reason = forms.CharField(
        label="How it was collected",
        min_length=REASON_MIN_LENGTH,
        max_length=300,
        help_text="The first entry of its chain of custody, e.g. “Photographed at the scene”.",
    )
    file = forms.FileField(label="File", help_text="Photo, PDF, audio or video.")

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = schools
        if schools.count() == 1:
            field.initial = schools.first()
