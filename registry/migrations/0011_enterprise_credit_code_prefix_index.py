"""An index for searching enterprises by the start of their credit code.

``credit_code LIKE '9144%'`` (registry.search, the public and staff searches) could not use
the unique index on ``credit_code``: a btree in the database's collation serves LIKE only under
the "C" collation, so every code search read the whole enterprise table. The same column with
``varchar_pattern_ops`` (byte order) serves prefixes; partial like the unique index, as a code
search never matches a row without a code.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0010_finding_awaiting_batch_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="enterprise",
            index=models.Index(
                condition=models.Q(("credit_code__isnull", False)),
                fields=["credit_code"],
                name="enterprise_credit_code_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
    ]
