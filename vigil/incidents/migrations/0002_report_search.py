"""Full-text search of reports: FTS5 on SQLite, a generated tsvector + GIN index on PostgreSQL.

Nothing here changes the Django model: the index is maintenance (vigil/incidents/search.py
queries it). The searched columns are number, title, narrative, actions_taken, location_text —
never people's names.

SQLite: an external-content FTS5 table kept in step by three triggers. Django rebuilds a SQLite
table to alter it, which drops its triggers: a later migration that alters incidents_report
must run SQLITE_INSTALL again (vigil/incidents/tests/test_search.py checks the triggers exist).

PostgreSQL: a STORED generated column (no trigger needed) and a GIN index on it. Hyphens become
spaces first, or "CHHS-2026-0042" would be parsed as the signed numbers -2026 and -0042.
"""

from typing import Any

from django.db import migrations

SQLITE_INSTALL = [
    (
        "CREATE VIRTUAL TABLE IF NOT EXISTS incidents_report_fts USING fts5(number, title, "
        "narrative, actions_taken, location_text, content='incidents_report', content_rowid='id', "
        "tokenize='porter unicode61 remove_diacritics 2')"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS incidents_report_fts_ai AFTER INSERT ON incidents_report "
        "BEGIN INSERT INTO incidents_report_fts(rowid, number, title, narrative, actions_taken, "
        "location_text) VALUES (new.id, new.number, new.title, new.narrative, new.actions_taken, "
        "new.location_text); END"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS incidents_report_fts_ad AFTER DELETE ON incidents_report "
        "BEGIN INSERT INTO incidents_report_fts(incidents_report_fts, rowid, number, title, "
        "narrative, actions_taken, location_text) VALUES ('delete', old.id, old.number, "
        "old.title, old.narrative, old.actions_taken, old.location_text); END"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS incidents_report_fts_au AFTER UPDATE OF number, title, "
        "narrative, actions_taken, location_text ON incidents_report BEGIN INSERT INTO "
        "incidents_report_fts(incidents_report_fts, rowid, number, title, narrative, "
        "actions_taken, location_text) VALUES ('delete', old.id, old.number, old.title, "
        "old.narrative, old.actions_taken, old.location_text); INSERT INTO "
        "incidents_report_fts(rowid, number, title, narrative, actions_taken, location_text) "
        "VALUES (new.id, new.number, new.title, new.narrative, new.actions_taken, "
        "new.location_text); END"
    ),
    ("INSERT INTO incidents_report_fts(incidents_report_fts) VALUES ('rebuild')"),
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS incidents_report_fts_ai",
    "DROP TRIGGER IF EXISTS incidents_report_fts_ad",
    "DROP TRIGGER IF EXISTS incidents_report_fts_au",
    "DROP TABLE IF EXISTS incidents_report_fts",
]

POSTGRESQL_INSTALL = [
    (
        "ALTER TABLE incidents_report ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED "
        "ALWAYS AS (to_tsvector('english'::regconfig, translate(coalesce(number, ''), '-', ' ') "
        "|| ' ' || translate(coalesce(title, ''), '-', ' ') || ' ' || "
        "translate(coalesce(narrative, ''), '-', ' ') || ' ' || translate(coalesce(actions_taken, "
        "''), '-', ' ') || ' ' || translate(coalesce(location_text, ''), '-', ' '))) STORED"
    ),
    (
        "CREATE INDEX IF NOT EXISTS incidents_report_search_gin ON incidents_report USING gin "
        "(search_vector)"
    ),
]
POSTGRESQL_REMOVE = [
    "DROP INDEX IF EXISTS incidents_report_search_gin",
    "ALTER TABLE incidents_report DROP COLUMN IF EXISTS search_vector",
]


def _run(schema_editor: Any, statements: dict[str, list[str]]) -> None:
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def install(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, {"sqlite": SQLITE_INSTALL, "postgresql": POSTGRESQL_INSTALL})


def remove(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, {"sqlite": SQLITE_REMOVE, "postgresql": POSTGRESQL_REMOVE})


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
