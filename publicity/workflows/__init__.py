"""The workflow tables of publication: batch, entry, objection, erratum (core.workflow).

Each table is the one statement of its rules: the transition functions in publicity.services
check it before they save, the pages ask it which buttons to show (publicity.permissions),
the admin keeps its states read-only, and docs/architecture.md prints it.
"""

from publicity.errors import PublicationError
from publicity.workflows.batch import BATCH
from publicity.workflows.entries import ENTRY, ERRATUM, OBJECTION

WORKFLOWS = (BATCH, ENTRY, OBJECTION, ERRATUM)
__all__ = ["BATCH", "ENTRY", "ERRATUM", "OBJECTION", "WORKFLOWS", "PublicationError"]
