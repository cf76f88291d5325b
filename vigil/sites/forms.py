from __future__ import annotations

from django import forms

from vigil.sites.models import School


class SchoolForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = School
        fields = ["name", "address", "phone", "latitude", "longitude"]
        widgets = {
            "latitude": forms.NumberInput(attrs={"step": "any", "min": -90, "max": 90}),
            "longitude": forms.NumberInput(attrs={"step": "any", "min": -180, "max": 180}),
        }

    def clean_latitude(self) -> float:
        value = float(self.cleaned_data["latitude"])
        if not -90 <= value <= 90:
            raise forms.ValidationError("Latitude must be between -90 and 90.")
        return value

    def clean_longitude(self) -> float:
        value = float(self.cleaned_data["longitude"])
        if not -180 <= value <= 180:
            raise forms.ValidationError("Longitude must be between -180 and 180.")
        return value
