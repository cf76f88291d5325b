"""Two indexes the report list and search need at 200,000 reports (bench/incidents_search.py).

- ``incidents_report_newest`` (written_at DESC, id DESC): the list's order, newest first, so the
  first page is read from the index instead of sorting every report.
- ``incidents_report_visible`` (status, author_id, school_id, written_at): every read filters on
  the draft rule (status, author) and the school scope; counts per state are answered from this
  small index instead of the wide report rows (which carry the narrative).

Created with SQL rather than ``Meta.indexes`` (plain ``CREATE INDEX`` on both databases, the
full-text triggers of migration 0002 untouched). Moving them to ``Meta.indexes`` later (same
columns, then a migration that drops these by name) changes nothing else.
"""

from django.db import migrations

CREATE = [
    "CREATE INDEX IF NOT EXISTS incidents_report_newest "
    "ON incidents_report (written_at DESC, id DESC)",
    "CREATE INDEX IF NOT EXISTS incidents_report_visible "
    "ON incidents_report (status, author_id, school_id, written_at)",
]
DROP = [
    "DROP INDEX IF EXISTS incidents_report_newest",
    "DROP INDEX IF EXISTS incidents_report_visible",
]


class Migration(migrations.Migration):
    dependencies = [("incidents", "0002_report_search")]

    operations = [migrations.RunSQL(CREATE, DROP, elidable=False)]
