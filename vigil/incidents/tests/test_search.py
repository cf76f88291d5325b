"""Search and filters of incident reports (``selectors.search_reports``), on SQLite (FTS5) and
PostgreSQL (tsvector) alike: the same tests run on both."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from vigil.accounts.models import User
from vigil.incidents import search, selectors, services
from vigil.incidents.choices import ReportStatus
from vigil.incidents.models import Report
from vigil.incidents.services import NotificationInput, PersonInput, ReportDraft
from vigil.sites.models import Area, School

pytestmark = pytest.mark.django_db

# A word no demo report uses: every fixture report carries it, so results are exact.
MARK = "zephyrine"


def user(name: str) -> User:
    found: User = User.objects.get(username=name)
    return found


def school(slug: str = "cedar-hollow-hs") -> School:
    found: School = School.objects.get(slug=slug)
    return found


def area_of(slug: str, index: int = 0) -> Area:
    areas = list(Area.objects.filter(building__school__slug=slug).order_by("pk"))
    return areas[index]


def write(
    author: str = "officer",
    slug: str = "cedar-hollow-hs",
    *,
    state: str = "submitted",
    reviewer: str = "supervisor",
    **fields: Any,
) -> Report:
    """A report written through the services and taken to ``state``."""
    values: dict[str, Any] = {
        "title": f"Fight {MARK}",
        "area_id": area_of(slug).pk,
        "occurred_start": timezone.now() - timedelta(hours=3),
        "narrative": f"I saw two students exchange punches. {MARK}",
        "categories": ("fight",),
        "people": (PersonInput(role="offender", kind="student", name="Quillon Ashby"),),
    }
    values.update(fields)
    report = services.report_create(
        actor=user(author), school=school(slug), draft=ReportDraft(**values)
    )
    if state == "draft":
        return report
    report = services.report_submit(actor=user(author), report=report)
    if state == "returned":
        return services.report_return(actor=user(reviewer), report=report, comment="Add times.")
    if state == "approved":
        return services.report_approve(actor=user(reviewer), report=report)
    return report


def numbers(reports: Any) -> list[str]:
    return [r.number for r in reports]


@dataclass
class Fixture:
    fight: Report  # CHHS, submitted, offender, 13B + fight, 3 hours ago
    vape: Report  # CHHS, approved, witness, vaping, 10 days ago, other area
    draft: Report  # CHHS, draft by officer
    returned: Report  # CHHS, returned, victim, 30 days ago
    middle: Report  # JRMS (officer2), submitted


@pytest.fixture
def fx() -> Fixture:
    now = timezone.now()
    fight = write(nibrs=("13B",))
    vape = write(
        title=f"Vaping in the restroom {MARK}",
        narrative=f"The sensor alerted; a student was holding a vape device. {MARK}",
        categories=("vaping",),
        area_id=area_of("cedar-hollow-hs", 3).pk,
        occurred_start=now - timedelta(days=10),
        occurred_end=now - timedelta(days=10) + timedelta(minutes=20),
        people=(PersonInput(role="witness", kind="staff", name="Ms Rivera"),),
        state="approved",
    )
    draft = write(title=f"Unfinished {MARK}", state="draft")
    returned = write(
        title=f"Stolen phone {MARK}",
        narrative=f"A phone was taken from the locker room during PE. {MARK}",
        categories=("theft",),
        nibrs=("23D",),
        occurred_start=now - timedelta(days=30),
        people=(PersonInput(role="victim", kind="student", name="Tilly Foxley", juvenile=True),),
        state="returned",
    )
    middle = write("officer2", "juniper-ridge-ms", title=f"Graffiti {MARK}")
    return Fixture(fight, vape, draft, returned, middle)


def find(who: str, **filters: Any) -> list[str]:
    return numbers(selectors.search_reports(user(who), text=filters.pop("text", MARK), **filters))


# --- filters: exact results -------------------------------------------------------------------


def test_newest_first_within_scope(fx: Fixture) -> None:
    # Officer: CHHS only, and their own draft. Newest written first.
    assert find("officer") == numbers([fx.returned, fx.draft, fx.vape, fx.fight])
    assert find("officer2") == numbers([fx.middle])
    # Supervisor (CHHS + JRMS): everything but the officer's draft.
    assert find("supervisor") == numbers([fx.middle, fx.returned, fx.vape, fx.fight])
    assert find("director") == numbers([fx.middle, fx.returned, fx.vape, fx.fight])
    assert find("principal") == numbers([fx.returned, fx.vape, fx.fight])


def test_roles_without_incidents_view_see_nothing(fx: Fixture) -> None:
    for who in ("frontdesk", "liaison", "admin"):
        assert find(who) == []


def test_filter_by_status(fx: Fixture) -> None:
    assert find("supervisor", status="submitted") == numbers([fx.middle, fx.fight])
    assert find("supervisor", status="approved") == numbers([fx.vape])
    assert find("supervisor", status="returned") == numbers([fx.returned])
    assert find("supervisor", status="draft") == []
    assert find("officer", status="draft") == numbers([fx.draft])
    assert find("officer", status="closed") == []  # unknown state: nothing, not everything


def test_filter_by_type_nibrs_or_school_category(fx: Fixture) -> None:
    assert find("director", code="13B") == numbers([fx.fight])
    assert find("director", code="fight") == numbers([fx.middle, fx.fight])
    assert find("director", code="vaping") == numbers([fx.vape])
    assert find("director", code="23D") == numbers([fx.returned])
    assert find("director", code="theft") == numbers([fx.returned])
    assert find("director", code="999") == []


def test_filter_by_school_and_area(fx: Fixture) -> None:
    chhs, jrms = school(), school("juniper-ridge-ms")
    assert find("director", school_ids=[jrms.pk]) == numbers([fx.middle])
    assert find("director", school_ids=[chhs.pk]) == numbers([fx.returned, fx.vape, fx.fight])
    other = area_of("cedar-hollow-hs", 3)
    assert find("director", area_id=other.pk) == numbers([fx.vape])
    # A school outside the user's scope adds nothing.
    assert find("officer", school_ids=[jrms.pk]) == []


def test_filter_by_person_role(fx: Fixture) -> None:
    assert find("director", person_role="victim") == numbers([fx.returned])
    assert find("director", person_role="witness") == numbers([fx.vape])
    assert find("director", person_role="offender") == numbers([fx.middle, fx.fight])
    assert find("director", person_role="bystander") == []
    assert find("director", person_role="judge") == []


def test_filter_by_time_of_occurrence(fx: Fixture) -> None:
    now = timezone.now()
    # Reports that occurred (overlapping) within the last week.
    assert find("director", since=now - timedelta(days=7)) == numbers([fx.middle, fx.fight])
    # Between 40 and 5 days ago.
    assert find("director", since=now - timedelta(days=40), until=now - timedelta(days=5)) == (
        numbers([fx.returned, fx.vape])
    )
    # The vaping incident ran 20 minutes: a window starting inside it still finds it.
    inside = fx.vape.occurred_start + timedelta(minutes=10)  # type: ignore[operator]
    assert find("director", since=inside, until=inside + timedelta(hours=1)) == numbers([fx.vape])
    # A window entirely after it does not.
    after = fx.vape.occurred_start + timedelta(minutes=30)  # type: ignore[operator]
    assert find("director", since=after, until=after + timedelta(hours=1)) == []


def test_filters_combine(fx: Fixture) -> None:
    assert find("director", code="fight", status="submitted", person_role="offender") == numbers(
        [fx.middle, fx.fight]
    )
    assert find("director", code="fight", school_ids=[school().pk]) == numbers([fx.fight])


def test_filters_match_a_plain_python_reading_of_the_demo() -> None:
    """Filters only (no text), against every report of the demo district, for the director."""
    director = user("director")
    visible = [
        r
        for r in Report.objects.prefetch_related("classifications", "people").order_by(
            "-written_at", "-pk"
        )
        if r.status != ReportStatus.DRAFT
    ]
    assert numbers(selectors.search_reports(director)) == numbers(visible)
    jrms = school("juniper-ridge-ms")
    assert numbers(selectors.search_reports(director, school_ids=[jrms.pk], status="approved")) == [
        r.number for r in visible if r.school_id == jrms.pk and r.status == "approved"
    ]
    assert numbers(selectors.search_reports(director, code="fight")) == [
        r.number for r in visible if any(c.code == "fight" for c in r.classifications.all())
    ]
    assert numbers(selectors.search_reports(director, person_role="witness")) == [
        r.number for r in visible if any(p.role == "witness" for p in r.people.all())
    ]
    since = timezone.now() - timedelta(days=20)
    assert numbers(selectors.search_reports(director, since=since)) == [
        r.number
        for r in visible
        if r.occurred_start is not None and ((r.occurred_end or r.occurred_start) >= since)
    ]
    assert len(visible) > 20  # the demo really holds a history


# --- drafts ------------------------------------------------------------------------------------


def test_drafts_are_visible_only_to_their_author(fx: Fixture) -> None:
    assert fx.draft.number in find("officer", text="")
    for who in ("supervisor", "director", "principal"):
        assert fx.draft.number not in find(who, text="")
        assert not selectors.visible_reports(user(who)).filter(pk=fx.draft.pk).exists()
    # Once submitted, the others see it.
    services.report_submit(actor=user("officer"), report=fx.draft)
    assert fx.draft.number in find("supervisor")


def test_a_draft_by_the_supervisor_is_hidden_from_the_officer() -> None:
    mine = write("supervisor", state="draft", title=f"Supervisor notes {MARK}")
    assert find("supervisor") == [mine.number]
    assert find("officer") == []
    assert find("director") == []


# --- full text ---------------------------------------------------------------------------------


def test_words_are_found_in_title_narrative_actions_and_location(fx: Fixture) -> None:
    placed = write(
        title=f"Door propped {MARK}",
        narrative="The east door was held open with a wedge.",
        actions_taken="Removed the wedge and closed the door; told the custodian.",
        location_text="loading dock behind the kitchen",
    )
    assert find("director", text=f"{MARK} wedge") == [placed.number]
    assert find("director", text=f"{MARK} custodian") == [placed.number]  # actions taken
    assert find("director", text=f"{MARK} loading dock") == [placed.number]  # location text
    assert find("director", text=f"{MARK} propped") == [placed.number]  # title


def test_every_word_must_appear(fx: Fixture) -> None:
    assert find("director", text=f"{MARK} punches") == numbers([fx.middle, fx.fight])
    assert find("director", text=f"{MARK} punches vape") == []


def test_word_forms_and_prefixes(fx: Fixture) -> None:
    # Stemming: "punch" finds "punches", "alerting" finds "alerted".
    assert find("director", text=f"{MARK} punch") == numbers([fx.middle, fx.fight])
    assert find("director", text=f"{MARK} alerting") == numbers([fx.vape])
    # A trailing * matches a prefix.
    assert find("director", text=f"{MARK} lock*") == numbers([fx.returned])
    # Case and accents do not matter; stop words and punctuation are ignored.
    assert find("director", text=f"THE {MARK.upper()}, RESTROOM!") == numbers([fx.vape])


def test_report_number_is_searchable(fx: Fixture) -> None:
    assert find("director", text=fx.vape.number) == [fx.vape.number]
    assert find("director", text=fx.vape.number.lower()) == [fx.vape.number]


def test_people_names_are_not_searched(fx: Fixture) -> None:
    assert find("director", text="Quillon") == []
    assert find("director", text="Foxley") == []


def test_edits_reindex_the_report(fx: Fixture) -> None:
    report = fx.draft
    draft = ReportDraft(
        title=f"Finished {MARK}",
        area_id=report.area_id,
        occurred_start=report.occurred_start,
        narrative="A student kicked the vending machine glass.",
        categories=("vandalism",),
    )
    services.report_update(actor=user("officer"), report=report, draft=draft)
    assert find("officer", text="vending") == [report.number]
    assert find("officer", text=f"{MARK} punches") == [fx.fight.number]


def test_empty_or_punctuation_only_text_does_not_filter(fx: Fixture) -> None:
    everything = numbers(selectors.search_reports(user("director")))
    assert numbers(selectors.search_reports(user("director"), text="  ")) == everything
    assert numbers(selectors.search_reports(user("director"), text="?!- ...")) == everything
    assert numbers(selectors.search_reports(user("director"), text="the of")) == everything


def test_fts_syntax_in_the_query_is_treated_as_words(fx: Fixture) -> None:
    # Quotes, NEAR, OR, colons and parentheses are not query syntax for the user.
    assert find("director", text=f'{MARK} "punches" OR vape:') == []
    assert find("director", text=f"({MARK}) NEAR punches") == []
    assert find("director", text=f"({MARK}) punches") == numbers([fx.middle, fx.fight])


def test_terms() -> None:
    assert search.terms("CHHS-2026-0042") == ["chhs", "2026", "0042"]
    assert search.terms("The fight in the Cafeteria") == ["fight", "cafeteria"]
    assert search.terms("lock* lock* LOCK") == ["lock*", "lock"]
    assert search.fts5_query(["fight", "caf*"]) == '"fight" AND "caf"*'
    assert search.fts5_query(["fight"], ["rvictim", "tschoolfight"]) == (
        '"fight" AND search_facets : ("rvictim" AND "tschoolfight")'
    )
    assert search.tsquery(["fight", "caf*"]) == "'fight' & 'caf':*"


def test_every_type_and_role_has_a_token_of_its_own() -> None:
    """Facet tokens are letters and digits only (every tokenizer keeps them whole), and no two
    types or roles share one (``fire_alarm`` and a code ``firealarm`` would)."""
    import importlib

    from vigil.incidents.choices import PersonRole, Scheme, SchoolCategory
    from vigil.incidents.codes import nibrs

    types = [(Scheme.NIBRS, code) for code in nibrs()]
    types += [(Scheme.SCHOOL, code) for code in SchoolCategory.values]
    tokens = [search.type_facet(scheme, code) for scheme, code in types]
    tokens += [search.role_facet(role) for role in PersonRole.values]
    assert len(set(tokens)) == len(tokens) == len(types) + len(PersonRole.values)
    assert all(token.isascii() and token.isalnum() for token in tokens)
    assert search.type_facet("school", "fire_alarm") == "tschoolfirealarm"
    # Migration 0005 filled existing reports with its own copy of the rule: the same tokens.
    migration = importlib.import_module("vigil.incidents.migrations.0005_report_search_facets")
    assert tokens == [migration._token("t", s, c) for s, c in types] + [
        migration._token("r", role) for role in PersonRole.values
    ]


def test_types_and_roles_in_the_index_follow_edits(fx: Fixture) -> None:
    """The type and role filters with words are facets of the full-text test: a report whose
    people or types change is found under the new ones only."""
    assert find("director", code="fight", person_role="offender") == numbers([fx.middle, fx.fight])
    draft = ReportDraft(
        title=f"Unfinished {MARK}",
        area_id=area_of("cedar-hollow-hs").pk,
        occurred_start=timezone.now() - timedelta(hours=2),
        # A facet token written in the narrative does not give the report that type.
        narrative=f"Two students argued about tschoolweapon rvictim. {MARK}",
        categories=("threat",),
        people=(PersonInput(role="bystander", kind="student", name="Pell Orrin"),),
    )
    services.report_update(actor=user("officer"), report=fx.draft, draft=draft)
    assert find("officer", code="fight", status="draft") == []
    assert find("officer", code="threat", person_role="bystander") == [fx.draft.number]
    assert find("officer", code="threat", person_role="offender") == []
    assert find("officer", code="weapon") == []
    assert find("officer", person_role="victim", status="draft") == []
    # Who the people are is never in the index: a name is not a facet either.
    assert find("officer", text=f"{MARK} pell") == []


def test_words_with_type_and_role_match_a_plain_python_reading_of_the_demo() -> None:
    """Words + type + role (facets of the full-text test) against every demo report."""
    director = user("director")
    visible = [
        r
        for r in Report.objects.prefetch_related("classifications", "people").order_by(
            "-written_at", "-pk"
        )
        if r.status != ReportStatus.DRAFT
    ]
    pairs = sorted(
        {(c.code, p.role) for r in visible for c in r.classifications.all() for p in r.people.all()}
    )
    checked = 0
    for code, role in pairs:
        expected = [
            r.number
            for r in visible
            if "student" in f"{r.title} {r.narrative} {r.actions_taken}".lower()
            and any(c.code == code for c in r.classifications.all())
            and any(p.role == role for p in r.people.all())
        ]
        found = selectors.search_reports(director, text="student", code=code, person_role=role)
        assert numbers(found) == expected
        counts = selectors.report_counts(director, text="student", code=code, person_role=role)
        assert counts.total == len(expected)
        checked += len(expected)
    assert len(pairs) > 10
    assert checked > 10  # the demo really has such reports


def test_the_index_exists_after_all_migrations() -> None:
    """Django rebuilds SQLite tables to alter them, dropping triggers: catch that here."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = "
                "'incidents_report' ORDER BY name"
            )
            assert [row[0] for row in cursor.fetchall()] == [
                "incidents_report_fts_ad",
                "incidents_report_fts_ai",
                "incidents_report_fts_au",
            ]
            cursor.execute("SELECT name FROM pragma_table_info('incidents_report_fts')")
            assert [row[0] for row in cursor.fetchall()] == [*search.COLUMNS, "search_facets"]
        else:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'incidents_report' "
                "AND indexname LIKE 'incidents_report_%_gin' ORDER BY indexname"
            )
            assert cursor.fetchall() == [
                ("incidents_report_facets_gin",),
                ("incidents_report_search_gin",),
            ]


def test_status_counts(fx: Fixture) -> None:
    counts = selectors.status_counts(selectors.search_reports(user("supervisor"), text=MARK))
    assert counts.total == 4
    assert counts.by_status == {"submitted": 2, "approved": 1, "returned": 1}
    assert counts.chips() == [
        ("draft", "Draft", 0),
        ("submitted", "Submitted for review", 2),
        ("returned", "Returned for changes", 1),
        ("approved", "Approved", 1),
    ]


def test_notifications_do_not_change_search(fx: Fixture) -> None:
    """A case number in a notification is not report text (it is not in the number field)."""
    report = write(
        notifications=(
            NotificationInput(
                kind="law_enforcement",
                party="Cedar Hollow PD",
                notified_at=timezone.now() - timedelta(days=2),
                notified_by="officer",
                case_number="CHPD-99-77777",
            ),
        )
    )
    assert find("director", text="77777") == []
    assert report.number in find("director")


# --- the list page ---------------------------------------------------------------------------


def _page(client: Client, who: str, **params: Any) -> tuple[int, str]:
    sign_in(client, who)
    response = client.get(reverse("incidents:list"), params)
    return response.status_code, response.content.decode()


def test_list_shows_rows_counts_chips_and_badges(client: Client, fx: Fixture) -> None:
    late = write(
        title=f"Written late {MARK}",
        occurred_start=timezone.now() - timedelta(days=4),
    )
    status, body = _page(client, "supervisor", q=MARK)
    assert status == 200
    assert "5 reports" in body
    for report in (late, fx.middle, fx.returned, fx.vape, fx.fight):
        assert report.number in body
        assert reverse("incidents:detail", args=[report.pk]) in body
    assert fx.draft.number not in body
    # Chips: every state with its count among the other filters' matches.
    assert "All <b>5</b>" in body
    assert "Submitted for review <b>3</b>" in body
    assert "Returned for changes <b>1</b>" in body
    assert "Approved <b>1</b>" in body
    assert "Draft <b>0</b>" in body
    assert late.is_late_entry
    row = body[body.index(late.number) :]
    assert "Late entry" in row[: row.index("</li>")]
    row = body[body.index(fx.fight.number) :]
    assert "Late entry" not in row[: row.index("</li>")]


def test_late_entry_badge(client: Client) -> None:
    report = write(title=f"Late {MARK}", occurred_start=timezone.now() - timedelta(days=2))
    assert report.is_late_entry
    _status, body = _page(client, "director", q=MARK)
    row = body[body.index(report.number) :]
    row = row[: row.index("</li>")]
    assert "Late entry" in row


def test_status_chip_filters_and_keeps_the_other_filters(client: Client, fx: Fixture) -> None:
    _status, body = _page(client, "supervisor", q=MARK, status="approved")
    assert "1 report" in body
    assert fx.vape.number in body
    assert fx.fight.number not in body
    assert f'href="?q={MARK}&amp;status=submitted"' in body
    assert "All <b>4</b>" in body  # the chips still count every state


def test_list_pagination(client: Client) -> None:
    for n in range(27):
        write(title=f"Row {n} {MARK}", state="draft")
    _status, body = _page(client, "officer", q=MARK)
    assert "27 reports · page 1 of 2" in body
    assert "Row 26 " in body
    assert "Row 2 " in body
    assert "Row 1 " not in body
    _status, body = _page(client, "officer", q=MARK, page="2")
    assert "Row 1 " in body
    assert "Row 0 " in body
    assert "Row 2 " not in body
    assert f'href="?q={MARK}&amp;page=1"' in body


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "yesterday"}, "Occurred from: Enter a valid date."),
        ({"since": "2026-10-02", "until": "2026-10-01"}, "Occurred until: The end date is before"),
        ({"status": "closed"}, "State: Select a valid choice."),
        ({"code": "ZZZ"}, "Type: Select a valid choice."),
        ({"role": "judge"}, "Person involved: Select a valid choice."),
        ({"area": "999999"}, "Area: Select a valid choice."),
    ],
)
def test_bad_filters_name_the_field(client: Client, params: dict[str, str], message: str) -> None:
    status, body = _page(client, "director", **params)
    assert status == 400
    assert message in body
    assert "The search was not run." in body


def test_a_school_or_area_outside_the_scope_is_not_a_choice(client: Client) -> None:
    jrms = school("juniper-ridge-ms")
    status, body = _page(client, "officer", school=str(jrms.pk))
    assert status == 400
    assert "School: Select a valid choice." in body
    status, body = _page(client, "officer", area=str(area_of("juniper-ridge-ms").pk))
    assert status == 400
    chhs_area = area_of("cedar-hollow-hs")
    status, body = _page(client, "director", school=str(jrms.pk), area=str(chhs_area.pk))
    assert status == 400
    assert "Area: That area is not at the chosen school." in body


def test_list_filters_reach_the_selector(client: Client, fx: Fixture) -> None:
    chhs = school()
    _status, body = _page(client, "director", q=MARK, school=str(chhs.pk), role="victim")
    assert "1 report" in body
    assert fx.returned.number in body
    _status, body = _page(client, "director", q=MARK, code="vaping")
    assert "1 report" in body
    assert fx.vape.number in body
    day = timezone.localtime(fx.vape.occurred_start).date().isoformat()
    _status, body = _page(client, "director", q=MARK, since=day, until=day)
    assert "1 report" in body
    assert fx.vape.number in body


def test_list_needs_incidents_view(client: Client) -> None:
    for who in ("frontdesk", "liaison", "admin"):
        status, _body = _page(client, who)
        assert status == 403


def test_export_button_only_for_exporters(client: Client) -> None:
    _status, body = _page(client, "officer")
    assert reverse("incidents:daily_log") not in body
    _status, body = _page(client, "supervisor", q=MARK)
    assert f"{reverse('incidents:daily_log')}?q={MARK}" in body


# The list's queries: session, user, grants, shell, the form's choices, the counts, the page.
LIST_QUERIES = 12


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_is_pinned_and_does_not_grow(client: Client) -> None:
    sign_in(client, "director")
    client.get("/")
    path = reverse("incidents:list")
    assert _queries(client, path) == LIST_QUERIES
    for n in range(6):
        write(
            title=f"More {n} {MARK}",
            nibrs=("13B", "90Z"),
            people=(PersonInput(role="witness", kind="staff", name="W"),) * 2,
        )
    assert _queries(client, path) == LIST_QUERIES
    # With words, SQLite first counts the reports holding them (up to search.COMMON_MATCHES):
    # the counts' plan and the page's depend on it.
    words = LIST_QUERIES + (1 if connection.vendor == "sqlite" else 0)
    assert _queries(client, f"{path}?q={MARK}&status=submitted") == words
    assert _queries(client, f"{path}?q={MARK}&role=witness&code=13B") == words


# --- bounded counts and the plans for large result sets (bench/incidents_search.py) ---------


@pytest.mark.parametrize("how", [search.LIST, search.SCAN, search.PROBE])
def test_every_sqlite_plan_finds_the_same_reports(fx: Fixture, how: str) -> None:
    """The plan hint changes how the words join the query, never what is found."""
    for who, text in (("director", MARK), ("officer", MARK), ("director", f"{MARK} punch")):
        expected = find(who, text=text)
        assert numbers(selectors.search_reports(user(who), text=text, how=how)) == expected
    assert numbers(selectors.search_reports(user("director"), text="lock*", how=how)) == (
        find("director", text="lock*")
    )


def test_the_words_filter_survives_use_as_a_subquery(fx: Fixture) -> None:
    # Django renames the report table (U0) inside a subquery: the full-text test follows it.
    inner = selectors.search_reports(user("director"), text=f"{MARK} punches")
    outer = Report.objects.filter(pk__in=inner.values("pk")).order_by("-written_at", "-pk")
    assert numbers(outer) == numbers([fx.middle, fx.fight])


@pytest.mark.parametrize("how", [search.LIST, search.SCAN, search.PROBE])
@pytest.mark.parametrize("many", [False, True])
def test_list_rows_from_the_newest_index_are_the_same(fx: Fixture, many: bool, how: str) -> None:
    reports = selectors.search_reports(user("supervisor"), text=MARK, how=how)
    assert numbers(selectors.list_rows(reports, 0, 26, many=many)) == numbers(reports)
    assert numbers(selectors.list_rows(reports, 1, 3, many=many)) == numbers(reports[1:3])
    none = selectors.search_reports(user("supervisor"), status="closed")
    assert list(selectors.list_rows(none, 0, 26, many=many)) == []


def test_counts_stop_at_the_cap_and_say_so(fx: Fixture) -> None:
    director = user("director")
    exact = selectors.report_counts(director, text=MARK)
    assert (exact.total, exact.by_status, exact.capped) == (
        4,
        {"submitted": 2, "approved": 1, "returned": 1},
        frozenset(),
    )
    assert exact.display() == "4"
    capped = selectors.report_counts(director, text=MARK, cap=1)
    assert capped.by_status == {"submitted": 1, "approved": 1, "returned": 1}
    assert capped.capped == {"submitted"}  # 2 found: "at least 1"; the others are exact
    assert (capped.display("submitted"), capped.display(), capped.display("draft")) == (
        "1+",
        "3+",
        "0",
    )
    # The same counts with every plan of the words: one pass over their matches, or (as for a
    # common word) state by state, each probing few candidates or driven from the FTS index.
    assert selectors.report_counts(director, text=MARK, school_ids=[school().pk]).by_status == {
        "submitted": 1,
        "approved": 1,
        "returned": 1,
    }
    for threshold in (1, 1000):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(search, "COMMON_MATCHES", 1)
            patch.setattr(search, "FEW_CANDIDATES_COMMON", threshold)
            again = selectors.report_counts(director, text=MARK, school_ids=[school().pk])
            assert again.by_status == {"submitted": 1, "approved": 1, "returned": 1}
            assert again.common_words == (connection.vendor == "sqlite")  # SQLite's plans only
    # The officer's own draft counts for the officer alone.
    assert selectors.report_counts(user("officer"), text=MARK).by_status["draft"] == 1
    assert "draft" not in selectors.report_counts(user("supervisor"), text=MARK).by_status


def test_a_capped_count_pages_without_a_last_page(client: Client, fx: Fixture) -> None:
    for n in range(26):
        write(title=f"Row {n} {MARK}")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(selectors, "COUNT_CAP", 20)
        patch.setattr(selectors, "MANY_ROWS", 20)
        _status, body = _page(client, "director", q=MARK)
        assert "22+ reports · page 1</p>" in body  # 20+ submitted, 1 approved, 1 returned
        assert "Row 25 " in body
        assert "Row 0 " not in body
        assert f'href="?q={MARK}&amp;page=2"' in body  # "Older": a 26th row exists
        _status, body = _page(client, "director", q=MARK, page="2")
        assert "Row 0 " in body
        assert fx.fight.number in body
        assert "Older" not in body


def test_the_page_plan_follows_the_counts() -> None:
    many = selectors.StatusCounts(
        total=1000, by_status={"approved": 1000}, capped=frozenset({"approved"})
    )
    few = selectors.StatusCounts(total=12, by_status={"approved": 12})
    assert many.words_plan() == search.LIST  # no words, or few reports hold them
    common = dataclasses.replace(many, many_words=True, common_words=True)
    assert common.words_plan() == search.PROBE
    assert common.words_plan("returned") == search.SCAN  # few rows in that state
    assert dataclasses.replace(many, many_words=True).words_plan() == search.SCAN
    assert dataclasses.replace(few, many_words=True, common_words=True).words_plan() == (
        search.SCAN
    )


# --- counts: one pass over every state, a recount past it (selectors._bounded_counts) --------


def _exact_counts(who: str, **filters: Any) -> dict[str, int]:
    """Each state's count, read one report at a time: what the bounded counts must agree with."""
    found: dict[str, int] = {}
    for report in selectors.search_reports(user(who), **filters):
        found[report.status] = found.get(report.status, 0) + 1
    return found


def _assert_counts(who: str, cap: int, **filters: Any) -> int:
    """The counts with ``cap`` are the exact counts stopped at the cap; returns the number of
    queries they took (the user's grants included)."""
    expected = _exact_counts(who, **filters)
    someone = user(who)
    with CaptureQueriesContext(connection) as ctx:
        counts = selectors.report_counts(someone, cap=cap, **filters)
    assert counts.by_status == {state: min(n, cap) for state, n in expected.items()}, filters
    assert counts.capped == {state for state, n in expected.items() if n > cap}, filters
    assert counts.total == sum(min(n, cap) for n in expected.values())
    return len(ctx.captured_queries)


def test_counts_past_the_first_pass_are_recounted_state_by_state(
    fx: Fixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 10 reports the director sees (4 submitted, 3 approved, 3 returned) and the officer's
    # draft. With one cap per state, cap 1 makes a first pass of 4 * 2 = 8: not all, so the
    # states it did not see past the cap are counted again; cap 2 reads every one (12 > 10).
    monkeypatch.setattr(selectors, "PASS_PER_STATE", 1)
    for n in range(6):
        write(title=f"More {n} {MARK}", state=("approved", "submitted", "returned")[n % 3])
    assert _exact_counts("director", text=MARK) == {"submitted": 4, "approved": 3, "returned": 3}
    # A type (or a role, or dates) makes the counts start with one pass over every state: the
    # 8 reports of type "fight" fill a pass of 8 with cap 1, not one of 12 with cap 2.
    recounted = _assert_counts("director", 1, text=MARK, code="fight")
    one_pass = _assert_counts("director", 2, text=MARK, code="fight")
    if connection.vendor != "sqlite":  # SQLite reads a rare word's matches all at once
        assert recounted == one_pass + 1
    # On SQLite a word in COMMON_MATCHES reports is counted state by state instead, each count
    # probing few candidates or driven from the FTS index: patched here to take those paths.
    plans = [{}, {"COMMON_MATCHES": 1, "FEW_CANDIDATES_COMMON": 1}, {"COMMON_MATCHES": 1}]
    for plan in plans:
        with pytest.MonkeyPatch.context() as patch:
            for name, value in plan.items():
                patch.setattr(search, name, value)
            for cap in (1, 2, 3, 4, 1000):
                _assert_counts("director", cap, text=MARK)
                _assert_counts("officer", cap, text=MARK)  # the officer's own draft counts too
                _assert_counts("director", cap, text=MARK, code="fight")
                _assert_counts("director", cap, text=MARK, person_role="offender")
                _assert_counts("supervisor", cap, text=MARK, school_ids=[school().pk])


def test_counts_without_words_agree_with_the_demo_history() -> None:
    """Filters only, over every report of the demo district, past the pass and within it."""
    since = timezone.now() - timedelta(days=20)
    # The demo's few dozen reports since then: one pass reads them all; with cap 1 (a pass of
    # 16) the states it did not see past the cap are counted again, in a second query.
    long_ago = timezone.now() - timedelta(days=3650)
    assert sum(_exact_counts("director", since=long_ago).values()) > 16
    assert _assert_counts("director", 1, since=long_ago) == (
        _assert_counts("director", 1000, since=long_ago) + 1
    )
    for cap in (1, 3, 10, 1000):
        _assert_counts("director", cap)
        _assert_counts("officer", cap)
        _assert_counts("director", cap, code="fight")
        _assert_counts("director", cap, person_role="witness")
        _assert_counts("director", cap, since=since)
        _assert_counts("principal", cap, since=since, until=timezone.now())
    assert sum(_exact_counts("director").values()) > 20  # the demo really holds a history


def _plan(sql: str, params: Any) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return " ".join(str(row[-1]) for row in cursor.fetchall())
        # The test tables are small: without this the planner would rightly read them whole.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return " ".join(str(row[0]) for row in cursor.fetchall())


def test_the_filters_are_written_as_their_indexes_read(fx: Fixture) -> None:
    """The occurrence filter must be the very expression of ``incidents_report_occurred_until``
    (migration 0004): another way of writing the same test would not use the index."""
    since = timezone.now() - timedelta(days=7)
    reports = selectors.search_reports(user("director"), since=since)
    sql, params = reports.order_by().values("pk").query.sql_with_params()
    assert "incidents_report_occurred_until" in _plan(sql, params)
    role = selectors.search_reports(user("director"), person_role="victim")
    sql, params = role.order_by().values("pk").query.sql_with_params()
    # PostgreSQL hashes the people in the role from either role index on tables this small
    # (the choice follows their statistics); SQLite probes the one that answers alone.
    if connection.vendor == "sqlite":
        assert "incidents_involvedperson_role_report" in _plan(sql, params)
    # With words, a type and a role are facets of the full-text test, read from its index.
    faceted = selectors.search_reports(
        user("director"), person_role="victim", code="theft", text=MARK
    )
    sql, params = faceted.order_by().values("pk").query.sql_with_params()
    plan = _plan(sql, params)
    assert "incidents_involvedperson" not in sql
    assert "incidents_classification" not in sql
    if connection.vendor == "postgresql":
        assert "incidents_report_facets_gin" in plan or "incidents_report_search_gin" in plan
    else:
        assert "incidents_report_fts" in plan


def test_rebuilding_the_index_keeps_every_report_findable(fx: Fixture) -> None:
    before = find("director", code="fight", person_role="offender")
    search.rebuild()
    assert find("director", code="fight", person_role="offender") == before
    assert find("director", text="punches") == numbers([fx.middle, fx.fight])
