"""Partial indexes of the active cases for the work queues (rectification.selectors):

- by deadline, in the lists' order: the case list's page, its count that stops early and the
  dashboard's counts read a range of it rather than sorting and counting the active third of
  every case;
- by unit, covering the queues' columns: staff scoped to a district, whose counts walk the
  district's units;
- by department, in the lists' order: the liaisons' queues;
- the escalated ones: the supervisors' count of a handful.
"""

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
                condition=models.Q(("status__in", ["open", "reinspection_requested"])),
                fields=["enterprise", "deadline"],
                include=["status", "escalated_at"],
                name="case_active_by_enterprise",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status__in", ["open", "reinspection_requested"])),
                fields=["department", "deadline", "id"],
                name="case_active_by_department",
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
