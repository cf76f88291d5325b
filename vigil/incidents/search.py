"""Full-text search of incident reports, one function over two database dialects.

What is searched: the report number, title, narrative, actions taken and the free-text
location. People's names and descriptions are deliberately NOT indexed: the people involved in
a report are a sensitive read (a stated reason, an audit row), and a search box must not become
a way around that.

Facets: a report's types and its people's roles (never who they are) are also in the index, as
tokens in a column of their own (``Report.search_facets``, written with the report by
``services``; ``facets_text``). With words, the type and role filters join the full-text test
itself, so the index intersects them with the words' matches: "a common word + a type + a
role" then reads a few thousand index entries instead of testing every report of the type.

- SQLite: an FTS5 table ``incidents_report_fts`` with external content (the report table
  itself), kept in step by three triggers (migration 0005, which added the facets column to
  0002's table). Tokenizer ``porter unicode61 remove_diacritics 2``, so "fights" finds
  "fighting"; the facet tokens are matched in their own column only (``fts5_query``).
- PostgreSQL: a stored generated ``tsvector`` column ``search_vector`` on the report table
  (``to_tsvector('english', ...)``, so it needs no trigger) with a GIN index (migration 0002);
  the facets through a GIN index on ``to_tsvector('simple', search_facets)`` (migration 0005).

Both are invisible to the Django model on purpose (models.py is the lead's; the columns are
maintenance, not data). The words become one boolean expression of the report query
(``ReportMatch``), which every caller can combine with any other filter and ordering.

Fast at 200,000 reports by design (bench/incidents_search.py, docs/benchmarks.md): the list
reads only its page (``LIMIT 26``, newest first) and counts per state stop at a cap
(``bounded_count_sql``), so neither reads every report that holds a common word. SQLite's
planner cannot see how many rows an FTS5 match gives, so the SQL says how to join the words:
``ReportMatch(how=LIST|SCAN|PROBE)``, chosen from cheap bounded counts.

Warning for later migrations: on SQLite, Django rebuilds a table to alter it ("remake"), which
drops its triggers and the indexes made with SQL (migrations 0003, 0004). A migration that
alters ``incidents_report`` must add columns with plain ``ALTER TABLE ... ADD COLUMN`` (as 0005
does) or run 0005's ``SQLITE_INSTALL`` and those indexes again afterwards (``test_search.py``
checks the triggers exist).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection as default_connection
from django.db.models import BooleanField, F, Func, Q, QuerySet
from django.db.models.expressions import RawSQL

# The columns searched, in the order FTS5 declares them (the facets column comes after them).
COLUMNS = ("number", "title", "narrative", "actions_taken", "location_text")
FACETS_COLUMN = "search_facets"
FTS_TABLE = "incidents_report_fts"
PG_COLUMN = "search_vector"
# The expression of PostgreSQL's facets index (migration 0005); a query must repeat it exactly.
PG_FACETS = "to_tsvector('simple'::regconfig, {table}.search_facets)"
SQLITE_MATCH = "SELECT rowid FROM incidents_report_fts WHERE incidents_report_fts MATCH %s"
POSTGRESQL_MATCH = (
    "SELECT id FROM incidents_report WHERE search_vector @@ to_tsquery('english'::regconfig, %s)"
)

# Words too common to narrow a search; PostgreSQL's english configuration drops them anyway, so
# dropping them here makes both dialects answer the same.
STOP_WORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "had", "has", "have",
        "he", "her", "his", "in", "into", "is", "it", "its", "of", "on", "or", "she", "that",
        "the", "their", "them", "they", "this", "to", "was", "were", "with",
    }
)  # fmt: skip
_TOKEN = re.compile(r"[^\W_]+\*?", re.UNICODE)
MAX_TERMS = 12


def terms(text: str) -> list[str]:
    """The words of a query, lower-cased, without stop words; a trailing ``*`` marks a prefix.

    ``"CHHS-2026-0042"`` gives ``["chhs", "2026", "0042"]``: report numbers are found word by
    word, like everything else.
    """
    found: list[str] = []
    for match in _TOKEN.finditer(text.lower()):
        word = match.group()
        if word.rstrip("*") in STOP_WORDS:
            continue
        if word not in found:
            found.append(word)
    return found[:MAX_TERMS]


# --- facets ----------------------------------------------------------------------------------


def type_facet(scheme: str, code: str) -> str:
    """The search token of a report type: ``t`` + scheme + code, letters and digits only
    (``("school", "fire_alarm")`` gives ``tschoolfirealarm``), so every tokenizer keeps it
    whole; ``test_search`` checks that no two types or roles share a token."""
    return _token("t", scheme, code)


def role_facet(role: str) -> str:
    """The search token of a person's role in a report: ``r`` + role (``rreportingparty``)."""
    return _token("r", role)


def _token(*parts: str) -> str:
    return "".join(ch for ch in "".join(parts).lower() if ch.isascii() and ch.isalnum())


def facets_text(types: Iterable[tuple[str, str]], roles: Iterable[str]) -> str:
    """What ``Report.search_facets`` holds: the tokens of its types and of its people's roles,
    each once, sorted. Roles only: who the people are is never indexed."""
    tokens = {type_facet(scheme, code) for scheme, code in types}
    tokens |= {role_facet(role) for role in roles}
    return " ".join(sorted(tokens))


def fts5_query(words: list[str], facets: Sequence[str] = ()) -> str:
    """An FTS5 MATCH expression: every word must appear (prefix for ``word*``), and every
    facet token in the facets column.

    The words are not held to the text columns: a column filter makes FTS5 read the position
    list of every match, which for a common word tripled the list page (bench). A word can
    match only the text, unless someone types a facet token itself ("rvictim"), which finds
    what the type and role filters find anyway. The facets are held to their column, so a
    narrative cannot put a report under a type it does not have.
    """
    parts = []
    for word in words:
        bare = word.rstrip("*")
        parts.append(f'"{bare}"*' if word.endswith("*") else f'"{bare}"')
    query = " AND ".join(parts)
    if facets:
        tokens = " AND ".join(f'"{facet}"' for facet in facets)
        query += f" AND {FACETS_COLUMN} : ({tokens})"
    return query


def tsquery(words: list[str]) -> str:
    """A ``to_tsquery`` expression: every word must appear (prefix for ``word*``)."""
    parts = []
    for word in words:
        bare = word.rstrip("*")
        parts.append(f"'{bare}':*" if word.endswith("*") else f"'{bare}'")
    return " & ".join(parts)


# How SQLite should join the words to the report query (PostgreSQL's planner chooses itself).
LIST, SCAN, PROBE = "list", "scan", "probe"
# Above this many reports holding the words, SQLite reads the newest-first index rather than
# looking up every match; counting up to it reads at most this many FTS rowids (~1 ms).
MANY_MATCHES = 5000
# Fewer candidate reports than this (the other filters' matches in one state): each one is
# probed in the FTS index instead of reading the words' whole match list. A probe costs ~20
# times a primary-key lookup, so for a common word (in COMMON_MATCHES reports or more: counting
# to 1,000 reads few of them) more candidates are still cheaper to probe.
FEW_CANDIDATES = 2000
COMMON_MATCHES = 20000
FEW_CANDIDATES_COMMON = 5000


class ReportMatch(Func):
    """True when the report row holds every word (and every facet token): the full-text test
    written into the report query itself, so it combines with the other filters and the
    newest-first index.

    The report table's alias comes from the query (``F("pk")``), so the test stays right when
    the queryset is used as a subquery and Django renames the table (``U0``).

    - PostgreSQL: ``<alias>.search_vector @@ to_tsquery(...)`` (and the facets index's
      expression ``@@`` the facet tokens): the planner uses the GIN indexes (both at once, a
      bitmap AND) for rare words or narrow facets, or reads the newest-first index and tests
      each row for common ones.
    - SQLite, ``how``:
      ``list`` (few matches): ``<alias>.id IN (SELECT rowid FROM fts WHERE fts MATCH ...)``;
      SQLite looks up each match by primary key and sorts them.
      ``scan`` (many matches): ``+<alias>.id IN (...)``; the unary ``+`` keeps SQLite from
      driving the query from the match list; it reads the newest-first index (testing the id
      before reading the row) and stops at the page's last row.
      ``probe`` (few candidate rows): ``EXISTS (SELECT 1 FROM fts WHERE fts MATCH ... AND
      rowid = <alias>.id)`` per row, without reading the whole match list.
    """

    output_field = BooleanField()

    def __init__(self, words: list[str], *, how: str = LIST, facets: Sequence[str] = ()) -> None:
        super().__init__(F("pk"))
        self.words = words
        self.how = how
        self.facets = tuple(facets)

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        column, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            table = column.rsplit(".", 1)[0]
            sql = f"{table}.{PG_COLUMN} @@ to_tsquery('english'::regconfig, %s)"
            params = [*params, tsquery(self.words)]
            if self.facets:
                facets = PG_FACETS.format(table=table)
                sql = f"({sql} AND {facets} @@ to_tsquery('simple'::regconfig, %s))"
                params.append(tsquery(list(self.facets)))
            return sql, params
        if connection.vendor == "sqlite":
            query = fts5_query(self.words, self.facets)
            if self.how == PROBE:
                sql = f"EXISTS ({SQLITE_MATCH} AND rowid = {column})"
                return sql, [query, *params]
            lead = "+" if self.how == SCAN else ""
            return f"{lead}{column} IN ({SQLITE_MATCH})", [*params, query]
        raise NotImplementedError(f"no full-text search on {connection.vendor}")


def matching(
    text: str, *, vendor: str | None = None, how: str = LIST, facets: Sequence[str] = ()
) -> Q | None:
    """A filter for reports whose searched text holds every word of ``text`` and whose
    facets (``type_facet``, ``role_facet``) include every one of ``facets``.

    None when ``text`` has no searchable word (the caller then does not filter at all; facets
    alone are the caller's to filter otherwise: ``selectors`` uses them only with words).
    ``how`` is a plan hint for SQLite (see ``ReportMatch``); the reports found are the same.
    """
    words = terms(text)
    if not words:
        return None
    vendor = vendor or default_connection.vendor
    # The user's words travel only as a bound parameter; the SQL around them is constant.
    if vendor in ("sqlite", "postgresql"):
        return Q(ReportMatch(words, how=how, facets=facets))
    # Any other database: a plain (slow) substring search of the same columns.
    q = Q()
    for word in words:
        bare = word.rstrip("*")
        any_column = Q()
        for column in COLUMNS:
            any_column |= Q(**{f"{column}__icontains": bare})
        q &= any_column
    for facet in facets:
        q &= Q(**{f"{FACETS_COLUMN}__regex": rf"(^| ){facet}( |$)"})
    return q


def count_matches_sql(text: str, at_most: int, facets: Sequence[str] = ()) -> tuple[str, list[Any]]:
    """SQL counting the reports that hold the words (and facets), stopping at ``at_most``
    (SQLite only: it reads at most that many rowids of the FTS index, in rowid order, ~1 ms
    per 5,000)."""
    limit = int(at_most)
    # Constants only; the words are the one bound parameter.
    sql = f"SELECT COUNT(*) FROM ({SQLITE_MATCH} LIMIT {limit}) AS matched"  # noqa: S608
    return sql, [fts5_query(terms(text), facets)]


def bounded_count_sql(
    candidates: QuerySet[Any],
    text: str,
    limit: int,
    *,
    few: int | None = None,
    vendor: str | None = None,
    facets: Sequence[str] = (),
) -> tuple[str, list[Any]]:
    """SQL (a scalar subquery) counting ``candidates`` that hold every word (and facet),
    stopping at ``limit``: the cost is bounded by ``limit`` rather than by how many reports
    match.

    On SQLite with words: when the candidates are few (fewer than ``few``, by default
    ``FEW_CANDIDATES``; ``FEW_CANDIDATES_COMMON`` for a common word), each is probed in the FTS
    index; otherwise
    the count is driven from the FTS5 match list (read in rowid order, cheaply), each match
    looked up by primary key against the other filters, until ``limit`` are found. Elsewhere
    the words are one more filter of ``candidates``.
    """
    try:
        few = FEW_CANDIDATES if few is None else few
        vendor = vendor or default_connection.vendor
        return _bounded_count_sql(candidates, text, limit, few, vendor, tuple(facets))
    except EmptyResultSet:  # a ``.none()`` queryset: nothing to count, no SQL to run
        return "0", []


def _bounded_count_sql(
    candidates: QuerySet[Any],
    text: str,
    limit: int,
    few: int,
    vendor: str,
    facets: tuple[str, ...],
) -> tuple[str, list[Any]]:
    words = terms(text)
    base = candidates.order_by()
    if words and vendor == "sqlite":
        few_sql, few_params = base.values("pk")[: int(few)].query.sql_with_params()
        each = base.filter(ReportMatch(words, how=PROBE, facets=facets)).values("pk")
        each = each[: int(limit)]
        each_sql, each_params = each.query.sql_with_params()
        # Correlated to the FTS row being read: a primary-key lookup of that one report.
        driven = base.filter(pk=RawSQL(f'"{FTS_TABLE}"."rowid"', []))  # noqa: S611
        driven_sql, driven_params = driven.values("pk").query.sql_with_params()
        # Django-compiled SQL and constants; every value (words included) is a bound parameter.
        sql = (
            f"(CASE WHEN (SELECT COUNT(*) FROM ({few_sql}) AS few) < {int(few)} "  # noqa: S608
            f"THEN (SELECT COUNT(*) FROM ({each_sql}) AS each_one) "
            f"ELSE (SELECT COUNT(*) FROM (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
            f"AND EXISTS ({driven_sql}) LIMIT {int(limit)}) AS driven) END)"
        )
        query = fts5_query(words, facets)
        return sql, [*few_params, *each_params, query, *driven_params]
    matches = matching(text, vendor=vendor, facets=facets)
    if matches is not None:
        base = base.filter(matches)
    inner_sql, inner_params = base.values("pk")[: int(limit)].query.sql_with_params()
    return f"(SELECT COUNT(*) FROM ({inner_sql}) AS bounded)", list(inner_params)  # noqa: S608


# --- maintenance ---------------------------------------------------------------------------


def rebuild(connection: Any = None) -> None:
    """Re-read every report into the index (SQLite; PostgreSQL's column is always current).

    For a bulk load that bypassed the triggers, or after a migration rebuilt the table. The
    index is then merged into one segment (``optimize``): a rebuilt index left in many
    segments made every per-row probe (``ReportMatch(how=PROBE)``) look in each, and the
    supervisor's list page with a common word took 107 instead of 60 ms (bench).
    """
    connection = connection or default_connection
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for command in ("rebuild", "optimize"):
                cursor.execute(
                    "INSERT INTO incidents_report_fts(incidents_report_fts) VALUES (%s)",
                    [command],
                )
