"""Three indexes the report filters need at 200,000 reports (bench/incidents_search.py).

- ``incidents_classification_code_report`` (scheme, code, report_id): the reports with a type
  are read from the index alone (the (scheme, code) index sends every entry to its row for the
  report id), and "does this report have that type?" is one index probe.
- ``incidents_involvedperson_role_report`` (role, report_id): the same for a person's role;
  the (role) index alone sent each probe through every person in that role.
- ``incidents_report_occurred_until`` (COALESCE(occurred_end, occurred_start)): "it had not
  ended before ``since``" (an open-ended one counts from its start) is a range of this index
  (``selectors._filtered`` writes the filter with the same expression), not an ``OR`` that no
  index serves.

Created with SQL, as migration 0003's indexes are: plain ``CREATE INDEX`` on both databases,
no table rebuilt, so the full-text triggers of migration 0002 are untouched.
"""

from django.db import migrations

CREATE = [
    "CREATE INDEX IF NOT EXISTS incidents_classification_code_report "
    "ON incidents_classification (scheme, code, report_id)",
    "CREATE INDEX IF NOT EXISTS incidents_involvedperson_role_report "
    "ON incidents_involvedperson (role, report_id)",
    "CREATE INDEX IF NOT EXISTS incidents_report_occurred_until "
    "ON incidents_report ((COALESCE(occurred_end, occurred_start)))",
]
DROP = [
    "DROP INDEX IF EXISTS incidents_classification_code_report",
    "DROP INDEX IF EXISTS incidents_involvedperson_role_report",
    "DROP INDEX IF EXISTS incidents_report_occurred_until",
]


class Migration(migrations.Migration):
    dependencies = [("incidents", "0003_report_list_indexes")]

    operations = [migrations.RunSQL(CREATE, DROP, elidable=False)]
