"""The report form: values of the wrong shape are refused at the field that holds them, rows of
people and notifications are read back by their numbers, and a service's refusal lands at the
field it names."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import QueryDict

from vigil.incidents.forms import (
    NotificationForm,
    PersonForm,
    ReportForm,
    TemplateForm,
    build_draft,
    place_error,
    rows,
)
from vigil.incidents.services import ReportError
from vigil.sites.models import School

pytestmark = pytest.mark.django_db


def _form(data: dict[str, Any], categories: tuple[str, ...] = ("fight", "vaping")) -> ReportForm:
    schools = School.objects.filter(slug="cedar-hollow-hs")
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return ReportForm(query, schools=schools, category_codes=list(categories))


def _valid(**changes: Any) -> dict[str, Any]:
    school = School.objects.get(slug="cedar-hollow-hs")
    data: dict[str, Any] = {"school": str(school.pk), "title": "Fight", "links": ""}
    data.update(changes)
    return data


def test_a_minimal_draft_is_valid_and_becomes_a_report_draft() -> None:
    form = _form(_valid(nibrs=["13B", "13B"], categories=["fight"]))
    assert form.is_valid(), form.errors
    draft = build_draft(form, [], [])
    assert draft.title == "Fight"
    assert draft.nibrs == ("13B", "13B")  # the service removes repeats
    assert draft.categories == ("fight",)
    assert draft.occurred_start is None
    assert draft.people == ()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"nibrs": ["13B", "NOPE"]}, "nibrs"),
        ({"categories": ["medical"]}, "categories"),  # not in this template's list
        ({"occurred_start": "2026-13-40T10:00"}, "occurred_start"),
        ({"reported_at": "soon"}, "reported_at"),
        ({"area": "999999999"}, "area"),
        ({"school": "999999999"}, "school"),
        ({"links": "event:x"}, "links"),
        ({"links": "patrol:3"}, "links"),
        ({"narrative": "x" * 20_001}, "narrative"),
    ],
)
def test_values_of_the_wrong_shape_are_refused_at_their_field(
    changes: dict[str, Any], field: str
) -> None:
    form = _form(_valid(**changes))
    assert not form.is_valid()
    assert list(form.errors) == [field]


def test_links_are_read_as_kind_and_number() -> None:
    form = _form(_valid(links="event:12 report:7"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["links"] == (("event", 12), ("report", 7))


def test_school_relevant_offences_come_first_in_their_own_order() -> None:
    first, rest = _form(_valid()).nibrs_groups()
    assert [box.data["value"] for box in first][:3] == ["13A", "13B", "13C"]
    assert "09A" in {box.data["value"] for box in rest}
    assert not {box.data["value"] for box in first} & {box.data["value"] for box in rest}


def test_rows_are_read_by_number_and_blank_rows_are_left_out() -> None:
    data = QueryDict(mutable=True)
    data.update(
        {
            "people-4-role": "witness",
            "people-4-kind": "staff",
            "people-4-name": "Ms. Rivera",
            "people-1-role": "victim",
            "people-1-kind": "student",
            "people-1-description": "Tall, red backpack",
            "people-1-juvenile": "on",
            "people-9-role": "",
            "people-9-kind": "",
            "people-9-juvenile": "on",  # a tick alone does not make a row
            "peoplex-2-role": "victim",
        }
    )
    people = rows("people", data)
    assert [form.prefix for form in people] == ["people-1", "people-4"]
    assert all(form.is_valid() for form in people)
    assert people[0].cleaned_data["juvenile"] is True
    assert rows("notifications", data) == []


def test_a_row_of_the_wrong_shape_names_its_field() -> None:
    data = QueryDict(mutable=True)
    data.update(
        {
            "notifications-0-kind": "pigeon",
            "notifications-0-party": "Agency",
            "notifications-0-notified_at": "2026-01-02T03:04",
            "notifications-0-notified_by": "",
        }
    )
    (row,) = rows("notifications", data)
    assert isinstance(row, NotificationForm)
    assert not row.is_valid()
    assert sorted(row.errors) == ["kind", "notified_by"]


def test_service_refusals_are_placed_at_the_field_they_name() -> None:
    form = _form(_valid())
    assert form.is_valid()
    people = [PersonForm(prefix="people-0"), PersonForm(prefix="people-5")]
    for person in people:
        person.cleaned_data = {}
    notes: list[Any] = []
    place_error(ReportError("Person 2: give a name.", field="people[2].name"), form, people, notes)
    assert people[1].errors == {"name": ["Person 2: give a name."]}
    place_error(ReportError("Choose an area.", field="area"), form, people, notes)
    assert form.errors["area"] == ["Choose an area."]
    place_error(ReportError("Event #3 is elsewhere.", field="links"), form, people, notes)
    place_error(ReportError("Could not number.", field=None), form, people, notes)
    assert form.non_field_errors() == ["Event #3 is elsewhere.", "Could not number."]


def test_template_form_refuses_unknown_sections_and_no_categories() -> None:
    form = TemplateForm(
        {"name": "Incident report", "required_sections": ["weather"], "categories": []}
    )
    assert not form.is_valid()
    assert sorted(form.errors) == ["categories", "required_sections"]
