"""The list of incident reports (search and filters), the daily log CSV and the facts-only
helper's htmx endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_POST

from vigil.core import audit
from vigil.core.access import require_action
from vigil.core.permissions import Action, has_action
from vigil.incidents import exporters, facts, selectors
from vigil.incidents import search as fulltext
from vigil.incidents.choices import PersonRole, ReportStatus, SchoolCategory
from vigil.incidents.codes import SCHOOL_RELEVANT, label, nibrs
from vigil.incidents.models import Report
from vigil.sites.models import Area, District, School

PAGE_SIZE = 25
# The filters folded under "more" on a phone (the words field is always shown).
MORE_FILTERS = ("code", "school", "area", "role", "status", "since", "until")
FACTS_MAX = 20_000  # the narrative's own limit (services.NARRATIVE_MAX)


def _code_choices() -> list[Any]:
    offences = nibrs()
    common = [(code, offences[code].label) for code in SCHOOL_RELEVANT if code in offences]
    others = [(o.code, o.label) for code, o in offences.items() if code not in SCHOOL_RELEVANT]
    return [
        ("", "Any type"),
        ("School categories", list(SchoolCategory.choices)),
        ("NIBRS offences (common on campus)", common),
        ("NIBRS offences (all others)", others),
    ]


class FastSelect(forms.Select):
    """Django's ``<select>`` HTML, built in Python: the filters offer hundreds of options (every
    area of every school, every NIBRS offence) and Django renders each option through its own
    template, which cost more than the search itself on a district with 200 areas."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(format_html('<optgroup label="{}">', group))
            for option in options:
                parts.append(
                    format_html(
                        '<option value="{}"{}>{}</option>',
                        option["value"],
                        mark_safe(" selected") if option["selected"] else "",
                        option["label"],
                    )
                )
            if group:
                parts.append(mark_safe("</optgroup>"))
        parts.append(mark_safe("</select>"))
        # Every part was escaped by format_html or is a constant tag.
        return mark_safe("".join(parts))  # noqa: S308


class _AreaOptions(forms.models.ModelChoiceIterator):  # type: ignore[type-arg]
    """The area options from one values query: hundreds of areas, without a model instance
    (and its audit snapshot) for each, which was a third of the list page's time."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, school, name, code in self.queryset.values_list(
            "pk", "school__name", "name", "code"
        ):
            yield (pk, f"{school}: {Area.display(name, code)}")


class _AreaChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    iterator = _AreaOptions


class ReportFilterForm(forms.Form):
    """The filters of the list and of the daily log; every field optional."""

    q = forms.CharField(label="Words", required=False, max_length=200)
    school = forms.ModelChoiceField(
        queryset=School.objects.none(),
        required=False,
        empty_label="All my schools",
        widget=FastSelect,
    )
    status = forms.ChoiceField(
        choices=[("", "Any state"), *ReportStatus.choices],
        required=False,
        label="State",
        widget=FastSelect,
    )
    code = forms.ChoiceField(choices=_code_choices, required=False, label="Type", widget=FastSelect)
    area = _AreaChoice(
        queryset=Area.objects.none(), required=False, empty_label="Any area", widget=FastSelect
    )
    role = forms.ChoiceField(
        choices=[("", "Anyone"), *PersonRole.choices],
        required=False,
        label="Person involved",
        widget=FastSelect,
    )
    since = forms.DateField(required=False, label="Occurred from")
    until = forms.DateField(required=False, label="Occurred until")

    def __init__(self, *args: Any, user: Any, action: Action, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schools = selectors.schools_for(user, action)
        school_field = self.fields["school"]
        assert isinstance(school_field, forms.ModelChoiceField)
        # Only what the options show: a school's boundary and an area's geometry are JSON
        # documents, decoded for every option otherwise (hundreds of areas).
        school_field.queryset = schools.only("id", "name")
        area_field = self.fields["area"]
        assert isinstance(area_field, forms.ModelChoiceField)
        area_field.queryset = (
            Area.objects.restrict(user, action)
            .select_related("school")
            .only("id", "name", "code", "school__id", "school__name")
            .order_by("school__name", "name", "pk")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The end date is before the start date.")
        school, area = data.get("school"), data.get("area")
        if school is not None and area is not None and area.school_id != school.pk:
            self.add_error("area", "That area is not at the chosen school.")
        return data

    def filters(self) -> dict[str, Any]:
        """The (valid) filters as ``selectors.search_reports`` keywords, the state and the
        words included (empty when not set)."""
        data = self.cleaned_data
        zone = _zone() if data.get("since") or data.get("until") else None
        return {
            "text": data.get("q") or "",
            "school_ids": [data["school"].pk] if data.get("school") else None,
            "status": data.get("status") or "",
            "code": data.get("code") or "",
            "area_id": data["area"].pk if data.get("area") else None,
            "person_role": data.get("role") or "",
            "since": _start_of(data["since"], zone) if zone and data.get("since") else None,
            "until": (
                _start_of(data["until"] + timedelta(days=1), zone)
                if zone and data.get("until")
                else None
            ),
        }

    def search(
        self, user: Any, action: Action = Action.INCIDENTS_VIEW, how: str = fulltext.LIST
    ) -> QuerySet[Report]:
        """The reports the (valid) filters select, or all visible reports when none is set."""
        return selectors.search_reports(user, **self.filters(), action=action, how=how)


@dataclass
class ListPage:
    """One page of the list. Its rows are read with ``LIMIT 26`` (the 26th only says there is
    a next page); the number of pages is known only while the count is exact (under the cap).
    """

    rows: list[Report]
    number: int
    has_next: bool
    num_pages: int | None

    def __iter__(self) -> Iterator[Report]:
        return iter(self.rows)

    def has_previous(self) -> bool:
        return self.number > 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def paged(self) -> bool:
        return self.has_next or self.number > 1


def _page_number(raw: str | None, num_pages: int | None) -> int:
    """Like ``Paginator.get_page``: not a number gives page 1, past the end the last page."""
    try:
        number = max(1, int(raw or 1))
    except ValueError:
        number = 1
    return min(number, num_pages) if num_pages else number


def read_page(
    reports: QuerySet[Report], raw_number: str | None, total: int | None, *, many: bool = False
) -> ListPage:
    """Page ``raw_number`` of ``reports`` (newest first) with ``LIMIT 26``; ``total`` is the
    exact count when known, else None; ``many``: see ``selectors.list_rows``."""
    num_pages = max(1, -(-total // PAGE_SIZE)) if total is not None else None
    number = _page_number(raw_number, num_pages)
    start = (number - 1) * PAGE_SIZE
    rows = list(selectors.list_rows(reports, start, start + PAGE_SIZE + 1, many=many))
    return ListPage(rows[:PAGE_SIZE], number, len(rows) > PAGE_SIZE, num_pages)


def _zone() -> ZoneInfo:
    district = District.objects.only("time_zone").first()
    return ZoneInfo(district.time_zone if district else settings.TIME_ZONE)


def _start_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def _query_without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


@require_GET
@require_action(Action.INCIDENTS_VIEW)
def report_list(request: HttpRequest) -> HttpResponse:
    form = ReportFilterForm(request.GET, user=request.user, action=Action.INCIDENTS_VIEW)
    context: dict[str, Any] = {
        "form": form,
        "page": None,
        "chips": [],
        "total": 0,
        "all_query": _query_without(request, "status", "page"),
        "page_query": _query_without(request, "page"),
        "can_export": has_action(request.user, Action.INCIDENTS_EXPORT),
        "can_write": has_action(request.user, Action.INCIDENTS_WRITE),
        "more_count": sum(1 for name in MORE_FILTERS if request.GET.get(name)),
        # Open when a folded filter is set (the state has its chips) or has an error.
        "more_open": any(request.GET.get(name) for name in MORE_FILTERS if name != "status")
        or any(name in MORE_FILTERS for name in form.errors),
    }
    if not form.is_valid():
        context["error_labels"] = [
            str(form.fields[name].label) for name in form.errors if name in form.fields
        ]
        return render(request, "incidents/list.html", context, status=400)
    filters = form.filters()
    chosen = filters.pop("status")
    # The chips count the other filters' matches per state, so each chip is a filter too; each
    # count stops at the cap ("1,000+"), so its cost does not grow with the matches.
    counts = selectors.report_counts(request.user, **filters)
    base = _query_without(request, "status", "page")
    context["chips"] = [
        {
            "value": value,
            "label": label,
            "count": counts.display(value),
            "active": value == chosen,
            "query": f"{base}&status={value}" if base else f"status={value}",
        }
        for value, label, _count in counts.chips()
    ]
    context["chips_total"] = counts.display()
    context["total"] = counts.display(chosen)
    context["total_number"] = counts.count_of(chosen)
    exact = None if counts.is_capped(chosen) else counts.count_of(chosen)
    reports = form.search(request.user, how=counts.words_plan(chosen))
    many = counts.count_of(chosen) >= selectors.MANY_ROWS
    page = read_page(reports, request.GET.get("page"), exact, many=many)
    for report in page.rows:
        # NIBRS offences first, then school categories, each as a person reads it.
        found = sorted(report.classifications.all(), key=lambda c: (c.scheme != "nibrs", c.code))
        report.code_labels = [label(c.scheme, c.code) for c in found]  # type: ignore[attr-defined]
    context["page"] = page
    return render(request, "incidents/list.html", context)


@require_GET
@require_action(Action.INCIDENTS_EXPORT)
def daily_log(request: HttpRequest) -> HttpResponse:
    """The filtered reports (never drafts) as a campus-crime-log CSV; the export is audited."""
    form = ReportFilterForm(request.GET, user=request.user, action=Action.INCIDENTS_EXPORT)
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label or name}: {' '.join(str(e) for e in errors)}"
            for name, errors in form.errors.items()
        )
        return HttpResponse(
            f"The log was not exported. {problems}\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    reports = list(
        exporters.log_reports(
            form.search(request.user, Action.INCIDENTS_EXPORT).exclude(status=ReportStatus.DRAFT)
        )
    )
    body = exporters.daily_log_csv(reports)
    filters = {
        name: str(value.pk if hasattr(value, "pk") else value)
        for name, value in form.cleaned_data.items()
        if value not in (None, "")
    }
    school_ids = {report.school_id for report in reports}
    audit.record(
        audit.AuditAction.EXPORT,
        object_type="incidents.report",
        object_repr=f"daily log CSV ({len(reports)} reports)",
        school_id=next(iter(school_ids)) if len(school_ids) == 1 else None,
        changes={"filters": filters, "reports": [report.number for report in reports]},
        reason="daily log CSV",
    )
    stamp = timezone.now().astimezone(_zone()).strftime("%Y-%m-%d")
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="daily-log-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@require_action(Action.INCIDENTS_WRITE)
def facts_check(request: HttpRequest) -> HttpResponse:
    """The facts-only helper for the report form (htmx): the flags of the posted narrative.

    Reads ``narrative`` (or ``text``); answers the partial ``incidents/_facts.html``.
    """
    text = request.POST.get("narrative", request.POST.get("text", ""))
    status = 200
    error = ""
    flags: list[facts.Flag] = []
    if len(text) > FACTS_MAX:
        status = 400
        error = f"Narrative: keep it under {FACTS_MAX:,} characters."
    else:
        flags = facts.check(text)
    return render(
        request,
        "incidents/_facts.html",
        {"flags": flags, "error": error, "checked": bool(text.strip())},
        status=status,
    )
