"""Bulk import of enterprises from CSV or XLSX: read, check every row, then apply all or none.

The person uploads a file (``enterprise_import_start``); a job checks every row
(``enterprise_import_check``) and keeps the cleaned rows and the problems in plain words (row,
column, what is wrong) on the EnterpriseImport; nothing reaches Enterprise until the person
confirms a preview without errors (``enterprise_import_confirm``), and then one transaction
writes every row or none (``enterprise_import_apply``). A row whose credit code is already
registered updates that unit (and a row without a code updates the unit of the same name in
the same place), so importing the same file twice creates nothing twice. Progress is kept in
the cache for the page to poll.
"""

from registry.importing.checking import check_file
from registry.importing.files import COLUMNS, FileUnreadable, read_rows, template_csv, template_xlsx
from registry.importing.steps import (
    enterprise_import_apply,
    enterprise_import_check,
    enterprise_import_confirm,
    enterprise_import_start,
    import_transition,
    progress_get,
)

__all__ = [
    "COLUMNS",
    "FileUnreadable",
    "check_file",
    "enterprise_import_apply",
    "enterprise_import_check",
    "enterprise_import_confirm",
    "enterprise_import_start",
    "import_transition",
    "progress_get",
    "read_rows",
    "template_csv",
    "template_xlsx",
]
