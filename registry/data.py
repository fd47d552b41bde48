"""What the registry's services take in: a unit, an inspection with its findings, an accident,
as a person entered them (on a form or in an import row), already cleaned.

Forms build these and the services write them; forms never import the services. The rule on a
finding's deadline lives here too, so the form and the service ask the same question and give
the same message.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from registry.models import (
    Enterprise,
    Finding,
    Industry,
    Jurisdiction,
    LegalProvision,
    PendingUpload,
)


@dataclass(frozen=True)
class EnterpriseData:
    """What a person enters about a unit (form or import row), already cleaned."""

    name: str
    credit_code: str | None
    legal_representative: str
    address: str
    jurisdiction: Jurisdiction
    industry: Industry
    licence_status: str
    operating_status: str


def finding_deadline_problem(
    *, deadline: datetime.date | None, inspected_on: datetime.date
) -> str | None:
    """Why a finding's proposed deadline cannot stand, or None: a deadline to rectify what an
    inspection found cannot fall before the inspection. The form asks this too."""
    if deadline is not None and deadline < inspected_on:
        return _("整改期限（%(deadline)s）不能早于检查日期（%(date)s）。") % {
            "deadline": deadline.isoformat(),
            "date": inspected_on.isoformat(),
        }
    return None


@dataclass
class FindingData:
    """One finding as entered on the inspection form; ``finding`` is set when editing."""

    category: str
    description: str
    provisions: Sequence[LegalProvision]
    is_major_hazard: bool
    proposed_disposition: str
    proposed_deadline: datetime.date | None
    proposed_for_publicity: bool
    evidence: Sequence[PendingUpload] = field(default_factory=list)
    finding: Finding | None = None


@dataclass(frozen=True)
class InspectionData:
    date: datetime.date
    inspectors: Sequence[User]
    kind: str
    campaign_basis: str
    campaign: str
    notes: str
    # Where it took place; None: where its unit is registered.
    place: Jurisdiction | None = None


@dataclass(frozen=True)
class AccidentData:
    date: datetime.date
    jurisdiction: Jurisdiction
    enterprise: Enterprise | None
    kind: str
    deaths: int
    injuries: int
    direct_loss: Decimal
    description: str
