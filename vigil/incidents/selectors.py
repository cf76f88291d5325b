"""Reads of incident reports: the reports a person may see, searched and filtered.

Every read starts from ``Report.objects.restrict(user, Action.INCIDENTS_VIEW)``. On top of the
school scope, a draft is its author's alone: until it is submitted nobody else sees it — not a
supervisor, not the director (a draft is a notebook, not a record). A returned report has been
submitted once and stays visible to those who saw it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from vigil.core.permissions import Action
from vigil.incidents import search
from vigil.incidents.choices import PersonRole, ReportStatus, Scheme, SchoolCategory
from vigil.incidents.codes import nibrs
from vigil.incidents.models import Classification, InvolvedPerson, Report
from vigil.sites.models import School


def visible_reports(user: Any, action: Action = Action.INCIDENTS_VIEW) -> QuerySet[Report]:
    """Reports at schools where ``user`` holds ``action``; drafts only to their author."""
    return _visible_to(Report.objects.restrict(user, action), user)


def code_scheme(code: str) -> str | None:
    """Which scheme a classification code belongs to (school categories win a tie), or None."""
    if code in SchoolCategory.values:
        return str(Scheme.SCHOOL)
    if code in nibrs():
        return str(Scheme.NIBRS)
    return None


# When a report's occurrence ended (its start when open-ended): the expression of the
# ``incidents_report_occurred_until`` index (migration 0004).
OCCURRED_UNTIL = Coalesce("occurred_end", "occurred_start")


def type_and_role_facets(code: str, person_role: str) -> tuple[str, ...]:
    """The search tokens (``search.type_facet``, ``search.role_facet``) of a type and a role
    filter, for the full-text test when there are words; the unknown ones are left out (the
    filters themselves then match nothing)."""
    facets = []
    scheme = code_scheme(code) if code else None
    if scheme is not None:
        facets.append(search.type_facet(scheme, code))
    if person_role in PersonRole.values:
        facets.append(search.role_facet(person_role))
    return tuple(facets)


def _filtered(
    user: Any,
    *,
    school_ids: list[int] | None,
    code: str,
    area_id: int | None,
    person_role: str,
    since: datetime | None,
    until: datetime | None,
    action: Action,
    words: bool = False,
) -> QuerySet[Report]:
    """The reports in ``user``'s scope matching every filter but the state and the words
    (and before the draft rule, which depends on the state).

    With ``words`` (the query has searchable words), a known type or role is not filtered
    here: it joins the words' full-text test as a facet (``type_and_role_facets``), and the
    index intersects them. Without words a type is written ``pk IN (reports with that code)``
    (a few percent of reports: SQLite may start from that list), or with ``since`` as an
    ``EXISTS`` probed per report (one probe of the (scheme, code, report) index: the reports of
    the date range are read from their index, instead of looking up every report with that
    code to test its dates). A role (in a third of reports or more) is an ``EXISTS``.
    An unknown type or role matches nothing.
    """
    reports: QuerySet[Report] = Report.objects.restrict(user, action)
    if school_ids is not None:
        reports = reports.filter(school_id__in=school_ids)
    if code:
        scheme = code_scheme(code)
        if scheme is None:
            reports = reports.none()
        elif not words:
            codes = Classification.objects.filter(scheme=scheme, code=code)
            if since is not None:
                reports = reports.filter(Exists(codes.filter(report_id=OuterRef("pk"))))
            else:
                reports = reports.filter(pk__in=codes.values("report_id"))
    if area_id is not None:
        reports = reports.filter(area_id=area_id)
    if person_role:
        if person_role not in PersonRole.values:
            reports = reports.none()
        elif not words:
            reports = reports.filter(
                Exists(InvolvedPerson.objects.filter(report_id=OuterRef("pk"), role=person_role))
            )
    if since is not None:
        # Overlap: it had not ended before ``since`` (an open-ended one counts from its start).
        # Written with the expression of the ``incidents_report_occurred_until`` index
        # (migration 0004), so the index serves it; the same test as ``occurred_end >= since
        # OR (occurred_end IS NULL AND occurred_start >= since)``, which no index serves.
        reports = reports.alias(occurred_until=OCCURRED_UNTIL).filter(occurred_until__gte=since)
    if until is not None:
        reports = reports.filter(occurred_start__lt=until)
    return reports


def _visible_to(reports: QuerySet[Report], user: Any) -> QuerySet[Report]:
    """``reports`` without the drafts of others (a draft is its author's alone)."""
    author_id = user.pk if getattr(user, "is_authenticated", False) else None
    return reports.filter(~Q(status=ReportStatus.DRAFT) | Q(author_id=author_id))


def _in_state(reports: QuerySet[Report], user: Any, status: str) -> QuerySet[Report]:
    """``reports`` in one state, with the draft rule written for that state: a draft only as
    its author's (``author_id = me``, which the (status, author) index answers directly)."""
    if status not in ReportStatus.values:
        return reports.none()
    if status == ReportStatus.DRAFT:
        author_id = user.pk if getattr(user, "is_authenticated", False) else None
        return reports.filter(status=status, author_id=author_id)
    return reports.filter(status=status)


def search_reports(
    user: Any,
    *,
    text: str = "",
    school_ids: list[int] | None = None,
    status: str = "",
    code: str = "",
    area_id: int | None = None,
    person_role: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    action: Action = Action.INCIDENTS_VIEW,
    how: str = search.LIST,
) -> QuerySet[Report]:
    """The reports ``user`` may see that match every filter given, newest first.

    - ``text``: every word must appear in the number, title, narrative, actions taken or
      location text (never in people's names); ``word*`` matches a prefix.
    - ``code``: a NIBRS offence code or a school category code.
    - ``person_role``: reports naming at least one person in that role.
      (With words, both are facets of the full-text test: see ``_filtered``.)
    - ``since``/``until``: reports whose occurrence (start..end) overlaps [since, until).

    Unknown ``status``, ``code`` or ``person_role`` values match nothing (never everything).
    ``action`` narrows the schools to where the user holds it (the daily log passes
    ``INCIDENTS_EXPORT``). ``how`` is a plan hint for the words on SQLite, not a filter (see
    ``search.ReportMatch``; the list page takes it from ``StatusCounts.words_plan``).
    """
    reports = _filtered(
        user,
        school_ids=school_ids,
        code=code,
        area_id=area_id,
        person_role=person_role,
        since=since,
        until=until,
        action=action,
        words=bool(search.terms(text)),
    )
    reports = _in_state(reports, user, status) if status else _visible_to(reports, user)
    matches = search.matching(text, how=how, facets=type_and_role_facets(code, person_role))
    if matches is not None:
        reports = reports.filter(matches)
    return reports.order_by("-written_at", "-pk")


def with_list_details(reports: QuerySet[Report]) -> QuerySet[Report]:
    """What a row of the list shows, in a fixed number of queries whatever the page size."""
    return reports.select_related("school", "area", "author").prefetch_related("classifications")


# The list's newest-first index (migration 0003).
NEWEST_INDEX = "incidents_report_newest"
# From this many matches on, the page's rows are chosen by reading that index (SQLite).
MANY_ROWS = 1000


def list_rows(
    reports: QuerySet[Report], start: int, stop: int, *, many: bool = False
) -> QuerySet[Report]:
    """Rows ``start:stop`` of ``reports`` (newest first) with what a row of the list shows.

    ``many``: the caller knows at least ``MANY_ROWS`` reports match (from the counts). Then,
    on SQLite, the rows are chosen by reading the newest-first index and stopping at ``stop``
    (``INDEXED BY``): its planner would otherwise prefer a school or state index, read every
    report of that school and sort them all. PostgreSQL's planner weighs the ``LIMIT`` itself.
    """
    if many and connection.vendor == "sqlite":
        try:
            sql, params = reports.values("pk")[start:stop].query.sql_with_params()
        except EmptyResultSet:
            return reports.none()
        table = f"FROM {connection.ops.quote_name(Report._meta.db_table)}"
        if table in sql:
            sql = sql.replace(table, f"{table} INDEXED BY {NEWEST_INDEX}", 1)
            # Django-compiled SQL and a constant index name; every value is a bound parameter.
            chosen = Report.objects.filter(pk__in=RawSQL(sql, params))  # noqa: S611
            return with_list_details(chosen.order_by("-written_at", "-pk"))
    return with_list_details(reports)[start:stop]


# Counts stop here: the chips say "1,000+" beyond it. Counting every match of a common word
# among 200,000 reports costs more than the page itself; a bounded count costs at most this.
COUNT_CAP = 1000


@dataclass(frozen=True)
class StatusCounts:
    """How many of the matching reports are in each state (for the chips above the list).

    A state whose count reached ``cap`` is in ``capped``: its count means "at least".
    ``by_status`` holds the states with at least one report. ``many_words`` /
    ``common_words``: at least ``search.MANY_MATCHES`` / ``search.COMMON_MATCHES`` reports hold
    the words (SQLite; False without words).
    """

    total: int
    by_status: dict[str, int]
    capped: frozenset[str] = frozenset()
    cap: int = COUNT_CAP
    many_words: bool = False
    common_words: bool = False

    def words_plan(self, status: str = "") -> str:
        """How the page's query should join the words (``search.ReportMatch``, SQLite).

        - a common word (``search.COMMON_MATCHES`` reports) and ``MANY_ROWS`` matches: the page
          reads the newest-first index (``list_rows``) and probes each row in the FTS index;
          a few dozen probes find 25 rows, and the match list is never built;
        - many reports hold the words: the same index, testing each row against the match
          list (built once; cheaper than probing when matches are sparser);
        - otherwise look up the (few) matches and sort them.
        """
        if self.common_words and self.count_of(status) >= MANY_ROWS:
            return search.PROBE
        return search.SCAN if self.many_words else search.LIST

    @property
    def total_capped(self) -> bool:
        return bool(self.capped)

    def count_of(self, status: str = "") -> int:
        return self.by_status.get(status, 0) if status else self.total

    def is_capped(self, status: str = "") -> bool:
        return status in self.capped if status else self.total_capped

    def display(self, status: str = "") -> str:
        """``"25"``, ``"1,000+"``; the "All" figure is a sum, so ``"2,340+"`` means at least."""
        count = self.count_of(status)
        return f"{count:,}+" if self.is_capped(status) else f"{count:,}"

    def chips(self) -> list[tuple[str, str, int]]:
        return [
            (value, str(label), self.by_status.get(value, 0))
            for value, label in ReportStatus.choices
        ]


# The first pass reads at most this many times ``cap + 1`` matches per state: narrow filters
# (a few thousand matches, e.g. a common word with a type and a role) are counted in that one
# query, and past it a state holding an eighth of the matches or more has passed the cap in it
# (on PostgreSQL a recount repeats the same joins: "text + type + person role" took ~250 ms
# with 2, ~600 ms with 1).
PASS_PER_STATE = 2


def _counts_per_state(
    per_state: dict[str, QuerySet[Report]],
    cap: int,
    text: str = "",
    facets: tuple[str, ...] = (),
) -> dict[str, int]:
    """One query: a bounded count (at most ``cap + 1``) per state, each a scalar subquery
    (``search.bounded_count_sql`` chooses, state by state, how the words join on SQLite;
    only a common word comes here there, hence ``FEW_CANDIDATES_COMMON``)."""
    parts = [
        search.bounded_count_sql(
            reports, text, cap + 1, few=search.FEW_CANDIDATES_COMMON, facets=facets
        )
        for reports in per_state.values()
    ]
    sql = "SELECT " + ", ".join(part for part, _params in parts)
    params = [value for _part, part_params in parts for value in part_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return dict(zip(per_state, (int(n) for n in row), strict=True))


def _counts_in_one_pass(
    matches: QuerySet[Report], limit: int | None
) -> tuple[dict[str, int], bool]:
    """How many of the first ``limit`` matches (any state, any order; all of them without a
    limit) are in each state, in one grouped query, and whether that was every match."""
    rows = matches.order_by().values("status")
    try:
        rows_sql, params = (rows if limit is None else rows[:limit]).query.sql_with_params()
    except EmptyResultSet:  # a ``.none()`` queryset: nothing to count, no SQL to run
        return {}, True
    # Django-compiled SQL around one constant; every value is a bound parameter.
    sql = f"SELECT status, COUNT(*) FROM ({rows_sql}) AS pass GROUP BY status"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = {str(status): int(n) for status, n in cursor.fetchall()}
    return found, limit is None or sum(found.values()) < limit


def _words_matched(text: str, at_most: int, facets: tuple[str, ...] = ()) -> int:
    """How many reports hold the words (and facets), counted up to ``at_most`` (SQLite)."""
    sql, params = search.count_matches_sql(text, at_most, facets)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


def _bounded_counts(
    matches: QuerySet[Report],
    per_state: dict[str, QuerySet[Report]],
    cap: int,
    text: str = "",
    *,
    one_pass: bool = False,
    facets: tuple[str, ...] = (),
) -> StatusCounts:
    """Each state's count of ``matches`` (every state, the draft rule applied), stopped at
    ``cap + 1``; ``per_state`` holds the same reports state by state, the words (``text``,
    with the type and role ``facets`` that join them) not yet applied to either.

    ``one_pass`` (the filters include a type, a person's role or dates: a join or a range no
    per-state index narrows, so each state's count would repeat it and, with few matches,
    read every candidate of its state): first one pass over every state at once, reading at
    most ``PASS_PER_STATE * (cap + 1)`` matches per state. Under that, every count is exact
    from this one query. Past it, a state with more than ``cap`` in the pass is "cap+", and
    only the others are counted again, each by its own bounded count (a second query).
    Otherwise one bounded count per state from the start: each stops at the cap early, and a
    pass would read more rows than the four of them.

    On SQLite with words, how many reports hold them is counted first (up to
    ``search.COMMON_MATCHES``; the page's plan needs it too). Fewer: the pass reads all of
    them (looked up by primary key), whatever the other filters. More: one bounded count per
    state, each choosing how the words join (``search.bounded_count_sql``); a pass would read
    thousands of matches of a common word before knowing any state's count.
    """
    words = search.matching(text, facets=facets)
    many_words = common_words = False
    if words is not None and connection.vendor == "sqlite":
        matched = _words_matched(text, search.COMMON_MATCHES, facets)
        many_words = matched >= search.MANY_MATCHES
        common_words = matched >= search.COMMON_MATCHES
        if common_words:
            found = _counts_per_state(per_state, cap, text, facets)
        else:
            found, _complete = _counts_in_one_pass(matches.filter(words), None)
    elif not one_pass:
        found = _counts_per_state(per_state, cap, text)
    else:
        limit = PASS_PER_STATE * len(per_state) * (cap + 1)
        found, complete = _counts_in_one_pass(
            matches if words is None else matches.filter(words), limit
        )
        unsettled = {
            state: reports
            for state, reports in per_state.items()
            if not complete and found.get(state, 0) <= cap
        }
        if unsettled:
            found.update(_counts_per_state(unsettled, cap, text, facets))
    found = {state: min(found.get(state, 0), cap + 1) for state in per_state}
    capped = frozenset(state for state, n in found.items() if n > cap)
    by_status = {state: min(n, cap) for state, n in found.items() if n}
    return StatusCounts(
        total=sum(by_status.values()),
        by_status=by_status,
        capped=capped,
        cap=cap,
        many_words=many_words,
        common_words=common_words,
    )


def status_counts(reports: QuerySet[Report], *, cap: int | None = None) -> StatusCounts:
    """Counts per state of ``reports`` (any queryset of them), each stopped at ``cap``
    (default ``COUNT_CAP``)."""
    cap = COUNT_CAP if cap is None else cap
    return _bounded_counts(
        reports, {value: reports.filter(status=value) for value in ReportStatus.values}, cap
    )


def report_counts(
    user: Any,
    *,
    text: str = "",
    school_ids: list[int] | None = None,
    code: str = "",
    area_id: int | None = None,
    person_role: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    action: Action = Action.INCIDENTS_VIEW,
    cap: int | None = None,
) -> StatusCounts:
    """Counts per state of what ``search_reports`` finds with these filters (any state), each
    stopped at ``cap`` (default ``COUNT_CAP``), in one or two queries whose cost is bounded by
    ``cap`` rather than by the number of matches."""
    cap = COUNT_CAP if cap is None else cap
    reports = _filtered(
        user,
        school_ids=school_ids,
        code=code,
        area_id=area_id,
        person_role=person_role,
        since=since,
        until=until,
        action=action,
        words=bool(search.terms(text)),
    )
    return _bounded_counts(
        _visible_to(reports, user),
        {value: _in_state(reports, user, value) for value in ReportStatus.values},
        cap,
        text,
        one_pass=bool(code or person_role or since or until),
        facets=type_and_role_facets(code, person_role),
    )


def schools_for(user: Any, action: Action = Action.INCIDENTS_VIEW) -> QuerySet[School]:
    schools: QuerySet[School] = School.objects.restrict(user, action).order_by("name")
    return schools
