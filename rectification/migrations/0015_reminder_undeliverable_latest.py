"""The dashboard's undeliverable reminders, newest first, from an index (issue 18).

After a reminder sweep at a million cases, ~98,000 active cases had reminders that reached
no one; the dashboard ranked all of them by their latest such reminder to show ten (3 s). It
now walks the newest undeliverable reminders from this index and reads only their cases.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('rectification', '0014_case_active_deadline_index'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='reminder',
            index=models.Index(condition=models.Q(('delivery', 'undeliverable')), fields=['-sent_at', 'case'], name='reminder_undeliverable_latest'),
        ),
    ]
