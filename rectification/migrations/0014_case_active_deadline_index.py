"""The active cases by deadline, a partial index in the work queues' order: the case list's
page, its count that stops early and the dashboard's queue counts read a range of it rather
than sorting and counting the active third of every case; the escalated ones have their
own, for the supervisors' count of a handful."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("rectification", "0013_inbox_role_grant_notice"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status__in", ["open", "reinspection_requested"])),
                fields=["deadline", "id"],
                name="case_active_by_deadline",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(
                    ("escalated_at__isnull", False),
                    ("status__in", ["open", "reinspection_requested"]),
                ),
                fields=["deadline", "id"],
                name="case_escalated_by_deadline",
            ),
        ),
    ]
