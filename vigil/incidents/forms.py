"""Forms of the incident report pages.

A report is one page of sections: the main ``ReportForm`` plus repeated rows for the people
involved and the notifications made. Rows are plain numbered fields (``people-3-role``); the
page adds and removes them with a few lines of script, and ``rows()`` reads back whichever
numbers arrived. Django checks the shape of every value; ``vigil.incidents.services`` checks
what a report may say and names the field at fault, which ``place_error`` puts back on the page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet

from vigil.incidents import codes
from vigil.incidents.choices import (
    LinkKind,
    NotificationKind,
    PersonKind,
    PersonRole,
    SchoolCategory,
    Section,
)
from vigil.incidents.services import (
    COMMENT_MIN,
    NotificationInput,
    PersonInput,
    ReportDraft,
    ReportError,
)
from vigil.sites.models import Area, Asset, School

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
REASON_MIN_LENGTH = 8


def _when(label: str, help_text: str = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        help_text=help_text,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


def nibrs_choices() -> list[tuple[str, str]]:
    return [(offence.code, offence.label) for offence in codes.nibrs().values()]


class ReportForm(forms.Form):
    school = forms.ModelChoiceField(queryset=School.objects.none(), empty_label=None)
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="A few words: what and where, e.g. “Fight in the cafeteria”.",
    )
    nibrs = forms.MultipleChoiceField(
        label="NIBRS offences", required=False, widget=forms.CheckboxSelectMultiple
    )
    categories = forms.MultipleChoiceField(
        label="School categories", required=False, widget=forms.CheckboxSelectMultiple
    )
    area = forms.ModelChoiceField(
        label="Area", queryset=Area.objects.none(), required=False, empty_label="—"
    )
    asset = forms.ModelChoiceField(
        label="Door, camera or point",
        queryset=Asset.objects.none(),
        required=False,
        empty_label="—",
    )
    location_text = forms.CharField(
        label="Location (free text)",
        max_length=300,
        required=False,
        help_text="Anything the lists above do not say: “by the bike racks, north side”.",
    )
    occurred_start = _when("Occurred from")
    occurred_end = _when("Occurred until")
    discovered_at = _when("Discovered")
    reported_at = _when("Reported to security")
    narrative = forms.CharField(
        label="Narrative",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    actions_taken = forms.CharField(
        label="Actions taken",
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    related = forms.CharField(
        label="Related reports",
        required=False,
        max_length=300,
        help_text="Numbers of other reports about the same incident, e.g. CHHS-2026-0012.",
    )
    links = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        schools: QuerySet[School],
        category_codes: list[str],
        fixed_school: School | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        school_field: Any = self.fields["school"]
        if fixed_school is not None:
            school_field.queryset = School.objects.filter(pk=fixed_school.pk)
            school_field.initial = fixed_school.pk
            school_field.disabled = True
        else:
            school_field.queryset = schools
        ids = [fixed_school.pk] if fixed_school is not None else [s.pk for s in schools]
        area_field: Any = self.fields["area"]
        area_field.queryset = (
            Area.objects.filter(building__school_id__in=ids)
            .select_related("building__school")
            .order_by("building__school__name", "building__name", "name")
        )
        asset_field: Any = self.fields["asset"]
        asset_field.queryset = (
            Asset.objects.filter(school_id__in=ids)
            .select_related("school")
            .order_by("school__name", "kind", "name")
        )
        nibrs_field: Any = self.fields["nibrs"]
        nibrs_field.choices = nibrs_choices()
        labels = dict(SchoolCategory.choices)
        category_field: Any = self.fields["categories"]
        category_field.choices = [(code, labels.get(code, code)) for code in category_codes]

    def clean_links(self) -> tuple[tuple[str, int], ...]:
        raw = str(self.cleaned_data.get("links") or "")
        links: list[tuple[str, int]] = []
        for token in raw.split():
            match = re.fullmatch(r"(\w+):(\d+)", token)
            if match is None or match.group(1) not in LinkKind.values:
                raise forms.ValidationError(f"“{token}” is not a link.")
            links.append((match.group(1), int(match.group(2))))
        return tuple(links)

    def clean_related(self) -> list[str]:
        raw = str(self.cleaned_data.get("related") or "")
        return list(dict.fromkeys(n.upper() for n in re.split(r"[\s,;]+", raw) if n))

    def nibrs_groups(self) -> tuple[list[Any], list[Any]]:
        """The offence checkboxes: the school-relevant codes first, then every other one."""
        relevant = set(codes.SCHOOL_RELEVANT)
        first: list[Any] = []
        rest: list[Any] = []
        order = {code: i for i, code in enumerate(codes.SCHOOL_RELEVANT)}
        for box in self["nibrs"]:
            (first if box.data["value"] in relevant else rest).append(box)
        first.sort(key=lambda box: order[box.data["value"]])
        return first, rest

    def area_groups(self) -> dict[str, list[Area]]:
        area_field: Any = self.fields["area"]
        groups: dict[str, list[Area]] = {}
        for area in area_field.queryset:
            groups.setdefault(area.building.school.name, []).append(area)
        return groups


class PersonForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=[("", "—"), *PersonRole.choices])
    kind = forms.ChoiceField(label="Kind", choices=[("", "—"), *PersonKind.choices])
    name = forms.CharField(label="Name", max_length=200, required=False)
    description = forms.CharField(
        label="Description (when the name is unknown)", max_length=300, required=False
    )
    juvenile = forms.BooleanField(label="Juvenile (under 18)", required=False)


class NotificationForm(forms.Form):
    kind = forms.ChoiceField(label="Who", choices=[("", "—"), *NotificationKind.choices])
    party = forms.CharField(label="Name or agency", max_length=200)
    notified_at = forms.DateTimeField(
        label="When",
        input_formats=[DATETIME_FORMAT, "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )
    notified_by = forms.CharField(label="Notified by", max_length=200)
    case_number = forms.CharField(
        label="Case number",
        max_length=64,
        required=False,
        help_text="Law enforcement's case number.",
    )


ROW_FORMS: dict[str, type[forms.Form]] = {"people": PersonForm, "notifications": NotificationForm}


def rows(kind: str, data: Mapping[str, Any] | None) -> list[forms.Form]:
    """The row forms of ``kind`` that arrived in ``data`` (by their numbers, in order),
    leaving out rows the writer left entirely blank."""
    form_class = ROW_FORMS[kind]
    if data is None:
        return []
    pattern = re.compile(rf"^{kind}-(\d+)-")
    numbers = sorted({int(m.group(1)) for key in data if (m := pattern.match(key))})
    result = []
    for number in numbers:
        prefix = f"{kind}-{number}"
        values = [
            str(data.get(f"{prefix}-{name}", "")).strip()
            for name in form_class.base_fields
            if name != "juvenile"
        ]
        if not any(values):
            continue
        result.append(form_class(data, prefix=prefix))
    return result


def initial_rows(kind: str, initial: list[dict[str, Any]]) -> list[forms.Form]:
    form_class = ROW_FORMS[kind]
    return [form_class(initial=values, prefix=f"{kind}-{i}") for i, values in enumerate(initial)]


def blank_row(kind: str) -> forms.Form:
    """The row the page clones (its number is replaced when a row is added)."""
    return ROW_FORMS[kind](prefix=f"{kind}-__n__")


def build_draft(
    form: ReportForm,
    people: list[forms.Form],
    notifications: list[forms.Form],
    related: tuple[tuple[str, int], ...] = (),
) -> ReportDraft:
    data = form.cleaned_data
    area = data.get("area")
    asset = data.get("asset")
    return ReportDraft(
        title=data["title"],
        area_id=area.pk if area is not None else None,
        asset_id=asset.pk if asset is not None else None,
        location_text=data.get("location_text", ""),
        occurred_start=data.get("occurred_start"),
        occurred_end=data.get("occurred_end"),
        discovered_at=data.get("discovered_at"),
        reported_at=data.get("reported_at"),
        narrative=data.get("narrative", ""),
        actions_taken=data.get("actions_taken", ""),
        nibrs=tuple(data.get("nibrs", ())),
        categories=tuple(data.get("categories", ())),
        people=tuple(
            PersonInput(
                role=p.cleaned_data["role"],
                kind=p.cleaned_data["kind"],
                name=p.cleaned_data.get("name", ""),
                juvenile=bool(p.cleaned_data.get("juvenile")),
                description=p.cleaned_data.get("description", ""),
            )
            for p in people
        ),
        notifications=tuple(
            NotificationInput(
                kind=n.cleaned_data["kind"],
                party=n.cleaned_data["party"],
                notified_at=n.cleaned_data["notified_at"],
                notified_by=n.cleaned_data["notified_by"],
                case_number=n.cleaned_data.get("case_number", ""),
            )
            for n in notifications
        ),
        links=(*data.get("links", ()), *related),
    )


def place_error(
    error: ReportError,
    form: ReportForm,
    people: Sequence[forms.Form],
    notifications: Sequence[forms.Form],
) -> None:
    """Show a service's refusal at the field it names (``people[2].name`` → row 2's name)."""
    name = error.field or ""
    match = re.fullmatch(r"(people|notifications)\[(\d+)\]\.(\w+)", name)
    if match:
        group = people if match.group(1) == "people" else notifications
        index = int(match.group(2)) - 1
        if 0 <= index < len(group):
            row = group[index]
            row.add_error(match.group(3) if match.group(3) in row.fields else None, error.message)
            return
    if name in form.fields and name != "links":
        form.add_error(name, error.message)
    else:
        form.add_error(None, error.message)


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="What should the author fix?",
        min_length=COMMENT_MIN,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PeopleReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        min_length=REASON_MIN_LENGTH,
        max_length=300,
        help_text="Why you need the names of the people involved. It is logged.",
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data]
        else:
            files = [single(data, initial)]
        return [file for file in files if file]


class PhotoForm(forms.Form):
    photos = MultipleFileField(
        label="Add photos",
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text="Take photos or choose them; each is hashed and kept unchanged.",
    )


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Addendum",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "A later fact. It is numbered, dated and signed; the approved report stays as it was."
        ),
    )
    photos = MultipleFileField(
        label="Photos with it (optional)",
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*"}),
        help_text="Attached to the report with this addendum; the approved version is unchanged.",
    )


class TemplateForm(forms.Form):
    name = forms.CharField(label="Template name", max_length=100)
    required_sections = forms.MultipleChoiceField(
        label="Required sections",
        choices=Section.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    categories = forms.MultipleChoiceField(
        label="Categories offered",
        choices=SchoolCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    narrative_guidance = forms.CharField(
        label="Narrative guidance",
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
