"""A removal's reason keeps a person's words only: the kind of removal (the term's end, an
early removal after verified rectification) is said when shown (Entry.removal_shown), in the
reader's language. Rows written before lose the Chinese words the services used to add.

The immutability trigger lets ``removal_reason`` change on published entries.
"""

from django.db import migrations

FORWARD = r"""
UPDATE publicity_entry SET removal_reason = '' WHERE status = 'removed' AND removal_reason = '公示期满';
UPDATE publicity_entry SET removal_reason = substr(removal_reason, length('整改核实后提前移出：') + 1)
 WHERE status = 'removed' AND removal_reason LIKE '整改核实后提前移出：%';
"""

BACKWARD = r"""
UPDATE publicity_entry SET removal_reason = '整改核实后提前移出：' || removal_reason
 WHERE status = 'removed' AND removal_reason <> '';
UPDATE publicity_entry SET removal_reason = '公示期满' WHERE status = 'removed' AND removal_reason = '';
"""


class Migration(migrations.Migration):
    dependencies = [("publicity", "0012_entry_printed_number")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
