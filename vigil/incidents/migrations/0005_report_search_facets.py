"""Types and roles in the full-text index: "a common word + a type + a role" at 200,000 reports.

Before, such a search tested the type and the role per report (index probes) next to the words:
on SQLite every candidate of each state was read twice (a size check, then the count), on
PostgreSQL every person in the role was hashed first; 160-225 ms for the counts alone
(bench/incidents_search.py). Now the report carries its types and its people's roles as tokens
(``Report.search_facets``, written with the report: ``search.facets_text``), and the index
intersects them with the words' matches (~7 ms for 8,000 of 200,000 reports).

- The column is added with plain ``ALTER TABLE ... ADD COLUMN`` on both databases, not with
  Django's ``AddField``: on SQLite that rebuilds the table, which would drop migration 0002's
  triggers and the indexes of migrations 0003 and 0004.
- Existing reports get their tokens from their classifications and people (before the new
  triggers exist, so the index is built once, at the end).
- SQLite: the FTS5 table is made again with a sixth column, ``search_facets``, and its three
  triggers now also follow that column; then rebuilt from the reports and merged into one
  segment (``optimize``).
- PostgreSQL: a GIN index on ``to_tsvector('simple', search_facets)`` (``search.PG_FACETS``;
  a query must repeat that expression). ``simple``: the tokens are codes, not English.
"""

import importlib
from typing import Any

from django.db import migrations, models

_FTS_COLUMNS = "number, title, narrative, actions_taken, location_text, search_facets"
_NEW = ", ".join(f"new.{c.strip()}" for c in _FTS_COLUMNS.split(","))
_OLD = ", ".join(f"old.{c.strip()}" for c in _FTS_COLUMNS.split(","))

SQLITE_INSTALL = [
    (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS incidents_report_fts USING fts5({_FTS_COLUMNS}, "
        "content='incidents_report', content_rowid='id', "
        "tokenize='porter unicode61 remove_diacritics 2')"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS incidents_report_fts_ai AFTER INSERT ON incidents_report "
        f"BEGIN INSERT INTO incidents_report_fts(rowid, {_FTS_COLUMNS}) "
        f"VALUES (new.id, {_NEW}); END"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS incidents_report_fts_ad AFTER DELETE ON incidents_report "
        f"BEGIN INSERT INTO incidents_report_fts(incidents_report_fts, rowid, {_FTS_COLUMNS}) "
        f"VALUES ('delete', old.id, {_OLD}); END"
    ),
    (
        f"CREATE TRIGGER IF NOT EXISTS incidents_report_fts_au AFTER UPDATE OF {_FTS_COLUMNS} "
        "ON incidents_report BEGIN "
        f"INSERT INTO incidents_report_fts(incidents_report_fts, rowid, {_FTS_COLUMNS}) "
        f"VALUES ('delete', old.id, {_OLD}); "
        f"INSERT INTO incidents_report_fts(rowid, {_FTS_COLUMNS}) VALUES (new.id, {_NEW}); END"
    ),
    "INSERT INTO incidents_report_fts(incidents_report_fts) VALUES ('rebuild')",
    # One segment, as after a bench load: a rebuilt index left in many segments made each
    # per-report probe look in every one (the supervisor's list page: 107 instead of 60 ms).
    "INSERT INTO incidents_report_fts(incidents_report_fts) VALUES ('optimize')",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS incidents_report_fts_ai",
    "DROP TRIGGER IF EXISTS incidents_report_fts_ad",
    "DROP TRIGGER IF EXISTS incidents_report_fts_au",
    "DROP TABLE IF EXISTS incidents_report_fts",
]
POSTGRESQL_INDEX = "incidents_report_facets_gin"


def _token(*parts: str) -> str:
    # search._token as of this migration (a migration must not change when the code does).
    return "".join(ch for ch in "".join(parts).lower() if ch.isascii() and ch.isalnum())


def _facets_of_every_report(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    Classification = apps.get_model("incidents", "Classification")
    InvolvedPerson = apps.get_model("incidents", "InvolvedPerson")
    tokens: dict[int, set[str]] = {}
    types = Classification.objects.using(connection.alias).values_list("report_id", "scheme", "code")
    for report_id, scheme, code in types.iterator(chunk_size=5000):
        tokens.setdefault(report_id, set()).add(_token("t", scheme, code))
    roles = InvolvedPerson.objects.using(connection.alias).values_list("report_id", "role")
    for report_id, role in roles.iterator(chunk_size=5000):
        tokens.setdefault(report_id, set()).add(_token("r", role))
    rows = [(" ".join(sorted(found)), report_id) for report_id, found in tokens.items()]
    with connection.cursor() as cursor:
        cursor.executemany("UPDATE incidents_report SET search_facets = %s WHERE id = %s", rows)


def forwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in SQLITE_REMOVE:  # 0002's table and triggers (no facets column)
            schema_editor.execute(sql)
    _facets_of_every_report(apps, schema_editor)
    if vendor == "sqlite":
        for sql in SQLITE_INSTALL:
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {POSTGRESQL_INDEX} ON incidents_report USING gin "
            "(to_tsvector('simple'::regconfig, search_facets))"
        )


def backwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        first = importlib.import_module("vigil.incidents.migrations.0002_report_search")
        for sql in SQLITE_REMOVE + first.SQLITE_INSTALL:
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {POSTGRESQL_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("incidents", "0004_report_filter_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="report",
                    name="search_facets",
                    field=models.TextField(blank=True, default="", editable=False),
                )
            ],
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE incidents_report ADD COLUMN search_facets text NOT NULL "
                    "DEFAULT ''",
                    # Dropping a column rebuilds the table on SQLite; 0002's install comes
                    # back in ``backwards``, which runs after this on the way down.
                    "ALTER TABLE incidents_report DROP COLUMN search_facets",
                )
            ],
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
