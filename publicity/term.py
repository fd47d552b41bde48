"""The publicity term (公示期限): how long an entry stays on the public list.

The national rule lists an entry for three years (PUBLICITY_TERM_DAYS); an official may end
it early once the unit's rectification has been verified for twelve months
(EARLY_REMOVAL_AFTER_DAYS). An entry that leaves the list keeps its page, reachable by its
link with a "removed" notice, and appears in the public removal log (``public:removal-log``).

Entries published before Gongshi kept terms (the demo city's 2008–2010 batches) have no
``listed_until``: the daily sweep leaves them alone, and only an official removes them.

The rules are here; the moves (end of term, early removal) are the entry workflow's
(publicity.workflows.ENTRY, publicity.services.entries).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import QuerySet

from publicity.enums import EntryStatus
from publicity.errors import PublicationError
from publicity.models import Entry
from rectification.enums import CaseStatus

# The term's refusals are the publication workflow's.
TermError = PublicationError


def entry_listed_until(published_on: datetime.date) -> datetime.date:
    """The last day an entry published on ``published_on`` stays listed."""
    return published_on + datetime.timedelta(days=settings.PUBLICITY_TERM_DAYS)


def entries_term_expired(*, today: datetime.date) -> QuerySet[Entry]:
    return Entry.objects.filter(status=EntryStatus.LISTED, listed_until__lt=today)


def early_removal_allowed_from(entry: Entry) -> datetime.date | None:
    """The first day an official may remove the entry early, or None while not eligible."""
    case = entry.case
    if case is None or case.closed_on is None:
        return None
    if case.status not in (CaseStatus.RECTIFIED, CaseStatus.CLOSURE_VERIFIED):
        return None
    return case.closed_on + datetime.timedelta(days=settings.EARLY_REMOVAL_AFTER_DAYS)
