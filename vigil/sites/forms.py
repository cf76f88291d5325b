"""Forms of the knowledge base. Every error names its field; a form with an error saves nothing.

Record forms are bound to one school (``school=``): their choices of buildings, levels, areas
and panels are that school's, and their geometry must lie in or near its campus.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import slugify
from PIL import Image, UnidentifiedImageError

from vigil.core import audit
from vigil.sites.choices import AreaType, AssetKind, RiskClass, SchoolLevel, default_risk
from vigil.sites.geometry import GeometryError, campus_shape, check_geometry
from vigil.sites.models import (
    AlarmCode,
    AlarmZone,
    Area,
    Asset,
    Building,
    Contact,
    Level,
    School,
    Surrounding,
)

PHONE_RE = re.compile(r"^[0-9+() .\-/x#*]*$")


class EntrancePointMixin:
    """Range checks of a site's entrance point (the fields ``latitude`` and ``longitude``)."""

    cleaned_data: dict[str, Any]

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


class SchoolForm(EntrancePointMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = School
        fields = ["name", "address", "phone", "latitude", "longitude"]
        widgets = {
            "latitude": forms.NumberInput(attrs={"step": "any", "min": -90, "max": 90}),
            "longitude": forms.NumberInput(attrs={"step": "any", "min": -180, "max": 180}),
        }


# ---------------------------------------------------------------------------------------------
# Geometry drawn on a map


class MapWidget(forms.Textarea):
    """A Leaflet.draw map that reads and writes the GeoJSON in a textarea.

    The textarea stays in the page (folded away under "Edit as GeoJSON") so the field also works
    without JavaScript and with a keyboard. The campus outline and the building footprints are
    drawn in grey for orientation; no tiles are loaded unless settings.VIGIL_TILE_URL is set.
    """

    template_name = "sites/edit/_map_widget.html"

    def __init__(self, geom_types: tuple[str, ...]) -> None:
        super().__init__(attrs={"rows": 4, "spellcheck": "false", "class": "mono"})
        self.geom_types = geom_types
        self.context_layers: list[dict[str, Any]] = []
        self.centre: tuple[float, float] = (0.0, 0.0)

    def format_value(self, value: Any) -> str:
        if value in (None, "", {}):
            return ""
        if isinstance(value, str):
            return value
        return json.dumps(value)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["map"] = {
            "types": ",".join(self.geom_types),
            "context": json.dumps(self.context_layers),
            "centre": json.dumps(list(self.centre)),
            "tiles": settings.VIGIL_TILE_URL,
        }
        return context


class GeometryField(forms.JSONField):
    """A GeoJSON geometry of the allowed types, inside or near the campus (WGS84)."""

    def __init__(self, *types: str, within_m: float, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MapWidget(types))
        super().__init__(**kwargs)
        self.geom_types = types
        self.within_m = within_m
        self.campus: Any = None
        names = " or ".join(t.lower() for t in types)
        self.help_text = self.help_text or f"Draw a {names} on the map (WGS84)."

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except forms.ValidationError as exc:
            raise forms.ValidationError("This is not valid JSON (GeoJSON geometry).") from exc

    def prepare_value(self, value: Any) -> Any:
        return "" if value in (None, "") else super().prepare_value(value)

    def clean(self, value: Any) -> Any:
        cleaned = super().clean(value)
        if cleaned in self.empty_values:
            return None
        try:
            return check_geometry(
                cleaned, allowed=self.geom_types, campus=self.campus, within_m=self.within_m
            )
        except GeometryError as exc:
            raise forms.ValidationError(str(exc)) from exc


# ---------------------------------------------------------------------------------------------
# Photos, checked by their content


MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000  # a 40-megapixel photo; more is a decompression bomb or a mistake
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def check_photo(upload: UploadedFile[Any]) -> str:
    """Check an uploaded photo by its content; return the file extension its format has.

    The bytes are stored exactly as uploaded (nothing is stripped or re-encoded); only the
    name is replaced by a random one with the extension of the real format.
    """
    if upload.size is not None and upload.size > MAX_PHOTO_BYTES:
        raise forms.ValidationError(
            f"The photo is {upload.size / 1_048_576:.1f} MB; the limit is "
            f"{MAX_PHOTO_BYTES // 1_048_576} MB."
        )
    data = upload.read()
    upload.seek(0)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format or ""
            width, height = probe.size
            probe.verify()
        if image_format not in PHOTO_FORMATS:
            raise forms.ValidationError(
                f"The file is a {image_format} image; upload a JPEG, PNG or WebP photo."
            )
        if width * height > MAX_PHOTO_PIXELS:
            raise forms.ValidationError(f"The photo is {width}×{height} pixels; that is too many.")
        # verify() checks the structure only; decoding every pixel finds a truncated file.
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except forms.ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise forms.ValidationError(
            "The file is not a photo (its content is not a JPEG, PNG or WebP image), "
            "whatever its name says."
        ) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise forms.ValidationError(f"The photo is damaged or incomplete ({exc}).") from None
    return PHOTO_FORMATS[image_format]


# ---------------------------------------------------------------------------------------------
# Records of one school


def _text_area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class SchoolRecordForm(forms.ModelForm):  # type: ignore[type-arg]
    """A form for a record of one school; subclasses list their fields in Meta."""

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        campus = campus_shape(school.boundary, school.latitude, school.longitude)
        context = self._map_context(school)
        for field in self.fields.values():
            if isinstance(field, GeometryField):
                field.campus = campus
                if isinstance(field.widget, MapWidget):
                    field.widget.context_layers = context
                    field.widget.centre = (school.latitude, school.longitude)
        self._limit_choices(school)

    @staticmethod
    def _map_context(school: School) -> list[dict[str, Any]]:
        layers: list[dict[str, Any]] = []
        if school.boundary:
            layers.append({"geometry": school.boundary, "label": school.name})
        for code, footprint in school.buildings.exclude(footprint=None).values_list(
            "code", "footprint"
        ):
            layers.append({"geometry": footprint, "label": code})
        return layers

    def _limit_choices(self, school: School) -> None:
        limits: dict[str, Any] = {
            "building": Building.objects.filter(school=school),
            "level": Level.objects.filter(building__school=school).select_related("building"),
            "area": Area.objects.filter(school=school).order_by("name"),
            "areas": Area.objects.filter(school=school).order_by("name"),
            "panel": Asset.objects.filter(school=school, kind=AssetKind.ALARM_PANEL),
        }
        for name, queryset in limits.items():
            field = self.fields.get(name)
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = queryset

    def _check_level_in_building(self, cleaned: dict[str, Any]) -> None:
        building, level = cleaned.get("building"), cleaned.get("level")
        if level is not None and level.building_id != getattr(building, "pk", None):
            self.add_error("level", "This level is not in the chosen building.")

    def save(self, commit: bool = True) -> Any:
        instance = super().save(commit=False)
        if hasattr(instance, "school_id"):
            instance.school = self.school
        if commit:
            instance.save()
            self.save_m2m()
        return instance


class BuildingForm(SchoolRecordForm):
    footprint = GeometryField("Polygon", within_m=150, required=False, label="Footprint")

    class Meta:
        model = Building
        fields = ["name", "code", "footprint", "notes"]
        widgets = {"notes": _text_area()}

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip()
        clash = Building.objects.filter(school=self.school, code__iexact=code)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"Another building of this school is already “{code}”.")
        return code


class LevelForm(SchoolRecordForm):
    class Meta:
        model = Level
        fields = ["building", "ordinal", "name"]
        help_texts = {"ordinal": "0 is the ground floor, 1 the floor above, −1 the basement."}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        building, ordinal = cleaned.get("building"), cleaned.get("ordinal")
        if building is not None and ordinal is not None:
            clash = Level.objects.filter(building=building, ordinal=ordinal)
            if clash.exclude(pk=self.instance.pk).exists():
                self.add_error("ordinal", f"{building.code} already has a level {ordinal}.")
        return cleaned


def risk_defaults() -> dict[str, dict[str, str]]:
    """The pre-set risk of each area type, plain and when flagged isolated (for the form)."""
    return {
        t: {
            "plain": str(RiskClass(default_risk(t, isolated=False)).label),
            "isolated": str(RiskClass(default_risk(t, isolated=True)).label),
        }
        for t in AreaType.values
    }


class AreaForm(SchoolRecordForm):
    risk = forms.ChoiceField(
        label="Risk class",
        required=False,
        choices=[("", "The default for its type"), *RiskClass.choices],
        help_text="Left at the default, locker rooms, student restrooms, portables, fields, "
        "parking lots and out-buildings are high risk, and so are isolated hallways, "
        "stairways, courtyards and storage rooms.",
    )
    geometry = GeometryField("Polygon", "Point", within_m=150, required=False, label="Shape")

    class Meta:
        model = Area
        fields = [
            "name",
            "code",
            "area_type",
            "risk",
            "isolated",
            "building",
            "level",
            "geometry",
            "notes",
        ]
        widgets = {"notes": _text_area()}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._check_level_in_building(cleaned)
        if not cleaned.get("risk") and cleaned.get("area_type"):
            cleaned["risk"] = default_risk(
                cleaned["area_type"], isolated=bool(cleaned.get("isolated"))
            )
        return cleaned


# Kind-specific fields of an asset: shown (and accepted) only for these kinds.
ASSET_KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "number": (AssetKind.EXTERIOR_DOOR,),
    "door_use": (AssetKind.EXTERIOR_DOOR,),
    "utility": (AssetKind.UTILITY_SHUTOFF,),
    "operating_steps": (AssetKind.UTILITY_SHUTOFF,),
    "heading_deg": (AssetKind.CAMERA,),
    "field_of_view_deg": (AssetKind.CAMERA,),
    "height_m": (AssetKind.CAMERA,),
    "tag_id": (AssetKind.CHECKPOINT,),
}
ASSET_REQUIRED: dict[str, tuple[str, ...]] = {
    AssetKind.EXTERIOR_DOOR: ("number", "door_use"),
    AssetKind.UTILITY_SHUTOFF: ("utility", "operating_steps"),
    AssetKind.CHECKPOINT: ("tag_id",),
}


class AssetForm(SchoolRecordForm):
    location = GeometryField("Point", within_m=150, required=False, label="Location")
    photo = forms.FileField(
        label="Photo",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text="JPEG, PNG or WebP, up to 10 MB. Stored as taken.",
    )

    class Meta:
        model = Asset
        fields = [
            "kind",
            "name",
            "building",
            "level",
            "area",
            "number",
            "door_use",
            "utility",
            "operating_steps",
            "heading_deg",
            "field_of_view_deg",
            "height_m",
            "tag_id",
            "location",
            "photo",
            "notes",
        ]
        widgets = {"notes": _text_area(), "operating_steps": _text_area(5)}
        labels = {
            "number": "Door number",
            "door_use": "Door use",
            "heading_deg": "Heading (degrees from north)",
            "field_of_view_deg": "Field of view (degrees)",
            "height_m": "Mounting height (m)",
            "tag_id": "Tag id (QR/NFC)",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, kinds in ASSET_KIND_FIELDS.items():
            self.fields[name].widget.attrs["data-kinds"] = " ".join(kinds)

    def clean_photo(self) -> Any:
        upload = self.cleaned_data.get("photo")
        if isinstance(upload, UploadedFile):
            extension = check_photo(upload)
            upload.name = f"{uuid.uuid4().hex}.{extension}"
        return upload

    def clean_heading_deg(self) -> float | None:
        return self._in_range("heading_deg", 0, 360)

    def clean_field_of_view_deg(self) -> float | None:
        return self._in_range("field_of_view_deg", 1, 360)

    def clean_height_m(self) -> float | None:
        return self._in_range("height_m", 0, 100)

    def _in_range(self, name: str, low: float, high: float) -> float | None:
        value = self.cleaned_data.get(name)
        if value is not None and not low <= value <= high:
            raise forms.ValidationError(f"Enter a number from {low} to {high}.")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._check_level_in_building(cleaned)
        kind = cleaned.get("kind")
        area = cleaned.get("area")
        building_id = getattr(cleaned.get("building"), "pk", None)
        if area is not None and area.building_id is not None and area.building_id != building_id:
            self.add_error("area", "This area is not in the chosen building.")
        if not kind:
            return cleaned
        for name, kinds in ASSET_KIND_FIELDS.items():
            if kind not in kinds and cleaned.get(name) not in (None, ""):
                label = self.fields[name].label
                self.add_error(name, f"{label} applies only to {_kind_names(kinds)}.")
        for name in ASSET_REQUIRED.get(kind, ()):
            if cleaned.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, f"Required for {AssetKind(kind).label.lower()}s.")
        number = cleaned.get("number")
        if kind == AssetKind.EXTERIOR_DOOR and number is not None:
            clash = Asset.objects.filter(
                school=self.school,
                building=cleaned.get("building"),
                kind=AssetKind.EXTERIOR_DOOR,
                number=number,
            )
            if clash.exclude(pk=self.instance.pk).exists():
                self.add_error("number", f"Door {number} already exists in this building.")
        return cleaned


def _kind_names(kinds: tuple[str, ...]) -> str:
    return " and ".join(f"{AssetKind(k).label.lower()}s" for k in kinds)


class AlarmZoneForm(SchoolRecordForm):
    class Meta:
        model = AlarmZone
        fields = ["panel", "number", "name", "areas"]
        widgets = {"areas": forms.SelectMultiple(attrs={"size": 8})}
        help_texts = {"areas": "The areas this zone covers (hold Ctrl or ⌘ to pick several)."}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        panel, number = cleaned.get("panel"), cleaned.get("number")
        if panel is not None and number is not None:
            clash = AlarmZone.objects.filter(panel=panel, number=number)
            if clash.exclude(pk=self.instance.pk).exists():
                self.add_error("number", f"{panel} already has a zone {number}.")
        return cleaned

    def save(self, commit: bool = True) -> AlarmZone:
        """Save, and log a change of the covered areas (AuditedModel sees columns only)."""
        zone_pk = self.instance.pk
        before = sorted(self.instance.areas.values_list("pk", flat=True)) if zone_pk else []
        with transaction.atomic():
            zone: AlarmZone = super().save(commit=commit)
            after = sorted(a.pk for a in self.cleaned_data.get("areas", []))
            if commit and before != after:
                audit.record(
                    audit.AuditAction.UPDATE,
                    obj=zone,
                    changes={"areas": [_ids(before), _ids(after)]},
                )
        return zone


def _ids(values: list[int]) -> str:
    return ",".join(str(v) for v in values)


class SurroundingForm(SchoolRecordForm):
    geometry = GeometryField(
        "Point",
        "LineString",
        "Polygon",
        within_m=3000,
        label="Where",
        help_text="Draw a point, a line (a road, a creek) or an area, within 3 km of campus.",
    )

    class Meta:
        model = Surrounding
        fields = ["kind", "name", "geometry", "contact_name", "contact_phone", "notes"]
        widgets = {"notes": _text_area()}

    def clean_contact_phone(self) -> str:
        return _phone(self.cleaned_data.get("contact_phone", ""))


def _phone(value: str) -> str:
    value = value.strip()
    if not PHONE_RE.match(value):
        raise forms.ValidationError("Use digits, spaces, + ( ) - . and x for an extension.")
    return value


# ---------------------------------------------------------------------------------------------
# Contacts: a school's, or district-wide


DISTRICT_WIDE = "district"


class ContactForm(forms.ModelForm):  # type: ignore[type-arg]
    where = forms.ChoiceField(label="For", help_text="A school, or the whole district.")

    class Meta:
        model = Contact
        fields = [
            "kind",
            "organisation",
            "name",
            "title",
            "phone",
            "phone_after_hours",
            "email",
            "availability",
            "call_for",
            "response_notes",
        ]
        labels = {"phone": "Phone (day)", "phone_after_hours": "Phone (night and weekends)"}
        widgets = {"call_for": _text_area(2), "response_notes": _text_area(3)}

    def __init__(
        self, *args: Any, schools: list[School], district_wide: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(DISTRICT_WIDE, "Whole district")] if district_wide else []
        choices += [(str(s.pk), s.name) for s in schools]
        where = self.fields["where"]
        assert isinstance(where, forms.ChoiceField)
        where.choices = choices
        self._schools = {str(s.pk): s for s in schools}
        if self.instance.pk is not None:
            self.initial["where"] = (
                str(self.instance.school_id) if self.instance.school_id else DISTRICT_WIDE
            )
        self.order_fields(["where", *self.Meta.fields])

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data.get("phone", ""))

    def clean_phone_after_hours(self) -> str:
        return _phone(self.cleaned_data.get("phone_after_hours", ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        numbers = (cleaned.get("phone"), cleaned.get("phone_after_hours"))
        if not any(numbers) and "phone" not in self.errors:
            self.add_error("phone", "Give at least one number to call.")
        return cleaned

    def save(self, commit: bool = True) -> Contact:
        contact: Contact = super().save(commit=False)
        where = self.cleaned_data["where"]
        contact.school = None if where == DISTRICT_WIDE else self._schools[where]
        if commit:
            contact.save()
        return contact


# ---------------------------------------------------------------------------------------------
# Other buildings of the district (a "school" of level other)


class OtherBuildingForm(EntrancePointMixin, forms.ModelForm):  # type: ignore[type-arg]
    boundary = GeometryField(
        "Polygon", within_m=1000, required=False, label="Outline", help_text=""
    )

    class Meta:
        model = School
        fields = [
            "name",
            "address",
            "phone",
            "latitude",
            "longitude",
            "boundary",
            "directions",
            "layout_notes",
        ]
        labels = {"latitude": "Entrance latitude", "longitude": "Entrance longitude"}
        widgets = {
            "latitude": forms.NumberInput(attrs={"step": "any", "min": -90, "max": 90}),
            "longitude": forms.NumberInput(attrs={"step": "any", "min": -180, "max": 180}),
            "directions": _text_area(4),
            "layout_notes": _text_area(5),
        }
        help_texts = {
            "layout_notes": "General layout, where the alarm panels are, who to call for codes."
        }

    def __init__(self, *args: Any, district: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.district = district
        boundary = self.fields["boundary"]
        assert isinstance(boundary, GeometryField)
        boundary.help_text = "Draw the outline of the site, within 1 km of its entrance point."
        if self.instance.pk is not None and isinstance(boundary.widget, MapWidget):
            boundary.widget.centre = (self.instance.latitude, self.instance.longitude)

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data.get("phone", ""))

    def clean(self) -> dict[str, Any]:
        # The outline is checked against the entrance point the same form gives.
        cleaned = super().clean() or {}
        lat, lng, outline = (cleaned.get(k) for k in ("latitude", "longitude", "boundary"))
        if outline and lat is not None and lng is not None:
            try:
                check_geometry(
                    outline,
                    allowed=("Polygon",),
                    campus=campus_shape(None, lat, lng),
                    within_m=1000,
                )
            except GeometryError as exc:
                self.add_error("boundary", str(exc))
        return cleaned

    def save(self, commit: bool = True) -> School:
        school: School = super().save(commit=False)
        if school.pk is None:
            school.district = self.district
            school.level = SchoolLevel.OTHER
            school.slug = _unique_slug(school.name)
        if commit:
            school.save()
        return school


def _unique_slug(name: str) -> str:
    base = slugify(name)[:40] or "site"
    slug, n = base, 2
    while School.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# ---------------------------------------------------------------------------------------------
# The alarm-code vault


class AlarmCodeForm(SchoolRecordForm):
    """Add or change a code. The current code is never shown; typing one replaces it."""

    new_code = forms.RegexField(
        label="Code",
        regex=r"^[0-9A-Za-z*#]{3,32}$",
        required=False,
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}, render_value=False),
        error_messages={"invalid": "Use 3–32 digits, letters, * or #, without spaces."},
    )

    class Meta:
        model = AlarmCode
        fields = [
            "label",
            "panel",
            "valid_from",
            "valid_until",
            "window_start",
            "window_end",
            "notes",
        ]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
            "window_start": forms.TimeInput(attrs={"type": "time"}),
            "window_end": forms.TimeInput(attrs={"type": "time"}),
            "notes": _text_area(2),
        }
        labels = {
            "valid_from": "Valid from (date)",
            "valid_until": "Valid until (date)",
            "window_start": "Daily window opens",
            "window_end": "Daily window closes",
        }
        help_texts = {
            "window_start": "District local time. A window may run past midnight "
            "(e.g. 22:00 to 06:00). Leave both empty for all day."
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["label", "new_code", *self.Meta.fields])
        code = self.fields["new_code"]
        if self.instance.pk is None:
            code.required = True
            code.help_text = "Stored encrypted. Nobody sees it without a reason, and it is logged."
        else:
            code.help_text = "Leave empty to keep the current code; type a new one to change it."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, until = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and until and until < start:
            self.add_error("valid_until", "The last valid day is before the first.")
        opens, closes = cleaned.get("window_start"), cleaned.get("window_end")
        if opens is not None and opens == closes:
            self.add_error("window_end", "The window closes when it opens; leave both empty.")
        return cleaned

    def save(self, commit: bool = True) -> AlarmCode:
        code: AlarmCode = super().save(commit=False)
        if self.cleaned_data.get("new_code"):
            code.code = self.cleaned_data["new_code"]
        if commit:
            code.save()
        return code


class RevealForm(forms.Form):
    """Prove it is you (password, or a code from your authenticator) and say why."""

    password = forms.CharField(
        label="Your password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    totp = forms.CharField(
        label="Or a 6-digit code from your authenticator",
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    reason = forms.CharField(
        label="Reason",
        max_length=300,
        required=False,
        help_text="Why you need it now (e.g. “alarm call-out, gym, 02:10”). It is logged.",
    )

    def __init__(self, *args: Any, has_device: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not has_device:
            del self.fields["totp"]
