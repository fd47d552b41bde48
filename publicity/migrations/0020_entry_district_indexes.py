"""The public list within a district, read from indexes (issue 18, cold pages).

At a million entries a district's list filtered by disposition or industry counted its
matches by reading the rows (a sequential scan, ~90 ms), and sorted by name walked the
whole list's name index testing each row's district (10-25 ms). The district's keyset index
now carries industry and disposition, and three more give its name order and its counts by
disposition and by industry as index-only reads (~1 ms).
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('publicity', '0019_finding_in_entries_kept'),
        ('rectification', '0014_case_active_deadline_index'),
        ('registry', '0011_enterprise_credit_code_prefix_index'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='entry',
            name='entry_by_district',
        ),
        migrations.AddIndex(
            model_name='entry',
            index=models.Index(fields=['district', 'status', '-published_on', '-id'], include=('industry', 'disposition'), name='entry_by_district'),
        ),
        migrations.AddIndex(
            model_name='entry',
            index=models.Index(fields=['district', 'status', 'unit_name', 'id'], include=('industry', 'disposition', 'published_on'), name='entry_district_by_name'),
        ),
        migrations.AddIndex(
            model_name='entry',
            index=models.Index(fields=['district', 'disposition', 'status'], name='entry_district_disposition'),
        ),
        migrations.AddIndex(
            model_name='entry',
            index=models.Index(fields=['district', 'industry', 'status'], name='entry_district_industry'),
        ),
    ]
