"""Enterprise records and what inspectors find: the lowest domain layer.

Nothing here imports rectification or publicity. One module per aggregate, every public name
re-exported here (``from registry.models import Enterprise``; the migrations name some of them,
such as ``registry.models.evidence_upload_to``):

- ``reference``: the administrative tree, authorities, industries, departments, legal
  provisions, staff profiles;
- ``enterprises``: the units and their bulk import;
- ``inspections``: inspections, findings, their evidence and the uploads waiting on a form;
- ``accidents``: production-safety accidents;
- ``audit``: every app's history rows.
"""

from registry.models.accidents import Accident
from registry.models.audit import AuditRecord
from registry.models.enterprises import Enterprise, EnterpriseImport, EnterpriseImportRow
from registry.models.inspections import (
    Evidence,
    Finding,
    Inspection,
    PendingUpload,
    evidence_upload_to,
    pending_upload_to,
)
from registry.models.reference import (
    Authority,
    Department,
    EnglishNameMixin,
    Industry,
    Jurisdiction,
    LegalProvision,
    StaffProfile,
    bilingual_name,
)

__all__ = [
    "Accident",
    "AuditRecord",
    "Authority",
    "Department",
    "EnglishNameMixin",
    "Enterprise",
    "EnterpriseImport",
    "EnterpriseImportRow",
    "Evidence",
    "Finding",
    "Industry",
    "Inspection",
    "Jurisdiction",
    "LegalProvision",
    "PendingUpload",
    "StaffProfile",
    "bilingual_name",
    "evidence_upload_to",
    "pending_upload_to",
]
