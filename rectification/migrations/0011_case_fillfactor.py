"""Room on each page of the cases table for a row's next version.

Cases are updated in place often (a status moved, a deadline extended, the sweep's
escalation stamp on up to its whole chunk at once). With the default fill factor (100) every
page is full, so each update writes the new version on another page and a new entry in each
of the table's five indexes; with 15 % of each page free, an update that changes no indexed
column (the escalation stamp, the closing date, the responsible person) stays on its page and
touches no index ("heap-only tuple"). Measured on the benchmark's 1,000,000 cases: the
escalation stamp on a chunk of 10,000 cases went from ~800 ms to 100-350 ms, 98.9 % of the
updates heap-only (docs/performance.md).

Pages already written keep their fill until rewritten: on a deployment that already holds
many cases, ``VACUUM FULL rectification_case`` (it locks the table; a few seconds a million
rows) applies it to them too (docs/operations.md).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("rectification", "0010_event_shows_its_reminder")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE rectification_case SET (fillfactor = 85)",
            reverse_sql="ALTER TABLE rectification_case RESET (fillfactor)",
        )
    ]
