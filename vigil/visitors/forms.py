"""Forms of visitor management. Each names the field at fault and changes nothing on error."""

from __future__ import annotations

import io
import uuid
from datetime import date
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from PIL import Image

from vigil.sites.forms import check_photo
from vigil.sites.models import School
from vigil.visitors import aamva
from vigil.visitors.choices import Decision, IdSource, VisitorKind, WatchKind
from vigil.visitors.models import PreRegistration, RegistryList, WatchEntry
from vigil.visitors.services import REASON_MIN_LENGTH, Identity

# What each AAMVA element is called at the desk.
ELEMENT_NAMES = {
    "DBB": "date of birth",
    "DBA": "expiry date",
    "DCS": "family name",
    "DAB": "family name",
    "DAA": "name",
    "DAC": "given name",
    "DCT": "given name",
    "DAQ": "ID number",
    "DAJ": "jurisdiction",
    "IIN": "issuer (jurisdiction)",
    "header": "barcode header",
}
MAX_NOTICE_BYTES = 10 * 1024 * 1024


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def aamva_message(error: aamva.AamvaError) -> str:
    name = ELEMENT_NAMES.get(error.field, "")
    where = f"{error.field} ({name})" if name else error.field
    return (
        f"The ID could not be read — {where}: {error.message}. "
        "Scan again, or choose “Entered by hand” and type the details from the card."
    )


def decode_barcode_photo(upload: UploadedFile[Any]) -> str:
    """The PDF417 text in a photo of the back of an ID (zxing-cpp), or a ValidationError."""
    import zxingcpp

    check_photo(upload)
    data = upload.read()
    upload.seek(0)
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        results = zxingcpp.read_barcodes(
            image.convert("L"),
            formats=zxingcpp.barcode_formats_from_str("PDF417"),
            text_mode=zxingcpp.TextMode.Plain,  # keep the separators the parser reads
        )
    if not results:
        raise forms.ValidationError(
            "No PDF417 barcode was found in the photo. Photograph the back of the card flat "
            "and in focus, scan it, or enter the details by hand."
        )
    return str(results[0].text)


class CheckInForm(forms.Form):
    id_source = forms.ChoiceField(
        label="How the ID is read",
        choices=IdSource.choices,
        initial=IdSource.SCAN,
        widget=forms.RadioSelect,
    )
    scan = forms.CharField(
        label="Scanned ID",
        required=False,
        max_length=4000,
        strip=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false", "data-scan": ""}
        ),
        help_text="Click here and scan the barcode on the back of the card.",
    )
    barcode_photo = forms.FileField(
        label="Photo of the barcode",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    family_name = forms.CharField(label="Family name", required=False, max_length=100)
    given_names = forms.CharField(label="Given names", required=False, max_length=100)
    date_of_birth = forms.DateField(label="Date of birth", required=False, widget=_date_input())
    id_last4 = forms.CharField(label="ID number, last 4", required=False, max_length=4)
    id_expiry = forms.DateField(label="ID expiry", required=False, widget=_date_input())
    id_jurisdiction = forms.CharField(
        label="Issued by (state or province, 2 letters)", required=False, max_length=2
    )
    kind = forms.ChoiceField(label="Visitor is a", choices=VisitorKind.choices, initial="visitor")
    purpose = forms.CharField(label="Purpose of visit", max_length=200)
    destination = forms.CharField(label="Host or destination", max_length=200)
    expected_minutes = forms.IntegerField(
        label="Expected duration (minutes)", min_value=5, max_value=720, initial=60
    )
    photo = forms.FileField(
        label="Visitor photo",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "user"}),
        help_text="Taken with the device camera; printed on the badge.",
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.identity: Identity | None = None
        self.warnings: tuple[str, ...] = ()

    def clean_photo(self) -> Any:
        upload = self.cleaned_data.get("photo")
        if isinstance(upload, UploadedFile):
            upload.name = f"{uuid.uuid4().hex}.{check_photo(upload)}"
        return upload

    def clean_id_jurisdiction(self) -> str:
        value = str(self.cleaned_data.get("id_jurisdiction") or "").strip().upper()
        if value and value not in aamva.JURISDICTIONS:
            raise forms.ValidationError(f"“{value}” is not a US state, territory or province.")
        return value

    def clean_id_last4(self) -> str:
        value = str(self.cleaned_data.get("id_last4") or "").strip().upper()
        if value and not value.isalnum():
            raise forms.ValidationError("Letters and digits only.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        source = data.get("id_source")
        if source == IdSource.SCAN:
            text = data.get("scan") or ""
            if not text.strip():
                self.add_error("scan", "Scan the ID, or choose another way to read it.")
            else:
                self._from_text(text, "scan", IdSource.SCAN)
        elif source == IdSource.PHOTO:
            upload = data.get("barcode_photo")
            if not isinstance(upload, UploadedFile):
                self.add_error("barcode_photo", "Take or choose a photo of the barcode.")
            else:
                try:
                    text = decode_barcode_photo(upload)
                except forms.ValidationError as exc:
                    self.add_error("barcode_photo", exc)
                else:
                    self._from_text(text, "barcode_photo", IdSource.PHOTO)
        elif source == IdSource.MANUAL:
            self._from_fields(data)
        return data

    def _from_text(self, text: str, field: str, source: IdSource) -> None:
        try:
            parsed = aamva.parse(text, today=self.today)
        except aamva.AamvaError as exc:
            self.add_error(field, aamva_message(exc))
            return
        self.warnings = parsed.warnings
        self.identity = Identity(
            family_name=parsed.family_name,
            given_names=parsed.given_names,
            date_of_birth=parsed.date_of_birth,
            source=source,
            id_last4=parsed.id_last4,
            id_expiry=parsed.expiry,
            id_jurisdiction=parsed.jurisdiction,
        )

    def _from_fields(self, data: dict[str, Any]) -> None:
        missing = False
        for name in ("family_name", "given_names", "date_of_birth"):
            if not data.get(name):
                self.add_error(name, "Required when the ID is entered by hand.")
                missing = True
        born: date | None = data.get("date_of_birth")
        if born is not None and born > self.today:
            self.add_error("date_of_birth", f"{born.isoformat()} is in the future.")
            return
        if missing or born is None:
            return
        self.identity = Identity(
            family_name=" ".join(data["family_name"].split()).upper(),
            given_names=" ".join(data["given_names"].split()).upper(),
            date_of_birth=born,
            source=IdSource.MANUAL,
            id_last4=data.get("id_last4") or "",
            id_expiry=data.get("id_expiry"),
            id_jurisdiction=data.get("id_jurisdiction") or "",
        )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(Decision.NOT_MATCH, "Not a match"), (Decision.MATCH, "Match")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required for “not a match”: what tells them apart (e.g. photo, middle name).",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        min_length=REASON_MIN_LENGTH,
        max_length=300,
        help_text="Why you need the ID details. It is logged.",
    )


class SignOutForm(forms.Form):
    note = forms.CharField(label="Note", required=False, max_length=200)


def check_notice(upload: UploadedFile[Any]) -> str:
    """A notice document is a PDF or a photo/scan, by content; return its extension."""
    if upload.size is not None and upload.size > MAX_NOTICE_BYTES:
        raise forms.ValidationError("The document is larger than 10 MB.")
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        data = upload.read()
        upload.seek(0)
        if b"%%EOF" not in data[-1024:]:
            raise forms.ValidationError("The PDF is incomplete (no end-of-file marker).")
        return "pdf"
    try:
        return check_photo(upload)
    except forms.ValidationError:
        raise forms.ValidationError(
            "The notice must be a PDF or a photo (JPEG, PNG, WebP), judged by its content."
        ) from None


def _school_field(form: forms.ModelForm, schools: Any, district_wide: bool) -> None:  # type: ignore[type-arg]
    field = form.fields["school"]
    field.queryset = schools  # type: ignore[attr-defined]
    field.required = not district_wide
    field.empty_label = "Every school of the district" if district_wide else None  # type: ignore[attr-defined]


class AliasesField(forms.CharField):
    """Aliases, one per line, as “Family, Given”."""

    widget = forms.Textarea(attrs={"rows": 2})

    def to_python(self, value: Any) -> list[dict[str, str]]:  # type: ignore[override]
        text = super().to_python(value) or ""
        aliases = []
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            family, _, given = line.partition(",")
            if not family.strip() or not given.strip():
                raise forms.ValidationError(f"Line {number}: write “Family, Given”.")
            aliases.append({"family": family.strip(), "given": given.strip()})
        return aliases

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(f"{a.get('family', '')}, {a.get('given', '')}" for a in value)
        return value


class WatchEntryForm(forms.ModelForm):  # type: ignore[type-arg]
    aliases = AliasesField(label="Aliases", required=False, help_text="One per line: Family, Given")

    class Meta:
        model = WatchEntry
        fields = [
            "kind",
            "school",
            "family_name",
            "given_names",
            "aliases",
            "date_of_birth",
            "student_label",
            "expires_on",
            "notice",
            "notes",
        ]
        widgets = {
            "date_of_birth": _date_input(),
            "expires_on": _date_input(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "student_label": "Custody and no-contact orders: a label the office recognises "
            "(e.g. “Grade 3, room 12 — J.M.”), not the student's record.",
        }

    def __init__(
        self, *args: Any, schools: Any, district_wide: bool, today: date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _school_field(self, schools, district_wide)
        self.today = today

    def clean_date_of_birth(self) -> date:
        born: date = self.cleaned_data["date_of_birth"]
        if born > self.today:
            raise forms.ValidationError(f"{born.isoformat()} is in the future.")
        return born

    def clean_notice(self) -> Any:
        upload = self.cleaned_data.get("notice")
        if isinstance(upload, UploadedFile):
            upload.name = f"{uuid.uuid4().hex}.{check_notice(upload)}"
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") in WatchKind.student_orders() and not data.get("student_label"):
            self.add_error("student_label", "Name the student the order protects (a label).")
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class RegistryImportForm(forms.Form):
    registry = forms.ModelChoiceField(
        label="Replace the entries of",
        queryset=RegistryList.objects.none(),
        required=False,
        empty_label="A new list (name it below)",
    )
    name = forms.CharField(label="Name of a new list", required=False, max_length=200)
    school = forms.ModelChoiceField(
        label="Screened at", queryset=School.objects.none(), required=False
    )
    source = forms.CharField(label="Source", required=False, max_length=200)
    file = forms.FileField(
        label="CSV file",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        help_text="Columns: family_name, given_names, date_of_birth; optional aliases, "
        "jurisdiction, photo_url, photo.",
    )
    photos = MultipleFileField(label="Photos named in the photo column", required=False)

    def __init__(
        self, *args: Any, registries: Any, schools: Any, district_wide: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["registry"].queryset = registries  # type: ignore[attr-defined]
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        self.fields["school"].empty_label = (  # type: ignore[attr-defined]
            "Every school of the district" if district_wide else None
        )
        self.district_wide = district_wide

    def clean_photos(self) -> dict[str, UploadedFile[Any]]:
        named: dict[str, UploadedFile[Any]] = {}
        for upload in self.cleaned_data.get("photos") or []:
            original = upload.name or ""
            try:
                extension = check_photo(upload)
            except forms.ValidationError as exc:
                raise forms.ValidationError(f"{original}: {exc.messages[0]}") from None
            upload.name = f"{uuid.uuid4().hex}.{extension}"
            named[original] = upload
        return named

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("registry") is None:
            if not data.get("name"):
                self.add_error("name", "Name the new list, or choose a list to replace.")
            if data.get("school") is None and not self.district_wide:
                self.add_error("school", "Choose the school this list is screened at.")
        return data


class PreRegistrationForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = PreRegistration
        fields = [
            "kind",
            "family_name",
            "given_names",
            "date_of_birth",
            "organisation",
            "purpose",
            "host",
            "schools",
            "valid_from",
            "valid_until",
            "hours_from",
            "hours_until",
            "background_check_on",
            "background_check_expires",
        ]
        widgets = {
            "date_of_birth": _date_input(),
            "valid_from": _date_input(),
            "valid_until": _date_input(),
            "hours_from": _time_input(),
            "hours_until": _time_input(),
            "background_check_on": _date_input(),
            "background_check_expires": _date_input(),
            "schools": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, schools: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = schools  # type: ignore[attr-defined]
        self.today = today

    def clean_date_of_birth(self) -> date:
        born: date = self.cleaned_data["date_of_birth"]
        if born > self.today:
            raise forms.ValidationError(f"{born.isoformat()} is in the future.")
        return born

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", "Ends before it starts.")
        start_t, end_t = data.get("hours_from"), data.get("hours_until")
        if start_t and end_t and end_t <= start_t:
            self.add_error("hours_until", "Must be later than “allowed from”.")
        checked, expires = data.get("background_check_on"), data.get("background_check_expires")
        if checked and expires and expires < checked:
            self.add_error("background_check_expires", "Expires before the check was made.")
        if data.get("kind") != VisitorKind.VISITOR and not expires:
            self.add_error(
                "background_check_expires",
                "Volunteers and contractors need a background check with its expiry.",
            )
        return data
